//! REC: the record — recording, amending and searching clinical entries,
//! the audit trail, registering patients and tracing them on PDS.

pub mod audit;
pub mod clinical;
pub mod pds;
pub mod register;
