//! ARR: patient arrival — marking a booked appointment arrived (with the
//! time) or did-not-attend, on the appointment's day.

pub mod defects;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::gpc::{self, Interaction};
use crate::reference::acc::guard;
use crate::reference::acc::methods::Methods;
use crate::reference::arr::defects::ArrDefect;
use crate::reference::onl::appointments::{etag, invalid, next_version, not_found, patient_of, start_of, status_of};
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::roots::Roots;
use crate::reference::{Shared, State};

pub fn routes(m: Methods) -> Roots {
    Roots::api(
        Router::new()
            .route("/Appointment/{id}/$rfa.arrive", m.operation(arrive))
            .route("/Appointment/{id}/$rfa.didnotattend", m.operation(did_not_attend)),
    )
}

/// The NHS number an arrival names (`patient`, valueIdentifier).
fn arrival_patient(body: &Bytes) -> Result<String, Outcome> {
    let missing = || Outcome::new(SpineCode::InvalidParameter, "an arrival needs the patient's NHS number (patient)");
    let v: Value = serde_json::from_slice(body).map_err(|_| missing())?;
    let nhs = v
        .get("parameter")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("name").and_then(Value::as_str) == Some("patient"))
        .filter_map(|p| p.get("valueIdentifier"))
        .find(|i| i.get("system").and_then(Value::as_str) == Some(gpc::NHS_NUMBER_SYSTEM))
        .and_then(|i| i.get("value").and_then(Value::as_str))
        .filter(|v| !v.is_empty())
        .ok_or_else(missing)?;
    crate::fhir::nhs::validate(nhs)
        .map_err(|e| Outcome::new(SpineCode::InvalidNhsNumber, format!("{nhs} is not a valid NHS number: {e}")))?;
    Ok(nhs.to_string())
}

/// What arriving or not attending does to a booked appointment.
#[derive(Clone, Copy, PartialEq)]
enum Attendance {
    Arrived,
    DidNotAttend,
}

pub async fn arrive(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    attend(&s, &headers, &id, &body, Attendance::Arrived)
        .unwrap_or_else(|o| refused(&s, &headers, &id, o, Interaction::MarkArrived))
}

pub async fn did_not_attend(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    attend(&s, &headers, &id, &body, Attendance::DidNotAttend)
        .unwrap_or_else(|o| refused(&s, &headers, &id, o, Interaction::MarkDidNotAttend))
}

/// The refusal; under the `keeps-refused-arrival` defect an admitted
/// arrival or did-not-attend refused for what it names (the patient, the
/// appointment's status or day) has already marked the appointment
/// arrived, and the refusal does not undo it.
fn refused(s: &State, headers: &HeaderMap, id: &str, o: Outcome, interaction: Interaction) -> Response {
    if s.defects.has(ArrDefect::KeepsRefusedArrival) && guard::check(s, headers, interaction).is_ok() {
        // What the change answers does not matter: the refusal is the answer.
        let _ = s.appointments.change(id, |current| {
            let next = current.map(|c| {
                next_version(c, |n| {
                    n["status"] = json!("arrived");
                    let at = json!(crate::reference::instant(crate::support::clock::now()));
                    let mut ext: Vec<Value> = n.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
                    ext.push(json!({ "url": gpc::ARRIVAL_TIME_EXTENSION, "valueDateTime": at }));
                    n["extension"] = Value::Array(ext);
                })
            });
            Ok((next, ()))
        });
    }
    o.into_response()
}

fn attend(s: &State, headers: &HeaderMap, id: &str, body: &Bytes, what: Attendance) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    let interaction = match what {
        Attendance::Arrived => Interaction::MarkArrived,
        Attendance::DidNotAttend => Interaction::MarkDidNotAttend,
    };
    guard::check(s, headers, interaction)?;
    let named = match what {
        Attendance::Arrived => Some(arrival_patient(body)?),
        Attendance::DidNotAttend => None,
    };
    let today = crate::support::clock::today();
    s.appointments.change(id, |current| {
        let current = current.cloned().ok_or_else(|| {
            if d(ArrDefect::AttendanceUnknownInvalid) {
                invalid(format!("no appointment {id} to mark"))
            } else {
                not_found(id)
            }
        })?;
        if let Some(nhs) = &named {
            let theirs = patient_of(&current).and_then(|p| s.store.by_id(&p)).map(|p| p.nhs_number.clone());
            if theirs.as_deref() != Some(nhs.as_str()) && !d(ArrDefect::ArrivalForAnyPatient) {
                return Err(Outcome::new(SpineCode::InvalidParameter, "the appointment is not for this patient"));
            }
        }
        let status = status_of(&current);
        let lenient_status = match what {
            Attendance::Arrived => d(ArrDefect::ArrivalAnyStatus),
            Attendance::DidNotAttend => d(ArrDefect::DidNotAttendAnyStatus),
        };
        if status != "booked" && !lenient_status {
            return Err(invalid(format!("the appointment is {status}; only a booked appointment can be marked")));
        }
        let day = start_of(&current).map(|t| t.date());
        let on_day = match what {
            Attendance::Arrived => d(ArrDefect::ArrivalAnyDay) || day == Some(today),
            Attendance::DidNotAttend => d(ArrDefect::DidNotAttendBeforeTheDay) || day.is_some_and(|t| t <= today),
        };
        if !on_day {
            return Err(invalid(match what {
                Attendance::Arrived => "a patient arrives on the appointment's day only",
                Attendance::DidNotAttend => "did-not-attend can be marked from the appointment's day on",
            }));
        }
        let next = next_version(&current, |n| match what {
            Attendance::Arrived => {
                n["status"] = json!("arrived");
                let at = if d(ArrDefect::ArrivalTimeNotStamped) {
                    current.get("start").cloned().unwrap_or(Value::Null)
                } else {
                    json!(crate::reference::instant(crate::support::clock::now()))
                };
                let mut ext: Vec<Value> = n.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
                ext.push(json!({ "url": gpc::ARRIVAL_TIME_EXTENSION, "valueDateTime": at }));
                n["extension"] = Value::Array(ext);
            }
            Attendance::DidNotAttend => n["status"] = json!("noshow"),
        });
        let kept = (!d(ArrDefect::AttendanceNotKept)).then(|| next.clone());
        Ok((kept, Fhir { status: StatusCode::OK, etag: Some(etag(&next)), body: next }.into_response()))
    })
}
