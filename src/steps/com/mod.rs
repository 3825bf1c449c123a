//! COM, communication: messages between practice users, documents
//! received by GP Connect Send Document, and consultation summaries
//! received by GP Connect Update Record.

pub(crate) mod messages;
pub(crate) mod send_document;
pub(crate) mod update_record;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(messages::steps());
    all.extend(send_document::steps());
    all.extend(update_record::steps());
    all
}
