//! Repeat prescription requests (`ONL`, profile §26): a patient asks for
//! another issue of a current repeat medication the practice prescribes; the
//! request is a Task waiting for the practice to approve it. A
//! patient-scoped token asks, and sees, only for that patient.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State as Extract};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::reference::State;
use crate::reference::acc::guard::{self, Claims};
use crate::reference::onl::defects::OnlDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome, created, reference_id, resource_of};
use crate::reference::store::StoredPatient;

/// The requests the reference holds, in the order they were made.
#[derive(Debug, Default)]
pub struct Repeats {
    inner: Mutex<Vec<Value>>,
}

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

/// Why a medication of the record cannot be asked for again, if it cannot.
fn not_repeatable(patient: &StoredPatient, plan: &Value) -> Option<String> {
    if plan.get("intent").and_then(Value::as_str) != Some("plan") {
        return Some("a repeat is asked for by its authorisation (intent plan), not by one issue".into());
    }
    if gpc::extension_code(plan, gpc::PRESCRIPTION_TYPE_EXTENSION) != Some("repeat") {
        return Some("the medication is not a repeat".into());
    }
    if plan.get("status").and_then(Value::as_str) != Some("active") {
        return Some("the repeat has ended".into());
    }
    let id = plan.as_resource().id().unwrap_or_default();
    let statement = patient.record.iter().find(|r| {
        r.as_resource().resource_type() == Some("MedicationStatement")
            && r.get("basedOn")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|b| b.as_reference().reference() == Some(format!("MedicationRequest/{id}").as_str()))
    });
    let agency = statement.and_then(|st| gpc::extension_code(st, gpc::PRESCRIBING_AGENCY_EXTENSION));
    if agency != Some("prescribed-at-gp-practice") {
        return Some("the repeat is prescribed by another organisation; ask them".into());
    }
    None
}

fn medication<'a>(patient: &'a StoredPatient, id: &str) -> Option<&'a Value> {
    patient
        .record
        .iter()
        .find(|r| r.as_resource().resource_type() == Some("MedicationRequest") && r.as_resource().id() == Some(id))
}

pub async fn request(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    record(&s, &headers, &body).unwrap_or_else(|o| {
        keep_refused(&s, &body);
        o.into_response()
    })
}

/// Under the `keeps-refused-repeat-request` defect: the Task is written
/// before it is checked, and a refusal does not take it out again.
fn keep_refused(s: &State, body: &Bytes) {
    if !s.defects.has(OnlDefect::KeepsRefusedRepeatRequest) {
        return;
    }
    let Ok(mut task) = resource_of(body, "Task") else { return };
    task["id"] = json!(uuid::Uuid::new_v4().to_string());
    task["meta"] = json!({ "versionId": "1" });
    crate::reference::locked(&s.repeats.inner).push(task);
}

fn record(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    let claims = guard::check(s, headers, Interaction::RequestRepeat)?;
    let sent = resource_of(body, "Task")?;
    let coding = sent.pointer("/code/coding/0");
    let code = (
        coding.and_then(|c| c.get("system")).and_then(Value::as_str),
        coding.and_then(|c| c.get("code")).and_then(Value::as_str),
    );
    if code != (Some(gpc::TASK_TYPE_SYSTEM), Some(gpc::REPEAT_REQUEST_CODE)) {
        return Err(invalid(format!("Task.code must be {}|{}", gpc::TASK_TYPE_SYSTEM, gpc::REPEAT_REQUEST_CODE)));
    }
    let patient_id = reference_id(&sent, "/for/reference", "Patient").unwrap_or_default().to_string();
    let acting = guard::acting_patient(&claims).is_some();
    let lenient = d(OnlDefect::RepeatRequestForOthers);
    if !lenient {
        guard::own_patient(s, &claims, &patient_id)?;
    }
    let patient = s
        .store
        .by_id(&patient_id)
        .filter(|p| p.is_active())
        .ok_or_else(|| invalid("Task.for must name a patient registered here"))?;
    let med_id = reference_id(&sent, "/focus/reference", "MedicationRequest").unwrap_or_default();
    let not_theirs = || invalid(format!("MedicationRequest/{med_id} is not in the patient's record"));
    let plan = match medication(patient, med_id) {
        Some(p) => p.clone(),
        // A lenient candidate looks in anyone's record.
        None if lenient => {
            s.store.patients.iter().find_map(|p| medication(p, med_id)).cloned().ok_or_else(not_theirs)?
        }
        None if acting => return Err(guard::denied()),
        None => return Err(not_theirs()),
    };
    if let Some(why) = not_repeatable(patient, &plan)
        && !d(OnlDefect::RepeatRequestAnyMedication)
    {
        return Err(invalid(why));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let requester = match guard::acting_patient(&claims) {
        Some(_) => json!({ "reference": format!("Patient/{patient_id}") }),
        None => claims
            .get("requesting_practitioner")
            .and_then(|p| p.get("id"))
            .and_then(Value::as_str)
            .map_or(json!({ "display": "the practice" }), |p| json!({ "reference": format!("Practitioner/{p}") })),
    };
    let org_id = s.store.organization.as_resource().id().unwrap_or_default();
    let mut task = json!({
        "resourceType": "Task",
        "id": id,
        "meta": { "versionId": "1" },
        "status": if d(OnlDefect::RepeatRequestApproved) { "accepted" } else { "requested" },
        "intent": "proposal",
        "code": { "coding": [{ "system": gpc::TASK_TYPE_SYSTEM, "code": gpc::REPEAT_REQUEST_CODE, "display": "Repeat prescription request" }] },
        "focus": { "reference": format!("MedicationRequest/{med_id}") },
        "for": { "reference": format!("Patient/{patient_id}") },
        "authoredOn": crate::reference::instant(crate::support::clock::now()),
        "requester": { "agent": requester },
        "owner": {
            "reference": format!("Organization/{org_id}"),
            "identifier": { "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": s.ods_code }
        }
    });
    if let Some(note) = sent.get("note") {
        task["note"] = note.clone();
    }
    if !d(OnlDefect::RepeatRequestsNotListed) {
        crate::reference::locked(&s.repeats.inner).push(task.clone());
    }
    Ok(created(headers, &s.base_path, task))
}

pub async fn search(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    find(&s, &headers, &params).unwrap_or_else(IntoResponse::into_response)
}

fn find(s: &State, headers: &HeaderMap, params: &[(String, String)]) -> Result<Response, Outcome> {
    let claims: Claims = guard::check(s, headers, Interaction::SearchRepeatRequests)?;
    let mut patient = None;
    for (k, v) in params {
        match k.as_str() {
            "patient" => patient = Some(v.trim_start_matches("Patient/").to_string()),
            "code" if v == &format!("{}|{}", gpc::TASK_TYPE_SYSTEM, gpc::REPEAT_REQUEST_CODE) => {}
            _ => {
                return Err(Outcome::new(
                    SpineCode::InvalidParameter,
                    format!("`{k}={v}` is not a parameter of the repeat request search"),
                ));
            }
        }
    }
    let patient =
        patient.ok_or_else(|| Outcome::new(SpineCode::InvalidParameter, "patient is required (patient=[id])"))?;
    guard::own_patient(s, &claims, &patient)?;
    let wanted = format!("Patient/{patient}");
    let found: Vec<Value> = crate::reference::locked(&s.repeats.inner)
        .iter()
        .filter(|t| t.pointer("/for/reference").and_then(Value::as_str) == Some(wanted.as_str()))
        .map(|t| json!({ "resource": t, "search": { "mode": "match" } }))
        .collect();
    let total = found.len();
    Ok(Fhir::ok(crate::reference::searchset(found, total)).into_response())
}
