//! FHIR as GP Connect uses it, shared by the judge, the reference and the
//! national services as vocabulary: GP Connect's names and the interactions
//! table (`gpc`), NHS numbers (`nhs`), prescription ids, and typed views over
//! FHIR JSON. (Rules, such
//! as which status goes with which Spine code, stay with each side.)

pub mod gpc;
pub mod nhs;
pub mod prescription_id;
pub mod views;

pub use views::{
    Bundle, CodeableConcept, Coding, Entry, Identifier, Issue, OperationOutcome, Parameter, Parameters, Reference,
    Resource, Views,
};
