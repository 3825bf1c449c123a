//! Signing primitives shared by dossiers and attestations: Ed25519 keys in
//! PEM files and DSSE envelopes.

pub mod dsse;
pub mod keys;

pub use dsse::{DsseError, Envelope, pae};
pub use keys::{KeyError, PublicKey, SecretKey};
