//! What the harness saw: one record per HTTP exchange, secrets redacted
//! before anything leaves memory. Results and the dossier reference these
//! records by id, and `rfa verify --rejudge` replays them, so a verdict can
//! always be traced to — and recomputed from — the exchanges behind it.

pub mod bundle;
pub mod redact;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

pub use redact::{Redactor, redact_header};

/// A body as recorded: UTF-8 text as it is, anything else in base64, so the
/// exact bytes can be replayed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

impl Body {
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return Self::default();
        }
        match std::str::from_utf8(bytes) {
            Ok(t) => Self { body: Some(t.to_string()), body_base64: None },
            Err(_) => Self { body: None, body_base64: Some(STANDARD.encode(bytes)) },
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        match (&self.body, &self.body_base64) {
            (Some(t), _) => t.as_bytes().to_vec(),
            (None, Some(b)) => STANDARD.decode(b).unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }

    /// The body as text for people (lossy for binary bodies).
    pub fn text(&self) -> String {
        match &self.body {
            Some(t) => t.clone(),
            None => String::from_utf8_lossy(&self.bytes()).into_owned(),
        }
    }
}

/// One request and what came back (or why nothing did).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// RFC 3339 time the request started.
    pub started: String,
    pub duration_ms: f64,
    pub request: RecordedRequest,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
    /// Transport failure (timeout, refused, over the size cap...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A TLS handshake probe: the protocol and suite agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiated: Option<String>,
    /// The candidate called the harness (a hosted national service), rather
    /// than the harness calling the candidate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inbound: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The JWT claims sent, decoded (audit data, not secrets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt_claims: Option<serde_json::Value>,
    /// What the harness offered and presented at the TLS layer, when the
    /// request tests transport security.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<String>,
    #[serde(flatten)]
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    #[serde(flatten)]
    pub body: Body,
}

impl RecordedRequest {
    /// A header as sent (names compare without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The value of an identifier with this system in a JWT claim that is a
    /// resource (`requesting_practitioner`, `requesting_organization`).
    pub fn claimed_identifier(&self, claim: &str, system: &str) -> Option<&str> {
        crate::fhir::gpc::identifier(self.jwt_claims.as_ref()?.get(claim)?, system)
    }
}

impl Exchange {
    /// A one-line description for failure messages:
    /// `GET http://…/Patient?identifier=… → 400 (12 ms)`.
    pub fn summary(&self) -> String {
        let outcome = match (&self.response, &self.error) {
            (Some(r), _) => r.status.to_string(),
            (None, None) if self.negotiated.is_some() => {
                format!("agreed {}", self.negotiated.as_deref().unwrap_or_default())
            }
            (None, Some(e)) => format!("no response: {e}"),
            (None, None) => "no response".into(),
        };
        let tls = self.request.tls.as_deref().map(|t| format!(" [{t}]")).unwrap_or_default();
        let by = if self.inbound { "candidate → " } else { "" };
        format!("{by}{} {}{tls} → {outcome} ({:.0} ms)", self.request.method, self.request.url, self.duration_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_round_trip_exactly() {
        for bytes in [&b""[..], b"{\"a\":1}", &[0xff, 0x00, 0xfe][..], "é".as_bytes()] {
            let b = Body::from_bytes(bytes);
            assert_eq!(b.bytes(), bytes);
            let json = serde_json::to_string(&b).expect("ser");
            let back: Body = serde_json::from_str(&json).expect("de");
            assert_eq!(back.bytes(), bytes);
        }
    }
}
