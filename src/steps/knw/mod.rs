//! KNW, knowledge bases.

pub(crate) mod knowledge;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(knowledge::steps());
    all
}
