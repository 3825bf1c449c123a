//! NHS login, hosted (profile §25): the OpenID provider a practice's
//! online services trust for who a patient is. It publishes discovery and
//! its signing keys as NHS login does (`/.well-known/openid-configuration`,
//! `/.well-known/jwks.json`), and signs patients' ID tokens with RS512, the
//! one algorithm NHS login uses. The steps mint the tokens here, including
//! the ones a candidate must refuse.
//!
//! These endpoints are not recorded in any scenario's evidence: the
//! candidate fetches keys when it likes (at start, on an unknown key id),
//! and that is not a consumer scenario's doing.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Json;
use axum::extract::State;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::Shared;

/// The path the issuer is served under, below the services' base.
pub const PREFIX: &str = "nhslogin";

/// How a minted token is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signing {
    /// By NHS login's current key, named by its `kid`.
    #[default]
    Published,
    /// By the key NHS login rotates to; published once it has rotated.
    Rotated,
    /// By a key NHS login never published, under the current key's `kid`:
    /// only a checked signature tells it apart.
    OtherKey,
    /// By a key NHS login never published, under a `kid` it never used.
    UnknownKid,
    /// Not at all: `alg` `none` and no signature.
    Unsigned,
    /// HS512, with NHS login's current public key (PEM) as the HMAC secret:
    /// the algorithm-confusion forgery, which anyone holding the published
    /// key can make, and which only a verifier that trusts the header's
    /// `alg` accepts.
    PublicKeyAsSecret,
}

struct RsaKey {
    /// The RFC 7638 thumbprint: a key id no other key has, so a key made
    /// by another run (another process) is never taken for this one.
    kid: String,
    /// PKCS#1 DER, as jsonwebtoken takes an RSA private key.
    der: Vec<u8>,
    /// The public key as a JWK (RFC 7518 §6.3.1: base64url modulus and
    /// exponent).
    jwk: Value,
}

struct Keys {
    current: RsaKey,
    next: RsaKey,
    rogue: RsaKey,
}

fn rsa_key() -> Result<RsaKey, String> {
    use sha2::Digest as _;
    let rsa = openssl::rsa::Rsa::generate(2048).map_err(|e| format!("generating an RSA key: {e}"))?;
    let der = rsa.private_key_to_der().map_err(|e| format!("encoding an RSA key: {e}"))?;
    let (n, e) = (URL_SAFE_NO_PAD.encode(rsa.n().to_vec()), URL_SAFE_NO_PAD.encode(rsa.e().to_vec()));
    // RFC 7638 §3: the required members, in lexicographic order, no spaces.
    let kid = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#)));
    let jwk = json!({ "kty": "RSA", "use": "sig", "alg": "RS512", "kid": kid, "n": n, "e": e });
    Ok(RsaKey { kid, der, jwk })
}

/// The keys, made once per process on first use: an RSA-2048 key takes
/// 0.1 to 0.3 s to make (a random prime search), and most runs (and most
/// kill-matrix runs in one process) sign no patient token at all. The three
/// are made side by side, so the first sign-in waits for the slowest, not
/// the sum. Each run's issuer is its own address, so sharing keys across
/// runs lets no run's token into another.
fn keys() -> Result<&'static Keys, String> {
    static KEYS: OnceLock<Result<Keys, String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        std::thread::scope(|s| {
            let made = [s.spawn(rsa_key), s.spawn(rsa_key), s.spawn(rsa_key)]
                .map(|t| t.join().unwrap_or_else(|_| Err("making an RSA key panicked".into())));
            let [current, next, rogue] = made;
            Ok(Keys { current: current?, next: next?, rogue: rogue? })
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// NHS login's state for one run of the hosted services.
#[derive(Debug, Default)]
pub struct Provider {
    /// Whether the next key is published (keys rotated).
    rotated: AtomicBool,
}

impl Provider {
    /// NHS login publishes its next key; the current one stays published,
    /// so tokens already issued still verify.
    pub fn rotate(&self) {
        self.rotated.store(true, Ordering::SeqCst);
    }

    /// An ID token carrying `claims`, signed as `how` says.
    pub fn sign(&self, claims: &Value, how: Signing) -> Result<String, String> {
        let keys = keys()?;
        let (key, kid) = match how {
            Signing::Unsigned => return Ok(crate::client::jwt::unsigned(claims, true)),
            Signing::PublicKeyAsSecret => {
                let mut header = Header::new(Algorithm::HS512);
                header.kid = Some(keys.current.kid.clone());
                let secret = EncodingKey::from_secret(&public_pem(&keys.current.jwk)?);
                return jsonwebtoken::encode(&header, claims, &secret).map_err(|e| format!("signing an ID token: {e}"));
            }
            Signing::Published => (&keys.current, &keys.current.kid),
            Signing::Rotated => (&keys.next, &keys.next.kid),
            Signing::OtherKey => (&keys.rogue, &keys.current.kid),
            Signing::UnknownKid => (&keys.rogue, &keys.rogue.kid),
        };
        let mut header = Header::new(Algorithm::RS512);
        header.kid = Some(kid.clone());
        jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_der(&key.der))
            .map_err(|e| format!("signing an ID token: {e}"))
    }

    fn published(&self) -> Result<Vec<Value>, String> {
        let keys = keys()?;
        let mut out = vec![keys.current.jwk.clone()];
        if self.rotated.load(Ordering::SeqCst) {
            out.push(keys.next.jwk.clone());
        }
        Ok(out)
    }
}

/// An RSA public key given as a JWK, PEM-encoded (SubjectPublicKeyInfo):
/// the bytes a verifier that trusts the token's `alg` takes as an HMAC
/// secret.
pub fn public_pem(jwk: &Value) -> Result<Vec<u8>, String> {
    let part = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .and_then(|b| openssl::bn::BigNum::from_slice(&b).ok())
            .ok_or_else(|| format!("the JWK has no usable `{name}`"))
    };
    openssl::rsa::Rsa::from_public_components(part("n")?, part("e")?)
        .and_then(|k| k.public_key_to_pem())
        .map_err(|e| format!("the JWK as a PEM public key: {e}"))
}

/// The issuer: the services' shared base and [`PREFIX`], no trailing slash
/// (NHS login's own issuers have none).
pub fn issuer(base: &reqwest::Url) -> String {
    format!("{}{PREFIX}", base.as_str())
}

/// The discovery document (OpenID Connect Discovery 1.0 §3), with what
/// NHS login's says about ID tokens.
pub(super) async fn discovery(State(h): State<Shared>) -> Json<Value> {
    let iss = issuer(&h.base);
    Json(json!({
        "issuer": iss,
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "userinfo_endpoint": format!("{iss}/userinfo"),
        "jwks_uri": format!("{iss}/.well-known/jwks.json"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS512"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "scopes_supported": ["openid", "profile", "email", "phone"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "jti", "vot", "vtm", "nhs_number", "identity_proofing_level", "birthdate", "family_name"],
    }))
}

/// The signing keys (RFC 7517 JWK Set).
pub(super) async fn jwks(State(h): State<Shared>) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    match h.nhs_login.published() {
        Ok(keys) => Json(json!({ "keys": keys })).into_response(),
        Err(e) => super::fhir_error(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation, jwk::JwkSet};

    fn verify(token: &str, set: &JwkSet) -> Result<Value, String> {
        let kid = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?.kid.unwrap_or_default();
        let jwk = set.find(&kid).ok_or("unknown kid")?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
        let mut v = Validation::new(Algorithm::RS512);
        v.set_audience(&["app"]);
        jsonwebtoken::decode::<Value>(token, &key, &v).map(|d| d.claims).map_err(|e| e.to_string())
    }

    #[test]
    fn published_tokens_verify_against_the_jwks_and_others_do_not() {
        let p = Provider::default();
        let claims = json!({ "iss": "i", "aud": "app", "sub": "s", "exp": 4_000_000_000_i64 });
        let set: JwkSet = serde_json::from_value(json!({ "keys": p.published().expect("keys") })).expect("jwks");
        assert!(verify(&p.sign(&claims, Signing::Published).expect("sign"), &set).is_ok());
        assert!(
            verify(&p.sign(&claims, Signing::OtherKey).expect("sign"), &set).is_err(),
            "a signature by another key"
        );
        assert!(verify(&p.sign(&claims, Signing::UnknownKid).expect("sign"), &set).is_err());
        assert!(verify(&p.sign(&claims, Signing::Unsigned).expect("sign"), &set).is_err());
        let rotated = p.sign(&claims, Signing::Rotated).expect("sign");
        assert!(verify(&rotated, &set).is_err(), "not published yet");
        p.rotate();
        let set: JwkSet = serde_json::from_value(json!({ "keys": p.published().expect("keys") })).expect("jwks");
        assert!(verify(&rotated, &set).is_ok());
        assert!(verify(&p.sign(&claims, Signing::Published).expect("sign"), &set).is_ok(), "the old key stays");
    }
}
