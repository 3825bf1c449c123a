//! ARR: patient arrival — the practice marks a booked appointment arrived
//! or did-not-attend on the appointment's day, as its receptionist would
//! (trigger actions `mark-arrived`, `mark-did-not-attend`, profile §27);
//! the result shows through GP Connect's Read Appointment.

pub mod defects;

use serde_json::json;

use crate::reference::State;
use crate::reference::arr::defects::ArrDefect;
use crate::reference::onl::appointments::{invalid, next_version, not_found, patient_of, start_of, status_of};
use crate::reference::outbound::Action;
use crate::reference::outcome::{Outcome, SpineCode};

/// What arriving or not attending does to a booked appointment.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Attendance {
    Arrived,
    DidNotAttend,
}

/// The NHS number an arrival names, as a check-in screen identifies the
/// patient.
fn arrival_patient(action: &Action) -> Result<String, Outcome> {
    let nhs = action.param("patient").filter(|v| !v.is_empty()).ok_or_else(|| {
        Outcome::new(SpineCode::InvalidParameter, "an arrival needs the patient's NHS number (patient)")
    })?;
    crate::fhir::nhs::validate(nhs)
        .map_err(|e| Outcome::new(SpineCode::InvalidNhsNumber, format!("{nhs} is not a valid NHS number: {e}")))?;
    Ok(nhs.to_string())
}

/// Marks the appointment the action names; refused (and unchanged) unless
/// it is booked, for the patient named, and on its day (did-not-attend:
/// from its day on).
pub(crate) fn mark(s: &State, action: &Action, what: Attendance) -> Result<Vec<(&'static str, String)>, Outcome> {
    let id = action.required("appointment")?.to_string();
    let refused = match attend(s, action, &id, what) {
        Ok(done) => return Ok(done),
        Err(o) => o,
    };
    // Under `keeps-refused-arrival` an arrival refused for what it names
    // (the patient, the appointment's status or day) has already marked
    // the appointment arrived, and the refusal does not undo it.
    if s.defects.has(ArrDefect::KeepsRefusedArrival) {
        let _ = s.appointments.change(&id, |current| {
            let next = current.map(|c| next_version(c, |n| n["status"] = json!("arrived")));
            Ok((next, ()))
        });
    }
    Err(refused)
}

fn attend(s: &State, action: &Action, id: &str, what: Attendance) -> Result<Vec<(&'static str, String)>, Outcome> {
    let d = |x| s.defects.has(x);
    let named = match what {
        Attendance::Arrived => Some(arrival_patient(action)?),
        Attendance::DidNotAttend => None,
    };
    let today = crate::support::clock::today();
    s.appointments.change(id, |current| {
        let Some(current) = current.cloned() else {
            // Under `attendance-unknown-done` the action says it was done.
            return if d(ArrDefect::AttendanceUnknownDone) {
                Ok((None, vec![("appointment", id.to_string())]))
            } else {
                Err(not_found(id))
            };
        };
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
        let status = match what {
            Attendance::Arrived => "arrived",
            Attendance::DidNotAttend => "noshow",
        };
        let next = next_version(&current, |n| n["status"] = json!(status));
        let kept = (!d(ArrDefect::AttendanceNotKept)).then_some(next);
        Ok((kept, vec![("appointment", id.to_string()), ("status", status.to_string())]))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_patient_is_named_by_a_valid_nhs_number() {
        let action = |nhs: &str| super::Action {
            name: "mark-arrived".into(),
            params: vec![("patient".into(), nhs.into())],
            services: None,
        };
        assert_eq!(super::arrival_patient(&action("9000000009")).ok().as_deref(), Some("9000000009"));
        let code = |nhs: &str| super::arrival_patient(&action(nhs)).err().map(|o| o.code);
        assert_eq!(code("9990000175"), Some(super::SpineCode::InvalidNhsNumber));
        assert_eq!(code(""), Some(super::SpineCode::InvalidParameter));
    }
}
