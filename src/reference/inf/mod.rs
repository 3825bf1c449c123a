//! INF: information for clinicians — Patient search and read, the
//! directory (Organization, Practitioner, Location), Access Record
//! Structured, Access Document, and retrieving another practice's record.

pub mod consumer;
pub mod directory;
pub mod documents;
pub mod structured;
