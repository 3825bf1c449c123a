//! COM: communication — messages between practice users and MESH.

pub mod mesh;
pub mod messages;
