//! Dispensing practices (DSP): recording MedicationDispenses against the
//! prescriptions a scenario issued, and finding them again.

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::eps::prescribing::issued_as;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a dispense of (\d+) of the prescription "([^"]+)"$"# => dispense_of, "Begins `POST [base]/MedicationDispense`: this quantity (in the prescription's unit) of the prescribed medicine for its patient, authorizingPrescription the prescription, handed over now by practitioner1."),
        step!(Given r#"^the prescription "([^"]+)" has been dispensed (\d+)$"# => has_been_dispensed, "Setup: records a dispense of this quantity and expects 201."),
        step!(Given r#"^a search for the dispenses of the prescription "([^"]+)"$"# => search_for, "Begins `GET [base]/MedicationDispense?prescription=[id]`."),
        step!(Then r#"^the Bundle holds (\d+) dispenses? of the prescription "([^"]+)" totalling (\d+)$"# => bundle_holds, "A searchset Bundle of this many MedicationDispenses against the prescription, their quantities adding up to this."),
    ]
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
