//! The reference candidate as a client (profile §37): its test-control
//! trigger `POST [base]/$rfa-trigger` runs an action — trace and register a
//! patient on PDS, prescribe through EPS, retrieve a record over GP Connect
//! after an SDS lookup, send and collect MESH messages — against the
//! national services named in the trigger, and answers once the action is
//! done, calls included.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::Interaction;
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::outbound::Action;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};

fn parse(body: &Bytes) -> Result<Action, Outcome> {
    let bad = |m: &str| Outcome::new(SpineCode::InvalidParameter, m.to_string());
    let params: Value = serde_json::from_slice(body).map_err(|_| bad("the body must be a JSON Parameters resource"))?;
    if params.as_resource().resource_type() != Some("Parameters") {
        return Err(bad("the body must be a Parameters resource"));
    }
    let mut name = None;
    let mut services = None;
    let mut list = Vec::new();
    for p in params.get("parameter").and_then(Value::as_array).into_iter().flatten() {
        let key = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let value = ["valueCode", "valueString", "valueUri"]
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
    let services = services
        .map(|url| reqwest::Url::parse(&url).map_err(|e| bad(&format!("nationalServices `{url}`: {e}"))))
        .transpose()?;
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
        "dispense-prescription" => crate::reference::dsp::notify::dispense(&s, &action).await,
        "send-held-prescriptions" => crate::reference::eps::submit::send_held(&s, &action).await,
        "retrieve-record" => crate::reference::inf::consumer::retrieve(&s, &action).await,
        "send-mesh-message" => crate::reference::com::mesh::send(&s, &action).await,
        "receive-mesh-messages" => crate::reference::com::mesh::receive(&s, &action).await,
        "accept-update-record" => crate::reference::com::update_record::accept(&s, &action),
        "record-entry" => crate::reference::rec::clinical::record_entry::record(&s, &action),
        "amend-entry" => crate::reference::rec::clinical::record_entry::amend(&s, &action),
        "mark-arrived" => crate::reference::arr::mark(&s, &action, crate::reference::arr::Attendance::Arrived),
        "mark-did-not-attend" => {
            crate::reference::arr::mark(&s, &action, crate::reference::arr::Attendance::DidNotAttend)
        }
        other => {
            Err(Outcome::new(SpineCode::InvalidParameter, format!("`{other}` is not an action the reference knows")))
        }
    };
    match result {
        Ok(parts) => Fhir::ok(done(parts)).into_response(),
        // An action fails with INTERNAL_SERVER_ERROR only when a service it
        // called failed (the other practice, MESH): the trigger says so with
        // 502, as a 500 would say the reference itself broke (profile §37.1).
        Err(o)
            if crate::reference::outbound::has(
                &s,
                crate::reference::rec::defects::RecDefect::TriggerRefusesWith500,
            ) =>
        {
            let mut resp = o.into_response();
            *resp.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            resp
        }
        Err(o) if o.code == SpineCode::InternalServerError => {
            let mut resp = o.into_response();
            *resp.status_mut() = axum::http::StatusCode::BAD_GATEWAY;
            resp
        }
        Err(o) => o.into_response(),
    }
}

/// The trigger's answer: a Parameters naming what was done.
fn done(parts: Vec<(&str, String)>) -> Value {
    let list: Vec<Value> = parts.into_iter().map(|(n, v)| json!({ "name": n, "valueString": v })).collect();
    json!({ "resourceType": "Parameters", "parameter": list })
}
