//! ONL, patients online: free slots, booking and changing appointments, patient access.

pub(crate) mod appointment_changes;
pub(crate) mod appointments;
pub(crate) mod patient_online;
pub(crate) mod slots;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(slots::steps());
    all.extend(appointments::steps());
    all.extend(appointment_changes::steps());
    all.extend(patient_online::steps());
    all
}
