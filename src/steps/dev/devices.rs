//! Home-monitoring devices (DEV, profile §33): registering a device to a
//! patient, and readings from it, built as REC Observations that name the
//! device (so REC's entry steps edit, send and judge them too).

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::devices::{self, Kind};
use crate::fhir::gpc::{self, EntryType, Interaction};
use crate::steps::common::http::{created, fetch};
use crate::steps::common::keys::fresh_identifier;
use crate::steps::common::keys::logical_id;
use crate::steps::rec::entries::{DEFAULT_WHEN, build, create_spec};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

const KINDS: &str = "blood pressure monitor|pulse oximeter|peak flow meter|weighing scale";

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a (blood pressure monitor|pulse oximeter|peak flow meter|weighing scale) "([^"]+)" issued to "([^"]+)"( and since returned)?$"# => issued, "Registers a device of this kind to a fixture patient (`POST [base]/Device`, serial number from the scenario's trace id), expecting 201; `and since returned` registers it with status inactive. The device is then known by its label."),
        step!(Given r#"^a registration of a (blood pressure monitor|pulse oximeter|peak flow meter|weighing scale) for "([^"]+)"$"# => registration, "Begins `POST [base]/Device`: a valid device of this kind for a fixture patient."),
        step!(Given r#"^the device's "([^"]+)" is (.+)$"# => device_path, "Sets an element of the device being registered (a dotted path, array indices as numbers) to a JSON value, or removes it with `absent`."),
        step!(Then r#"^the device is registered$"# => is_registered, "HTTP 201 with the Device: an id, the type and serial number as sent, and the patient."),
        step!(Then r#"^the device "([^"]+)" reads back as registered$"# => device_reads_back, "Reads the device (`GET [base]/Device/[id]`, evidence kept): HTTP 200, its type, serial number, patient and status as registered."),
        step!(Given r#"^an? (blood pressure|body weight|oxygen saturation|peak expiratory flow) reading "([^"]+)" of "([^"]+)" from "([^"]+)"( recorded)?$"# => reading, "Begins `POST [base]/Observation`: a vital-signs reading for the device's patient, naming the device; the value is `128/82 mm[Hg]` for blood pressure (systolic and diastolic components), else a number and a UCUM unit (`72.5 kg`). REC's entry steps then edit, send and judge it; with `recorded` it is sent at once and must be created."),
        step!(Given r#"^a repeat of the reading "([^"]+)"$"# => repeat, "Begins the same reading again under a new business identifier, as a device that did not hear the answer resends it."),
        step!(Then r#"^"([^"]+)" reads back from the device "([^"]+)" with its values$"# => reading_reads_back, "Reads the recorded reading (evidence kept): HTTP 200, `device` names the device, and its code, value(s) and units are as sent."),
    ]
}

fn kind(name: &str) -> Result<&'static Kind, Failure> {
    devices::kind_by_name(name).ok_or_else(|| Failure::Harness(format!("no device kind `{name}` ({KINDS})")))
}

async fn device_body(w: &mut RfaWorld, kind: &Kind, patient_key: &str) -> Result<Value, Failure> {
    let patient = logical_id(w, patient_key).await?;
    Ok(json!({
        "resourceType": "Device",
        "identifier": [{ "system": devices::SERIAL_SYSTEM, "value": fresh_identifier(w) }],
        "status": "active",
        "type": { "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": kind.code, "display": kind.display }] },
        "manufacturer": "RFA Test Devices Ltd",
        "model": kind.name,
        "patient": { "reference": format!("Patient/{patient}") }
    }))
}

fn register_spec(body: &Value) -> RequestSpec {
    RequestSpec::post(Interaction::RegisterDevice, "Device", body.to_string())
}

async fn issued(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (k, label, patient) = (kind(a.get(1))?, a.get(2).to_string(), a.get(3).to_string());
    let mut body = device_body(w, k, &patient).await?;
    if !a.get(4).is_empty() {
        body["status"] = json!("inactive");
    }
    let resp = w.send(&register_spec(&body)).await?;
    w.response = Some(resp);
    let (id, _) = created(w, "Device", &format!("registering a {}", k.name))?;
    w.dev.devices.insert(label, (id, body, patient));
    Ok(())
}

async fn registration(w: &mut RfaWorld, a: &Args) -> StepResult {
    let body = device_body(w, kind(a.get(1))?, a.get(2)).await?;
    w.request = Some(register_spec(&body));
    w.dev.device = Some(body);
    Ok(())
}

async fn device_path(w: &mut RfaWorld, a: &Args) -> StepResult {
    let body = w.dev.device.as_mut().ok_or_else(|| Failure::Harness("no device registration was begun".into()))?;
    let text = crate::steps::common::drafts::edit_draft(body, a.get(1), a.get(2))?;
    w.request_mut()?.body = Some(text);
    Ok(())
}

/// The serial number, type code and patient reference of a Device.
fn essentials(d: &Value) -> (Option<&str>, Option<&str>, Option<&str>) {
    let serial = d
        .get("identifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|i| i.get("system").and_then(Value::as_str) == Some(devices::SERIAL_SYSTEM))
        .and_then(|i| i.get("value").and_then(Value::as_str));
    (
        serial,
        d.pointer("/type/coding/0/code").and_then(Value::as_str),
        d.pointer("/patient/reference").and_then(Value::as_str),
    )
}

fn same_device(w: &RfaWorld, sent: &Value, got: &Value) -> StepResult {
    let (want, have) = (essentials(sent), essentials(got));
    if want != have {
        return w.fail(format!("the Device should keep its serial number, type and patient {want:?}, it has {have:?}"));
    }
    Ok(())
}

async fn is_registered(w: &mut RfaWorld, _: &Args) -> StepResult {
    let sent = w.dev.device.clone().ok_or_else(|| Failure::Harness("no device registration was sent".into()))?;
    let (_, got) = created(w, "Device", "registering a valid device")?;
    same_device(w, &sent, &got)
}

fn device<'a>(w: &'a RfaWorld, label: &str) -> Result<&'a (String, Value, String), Failure> {
    w.dev.devices.get(label).ok_or_else(|| {
        Failure::Harness(format!("no device \"{label}\" was issued earlier in this scenario (`Given a pulse oximeter \"{label}\" issued to ...`)"))
    })
}

async fn device_reads_back(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, sent, _) = device(w, a.get(1))?.clone();
    let spec = RequestSpec::new(Interaction::ReadDevice, format!("Device/{id}"));
    let got = fetch(w, &spec, 200, "Device", "reading a registered device").await?;
    same_device(w, &sent, &got)?;
    let status = got.get("status").and_then(Value::as_str).unwrap_or_default();
    if status != sent["status"].as_str().unwrap_or_default() {
        return w.fail(format!("the Device's status should be {}, it is `{status}`", sent["status"]));
    }
    Ok(())
}

fn coding(code: &str, display: &str) -> Value {
    json!({ "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": code, "display": display }] })
}

fn quantity(value: f64, unit: &str) -> Value {
    json!({ "value": value, "unit": unit, "system": gpc::UCUM_SYSTEM, "code": unit })
}

/// `128/82 mm[Hg]` or `72.5 kg`: the numbers and the unit.
fn parse_value(text: &str) -> Result<(Vec<f64>, String), Failure> {
    let bad = || Failure::Harness(format!("`{text}` is not a reading (`72.5 kg`, `128/82 mm[Hg]`)"));
    let (numbers, unit) = text.trim().split_once(' ').ok_or_else(bad)?;
    let values: Result<Vec<f64>, _> = numbers.split('/').map(str::parse::<f64>).collect();
    Ok((values.map_err(|_| bad())?, unit.trim().to_string()))
}

async fn reading(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (what, label, value, from) = (a.get(1), a.get(2).to_string(), a.get(3), a.get(4));
    let (id, _, patient) = device(w, from)?.clone();
    let (values, unit) = parse_value(value)?;
    let mut body = build(w, EntryType::Observation, &patient, DEFAULT_WHEN).await?;
    let category =
        json!([{ "coding": [{ "system": "http://hl7.org/fhir/observation-category", "code": "vital-signs" }] }]);
    body["category"] = category;
    body["device"] = json!({ "reference": format!("Device/{id}") });
    if what == "blood pressure" {
        let [systolic, diastolic] = values[..] else {
            return Err(Failure::Harness(format!(
                "a blood pressure reading is `systolic/diastolic unit`, not `{value}`"
            )));
        };
        body["code"] = coding(devices::BLOOD_PRESSURE, "Blood pressure");
        if let Some(o) = body.as_object_mut() {
            o.remove("valueQuantity");
        }
        body["component"] = json!([
            { "code": coding(devices::SYSTOLIC, "Systolic blood pressure"), "valueQuantity": quantity(systolic, &unit) },
            { "code": coding(devices::DIASTOLIC, "Diastolic blood pressure"), "valueQuantity": quantity(diastolic, &unit) }
        ]);
    } else {
        let m = devices::measure_by_name(what).ok_or_else(|| Failure::Harness(format!("no reading `{what}`")))?;
        let [v] = values[..] else { return Err(Failure::Harness(format!("`{value}` is one number and a unit"))) };
        body["code"] = coding(m.code, m.display);
        body["valueQuantity"] = quantity(v, &unit);
    }
    let spec = create_spec(EntryType::Observation, &body);
    w.request = Some(spec.clone());
    w.rec.entry = Some((EntryType::Observation, label, body));
    if !a.get(5).is_empty() {
        let resp = w.send(&spec).await?;
        w.response = Some(resp);
        crate::steps::rec::entries::is_created(w, a).await?;
    }
    Ok(())
}

async fn repeat(w: &mut RfaWorld, a: &Args) -> StepResult {
    let label = a.get(1);
    let r =
        w.rec.recorded.get(label).ok_or_else(|| Failure::Harness(format!("no reading \"{label}\" was recorded")))?;
    let mut body = r.original.clone();
    let identifier = fresh_identifier(w);
    body["identifier"] = json!([{ "system": gpc::ENTRY_IDENTIFIER_SYSTEM, "value": identifier }]);
    w.request = Some(create_spec(EntryType::Observation, &body));
    w.rec.entry = Some((EntryType::Observation, format!("{label} (resent)"), body));
    Ok(())
}

/// The code and each (code, value, unit) a reading carries.
fn values_of(r: &Value) -> (String, Vec<(String, Option<f64>, String)>) {
    let code = |v: &Value| v.pointer("/code/coding/0/code").and_then(Value::as_str).unwrap_or_default().to_string();
    let q = |v: &Value| {
        (
            v.pointer("/valueQuantity/value").and_then(Value::as_f64),
            v.pointer("/valueQuantity/code").and_then(Value::as_str).unwrap_or_default().to_string(),
        )
    };
    let mut parts = vec![];
    if r.get("valueQuantity").is_some() {
        let (v, u) = q(r);
        parts.push((code(r), v, u));
    }
    for c in r.get("component").and_then(Value::as_array).into_iter().flatten() {
        let (v, u) = q(c);
        parts.push((code(c), v, u));
    }
    (code(r), parts)
}

async fn reading_reads_back(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (label, from) = (a.get(1), a.get(2));
    let (device_id, _, _) = device(w, from)?.clone();
    let r = w
        .rec
        .recorded
        .get(label)
        .cloned()
        .ok_or_else(|| Failure::Harness(format!("no reading \"{label}\" was recorded")))?;
    let spec = RequestSpec::new(Interaction::ReadEntry(EntryType::Observation), format!("Observation/{}", r.id));
    let got = fetch(w, &spec, 200, "Observation", "reading a filed reading").await?;
    let named = got.pointer("/device/reference").and_then(Value::as_str).unwrap_or_default();
    if named.trim_start_matches('/').rsplit('/').next() != Some(device_id.as_str()) || !named.contains("Device/") {
        return w.fail(format!("the reading should name its device Device/{device_id}, it names `{named}`"));
    }
    let (want, have) = (values_of(&r.expected), values_of(&got));
    if want != have {
        return w.fail(format!("the reading should read back as sent: code and values {want:?}, it has {have:?}"));
    }
    Ok(())
}
