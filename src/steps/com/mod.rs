//! COM, communication: messages between practice users and filing documents.

pub(crate) mod filing;
pub(crate) mod messages;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(messages::steps());
    all.extend(filing::steps());
    all
}
