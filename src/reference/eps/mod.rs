//! EPS: electronic prescribing — issuing, reading, searching and
//! cancelling prescriptions, and submitting them to EPS.

pub mod prescribing;
pub mod submit;
