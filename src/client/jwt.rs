//! The GP Connect bearer token: an unsigned JWT (`alg: none`, empty
//! signature, trailing dot) carrying the consumer's audit claims.
//!
//! Built by hand: JWT crates refuse to produce `alg: none` tokens (rightly,
//! for their purpose), and GP Connect needs exactly that, plus deliberately
//! broken tokens for negative tests.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::config::CandidateConfig;
use crate::fhir::gpc::{self, Interaction};

/// A change a test makes to one claim.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimEdit {
    Remove,
    Set(Value),
    /// Sends the claim's value as the JSON string of its text
    /// (`1700000000` becomes `"1700000000"`): the right value, the wrong type.
    AsString,
    /// Sends a whole-number claim as a JSON decimal (`1700000000.0`): the
    /// same instant, but GP Connect's times are integers.
    AsDecimal,
}

/// How the token of one request differs from a conformant one.
#[derive(Debug, Clone, PartialEq)]
pub struct JwtSpec {
    /// `iat` = now + this (negative: issued in the past).
    pub issued_offset_secs: i64,
    /// `exp` = `iat` + this.
    pub lifetime_secs: i64,
    pub trailing_dot: bool,
    pub claim_edits: Vec<(String, ClaimEdit)>,
    /// Replaces the whole token, verbatim.
    pub raw: Option<String>,
}

impl Default for JwtSpec {
    fn default() -> Self {
        Self {
            issued_offset_secs: 0,
            lifetime_secs: gpc::JWT_LIFETIME_SECS,
            trailing_dot: true,
            claim_edits: Vec::new(),
            raw: None,
        }
    }
}

/// The conformant claims for an interaction, in the order GP Connect lists them.
pub fn default_claims(cfg: &CandidateConfig, interaction: Interaction, iat: i64, lifetime: i64) -> Map<String, Value> {
    let (jwt, spine) = (&cfg.jwt, &cfg.spine);
    let mut c = Map::new();
    c.insert("iss".into(), json!(jwt.issuer));
    c.insert("sub".into(), json!(jwt.practitioner_id));
    c.insert("aud".into(), json!(cfg.audience(interaction.capability())));
    c.insert("exp".into(), json!(iat + lifetime));
    c.insert("iat".into(), json!(iat));
    // A structured record migration is the one interaction sent for
    // `migration`, naming normal confidentiality as the official suite's
    // migration without sensitive information does; the official suite
    // retrieves a migrated document for direct care, with the bare scope.
    if interaction == Interaction::MigrateStructuredRecord {
        c.insert("reason_for_request".into(), json!(gpc::MIGRATION_REASON));
        c.insert("requested_scope".into(), json!(format!("{} {}", interaction.scope(), gpc::CONF_NORMAL)));
    } else {
        c.insert("reason_for_request".into(), json!("directcare"));
        c.insert("requested_scope".into(), json!(interaction.scope()));
    }
    c.insert(
        "requesting_device".into(),
        json!({
            "resourceType": "Device",
            "identifier": [{ "system": "https://rfa-harness.invalid/Id/device", "value": "rfa-harness" }],
            "model": "rfa-harness",
            "version": env!("CARGO_PKG_VERSION"),
        }),
    );
    c.insert(
        "requesting_organization".into(),
        json!({
            "resourceType": "Organization",
            "identifier": [{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": spine.consumer_ods }],
            "name": jwt.organization_name,
        }),
    );
    c.insert(
        "requesting_practitioner".into(),
        json!({
            "resourceType": "Practitioner",
            "id": jwt.practitioner_id,
            "identifier": [
                { "system": gpc::SDS_USER_SYSTEM, "value": jwt.practitioner_sds_user_id },
                { "system": gpc::SDS_ROLE_PROFILE_SYSTEM, "value": jwt.practitioner_sds_role_profile_id },
            ],
            "name": [{ "family": jwt.practitioner_family, "given": [jwt.practitioner_given], "prefix": ["Dr"] }],
        }),
    );
    c
}

/// The token text and the claims it carries (for evidence).
pub fn build(cfg: &CandidateConfig, interaction: Interaction, spec: &JwtSpec, now: i64) -> (String, Value) {
    let iat = now + spec.issued_offset_secs;
    let mut claims = default_claims(cfg, interaction, iat, spec.lifetime_secs);
    apply_edits(&mut claims, &spec.claim_edits);
    let claims = Value::Object(claims);
    if let Some(raw) = &spec.raw {
        // A token made elsewhere (a patient's NHS login ID token) is
        // evidenced by what it carries, when it is a JWT at all.
        let carried = raw.split('.').nth(1).and_then(decode_segment).filter(Value::is_object);
        return (raw.clone(), carried.unwrap_or(claims));
    }
    (unsigned(&claims, spec.trailing_dot), claims)
}

/// Makes a test's changes to a token's claims.
pub fn apply_edits(claims: &mut Map<String, Value>, edits: &[(String, ClaimEdit)]) {
    for (name, edit) in edits {
        match edit {
            ClaimEdit::Remove => {
                claims.remove(name);
            }
            ClaimEdit::Set(v) => {
                claims.insert(name.clone(), v.clone());
            }
            ClaimEdit::AsString => {
                if let Some(v) = claims.get_mut(name) {
                    let text = match &*v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    *v = Value::String(text);
                }
            }
            ClaimEdit::AsDecimal => {
                if let Some(v) = claims.get_mut(name)
                    && let Some(n) = v.as_i64()
                {
                    // i64 -> f64 is exact for any Unix time in seconds.
                    *v = serde_json::Number::from_f64(n as f64).map_or(Value::Null, Value::Number);
                }
            }
        }
    }
}

/// An unsigned GP Connect JWT (`alg` none) carrying these claims; GP
/// Connect writes it with a trailing dot (the empty signature).
pub fn unsigned(claims: &Value, trailing_dot: bool) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
    if trailing_dot { format!("{header}.{payload}.") } else { format!("{header}.{payload}") }
}

/// The claims of a bearer JWT in an `Authorization` header value, if it
/// carries one (for evidence of what a candidate sent; nothing is verified).
pub fn claims_of(authorization: &str) -> Option<Value> {
    let (scheme, token) = authorization.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    decode_segment(token.trim().split('.').nth(1)?)
}

/// Decodes one base64url JWT segment (padding tolerated) to JSON.
pub fn decode_segment(segment: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(segment.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CandidateConfig, CandidateIdentity};
    use crate::fixtures::FixturePack;

    fn cfg() -> CandidateConfig {
        let url = crate::config::parse_base_url("http://127.0.0.1:1/fhir").expect("url");
        let id = CandidateIdentity { supplier: "s".into(), product: "p".into(), version: "1".into() };
        CandidateConfig::for_known(id, url, "900000000001", "GPC001", &FixturePack::embedded().expect("fixtures"))
    }

    #[test]
    fn conformant_token_is_unsigned_with_trailing_dot_and_exact_lifetime() {
        let c = cfg();
        let (token, claims) = build(&c, Interaction::SearchPatients, &JwtSpec::default(), 1_700_000_000);
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2], "", "signature is empty");
        assert_eq!(decode_segment(parts[0]), Some(json!({"alg": "none", "typ": "JWT"})));
        let payload = decode_segment(parts[1]).expect("payload");
        assert_eq!(payload, claims);
        assert_eq!(payload["exp"].as_i64(), Some(1_700_000_300));
        assert_eq!(payload["requested_scope"], "patient/*.read");
        for claim in gpc::MANDATORY_CLAIMS {
            assert!(payload.get(claim).is_some(), "{claim}");
        }
        assert_eq!(payload["sub"], payload["requesting_practitioner"]["id"]);
    }

    #[test]
    fn edits_apply() {
        let c = cfg();
        let spec = JwtSpec {
            issued_offset_secs: -600,
            lifetime_secs: 301,
            trailing_dot: false,
            claim_edits: vec![("iss".into(), ClaimEdit::Remove), ("aud".into(), ClaimEdit::Set(json!(7)))],
            raw: None,
        };
        let (token, claims) = build(&c, Interaction::ReadMetadata, &spec, 1000);
        assert_eq!(token.matches('.').count(), 1);
        assert!(claims.get("iss").is_none());
        assert_eq!(claims["aud"], 7);
        assert_eq!((claims["iat"].as_i64(), claims["exp"].as_i64()), (Some(400), Some(701)));
    }
}
