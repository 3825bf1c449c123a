//! Plumbing every stage may use and none owns: the one clock (today, pinned
//! for a run), files written whole, the embedded pack and fixtures, the JSON
//! schemas.

/// A UUID the same seed and part always make (SHA-256 of `seed/part`, as
/// a version-4 UUID): an id that re-judging, or a later request of the same
/// scenario, makes again.
pub fn stable_uuid(seed: &str, part: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(format!("{seed}/{part}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

pub mod clock;
pub mod embedded;
pub mod fs;
pub mod schemas;
