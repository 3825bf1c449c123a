//! DEV, device readings.

pub(crate) mod devices;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(devices::steps());
    all
}
