//! What the harness saw: one record per HTTP exchange, secrets redacted
//! before anything leaves memory. Results reference these records, so a
//! verdict can always be traced to the exchange behind it.

use serde::Serialize;

/// One request and what came back (or why nothing did).
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    /// RFC 3339 time the request started.
    pub started: String,
    pub duration_ms: f64,
    pub request: RecordedRequest,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<RecordedResponse>,
    /// Transport failure (timeout, refused, over the size cap...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The JWT claims sent, decoded (they are audit data, not secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt_claims: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy for non-UTF-8 bytes), as much as was read.
    pub body: String,
    pub body_bytes: usize,
}

impl Exchange {
    /// A one-line description for failure messages:
    /// `GET http://…/Patient?identifier=… → 400 (12 ms)`.
    pub fn summary(&self) -> String {
        let outcome = match (&self.response, &self.error) {
            (Some(r), _) => r.status.to_string(),
            (None, Some(e)) => format!("no response: {e}"),
            (None, None) => "no response".into(),
        };
        format!("{} {} → {outcome} ({:.0} ms)", self.request.method, self.request.url, self.duration_ms)
    }
}

/// Hides credentials in a header value. Unsigned GP Connect JWTs carry no
/// secret and stay whole; a signature or other credential is replaced.
pub fn redact_header(name: &str, value: &str) -> String {
    if !name.eq_ignore_ascii_case("authorization") && !name.eq_ignore_ascii_case("proxy-authorization") {
        return value.to_string();
    }
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        let parts: Vec<&str> = rest.split('.').collect();
        if parts.len() == 3 && parts[2].is_empty() {
            return value.to_string();
        }
        if parts.len() == 3 {
            return format!("{scheme} {}.{}.<redacted signature>", parts[0], parts[1]);
        }
        if rest.is_empty() {
            return value.to_string();
        }
        return format!("{scheme} <redacted>");
    }
    if rest.is_empty() { value.to_string() } else { format!("{scheme} <redacted>") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_jwt_stays_readable_and_secrets_do_not() {
        assert_eq!(redact_header("Authorization", "Bearer aaa.bbb."), "Bearer aaa.bbb.");
        assert_eq!(redact_header("authorization", "Bearer aaa.bbb.sig"), "Bearer aaa.bbb.<redacted signature>");
        assert_eq!(redact_header("Authorization", "Basic dXNlcjpwYXNz"), "Basic <redacted>");
        assert_eq!(redact_header("Authorization", "Bearer opaque-token"), "Bearer <redacted>");
        assert_eq!(redact_header("Ssp-From", "200000000359"), "200000000359");
    }
}
