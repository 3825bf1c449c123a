//! FHIR as GP Connect uses it, shared by the judge, the reference and the
//! national services as vocabulary: typed views over FHIR JSON. (Rules, such
//! as which status goes with which Spine code, stay with each side.)

pub mod views;

pub use views::{
    Bundle, CodeableConcept, Coding, Entry, Identifier, Issue, OperationOutcome, Parameter, Parameters, Reference,
    Resource,
};
