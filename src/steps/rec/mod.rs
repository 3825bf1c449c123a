//! REC, the record: recording and searching entries, the audit trail, registering patients.

pub(crate) mod audit;
pub(crate) mod entries;
pub(crate) mod entry_search;
pub(crate) mod recording;
pub(crate) mod register;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(entries::steps());
    all.extend(recording::steps());
    all.extend(entry_search::steps());
    all.extend(audit::steps());
    all.extend(register::steps());
    all
}
