//! A MESH-like mailbox (MESH API: `POST outbox`, `GET inbox`, `GET
//! inbox/{id}`, `PUT inbox/{id}/status/acknowledged`). As MESH does, it
//! refuses a request whose NHSMESH authorisation is not for the mailbox in
//! the path, has a bad HMAC, or reuses a nonce (403), and a message to an
//! unknown mailbox (417).

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{KeyInit, Mac};
use serde_json::json;

use super::{Shared, Sid};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The HMAC MESH expects for these authorisation parts (hex).
pub fn signature(key: &str, mailbox: &str, nonce: &str, count: &str, password: &str, timestamp: &str) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(key.as_bytes()) else { return String::new() };
    mac.update(format!("{mailbox}:{nonce}:{count}:{password}:{timestamp}").as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn refused(status: StatusCode, code: &str, description: &str) -> Response {
    (status, axum::Json(json!({ "errorCode": code, "errorDescription": description }))).into_response()
}

/// Checks the request's NHSMESH authorisation for `mailbox`; the 403 says why not.
fn authorised(h: &Shared, sid: &Sid, headers: &HeaderMap, mailbox: &str) -> Option<Response> {
    let why = refusal(h, sid, headers, mailbox)?;
    Some(refused(StatusCode::FORBIDDEN, "EPL-151", why))
}

fn refusal(h: &Shared, sid: &Sid, headers: &HeaderMap, mailbox: &str) -> Option<&'static str> {
    let deny = Some;
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return deny("no Authorization header");
    };
    let Some(rest) = value.strip_prefix("NHSMESH ") else { return deny("the Authorization scheme is not NHSMESH") };
    let parts: Vec<&str> = rest.split(':').collect();
    let [who, nonce, count, timestamp, mac] = parts[..] else {
        return deny("NHSMESH takes mailbox:nonce:nonce_count:timestamp:hmac");
    };
    if who != mailbox {
        return deny("the authorisation is for another mailbox");
    }
    let m = &h.data.mesh;
    if !signature(&m.shared_key, who, nonce, count, &m.password, timestamp).eq_ignore_ascii_case(mac) {
        return deny("the HMAC does not match");
    }
    if !h.with(sid, |s| s.nonces.insert(format!("{nonce}:{count}"))) {
        return deny("this nonce and nonce count were used before");
    }
    None
}

pub async fn send(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Path(mailbox): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(r) = authorised(&h, &sid, &headers, &mailbox) {
        return r;
    }
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    if header("mex-to") != h.data.mesh.recipient {
        return refused(StatusCode::EXPECTATION_FAILED, "EPL-153", "Mex-To is not a mailbox MESH knows");
    }
    if header("mex-workflowid").is_empty() {
        return refused(StatusCode::BAD_REQUEST, "EPL-152", "Mex-WorkflowID is required");
    }
    if body.is_empty() {
        return refused(StatusCode::BAD_REQUEST, "EPL-150", "the message is empty");
    }
    let id = super::mesh_message_id();
    (StatusCode::ACCEPTED, axum::Json(json!({ "message_id": id }))).into_response()
}

pub async fn inbox(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Path(mailbox): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = authorised(&h, &sid, &headers, &mailbox) {
        return r;
    }
    let ids: Vec<String> = h.with(&sid, |s| s.inbox.iter().filter(|m| !m.acknowledged).map(|m| m.id.clone()).collect());
    axum::Json(json!({ "messages": ids })).into_response()
}

pub async fn download(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Path((mailbox, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = authorised(&h, &sid, &headers, &mailbox) {
        return r;
    }
    match h.with(&sid, |s| s.inbox.iter().find(|m| m.id == id && !m.acknowledged).cloned()) {
        None => refused(StatusCode::NOT_FOUND, "EPL-154", "no such message in the inbox"),
        Some(m) if m.broken => refused(StatusCode::INTERNAL_SERVER_ERROR, "EPL-500", "the message could not be read"),
        Some(m) => {
            let json = m.body.starts_with('{');
            (
                StatusCode::OK,
                [
                    ("content-type", if json { "application/fhir+json" } else { "text/plain" }.to_string()),
                    ("mex-from", m.from),
                    ("mex-to", mailbox),
                    ("mex-workflowid", m.workflow),
                    ("mex-subject", m.subject),
                    ("mex-messageid", m.id),
                ],
                m.body,
            )
                .into_response()
        }
    }
}

pub async fn acknowledge(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Path((mailbox, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = authorised(&h, &sid, &headers, &mailbox) {
        return r;
    }
    let found = h.with(&sid, |s| match s.inbox.iter_mut().find(|m| m.id == id) {
        Some(m) => {
            m.acknowledged = true;
            true
        }
        None => false,
    });
    if found {
        axum::Json(json!({ "messageId": id })).into_response()
    } else {
        refused(StatusCode::NOT_FOUND, "EPL-154", "no such message in the inbox")
    }
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn the_hmac_is_mesh_s() {
        // Python's hmac.new(key, "GPC001OT001:n1:1:rfa-mesh-password:202611261200", sha256).
        let want = "04268c61632cc0a2e42ab943882a74c09cb9b4b218c24ace5a91c9944f71548e";
        let got = signature("rfa-harness-mesh-test-key", "GPC001OT001", "n1", "1", "rfa-mesh-password", "202611261200");
        assert_eq!(got, want);
        assert_ne!(signature("another key", "GPC001OT001", "n1", "1", "rfa-mesh-password", "202611261200"), want);
    }
}
