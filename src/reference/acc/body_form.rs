//! Incoming FHIR bodies read as strictly as a strict STU3 (3.0.1) JSON
//! parser would: a consumer whose bodies carry an R4-only data type
//! (`valueUrl`, which STU3 spells `valueUri`) or an empty array or object
//! (FHIR JSON says to omit them) is refused, so the harness can never send
//! such a body to a candidate without the clean reference run failing.
//!
//! The check is a walk over the JSON, not a full STU3 validator: it knows
//! the choice-type suffixes FHIR added after STU3, and FHIR JSON's rules
//! on empty values. Fuller validation of what each resource may hold is the
//! handlers' business (and `stu3.rs` for the JWT's claim resources).

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::reference::outcome::{Outcome, SpineCode};

/// The data types a `value[x]` may take from FHIR R4 (and R5) on that STU3
/// does not define: `url`, `canonical` and `uuid` primitives and the
/// metadata and Dosage types R4 opened to `value[x]`.
const LATER_VALUE_TYPES: [&str; 13] = [
    "Url",
    "Canonical",
    "Uuid",
    "Integer64",
    "ContactDetail",
    "Contributor",
    "DataRequirement",
    "Expression",
    "ParameterDefinition",
    "RelatedArtifact",
    "TriggerDefinition",
    "UsageContext",
    "Dosage",
];

/// What the reference buffers of a request body; the harness's bodies are
/// a few kilobytes.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Where `v` breaks STU3 JSON's form, as a JSON path and what is wrong.
pub fn violation(v: &Value) -> Option<String> {
    walk(v, "$")
}

fn walk(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::Array(items) if items.is_empty() => Some(format!("{at} is an empty array (FHIR JSON omits it)")),
        Value::Object(map) if map.is_empty() => Some(format!("{at} is an empty object (FHIR JSON omits it)")),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| walk(x, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, x)| {
            let here = format!("{at}.{k}");
            match k.strip_prefix("value") {
                Some(ty) if LATER_VALUE_TYPES.contains(&ty) => {
                    Some(format!("{here}: FHIR STU3 has no {ty} data type (it came with R4)"))
                }
                _ => walk(x, &here),
            }
        }),
        _ => None,
    }
}

/// Refuses a JSON request body that breaks STU3 JSON's form with 422
/// INVALID_RESOURCE (GP Connect: a resource that fails to validate). A body
/// that is not JSON at all goes on to the handler, whose 400 it is.
pub async fn strict(req: Request, next: Next) -> Response {
    let has_body = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH);
    let json =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"));
    if !has_body || !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return Outcome::new(SpineCode::BadRequest, "the request body could not be read").into_response();
    };
    if let Ok(v) = serde_json::from_slice::<Value>(&bytes)
        && let Some(why) = violation(&v)
    {
        return Outcome::new(SpineCode::InvalidResource, format!("the body is not valid FHIR STU3 JSON: {why}"))
            .into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::violation;

    #[test]
    fn stu3_bodies_pass_and_later_or_empty_forms_are_named() {
        let ok = json!({ "resourceType": "Parameters", "parameter": [
            { "name": "nationalServices", "valueUri": "http://127.0.0.1:1/" },
            { "name": "valueSetUri", "valueString": "x" } ] });
        assert_eq!(violation(&ok), None);
        let url = json!({ "resourceType": "Parameters", "parameter": [{ "name": "a", "valueUrl": "http://x/" }] });
        assert_eq!(
            violation(&url).as_deref(),
            Some("$.parameter[0].valueUrl: FHIR STU3 has no Url data type (it came with R4)")
        );
        let empty = json!({ "resourceType": "Parameters", "parameter": [] });
        assert_eq!(violation(&empty).as_deref(), Some("$.parameter is an empty array (FHIR JSON omits it)"));
        let hollow = json!({ "resourceType": "Patient", "meta": {} });
        assert_eq!(violation(&hollow).as_deref(), Some("$.meta is an empty object (FHIR JSON omits it)"));
    }
}
