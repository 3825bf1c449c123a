//! ACC, remote access: the JWT and Ssp headers a request carries, the CapabilityStatement, transport security.

pub(crate) mod access;
pub(crate) mod capability;
pub(crate) mod transport;

use crate::steps::StepDef;

/// This area's step definitions.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = Vec::new();
    all.extend(access::steps());
    all.extend(capability::steps());
    all.extend(transport::steps());
    all
}
