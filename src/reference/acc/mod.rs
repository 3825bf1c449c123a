//! ACC: remote access — the Spine Security Proxy headers and JWT every request
//! passes (guard), the CapabilityStatements, and the TLS endpoint.

pub mod capability;
pub mod guard;
pub mod tls;
