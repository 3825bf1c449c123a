//! Prescribing through EPS as a GP system does: a signed prescription-order
//! message, resent unchanged (same message identifier, prescription ID and
//! X-Request-ID) while EPS is briefly unavailable, at most [`ATTEMPTS`]
//! times; held when EPS stays down, sent later, and never sent once
//! cancelled.

use std::sync::Mutex;

use base64::Engine as _;
use serde_json::{Value, json};

use crate::fhir::gpc::{
    MESSAGE_EVENT_SYSTEM, NHS_NUMBER_SYSTEM, ODS_ORGANIZATION_SYSTEM, PRESCRIPTION_ORDER_SYSTEM,
    SDS_ROLE_PROFILE_SYSTEM, SDS_USER_SYSTEM, SNOMED_SYSTEM,
};
use crate::reference::State;
use crate::reference::eps::defects::EpsDefect;
use crate::reference::outbound::{Action, Reply, call, failed, has, http};
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;

/// What the practice remembers of its dealings with EPS.
#[derive(Debug, Default)]
pub struct Submissions {
    /// Prescriptions EPS accepted: prescription id → the order message.
    issued: Mutex<Vec<(String, Value)>>,
    /// Prescriptions held while EPS was unavailable: (id, message, cancelled).
    held: Mutex<Vec<(String, Value, bool)>>,
    /// How many prescriptions were issued (numbers their ids).
    sequence: Mutex<u32>,
}

/// Attempts at one submission before it is held (profile §37).
pub const ATTEMPTS: usize = 3;

type Parts = Vec<(&'static str, String)>;

fn next_id(s: &State) -> String {
    let seq = {
        let mut n = crate::reference::locked(&s.submissions.sequence);
        *n += 1;
        *n
    };
    let random = uuid::Uuid::new_v4().as_u128() as u32;
    let id = crate::fhir::prescription_id::generate(random, &s.ods_code, seq).unwrap_or_default();
    if has(s, EpsDefect::EpsBadCheckCharacter) {
        // The same ID with another check character.
        let last = if id.ends_with('A') { 'B' } else { 'A' };
        return format!("{}{last}", &id[..id.len().saturating_sub(1)]);
    }
    id
}

/// The SNOMED CT unit of measure EPS expects with a quantity (dm+d's units
/// of presentation; EPS's examples use these codes).
fn unit_code(unit: &str) -> &'static str {
    match unit {
        "tablet" => "428673006",
        "capsule" => "428641000",
        "ml" => "258773002",
        _ => "",
    }
}

/// The prescription-order message, shaped as EPS FHIR R4's own examples
/// (`examples/primary-care/acute/…/1-Process-Request-Send-200_OK.json` in
/// NHSDigital/electronic-prescription-service-api): the medicine coded in
/// SNOMED CT (dm+d codes are SNOMED CT concepts), the requester a
/// PractitionerRole naming the prescriber and the practice, the
/// prescription's short-form ID with its long-form UUID beside it.
fn message(s: &State, a: &Action, id: &str) -> Value {
    let now = crate::reference::instant(crate::reference::now());
    let today = crate::support::clock::today().to_string();
    let prescriber = a.param("prescriber").unwrap_or_default();
    let quantity = a.param("quantity").and_then(|q| q.parse::<u32>().ok()).unwrap_or(0);
    let unit = "capsule";
    let mut request = json!({
        "resourceType": "MedicationRequest",
        "extension": [{
            "url": "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionType",
            "valueCoding": { "system": "https://fhir.nhs.uk/CodeSystem/prescription-type", "code": "0101", "display": "Primary Care Prescriber - Medical Prescriber" }
        }],
        "identifier": [{ "system": "https://fhir.nhs.uk/Id/prescription-order-item-number", "value": uuid::Uuid::new_v4().to_string() }],
        "status": "active",
        "intent": "order",
        "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category", "code": "community" }] }],
        "medicationCodeableConcept": {
            "coding": [{ "system": SNOMED_SYSTEM, "code": a.param("medication").unwrap_or_default(), "display": a.param("medicationDisplay").unwrap_or_default() }]
        },
        "subject": { "reference": "urn:uuid:patient-1" },
        "requester": { "reference": "urn:uuid:practitioner-role-1" },
        "authoredOn": now,
        "groupIdentifier": {
            "extension": [{
                "url": "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionId",
                "valueIdentifier": { "system": "https://fhir.nhs.uk/Id/prescription", "value": uuid::Uuid::new_v4().to_string() }
            }],
            "system": PRESCRIPTION_ORDER_SYSTEM,
            "value": id
        },
        "courseOfTherapyType": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy", "code": "acute" }] },
        "dosageInstruction": [{ "text": a.param("dosage").unwrap_or_default() }],
        "dispenseRequest": {
            "extension": [{
                "url": "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PerformerSiteType",
                "valueCoding": { "system": "https://fhir.nhs.uk/CodeSystem/dispensing-site-preference", "code": "0004" }
            }],
            "validityPeriod": { "start": today },
            "quantity": { "value": quantity, "unit": unit, "system": SNOMED_SYSTEM, "code": unit_code(unit) }
        },
        "substitution": { "allowedBoolean": false }
    });
    if has(s, EpsDefect::EpsOrderWithoutDmdCode) {
        request["medicationCodeableConcept"] = json!({ "text": a.param("medicationDisplay").unwrap_or_default() });
    }
    if has(s, EpsDefect::EpsDmdSystem) {
        request["medicationCodeableConcept"]["coding"][0]["system"] = json!("https://dmd.nhs.uk");
    }
    if has(s, EpsDefect::EpsRequesterPractitioner) {
        request["requester"] = json!({ "reference": "urn:uuid:practitioner-1" });
    }
    let mut practitioner = json!({
        "resourceType": "Practitioner",
        "identifier": [
            { "system": SDS_USER_SYSTEM, "value": prescriber },
            { "system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": "C1234567" }
        ],
        "name": [{ "family": "Prescriber", "prefix": ["Dr"] }]
    });
    if has(s, EpsDefect::EpsMissingPrescriberId) {
        practitioner["identifier"] =
            json!([{ "system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": "C1234567" }]);
    }
    let signed = format!("{id}|{prescriber}|{now}");
    let mut entries = vec![
        json!({ "fullUrl": "urn:uuid:message-header-1", "resource": {
            "resourceType": "MessageHeader",
            "eventCoding": { "system": MESSAGE_EVENT_SYSTEM, "code": "prescription-order" },
            "sender": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": s.ods_code } },
            "source": { "endpoint": format!("urn:nhs-uk:addressing:ods:{}", s.ods_code) },
            "focus": [{ "reference": "urn:uuid:patient-1" }, { "reference": "urn:uuid:practitioner-role-1" }]
        } }),
        json!({ "fullUrl": "urn:uuid:medication-request-1", "resource": request }),
        json!({ "fullUrl": "urn:uuid:patient-1", "resource": {
            "resourceType": "Patient",
            "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": a.param("patient").unwrap_or_default() }]
        } }),
        json!({ "fullUrl": "urn:uuid:practitioner-role-1", "resource": {
            "resourceType": "PractitionerRole",
            "identifier": [{ "system": SDS_ROLE_PROFILE_SYSTEM, "value": "555254242106" }],
            "practitioner": { "reference": "urn:uuid:practitioner-1" },
            "organization": { "reference": "urn:uuid:organization-1" }
        } }),
        json!({ "fullUrl": "urn:uuid:practitioner-1", "resource": practitioner }),
        json!({ "fullUrl": "urn:uuid:organization-1", "resource": {
            "resourceType": "Organization",
            "identifier": [{ "system": ODS_ORGANIZATION_SYSTEM, "value": s.ods_code }]
        } }),
    ];
    if !has(s, EpsDefect::EpsUnsigned) {
        entries.push(json!({ "fullUrl": "urn:uuid:provenance-1", "resource": {
            "resourceType": "Provenance",
            "target": [{ "reference": "urn:uuid:medication-request-1" }],
            "recorded": now,
            "agent": [{ "who": { "reference": "urn:uuid:practitioner-role-1" } }],
            "signature": [{
                "type": [{ "system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.1", "display": "Author's Signature" }],
                "when": now,
                "who": { "reference": "urn:uuid:practitioner-role-1" },
                "data": base64::engine::general_purpose::STANDARD.encode(signed.as_bytes())
            }]
        } }));
    }
    json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::new_v4().to_string(),
        "identifier": { "system": "https://tools.ietf.org/html/rfc4122", "value": uuid::Uuid::new_v4().to_string() },
        "type": "message",
        "timestamp": now,
        "entry": entries
    })
}

/// Submits a message, retrying what is worth retrying. Answers the last
/// reply and whether EPS accepted it.
async fn submit(s: &State, a: &Action, mut msg: Value) -> Result<(Reply, bool), Outcome> {
    let url = a.url("eps/FHIR/R4/$process-message")?;
    let attempts = if has(s, EpsDefect::EpsNoRetry) {
        1
    } else if has(s, EpsDefect::EpsRetriesForever) {
        12
    } else {
        ATTEMPTS
    };
    let mut request_id = uuid::Uuid::new_v4().to_string();
    let mut last = Reply::default();
    for attempt in 0..attempts {
        if attempt > 0 && has(s, EpsDefect::EpsRetryNewIdentifiers) {
            msg["identifier"]["value"] = json!(uuid::Uuid::new_v4().to_string());
            if let Some(g) = msg.pointer_mut("/entry/1/resource/groupIdentifier/value") {
                *g = json!(next_id(s));
            }
            request_id = uuid::Uuid::new_v4().to_string();
        }
        let mut req = http()
            .post(url.clone())
            .header("X-Request-ID", &request_id)
            .header("X-Correlation-ID", uuid::Uuid::new_v4().to_string())
            .header("Authorization", "Bearer rfa-reference-eps-access-token")
            .header("Content-Type", "application/fhir+json")
            .body(msg.to_string());
        if !has(s, EpsDefect::EpsMissingSessionUrid) {
            req = req.header("NHSD-Session-URID", "555254242106");
        }
        last = call(req).await;
        if last.ok() {
            return Ok((last, true));
        }
        if !last.transient() && !has(s, EpsDefect::EpsRetriesRejections) {
            return Err(Outcome::new(
                SpineCode::BadRequest,
                format!("EPS rejected the prescription ({})", last.status),
            ));
        }
    }
    Ok((last, false))
}

pub async fn issue(s: &State, a: &Action) -> Result<Parts, Outcome> {
    for p in ["patient", "medication", "prescriber"] {
        a.required(p)?;
    }
    let id = next_id(s);
    let msg = message(s, a, &id);
    let (reply, accepted) = submit(s, a, msg.clone()).await?;
    if accepted {
        crate::reference::locked(&s.submissions.issued).push((id.clone(), msg));
        return Ok(vec![("prescriptionId", id), ("status", "sent".into())]);
    }
    crate::reference::locked(&s.submissions.held).push((id.clone(), msg, false));
    tracing::debug!(target: "rfa::reference", "holding {id}: {}", reply.status);
    Ok(vec![("prescriptionId", id), ("status", "held".into())])
}

pub async fn cancel(s: &State, a: &Action) -> Result<Parts, Outcome> {
    let id = a.required("prescriptionId")?.to_string();
    let held = {
        let mut held = crate::reference::locked(&s.submissions.held);
        match held.iter_mut().find(|(h, _, _)| *h == id) {
            Some(h) => {
                h.2 = true;
                true
            }
            None => false,
        }
    };
    if held {
        // Never reached EPS: there is nothing to cancel there.
        return Ok(vec![("prescriptionId", id), ("status", "cancelled".into())]);
    }
    let order = crate::reference::locked(&s.submissions.issued).iter().find(|(i, _)| *i == id).map(|(_, m)| m.clone());
    let Some(order) = order else {
        return Err(Outcome::new(SpineCode::ReferenceNotFound, format!("no prescription {id} was issued here")));
    };
    let cancel_id = if has(s, EpsDefect::EpsCancelWrongPrescription) { next_id(s) } else { id.clone() };
    let (reply, accepted) = submit(s, a, cancellation(order, &cancel_id)).await?;
    if !accepted {
        return Err(failed("EPS", &reply));
    }
    Ok(vec![("prescriptionId", id), ("status", "cancelled".into())])
}

/// The prescription-order-update that cancels an order: the order as sent,
/// its MedicationRequest cancelled with a reason, as a new message.
fn cancellation(mut order: Value, id: &str) -> Value {
    order["id"] = json!(uuid::Uuid::new_v4().to_string());
    order["identifier"]["value"] = json!(uuid::Uuid::new_v4().to_string());
    order["entry"][0]["resource"]["eventCoding"]["code"] = json!("prescription-order-update");
    let request = &mut order["entry"][1]["resource"];
    request["status"] = json!("cancelled");
    request["statusReason"] = json!({ "coding": [{ "system": "https://fhir.nhs.uk/CodeSystem/medicationrequest-status-reason", "code": "0001", "display": "Prescribing Error" }] });
    request["groupIdentifier"]["value"] = json!(id);
    order
}

pub async fn send_held(s: &State, a: &Action) -> Result<Parts, Outcome> {
    let waiting: Vec<(String, Value)> = {
        let held = crate::reference::locked(&s.submissions.held);
        held.iter()
            .filter(|(_, _, cancelled)| !cancelled || has(s, EpsDefect::EpsResubmitsCancelled))
            .map(|(id, m, _)| (id.clone(), m.clone()))
            .collect()
    };
    let mut sent = 0;
    for (id, msg) in waiting {
        let (_, accepted) = submit(s, a, msg.clone()).await?;
        if accepted {
            crate::reference::locked(&s.submissions.held).retain(|(h, _, _)| *h != id);
            crate::reference::locked(&s.submissions.issued).push((id, msg));
            sent += 1;
        }
    }
    Ok(vec![("sent", sent.to_string())])
}
