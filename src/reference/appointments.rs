//! Appointments (`ONL`): booking a free slot (once — the check and the
//! booking are one step), reading, cancelling with a reason (which frees
//! the slot), and a patient's appointments in a date range.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::State;
use super::defects::Defect;
use super::guard;
use super::outcome::{Fhir, Outcome};
use crate::gpc::{self, Interaction, SpineCode};

type Shared = Arc<State>;

#[derive(Debug, Default)]
struct Book {
    by_id: HashMap<String, Value>,
    /// Slots taken by a booked (not cancelled) appointment.
    taken: HashSet<String>,
}

/// The appointments the reference holds.
#[derive(Debug, Default)]
pub struct Appointments {
    inner: Mutex<Book>,
}

impl Appointments {
    fn with<T>(&self, f: impl FnOnce(&mut Book) -> T) -> T {
        let mut guard = super::locked(&self.inner);
        f(&mut guard)
    }

    /// The slots booked appointments hold, as one snapshot.
    pub fn taken(&self) -> HashSet<String> {
        self.with(|b| b.taken.clone())
    }
}

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn parse(body: &Bytes) -> Result<Value, Outcome> {
    let v: Value =
        serde_json::from_slice(body).map_err(|_| Outcome::new(SpineCode::BadRequest, "the body is not JSON"))?;
    if v.get("resourceType").and_then(Value::as_str) != Some("Appointment") {
        return Err(invalid("the body must be an Appointment"));
    }
    Ok(v)
}

fn slot_ids(a: &Value) -> Vec<String> {
    a.get("slot")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("reference").and_then(Value::as_str))
        .filter_map(|r| r.strip_prefix("Slot/"))
        .map(str::to_string)
        .collect()
}

fn patient_of(a: &Value) -> Option<String> {
    a.get("participant")?
        .as_array()?
        .iter()
        .filter_map(|p| p.pointer("/actor/reference").and_then(Value::as_str))
        .find_map(|r| r.strip_prefix("Patient/"))
        .map(str::to_string)
}

fn same_instant(a: Option<&Value>, b: OffsetDateTime) -> bool {
    a.and_then(Value::as_str).and_then(|v| OffsetDateTime::parse(v, &Rfc3339).ok()) == Some(b)
}

/// The profile's rules for a booking; returns the slot it books.
fn validate(s: &State, a: &Value) -> Result<super::slots::SlotRow, Outcome> {
    let lenient = s.defects.has(Defect::BookingWithoutValidation);
    if a.get("status").and_then(Value::as_str) != Some("booked") && !lenient {
        return Err(invalid("Appointment.status must be booked"));
    }
    let has_org = a
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|e| e.get("url").and_then(Value::as_str) == Some(gpc::BOOKING_ORGANISATION_EXTENSION));
    if !has_org && !lenient {
        return Err(invalid(
            "Appointment.extension needs the booking organisation (Extension-GPConnect-BookingOrganisation-1)",
        ));
    }
    let patient = patient_of(a).filter(|id| s.store.by_id(id).is_some_and(|p| p.is_active()));
    if patient.is_none() && !lenient {
        return Err(invalid("Appointment.participant needs the Patient, registered here"));
    }
    let slots = slot_ids(a);
    let [only] = &slots[..] else {
        return Err(invalid(format!("Appointment.slot must name one Slot, it names {}", slots.len())));
    };
    let row = super::slots::find(crate::clock::today(), only)
        .ok_or_else(|| invalid(format!("Slot/{only} is not a slot of this practice")))?;
    let times = same_instant(a.get("start"), row.start) && same_instant(a.get("end"), row.end);
    if !times && !lenient {
        return Err(invalid("Appointment.start and end must be the slot's"));
    }
    if !row.free {
        return Err(Outcome::new(SpineCode::DuplicateRejected, format!("Slot/{only} is not free")));
    }
    Ok(row)
}

fn etag(v: &Value) -> String {
    format!("W/\"{}\"", v.pointer("/meta/versionId").and_then(Value::as_str).unwrap_or("1"))
}

pub async fn book(Extract(s): Extract<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    match book_slot(&s, &headers, &body).await {
        Ok(r) => r,
        Err(o) => o.into_response(),
    }
}

async fn book_slot(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    guard::check(s, headers, Interaction::BookAppointment, now())?;
    let a = parse(body)?;
    let row = validate(s, &a)?;
    let taken = |b: &Book| b.taken.contains(&row.id) && !d(Defect::BookingAllowsDoubleBooking);
    if d(Defect::BookingRace) {
        // Checks, lets go, books: two bookings at once can both pass.
        if s.appointments.with(|b| taken(b)) {
            return Err(Outcome::new(SpineCode::DuplicateRejected, format!("Slot/{} is already booked", row.id)));
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let id = uuid::Uuid::new_v4().to_string();
    let mut stored = a;
    stored["id"] = json!(id);
    stored["meta"] = json!({ "versionId": "1", "profile": [gpc::APPOINTMENT_PROFILE] });
    stored["created"] = json!(super::clinical::instant(OffsetDateTime::now_utc()));
    s.appointments.with(|b| {
        if !d(Defect::BookingRace) && taken(b) {
            return Err(Outcome::new(SpineCode::DuplicateRejected, format!("Slot/{} is already booked", row.id)));
        }
        b.taken.insert(row.id.clone());
        b.by_id.insert(id.clone(), stored.clone());
        Ok(())
    })?;
    let minimal = headers.get("Prefer").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("return=minimal"));
    let tag = (!d(Defect::BookingWithoutEtag)).then(|| etag(&stored));
    let mut resp = if minimal {
        let mut r = (StatusCode::CREATED, [(header::CONTENT_TYPE, gpc::FHIR_JSON)]).into_response();
        if let Some(t) = tag.as_deref().and_then(|t| HeaderValue::from_str(t).ok()) {
            r.headers_mut().insert(header::ETAG, t);
        }
        r
    } else {
        Fhir { status: StatusCode::CREATED, body: stored, etag: tag }.into_response()
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    if let Ok(v) = HeaderValue::from_str(&format!("http://{host}{}/Appointment/{id}/_history/1", s.base_path)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

pub async fn read(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadAppointment, now()) {
        return o.into_response();
    }
    match s.appointments.with(|b| b.by_id.get(&id).cloned()) {
        Some(a) => {
            let tag = (!s.defects.has(Defect::BookingWithoutEtag)).then(|| etag(&a));
            Fhir { status: StatusCode::OK, etag: tag, body: a }.into_response()
        }
        None => Outcome::new(SpineCode::NoRecordFound, format!("no appointment with id {id}")).into_response(),
    }
}

pub async fn cancel(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    match cancel_appointment(&s, &headers, &id, &body) {
        Ok(r) => r,
        Err(o) => o.into_response(),
    }
}

fn cancel_appointment(s: &State, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    guard::check(s, headers, Interaction::CancelAppointment, now())?;
    let sent = parse(body)?;
    if sent.get("status").and_then(Value::as_str) != Some("cancelled") {
        return Err(invalid("an appointment is cancelled with status cancelled; no other change is accepted here"));
    }
    let reason = sent
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|e| e.get("url").and_then(Value::as_str) == Some(gpc::CANCELLATION_REASON_EXTENSION))
        .and_then(|e| e.get("valueString").and_then(Value::as_str))
        .filter(|r| !r.trim().is_empty())
        .map(str::to_string);
    if reason.is_none() && !d(Defect::CancelWithoutReason) {
        return Err(invalid("a cancellation needs its reason (Extension-GPConnect-AppointmentCancellationReason-1)"));
    }
    let wanted = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string);
    s.appointments.with(|b| {
        let current = b
            .by_id
            .get(id)
            .cloned()
            .ok_or_else(|| Outcome::new(SpineCode::NoRecordFound, format!("no appointment with id {id}")))?;
        if let Some(tag) = &wanted
            && *tag != etag(&current)
        {
            return Err(Outcome::new(
                SpineCode::FhirConstraintViolation,
                format!("If-Match {tag} is not the current version {}", etag(&current)),
            ));
        }
        if current.get("status").and_then(Value::as_str) == Some("cancelled") {
            return Err(invalid("the appointment is already cancelled"));
        }
        let version: u32 =
            current.pointer("/meta/versionId").and_then(Value::as_str).and_then(|v| v.parse().ok()).unwrap_or(1);
        let mut next = current.clone();
        next["status"] = json!("cancelled");
        next["meta"]["versionId"] = json!((version + 1).to_string());
        let mut ext: Vec<Value> = next.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
        ext.retain(|e| e.get("url").and_then(Value::as_str) != Some(gpc::CANCELLATION_REASON_EXTENSION));
        ext.push(
            json!({ "url": gpc::CANCELLATION_REASON_EXTENSION, "valueString": reason.clone().unwrap_or_default() }),
        );
        next["extension"] = Value::Array(ext);
        if !d(Defect::CancelKeepsSlot) {
            for slot in slot_ids(&current) {
                b.taken.remove(&slot);
            }
        }
        b.by_id.insert(id.to_string(), next.clone());
        Ok(Fhir { status: StatusCode::OK, etag: Some(etag(&next)), body: next }.into_response())
    })
}

pub async fn for_patient(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Path(patient): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchPatientAppointments, now()) {
        return o.into_response();
    }
    let bound = |prefix: &str| {
        params
            .iter()
            .filter(|(k, _)| k == "start")
            .find_map(|(_, v)| v.strip_prefix(prefix))
            .and_then(crate::clock::parse_date)
    };
    let (Some(from), Some(to)) = (bound("ge"), bound("le")) else {
        return Outcome::new(SpineCode::InvalidParameter, "start=ge[date] and start=le[date] are both required")
            .into_response();
    };
    if to < from {
        return Outcome::new(SpineCode::InvalidParameter, "the range ends before it starts").into_response();
    }
    if s.store.by_id(&patient).is_none() {
        return Outcome::new(SpineCode::PatientNotFound, format!("no patient with id {patient}")).into_response();
    }
    let (lo, hi) = (from.midnight().assume_utc(), (to + time::Duration::days(1)).midnight().assume_utc());
    let ignore_range = s.defects.has(Defect::PatientAppointmentsIgnoreRange);
    let found: Vec<Value> = s.appointments.with(|b| {
        b.by_id
            .values()
            .filter(|a| patient_of(a).as_deref() == Some(patient.as_str()))
            .filter(|a| {
                let start =
                    a.get("start").and_then(Value::as_str).and_then(|v| OffsetDateTime::parse(v, &Rfc3339).ok());
                ignore_range || start.is_some_and(|t| t >= lo && t < hi)
            })
            .cloned()
            .collect()
    });
    let entries: Vec<Value> = found.iter().map(|a| json!({ "resource": a, "search": { "mode": "match" } })).collect();
    Fhir::ok(json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::new_v4().to_string(),
        "meta": { "profile": [gpc::SEARCHSET_PROFILE] },
        "type": "searchset",
        "total": entries.len(),
        "entry": entries
    }))
    .into_response()
}
