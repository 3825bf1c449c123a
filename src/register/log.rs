//! The register's files: `log.ndjson` (one entry per line, the leaves of the
//! Merkle tree — exactly these bytes are hashed) and `checkpoints.ndjson`
//! (a signed tree head after every entry).

use std::io::Write as _;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::Signer as _;
use serde::{Deserialize, Serialize};

use super::policy::ResolvedPolicy;
use crate::signing::{PublicKey, SecretKey};

pub const LOG_FILE: &str = "log.ndjson";
pub const CHECKPOINTS_FILE: &str = "checkpoints.ndjson";

/// Identifies an accredited system.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemId {
    pub supplier: String,
    pub product: String,
    pub version: String,
}

impl std::fmt::Display for SystemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.supplier, self.product, self.version)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackSeen {
    pub name: String,
    pub version: String,
    pub digest: String,
}

/// Requirement counts of an admitted dossier, for the published list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub must_total: usize,
    pub must_passed: usize,
    pub requirements_total: usize,
    pub requirements_passed: usize,
    pub manual_attested: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Admission {
    pub time: String,
    pub system: SystemId,
    /// The lots the dossier makes accreditable.
    pub lots: Vec<String>,
    /// sha256 of the dossier file as admitted (kept in `dossiers/`).
    pub dossier_sha256: String,
    /// Key id and policy name of the assurance key that signed it.
    pub signed_by: String,
    pub signer_name: String,
    pub pack: PackSeen,
    pub run_finished: String,
    pub valid_until: String,
    /// The log index of the accreditation this one renews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews: Option<u64>,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    pub time: String,
    pub system: SystemId,
    pub reason: String,
    /// The log index of the admission revoked.
    pub revokes: u64,
}

/// One log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Entry {
    Init { time: String, policy: ResolvedPolicy },
    Admit(Box<Admission>),
    Revoke(Revocation),
}

/// A signed tree head, in the C2SP checkpoint body form
/// (`origin\nsize\nbase64(root)\n`), signed with Ed25519.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    /// The root hash, base64 (as in the body).
    pub root: String,
    pub key_id: String,
    pub signature: String,
}

impl Checkpoint {
    pub fn body(origin: &str, size: u64, root: &[u8; 32]) -> String {
        format!("{origin}\n{size}\n{}\n", STANDARD.encode(root))
    }

    pub fn sign(origin: &str, size: u64, root: &[u8; 32], key: &SecretKey) -> Self {
        let sig = key.signing.sign(Self::body(origin, size, root).as_bytes());
        Self {
            origin: origin.into(),
            size,
            root: STANDARD.encode(root),
            key_id: key.public().id(),
            signature: STANDARD.encode(sig.to_bytes()),
        }
    }

    /// Whether the signature covers this origin, size and root.
    pub fn verifies(&self, key: &PublicKey) -> bool {
        let Ok(root) = STANDARD.decode(&self.root) else { return false };
        let Ok(root) = <[u8; 32]>::try_from(root) else { return false };
        let Ok(sig) = STANDARD.decode(&self.signature) else { return false };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(&sig) else { return false };
        let body = Self::body(&self.origin, self.size, &root);
        key.verifying.verify_strict(body.as_bytes(), &sig).is_ok()
    }

    pub fn root_bytes(&self) -> Option<[u8; 32]> {
        STANDARD.decode(&self.root).ok()?.try_into().ok()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{path}: cannot be read: {cause}")]
    Read { path: String, cause: std::io::Error },
    #[error("{path}: cannot be written: {cause}")]
    Write { path: String, cause: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Line { path: String, line: usize, message: String },
}

/// A file's lines (raw bytes, without the newline), blank lines refused.
pub fn read_lines(path: &Path) -> Result<Vec<Vec<u8>>, LogError> {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(LogError::Read { path: shown, cause: source }),
    };
    let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    if lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    if let Some(i) = lines.iter().position(Vec::is_empty) {
        return Err(LogError::Line {
            path: shown,
            line: i + 1,
            message: "blank line (entries are never removed, only appended)".into(),
        });
    }
    Ok(lines)
}

/// Parses each line as JSON of type `T`; errors name the line and `what`.
fn parse_lines<T: serde::de::DeserializeOwned>(path: &Path, lines: &[Vec<u8>], what: &str) -> Result<Vec<T>, LogError> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_slice(l).map_err(|e| LogError::Line {
                path: path.display().to_string(),
                line: i + 1,
                message: format!("not {what}: {e}"),
            })
        })
        .collect()
}

pub fn parse_entries(path: &Path, lines: &[Vec<u8>]) -> Result<Vec<Entry>, LogError> {
    parse_lines(path, lines, "a register entry")
}

pub fn parse_checkpoints(path: &Path, lines: &[Vec<u8>]) -> Result<Vec<Checkpoint>, LogError> {
    parse_lines(path, lines, "a checkpoint")
}

/// Appends one line and flushes it to disk.
pub fn append_line(path: &Path, line: &[u8]) -> Result<(), LogError> {
    let err = |source| LogError::Write { path: path.display().to_string(), cause: source };
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(err)?;
    let mut buf = line.to_vec();
    buf.push(b'\n');
    f.write_all(&buf).map_err(err)?;
    f.sync_all().map_err(err)
}
