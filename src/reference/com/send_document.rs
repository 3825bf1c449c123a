//! Receiving a document by GP Connect Send Document as a GP system does
//! (COM, profile §36): an ITK3 message collected from MESH is checked, its
//! sender told how it went by ITK3 responses over MESH (an infrastructure
//! response, then a business one once the patient is matched), and its
//! document filed into the patient's record, where Access Document (INF)
//! lists and serves it (`inf::documents::Filed`).

use base64::Engine as _;
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc;
use crate::fhir::itk;
use crate::fhir::views::Bundle;
use crate::reference::State;
use crate::reference::com::defects::ComDefect;
use crate::reference::com::mesh::{mailbox, mesh};
use crate::reference::outbound::{Action, failed, has, http};
use crate::reference::outcome::Outcome;

/// Content types the record holds (profile §36).
pub const FILED_TYPES: [&str; 8] = [
    "application/pdf",
    "text/plain",
    "text/rtf",
    "image/jpeg",
    "image/png",
    "image/tiff",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
];

/// What the `one-mib-document-limit` defect keeps of the old filing API.
const OLD_API_LIMIT: usize = 1024 * 1024;

/// Whether a MESH message under this workflow is a Send Document message.
pub(super) fn is_send_document(workflow: &str) -> bool {
    [itk::SEND_DOCUMENT_WORKFLOW, itk::SEND_DOCUMENT_WORKFLOW_V1].contains(&workflow)
}

/// One ITK3 response code and why.
pub(super) struct Code {
    code: &'static str,
    why: String,
}

impl Code {
    pub(super) fn new(code: &'static str, why: impl Into<String>) -> Self {
        Self { code, why: why.into() }
    }

    fn positive(&self) -> bool {
        matches!(self.code, "20013" | "30001" | "30004")
    }

    /// (FHIR issue type, display) as ITK3 lists them.
    fn issue(&self) -> (&'static str, &'static str) {
        match self.code {
            "20013" => ("informational", "Success"),
            "30001" => ("informational", "Patient known here"),
            "30002" => ("not-found", "Patient not known here"),
            "20002" => ("not-found", "Unrecognised Recipient Organisation"),
            "20005" => ("not-supported", "Unsupported file type received as an attachment"),
            "20006" => ("structure", "ITK header validation failure"),
            "20009" => ("invalid", "Payload validation failure"),
            "20015" => ("too-costly", "Message too large"),
            _ => ("structure", "Unreadable message received"),
        }
    }
}

/// The message as received, and where its responses go.
pub(super) struct Received<'a> {
    pub(super) message: &'a Value,
    pub(super) header: Option<&'a Value>,
    /// The sender's mailbox: `MessageHeader.source.endpoint`, or MESH's `Mex-From`.
    pub(super) reply_to: String,
    workflow: &'a str,
}

/// What an inbound message yields once checked: whose record it is for.
pub(super) trait Payload {
    fn patient_nhs(&self) -> &str;
}

impl Payload for Document {
    fn patient_nhs(&self) -> &str {
        &self.patient_nhs
    }
}

/// Handles one downloaded Send Document message; answers whether a
/// document was filed.
pub(super) async fn receive(s: &State, a: &Action, from: &str, workflow: &str, body: &[u8]) -> Result<bool, Outcome> {
    let take = |s: &State, id: &str, d: &Document| !has(s, ComDefect::KeepsRefusedDocument) && file(s, id, d);
    answer(s, a, Inbound { from, workflow, body }, checked, take, || has(s, ComDefect::DocumentsUnchecked)).await
}

/// A downloaded MESH message.
pub(super) struct Inbound<'a> {
    pub(super) from: &'a str,
    pub(super) workflow: &'a str,
    pub(super) body: &'a [u8],
}

/// The ITK3 exchange every inbound message gets: none when no response can
/// be addressed; else `check` it (a negative response if it fails), the
/// infrastructure response, `take` the payload
/// for a patient registered here, then the business response (30002 for a
/// patient not known here, unless `any_patient`). Answers whether it was
/// taken.
pub(super) async fn answer<T: Payload>(
    s: &State,
    a: &Action,
    inbound: Inbound<'_>,
    check: impl Fn(&State, &Received) -> Result<T, Code>,
    take: impl Fn(&State, &str, &T) -> bool,
    any_patient: impl Fn() -> bool,
) -> Result<bool, Outcome> {
    let Inbound { from, workflow, body } = inbound;
    let message: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let header = itk::header(&message);
    let reply_to = header
        .and_then(|h| h.pointer("/source/endpoint"))
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())
        .unwrap_or(from)
        .to_string();
    let r = Received { message: &message, header, reply_to, workflow };
    let flag = |key| header.and_then(|h| itk::handling(h, key)).and_then(Value::as_bool);
    // Flags that cannot be read: a response is sent anyway (ITK3).
    let (inf, bus) = (flag("InfAckRequested").unwrap_or(true), flag("BusAckRequested").unwrap_or(true));
    if r.reply_to.is_empty() {
        return Ok(false);
    }
    let payload = match check(s, &r) {
        Ok(d) => d,
        Err(code) => {
            if inf {
                respond(s, a, &r, &code).await?;
            }
            return Ok(false);
        }
    };
    if inf {
        respond(s, a, &r, &Code::new("20013", "")).await?;
    }
    let nhs = payload.patient_nhs();
    let patient = s.store.by_nhs_number(nhs).find(|p| p.is_active()).map(|p| p.id.clone());
    let filed = match &patient {
        Some(id) => take(s, id, &payload),
        _ => false,
    };
    if bus {
        let code = if patient.is_some() || any_patient() {
            Code::new("30001", "")
        } else {
            Code::new("30002", "the patient the message is about is not registered at this practice")
        };
        if !has(s, ComDefect::NoBusinessAck) {
            respond(s, a, &r, &code).await?;
        }
    }
    Ok(filed)
}

/// What the checks keep of a message: the document and whose it is.
struct Document {
    patient_nhs: String,
    composition: Value,
    content_type: String,
    bytes: Vec<u8>,
}

/// Checks the message as ITK3 and Send Document ask: `Err` with the
/// negative response code, else the document. Under `keeps-refused-document` the document is
/// filed before it is checked.
fn checked(s: &State, r: &Received) -> Result<Document, Code> {
    let d = |x| has(s, x);
    let unchecked = d(ComDefect::DocumentsUnchecked);
    let header = header_for(r, itk::SEND_DOCUMENT_EVENT, "ITK007C (GP Connect Send Document)")?;
    if let Some(receiver) = header.pointer("/receiver/reference").and_then(Value::as_str)
        && !unchecked
    {
        let ods = r
            .message
            .as_bundle()
            .resolve(receiver)
            .map(|o| o.identifier_values(gpc::ODS_ORGANIZATION_SYSTEM).join(","))
            .unwrap_or_default();
        if ods != s.ods_code {
            return Err(Code::new(
                "20002",
                format!("MessageHeader.receiver is organisation `{ods}`, not this practice"),
            ));
        }
    }
    let bundle = document_of(r)?;
    let (composition, patient_nhs) = subject_of(bundle)?;
    let binary = composition
        .pointer("/section/0/entry/0/reference")
        .and_then(Value::as_str)
        .and_then(|b| bundle.resolve(b))
        .filter(|b| b.is("Binary"));
    let content_type = binary.and_then(|b| b.json().get("contentType")).and_then(Value::as_str).unwrap_or_default();
    let bytes = binary
        .and_then(|b| b.json().get("content"))
        .and_then(Value::as_str)
        .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
        .unwrap_or_default();
    let document = Document { patient_nhs, composition, content_type: content_type.to_string(), bytes };
    if d(ComDefect::KeepsRefusedDocument)
        && let Some(p) = s.store.by_nhs_number(&document.patient_nhs).find(|p| p.is_active())
    {
        file(s, &p.id.clone(), &document);
    }
    let typed = document.composition.pointer("/type/coding").and_then(Value::as_array).into_iter().flatten().any(|c| {
        c.get("system").and_then(Value::as_str) == Some(gpc::SNOMED_SYSTEM)
            && c.get("code").and_then(Value::as_str).is_some_and(|c| crate::terminology::check_concept_id(c).is_ok())
    });
    if !typed && !unchecked {
        return Err(Code::new("20009", "Composition.type needs a SNOMED CT document type"));
    }
    if document.bytes.is_empty() && !unchecked {
        return Err(Code::new(
            "20009",
            "the Composition's first section names no Binary with content (base64) to file",
        ));
    }
    if !FILED_TYPES.contains(&document.content_type.as_str()) && !d(ComDefect::AnyContentType) {
        return Err(Code::new(
            "20005",
            format!(
                "attachment type `{}` is not one the record holds ({})",
                document.content_type,
                FILED_TYPES.join(", ")
            ),
        ));
    }
    if document.bytes.len() > OLD_API_LIMIT && d(ComDefect::OneMibDocumentLimit) {
        return Err(Code::new("20015", format!("{} bytes is over the 1 MiB limit", document.bytes.len())));
    }
    Ok(document)
}

/// The MessageHeader of an ITK3 message Bundle whose event is `event`
/// (named `what`): 10009 if it is no message, 20006 for another event.
pub(super) fn header_for<'a>(r: &Received<'a>, event: &str, what: &str) -> Result<&'a Value, Code> {
    let Some(header) = r.header.filter(|_| r.message.as_bundle().kind() == Some("message")) else {
        return Err(Code::new("10009", "the message is not an ITK3 message Bundle with a MessageHeader first"));
    };
    if itk::event(header) != Some(event) {
        return Err(Code::new("20006", format!("MessageHeader.event is not {what}")));
    }
    Ok(header)
}

/// The document Bundle the MessageHeader's `focus` names (20009 if none).
pub(super) fn document_of<'a>(r: &Received<'a>) -> Result<Bundle<'a>, Code> {
    itk::document(r.message)
        .map(|d| d.as_bundle())
        .ok_or_else(|| Code::new("20009", "MessageHeader.focus does not name the message's document Bundle"))
}

/// The document's Composition, and the NHS number of the Patient it is
/// about (20009 if either is missing).
pub(super) fn subject_of(bundle: Bundle) -> Result<(Value, String), Code> {
    let Some(composition) = bundle.resources_of("Composition").next().map(|c| c.json().clone()) else {
        return Err(Code::new("20009", "the document Bundle has no Composition"));
    };
    let patient = composition.pointer("/subject/reference").and_then(Value::as_str).and_then(|p| bundle.resolve(p));
    match patient.and_then(|p| p.identifier_values(gpc::NHS_NUMBER_SYSTEM).first().map(|n| n.to_string())) {
        Some(nhs) => Ok((composition, nhs)),
        None => Err(Code::new("20009", "Composition.subject is not a Patient with an NHS number")),
    }
}

/// Files the document into the patient's record as a DocumentReference;
/// answers whether it did.
fn file(s: &State, patient: &str, document: &Document) -> bool {
    if has(s, ComDefect::FiledDocumentsNotListed) {
        return false;
    }
    let c = &document.composition;
    let title = c.get("title").cloned().unwrap_or(Value::Null);
    let mut attachment = json!({
        "contentType": document.content_type,
        "size": document.bytes.len(),
        "title": title,
    });
    if !has(s, ComDefect::FiledWithoutContent) {
        attachment["data"] = json!(base64::engine::general_purpose::STANDARD.encode(&document.bytes));
    }
    let doc = json!({
        "resourceType": "DocumentReference",
        "status": "current",
        "type": c.get("type").cloned().unwrap_or(Value::Null),
        "subject": { "reference": format!("Patient/{patient}") },
        "created": c.get("date").cloned().unwrap_or(Value::Null),
        "indexed": crate::reference::instant(crate::reference::now()),
        "description": title,
        "content": [{ "attachment": attachment }]
    });
    crate::reference::inf::documents::file_own(s, patient, doc);
    true
}

/// Sends the sender an ITK3 response with this code over MESH.
pub(super) async fn respond(s: &State, a: &Action, r: &Received<'_>, code: &Code) -> Result<(), Outcome> {
    let own = mailbox(s);
    let workflow = if has(s, ComDefect::AcksUnderMessageWorkflow) {
        r.workflow.to_string()
    } else {
        itk::ack_workflow(r.workflow)
    };
    let body = response(s, r, code, &own);
    let req = http()
        .post(a.url(&format!("mesh/messageexchange/{own}/outbox"))?)
        .header("Mex-From", &own)
        .header("Mex-To", &r.reply_to)
        .header("Mex-WorkflowID", workflow)
        .header("Mex-Subject", "ITK3 response")
        .header("Mex-LocalID", uuid::Uuid::new_v4().to_string())
        .header("Mex-FileName", "response.json")
        .header("Content-Type", gpc::FHIR_JSON)
        .body(body.to_string());
    let reply = mesh(s, req).await?;
    if !reply.ok() {
        return Err(failed("MESH", &reply));
    }
    Ok(())
}

/// The ITK3 response bundle: a MessageHeader (event ITK008M, both
/// acknowledgement flags false, the SenderReference echoed, `response`
/// naming the message answered), the practice's header Organization, and
/// an OperationOutcome carrying the code.
fn response(s: &State, r: &Received, code: &Code, own: &str) -> Value {
    let header = r.header.unwrap_or(&Value::Null);
    let answered =
        if has(s, ComDefect::AckNamesBundleId) { r.message.pointer("/identifier/value") } else { header.get("id") }
            .and_then(Value::as_str)
            .unwrap_or("UNREADABLE-IN-ORIGINAL-MESSAGE");
    let sender_reference = itk::handling(header, "SenderReference").cloned().unwrap_or(json!("None"));
    let [h, org, oo] = [0; 3].map(|_| uuid::Uuid::new_v4().to_string());
    let (issue_code, display) = code.issue();
    let mut issue = json!({
        "severity": if code.positive() { "information" } else { "fatal" },
        "code": issue_code,
        "details": { "coding": [{ "system": itk::RESPONSE_CODES_SYSTEM, "code": code.code, "display": display }] }
    });
    if !code.why.is_empty() {
        issue["diagnostics"] = json!(code.why);
    }
    json!({
        "resourceType": "Bundle",
        "meta": { "profile": [itk::MESSAGE_BUNDLE_PROFILE] },
        "identifier": { "system": itk::UUID_SYSTEM, "value": uuid::Uuid::new_v4().to_string() },
        "type": "message",
        "entry": [
            { "fullUrl": format!("urn:uuid:{h}"), "resource": {
                "resourceType": "MessageHeader",
                "id": h,
                "meta": { "profile": [itk::MESSAGE_HEADER_PROFILE] },
                "extension": [{ "url": itk::HANDLING_EXTENSION, "extension": [
                    { "url": "BusAckRequested", "valueBoolean": false },
                    { "url": "InfAckRequested", "valueBoolean": false },
                    { "url": "SenderReference", "valueString": sender_reference }
                ] }],
                "event": { "system": itk::MESSAGE_EVENT_SYSTEM, "code": itk::RESPONSE_EVENT, "display": "ITK Response" },
                "sender": { "reference": format!("urn:uuid:{org}") },
                "timestamp": crate::reference::instant(crate::reference::now()),
                "source": { "endpoint": own },
                "response": {
                    "identifier": answered,
                    "code": if code.positive() { "ok" } else { "fatal-error" },
                    "details": { "reference": format!("urn:uuid:{oo}") }
                },
                "focus": { "reference": format!("urn:uuid:{oo}") }
            } },
            { "fullUrl": format!("urn:uuid:{org}"), "resource": {
                "resourceType": "Organization",
                "id": org,
                "meta": { "profile": [itk::HEADER_ORGANIZATION_PROFILE] },
                "identifier": [{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": s.ods_code }]
            } },
            { "fullUrl": format!("urn:uuid:{oo}"), "resource": {
                "resourceType": "OperationOutcome",
                "id": oo,
                "meta": { "profile": [itk::RESPONSE_OUTCOME_PROFILE] },
                "issue": [issue]
            } }
        ]
    })
}
