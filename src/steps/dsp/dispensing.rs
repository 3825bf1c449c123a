//! Dispensing practices (DSP): recording MedicationDispenses against the
//! prescriptions a scenario issued, and finding them again.

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::keys::logical_id;
use crate::steps::eps::prescribing::{issued_as, put};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a dispense of (\d+) of the prescription "([^"]+)"$"# => dispense_of, "Begins `POST [base]/MedicationDispense`: this quantity (in the prescription's unit) of the prescribed medicine for its patient, authorizingPrescription the prescription, handed over now by practitioner1."),
        step!(Given r#"^a dispense of (\d+) against the prescription id "([^"]*)" for "([^"]+)"$"# => dispense_against_id, "The same against a literal MedicationRequest id, of Amoxicillin 500mg capsules for the fixture patient."),
        step!(Given r#"^the dispense's (medicine|patient|quantity unit) is "([^"]*)"$"# => set_field, "Changes one field of the dispense being built: a medicine of the test data's terminology (by display), a fixture patient, a unit."),
        step!(Given r#"^the prescription "([^"]+)" has been dispensed (\d+)$"# => has_been_dispensed, "Setup: records a dispense of this quantity and expects 201."),
        step!(Given r#"^a search for the dispenses of the prescription "([^"]+)"$"# => search_for, "Begins `GET [base]/MedicationDispense?prescription=[id]`."),
        step!(Then r#"^the dispense is recorded$"# => recorded, "HTTP 201 and a MedicationDispense with an id."),
        step!(Then r#"^the dispense is recorded as it was sent$"# => recorded_as_sent, "HTTP 201, valid against `schemas/fhir/medication-dispense.schema.json`, a Location naming it, status completed, and the prescription, patient, medicine and quantity that were sent."),
        step!(Then r#"^the Bundle holds (\d+) dispenses? of the prescription "([^"]+)" totalling (\d+)$"# => bundle_holds, "A searchset Bundle of this many MedicationDispenses against the prescription, their quantities adding up to this."),
    ]
}

fn draft(w: &mut RfaWorld) -> Result<&mut Value, Failure> {
    w.dsp.dispense.as_mut().ok_or_else(|| Failure::Harness("begin a dispense first".into()))
}

fn begin(w: &mut RfaWorld, d: Value) {
    let spec = RequestSpec::post(Interaction::RecordDispense, "MedicationDispense", d.to_string());
    w.request = Some(spec);
    w.dsp.dispense = Some(d);
}

fn dispense(w: &RfaWorld, rx: &Value, quantity: u32) -> Result<Value, Failure> {
    let sds = crate::steps::common::keys::sds(w, "practitioner1")?;
    let id = rx.as_resource().id().unwrap_or_default();
    Ok(json!({
        "resourceType": "MedicationDispense",
        "status": "completed",
        "medicationCodeableConcept": rx.get("medicationCodeableConcept").cloned().unwrap_or(Value::Null),
        "subject": rx.get("subject").cloned().unwrap_or(Value::Null),
        "authorizingPrescription": [{ "reference": format!("MedicationRequest/{id}") }],
        "quantity": { "value": quantity, "unit": rx.pointer("/dispenseRequest/quantity/unit").cloned().unwrap_or(Value::Null) },
        "whenHandedOver": crate::support::clock::now().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "performer": [{ "actor": { "identifier": { "system": gpc::SDS_USER_SYSTEM, "value": sds } } }]
    }))
}

fn quantity(a: &Args, i: usize) -> Result<u32, Failure> {
    a.get(i).parse().map_err(|_| Failure::Harness(format!("`{}` is not a whole quantity", a.get(i))))
}

async fn dispense_of(w: &mut RfaWorld, a: &Args) -> StepResult {
    let rx = issued_as(w, a.get(2))?.1;
    let d = dispense(w, &rx, quantity(a, 1)?)?;
    begin(w, d);
    Ok(())
}

async fn dispense_against_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    let patient = logical_id(w, a.get(3)).await?;
    let c = crate::medicines::terminology()
        .by_display("Amoxicillin 500mg capsules")
        .ok_or_else(|| Failure::Harness("the terminology lost Amoxicillin 500mg capsules".into()))?;
    let rx = json!({
        "id": a.get(2),
        "medicationCodeableConcept": { "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": c.code, "display": c.display }] },
        "subject": { "reference": format!("Patient/{patient}") },
        "dispenseRequest": { "quantity": { "unit": "capsule" } }
    });
    let d = dispense(w, &rx, quantity(a, 1)?)?;
    begin(w, d);
    Ok(())
}

async fn set_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let v = a.get(2);
    let patient = if a.get(1) == "patient" { Some(logical_id(w, v).await?) } else { None };
    let d = draft(w)?;
    match a.get(1) {
        "medicine" => {
            let c = crate::medicines::terminology()
                .by_display(v)
                .ok_or_else(|| Failure::Harness(format!("`{v}` is not a medicine of the test data's terminology")))?;
            let coding = json!({ "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": c.code, "display": c.display }] });
            put(d, &["medicationCodeableConcept"], coding);
        }
        "patient" => put(d, &["subject", "reference"], json!(format!("Patient/{}", patient.unwrap_or_default()))),
        _ => put(d, &["quantity", "unit"], json!(v)),
    }
    let body = d.to_string().into_bytes();
    w.request_mut()?.body = Some(body);
    Ok(())
}

async fn has_been_dispensed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let rx = issued_as(w, a.get(1))?.1;
    let d = dispense(w, &rx, quantity(a, 2)?)?;
    let spec = RequestSpec::post(Interaction::RecordDispense, "MedicationDispense", d.to_string());
    let resp = w.send_as_practice(&spec).await?;
    if resp.status != 201 {
        return w.fail(format!(
            "setup: dispensing {} of \"{}\" should answer 201, it answered HTTP {}",
            a.get(2),
            a.get(1),
            resp.status
        ));
    }
    Ok(())
}

async fn search_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let rx = issued_as(w, a.get(1))?.1;
    let id = rx.as_resource().id().unwrap_or_default().to_string();
    let mut spec = RequestSpec::new(Interaction::SearchDispenses, "MedicationDispense");
    spec.query.push(("prescription".into(), id));
    w.request = Some(spec);
    Ok(())
}

fn answered(w: &RfaWorld) -> Result<Value, Failure> {
    let d = crate::steps::common::http::answered(w, 201, "MedicationDispense", "the dispense (recorded)")?;
    match d.as_resource().id() {
        Some(_) => Ok(d),
        None => w.fail("the dispense should be answered with its id"),
    }
}

async fn recorded(w: &mut RfaWorld, _: &Args) -> StepResult {
    answered(w).map(|_| ())
}

async fn recorded_as_sent(w: &mut RfaWorld, _: &Args) -> StepResult {
    let got = answered(w)?;
    crate::steps::common::http::check_schema(w, "medication-dispense", &got)?;
    let sent = w.dsp.dispense.clone().ok_or_else(|| Failure::Harness("no dispense was sent".into()))?;
    let id = got.as_resource().id().unwrap_or_default();
    let location = w.response()?.header("Location").unwrap_or_default().to_string();
    if !location.contains(&format!("/MedicationDispense/{id}")) {
        return w.fail(format!("the Location `{location}` should name the dispense, MedicationDispense/{id}"));
    }
    for p in [
        "/authorizingPrescription/0/reference",
        "/subject/reference",
        "/medicationCodeableConcept/coding/0/code",
        "/quantity/value",
        "/quantity/unit",
        "/status",
    ] {
        if got.pointer(p) != sent.pointer(p) {
            return w.fail(format!(
                "the dispense's {p} should be {:?} as sent, it is {:?}",
                sent.pointer(p),
                got.pointer(p)
            ));
        }
    }
    Ok(())
}

async fn bundle_holds(w: &mut RfaWorld, a: &Args) -> StepResult {
    let rx = issued_as(w, a.get(2))?.1;
    let wanted = format!("MedicationRequest/{}", rx.as_resource().id().unwrap_or_default());
    let b = crate::steps::common::bundle::searchset(w)?;
    let mine: Vec<&Value> = crate::steps::common::bundle::resources(&b, "MedicationDispense")
        .into_iter()
        .filter(|d| d.pointer("/authorizingPrescription/0/reference").and_then(Value::as_str) == Some(wanted.as_str()))
        .collect();
    let total: f64 = mine.iter().filter_map(|d| d.pointer("/quantity/value").and_then(Value::as_f64)).sum();
    let (n, sum) = (quantity(a, 1)?, quantity(a, 3)?);
    if mine.len() != n as usize || (total - f64::from(sum)).abs() > 1e-9 {
        return w.fail(format!(
            "the Bundle should hold {n} dispenses of {wanted} totalling {sum}; it holds {} totalling {total}",
            mine.len()
        ));
    }
    Ok(())
}
