//! ITK3 messaging vocabulary (FHIR STU3 messages in an ITK3 envelope, sent
//! over MESH), as GP Connect Send Document uses it: the profile and code
//! system names, the handling-specification keys and the MESH workflow ids
//! (docs/national-routes-research.md §1). Names and typed reads only: which
//! answer a message deserves is a rule, and the judge and the reference
//! each hold their own.

use serde_json::Value;

use crate::fhir::Views as _;
use crate::fhir::views::Resource;

pub const MESSAGE_BUNDLE_PROFILE: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Message-Bundle-1";
pub const MESSAGE_HEADER_PROFILE: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-MessageHeader-2";
pub const HEADER_ORGANIZATION_PROFILE: &str =
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-ITK-Header-Organization-1";
pub const DOCUMENT_BUNDLE_PROFILE: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Document-Bundle-1";
pub const COMPOSITION_PROFILE: &str = "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Composition-1";
pub const ATTACHMENT_BINARY_PROFILE: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Attachment-Binary-1";
pub const RESPONSE_OUTCOME_PROFILE: &str =
    "https://fhir.nhs.uk/STU3/StructureDefinition/ITK-Response-OperationOutcome-1";

/// `MessageHeader.event`'s system.
pub const MESSAGE_EVENT_SYSTEM: &str = "https://fhir.nhs.uk/STU3/CodeSystem/ITK-MessageEvent-2";
/// The event of a Send Document message.
pub const SEND_DOCUMENT_EVENT: &str = "ITK007C";
/// The event of an ITK3 response (an acknowledgement).
pub const RESPONSE_EVENT: &str = "ITK008M";

/// The handling-specification extension on the MessageHeader.
pub const HANDLING_EXTENSION: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-ITK-MessageHandling-2";
pub const RECIPIENT_TYPE_SYSTEM: &str = "https://fhir.nhs.uk/STU3/CodeSystem/ITK-RecipientType-1";
pub const SEND_DOCUMENT_DEFINITION: &str =
    "https://fhir.nhs.uk/STU3/MessageDefinition/ITK-GPConnectSendDocument-MessageDefinition-1";
/// Where `OperationOutcome.issue.details.coding` carries an ITK3 response code.
pub const RESPONSE_CODES_SYSTEM: &str = "https://fhir.nhs.uk/STU3/CodeSystem/ITK-ResponseCodes-1";
/// The system of a message's `Bundle.identifier` (a UUID).
pub const UUID_SYSTEM: &str = "https://tools.ietf.org/html/rfc4122";

/// Send Document's MESH workflow ids: 2.0's, and 1.x's that senders not
/// yet upgraded still use; a receiver takes both.
pub const SEND_DOCUMENT_WORKFLOW: &str = "GPCONNECT_SEND_DOCUMENT";
pub const SEND_DOCUMENT_WORKFLOW_V1: &str = "GPFED_CONSULT_REPORT";
/// GP Connect Update Record's MESH workflow and ITK3 event (the Update
/// Record ITK3 guide, "Workflow groups and ID" and the MessageHeader's
/// `event`).
pub const UPDATE_RECORD_WORKFLOW: &str = "GPCONNECT_UPDATE_RECORD";
pub const UPDATE_RECORD_EVENT: &str = "ITK014M";
/// Update Record has no MessageDefinition of its own; its examples name
/// this one to pass validation.
pub const UPDATE_RECORD_DEFINITION: &str = "https://fhir.nhs.uk/MessageDefinition";
/// The profiles an Update Record document Bundle may hold (its guide's
/// profile pages). Flag, ReferralRequest, Procedure and Appointment are
/// listed there as out of scope: a message holding one "MUST" be refused
/// whole with 20009, as one with any profile not here is.
pub const UPDATE_RECORD_PROFILES: [&str; 12] = [
    DOCUMENT_BUNDLE_PROFILE,
    COMPOSITION_PROFILE,
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-AllergyIntolerance-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-ClinicalImpression-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Condition-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Encounter-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-MedicationDispense-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Observation-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Organization-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Patient-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-Practitioner-1",
    "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-PractitionerRole-1",
];
/// Out of Update Record's scope (its Flag profile page): a message holding
/// one is refused with 20009.
pub const FLAG_PROFILE: &str = "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Flag-1";

/// The MESH workflow an acknowledgement of a message under `workflow` goes under.
pub fn ack_workflow(workflow: &str) -> String {
    format!("{workflow}_ACK")
}

/// The message's MessageHeader: its first entry's resource.
pub fn header(message: &Value) -> Option<&Value> {
    message.as_bundle().entries().next()?.resource().filter(|r| r.is("MessageHeader")).map(Resource::json)
}

/// The value (`valueBoolean`, `valueString`, `valueCoding`,
/// `valueReference`…) of a handling-specification key of a MessageHeader.
pub fn handling<'a>(header: &'a Value, key: &str) -> Option<&'a Value> {
    let handling = header
        .get("extension")
        .and_then(Value::as_array)?
        .iter()
        .find(|e| e.get("url").and_then(Value::as_str) == Some(HANDLING_EXTENSION))?;
    let part = handling
        .get("extension")
        .and_then(Value::as_array)?
        .iter()
        .find(|e| e.get("url").and_then(Value::as_str) == Some(key))?;
    part.as_object()?.iter().find(|(k, _)| k.starts_with("value")).map(|(_, v)| v)
}

/// A MessageHeader's `event` code in the ITK message event system.
pub fn event(header: &Value) -> Option<&str> {
    let e = header.get("event")?;
    (e.get("system").and_then(Value::as_str) == Some(MESSAGE_EVENT_SYSTEM)).then_some(())?;
    e.get("code").and_then(Value::as_str)
}

/// The document bundle a Send Document message carries: the resource its
/// MessageHeader's `focus` refers to.
pub fn document(message: &Value) -> Option<&Value> {
    let focus = header(message)?.pointer("/focus/reference").and_then(Value::as_str)?;
    message.as_bundle().resolve(focus).map(Resource::json)
}

/// The ITK3 response code of a response's OperationOutcome (its first
/// issue's coding in the response code system).
pub fn response_code(outcome: &Value) -> Option<&str> {
    outcome
        .as_outcome()
        .issues()
        .next()?
        .details()?
        .codings()
        .find(|c| c.system() == Some(RESPONSE_CODES_SYSTEM))?
        .code()
}

/// The OperationOutcome an ITK3 response carries, through its
/// MessageHeader's `response.details` or, failing that, its `focus` (both
/// are seen in practice).
pub fn response_outcome(response: &Value) -> Option<&Value> {
    let h = header(response)?;
    ["/response/details/reference", "/focus/reference"]
        .iter()
        .filter_map(|p| h.pointer(p).and_then(Value::as_str))
        .filter_map(|r| response.as_bundle().resolve(r))
        .find(|r| r.is("OperationOutcome"))
        .map(Resource::json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_response_as_itk3_lays_it_out() {
        let response = json!({ "resourceType": "Bundle", "type": "message", "entry": [
            { "fullUrl": "urn:uuid:h", "resource": { "resourceType": "MessageHeader",
                "extension": [{ "url": HANDLING_EXTENSION, "extension": [
                    { "url": "InfAckRequested", "valueBoolean": false },
                    { "url": "SenderReference", "valueString": "ref-1" }] }],
                "event": { "system": MESSAGE_EVENT_SYSTEM, "code": RESPONSE_EVENT },
                "response": { "identifier": "m1", "code": "ok" },
                "focus": { "reference": "urn:uuid:o" } } },
            { "fullUrl": "urn:uuid:o", "resource": { "resourceType": "OperationOutcome", "issue": [{
                "severity": "information", "code": "informational",
                "details": { "coding": [{ "system": RESPONSE_CODES_SYSTEM, "code": "20013" }] } }] } }
        ] });
        let h = header(&response).expect("a header");
        assert_eq!(event(h), Some(RESPONSE_EVENT));
        assert_eq!(handling(h, "SenderReference"), Some(&json!("ref-1")));
        assert_eq!(handling(h, "InfAckRequested"), Some(&json!(false)));
        assert_eq!(handling(h, "BusAckRequested"), None);
        assert_eq!(response_outcome(&response).and_then(response_code), Some("20013"));
        assert_eq!(ack_workflow(SEND_DOCUMENT_WORKFLOW), "GPCONNECT_SEND_DOCUMENT_ACK");
    }
}
