//! COM, communication: messages between practice users and documents
//! received by GP Connect Send Document.

pub(crate) mod messages;
pub(crate) mod send_document;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(messages::steps());
    all.extend(send_document::steps());
    all
}
