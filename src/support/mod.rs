//! Plumbing every stage may use and none owns: files written whole.

pub mod fs;
