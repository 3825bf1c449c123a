//! A dispensing practice (`DSP`, profile §29): the practice's dispensary
//! supplies a prescription item to one of its dispensing patients and
//! records it as a MedicationDispense; the prescription's status follows.

pub mod defects;
pub mod notify;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State as Extract};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::gpc::Interaction;
use crate::fixtures::PatientFlag;
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::acc::methods::{Methods, wrong_method};
use crate::reference::dsp::defects::DspDefect;
use crate::reference::eps::book::Kind;
use crate::reference::eps::prescribing::invalid;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome, created, reference_id, resource_of};
use crate::reference::roots::Roots;

pub fn routes(_: Methods) -> Roots {
    Roots::api(
        axum::Router::new()
            .route("/MedicationDispense", axum::routing::post(create).get(search).fallback(wrong_method)),
    )
}

/// The dispenses recorded, by the prescription they were made against.
#[derive(Debug, Default)]
pub struct Dispenses {
    inner: Mutex<HashMap<String, Vec<Value>>>,
}

pub async fn create(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    dispense(&s, &headers, &body).unwrap_or_else(|o| {
        keep_refused(&s, &headers, &body);
        o.into_response()
    })
}

/// Under the `keeps-refused-dispense` defect: an admitted dispense is
/// listed against its prescription before it is checked, and a refusal does
/// not take it out again.
fn keep_refused(s: &State, headers: &HeaderMap, body: &Bytes) {
    if !s.defects.has(DspDefect::KeepsRefusedDispense) || guard::check(s, headers, Interaction::RecordDispense).is_err()
    {
        return;
    }
    let Ok(mut r) = resource_of(body, "MedicationDispense") else { return };
    let Some(rx) = reference_id(&r, "/authorizingPrescription/0/reference", "MedicationRequest").map(str::to_string)
    else {
        return;
    };
    r["id"] = json!(uuid::Uuid::new_v4().to_string());
    r["meta"] = json!({ "versionId": "1" });
    crate::reference::locked(&s.dispenses.inner).entry(format!("MedicationRequest/{rx}")).or_default().push(r);
}

fn dispense(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    guard::check(s, headers, Interaction::RecordDispense)?;
    let sent = resource_of(body, "MedicationDispense")?;
    let (mut r, _) = admit(s, sent)?;
    if s.defects.has(DspDefect::DispenseDropsPrescription)
        && let Some(o) = r.as_object_mut()
    {
        o.remove("authorizingPrescription");
    }
    Ok(created(headers, &s.base_path, r))
}

/// Checks a dispense as the dispensary must (the practice's own patient and
/// prescription, what is left of it, its medicine and unit) and records
/// it: answered as recorded, with the prescription it was against. Both
/// ways of dispensing come here: the extension's `POST MedicationDispense`
/// and the trigger's `dispense-prescription` (which then tells EPS).
pub(in crate::reference) fn admit(s: &State, sent: Value) -> Result<(Value, Option<String>), Outcome> {
    let d = |x| s.defects.has(x);
    let prescription_id = reference_id(&sent, "/authorizingPrescription/0/reference", "MedicationRequest")
        .unwrap_or_default()
        .to_string();
    let patient_id = sent
        .pointer("/subject/reference")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("Patient/"))
        .unwrap_or_default();
    let code = sent.pointer("/medicationCodeableConcept/coding/0/code").and_then(Value::as_str).unwrap_or_default();
    let quantity = sent.pointer("/quantity/value").and_then(Value::as_f64).unwrap_or(0.0);
    let unit = sent.pointer("/quantity/unit").and_then(Value::as_str).unwrap_or_default();
    let today = crate::support::clock::today();

    let mut all = crate::reference::locked(&s.prescriptions.inner);
    let Some(p) = all.get_mut(&prescription_id) else {
        if d(DspDefect::DispenseUnknownPrescription) {
            return Ok((recorded(s, sent, None), None));
        }
        return Err(Outcome::new(
            SpineCode::ReferenceNotFound,
            format!("authorizingPrescription MedicationRequest/{prescription_id} is not a prescription here"),
        ));
    };
    if p.patient != patient_id && !d(DspDefect::DispensesToOtherPatient) {
        return Err(invalid("the dispense is for a different patient than the prescription"));
    }
    let dispensing_patient = s.store.by_id(&p.patient).is_some_and(|sp| sp.has(PatientFlag::Dispensing));
    if !dispensing_patient && !d(DspDefect::DispensesToAnyone) {
        return Err(invalid(
            "the patient is not a dispensing patient of the practice: their prescriptions go to a pharmacy",
        ));
    }
    if p.nominated.as_deref().is_some_and(|n| n != s.ods_code) && !d(DspDefect::DispensesNominatedElsewhere) {
        return Err(invalid(format!(
            "the prescription is nominated to another dispenser ({}); the practice cannot dispense it",
            p.nominated.as_deref().unwrap_or_default()
        )));
    }
    if p.nominated.is_none() && d(DspDefect::DispensesOnlyOwnNominations) {
        return Err(invalid("the prescription is not nominated to the practice's dispensary"));
    }
    if p.cancelled.is_some() && !d(DspDefect::DispensesCancelled) {
        return Err(invalid("the prescription was cancelled"));
    }
    if p.expired(today) && !d(DspDefect::DispensesExpired) {
        return Err(invalid(format!("the prescription expired on {}", crate::support::clock::ymd(p.valid_until))));
    }
    if code != p.code && !d(DspDefect::DispensesOtherMedication) {
        return Err(invalid(format!("the prescription is for {}, not {code}", p.code)));
    }
    if (quantity <= 0.0 || unit != p.unit) && !d(DspDefect::DispenseAnyUnit) {
        return Err(invalid(format!("a dispense is a positive quantity in the prescription's unit ({})", p.unit)));
    }
    match p.kind {
        Kind::RepeatDispensing => {
            let issues = p.dispensed.len() as u32;
            // The defect allows `repeats` issues in all, not `repeats + 1`.
            let allowed = if d(DspDefect::RepeatDispensingOffByOne) { p.repeats.saturating_sub(1) } else { p.repeats };
            if issues > allowed && !d(DspDefect::RepeatDispensingUnlimited) {
                return Err(invalid(format!(
                    "all {} issues of the repeat-dispensing prescription are dispensed",
                    p.repeats + 1
                )));
            }
            if quantity > p.quantity + 1e-9 && !d(DspDefect::OverDispensing) {
                return Err(invalid(format!("an issue is at most {} {}", p.quantity, p.unit)));
            }
        }
        _ => {
            let so_far: f64 = p.dispensed.iter().sum();
            // The defect miscounts what is left once part has been supplied:
            // the supply that would finish the prescription is refused.
            let limit = if so_far > 0.0 && d(DspDefect::RefusesTheRest) { p.quantity - 1.0 } else { p.quantity };
            if so_far + quantity > limit + 1e-9 && !d(DspDefect::OverDispensing) {
                return Err(invalid(format!(
                    "{so_far} of {} {} already dispensed: {quantity} more is more than was prescribed",
                    p.quantity, p.unit
                )));
            }
        }
    }
    p.dispensed.push(quantity);
    p.version += 1;
    drop(all);
    Ok((recorded(s, sent, Some(&prescription_id)), Some(prescription_id)))
}

/// The dispense as recorded, listed against its prescription.
fn recorded(s: &State, sent: Value, prescription: Option<&str>) -> Value {
    let id = uuid::Uuid::new_v4().to_string();
    let mut r = sent;
    r["id"] = json!(id);
    r["meta"] = json!({ "versionId": "1" });
    r["status"] = json!("completed");
    if let Some(p) = prescription
        && !s.defects.has(DspDefect::DispensesNotListed)
    {
        crate::reference::locked(&s.dispenses.inner)
            .entry(format!("MedicationRequest/{p}"))
            .or_default()
            .push(r.clone());
    }
    r
}

pub async fn search(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchDispenses) {
        return o.into_response();
    }
    let prescription = match crate::reference::search_params(
        &params,
        "dispense search",
        &["prescription"],
        ("prescription", "MedicationRequest"),
    ) {
        Ok(id) => id,
        Err(o) => return o.into_response(),
    };
    let wanted = format!("MedicationRequest/{prescription}");
    let found: Vec<Value> = crate::reference::locked(&s.dispenses.inner)
        .get(&wanted)
        .into_iter()
        .flatten()
        .map(|r| json!({ "resource": r, "search": { "mode": "match" } }))
        .collect();
    let total = found.len();
    Fhir::ok(crate::reference::searchset(found, total)).into_response()
}
