//! The reference candidate as a client (profile §37): its test-control
//! trigger `POST [base]/$rfa-trigger` runs an action — trace and register a
//! patient on PDS, prescribe through EPS, retrieve a record over GP Connect
//! after an SDS lookup, send and collect MESH messages — against the
//! national services named in the trigger, and answers once the action is
//! done, calls included.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::gpc::{Interaction, SpineCode};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::defects::Defect;
use crate::reference::outcome::{Fhir, Outcome};

/// One trigger: the action, its parameters, where the services are.
pub(super) struct Action {
    pub name: String,
    params: Vec<(String, String)>,
    pub services: reqwest::Url,
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
        self.services
            .join(path)
            .map_err(|e| Outcome::new(SpineCode::InvalidParameter, format!("nationalServices: {e}")))
    }
}

fn parse(body: &Bytes) -> Result<Action, Outcome> {
    let bad = |m: &str| Outcome::new(SpineCode::InvalidParameter, m.to_string());
    let params: Value = serde_json::from_slice(body).map_err(|_| bad("the body must be a JSON Parameters resource"))?;
    if params.get("resourceType").and_then(Value::as_str) != Some("Parameters") {
        return Err(bad("the body must be a Parameters resource"));
    }
    let mut name = None;
    let mut services = None;
    let mut list = Vec::new();
    for p in params.get("parameter").and_then(Value::as_array).into_iter().flatten() {
        let key = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let value = ["valueCode", "valueString", "valueUrl", "valueUri"]
            .iter()
            .find_map(|k| p.get(*k).and_then(Value::as_str))
            .unwrap_or_default()
            .to_string();
        match key.as_str() {
            "action" => name = Some(value),
            "nationalServices" => services = Some(value),
            _ => list.push((key, value)),
        }
    }
    let name = name.ok_or_else(|| bad("the action parameter is required"))?;
    let services = services.ok_or_else(|| {
        bad("nationalServices is required: the reference is not configured with national service addresses")
    })?;
    let services = reqwest::Url::parse(&services).map_err(|e| bad(&format!("nationalServices `{services}`: {e}")))?;
    Ok(Action { name, params: list, services })
}

/// `POST [base]/$rfa-trigger`.
pub async fn trigger(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::Trigger) {
        return o.into_response();
    }
    let action = match parse(&body) {
        Ok(a) => a,
        Err(o) => return o.into_response(),
    };
    let result = match action.name.as_str() {
        "register-patient" => crate::reference::rec::pds::register(&s, &action).await,
        "issue-prescription" => crate::reference::eps::submit::issue(&s, &action).await,
        "cancel-prescription" => crate::reference::eps::submit::cancel(&s, &action).await,
        "send-held-prescriptions" => crate::reference::eps::submit::send_held(&s, &action).await,
        "retrieve-record" => crate::reference::inf::consumer::retrieve(&s, &action).await,
        "send-mesh-message" => crate::reference::com::mesh::send(&s, &action).await,
        "receive-mesh-messages" => crate::reference::com::mesh::receive(&s, &action).await,
        other => {
            Err(Outcome::new(SpineCode::InvalidParameter, format!("`{other}` is not an action the reference knows")))
        }
    };
    match result {
        Ok(parts) => Fhir::ok(done(parts)).into_response(),
        Err(o) => o.into_response(),
    }
}

/// The trigger's answer: a Parameters naming what was done.
fn done(parts: Vec<(&str, String)>) -> Value {
    let list: Vec<Value> = parts.into_iter().map(|(n, v)| json!({ "name": n, "valueString": v })).collect();
    json!({ "resourceType": "Parameters", "parameter": list })
}

/// The HTTP client the practice calls national services with.
pub(super) fn http() -> &'static reqwest::Client {
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
pub(super) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
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
            let status = r.status().as_u16();
            let body = r.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            Reply { status, body }
        }
        Err(e) => Reply { status: 503, body: e.to_string().into_bytes() },
    }
}

/// Why a national service's answer stops the action.
pub(super) fn failed(service: &str, reply: &Reply) -> Outcome {
    let text: String = String::from_utf8_lossy(&reply.body).chars().take(300).collect();
    Outcome::new(SpineCode::InternalServerError, format!("{service} answered {}: {text}", reply.status))
}

pub(super) fn has(s: &State, d: impl Into<Defect>) -> bool {
    s.defects.has(d)
}
