//! Helpers every area's steps share: sending and judging HTTP, walking Bundles, fixture keys.

pub mod bundle;
pub mod drafts;
pub mod format;
pub mod http;
pub mod keys;
pub mod stamps;
