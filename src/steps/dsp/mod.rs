//! DSP, dispensing.

pub(crate) mod dispensing;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(dispensing::steps());
    all
}
