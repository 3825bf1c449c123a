//! DSP, dispensing.

pub(crate) mod dispensing;
pub(crate) mod supply;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(dispensing::steps());
    all.extend(supply::steps());
    all
}
