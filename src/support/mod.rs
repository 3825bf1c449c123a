//! Plumbing every stage may use and none owns: the one clock (today, pinned
//! for a run), files written whole, the embedded pack and fixtures, the JSON
//! schemas.

pub mod clock;
pub mod embedded;
pub mod fs;
pub mod schemas;
