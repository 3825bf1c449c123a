//! FIN, claims.

pub(crate) mod claims;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(claims::steps());
    all
}
