//! Writing files whole.

use std::path::{Path, PathBuf};

/// Writes a file so that a reader never sees half of it: write a sibling
/// temporary file, then rename over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp: PathBuf = {
        let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(".tmp");
        path.with_file_name(name)
    };
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
