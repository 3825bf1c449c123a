//! INF, GP Connect reads: patients, the directory, the structured record and documents.

pub(crate) mod directory;
pub(crate) mod documents;
pub(crate) mod migrate;
pub(crate) mod patient;
pub(crate) mod record;
pub(crate) mod structured;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(patient::steps());
    all.extend(directory::steps());
    all.extend(structured::steps());
    all.extend(record::steps());
    all.extend(documents::steps());
    all.extend(migrate::steps());
    all
}
