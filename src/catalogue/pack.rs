//! Where a feature pack's files come from (compiled in, or a directory) and
//! its digest.
//!
//! The digest is reproducible with coreutils, so anyone can check the pack a
//! dossier names without `rfa`:
//!
//! ```sh
//! cd features && find . -type f \( -name '*.feature' -o -name pack.toml \) \
//!   | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum
//! ```
//!
//! i.e. sha256 over the `sha256sum` lines (`<hex>  <path>\n`) of every pack
//! file, sorted by relative path.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::{Diagnostic, PackError};

/// The manifest name inside a pack.
pub const MANIFEST: &str = "pack.toml";
/// Feature files larger than this are refused: a real one is a few KiB.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// One file of the pack.
#[derive(Debug, Clone)]
pub struct PackFile {
    /// Path relative to the pack root, `/`-separated.
    pub path: String,
    pub text: String,
}

/// The pack's files, as read.
#[derive(Debug, Clone)]
pub struct PackFiles {
    /// How paths are shown to people: `features` for the built-in pack, the
    /// directory given for `--features`.
    pub display_root: String,
    pub files: Vec<PackFile>,
}

impl PackFiles {
    /// The pack compiled into the binary.
    pub fn embedded() -> Result<Self, PackError> {
        let mut files = Vec::new();
        for (path, bytes) in crate::support::embedded::FEATURES {
            if !is_pack_file(path) {
                continue;
            }
            let text = std::str::from_utf8(bytes)
                .map_err(|_| PackError::single(Diagnostic::file(format!("features/{path}"), "is not UTF-8")))?;
            files.push(PackFile { path: (*path).to_string(), text: text.to_string() });
        }
        Ok(Self { display_root: "features".into(), files })
    }

    /// A pack in a directory (`--features DIR`).
    pub fn from_dir(dir: &Path) -> Result<Self, PackError> {
        let display_root = dir.display().to_string();
        if !dir.is_dir() {
            return Err(PackError::single(Diagnostic::file(
                display_root,
                "is not a directory (--features takes a feature pack directory holding pack.toml and <AREA>/*.feature)",
            )));
        }
        let mut paths = Vec::new();
        walk(dir, &mut paths)
            .map_err(|e| PackError::single(Diagnostic::file(display_root.clone(), format!("cannot be read: {e}"))))?;
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for path in paths {
            let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if !is_pack_file(&rel) {
                continue;
            }
            let shown = format!("{}/{rel}", display_root.trim_end_matches('/'));
            match read_bounded(&path) {
                Ok(text) => files.push(PackFile { path: rel, text }),
                Err(msg) => problems.push(Diagnostic::file(shown, msg)),
            }
        }
        if !problems.is_empty() {
            return Err(PackError { diagnostics: problems });
        }
        files.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        Ok(Self { display_root, files })
    }

    /// `<display root>/<relative path>`.
    pub fn shown(&self, rel: &str) -> String {
        format!("{}/{rel}", self.display_root.trim_end_matches('/'))
    }

    /// sha256 over the sorted `sha256sum` lines, as `sha256:<hex>`.
    pub fn digest(&self) -> String {
        let mut sorted: Vec<&PackFile> = self.files.iter().collect();
        sorted.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        let mut outer = Sha256::new();
        for f in sorted {
            let inner = hex::encode(Sha256::digest(f.text.as_bytes()));
            outer.update(format!("{inner}  {}\n", f.path).as_bytes());
        }
        format!("sha256:{}", hex::encode(outer.finalize()))
    }
}

fn is_pack_file(rel: &str) -> bool {
    rel == MANIFEST || rel.ends_with(".feature")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let ty = entry.file_type()?;
        if ty.is_dir() {
            walk(&entry.path(), out)?;
        } else if ty.is_file() || ty.is_symlink() {
            out.push(entry.path());
        }
    }
    Ok(())
}

fn read_bounded(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("is {} bytes; pack files are limited to {MAX_FILE_BYTES}", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
    String::from_utf8(bytes)
        .map_err(|e| format!("is not UTF-8 (first bad byte at offset {})", e.utf8_error().valid_up_to()))
}

/// `pack.toml`: the pack's name and version.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub title: Option<String>,
    /// Why the `@route-extension` requirements of a feature file (keyed by
    /// its path in the pack) are judged through the profile's extension
    /// rather than a national interface (DESIGN.md point 4).
    #[serde(default)]
    pub extension: std::collections::BTreeMap<String, String>,
}

impl Manifest {
    pub fn parse(files: &PackFiles) -> Result<Self, PackError> {
        let Some(file) = files.files.iter().find(|f| f.path == MANIFEST) else {
            return Err(PackError::single(Diagnostic::file(
                files.shown(MANIFEST),
                "is missing: a feature pack names itself and its version in pack.toml (name = \"...\", version = \"...\")",
            )));
        };
        toml::from_str(&file.text).map_err(|e| {
            let line = e.span().map(|s| line_of(&file.text, s.start));
            PackError::single(Diagnostic { file: files.shown(MANIFEST), line, message: e.message().to_string() })
        })
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_sha256sum_convention() {
        let files = PackFiles {
            display_root: "x".into(),
            files: vec![
                PackFile { path: "b.feature".into(), text: "b".into() },
                PackFile { path: "a.feature".into(), text: "a".into() },
            ],
        };
        // printf 'a' | sha256sum; printf 'b' | sha256sum; then the lines hashed.
        let a = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
        let b = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";
        let lines = format!("{a}  a.feature\n{b}  b.feature\n");
        let expected = format!("sha256:{}", hex::encode(Sha256::digest(lines.as_bytes())));
        assert_eq!(files.digest(), expected);
    }

    #[test]
    fn line_of_counts_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
