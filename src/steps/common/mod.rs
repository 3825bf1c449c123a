//! Helpers every area's steps share: sending and judging HTTP, walking Bundles, fixture keys, the hosted services and the tester.

pub mod bundle;
pub mod hosted;
pub mod http;
pub mod keys;
