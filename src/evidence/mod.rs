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
    /// The body was not kept: the run's evidence budget was spent. Its
    /// digest, size and first bytes stand in for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_omitted: Option<Omitted>,
    /// Already cut to a head by [`Body::cut_to`] (in memory only).
    #[serde(skip)]
    cut: bool,
}

/// A body left out of the evidence, and what identifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Omitted {
    pub size: usize,
    pub sha256: String,
    /// The first bytes, as text (lossy for binary bodies).
    pub head: String,
}

/// How much of a body a run keeps in memory for its reports once the whole
/// body is in evidence.ndjson. A candidate can answer every request with a
/// body just under the response cap (10 MiB by default); keeping every body
/// whole kept gigabytes.
pub const KEPT_BODY_HEAD: usize = 64 * 1024;

/// How much of a body an evidence record keeps once the budget is spent.
pub const OMITTED_BODY_HEAD: usize = 1024;

impl Body {
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return Self::default();
        }
        match std::str::from_utf8(bytes) {
            Ok(t) => Self { body: Some(t.to_string()), ..Self::default() },
            Err(_) => Self { body_base64: Some(STANDARD.encode(bytes)), ..Self::default() },
        }
    }

    /// The size of the body as recorded (its text or base64 form).
    pub fn recorded_len(&self) -> usize {
        self.body.as_ref().map_or(0, String::len) + self.body_base64.as_ref().map_or(0, String::len)
    }

    /// Cuts the body to its first `limit` bytes (on a character boundary)
    /// and says how much is left out; `whole` says where the whole body is.
    /// Cutting twice cuts once.
    pub fn cut_to(&mut self, limit: usize, whole: &str) {
        if self.cut {
            return;
        }
        let cut = |text: &mut String| {
            if text.len() > limit {
                let mut end = limit;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let rest = text.len() - end;
                text.truncate(end);
                text.push_str(&format!("\n… {rest} more bytes: {whole}"));
            }
        };
        if let Some(t) = self.body.as_mut() {
            cut(t);
        }
        if let Some(b) = self.body_base64.as_mut() {
            cut(b);
        }
        self.cut = true;
    }

    /// The body replaced by its digest, size and head (the evidence budget
    /// is spent). An empty body stays as it is.
    pub fn omit(&mut self) {
        let bytes = self.bytes();
        if bytes.is_empty() || self.body_omitted.is_some() {
            return;
        }
        let mut end = OMITTED_BODY_HEAD.min(bytes.len());
        let head = loop {
            match std::str::from_utf8(&bytes[..end]) {
                Ok(t) => break t.to_string(),
                Err(e) if e.valid_up_to() > 0 && e.error_len().is_none() => end = e.valid_up_to(),
                Err(_) => break String::from_utf8_lossy(&bytes[..end]).into_owned(),
            }
        };
        use sha2::Digest as _;
        *self = Self {
            body_omitted: Some(Omitted { size: bytes.len(), sha256: hex::encode(sha2::Sha256::digest(&bytes)), head }),
            ..Self::default()
        };
    }

    pub fn bytes(&self) -> Vec<u8> {
        match (&self.body, &self.body_base64) {
            (Some(t), _) => t.as_bytes().to_vec(),
            (None, Some(b)) => STANDARD.decode(b).unwrap_or_default(),
            // What is left of a body the budget left out: replaying it gives
            // its head, and re-judging refuses such a bundle up front.
            (None, None) => self.body_omitted.as_ref().map(|o| o.head.as_bytes().to_vec()).unwrap_or_default(),
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
    /// Cuts both bodies to their first [`KEPT_BODY_HEAD`] bytes (see
    /// [`Body::cut_to`]), saying where the whole body is: the evidence file,
    /// at `record` when it is known. What memory and the report keep.
    pub fn keep_heads(&mut self, record: Option<&str>) {
        let at = record.map(|i| format!(" record {i}")).unwrap_or_default();
        let whole = format!("the whole body is in {}{at}", bundle::EVIDENCE_FILE);
        self.request.body.cut_to(KEPT_BODY_HEAD, &whole);
        if let Some(r) = self.response.as_mut() {
            r.body.cut_to(KEPT_BODY_HEAD, &whole);
        }
    }

    /// Keeps only what results.json lists of an exchange (its method, URL,
    /// status, time and error): what memory keeps of a scenario the report
    /// does not embed, once the exchange is in evidence.ndjson.
    pub fn keep_summary(&mut self) {
        let r = &mut self.request;
        (r.headers, r.jwt_claims, r.tls, r.body) = (Vec::new(), None, None, Body::default());
        if let Some(r) = self.response.as_mut() {
            (r.headers, r.body) = (Vec::new(), Body::default());
        }
    }

    /// The bytes of both bodies as recorded.
    pub fn body_len(&self) -> usize {
        self.request.body.recorded_len() + self.response.as_ref().map_or(0, |r| r.body.recorded_len())
    }

    /// Replaces both bodies by their digests (see [`Body::omit`]).
    pub fn omit_bodies(&mut self) {
        self.request.body.omit();
        if let Some(r) = self.response.as_mut() {
            r.body.omit();
        }
    }

    /// Whether a body of this exchange was left out of the evidence.
    pub fn omitted(&self) -> bool {
        self.request.body.body_omitted.is_some()
            || self.response.as_ref().is_some_and(|r| r.body.body_omitted.is_some())
    }

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
    use sha2::Digest as _;

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

    #[test]
    fn a_cut_body_is_its_head_and_says_where_the_rest_is() {
        let big = "é".repeat(1000); // two bytes each: the cut falls inside one
        let mut body = Body::from_bytes(big.as_bytes());
        body.cut_to(101, "in record x000042");
        body.cut_to(10, "twice");
        let text = body.body.clone().expect("text");
        let (head, note) = text.split_once('\n').expect("a note after the head");
        assert_eq!(head.len(), 100);
        assert_eq!(note, "… 1900 more bytes: in record x000042");
        let mut small = Body::from_bytes(b"{}");
        small.cut_to(10, "n/a");
        assert_eq!(small.body.as_deref(), Some("{}"), "a small body stays whole");
    }

    #[test]
    fn an_omitted_body_keeps_its_digest_size_and_head() {
        let big = format!("{{\"a\":\"{}\"}}", "é".repeat(OMITTED_BODY_HEAD));
        let mut body = Body::from_bytes(big.as_bytes());
        body.omit();
        let o = body.body_omitted.clone().expect("omitted");
        assert_eq!(o.size, big.len());
        assert_eq!(o.sha256, hex::encode(sha2::Sha256::digest(big.as_bytes())));
        assert!(big.starts_with(&o.head) && o.head.len() > OMITTED_BODY_HEAD - 2, "{}", o.head.len());
        assert!(body.body.is_none() && body.body_base64.is_none());
        let json = serde_json::to_string(&body).expect("ser");
        assert_eq!(serde_json::from_str::<Body>(&json).expect("de"), body);
        let mut empty = Body::default();
        empty.omit();
        assert_eq!(empty, Body::default(), "nothing to leave out");
    }
}
