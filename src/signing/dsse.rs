//! DSSE v1.0.0 envelopes (secure-systems-lab/dsse): the signature covers the
//! pre-authentication encoding (PAE) of payload type and payload, so neither
//! can be swapped without breaking it.
//!
//! Written by hand: the only DSSE crate is young and pinned to older
//! ed25519/rand generations; PAE is a dozen lines and is tested against the
//! specification's own vector.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use ed25519_dalek::Signer as _;
use serde::{Deserialize, Serialize};

use super::keys::{PublicKey, SecretKey};

/// `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`,
/// lengths in ASCII decimal without leading zeros.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(format!("DSSEv1 {} {payload_type} {} ", payload_type.len(), payload.len()).as_bytes());
    out.extend_from_slice(payload);
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// A hint only (DSSE: unauthenticated); rfa still refuses a keyid that
    /// names a different key from the one that verified.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    pub sig: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Envelope {
    pub payload: String,
    pub payload_type: String,
    pub signatures: Vec<Signature>,
}

/// Why an envelope does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DsseError {
    #[error("the envelope is not DSSE JSON: {0}")]
    Malformed(String),
    #[error("payloadType is `{found}`, expected `{expected}`")]
    PayloadType { found: String, expected: String },
    #[error("the payload is not base64")]
    PayloadEncoding,
    #[error("the envelope carries no signature")]
    Unsigned,
    #[error(
        "no signature verifies with a trusted key (the payload or signature was altered, or it was signed by another key)"
    )]
    NoTrustedSignature,
    #[error("signature keyid `{found}` does not name the key that verified it ({expected})")]
    KeyIdMismatch { found: String, expected: String },
}

/// DSSE verifiers must accept standard and URL-safe base64; each alphabet is
/// tried whole, so one string never mixes them.
fn decode_b64(s: &str) -> Option<Vec<u8>> {
    STANDARD.decode(s).ok().or_else(|| URL_SAFE.decode(s).ok()).or_else(|| URL_SAFE_NO_PAD.decode(s).ok())
}

impl Envelope {
    pub fn sign(payload_type: &str, payload: &[u8], key: &SecretKey) -> Self {
        let sig = key.signing.sign(&pae(payload_type, payload));
        Self {
            payload: STANDARD.encode(payload),
            payload_type: payload_type.to_string(),
            signatures: vec![Signature { keyid: key.public().id(), sig: STANDARD.encode(sig.to_bytes()) }],
        }
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, DsseError> {
        serde_json::from_slice(bytes).map_err(|e| DsseError::Malformed(e.to_string()))
    }

    /// Verifies against any of `trusted` and returns the payload and the key
    /// that verified it. The payload is only handed out after verification.
    pub fn verify<'k>(
        &self,
        expected_type: &str,
        trusted: &'k [PublicKey],
    ) -> Result<(Vec<u8>, &'k PublicKey), DsseError> {
        if self.payload_type != expected_type {
            return Err(DsseError::PayloadType { found: self.payload_type.clone(), expected: expected_type.into() });
        }
        let payload = decode_b64(&self.payload).ok_or(DsseError::PayloadEncoding)?;
        if self.signatures.is_empty() {
            return Err(DsseError::Unsigned);
        }
        let message = pae(&self.payload_type, &payload);
        for s in &self.signatures {
            let Some(raw) = decode_b64(&s.sig) else { continue };
            let Ok(sig) = ed25519_dalek::Signature::from_slice(&raw) else { continue };
            for key in trusted {
                if key.verifying.verify_strict(&message, &sig).is_ok() {
                    if !s.keyid.is_empty() && s.keyid != key.id() {
                        return Err(DsseError::KeyIdMismatch { found: s.keyid.clone(), expected: key.id() });
                    }
                    return Ok((payload, key));
                }
            }
        }
        Err(DsseError::NoTrustedSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_specification_vector() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    }

    #[test]
    fn sign_verify_and_reject() {
        let a = SecretKey::generate();
        let b = SecretKey::generate();
        let env = Envelope::sign("t/x", b"{\"a\":1}", &a);
        let trusted = [a.public()];
        let (payload, key) = env.verify("t/x", &trusted).expect("verifies");
        assert_eq!(payload, b"{\"a\":1}");
        assert_eq!(key.id(), a.public().id());
        assert_eq!(
            env.verify("t/y", &trusted),
            Err(DsseError::PayloadType { found: "t/x".into(), expected: "t/y".into() })
        );
        assert_eq!(env.verify("t/x", &[b.public()]), Err(DsseError::NoTrustedSignature));
        let mut other = env.clone();
        other.payload = STANDARD.encode(b"{\"a\":2}");
        assert_eq!(other.verify("t/x", &trusted), Err(DsseError::NoTrustedSignature));
        let mut wrong_id = env.clone();
        wrong_id.signatures[0].keyid = b.public().id();
        assert!(matches!(wrong_id.verify("t/x", &trusted), Err(DsseError::KeyIdMismatch { .. })));
        // Any trusted key of several will do.
        assert!(env.verify("t/x", &[b.public(), a.public()]).is_ok());
    }

    #[test]
    fn url_safe_payloads_are_accepted() {
        let a = SecretKey::generate();
        let mut env = Envelope::sign("t", &[0xfb, 0xff, 0xfe], &a);
        env.payload = URL_SAFE.encode([0xfb, 0xff, 0xfe]);
        assert!(env.verify("t", &[a.public()]).is_ok());
    }
}
