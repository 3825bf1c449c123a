//! Another practice's GP Connect provider (Access Record Structured
//! `$gpc.getstructuredrecord`), for the candidate as a consumer. It answers
//! any well-formed request for a valid NHS number with a small record; what
//! the consumer sent is judged from the evidence, not refused here, so a
//! failure names the claim or header at fault.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Shared, fhir, fhir_error};
use crate::fhir::gpc::{NHS_NUMBER_SYSTEM, ODS_ORGANIZATION_SYSTEM};

pub async fn structured_record(State(h): State<Shared>, body: Bytes) -> Response {
    let Ok(params) = serde_json::from_slice::<Value>(&body) else {
        return fhir_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "the body is not a JSON Parameters resource");
    };
    let number = params
        .get("parameter")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("patientNHSNumber"))
        .and_then(|p| p.get("valueIdentifier"))
        .and_then(|i| i.get("value"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if crate::fhir::nhs::validate(&number).is_err() {
        return fhir_error(
            StatusCode::BAD_REQUEST,
            "INVALID_NHS_NUMBER",
            "patientNHSNumber must carry a valid NHS number",
        );
    }
    let practice = &h.data.other_practice;
    let record = json!({
        "resourceType": "Bundle",
        "meta": { "profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"] },
        "type": "collection",
        "entry": [
            { "resource": {
                "resourceType": "Patient", "id": "1",
                "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": number }]
            } },
            { "resource": {
                "resourceType": "Organization", "id": "2",
                "identifier": [{ "system": ODS_ORGANIZATION_SYSTEM, "value": practice.ods_code }],
                "name": practice.name
            } },
            { "resource": {
                "resourceType": "List", "id": "3", "status": "current", "mode": "snapshot",
                "title": "Allergies and adverse reactions",
                "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "886921000000105", "display": "Allergies and adverse reactions" }] },
                "subject": { "reference": "Patient/1" },
                "entry": [{ "item": { "reference": "AllergyIntolerance/4" } }]
            } },
            { "resource": {
                "resourceType": "AllergyIntolerance", "id": "4",
                "clinicalStatus": "active", "verificationStatus": "confirmed",
                "code": { "coding": [{ "system": "http://snomed.info/sct", "code": "294505008", "display": "Amoxicillin allergy" }] },
                "patient": { "reference": "Patient/1" },
                "assertedDate": "2019-04-02"
            } }
        ]
    });
    fhir(StatusCode::OK, &record)
}
