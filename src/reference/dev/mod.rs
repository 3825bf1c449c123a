//! Home-monitoring devices (DEV, profile §33): `POST [base]/Device`
//! registers one to a patient, `GET [base]/Device/[id]` reads it, and a
//! reading is an Observation (REC, §15) that names its device: checked here
//! for the device's patient, what it measures, units and plausibility.

pub mod defects;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, State as Extract};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::devices::{self, Kind};
use crate::fhir::gpc::{self, Interaction};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::acc::methods::{Methods, post_only};
use crate::reference::dev::defects::DevDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome, created, reference_id, resource_of};
use crate::reference::roots::Roots;

pub fn routes(m: Methods) -> Roots {
    Roots::api(
        axum::Router::new()
            .route("/Device", axum::routing::post(register).fallback(post_only))
            .route("/Device/{id}", m.read(read)),
    )
}

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

/// A registered device: what it is and whose.
#[derive(Debug, Clone)]
struct Device {
    kind: Option<&'static Kind>,
    patient: String,
    active: bool,
    body: Value,
}

#[derive(Debug, Default)]
pub struct Devices {
    by_id: Mutex<HashMap<String, Device>>,
}

pub async fn register(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    match registration(&s, &headers, &body) {
        Ok(r) => r,
        Err(o) => o.into_response(),
    }
}

fn registration(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    guard::check(s, headers, Interaction::RegisterDevice)?;
    let sent = resource_of(body, "Device")?;
    let lax = s.defects.has(DevDefect::DeviceRegistrationUnchecked);
    let code = sent.pointer("/type/coding").and_then(Value::as_array).into_iter().flatten().find_map(|c| {
        (c.get("system").and_then(Value::as_str) == Some(gpc::SNOMED_SYSTEM))
            .then(|| c.get("code").and_then(Value::as_str))
            .flatten()
    });
    let kind = code.and_then(devices::kind_by_code);
    if kind.is_none() && !lax {
        let known: Vec<String> = devices::KINDS.iter().map(|k| format!("{} {}", k.code, k.display)).collect();
        return Err(invalid(format!(
            "Device.type must be a SNOMED CT device type the practice supports ({}), it is {}",
            known.join("; "),
            code.unwrap_or("missing")
        )));
    }
    let serial = sent.get("identifier").and_then(Value::as_array).into_iter().flatten().any(|i| {
        i.get("system").and_then(Value::as_str) == Some(devices::SERIAL_SYSTEM)
            && i.get("value").and_then(Value::as_str).is_some_and(|v| !v.trim().is_empty())
    });
    if !serial && !lax {
        return Err(invalid(format!("Device.identifier needs the serial number ({})", devices::SERIAL_SYSTEM)));
    }
    let patient = reference_id(&sent, "/patient/reference", "Patient").unwrap_or_default().to_string();
    if s.store.by_id(&patient).filter(|p| p.is_active()).is_none() && !lax {
        return Err(Outcome::new(
            SpineCode::ReferenceNotFound,
            format!("Device.patient `Patient/{patient}` is not a patient registered here"),
        ));
    }
    let active = match sent.get("status").and_then(Value::as_str) {
        None | Some("active") => true,
        Some("inactive") => false,
        Some(other) if !lax => {
            return Err(invalid(format!("Device.status `{other}` is not active or inactive")));
        }
        Some(_) => true,
    };
    let id = uuid::Uuid::new_v4().to_string();
    let mut stored = sent;
    if s.defects.has(DevDefect::DeviceSerialNotKept)
        && let Some(o) = stored.as_object_mut()
    {
        o.remove("identifier");
    }
    stored["id"] = json!(id);
    stored["meta"] = json!({ "versionId": "1" });
    stored["status"] = json!(if active { "active" } else { "inactive" });
    crate::reference::locked(&s.devices.by_id).insert(id, Device { kind, patient, active, body: stored.clone() });
    Ok(created(headers, &s.base_path, stored))
}

pub async fn read(Extract(s): Extract<Arc<State>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadDevice) {
        return o.into_response();
    }
    let found = crate::reference::locked(&s.devices.by_id).get(&id).map(|d| d.body.clone());
    match found.filter(|_| !s.defects.has(DevDefect::DeviceNotReadable)) {
        Some(body) => Fhir { status: StatusCode::OK, body, etag: Some("W/\"1\"".into()) }.into_response(),
        None => Outcome::new(SpineCode::NoRecordFound, format!("no Device with id {id}")).into_response(),
    }
}

/// A quantity's value and UCUM code.
fn quantity(q: Option<&Value>) -> Option<(f64, &str)> {
    let q = q?;
    Some((q.get("value")?.as_f64()?, q.get("code").and_then(Value::as_str).unwrap_or_default()))
}

fn code_of(v: &Value) -> &str {
    v.pointer("/code/coding/0/code").and_then(Value::as_str).unwrap_or_default()
}

/// Checks an Observation that names a device (REC's checks have passed).
/// Answers the key that makes the same reading resent a duplicate: the
/// device, the code and the instant.
pub fn check_reading(s: &State, r: &Value) -> Result<Option<String>, Outcome> {
    let d = |x| s.defects.has(x);
    let Some(reference) = r.pointer("/device/reference").and_then(Value::as_str) else { return Ok(None) };
    let id = reference.strip_prefix("Device/").unwrap_or_default();
    let device = crate::reference::locked(&s.devices.by_id).get(id).cloned();
    let Some(device) = device else {
        return Err(Outcome::new(
            SpineCode::ReferenceNotFound,
            format!("Observation.device `{reference}` is not a device registered here"),
        ));
    };
    let subject = reference_id(r, "/subject/reference", "Patient").unwrap_or_default();
    if !d(DevDefect::DeviceOwnerUnchecked) {
        if !device.active {
            return Err(invalid(format!("Observation.device `{reference}` has been returned (status inactive)")));
        }
        if subject != device.patient {
            return Err(invalid(format!(
                "Observation.subject `Patient/{subject}` is not the patient the device {reference} is issued to"
            )));
        }
    }
    let code = code_of(r);
    if let Some(kind) = device.kind
        && !kind.measures.contains(&code)
        && !d(DevDefect::DeviceMeasuresAnything)
    {
        return Err(invalid(format!("Observation.code `{code}`: a {} does not measure that", kind.name)));
    }
    if code == devices::BLOOD_PRESSURE {
        blood_pressure(s, r)?;
    } else if let (Some(m), Some((value, unit))) = (devices::measure_by_code(code), quantity(r.get("valueQuantity")))
        && crate::terminology::same_dimension(unit, m.unit)
        && let Some(why) = devices::implausible(m, value, unit)
        && !d(DevDefect::ImplausibleReadingsAccepted)
    {
        return Err(invalid(format!("Observation.valueQuantity: {why}")));
    }
    // The defect's "plausible" saturation is the normal range, 90-100 %.
    if d(DevDefect::SaturationNormalRangeAsPlausible)
        && devices::measure_by_code(code).is_some_and(|m| m.name == "oxygen saturation")
        && quantity(r.get("valueQuantity")).is_some_and(|(value, _)| value < 90.0)
    {
        return Err(invalid("Observation.valueQuantity: an oxygen saturation below 90 % is not a plausible reading"));
    }
    if d(DevDefect::DuplicateReadingsFiled) {
        return Ok(None);
    }
    let at = r
        .get("effectiveDateTime")
        .and_then(Value::as_str)
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
        .map(|t| t.unix_timestamp())
        .unwrap_or_default();
    // The defect keeps only the day of the reading in its key.
    let at = if d(DevDefect::DuplicateReadingsByDay) { at.div_euclid(86_400) } else { at };
    Ok(Some(format!("{id}|{code}|{at}")))
}

fn blood_pressure(s: &State, r: &Value) -> Result<(), Outcome> {
    let d = |x| s.defects.has(x);
    let components = r.get("component").and_then(Value::as_array).cloned().unwrap_or_default();
    let part = |code: &str| components.iter().find(|c| code_of(c) == code);
    let (sys, dia) = (part(devices::SYSTOLIC), part(devices::DIASTOLIC));
    let mut values = Vec::new();
    for (c, m) in [(sys, devices::SYSTOLIC), (dia, devices::DIASTOLIC)] {
        let measure = devices::measure_by_code(m).ok_or_else(|| invalid("unknown blood pressure part"))?;
        let Some((value, unit)) = quantity(c.and_then(|c| c.get("valueQuantity"))) else {
            if d(DevDefect::BloodPressureComponentsOptional) {
                continue;
            }
            return Err(invalid(format!(
                "Observation.component: a blood pressure reading has a {} component ({m}) with a valueQuantity",
                measure.display.to_lowercase()
            )));
        };
        if !crate::terminology::same_dimension(unit, measure.unit) && !d(DevDefect::DeviceUnitsUnchecked) {
            return Err(invalid(format!(
                "Observation.component.valueQuantity.code `{unit}` does not measure a {} (in {})",
                measure.display.to_lowercase(),
                measure.unit
            )));
        }
        if let Some(why) = devices::implausible(measure, value, unit)
            && !d(DevDefect::ImplausibleReadingsAccepted)
        {
            return Err(invalid(format!("Observation.component: {why}")));
        }
        values.push(ucum::convert(value, unit, measure.unit).unwrap_or(value));
    }
    if r.get("valueQuantity").is_some() && !d(DevDefect::BloodPressureComponentsOptional) {
        return Err(invalid("Observation.valueQuantity: a blood pressure reading carries its values in components"));
    }
    if let [systolic, diastolic] = values[..]
        && systolic <= diastolic
        && !d(DevDefect::ImplausibleReadingsAccepted)
    {
        return Err(invalid(format!(
            "Observation.component: a systolic of {systolic} mm[Hg] at or below a diastolic of {diastolic} is not a real reading"
        )));
    }
    Ok(())
}

/// What a filed reading keeps of its device (under a defect, nothing).
pub fn filed(s: &State, mut r: Value) -> Value {
    if s.defects.has(DevDefect::ReadingDropsDevice)
        && let Some(o) = r.as_object_mut()
    {
        o.remove("device");
    }
    r
}
