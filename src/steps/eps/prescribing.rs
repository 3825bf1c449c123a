//! Electronic prescribing (EPS): building a prescription for a fixture
//! patient and a medicine of the test data's terminology, changing one
//! field at a time, and judging what the candidate issued — the short-form
//! prescription ID, validity, controlled-drug rules, cancellation.

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::medicines::{self, Concept};
use crate::steps::common::keys::logical_id;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a prescription for "([^"]+)" of "([^"]+)"$"# => for_medicine, "Begins `POST [base]/MedicationRequest`: an acute prescription (intent order) of this medicine of the test data's terminology (`fixtures/terminology.json`, by display) for the fixture patient: one unit three times a day, 21 units, prescriber practitioner1's SDS user id, no nominated dispenser, a note `Prescribed by rfa-harness [fresh identifier]`; for Schedule 2 and 3 controlled drugs the quantity in words too."),
        step!(Given r#"^a prescription for "([^"]+)" of the code "([^"]*)"$"# => for_code, "The same, naming this literal code (counted in tablets)."),
        step!(Given r#"^the prescription is (acute|repeat|repeat dispensing)$"# => kind, "Sets the prescription type: repeat with 3 further issues; repeat dispensing with 2 further issues, valid from today for 6 months."),
        step!(Given r#"^the prescription's (dosage text|dose|frequency|quantity|quantity unit|quantity in words|prescriber|prescriber system|nominated pharmacy|repeats|validity start|validity end|form|type|medication system|patient|patient id) is "([^"]*)"$"# => set_field, "Sets one field of the prescription being built. Numbers for dose, frequency (per day), quantity and repeats; a fixture key for patient, a literal logical id for patient id; `{today+N}` or `{today+Nm}` (months) in the validity end."),
        step!(Given r#"^the prescription has no (dosage text|dosage|dose|quantity|quantity in words|prescriber|prescription type|repeats|validity end)$"# => remove_field, "Leaves one field out of the prescription being built."),
        step!(Given r#"^the prescription is for the practice's dispensary to dispense$"# => to_dispensary, "Nominates the practice itself (its ODS code from the config) as the dispenser."),
        step!(Given r#"^the prescriber overrides the alerts because "([^"]*)"$"# => override_alerts, "Adds the prescriber's reason for going ahead despite high-severity alerts (profile §30)."),
        step!(Given r#"^"([^"]+)" has been prescribed "([^"]+)" as "([^"]+)"( for the practice to dispense)?$"# => prescribed, "Setup: issues an acute prescription of the medicine for the patient (nominated to the practice's dispensary when asked) and expects 201; the prescription is kept under this label."),
        step!(Given r#"^a read of the prescription "([^"]+)"$"# => read_one, "Begins `GET [base]/MedicationRequest/[id]` for a prescription issued in this scenario."),
        step!(Given r#"^a search for the prescriptions of "([^"]+)" with the item identifier of "([^"]+)"$"# => search_of, "Begins `GET [base]/MedicationRequest?patient=[id]&identifier=…|[item UUID]` for a prescription issued in this scenario (narrowed by identifier, so a candidate holding earlier runs' prescriptions answers one)."),
        step!(Given r#"^the expired prescription of "([^"]+)" as "([^"]+)"$"# => expired_of, "Setup: finds, among the patient's prescriptions authored over 30 days ago (`authoredon=lt…`), one whose validity ended before today (test data, profile §23)."),
        step!(Then r#"^the prescription is issued as "([^"]+)"$"# => issued, "HTTP 201 and a MedicationRequest with an id; kept under this label with what was sent."),
        step!(Then r#"^the response is the prescription "([^"]+)"$"# => response_is, "HTTP 200 and that MedicationRequest: same id and short-form ID."),
        step!(Then r#"^the Bundle holds the prescription "([^"]+)"$"# => bundle_holds, "A searchset Bundle holding that MedicationRequest."),
    ]
}

/// The prescription being built.
pub(in crate::steps) fn draft(w: &mut RfaWorld) -> Result<&mut Value, Failure> {
    w.eps.prescription.as_mut().ok_or_else(|| Failure::Harness("begin a prescription first".into()))
}

pub(in crate::steps) fn medicine(display: &str) -> Result<&'static Concept, Failure> {
    medicines::terminology().by_display(display).ok_or_else(|| {
        Failure::Harness(format!(
            "`{display}` is not a medicine of the test data's terminology (fixtures/terminology.json)"
        ))
    })
}

/// The start of the note every prescription the harness builds carries,
/// followed by an identifier fresh to it: what a read-back after a refused
/// prescription looks for among the patient's prescriptions, so that it
/// finds this scenario's and no other's (`nothing was stored`).
const MARKER: &str = "Prescribed by rfa-harness";

/// The harness's note a prescription carries, if any.
pub(in crate::steps) fn marker(rx: &Value) -> Option<&str> {
    rx.get("note")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| n.get("text").and_then(Value::as_str))
        .find(|t| t.starts_with(MARKER))
}

/// A prescription as a prescriber's system would send it, with the
/// harness's note.
pub(in crate::steps) async fn build(
    w: &mut RfaWorld,
    patient: &str,
    code: &str,
    display: &str,
    unit: &str,
) -> Result<Value, Failure> {
    let id = logical_id(w, patient).await?;
    let sds = crate::steps::common::keys::sds(w, "practitioner1")?;
    let mut rx = json!({
        "resourceType": "MedicationRequest",
        "intent": "order",
        "status": "active",
        "extension": [{
            "url": gpc::PRESCRIPTION_TYPE_EXTENSION,
            "valueCodeableConcept": { "coding": [{ "system": gpc::PRESCRIPTION_TYPE_SYSTEM, "code": "acute" }] }
        }],
        "medicationCodeableConcept": { "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": code, "display": display }] },
        "subject": { "reference": format!("Patient/{id}") },
        "requester": { "agent": { "identifier": { "system": gpc::SDS_USER_SYSTEM, "value": sds } } },
        "dosageInstruction": [{
            "text": format!("One {unit} three times a day"),
            "timing": { "repeat": { "frequency": 3, "period": 1, "periodUnit": "d" } },
            "doseQuantity": { "value": 1, "unit": unit }
        }],
        "dispenseRequest": { "quantity": { "value": 21, "unit": unit } },
        "note": [{ "text": format!("{MARKER} {}", crate::steps::common::keys::fresh_identifier(w)) }]
    });
    if medicines::terminology().concept(code).is_some_and(Concept::needs_words) {
        set_words(&mut rx, &medicines::in_words(21));
    }
    Ok(rx)
}

fn set_words(rx: &mut Value, words: &str) {
    let ext = rx["extension"].as_array_mut();
    if let Some(ext) = ext {
        ext.retain(|e| e.get("url").and_then(Value::as_str) != Some(gpc::CONTROLLED_DRUG_EXTENSION));
        ext.push(json!({
            "url": gpc::CONTROLLED_DRUG_EXTENSION,
            "extension": [{ "url": "quantityWords", "valueString": words }]
        }));
    }
}

fn set_extension_value(rx: &mut Value, url: &str, value: Value) {
    if let Some(ext) = rx["extension"].as_array_mut() {
        ext.retain(|e| e.get("url").and_then(Value::as_str) != Some(url));
        let mut e = value;
        e["url"] = json!(url);
        ext.push(e);
    }
}

fn begin(w: &mut RfaWorld, rx: Value) {
    let spec = RequestSpec::post(Interaction::CreatePrescription, "MedicationRequest", rx.to_string());
    w.request = Some(spec);
    w.eps.prescription = Some(rx);
}

/// Puts the edited draft back into the request.
fn rebuild(w: &mut RfaWorld) -> StepResult {
    let body = draft(w)?.to_string().into_bytes();
    w.request_mut()?.body = Some(body);
    Ok(())
}

async fn for_medicine(w: &mut RfaWorld, a: &Args) -> StepResult {
    let c = medicine(a.get(2))?;
    let rx = build(w, a.get(1), &c.code, &c.display, c.unit.as_deref().unwrap_or("tablet")).await?;
    begin(w, rx);
    w.eps.patient = Some(a.get(1).to_string());
    Ok(())
}

async fn for_code(w: &mut RfaWorld, a: &Args) -> StepResult {
    let code = a.get(2);
    let display = medicines::terminology().concept(code).map_or("Unknown product", |c| c.display.as_str());
    let rx = build(w, a.get(1), code, display, "tablet").await?;
    begin(w, rx);
    w.eps.patient = Some(a.get(1).to_string());
    Ok(())
}

/// Today plus `+N` days or `+Nm` months, as `YYYY-MM-DD`.
pub(in crate::steps) fn date_arg(text: &str) -> Result<String, Failure> {
    let Some(inner) = text.strip_prefix("{today").and_then(|t| t.strip_suffix('}')) else {
        return crate::steps::common::stamps::dates(text);
    };
    let today = crate::support::clock::today();
    if let Some(months) = inner.strip_suffix('m') {
        let n: i32 = months
            .trim_start_matches('+')
            .parse()
            .map_err(|_| Failure::Harness(format!("`{text}`: months are written {{today+6m}}")))?;
        return Ok(crate::support::clock::ymd(crate::support::clock::add_months(today, n)));
    }
    crate::steps::common::stamps::dates(text)
}

async fn kind(w: &mut RfaWorld, a: &Args) -> StepResult {
    let today = crate::support::clock::today();
    let rx = draft(w)?;
    let (code, repeats) = match a.get(1) {
        "acute" => ("acute", None),
        "repeat" => ("repeat", Some(3)),
        _ => ("repeat-dispensing", Some(2)),
    };
    set_type(rx, code);
    if let Some(n) = repeats {
        put(rx, &["dispenseRequest", "numberOfRepeatsAllowed"], json!(n));
    }
    if code == "repeat-dispensing" {
        let period = json!({
            "start": crate::support::clock::ymd(today),
            "end": crate::support::clock::ymd(crate::support::clock::add_months(today, 6))
        });
        put(rx, &["dispenseRequest", "validityPeriod"], period);
    }
    rebuild(w)
}

fn set_type(rx: &mut Value, code: &str) {
    set_extension_value(
        rx,
        gpc::PRESCRIPTION_TYPE_EXTENSION,
        json!({ "valueCodeableConcept": { "coding": [{ "system": gpc::PRESCRIPTION_TYPE_SYSTEM, "code": code }] } }),
    );
}

fn number(field: &str, v: &str) -> Result<Value, Failure> {
    v.parse::<i64>()
        .map(|n| json!(n))
        .or_else(|_| v.parse::<f64>().map(|f| json!(f)))
        .map_err(|_| Failure::Harness(format!("the prescription's {field} is a number, not `{v}`")))
}

async fn set_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (field, v) = (a.get(1), a.get(2));
    let patient = if field == "patient" { Some(logical_id(w, v).await?) } else { None };
    if field == "patient" {
        w.eps.patient = Some(v.to_string());
    }
    let expanded = crate::steps::common::keys::expand(w, v)?;
    let v = expanded.as_str();
    let value = match field {
        "dose" | "frequency" | "quantity" | "repeats" => number(field, v)?,
        "validity end" | "validity start" => json!(date_arg(v)?),
        _ => json!(v),
    };
    let rx = draft(w)?;
    match field {
        "dosage text" => put(rx, &["dosageInstruction", "0", "text"], value),
        "dose" => put(rx, &["dosageInstruction", "0", "doseQuantity", "value"], value),
        "frequency" => put(rx, &["dosageInstruction", "0", "timing", "repeat", "frequency"], value),
        "quantity" => put(rx, &["dispenseRequest", "quantity", "value"], value),
        "quantity unit" => put(rx, &["dispenseRequest", "quantity", "unit"], value),
        "quantity in words" => set_words(rx, v),
        "prescriber" => put(rx, &["requester", "agent", "identifier", "value"], value),
        "prescriber system" => put(rx, &["requester", "agent", "identifier", "system"], value),
        "nominated pharmacy" => put(rx, &["dispenseRequest", "performer"], nomination(v)),
        "repeats" => put(rx, &["dispenseRequest", "numberOfRepeatsAllowed"], value),
        "validity start" => put(rx, &["dispenseRequest", "validityPeriod", "start"], value),
        "validity end" => {
            put(
                rx,
                &["dispenseRequest", "validityPeriod", "start"],
                json!(crate::support::clock::ymd(crate::support::clock::today())),
            );
            put(rx, &["dispenseRequest", "validityPeriod", "end"], value);
        }
        "form" => set_extension_value(rx, gpc::PRESCRIPTION_FORM_EXTENSION, json!({ "valueCode": v })),
        "type" => set_type(rx, v),
        "medication system" => put(rx, &["medicationCodeableConcept", "coding", "0", "system"], value),
        "patient id" => put(rx, &["subject", "reference"], json!(format!("Patient/{v}"))),
        _ => put(rx, &["subject", "reference"], json!(format!("Patient/{}", patient.unwrap_or_default()))),
    }
    rebuild(w)
}

/// Sets `value` at `path` (object keys, array indexes), making whatever
/// containers are missing on the way, so a draft edited in any order of
/// steps never panics.
pub(in crate::steps) fn put(v: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        *v = value;
        return;
    };
    let mut at = v;
    for p in parents.iter().chain(std::iter::once(last)) {
        at = match p.parse::<usize>() {
            Ok(i) => {
                if !at.is_array() {
                    *at = json!([]);
                }
                let Some(list) = at.as_array_mut() else { return };
                while list.len() <= i {
                    list.push(json!({}));
                }
                &mut list[i]
            }
            Err(_) => {
                if !at.is_object() {
                    *at = json!({});
                }
                let Some(obj) = at.as_object_mut() else { return };
                obj.entry(p.to_string()).or_insert(Value::Null)
            }
        };
    }
    *at = value;
}

/// Leaves `path` out, and what that left empty.
fn remove(v: &mut Value, path: &[&str]) {
    crate::entries::remove_pruned(v, &format!("/{}", path.join("/")), "");
}

/// Leaves the extension `url` out, and `extension` itself when it was the
/// last one (FHIR JSON has no empty arrays).
fn drop_extension(rx: &mut Value, url: &str) {
    if let Some(ext) = rx["extension"].as_array_mut() {
        ext.retain(|e| e.get("url").and_then(Value::as_str) != Some(url));
    }
    if let Some(o) = rx.as_object_mut() {
        o.retain(|k, v| k != "extension" || v.as_array().is_some_and(|a| !a.is_empty()));
    }
}

async fn remove_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let rx = draft(w)?;
    match a.get(1) {
        "dosage text" => remove(rx, &["dosageInstruction", "0", "text"]),
        "dosage" => remove(rx, &["dosageInstruction"]),
        "dose" => {
            remove(rx, &["dosageInstruction", "0", "doseQuantity"]);
            remove(rx, &["dosageInstruction", "0", "timing"]);
        }
        "quantity" => remove(rx, &["dispenseRequest", "quantity"]),
        "prescriber" => remove(rx, &["requester"]),
        "quantity in words" => drop_extension(rx, gpc::CONTROLLED_DRUG_EXTENSION),
        "prescription type" => drop_extension(rx, gpc::PRESCRIPTION_TYPE_EXTENSION),
        "repeats" => remove(rx, &["dispenseRequest", "numberOfRepeatsAllowed"]),
        _ => remove(rx, &["dispenseRequest", "validityPeriod"]),
    }
    rebuild(w)
}

fn nomination(ods: &str) -> Value {
    json!({ "identifier": { "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods } })
}

async fn to_dispensary(w: &mut RfaWorld, _: &Args) -> StepResult {
    let ods = w.ctx()?.client.config().spine.provider_ods.clone();
    put(draft(w)?, &["dispenseRequest", "performer"], nomination(&ods));
    rebuild(w)
}

async fn override_alerts(w: &mut RfaWorld, a: &Args) -> StepResult {
    let reason = a.get(1).to_string();
    set_extension_value(draft(w)?, gpc::ALERT_OVERRIDE_EXTENSION, json!({ "valueString": reason }));
    rebuild(w)
}

/// Issues a prescription as setup and keeps it under `label`.
pub(in crate::steps) async fn issue_for_setup(w: &mut RfaWorld, label: &str, rx: Value) -> StepResult {
    let spec = RequestSpec::post(Interaction::CreatePrescription, "MedicationRequest", rx.to_string());
    let resp = w.send_as_practice(&spec).await?;
    match (resp.status, resp.json()) {
        (201, Ok(issued)) if issued.as_resource().id().is_some() => {
            w.eps.prescribed.insert(label.to_string(), (rx, issued));
            Ok(())
        }
        (status, _) => {
            w.fail(format!("setup: issuing the prescription \"{label}\" should answer 201, it answered HTTP {status}"))
        }
    }
}

async fn prescribed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let c = medicine(a.get(2))?;
    let mut rx = build(w, a.get(1), &c.code, &c.display, c.unit.as_deref().unwrap_or("tablet")).await?;
    if !a.get(4).is_empty() {
        let ods = w.ctx()?.client.config().spine.provider_ods.clone();
        put(&mut rx, &["dispenseRequest", "performer"], nomination(&ods));
    }
    issue_for_setup(w, a.get(3), rx).await
}

/// A prescription issued in this scenario: (as sent, as answered).
pub(in crate::steps) fn issued_as(w: &RfaWorld, label: &str) -> Result<(Value, Value), Failure> {
    w.eps
        .prescribed
        .get(label)
        .cloned()
        .ok_or_else(|| Failure::Harness(format!("no prescription \"{label}\" was issued in this scenario")))
}

fn id_of(v: &Value) -> String {
    v.as_resource().id().unwrap_or_default().to_string()
}

async fn read_one(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = id_of(&issued_as(w, a.get(1))?.1);
    w.request = Some(RequestSpec::new(Interaction::ReadPrescription, format!("MedicationRequest/{id}")));
    Ok(())
}

async fn search_of(w: &mut RfaWorld, a: &Args) -> StepResult {
    let item = issued_as(w, a.get(2))?.1;
    let Some(item) = item_id(&item).map(str::to_string) else {
        return w.fail(format!("setup: the prescription \"{}\" has no item identifier to search by", a.get(2)));
    };
    let patient = logical_id(w, a.get(1)).await?;
    let mut spec = RequestSpec::new(Interaction::SearchPrescriptions, "MedicationRequest");
    spec.query.push(("patient".into(), patient));
    spec.query.push(("identifier".into(), format!("{}|{item}", gpc::PRESCRIPTION_ITEM_SYSTEM)));
    w.request = Some(spec);
    Ok(())
}

async fn expired_of(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (key, label) = (a.get(1), a.get(2));
    let patient = logical_id(w, key).await?;
    let mut spec = RequestSpec::new(Interaction::SearchPrescriptions, "MedicationRequest");
    spec.query.push(("patient".into(), patient));
    spec.query.push(gpc::authored_long_ago());
    let resp = w.send_as_practice(&spec).await?;
    let today = crate::support::clock::ymd(crate::support::clock::today());
    let found = resp.json().ok().and_then(|b| {
        crate::steps::common::bundle::resources(&b, "MedicationRequest")
            .into_iter()
            .find(|r| {
                r.pointer("/dispenseRequest/validityPeriod/end")
                    .and_then(Value::as_str)
                    .is_some_and(|end| end.get(..10).is_some_and(|d| d < today.as_str()))
            })
            .cloned()
    });
    match found {
        Some(rx) => {
            w.eps.prescribed.insert(label.to_string(), (rx.clone(), rx));
            Ok(())
        }
        None => w.fail(format!(
            "setup: {key} should have a prescription whose validity ended before today (test data: issued 200 days before the run date)"
        )),
    }
}

async fn issued(w: &mut RfaWorld, a: &Args) -> StepResult {
    let sent = w.eps.prescription.clone().ok_or_else(|| Failure::Harness("no prescription was sent".into()))?;
    let r = crate::steps::common::http::answered(w, 201, "MedicationRequest", "the prescription (issued)")?;
    if id_of(&r).is_empty() {
        return w.fail("the prescription should answer the MedicationRequest issued, with its id");
    }
    w.eps.prescribed.insert(a.get(1).to_string(), (sent, r));
    Ok(())
}

fn short_form(r: &Value) -> Option<&str> {
    (r.pointer("/groupIdentifier/system").and_then(Value::as_str) == Some(gpc::PRESCRIPTION_ORDER_SYSTEM))
        .then(|| r.pointer("/groupIdentifier/value").and_then(Value::as_str))
        .flatten()
}

fn item_id(r: &Value) -> Option<&str> {
    crate::steps::common::bundle::identifiers(r, gpc::PRESCRIPTION_ITEM_SYSTEM).into_iter().next()
}

async fn response_is(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want = issued_as(w, a.get(1))?.1;
    let got = crate::steps::common::http::answered(w, 200, "MedicationRequest", "the read")?;
    if id_of(&got) != id_of(&want) || short_form(&got) != short_form(&want) {
        return w.fail(format!("the read should answer prescription {} ({:?})", id_of(&want), short_form(&want)));
    }
    Ok(())
}

async fn bundle_holds(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want = id_of(&issued_as(w, a.get(1))?.1);
    let b = crate::steps::common::bundle::searchset(w)?;
    if crate::steps::common::bundle::resources(&b, "MedicationRequest").into_iter().any(|r| id_of(r) == want) {
        Ok(())
    } else {
        w.fail(format!("the Bundle should hold prescription {want}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_makes_the_path_whatever_is_there() {
        let mut v = json!({ "resourceType": "MedicationRequest" });
        put(&mut v, &["dosageInstruction", "0", "text"], json!("one a day"));
        assert_eq!(v["dosageInstruction"][0]["text"], json!("one a day"));
        // A removed part, or one of the wrong kind, is rebuilt.
        let mut v = json!({ "dosageInstruction": "text only" });
        put(&mut v, &["dosageInstruction", "1", "timing"], json!({}));
        assert_eq!(v["dosageInstruction"].as_array().map(Vec::len), Some(2));
        let mut v = Value::Null;
        put(&mut v, &["dispenseRequest", "quantity", "value"], json!(0));
        assert_eq!(v.pointer("/dispenseRequest/quantity/value"), Some(&json!(0)));
    }

    #[test]
    fn dates_in_months() {
        let today = crate::support::clock::today();
        assert_eq!(
            date_arg("{today+6m}").ok(),
            Some(crate::support::clock::ymd(crate::support::clock::add_months(today, 6)))
        );
        assert_eq!(date_arg("{today+3}").ok(), Some(crate::support::clock::ymd(today + time::Duration::days(3))));
        assert!(date_arg("{today+xm}").is_err());
    }
}
