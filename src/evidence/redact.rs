//! Keeping secrets out of everything the harness writes. Credentials in
//! `Authorization` are masked by shape; values the config marks secret are
//! replaced wherever they appear — request or response, header, URL or body —
//! because a candidate may echo them back.

use super::{Body, Exchange};

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
    // MESH's NHSMESH scheme: mailbox, nonce, nonce count and time are not
    // secret and show whether a nonce was reused; the HMAC is withheld.
    if scheme.eq_ignore_ascii_case("nhsmesh")
        && let Some((public, _)) = rest.rsplit_once(':')
    {
        return format!("{scheme} {public}:<redacted hmac>");
    }
    if rest.is_empty() { value.to_string() } else { format!("{scheme} <redacted>") }
}

/// Replaces secret values wherever they occur.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// (label, value); values shorter than 4 bytes are not scrubbed (they
    /// would match by accident everywhere) — config validation refuses them.
    secrets: Vec<(String, String)>,
}

impl Redactor {
    pub fn new(secrets: impl IntoIterator<Item = (String, String)>) -> Self {
        Self { secrets: secrets.into_iter().filter(|(_, v)| v.len() >= 4).collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    pub fn text(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (label, value) in &self.secrets {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), &format!("<redacted:{label}>"));
            }
        }
        out
    }

    fn bytes(&self, b: &[u8]) -> Vec<u8> {
        let mut out = b.to_vec();
        for (label, value) in &self.secrets {
            let needle = value.as_bytes();
            let with = format!("<redacted:{label}>").into_bytes();
            let mut i = 0;
            let mut next = Vec::with_capacity(out.len());
            while i < out.len() {
                if out[i..].starts_with(needle) {
                    next.extend_from_slice(&with);
                    i += needle.len();
                } else {
                    next.push(out[i]);
                    i += 1;
                }
            }
            out = next;
        }
        out
    }

    fn body(&self, b: &Body) -> Body {
        if self.is_empty() { b.clone() } else { Body::from_bytes(&self.bytes(&b.bytes())) }
    }

    /// The exchange as it may be written: headers masked, secrets replaced.
    pub fn exchange(&self, x: &Exchange) -> Exchange {
        self.exchange_owned(x.clone())
    }

    /// [`Redactor::exchange`] without the copy.
    pub fn exchange_owned(&self, mut x: Exchange) -> Exchange {
        if self.is_empty() {
            // Only credentials to mask; nothing to search for.
            for (n, v) in x.request.headers.iter_mut().chain(x.response.iter_mut().flat_map(|r| r.headers.iter_mut())) {
                if n.eq_ignore_ascii_case("authorization") || n.eq_ignore_ascii_case("proxy-authorization") {
                    *v = redact_header(n, v);
                }
            }
            return x;
        }
        for (n, v) in &mut x.request.headers {
            *v = self.text(&redact_header(n, v));
        }
        x.request.url = self.text(&x.request.url);
        x.request.body = self.body(&x.request.body);
        if let Some(claims) = &x.request.jwt_claims {
            let scrubbed = self.text(&claims.to_string());
            x.request.jwt_claims = serde_json::from_str(&scrubbed).ok().or(Some(serde_json::Value::String(scrubbed)));
        }
        if let Some(r) = &mut x.response {
            for (n, v) in &mut r.headers {
                *v = self.text(&redact_header(n, v));
            }
            r.body = self.body(&r.body);
        }
        x.error = x.error.as_deref().map(|e| self.text(e));
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{RecordedRequest, RecordedResponse};

    #[test]
    fn unsigned_jwt_stays_readable_and_secrets_do_not() {
        assert_eq!(redact_header("Authorization", "Bearer aaa.bbb."), "Bearer aaa.bbb.");
        assert_eq!(redact_header("authorization", "Bearer aaa.bbb.sig"), "Bearer aaa.bbb.<redacted signature>");
        assert_eq!(redact_header("Authorization", "Basic dXNlcjpwYXNz"), "Basic <redacted>");
        assert_eq!(redact_header("Authorization", "Bearer opaque-token"), "Bearer <redacted>");
        assert_eq!(redact_header("Ssp-From", "200000000359"), "200000000359");
    }

    #[test]
    fn secrets_are_scrubbed_from_both_directions() {
        let r = Redactor::new([("X-Api-Key".to_string(), "s3cr3t-value".to_string())]);
        let x = Exchange {
            started: String::new(),
            duration_ms: 1.0,
            request: RecordedRequest {
                method: "GET".into(),
                url: "http://h/p?k=s3cr3t-value".into(),
                headers: vec![("X-Api-Key".into(), "s3cr3t-value".into())],
                jwt_claims: Some(serde_json::json!({"iss": "s3cr3t-value"})),
                tls: None,
                body: Body::default(),
            },
            response: Some(RecordedResponse {
                status: 200,
                headers: vec![("X-Echo".into(), "s3cr3t-value".into())],
                body: Body::from_bytes(b"{\"echo\":\"s3cr3t-value\"}"),
            }),
            error: None,
            negotiated: None,
            inbound: false,
        };
        let json = serde_json::to_string(&r.exchange(&x)).expect("ser");
        assert!(!json.contains("s3cr3t-value"), "{json}");
        assert!(json.contains("<redacted:X-Api-Key>"), "{json}");
    }
}
