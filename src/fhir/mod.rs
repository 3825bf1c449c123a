//! FHIR as GP Connect uses it, shared by the judge, the reference and the
//! national services as vocabulary: GP Connect's names and the interactions
//! table (`gpc`), NHS numbers (`nhs`), prescription ids, and typed views over
//! FHIR JSON. (Rules, such
//! as which status goes with which Spine code, stay with each side.)

pub mod gpc;
pub mod itk;
pub mod nhs;
pub mod prescription_id;
pub mod views;
pub mod xml;

pub use views::{
    Bundle, CodeableConcept, Coding, Entry, Identifier, Issue, OperationOutcome, Parameter, Parameters, Reference,
    Resource, Views,
};

/// `v` without the top-level arrays among `keys` that are empty: FHIR JSON
/// omits an empty array (a searchset with no match has no `entry`).
pub fn omit_empty(mut v: serde_json::Value, keys: &[&str]) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        o.retain(|k, x| !(keys.contains(&k.as_str()) && x.as_array().is_some_and(Vec::is_empty)));
    }
    v
}

/// A Parameters resource of these parameters. FHIR JSON omits an empty
/// array, so a Parameters without parameters has no `parameter` at all.
pub fn parameters(list: Vec<serde_json::Value>) -> serde_json::Value {
    omit_empty(serde_json::json!({ "resourceType": "Parameters", "parameter": list }), &["parameter"])
}
