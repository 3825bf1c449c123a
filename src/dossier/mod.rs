//! The dossier: an in-toto Statement v1 whose predicate records the whole
//! judgement of a run, wrapped in a DSSE envelope signed with Ed25519.
//! `statement.json` (unsigned) is written by every run; `dossier.json` (the
//! envelope) when a signing key is given.

pub mod statement;
pub mod verify;

pub use statement::{Dossier, Mode, PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, Statement};
