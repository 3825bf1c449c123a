//! Dispensing judged on what reaches EPS (profile §29): the practice, asked
//! as its dispenser would ask it (trigger action `dispense-prescription`,
//! or the tester), supplies a prescription it issued to its own dispensary
//! and tells EPS with a dispense notification; a supply it must not make it
//! declines, and sends EPS nothing.

use serde_json::Value;

use crate::fhir::gpc;
use crate::fhir::views::Bundle;
use crate::national::Service;
use crate::steps::consumer::eps::{event, prescription, resources};
use crate::steps::consumer::{act, body_json, did_act, fail_with, inbound, listing, succeeded};
use crate::steps::eps::order::setup;
use crate::steps::eps::prescribing::medicine;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^the candidate has dispensed (\d+) of the prescription "([^"]+)"$"# => has_dispensed, "Setup: asks the candidate to dispense this quantity of the prescription and expects it carried out."),
        step!(When r#"^the candidate is asked to dispense (\d+) of the prescription "([^"]+)"$"# => dispense, "Asks the candidate (trigger action `dispense-prescription`, or the tester) to dispense this quantity of the prescription (by the ID it sent EPS), in the prescription's unit, of its medicine, to its patient."),
        step!(When r#"^the candidate is asked to dispense (\d+) (capsule|tablet|ml) of the prescription "([^"]+)"$"# => dispense_in, "The same, in this unit."),
        step!(When r#"^the candidate is asked to dispense (\d+) of the prescription "([^"]+)" as "([^"]+)"$"# => dispense_as, "The same, supplying this medicine of the test data's terminology."),
        step!(When r#"^the candidate is asked to dispense (\d+) of the prescription "([^"]+)" to "([^"]+)"$"# => dispense_to, "The same, to this fixture patient (by NHS number)."),
        step!(When r#"^the candidate is asked to dispense (\d+) against the prescription ID "([^"]*)" for "([^"]+)"$"# => dispense_unknown, "The same, against a prescription ID the candidate never issued, for this fixture patient."),
        step!(Then r#"^the candidate sent EPS a dispense notification of (\d+) of "([^"]+)"$"# => notified, "During the latest action EPS accepted a dispense-notification message whose MedicationDispense supplies this quantity of the prescription's medicine (its dm+d code, SNOMED CT) to its patient (a Patient of the message with the NHS number), handed over just now, against the prescription (authorizingPrescription, a MedicationRequest with its short-form ID)."),
        step!(Then r#"^the candidate sent EPS a dispense notification of (\d+) of "([^"]+)" with the status "(\d{4})"$"# => notified_status, "The same, and the MedicationDispense's Extension-EPS-TaskBusinessStatus gives the prescription's EPS status after the supply as this code (0003 With Dispenser - Active, 0006 Dispensed)."),
    ]
}

async fn ask(w: &mut RfaWorld, quantity: &str, label: &str, extra: Vec<(String, String)>) -> StepResult {
    let id = prescription(w, label)?.to_string();
    let mut params = vec![("prescriptionId".to_string(), id), ("quantity".to_string(), quantity.to_string())];
    params.extend(extra);
    act(w, "dispense-prescription", params).await
}

async fn dispense(w: &mut RfaWorld, a: &Args) -> StepResult {
    ask(w, a.get(1), a.get(2), vec![]).await
}

async fn dispense_in(w: &mut RfaWorld, a: &Args) -> StepResult {
    ask(w, a.get(1), a.get(3), vec![("quantityUnit".into(), a.get(2).into())]).await
}

async fn dispense_as(w: &mut RfaWorld, a: &Args) -> StepResult {
    let c = medicine(a.get(3))?;
    ask(w, a.get(1), a.get(2), vec![("medication".into(), c.code.clone())]).await
}

async fn dispense_to(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = crate::steps::common::keys::nhs(w, a.get(3))?;
    ask(w, a.get(1), a.get(2), vec![("patient".into(), nhs)]).await
}

async fn dispense_unknown(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = crate::steps::common::keys::nhs(w, a.get(3))?;
    let params = vec![
        ("prescriptionId".to_string(), a.get(2).to_string()),
        ("quantity".to_string(), a.get(1).to_string()),
        ("patient".to_string(), nhs),
    ];
    act(w, "dispense-prescription", params).await
}

async fn has_dispensed(w: &mut RfaWorld, a: &Args) -> StepResult {
    ask(w, a.get(1), a.get(2), vec![]).await?;
    setup(did_act(w))
}

/// What the prescription's order said: its medicine code and its patient's
/// NHS number.
fn prescribed(w: &RfaWorld, label: &str) -> Result<(String, String), Failure> {
    let (_, order) = crate::steps::consumer::eps::order(w, label)?;
    let code = resources(&order, "MedicationRequest")
        .first()
        .and_then(|m| m.pointer("/medicationCodeableConcept/coding/0/code"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let nhs = w.consumer.prescriptions.get(label).map(|(_, n)| n.clone()).unwrap_or_default();
    Ok((code, nhs))
}

/// Everything wrong with a dispense notification for `quantity` of the
/// prescription `id` (medicine `code`, patient `nhs`), and its status code.
fn judge(
    b: &Value,
    id: &str,
    quantity: f64,
    code: &str,
    nhs: &str,
    handed_over: impl Fn(time::OffsetDateTime) -> Result<(), String>,
) -> (Vec<String>, Option<String>) {
    let bundle = Bundle(b);
    let Some(d) = bundle.resources_of("MedicationDispense").next().map(|r| r.json().clone()) else {
        return (vec!["the message should hold a MedicationDispense".into()], None);
    };
    let mut wrong = Vec::new();
    if d.pointer("/quantity/value").and_then(Value::as_f64) != Some(quantity) {
        wrong.push(format!("the quantity should be {quantity}, it is {}", d.get("quantity").unwrap_or(&Value::Null)));
    }
    let coded =
        d.pointer("/medicationCodeableConcept/coding").and_then(Value::as_array).into_iter().flatten().any(|c| {
            c.get("system").and_then(Value::as_str) == Some(gpc::SNOMED_SYSTEM)
                && c.get("code").and_then(Value::as_str) == Some(code)
        });
    if !coded {
        wrong.push(format!("the medicine should be {} `{code}`", gpc::SNOMED_SYSTEM));
    }
    let patient = d
        .pointer("/subject/reference")
        .and_then(Value::as_str)
        .and_then(|r| bundle.resolve(r))
        .map(|p| p.identifier_values(gpc::NHS_NUMBER_SYSTEM).iter().map(|v| v.to_string()).collect::<Vec<_>>())
        .unwrap_or_default();
    if !patient.iter().any(|n| n == nhs) {
        wrong.push(format!("the subject should be a Patient of the message with NHS number {nhs}"));
    }
    let authorised = d
        .pointer("/authorizingPrescription/0/reference")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|local| {
            d.get("contained")?.as_array()?.iter().find(|c| c.get("id").and_then(Value::as_str) == Some(local))
        })
        .and_then(|m| m.pointer("/groupIdentifier/value"))
        .and_then(Value::as_str);
    if authorised != Some(id) {
        wrong.push(format!(
            "authorizingPrescription should be a contained MedicationRequest with the prescription ID {id}, it names {authorised:?}"
        ));
    }
    match crate::steps::common::stamps::at(d.get("whenHandedOver")) {
        Some(at) => {
            if let Err(e) = handed_over(at) {
                wrong.push(format!("whenHandedOver should be when it was supplied: {e}"));
            }
        }
        None => {
            wrong.push(format!("whenHandedOver should be when it was supplied, it is {:?}", d.get("whenHandedOver")))
        }
    }
    let status = gpc::extension(&d, "https://fhir.nhs.uk/StructureDefinition/Extension-EPS-TaskBusinessStatus")
        .and_then(|e| e.pointer("/valueCoding/code"))
        .and_then(Value::as_str)
        .map(str::to_string);
    (wrong, status)
}

async fn notified_with(w: &mut RfaWorld, a: &Args, want_status: Option<&str>) -> StepResult {
    let label = a.get(2);
    let id = prescription(w, label)?.to_string();
    let (code, nhs) = prescribed(w, label)?;
    let quantity: f64 = a.get(1).parse().unwrap_or(-1.0);
    did_act(w)?;
    let sent: Vec<(bool, Value)> = crate::steps::consumer::latest(w, Service::Eps)
        .into_iter()
        .map(|x| (succeeded(x), body_json(x)))
        .filter(|(_, b)| event(b) == "dispense-notification")
        .collect();
    let mut why = Vec::new();
    for (ok, b) in &sent {
        let (wrong, status) =
            judge(b, &id, quantity, &code, &nhs, |at| crate::steps::common::stamps::stamped_at_request(w, at));
        let status_ok = want_status.is_none_or(|s| status.as_deref() == Some(s));
        if *ok && wrong.is_empty() && status_ok {
            return Ok(());
        }
        why.extend(wrong);
        if !status_ok {
            why.push(format!(
                "the prescription's status after the supply (Extension-EPS-TaskBusinessStatus) should be {}, it is {status:?}",
                want_status.unwrap_or_default()
            ));
        }
        if !ok {
            why.push("EPS did not accept it".into());
        }
    }
    if sent.is_empty() {
        return fail_with(
            w,
            format!(
                "the candidate should send EPS a dispense notification of {quantity} of {id}; it sent:{}",
                listing(&inbound(w, Service::Eps))
            ),
        );
    }
    fail_with(w, format!("the dispense notification of {id} is not right:\n    - {}", why.join("\n    - ")))
}

async fn notified(w: &mut RfaWorld, a: &Args) -> StepResult {
    notified_with(w, a, None).await
}

async fn notified_status(w: &mut RfaWorld, a: &Args) -> StepResult {
    let status = a.get(3).to_string();
    notified_with(w, a, Some(&status)).await
}
