//! How the practice's online services know a patient (profile §25): the
//! patient's app sends the ID token NHS login issued it, and the practice
//! verifies it as an OpenID relying party does (OIDC Core 3.1.3.7, NHS
//! login's interface specification): RS512 signed by a key NHS login
//! publishes (found by `kid`, keys fetched again when a `kid` is new, as
//! NHS login rotates them), NHS login's issuer, the practice's client id in
//! `aud`, not expired; then the patient is `nhs_number`, proofed to P9.
//!
//! Fetching keys is asynchronous and the guard every handler calls is not:
//! [`prepare`] runs first as a layer and makes sure the keys a token names
//! are held; [`verify`] then judges the token from what is held.

use std::sync::RwLock;

use axum::extract::{Request, State as Extract};
use axum::middleware::Next;
use axum::response::Response;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use crate::client::jwt::decode_segment;
use crate::fhir::gpc;
use crate::reference::acc::defects::AccDefect;
use crate::reference::acc::guard::Claims;
use crate::reference::outcome::{Outcome, SpineCode};
use crate::reference::{Shared, State};

/// Seconds of clock difference allowed on `exp`, as relying parties allow.
const LEEWAY_SECS: i64 = 60;
/// How long a key id NHS login did not publish is not asked about again:
/// without it, every forged token would make the practice call NHS login.
const UNKNOWN_KID_SECS: u64 = 60;

/// The NHS login the practice trusts, and the keys it last fetched.
#[derive(Debug, Default)]
pub struct Trust {
    issuer: RwLock<Option<String>>,
    keys: RwLock<Option<JwkSet>>,
    /// One fetch at a time: a burst of tokens naming a new key fetches once.
    fetching: tokio::sync::Mutex<()>,
    /// Whether keys were ever fetched (the `keys-fetched-once` defect).
    fetched: std::sync::atomic::AtomicBool,
    /// Key ids a fetch did not find, and when.
    unknown: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
}

impl Trust {
    /// Trust the NHS login at `issuer` (a practice is configured with it).
    pub fn set_issuer(&self, issuer: String) {
        *self.issuer.write().unwrap_or_else(|p| p.into_inner()) = Some(issuer);
        *self.keys.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn issuer(&self) -> Option<String> {
        self.issuer.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The published key `kid` names, if the keys last fetched hold it.
    fn key(&self, kid: &str) -> Option<jsonwebtoken::jwk::Jwk> {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).as_ref().and_then(|k| k.find(kid)).cloned()
    }

    fn holds(&self, kid: &str) -> bool {
        self.key(kid).is_some()
    }

    /// Discovery, then the key set it names.
    async fn fetch(&self, issuer: &str) -> Result<JwkSet, String> {
        let client = crate::reference::outbound::http();
        let get = |url: String| {
            let client = client.clone();
            async move {
                let resp = client.get(&url).send().await.map_err(|e| format!("GET {url}: {e}"))?;
                if !resp.status().is_success() {
                    return Err(format!("GET {url}: HTTP {}", resp.status()));
                }
                let bytes = resp.bytes().await.map_err(|e| format!("GET {url}: {e}"))?;
                serde_json::from_slice::<Value>(&bytes).map_err(|e| format!("GET {url}: {e}"))
            }
        };
        let discovery = get(format!("{issuer}/.well-known/openid-configuration")).await?;
        // OpenID Connect Discovery 1.0 §4.3: the document names the issuer
        // it was fetched for, or it is not used.
        if discovery.get("issuer").and_then(Value::as_str) != Some(issuer) {
            return Err(format!("the discovery document at {issuer} names another issuer"));
        }
        let jwks_uri = discovery.get("jwks_uri").and_then(Value::as_str).ok_or("discovery names no jwks_uri")?;
        serde_json::from_value(get(jwks_uri.to_string()).await?).map_err(|e| format!("the JWKS: {e}"))
    }
}

/// The header of a bearer token, if it has a JSON one.
fn token_header(token: &str) -> Option<Value> {
    decode_segment(token.split('.').next()?)
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get("Authorization")?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// A signed token names a key: make sure the practice holds NHS login's
/// keys, fetching them when it holds none or not the one named. A failed
/// fetch leaves the token to be refused by [`verify`].
pub async fn prepare(Extract(s): Extract<Shared>, req: Request, next: Next) -> Response {
    let kid = bearer(req.headers())
        .and_then(token_header)
        .filter(|h| h.get("alg").and_then(Value::as_str).is_some_and(|a| a != "none"))
        .map(|h| key_id(&h).to_string());
    if let (Some(kid), Some(issuer)) = (kid, s.nhs_login.issuer()) {
        let trust = &s.nhs_login;
        let once = || s.defects.has(AccDefect::NhsLoginKeysFetchedOnce);
        let given_up = || trust.fetched.load(std::sync::atomic::Ordering::SeqCst) && once();
        let lately_unknown = || {
            crate::reference::locked(&trust.unknown)
                .get(&kid)
                .is_some_and(|at| at.elapsed().as_secs() < UNKNOWN_KID_SECS)
        };
        let stale = || !(trust.holds(&kid) || given_up() || lately_unknown());
        if stale() {
            let _one = trust.fetching.lock().await;
            if stale() {
                match trust.fetch(&issuer).await {
                    Ok(set) => *trust.keys.write().unwrap_or_else(|p| p.into_inner()) = Some(set),
                    Err(e) => tracing::warn!(target: "rfa::reference", "NHS login's keys: {e}"),
                }
                // Marked once the fetch is over, so requests that waited for
                // it find its keys rather than none.
                trust.fetched.store(true, std::sync::atomic::Ordering::SeqCst);
                if !trust.holds(&kid) {
                    let mut unknown = crate::reference::locked(&trust.unknown);
                    unknown.retain(|_, at| at.elapsed().as_secs() < UNKNOWN_KID_SECS);
                    unknown.insert(kid.clone(), std::time::Instant::now());
                }
            }
        }
    }
    next.run(req).await
}

fn key_id(header: &Value) -> &str {
    header.get("kid").and_then(Value::as_str).unwrap_or_default()
}

/// Checks the token's signature alone: the claims are judged after, each
/// by a rule its own defect can break.
fn signed_by(token: &str, key: &DecodingKey, alg: Algorithm) -> Result<(), Outcome> {
    let mut v = Validation::new(alg);
    v.validate_exp = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(token, key, &v)
        .map(drop)
        .map_err(|e| not_signed_in(format!("the ID token's signature does not verify: {e}")))
}

/// 401 with RFC 6750's challenge: the patient is not signed in.
fn not_signed_in(why: impl Into<String>) -> Outcome {
    let mut o = Outcome::new(SpineCode::AccessDenied, why);
    o.status = Some(401);
    o.challenge = Some("Bearer error=\"invalid_token\"".into());
    o
}

/// Judges `token` if it is a patient's NHS login ID token: one that is
/// signed (GP Connect's are not), or names the NHS login issuer. None for
/// any other token, which GP Connect's rules judge. Some(Ok) carries the
/// patient as the claims the handlers read (`requesting_patient`).
pub fn verify(s: &State, token: &str, now: i64) -> Option<Result<Claims, Outcome>> {
    let issuer = s.nhs_login.issuer();
    let header = token_header(token)?;
    let payload = token.split('.').nth(1).and_then(decode_segment).unwrap_or(Value::Null);
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or_default();
    let names_issuer = issuer.is_some() && payload.get("iss").and_then(Value::as_str) == issuer.as_deref();
    if alg == "none" && !names_issuer {
        return None;
    }
    Some(judge(s, token, alg, &header, &payload, issuer.as_deref(), now))
}

fn judge(
    s: &State,
    token: &str,
    alg: &str,
    header: &Value,
    payload: &Value,
    issuer: Option<&str>,
    now: i64,
) -> Result<Claims, Outcome> {
    let d = |x| s.defects.has(x);
    let issuer = issuer.ok_or_else(|| not_signed_in("this practice is not set up to trust an NHS login"))?;
    if alg == "none" {
        if !d(AccDefect::NhsLoginUnsignedTokenAccepted) {
            return Err(not_signed_in("NHS login signs its ID tokens (RS512); an unsigned one is not NHS login's"));
        }
    } else if alg == "HS512" && d(AccDefect::NhsLoginAlgorithmConfusion) {
        // The defect believes the header's `alg`, and so takes NHS login's
        // published key as an HMAC secret.
        let jwk = s.nhs_login.key(key_id(header)).and_then(|j| serde_json::to_value(j).ok());
        let secret = jwk.as_ref().and_then(|j| crate::national::nhs_login::public_pem(j).ok()).unwrap_or_default();
        signed_by(token, &DecodingKey::from_secret(&secret), Algorithm::HS512)?;
    } else if alg != "RS512" {
        return Err(not_signed_in(format!("NHS login signs with RS512, not {alg}")));
    } else if !d(AccDefect::NhsLoginSignatureUnchecked) {
        let kid = key_id(header);
        let jwk = s.nhs_login.key(kid).ok_or_else(|| not_signed_in(format!("NHS login publishes no key `{kid}`")))?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| not_signed_in(format!("NHS login's key `{kid}`: {e}")))?;
        signed_by(token, &key, Algorithm::RS512)?;
    }
    if payload.get("iss").and_then(Value::as_str) != Some(issuer) && !d(AccDefect::NhsLoginIssuerUnchecked) {
        return Err(not_signed_in(format!(
            "the ID token was not issued by the NHS login this practice trusts ({issuer})"
        )));
    }
    let client = crate::config::DEFAULT_NHS_LOGIN_CLIENT_ID;
    let aud_ok = match payload.get("aud") {
        Some(Value::String(a)) => a == client,
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(client)),
        _ => false,
    };
    if !aud_ok && !d(AccDefect::NhsLoginAudienceUnchecked) {
        return Err(not_signed_in(format!("the ID token is for another client; this practice's is {client}")));
    }
    let exp = payload.get("exp").and_then(Value::as_i64);
    if exp.is_none_or(|e| e + LEEWAY_SECS <= now) && !d(AccDefect::NhsLoginExpiryUnchecked) {
        return Err(not_signed_in("the ID token has expired"));
    }
    let nhs = payload.get("nhs_number").and_then(Value::as_str).unwrap_or_default();
    let mut claims = Claims::new();
    for k in ["iss", "sub", "aud", "exp", "iat", gpc::IDENTITY_PROOFING_CLAIM] {
        if let Some(v) = payload.get(k) {
            claims.insert(k.into(), v.clone());
        }
    }
    claims.insert(
        gpc::REQUESTING_PATIENT_CLAIM.into(),
        json!({ "resourceType": "Patient", "identifier": [{ "system": gpc::NHS_NUMBER_SYSTEM, "value": nhs }] }),
    );
    Ok(claims)
}
