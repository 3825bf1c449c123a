//! Files compiled into the binary (see `build.rs`): each table holds
//! `(path relative to its directory, contents)`, sorted by path.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Looks a file up in one of the tables.
pub fn find(table: &'static [(&'static str, &'static [u8])], path: &str) -> Option<&'static [u8]> {
    table.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}
