//! An EPS-like prescription submission service (EPS FHIR R4
//! `POST $process-message`): accepts a message Bundle, refuses anything
//! else, and treats a message it has already processed (same
//! `Bundle.identifier`) as done, as EPS's idempotent processing does.

use crate::fhir::Views as _;
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Shared, Sid, fhir, fhir_error};

pub async fn process(State(h): State<Shared>, Extension(sid): Extension<Sid>, body: Bytes) -> Response {
    let Ok(bundle) = serde_json::from_slice::<Value>(&body) else {
        return fhir_error(StatusCode::BAD_REQUEST, "INVALID_VALUE", "the body is not JSON");
    };
    if bundle.as_resource().resource_type() != Some("Bundle")
        || bundle.get("type").and_then(Value::as_str) != Some("message")
    {
        return fhir_error(StatusCode::BAD_REQUEST, "INVALID_VALUE", "$process-message takes a Bundle of type message");
    }
    let Some(id) = bundle.pointer("/identifier/value").and_then(Value::as_str).filter(|v| !v.is_empty()) else {
        return fhir_error(StatusCode::BAD_REQUEST, "INVALID_VALUE", "Bundle.identifier.value is required");
    };
    let event = bundle
        .get("entry")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .and_then(|e| e.pointer("/resource/eventCoding/code"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !["prescription-order", "prescription-order-update"].contains(&event.as_str()) {
        return fhir_error(
            StatusCode::BAD_REQUEST,
            "INVALID_VALUE",
            "the first entry must be a MessageHeader with event prescription-order or prescription-order-update",
        );
    }
    let repeat = !h.with(&sid, |s| s.eps_seen.insert(id.to_string()));
    let text = if repeat { format!("message {id} was already processed") } else { format!("message {id} processed") };
    fhir(
        StatusCode::OK,
        &json!({
            "resourceType": "OperationOutcome",
            "issue": [{ "severity": "information", "code": "informational", "diagnostics": text }]
        }),
    )
}
