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
use crate::steps::common::http::reads_back;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a registration of "([^"]+)"$"# => registration_of, "Begins `POST [base]/Patient/$gpc.registerpatient` for a fixture patient or a PDS patient (`fixtures/pds.json`): a Parameters with registerPatient = a Patient with its NHS number, name, gender and birth date."),
        step!(Given r#"^a registration of the NHS number "([^"]*)" with the demographics of "([^"]+)"$"# => registration_with_number, "The same, with this literal NHS number."),
        step!(Given r#"^the registered patient's "([^"]+)" is set to (.+)$"# => set_field, "Sets an element of the Patient being registered (a dotted path) to a JSON value."),
        step!(Given r#"^the registered patient's "([^"]+)" is removed$"# => remove_field, "Leaves an element of the Patient being registered out."),
        step!(Given r#"^the registration parameter is named "([^"]*)"$"# => rename_parameter, "Sends the Patient under another parameter name."),
        step!(Given r#"^a registration of "([^"]+)" under the NHS number of "([^"]+)"$"# => registration_under, "The registration of the first patient's demographics, under the second's NHS number."),
        step!(Given r#"^the registered patient's "([^"]+)" gets (.+)$"# => append_field, "Appends a JSON value to an array element of the Patient being registered (a dotted path), making the array if there is none."),
        step!(Given r#"^the registration parameter is repeated$"# => repeat_parameter, "Sends the registerPatient parameter twice."),
        step!(Given r#"^the registration body's "([^"]+)" is set to (.+)$"# => set_body_field, "Sets an element of the Parameters itself (a dotted path) to a JSON value."),
        step!(Given r#"^a registration of that patient again$"# => again, "Begins a registration of the patient registered earlier in this scenario, as it was sent."),
        step!(Given r#"^a registration of a patient from the PDS pool$"# => registration_from_pool, "Begins a registration with the demographics of the first pool patient (`pool1` in fixtures/pds.json); `the pool registration is sent` moves it along the pool."),
        step!(When r#"^the pool registration is sent$"# => send_pool_registration, "Sends the registration begun from the PDS pool as built, for each pool patient in turn (`pool1`, `pool2`, …): their NHS number, official family and first given name, and gender and birth date where the registration carries them. A 409 DUPLICATE_REJECTED moves on to the next (an earlier run registered that one); any other answer ends the step. Every attempt is evidence."),
        step!(When r#"^a patient from the PDS pool is registered$"# => register_from_pool, "The same for a plain registration: the first pool patient the candidate does not already hold."),
        step!(Then r#"^the response is the registration of that patient$"# => is_registration, "HTTP 200 and a searchset Bundle holding one Patient: an id, the NHS number, one official name with the family name (without case) and every given name sent, the birth date and (if sent) the gender as sent, and one registrationDetails extension (Extension-CareConnect-GPC-RegistrationDetails-1) with registration type T (temporary), no registrationStatus, at most one registrationPeriod (a Period) and at most one preferredBranchSurgery, which must read back as a Location (evidence kept)."),
        step!(Then r#"^the patient is registered as sent$"# => is_registered, "HTTP 200 and a searchset Bundle holding one Patient with the NHS number and demographics sent, as `the response is the registration of that patient` judges them, without its registration type."),
        step!(Then r#"^the registered patient has the "([^"]+)" sent$"# => has_sent, "Every item of this array element of the Patient sent (address, telecom) is in the registered Patient's, with every field as sent (the candidate may hold more, from PDS)."),
        step!(Then r#"^the registered patient has the nhsCommunication extension sent, once$"# => has_communication, "The registered Patient has exactly one Extension-CareConnect-GPC-NHSCommunication-1, with the language sent."),
        step!(Then r#"^the registered patient can be read by its id$"# => read_back, "`GET [base]/Patient/[id]` (evidence kept) answers 200 with the same NHS number."),
    ]
}

fn pack() -> Option<&'static FixturePack> {
    static PACK: OnceLock<Option<FixturePack>> = OnceLock::new();
    PACK.get_or_init(|| FixturePack::embedded().ok()).as_ref()
}

/// NHS number, family, given, gender and birth date of a fixture or PDS key.
pub(in crate::steps) fn demographics(
    w: &RfaWorld,
    key: &str,
) -> Result<(String, String, String, String, String), Failure> {
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

/// Puts a new body in the registration begun, keeping the headers and query
/// parameters earlier steps set on it.
fn rebody(w: &mut RfaWorld, body: Value) {
    match w.request.as_mut() {
        Some(spec) if spec.interaction == Interaction::RegisterPatient => {
            spec.body = Some(body.to_string().into_bytes());
            w.rec.registration = Some(body);
        }
        _ => begin(w, body),
    }
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
    rebody(w, body);
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

async fn registration_under(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, family, given, gender, birth) = demographics(w, a.get(1))?;
    let nhs = keys::nhs(w, a.get(2))?;
    begin(w, parameters(&nhs, &family, &given, &gender, &birth));
    Ok(())
}

async fn append_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let value = drafts::json_value(a.get(2))?;
    let pointer = format!("{PATIENT}/{}", a.get(1).replace('.', "/"));
    edit(w, |b| {
        let mut list = b.pointer(&pointer).and_then(Value::as_array).cloned().unwrap_or_default();
        list.push(value);
        entries::set_pointer(b, &pointer, Value::Array(list));
    })
}

async fn repeat_parameter(w: &mut RfaWorld, _: &Args) -> StepResult {
    edit(w, |b| {
        let list = b.get_mut("parameter").and_then(Value::as_array_mut);
        if let Some((list, first)) = list.and_then(|l| l.first().cloned().map(|f| (l, f))) {
            list.push(first);
        }
    })
}

async fn set_body_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let value = drafts::json_value(a.get(2))?;
    edit(w, |b| drafts::set(b, "", a.get(1), value))
}

/// The pool patients in the order every run tries them: pool1, pool2, …
fn pool() -> Result<Vec<&'static str>, Failure> {
    let pack = pack().ok_or_else(|| Failure::Harness("the embedded fixture pack does not load".into()))?;
    let mut pool: Vec<&str> = pack.pds.values().filter(|p| p.in_pool()).map(|p| p.key.as_str()).collect();
    pool.sort_by_key(|k| k.trim_start_matches("pool").parse::<u32>().unwrap_or(u32::MAX));
    Ok(pool)
}

async fn registration_from_pool(w: &mut RfaWorld, _: &Args) -> StepResult {
    begin_from_pool(w)
}

fn begin_from_pool(w: &mut RfaWorld) -> StepResult {
    let first = *pool()?.first().ok_or_else(|| Failure::Harness("fixtures/pds.json has no pool patient".into()))?;
    registration_of_key(w, first)
}

fn registration_of_key(w: &mut RfaWorld, key: &str) -> StepResult {
    let (nhs, family, given, gender, birth) = demographics(w, key)?;
    begin(w, parameters(&nhs, &family, &given, &gender, &birth));
    Ok(())
}

/// The registration as built, with this pool patient's identity put in
/// wherever the registration carries it.
fn as_pool_patient(w: &RfaWorld, template: &Value, key: &str) -> Result<Value, Failure> {
    let (nhs, family, given, gender, birth) = demographics(w, key)?;
    let mut body = template.clone();
    if let Some(p) = body.pointer_mut(PATIENT) {
        for id in p.get_mut("identifier").and_then(Value::as_array_mut).into_iter().flatten() {
            if id.get("system").and_then(Value::as_str) == Some(gpc::NHS_NUMBER_SYSTEM) {
                id["value"] = json!(nhs);
            }
        }
        for n in p.get_mut("name").and_then(Value::as_array_mut).into_iter().flatten() {
            if n.get("use").and_then(Value::as_str) == Some("official") {
                n["family"] = json!(family);
                if let Some(g) = n.pointer_mut("/given/0") {
                    *g = json!(given);
                }
            }
        }
        for (key, value) in [("gender", gender), ("birthDate", birth)] {
            if p.get(key).is_some() {
                p[key] = json!(value);
            }
        }
    }
    Ok(body)
}

async fn send_pool_registration(w: &mut RfaWorld, _: &Args) -> StepResult {
    let template = w
        .rec
        .registration
        .clone()
        .ok_or_else(|| Failure::Harness("begin a registration from the pool first".into()))?;
    send_along_pool(w, &template).await
}

async fn register_from_pool(w: &mut RfaWorld, _: &Args) -> StepResult {
    begin_from_pool(w)?;
    let template = w.rec.registration.clone().ok_or_else(|| Failure::Harness("no registration was built".into()))?;
    send_along_pool(w, &template).await
}

async fn send_along_pool(w: &mut RfaWorld, template: &Value) -> StepResult {
    let pool = pool()?;
    for key in &pool {
        let body = as_pool_patient(w, template, key)?;
        rebody(w, body);
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

fn sent_nhs_number(sent: &Value) -> String {
    crate::steps::common::bundle::identifiers(sent, gpc::NHS_NUMBER_SYSTEM)
        .first()
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The one Patient of the registration's answer.
fn registered(w: &RfaWorld) -> Result<Value, Failure> {
    let body = w.response()?.json().unwrap_or(Value::Null);
    let patients = crate::steps::common::bundle::resources(&body, "Patient");
    match patients[..] {
        [p] => Ok(p.clone()),
        _ => Err(Failure::Harness("check the registration itself first: its answer holds no single Patient".into())),
    }
}

async fn has_sent(w: &mut RfaWorld, a: &Args) -> StepResult {
    let key = a.get(1);
    let sent = sent_patient(w)?.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    if sent.is_empty() {
        return Err(Failure::Harness(format!("the registration sent no {key} to look for")));
    }
    let p = registered(w)?;
    let got = p.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    for item in &sent {
        if !got.iter().any(|g| contains(g, item)) {
            return w.fail(format!(
                "the registered Patient should have the {key} sent, {item}; it has {}",
                Value::Array(got)
            ));
        }
    }
    Ok(())
}

/// Every field of `want` is in `got` with the same value (arrays item by item).
fn contains(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => w.iter().all(|(k, v)| g.get(k).is_some_and(|x| contains(x, v))),
        (Value::Array(g), Value::Array(w)) => w.len() == g.len() && g.iter().zip(w).all(|(x, y)| contains(x, y)),
        _ => got == want,
    }
}

async fn has_communication(w: &mut RfaWorld, _: &Args) -> StepResult {
    const URL: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-NHSCommunication-1";
    let of = |r: &Value| -> Vec<Value> {
        r.get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e.get("url").and_then(Value::as_str) == Some(URL))
            .cloned()
            .collect()
    };
    let sent = of(&sent_patient(w)?);
    let got = of(&registered(w)?);
    let [one] = &got[..] else {
        return w
            .fail(format!("the registered Patient should have one nhsCommunication extension, it has {}", got.len()));
    };
    let language = |e: &Value| -> Option<String> {
        e.get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|x| x.get("url").and_then(Value::as_str) == Some("language"))
            .and_then(|x| x.pointer("/valueCodeableConcept/coding/0/code"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let want = sent.first().and_then(language);
    if language(one) != want {
        return w.fail(format!(
            "the nhsCommunication extension should have the language sent ({}), it has {}",
            want.unwrap_or_default(),
            language(one).unwrap_or_else(|| "none".into())
        ));
    }
    Ok(())
}

async fn is_registration(w: &mut RfaWorld, _: &Args) -> StepResult {
    if let Some(branch) = judge_registration(w, true)? {
        reads_back(w, "registered Patient", "preferred branch surgery", &branch, "Location").await?;
    }
    Ok(())
}

async fn is_registered(w: &mut RfaWorld, _: &Args) -> StepResult {
    judge_registration(w, false).map(|_| ())
}

/// The registration's answer: the Patient as sent, and with `temporary`
/// its registration details (the capability RFA-REC-041 judges; other
/// requirements judge only that the registration was taken). Gives the
/// preferred branch surgery named, for the caller to read back.
fn judge_registration(w: &mut RfaWorld, temporary: bool) -> Result<Option<String>, Failure> {
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
    let want_nhs = sent_nhs_number(&sent);
    let got_nhs = crate::steps::common::bundle::identifiers(p, gpc::NHS_NUMBER_SYSTEM);
    if got_nhs[..] != [want_nhs.as_str()] {
        return w.fail(format!("the registered Patient should have the one NHS number {want_nhs}, it has {got_nhs:?}"));
    }
    let official = |r: &Value| -> Vec<Value> {
        r.get("name")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|n| n.get("use").and_then(Value::as_str) == Some("official"))
            .cloned()
            .collect()
    };
    let sent_name = official(&sent).into_iter().next().unwrap_or(Value::Null);
    let [name] = &official(p)[..] else {
        return w.fail("the registered Patient should have exactly one name of use official");
    };
    let family = |n: &Value| n.get("family").and_then(Value::as_str).unwrap_or_default().to_string();
    if !family(name).eq_ignore_ascii_case(&family(&sent_name)) {
        return w.fail(format!(
            "the registered Patient should have the family name {}, it has {}",
            family(&sent_name),
            family(name)
        ));
    }
    let given = |n: &Value| -> Vec<String> {
        n.get("given")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let got_given = given(name);
    if let Some(missing) = given(&sent_name).into_iter().find(|g| !got_given.contains(g)) {
        return w.fail(format!(
            "the registered Patient's official name should have the given name {missing}, it has {got_given:?}"
        ));
    }
    // Gender is sent only where known (GP Connect); left out, any answer will do.
    for (key, what) in [("birthDate", "birth date"), ("gender", "gender")] {
        let Some(want) = sent.get(key).and_then(Value::as_str) else { continue };
        let got = p.get(key).and_then(Value::as_str);
        if got != Some(want) {
            return w.fail(format!(
                "the registered Patient should have the {what} {want}, it has {}",
                got.unwrap_or("none")
            ));
        }
    }
    if !temporary {
        return Ok(None);
    }
    let details: Vec<&Value> = p
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| {
            e.get("url")
                .and_then(Value::as_str)
                .is_some_and(|u| u.ends_with("Extension-CareConnect-GPC-RegistrationDetails-1"))
        })
        .collect();
    let [details] = details[..] else {
        return w.fail(format!(
            "the registered Patient should have one registrationDetails extension, it has {}",
            details.len()
        ));
    };
    let parts = details.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
    let part = |url: &str| parts.iter().filter(|e| e.get("url").and_then(Value::as_str) == Some(url)).count();
    // The official suite: a registration answers no registrationStatus.
    if part("registrationStatus") > 0 {
        return w.fail("the registered Patient's registrationDetails should carry no registrationStatus");
    }
    let kind = parts
        .iter()
        .find(|e| e.get("url").and_then(Value::as_str) == Some("registrationType"))
        .and_then(|e| e.pointer("/valueCodeableConcept/coding/0/code").and_then(Value::as_str).map(str::to_string));
    if kind.as_deref() != Some("T") {
        return w.fail(format!(
            "a patient registered through the API is a temporary resident (registration type T), this one is {}",
            kind.unwrap_or_else(|| "without a registration type".into())
        ));
    }
    // As the official suite reads registration details: at most one period,
    // a Period; at most one preferred branch, a reference to read back.
    let periods: Vec<&Value> =
        parts.iter().filter(|e| e.get("url").and_then(Value::as_str) == Some("registrationPeriod")).collect();
    if periods.len() > 1 || periods.iter().any(|e| !e.get("valuePeriod").is_some_and(Value::is_object)) {
        return w.fail(format!(
            "the registered Patient's registrationDetails should carry at most one registrationPeriod, a valuePeriod; it carries {}",
            serde_json::to_string(&periods).unwrap_or_default()
        ));
    }
    let branches: Vec<&Value> =
        parts.iter().filter(|e| e.get("url").and_then(Value::as_str) == Some("preferredBranchSurgery")).collect();
    let branch = match branches[..] {
        [] => None,
        [b] => match b.pointer("/valueReference/reference").and_then(Value::as_str) {
            Some(r) => Some(r.to_string()),
            None => return w.fail("the registered Patient's preferredBranchSurgery should be a valueReference"),
        },
        _ => {
            return w.fail(format!(
                "the registered Patient's registrationDetails should carry at most one preferredBranchSurgery, it carries {}",
                branches.len()
            ));
        }
    };
    match p.as_resource().id() {
        Some(id) if !id.is_empty() => {
            w.target_id = Some(id.to_string());
            Ok(branch)
        }
        _ => w.fail("the registered Patient has no id"),
    }
}

async fn read_back(w: &mut RfaWorld, _: &Args) -> StepResult {
    let id = w
        .target_id
        .clone()
        .ok_or_else(|| Failure::Harness("no registered patient id is known: check the registration first".into()))?;
    let want = sent_nhs_number(&sent_patient(w)?);
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
