//! The register's trust policy: whose signatures admit a system, which
//! feature packs count, how long an accreditation lasts, and the key the
//! register signs its checkpoints with.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::signing::{PublicKey, SecretKey};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    origin: String,
    validity_days: u32,
    signing_key: PathBuf,
    assurance_keys: Vec<RawKey>,
    pinned_packs: Vec<PinnedPack>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    name: String,
    /// A SubjectPublicKeyInfo PEM file, relative to the policy file…
    public_key: Option<PathBuf>,
    /// …or the PEM itself.
    pem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinnedPack {
    pub name: String,
    pub version: String,
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKey {
    pub name: String,
    pub key_id: String,
    pub pem: String,
}

/// The policy as the log records it (keys inline, no private key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolvedPolicy {
    /// The checkpoint origin line, e.g. `register.example.nhs.uk/gpsoc`.
    pub origin: String,
    pub validity_days: u32,
    /// The register's own public key (SPKI PEM), which signs checkpoints.
    pub register_key: String,
    pub assurance_keys: Vec<TrustedKey>,
    pub pinned_packs: Vec<PinnedPack>,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{path}: cannot be read: {cause}")]
    Read { path: String, cause: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Parse { path: String, line: usize, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error(transparent)]
    Key(#[from] crate::signing::KeyError),
}

impl ResolvedPolicy {
    /// Reads a policy file; key paths are relative to it. Returns the policy
    /// and the register's signing key (which never enters the log).
    pub fn load(path: &Path) -> Result<(Self, SecretKey, PathBuf), PolicyError> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| PolicyError::Read { path: shown.clone(), cause: source })?;
        let raw: RawPolicy = toml::from_str(&text).map_err(|e| PolicyError::Parse {
            path: shown.clone(),
            line: e.span().map(|s| crate::catalogue::pack::line_of(&text, s.start)).unwrap_or(1),
            message: e.message().to_string(),
        })?;
        let invalid = |message: String| PolicyError::Invalid { path: shown.clone(), message };
        let base = path.parent().unwrap_or(Path::new("."));
        if raw.origin.trim().is_empty() || raw.origin.contains('\n') {
            return Err(invalid("origin must be one non-empty line (it heads every checkpoint)".into()));
        }
        if raw.validity_days == 0 {
            return Err(invalid("validity_days must be at least 1".into()));
        }
        if raw.assurance_keys.is_empty() {
            return Err(invalid("at least one [[assurance_keys]] entry is needed: nothing could be admitted".into()));
        }
        if raw.pinned_packs.is_empty() {
            return Err(invalid("at least one [[pinned_packs]] entry is needed: nothing could be admitted".into()));
        }
        for p in &raw.pinned_packs {
            let hex = p.digest.strip_prefix("sha256:").unwrap_or_default();
            if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid(format!(
                    "pinned pack {} {}: digest `{}` is not sha256:<64 hex>",
                    p.name, p.version, p.digest
                )));
            }
        }
        let signing_path = base.join(&raw.signing_key);
        let signing = SecretKey::load(&signing_path)?;
        let mut keys = Vec::new();
        for k in raw.assurance_keys {
            let pem = match (k.public_key, k.pem) {
                (Some(file), None) => {
                    let p = base.join(file);
                    std::fs::read_to_string(&p)
                        .map_err(|source| PolicyError::Read { path: p.display().to_string(), cause: source })?
                }
                (None, Some(pem)) => pem,
                _ => {
                    return Err(invalid(format!(
                        "assurance key `{}` needs exactly one of public_key (a file) or pem",
                        k.name
                    )));
                }
            };
            let key = PublicKey::from_pem(&pem).map_err(|m| invalid(format!("assurance key `{}`: {m}", k.name)))?;
            keys.push(TrustedKey { name: k.name, key_id: key.id(), pem: key.to_pem()? });
        }
        let policy = ResolvedPolicy {
            origin: raw.origin,
            validity_days: raw.validity_days,
            register_key: signing.public().to_pem()?,
            assurance_keys: keys,
            pinned_packs: raw.pinned_packs,
        };
        let abs = std::fs::canonicalize(&signing_path).unwrap_or(signing_path);
        Ok((policy, signing, abs))
    }

    pub fn trusted(&self) -> Vec<PublicKey> {
        self.assurance_keys.iter().filter_map(|k| PublicKey::from_pem(&k.pem).ok()).collect()
    }

    pub fn register_key(&self) -> Option<PublicKey> {
        PublicKey::from_pem(&self.register_key).ok()
    }

    pub fn key_name(&self, key_id: &str) -> Option<&str> {
        self.assurance_keys.iter().find(|k| k.key_id == key_id).map(|k| k.name.as_str())
    }

    pub fn pins(&self, name: &str, version: &str, digest: &str) -> bool {
        self.pinned_packs.iter().any(|p| p.name == name && p.version == version && p.digest == digest)
    }
}
