//! Registering patients (`$gpc.registerpatient`, REC): building the
//! Parameters from the fixture pack's demographics, registering a patient
//! from the PDS pool, and judging the registration.

use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::entries;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::fixtures::FixturePack;
use crate::steps::common::drafts;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a registration of "([^"]+)"$"# => registration_of, "Begins `POST [base]/Patient/$gpc.registerpatient` for a fixture patient or a PDS patient (`fixtures/pds.json`): a Parameters with registerPatient = a Patient with its NHS number, name, gender and birth date."),
        step!(Given r#"^a registration of the NHS number "([^"]*)" with the demographics of "([^"]+)"$"# => registration_with_number, "The same, with this literal NHS number."),
        step!(Given r#"^the registered patient's "([^"]+)" is set to (.+)$"# => set_field, "Sets an element of the Patient being registered (a dotted path) to a JSON value."),
        step!(Given r#"^the registered patient's "([^"]+)" is removed$"# => remove_field, "Leaves an element of the Patient being registered out."),
        step!(Given r#"^the registration parameter is named "([^"]*)"$"# => rename_parameter, "Sends the Patient under another parameter name."),
        step!(Given r#"^a registration of that patient again$"# => again, "Begins a registration of the patient registered earlier in this scenario, as it was sent."),
        step!(When r#"^a patient from the PDS pool is registered$"# => register_from_pool, "Registers the first pool patient (`pool1`, `pool2`, … in fixtures/pds.json) the candidate does not already hold: a 409 DUPLICATE_REJECTED moves on to the next (an earlier run registered it); any other answer ends the step. Every attempt is evidence."),
        step!(Then r#"^the response is the registration of that patient$"# => is_registration, "HTTP 200 and a searchset Bundle holding one Patient: an id, the NHS number, family and given name, gender and birth date as sent, and registration details (Extension-CareConnect-GPC-RegistrationDetails-1) with registration type T (temporary)."),
        step!(Then r#"^the registered patient can be read by its id$"# => read_back, "`GET [base]/Patient/[id]` (evidence kept) answers 200 with the same NHS number."),
    ]
}

fn pack() -> Option<&'static FixturePack> {
    static PACK: OnceLock<Option<FixturePack>> = OnceLock::new();
    PACK.get_or_init(|| FixturePack::embedded().ok()).as_ref()
}

/// NHS number, family, given, gender and birth date of a fixture or PDS key.
fn demographics(w: &RfaWorld, key: &str) -> Result<(String, String, String, String, String), Failure> {
    let pack = pack().ok_or_else(|| Failure::Harness("the embedded fixture pack does not load".into()))?;
    if let Some(p) = pack.pds.get(key) {
        return Ok((p.nhs_number.clone(), p.family.clone(), p.given.clone(), p.gender.clone(), p.birth_date.clone()));
    }
    let held = pack
        .patients
        .get(key)
        .ok_or_else(|| Failure::Harness(format!("`{key}` is neither a fixture patient nor a PDS patient")))?;
    // A number the pack only names (patientNotInSystem) gets made-up
    // demographics: whatever they are, PDS does not know the number.
    let Some(r) = held.resource.as_ref() else {
        let made_up = ("Unknown", "Person", "unknown", "1970-01-01");
        return Ok((keys::nhs(w, key)?, made_up.0.into(), made_up.1.into(), made_up.2.into(), made_up.3.into()));
    };
    let text = |p: &str| r.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    Ok((keys::nhs(w, key)?, text("/name/0/family"), text("/name/0/given/0"), text("/gender"), text("/birthDate")))
}

fn parameters(nhs: &str, family: &str, given: &str, gender: &str, birth: &str) -> Value {
    json!({
        "resourceType": "Parameters",
        "parameter": [{
            "name": "registerPatient",
            "resource": {
                "resourceType": "Patient",
                "identifier": [{ "system": gpc::NHS_NUMBER_SYSTEM, "value": nhs }],
                "name": [{ "use": "official", "family": family, "given": [given] }],
                "gender": gender,
                "birthDate": birth
            }
        }]
    })
}

fn begin(w: &mut RfaWorld, body: Value) {
    let spec = RequestSpec::post(Interaction::RegisterPatient, "Patient/$gpc.registerpatient", body.to_string());
    w.request = Some(spec);
    w.rec.registration = Some(body);
}

async fn registration_of(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (nhs, family, given, gender, birth) = demographics(w, a.get(1))?;
    begin(w, parameters(&nhs, &family, &given, &gender, &birth));
    Ok(())
}

async fn registration_with_number(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, family, given, gender, birth) = demographics(w, a.get(2))?;
    begin(w, parameters(a.get(1), &family, &given, &gender, &birth));
    Ok(())
}

fn edit(w: &mut RfaWorld, f: impl FnOnce(&mut Value)) -> StepResult {
    let mut body = w.rec.registration.clone().ok_or_else(|| Failure::Harness("begin a registration first".into()))?;
    f(&mut body);
    begin(w, body);
    Ok(())
}

/// Paths in the registration steps are within the Patient parameter.
const PATIENT: &str = "/parameter/0/resource";

async fn set_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let value = drafts::json_value(a.get(2))?;
    edit(w, |b| drafts::set(b, PATIENT, a.get(1), value))
}

async fn remove_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    edit(w, |b| drafts::remove(b, PATIENT, a.get(1)))
}

async fn rename_parameter(w: &mut RfaWorld, a: &Args) -> StepResult {
    let name = a.get(1).to_string();
    edit(w, |b| entries::set_pointer(b, "/parameter/0/name", json!(name)))
}

async fn again(w: &mut RfaWorld, _: &Args) -> StepResult {
    let body =
        w.rec.registration.clone().ok_or_else(|| Failure::Harness("no patient was registered earlier".into()))?;
    begin(w, body);
    Ok(())
}

async fn register_from_pool(w: &mut RfaWorld, _: &Args) -> StepResult {
    let pack = pack().ok_or_else(|| Failure::Harness("the embedded fixture pack does not load".into()))?;
    let mut pool: Vec<&str> = pack.pds.values().filter(|p| p.in_pool()).map(|p| p.key.as_str()).collect();
    // pool1, pool2, …, pool10: by number, so every run tries them in one order.
    pool.sort_by_key(|k| k.trim_start_matches("pool").parse::<u32>().unwrap_or(u32::MAX));
    for key in &pool {
        let (nhs, family, given, gender, birth) = demographics(w, key)?;
        begin(w, parameters(&nhs, &family, &given, &gender, &birth));
        let spec = w.request.clone().ok_or_else(|| Failure::Harness("no request".into()))?;
        let resp = w.send(&spec).await?;
        let status = resp.status;
        w.response = Some(resp);
        if status != 409 {
            return Ok(());
        }
    }
    w.fail(format!(
        "every one of the {} PDS pool patients was refused with 409: either the candidate refuses new registrations, or earlier runs registered the whole pool (reset the test environment's registrations)",
        pool.len()
    ))
}

fn sent_patient(w: &RfaWorld) -> Result<Value, Failure> {
    w.rec
        .registration
        .as_ref()
        .and_then(|b| b.pointer("/parameter/0/resource").cloned())
        .ok_or_else(|| Failure::Harness("no registration was built".into()))
}

async fn is_registration(w: &mut RfaWorld, _: &Args) -> StepResult {
    let sent = sent_patient(w)?;
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("the registration should answer 200, it answered HTTP {status}"));
    }
    let b = crate::steps::common::bundle::searchset(w)?;
    let patients = crate::steps::common::bundle::resources(&b, "Patient");
    let [p] = patients[..] else {
        return w.fail(format!("the Bundle should hold exactly one Patient, it holds {}", patients.len()));
    };
    for (ptr, what) in [
        ("/identifier/0/value", "the NHS number"),
        ("/name/0/family", "the family name"),
        ("/name/0/given/0", "the given name"),
        ("/gender", "the gender"),
        ("/birthDate", "the birth date"),
    ] {
        let want = sent.pointer(ptr).and_then(Value::as_str).unwrap_or_default();
        let got = if ptr == "/identifier/0/value" {
            crate::steps::common::bundle::identifiers(p, gpc::NHS_NUMBER_SYSTEM).first().map(|s| s.to_string())
        } else {
            p.pointer(ptr).and_then(Value::as_str).map(str::to_string)
        };
        if !got.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(want)) {
            return w.fail(format!(
                "the registered Patient should have {what} {want}, it has {}",
                got.unwrap_or_else(|| "none".into())
            ));
        }
    }
    let kind = p
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.get("url")
                .and_then(Value::as_str)
                .is_some_and(|u| u.ends_with("Extension-CareConnect-GPC-RegistrationDetails-1"))
        })
        .flat_map(|e| e.get("extension").and_then(Value::as_array).cloned().unwrap_or_default())
        .find(|e| e.get("url").and_then(Value::as_str) == Some("registrationType"))
        .and_then(|e| e.pointer("/valueCodeableConcept/coding/0/code").and_then(Value::as_str).map(str::to_string));
    if kind.as_deref() != Some("T") {
        return w.fail(format!(
            "a patient registered through the API is a temporary resident (registration type T), this one is {}",
            kind.unwrap_or_else(|| "without a registration type".into())
        ));
    }
    match p.as_resource().id() {
        Some(id) if !id.is_empty() => {
            w.target_id = Some(id.to_string());
            Ok(())
        }
        _ => w.fail("the registered Patient has no id"),
    }
}

async fn read_back(w: &mut RfaWorld, _: &Args) -> StepResult {
    let id = w
        .target_id
        .clone()
        .ok_or_else(|| Failure::Harness("no registered patient id is known: check the registration first".into()))?;
    let want = sent_patient(w)?.pointer("/identifier/0/value").and_then(Value::as_str).unwrap_or_default().to_string();
    let resp = w.send(&RequestSpec::new(Interaction::ReadPatient, format!("Patient/{id}"))).await?;
    let status = resp.status;
    let body = resp.json().unwrap_or(Value::Null);
    w.response = Some(resp);
    if status != 200 {
        return w
            .fail(format!("the registered patient should be readable by id {id}, the read answered HTTP {status}"));
    }
    if !crate::steps::common::bundle::identifiers(&body, gpc::NHS_NUMBER_SYSTEM).contains(&want.as_str()) {
        return w.fail(format!("Patient/{id} should be the registered patient (NHS number {want})"));
    }
    Ok(())
}
