//! A dispensing practice as an EPS dispenser (profile §29): asked to supply
//! a prescription it issued to its own dispensary, it checks the supply as
//! its dispensary must ([`admit`]; refused there, nothing reaches EPS), then
//! tells EPS with a dispense notification (EPS FHIR R4, event
//! `dispense-notification`, shaped as EPS's examples): what was supplied,
//! against which prescription, and the prescription's EPS status after it.

use serde_json::{Value, json};

use crate::fhir::gpc::{self, MESSAGE_EVENT_SYSTEM, NHS_NUMBER_SYSTEM, ODS_ORGANIZATION_SYSTEM, SNOMED_SYSTEM};
use crate::reference::State;
use crate::reference::dsp::admit;
use crate::reference::dsp::defects::DspDefect;
use crate::reference::eps::prescribing::invalid;
use crate::reference::eps::submit::{Sent, eps_says, local_of, message_bundle, order_of, submit};
use crate::reference::outbound::{Action, failed, has};
use crate::reference::outcome::{Outcome, SpineCode};

type Parts = Vec<(&'static str, String)>;

pub const TASK_BUSINESS_STATUS: &str = "https://fhir.nhs.uk/StructureDefinition/Extension-EPS-TaskBusinessStatus";

/// `dispense-prescription`.
pub async fn dispense(s: &State, a: &Action) -> Result<Parts, Outcome> {
    let id = a.required("prescriptionId")?.to_string();
    let quantity = a.required("quantity")?;
    let quantity: serde_json::Number = serde_json::from_str(quantity.trim())
        .map_err(|_| invalid(format!("`quantity` must be a number, not `{quantity}`")))?;
    let local = local_of(s, a, &id);
    let held = local.as_deref().and_then(|l| crate::reference::locked(&s.prescriptions.inner).get_mut(l).cloned());
    let patient = match a.param("patient") {
        Some(nhs) => s.store.by_nhs_number(nhs).next().map_or_else(|| format!("nhs-{nhs}"), |p| p.id.clone()),
        None => held.as_ref().map(|p| p.patient.clone()).unwrap_or_default(),
    };
    let code = a.param("medication").map(str::to_string).or_else(|| held.as_ref().map(|p| p.code.clone()));
    let unit = a.param("quantityUnit").map(str::to_string).or_else(|| held.as_ref().map(|p| p.unit.clone()));
    let sent = json!({
        "resourceType": "MedicationDispense",
        "status": "completed",
        "medicationCodeableConcept": { "coding": [{ "system": SNOMED_SYSTEM, "code": code.unwrap_or_default() }] },
        "subject": { "reference": format!("Patient/{patient}") },
        "authorizingPrescription": [{ "reference": format!("MedicationRequest/{}", local.as_deref().unwrap_or(&id)) }],
        "quantity": { "value": quantity, "unit": unit.unwrap_or_default() },
        "whenHandedOver": crate::reference::instant(crate::support::clock::now())
    });
    let admitted = admit(s, sent.clone());
    if let Err(refusal) = admitted {
        if has(s, DspDefect::KeepsRefusedDispense) {
            // The defect tells EPS of a supply it then says it refused.
            let _ = submit(s, a, notification(s, a, &id, &sent, "0003")).await;
        }
        return Err(refusal);
    }
    let status = local
        .as_deref()
        .and_then(|l| crate::reference::locked(&s.prescriptions.inner).get_mut(l).map(|p| p.view(s)))
        .and_then(|v| {
            gpc::extension(&v, gpc::PRESCRIPTION_STATUS_EXTENSION)?
                .pointer("/valueCoding/code")?
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "0003".into());
    match submit(s, a, notification(s, a, &id, &sent, &status)).await? {
        Sent::Accepted => Ok(vec![("prescriptionId", id), ("status", status)]),
        Sent::Rejected(reply) => Err(Outcome::new(
            SpineCode::BadRequest,
            format!("EPS rejected the dispense notification: {}", eps_says(&reply)),
        )),
        Sent::Unavailable(reply) => Err(failed("EPS", &reply)),
    }
}

/// EPS's display for a prescription status code.
fn status_display(code: &str) -> &'static str {
    match code {
        "0006" => "Dispensed",
        "0003" => "With Dispenser - Active",
        _ => "With Dispenser",
    }
}

/// The dispense notification: the supply as a MedicationDispense whose
/// `authorizingPrescription` is the prescription's item as the order sent
/// it (contained), the patient by NHS number, and the prescription's EPS
/// status after the supply (`Extension-EPS-TaskBusinessStatus`).
fn notification(s: &State, a: &Action, id: &str, sent: &Value, status: &str) -> Value {
    let now = crate::reference::instant(crate::support::clock::now());
    let order = order_of(s, a, id);
    let item = order
        .as_ref()
        .and_then(|o| crate::fhir::views::Bundle(o).resources_of("MedicationRequest").next().map(|r| r.json().clone()));
    let mut contained = item.unwrap_or_else(|| {
        json!({
            "resourceType": "MedicationRequest",
            "status": "active",
            "intent": "order",
            "groupIdentifier": { "system": gpc::PRESCRIPTION_ORDER_SYSTEM, "value": id }
        })
    });
    contained["id"] = json!("m1");
    contained["subject"] = json!({ "reference": "urn:uuid:patient-1" });
    if let Some(o) = contained.as_object_mut() {
        o.remove("requester");
    }
    let nhs = order
        .as_ref()
        .and_then(|o| {
            crate::fhir::views::Bundle(o)
                .resources_of("Patient")
                .find_map(|p| p.identifier_values(NHS_NUMBER_SYSTEM).first().map(|v| v.to_string()))
        })
        .unwrap_or_default();
    let nhs = match a.param("patient") {
        Some(asked) => asked.to_string(),
        None => nhs,
    };
    let full = status == "0006";
    let dispense = json!({
        "resourceType": "MedicationDispense",
        "extension": [{
            "url": TASK_BUSINESS_STATUS,
            "valueCoding": { "system": gpc::PRESCRIPTION_STATUS_SYSTEM, "code": status, "display": status_display(status) }
        }],
        "identifier": [{ "system": "https://fhir.nhs.uk/Id/prescription-dispense-item-number", "value": uuid::Uuid::new_v4().to_string() }],
        "contained": [contained],
        "status": if full { "completed" } else { "in-progress" },
        "medicationCodeableConcept": sent.get("medicationCodeableConcept").cloned().unwrap_or(Value::Null),
        "subject": { "reference": "urn:uuid:patient-1" },
        "authorizingPrescription": [{ "reference": "#m1" }],
        "type": { "coding": [{
            "system": "https://fhir.nhs.uk/CodeSystem/medicationdispense-type",
            "code": if full { "0001" } else { "0003" },
            "display": if full { "Item fully dispensed" } else { "Item dispensed - partial" }
        }] },
        "quantity": {
            "value": sent.pointer("/quantity/value").cloned().unwrap_or(Value::Null),
            "unit": sent.pointer("/quantity/unit").cloned().unwrap_or(Value::Null),
            "system": SNOMED_SYSTEM
        },
        "whenHandedOver": now
    });
    let mut dispense = dispense;
    if has(s, DspDefect::DispenseDropsPrescription)
        && let Some(o) = dispense.as_object_mut()
    {
        o.remove("authorizingPrescription");
    }
    message_bundle(
        &now,
        json!([
            { "fullUrl": "urn:uuid:message-header-1", "resource": {
                "resourceType": "MessageHeader",
                "eventCoding": { "system": MESSAGE_EVENT_SYSTEM, "code": "dispense-notification", "display": "Dispense Notification" },
                "sender": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": s.ods_code } },
                "source": { "endpoint": format!("urn:nhs-uk:addressing:ods:{}", s.ods_code) },
                "focus": [{ "reference": "urn:uuid:patient-1" }, { "reference": "urn:uuid:medication-dispense-1" }]
            } },
            { "fullUrl": "urn:uuid:medication-dispense-1", "resource": dispense },
            { "fullUrl": "urn:uuid:patient-1", "resource": {
                "resourceType": "Patient",
                "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": nhs }]
            } },
            { "fullUrl": "urn:uuid:organization-1", "resource": {
                "resourceType": "Organization",
                "identifier": [{ "system": ODS_ORGANIZATION_SYSTEM, "value": s.ods_code }]
            } }
        ]),
    )
}
