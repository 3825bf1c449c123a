//! An EPS-like prescription submission service (EPS FHIR R4
//! `POST $process-message`): refuses with 400 what EPS's own validation
//! refuses (NHSDigital/electronic-prescription-service-api,
//! `packages/coordinator/src/services/validation/bundle-validator.ts`, and
//! the fields its translation cannot do without), and treats a message it
//! has already processed (same `Bundle.identifier`) as done, as EPS's
//! idempotent processing does. Its headers are checked as PDS's are (the
//! router's gate).

use crate::fhir::Views as _;
use crate::fhir::gpc::{NHS_NUMBER_SYSTEM, PRESCRIPTION_ORDER_SYSTEM, SNOMED_SYSTEM, extension};
use crate::fhir::views::{Bundle, Reference, Resource};
use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Shared, Sid, fhir, fhir_error};

const PRESCRIPTION_TYPE: &str = "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionType";
const PRESCRIPTION_ID: &str = "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionId";
const ITEM_NUMBER: &str = "https://fhir.nhs.uk/Id/prescription-order-item-number";
const REPEAT_DISPENSING: &str = "continuous-repeat-dispensing";
const TASK_BUSINESS_STATUS: &str = "https://fhir.nhs.uk/StructureDefinition/Extension-EPS-TaskBusinessStatus";
const STATUS_HISTORY: &str = "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionStatusHistory";

/// What EPS holds of a prescription it accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Active,
    Cancelled,
    /// A pharmacy supplied it (the harness says so).
    Dispensed,
}

pub async fn process(State(h): State<Shared>, Extension(sid): Extension<Sid>, body: Bytes) -> Response {
    let Ok(bundle) = serde_json::from_slice::<Value>(&body) else {
        return fhir_error(StatusCode::BAD_REQUEST, "INVALID_VALUE", "the body is not JSON");
    };
    let id = match check(&bundle) {
        Ok(id) => id,
        Err(problems) => return fhir_error(StatusCode::BAD_REQUEST, "INVALID_VALUE", &problems.join("; ")),
    };
    let repeat = !h.with(&sid, |s| s.eps_seen.insert(id.clone()));
    let prescription = Bundle(&bundle)
        .resources_of("MedicationRequest")
        .find_map(|r| r.json().pointer("/groupIdentifier/value").and_then(Value::as_str))
        .unwrap_or_default()
        .to_string();
    if event(&bundle) == "prescription-order-update" && !repeat {
        return cancel(&h, &sid, &bundle, &prescription);
    }
    if event(&bundle) == "dispense-notification" {
        let dispensed = dispensed_prescription(&bundle).unwrap_or_default();
        let known = h.with(&sid, |s| match s.eps_prescriptions.get_mut(&dispensed) {
            Some(held) if *held != Held::Cancelled => {
                *held = Held::Dispensed;
                true
            }
            _ => false,
        });
        if !known {
            // EPS refuses a supply of a prescription it does not hold, or
            // that was cancelled.
            return fhir_error(
                StatusCode::BAD_REQUEST,
                "INVALID_VALUE",
                &format!("prescription {dispensed} is not one EPS holds to be dispensed"),
            );
        }
    }
    if !repeat {
        h.with(&sid, |s| {
            s.eps_prescriptions.entry(prescription).or_insert(Held::Active);
        });
    }
    let text = if repeat { format!("message {id} was already processed") } else { format!("message {id} processed") };
    fhir(
        StatusCode::OK,
        &json!({
            "resourceType": "OperationOutcome",
            "issue": [{ "severity": "information", "code": "informational", "diagnostics": text }]
        }),
    )
}

fn event(bundle: &Value) -> &str {
    bundle.pointer("/entry/0/resource/eventCoding/code").and_then(Value::as_str).unwrap_or_default()
}

/// A cancellation, answered as EPS answers one (`CancelResponseHandler`
/// and `cancellation-medication-request.ts`): 200 and R-0001 when it is
/// cancelled; 400 when it is not, with the status history saying why —
/// R-0004 dispensed, R-0006 already cancelled, R-0008 not found.
fn cancel(h: &Shared, sid: &Sid, bundle: &Value, prescription: &str) -> Response {
    let before = h.with(sid, |s| {
        let held = s.eps_prescriptions.get(prescription).copied();
        if held == Some(Held::Active) {
            s.eps_prescriptions.insert(prescription.to_string(), Held::Cancelled);
        }
        held
    });
    let (http, code, display, status) = match before {
        Some(Held::Active) => (StatusCode::OK, "R-0001", "Prescription/item was cancelled", "cancelled"),
        Some(Held::Dispensed) => (
            StatusCode::BAD_REQUEST,
            "R-0004",
            "Prescription/item was not cancelled. Prescription has been dispensed.",
            "completed",
        ),
        Some(Held::Cancelled) => {
            (StatusCode::BAD_REQUEST, "R-0006", "Prescription/item had already been cancelled", "cancelled")
        }
        None => (StatusCode::BAD_REQUEST, "R-0008", "Prescription/item not found", "unknown"),
    };
    let mut request = bundle.pointer("/entry/1/resource").cloned().unwrap_or_else(|| json!({}));
    request["status"] = json!(status);
    request["extension"] = json!([{
        "url": STATUS_HISTORY,
        "extension": [
            { "url": "status", "valueCoding": { "system": "https://fhir.nhs.uk/CodeSystem/medicationrequest-status-history", "code": code, "display": display } },
            { "url": "statusDate", "valueDateTime": super::timestamp() }
        ]
    }]);
    fhir(
        http,
        &json!({
            "resourceType": "Bundle",
            "type": "message",
            "identifier": { "system": "https://tools.ietf.org/html/rfc4122", "value": uuid::Uuid::new_v4().to_string() },
            "entry": [
                { "resource": {
                    "resourceType": "MessageHeader",
                    "eventCoding": { "system": crate::fhir::gpc::MESSAGE_EVENT_SYSTEM, "code": "prescription-order-response" },
                    "response": { "identifier": bundle.pointer("/identifier/value").cloned().unwrap_or_default(), "code": if http == StatusCode::OK { "ok" } else { "fatal-error" } }
                } },
                { "resource": request }
            ]
        }),
    )
}

/// The message's identifier, or every reason EPS would refuse it.
fn check(bundle: &Value) -> Result<String, Vec<String>> {
    if bundle.as_resource().resource_type() != Some("Bundle")
        || bundle.get("type").and_then(Value::as_str) != Some("message")
    {
        return Err(vec!["$process-message takes a Bundle of type message".into()]);
    }
    let Some(id) = bundle.pointer("/identifier/value").and_then(Value::as_str).filter(|v| !v.is_empty()) else {
        return Err(vec!["Bundle.identifier.value is required".into()]);
    };
    let problems = match event(bundle) {
        "prescription-order" => order(bundle),
        "prescription-order-update" => cancellation(bundle),
        "dispense-notification" => dispense_notification(bundle),
        _ => vec![
            "MessageHeader.eventCoding.code must be one of: prescription-order, prescription-order-update, dispense-notification (the first entry is the MessageHeader)".into(),
        ],
    };
    if problems.is_empty() { Ok(id.to_string()) } else { Err(problems) }
}

/// Whether the medicine is coded in SNOMED CT (where EPS reads dm+d codes).
fn coded_in_snomed(resource: &Value) -> bool {
    resource
        .pointer("/medicationCodeableConcept/coding")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c.get("system").and_then(Value::as_str) == Some(SNOMED_SYSTEM) && text(c, "/code").is_some())
}

fn of_type<'a>(bundle: &'a Value, ty: &'a str) -> Vec<&'a Value> {
    Bundle(bundle).resources_of(ty).map(Resource::json).collect()
}

/// The resource of the message a reference points to.
fn resolve<'a>(bundle: &'a Value, reference: Option<&Value>) -> Option<Resource<'a>> {
    Bundle(bundle).resolve(Reference(reference?).reference()?)
}

fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A prescription-order: what `verifyPrescriptionBundle` and
/// `verifyCommonBundle` check, and the fields translating it needs.
fn order(bundle: &Value) -> Vec<String> {
    let requests = of_type(bundle, "MedicationRequest");
    let Some(first) = requests.first() else {
        return vec!["a prescription-order holds at least one MedicationRequest".into()];
    };
    let mut problems = Vec::new();
    let mut say = |p: String| {
        if !problems.contains(&p) {
            problems.push(p);
        }
    };
    // What must be the same for every item of one prescription.
    for path in ["/groupIdentifier", "/category", "/authoredOn", "/subject", "/requester", "/dispenseRequest/performer"]
    {
        if requests.iter().any(|r| r.pointer(path) != first.pointer(path)) {
            say(format!("Expected all MedicationRequests to have the same value for {}", &path[1..].replace('/', ".")));
        }
    }
    let mut items = std::collections::HashSet::new();
    for r in &requests {
        if r.get("status").and_then(Value::as_str) != Some("active") {
            say("MedicationRequest.status must be active".into());
        }
        if !matches!(r.get("intent").and_then(Value::as_str), Some("order" | "original-order" | "instance-order")) {
            say("MedicationRequest.intent must be order, original-order or instance-order".into());
        }
        if r.get("medicationCodeableConcept").is_some() && r.get("medicationReference").is_some() {
            say("a MedicationRequest has medicationCodeableConcept or medicationReference, not both".into());
        }
        if !coded_in_snomed(r) {
            say(format!(
                "MedicationRequest.medicationCodeableConcept.coding needs a coding in {SNOMED_SYSTEM} (the dm+d code)"
            ));
        }
        if extension(r, PRESCRIPTION_TYPE).and_then(|e| text(e, "/valueCoding/code")).is_none() {
            say(format!("MedicationRequest.extension({PRESCRIPTION_TYPE}) is required"));
        }
        match r
            .get("identifier")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|i| i.get("system").and_then(Value::as_str) == Some(ITEM_NUMBER))
        {
            Some(i) if text(i, "/value").is_some_and(|v| items.insert(v.to_string())) => {}
            Some(_) => say("Expected all MedicationRequests to have a different value for identifier".into()),
            None => say(format!("MedicationRequest.identifier needs the item number ({ITEM_NUMBER})")),
        }
        if r.pointer("/groupIdentifier/system").and_then(Value::as_str) != Some(PRESCRIPTION_ORDER_SYSTEM)
            || text(r, "/groupIdentifier/value").is_none()
        {
            say(format!(
                "MedicationRequest.groupIdentifier needs the short-form prescription ID ({PRESCRIPTION_ORDER_SYSTEM})"
            ));
        }
        if r.get("groupIdentifier")
            .and_then(|g| extension(g, PRESCRIPTION_ID))
            .and_then(|e| text(e, "/valueIdentifier/value"))
            .is_none()
        {
            say(format!("MedicationRequest.groupIdentifier.extension({PRESCRIPTION_ID}) is required"));
        }
        if r.pointer("/courseOfTherapyType/coding/0/code").and_then(Value::as_str).is_none() {
            say("MedicationRequest.courseOfTherapyType is required".into());
        }
        let dosage: Vec<&Value> = r.get("dosageInstruction").and_then(Value::as_array).into_iter().flatten().collect();
        if dosage.is_empty() {
            say("MedicationRequest.dosageInstruction is required".into());
        } else if dosage.len() > 1 && dosage.iter().any(|d| d.get("sequence").is_none()) {
            say("several dosageInstructions each need a sequence".into());
        }
        if r.pointer("/dispenseRequest/quantity/value").and_then(Value::as_f64).is_none() {
            say("MedicationRequest.dispenseRequest.quantity is required".into());
        }
        if r.pointer("/courseOfTherapyType/coding/0/code").and_then(Value::as_str) == Some(REPEAT_DISPENSING) {
            for path in ["numberOfRepeatsAllowed", "validityPeriod", "expectedSupplyDuration"] {
                if r.pointer(&format!("/dispenseRequest/{path}")).is_none() {
                    say(format!("a repeat-dispensing MedicationRequest needs dispenseRequest.{path}"));
                }
            }
        }
    }
    match resolve(bundle, first.get("requester")) {
        Some(role) if role.is("PractitionerRole") => {
            if resolve(bundle, role.json().get("organization")).is_none() {
                say("practitionerRole.organization must be a reference to an Organization of the message".into());
            }
            if let Some(p) = resolve(bundle, role.json().get("practitioner"))
                && p.identifiers().any(|i| i.system() == Some("https://fhir.hl7.org.uk/Id/gmp-number"))
            {
                say("Practitioner.identifier: expected a GMC|NMC|GPhC|HCPC|professional-code, not a GMP number".into());
            }
        }
        _ => say("MedicationRequest.requester must reference a PractitionerRole of the message".into()),
    }
    let nhs = resolve(bundle, first.get("subject"))
        .is_some_and(|p| p.identifier_values(NHS_NUMBER_SYSTEM).iter().any(|v| !v.is_empty()));
    if !nhs {
        say("MedicationRequest.subject must reference a Patient of the message with an NHS number".into());
    }
    problems
}

/// The prescription a dispense notification is against: the short-form ID
/// of the MedicationRequest its first MedicationDispense authorises from.
fn dispensed_prescription(bundle: &Value) -> Option<String> {
    let dispense = Bundle(bundle).resources_of("MedicationDispense").next()?;
    let reference = dispense.json().pointer("/authorizingPrescription/0/reference")?.as_str()?;
    let id = reference.strip_prefix('#')?;
    dispense
        .json()
        .get("contained")?
        .as_array()?
        .iter()
        .find(|c| c.get("id").and_then(Value::as_str) == Some(id))?
        .pointer("/groupIdentifier/value")?
        .as_str()
        .map(str::to_string)
}

/// A dispense notification: what EPS's `verifyDispenseBundle` and its
/// translation need of each MedicationDispense — the prescription's status
/// after the supply (`Extension-EPS-TaskBusinessStatus`), a SNOMED CT
/// medicine, a quantity, the patient, and the prescription it supplies (a
/// contained MedicationRequest with the short-form ID).
fn dispense_notification(bundle: &Value) -> Vec<String> {
    let dispenses: Vec<&Value> = of_type(bundle, "MedicationDispense");
    if dispenses.is_empty() {
        return vec!["a dispense-notification holds at least one MedicationDispense".into()];
    }
    let mut problems = Vec::new();
    for d in dispenses {
        if extension(d, TASK_BUSINESS_STATUS).and_then(|e| text(e, "/valueCoding/code")).is_none() {
            problems.push(format!("MedicationDispense.extension({TASK_BUSINESS_STATUS}) is required"));
        }
        if !coded_in_snomed(d) {
            problems.push(format!("MedicationDispense.medicationCodeableConcept needs a coding in {SNOMED_SYSTEM}"));
        }
        if d.pointer("/quantity/value").and_then(Value::as_f64).is_none() {
            problems.push("MedicationDispense.quantity is required".into());
        }
        if resolve(bundle, d.get("subject")).is_none_or(|p| p.identifier_values(NHS_NUMBER_SYSTEM).is_empty()) {
            problems
                .push("MedicationDispense.subject must reference a Patient of the message with an NHS number".into());
        }
    }
    if dispensed_prescription(bundle).is_none() {
        problems.push(
            "MedicationDispense.authorizingPrescription must reference a contained MedicationRequest with the prescription's groupIdentifier".into(),
        );
    }
    problems
}

/// A prescription-order-update (cancellation): `verifyCancellationBundle`.
fn cancellation(bundle: &Value) -> Vec<String> {
    let requests = of_type(bundle, "MedicationRequest");
    let mut problems = Vec::new();
    if requests.len() != 1 {
        problems.push("a cancellation holds exactly one MedicationRequest".to_string());
    }
    if requests.iter().any(|r| r.get("status").and_then(Value::as_str) != Some("cancelled")) {
        problems.push("MedicationRequest.status must be cancelled".into());
    }
    if requests.iter().any(|r| r.get("statusReason").is_none()) {
        problems.push("MedicationRequest.statusReason is required".into());
    }
    problems
}

#[cfg(test)]
pub(super) mod tests {
    use serde_json::{Value, json};

    /// An order shaped as EPS's primary-care acute example, built here.
    pub(in crate::national) fn order() -> Value {
        json!({ "resourceType": "Bundle", "type": "message", "identifier": { "value": "m-1" }, "entry": [
            { "fullUrl": "urn:uuid:h", "resource": { "resourceType": "MessageHeader", "eventCoding": { "code": "prescription-order" } } },
            { "fullUrl": "urn:uuid:mr", "resource": {
                "resourceType": "MedicationRequest", "status": "active", "intent": "order",
                "extension": [{ "url": super::PRESCRIPTION_TYPE, "valueCoding": { "code": "0101" } }],
                "identifier": [{ "system": super::ITEM_NUMBER, "value": "item-1" }],
                "medicationCodeableConcept": { "coding": [{ "system": "http://snomed.info/sct", "code": "323510009" }] },
                "subject": { "reference": "urn:uuid:p" }, "requester": { "reference": "urn:uuid:role" },
                "groupIdentifier": { "system": "https://fhir.nhs.uk/Id/prescription-order-number", "value": "A-B-C",
                    "extension": [{ "url": super::PRESCRIPTION_ID, "valueIdentifier": { "value": "uuid" } }] },
                "courseOfTherapyType": { "coding": [{ "code": "acute" }] },
                "dosageInstruction": [{ "text": "one three times a day" }],
                "dispenseRequest": { "quantity": { "value": 21 } } } },
            { "fullUrl": "urn:uuid:p", "resource": { "resourceType": "Patient", "identifier": [{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009" }] } },
            { "fullUrl": "urn:uuid:role", "resource": { "resourceType": "PractitionerRole", "practitioner": { "reference": "urn:uuid:pr" }, "organization": { "reference": "urn:uuid:o" } } },
            { "fullUrl": "urn:uuid:pr", "resource": { "resourceType": "Practitioner" } },
            { "fullUrl": "urn:uuid:o", "resource": { "resourceType": "Organization" } }
        ] })
    }

    /// A dispense notification of the order's item, shaped as EPS's
    /// examples: the item contained, the status after the supply.
    fn notification() -> Value {
        let mut item = order()["entry"][1]["resource"].clone();
        item["id"] = json!("m1");
        json!({ "resourceType": "Bundle", "type": "message", "identifier": { "value": "d-1" }, "entry": [
            { "fullUrl": "urn:uuid:h", "resource": { "resourceType": "MessageHeader", "eventCoding": { "code": "dispense-notification" } } },
            { "fullUrl": "urn:uuid:md", "resource": {
                "resourceType": "MedicationDispense",
                "extension": [{ "url": super::TASK_BUSINESS_STATUS, "valueCoding": { "code": "0006" } }],
                "contained": [item],
                "medicationCodeableConcept": { "coding": [{ "system": "http://snomed.info/sct", "code": "323510009" }] },
                "subject": { "reference": "urn:uuid:p" },
                "authorizingPrescription": [{ "reference": "#m1" }],
                "quantity": { "value": 21 } } },
            { "fullUrl": "urn:uuid:p", "resource": { "resourceType": "Patient", "identifier": [{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009" }] } }
        ] })
    }

    #[test]
    fn a_dispense_notification_names_its_prescription_its_status_and_what_was_supplied() {
        assert_eq!(super::check(&notification()), Ok("d-1".to_string()));
        assert_eq!(super::dispensed_prescription(&notification()).as_deref(), Some("A-B-C"));
        let refused = |change: &dyn Fn(&mut Value), says: &str| {
            let mut b = notification();
            change(&mut b);
            let problems = super::check(&b).expect_err("refused");
            assert!(problems.iter().any(|p| p.contains(says)), "{problems:?} should say {says}");
        };
        refused(&|b| b["entry"][1]["resource"]["extension"] = json!([]), "TaskBusinessStatus");
        refused(
            &|b| b["entry"][1]["resource"]["authorizingPrescription"] = json!([{ "reference": "#other" }]),
            "authorizingPrescription",
        );
        refused(
            &|b| {
                b["entry"][1]["resource"]["medicationCodeableConcept"]["coding"][0]["system"] =
                    json!("https://dmd.nhs.uk")
            },
            "snomed",
        );
        refused(&|b| b["entry"][1]["resource"]["quantity"] = json!({}), "quantity");
        refused(&|b| b["entry"][2]["resource"]["identifier"] = json!([]), "NHS number");
    }

    fn refused_for(change: impl FnOnce(&mut Value), says: &str) {
        let mut b = order();
        change(&mut b);
        let problems = super::check(&b).expect_err(says);
        assert!(problems.iter().any(|p| p.contains(says)), "{problems:?} should say {says}");
    }

    #[test]
    fn an_order_as_eps_takes_it_is_processed() {
        assert_eq!(super::check(&order()), Ok("m-1".to_string()));
    }

    #[test]
    fn eps_refuses_what_its_validation_refuses() {
        refused_for(
            |b| {
                b["entry"][1]["resource"]["medicationCodeableConcept"]["coding"][0]["system"] =
                    json!("https://dmd.nhs.uk")
            },
            "http://snomed.info/sct",
        );
        refused_for(|b| b["entry"][1]["resource"]["requester"]["reference"] = json!("urn:uuid:pr"), "PractitionerRole");
        refused_for(|b| b["entry"][1]["resource"]["intent"] = json!("plan"), "intent");
        refused_for(
            |b| b["entry"][1]["resource"]["groupIdentifier"]["extension"] = json!([]),
            "Extension-DM-PrescriptionId",
        );
        refused_for(|b| b["entry"][1]["resource"]["dosageInstruction"] = json!([]), "dosageInstruction");
        refused_for(
            |b| {
                b["entry"][1]["resource"]["courseOfTherapyType"]["coding"][0]["code"] =
                    json!("continuous-repeat-dispensing")
            },
            "numberOfRepeatsAllowed",
        );
        refused_for(|b| b["entry"][2]["resource"]["identifier"] = json!([]), "NHS number");
        refused_for(|b| b["entry"][0]["resource"]["eventCoding"]["code"] = json!("dispense-claim"), "eventCoding");
        refused_for(
            |b| {
                let mut second = b["entry"][1].clone();
                second["resource"]["authoredOn"] = json!("2026-01-01");
                if let Some(e) = b["entry"].as_array_mut() {
                    e.push(second);
                }
            },
            "same value for authoredOn",
        );
    }

    #[test]
    fn a_cancellation_names_one_cancelled_item_with_a_reason() {
        let mut b = order();
        b["entry"][0]["resource"]["eventCoding"]["code"] = json!("prescription-order-update");
        assert!(super::check(&b).is_err_and(|p| p.iter().any(|p| p.contains("cancelled"))));
        b["entry"][1]["resource"]["status"] = json!("cancelled");
        b["entry"][1]["resource"]["statusReason"] = json!({ "coding": [{ "code": "0001" }] });
        assert!(super::check(&b).is_ok());
    }
}
