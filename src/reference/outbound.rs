//! The reference's calls to the national services when a trigger asks it to
//! act as a client: the action asked for, the HTTP client, the answers.
//! Below the areas that act (PDS, EPS, GP Connect, MESH) and the trigger
//! that dispatches to them.

use std::time::Duration;

use serde_json::Value;

use crate::reference::State;
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;

/// One trigger: the action, its parameters, where the services are (an
/// action that calls none, such as marking an arrival, is sent without).
pub(super) struct Action {
    pub name: String,
    pub(super) params: Vec<(String, String)>,
    pub services: Option<reqwest::Url>,
}

impl Action {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn required(&self, name: &str) -> Result<&str, Outcome> {
        self.param(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            Outcome::new(SpineCode::InvalidParameter, format!("the action {} needs the parameter {name}", self.name))
        })
    }

    /// A URL under the national services, with a query.
    pub fn query(&self, path: &str, pairs: &[(&str, String)]) -> Result<reqwest::Url, Outcome> {
        let mut url = self.url(path)?;
        url.query_pairs_mut().extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        Ok(url)
    }

    /// A URL under the national services.
    pub fn url(&self, path: &str) -> Result<reqwest::Url, Outcome> {
        let services = self.services.as_ref().ok_or_else(|| {
            Outcome::new(
                SpineCode::InvalidParameter,
                format!(
                    "the action {} calls national services, and nationalServices is required: the reference is not configured with their addresses",
                    self.name
                ),
            )
        })?;
        services.join(path).map_err(|e| Outcome::new(SpineCode::InvalidParameter, format!("nationalServices: {e}")))
    }
}

/// The HTTP client the practice calls national services with.
pub(crate) fn http() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default()
    })
}

/// A national service's answer.
#[derive(Default)]
pub(super) struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// A header's value, or empty.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Worth trying again: throttled or the service failed.
    pub fn transient(&self) -> bool {
        self.status == 429 || self.status >= 500
    }
}

/// Sends one request; a connection failure reads as 503 (worth a retry).
pub(super) async fn call(req: reqwest::RequestBuilder) -> Reply {
    match req.send().await {
        Ok(r) => {
            let (status, headers) = (r.status().as_u16(), r.headers().clone());
            let body = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            Reply { status, headers, body }
        }
        Err(e) => Reply { status: 503, body: e.to_string().into_bytes(), ..Reply::default() },
    }
}

/// Why a national service's answer stops the action.
pub(super) fn failed(service: &str, reply: &Reply) -> Outcome {
    let text: String = String::from_utf8_lossy(&reply.body).chars().take(300).collect();
    Outcome::new(SpineCode::InternalServerError, format!("{service} answered {}: {text}", reply.status))
}

pub(super) fn has(s: &State, d: impl crate::reference::defect::Named) -> bool {
    s.defects.has(d)
}
