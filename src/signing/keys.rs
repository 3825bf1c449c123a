//! Ed25519 keys as PEM files: PKCS#8 for the private key, SubjectPublicKeyInfo
//! for the public one (what openssl reads and writes). A key's id is the
//! sha256 of its SPKI DER, in hex.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: cannot be read: {cause}")]
    Read { path: String, cause: std::io::Error },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("{path}: already exists; pass --force to overwrite it")]
    Exists { path: String },
    #[error("{path}: cannot be written: {cause}")]
    Write { path: String, cause: std::io::Error },
}

/// A private signing key.
pub struct SecretKey {
    pub(crate) signing: SigningKey,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.public().id())
    }
}

/// A public verifying key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub(crate) verifying: VerifyingKey,
    /// Where it was loaded from, for messages.
    pub source: Option<PathBuf>,
}

impl SecretKey {
    pub fn generate() -> Self {
        Self { signing: SigningKey::generate(&mut rand::rng()) }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey { verifying: self.signing.verifying_key(), source: None }
    }

    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| KeyError::Read { path: shown.clone(), cause: source })?;
        if text.contains("BEGIN PUBLIC KEY") {
            return Err(KeyError::Format {
                path: shown,
                message: "is a public key; signing needs the private key (the .key file from `rfa keys generate`)"
                    .into(),
            });
        }
        SigningKey::from_pkcs8_pem(&text).map(|signing| Self { signing }).map_err(|e| KeyError::Format {
            path: shown,
            message: format!("is not an Ed25519 PKCS#8 PEM private key ({e})"),
        })
    }

    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.signing
            .to_pkcs8_pem(LineEnding::LF)
            .map(|z| z.to_string())
            .map_err(|e| KeyError::Format { path: "<new key>".into(), message: e.to_string() })
    }
}

impl PublicKey {
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| KeyError::Read { path: shown.clone(), cause: source })?;
        if text.contains("PRIVATE KEY") {
            return Err(KeyError::Format {
                path: shown,
                message:
                    "is a private key; verifying needs only the public key (the .pub file), so keep this one secret"
                        .into(),
            });
        }
        VerifyingKey::from_public_key_pem(&text)
            .map(|verifying| Self { verifying, source: Some(path.to_path_buf()) })
            .map_err(|e| KeyError::Format {
                path: shown,
                message: format!("is not an Ed25519 SPKI PEM public key ({e})"),
            })
    }

    /// Parses SPKI PEM text (no file).
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        if pem.contains("PRIVATE KEY") {
            return Err("is a private key; a public key (SPKI PEM) is needed".into());
        }
        VerifyingKey::from_public_key_pem(pem)
            .map(|verifying| Self { verifying, source: None })
            .map_err(|e| format!("is not an Ed25519 SPKI PEM public key ({e})"))
    }

    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.verifying
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| KeyError::Format { path: "<key>".into(), message: e.to_string() })
    }

    /// sha256 of the SubjectPublicKeyInfo DER, lower-case hex.
    pub fn id(&self) -> String {
        match self.verifying.to_public_key_der() {
            Ok(der) => hex::encode(Sha256::digest(der.as_bytes())),
            // Encoding a valid Ed25519 key cannot fail; an empty id never
            // matches a real keyid, so a failure here fails verification.
            Err(_) => String::new(),
        }
    }

    /// How messages name the key: its file, else the start of its id.
    pub fn describe(&self) -> String {
        let id = self.id();
        let short = id.get(..16).unwrap_or(&id);
        match &self.source {
            Some(p) => format!("{} ({short}…)", p.display()),
            None => format!("key {short}…"),
        }
    }
}

/// Writes `NAME.key` (mode 0600) and `NAME.pub`; refuses to overwrite unless
/// `force`. Returns the two paths.
pub fn generate_files(name: &Path, force: bool) -> Result<(PathBuf, PathBuf, SecretKey), KeyError> {
    let key_path = with_suffix(name, "key");
    let pub_path = with_suffix(name, "pub");
    for p in [&key_path, &pub_path] {
        if p.exists() && !force {
            return Err(KeyError::Exists { path: p.display().to_string() });
        }
    }
    let key = SecretKey::generate();
    write_private(&key_path, key.to_pem()?.as_bytes())?;
    std::fs::write(&pub_path, key.public().to_pem()?)
        .map_err(|source| KeyError::Write { path: pub_path.display().to_string(), cause: source })?;
    Ok((key_path, pub_path, key))
}

fn with_suffix(name: &Path, ext: &str) -> PathBuf {
    let mut s = name.as_os_str().to_os_string();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    let err = |source| KeyError::Write { path: path.display().to_string(), cause: source };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(err)?;
    // An existing file keeps its old mode on open; tighten it explicitly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(err)?;
    }
    f.write_all(bytes).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_through_pem_with_a_stable_id() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (k, p, key) = generate_files(&dir.path().join("k"), false).expect("generate");
        let sk = SecretKey::load(&k).expect("private key loads");
        let pk = PublicKey::load(&p).expect("public key loads");
        assert_eq!(sk.public().id(), pk.id());
        assert_eq!(key.public().id(), pk.id());
        assert_eq!(pk.id().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&k).expect("meta").permissions().mode() & 0o777, 0o600);
        }
        assert!(matches!(generate_files(&dir.path().join("k"), false), Err(KeyError::Exists { .. })));
        assert!(matches!(PublicKey::load(&k), Err(KeyError::Format { .. })), "a private key is not accepted as public");
        assert!(matches!(SecretKey::load(&p), Err(KeyError::Format { .. })));
    }
}
