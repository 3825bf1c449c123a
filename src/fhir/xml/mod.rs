//! FHIR XML, read and written through FHIR JSON's shape: the harness reads
//! an XML answer into the same `serde_json::Value` its checks judge JSON
//! with, and the reference writes its JSON as XML when that is asked for.
//!
//! Hand-written over `roxmltree` (reading) and `quick-xml` (writing)
//! because no maintained crate reads or writes FHIR STU3 XML; the crates
//! that do FHIR XML in Rust generate R4 and later models only.

mod read;
pub mod table;
mod write;

pub use read::to_json;
pub use write::{Slips, from_json, from_json_with};

pub const FHIR_NS: &str = "http://hl7.org/fhir";
pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Where a body breaks FHIR XML (or cannot be written as it), and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {why}")]
pub struct XmlError {
    /// The element path, e.g. `/Bundle/entry/resource/Patient/name`.
    pub at: String,
    pub why: String,
}

impl XmlError {
    pub fn new(at: &str, why: impl Into<String>) -> Self {
        Self { at: if at.is_empty() { "/".into() } else { at.to_string() }, why: why.into() }
    }
}

#[cfg(test)]
mod tests;
