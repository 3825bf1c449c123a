//! EPS, prescribing.

pub(crate) mod order;
pub(crate) mod prescribing;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(prescribing::steps());
    all.extend(order::steps());
    all
}
