//! Documents received by GP Connect Send Document (COM, profile §36): the
//! harness, as another organisation, puts an ITK3 message in the
//! candidate's MESH inbox, asks it to collect its mail, and judges the ITK3
//! responses it sends back over MESH; a document taken is then found by the
//! patient's Access Document search and retrieved byte for byte.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::evidence::Exchange;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::fhir::itk;
use crate::national::{MeshMessage, Service};
use crate::steps::common::bundle::resources;
use crate::steps::common::http::fetch;
use crate::steps::common::keys::{self, fresh_identifier};
use crate::steps::consumer::{act, body_json, fail_with, inbound, listing, national, own};
use crate::steps::inf::documents::{document_spec, patient_id};
use crate::steps::rec::entries::DEFAULT_WHEN;
use crate::steps::rec::register::demographics;
use crate::steps::world::{Failure, RfaWorld, SentDocument, StepResult};
use crate::steps::{Args, StepDef, step};
use crate::support::stable_uuid;

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a (PDF|text|PNG) document for "([^"]+)" sent by GP Connect Send Document(?: of (\d+) bytes)?(?: under (GPCONNECT_SEND_DOCUMENT|GPFED_CONSULT_REPORT))?$"# => build, "Finds the patient on the documents endpoint (evidence kept), then builds a Send Document ITK3 message from the other practice of `fixtures/national.json`: a message Bundle (ITK-Message-Bundle-1) whose MessageHeader has event ITK007C, the handling specification (both acknowledgements requested, RecipientType FA, the Send Document MessageDefinition, a SenderReference) and the sender's mailbox as `source.endpoint`; the header Organization; and a document Bundle with a Composition (a SNOMED CT document type, a title unique to the scenario) whose first section names a Binary carrying the document, the Patient (NHS number, official name, birth date), the author and the sending Organization. `of N bytes` pads the document to N bytes. The MESH workflow is GPCONNECT_SEND_DOCUMENT (2.0) unless named (GPFED_CONSULT_REPORT: 1.x, a consultation report). It is delivered when the candidate is asked to collect it."),
        step!(Given r#"^the Send Document message's (MessageHeader|Composition|Binary|Patient) "([^"]+)" is (.+)$"# => edit, "Sets an element of that resource of the message (a dotted path, array indices as numbers) to a JSON value, or removes it with `absent`."),
        step!(Given r#"^the (?:Send Document|Update Record) message is about "([^"]+)"$"# => about, "The message's Patient becomes this fixture patient (NHS number, name, birth date), under the profile it had."),
        step!(Given r#"^the Send Document message is addressed to "([^"]+)"$"# => addressed, "The MessageHeader names a `receiver`: a header Organization with this fixture organisation's ODS code."),
        step!(When r#"^the candidate is asked to collect the (?:Send Document|Update Record) message from its MESH inbox$"# => collect, "Puts the message in the candidate's MESH inbox on the hosted MESH (from the sender's mailbox, under its workflow, with a subject naming the report, the patient and the sender), then asks the candidate to collect its MESH messages (action `receive-mesh-messages`)."),
        step!(Then r#"^the candidate answered the (?:Send Document|Update Record) message with (.+)$"# => answered, "The ITK3 responses to the message (message Bundles whose MessageHeader has event ITK008M and `response.identifier` the message's MessageHeader id), in the order sent: exactly one per stage (`A then B`), each with an ITK3 response code as listed (`A or B`). Each is posted to the candidate's own outbox, from its mailbox, to the message's `source.endpoint`, under the message's workflow with `_ACK`, and accepted (202); asks for no acknowledgement itself (BusAckRequested, InfAckRequested false); echoes the SenderReference; carries, through `response.details` or `focus`, an OperationOutcome whose first issue has the code in https://fhir.nhs.uk/STU3/CodeSystem/ITK-ResponseCodes-1; `response.code` `ok` and severity `information` for 20013, 30001 and 30004, else `fatal-error`, severity `fatal` and a `diagnostics`."),
        step!(Then r#"^the document sent is among the documents of its patient$"# => among, "Searches the patient's documents (`GET [documents]/Patient/[id]/DocumentReference` with its mandatory includes, evidence kept): HTTP 200, and a DocumentReference whose description (or type text, or attachment title) holds the Composition's title."),
        step!(Then r#"^the document sent is retrieved as sent$"# => retrieved, "Retrieves that DocumentReference's Binary (`GET` of its attachment url, which lies under the documents service root; evidence kept): HTTP 200, the contentType sent, and content decoding to exactly the bytes sent."),
        step!(Then r#"^no document was filed from the Send Document message$"# => nothing_filed, "Searches the documents of the patient the message was built for (evidence kept): HTTP 200, and no DocumentReference holds the Composition's title (which is fresh to the scenario)."),
    ]
}

/// The codes that say yes (ITK3 response codes).
const POSITIVE: [&str; 3] = ["20013", "30001", "30004"];

/// A deterministic document of this kind, padded to `size` bytes if given.
fn content(kind: &str, size: Option<usize>) -> (&'static str, Vec<u8>) {
    let (ty, mut bytes): (&str, Vec<u8>) = match kind {
        "PDF" => (
            "application/pdf",
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec(),
        ),
        "PNG" => (
            "image/png",
            // A 1x1 transparent PNG.
            base64::engine::general_purpose::STANDARD
                .decode(
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
                )
                .unwrap_or_default(),
        ),
        _ => (
            "text/plain",
            b"Discharge summary: admitted with community-acquired pneumonia, treated, home on day 4.\n".to_vec(),
        ),
    };
    if let Some(n) = size {
        let filler = b" filler line for the size test.\n";
        bytes.extend(filler.iter().cycle().take(n.saturating_sub(bytes.len())));
        bytes.truncate(n);
    }
    (ty, bytes)
}

/// Send Document's Patient profile (Update Record's is GP Connect's own).
const CARE_CONNECT_PATIENT: &str = "https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Patient-1";

/// The message's Patient resource for a fixture key, under `profile`.
pub(super) fn patient_resource(w: &RfaWorld, key: &str, id: &str, profile: &str) -> Result<Value, Failure> {
    let (nhs, family, given, gender, birth) = demographics(w, key)?;
    Ok(json!({
        "resourceType": "Patient",
        "id": id,
        "meta": { "profile": [profile] },
        "identifier": [{ "system": gpc::NHS_NUMBER_SYSTEM, "value": nhs }],
        "name": [{ "use": "official", "family": family, "given": [given] }],
        "gender": gender,
        "birthDate": birth
    }))
}

/// `{ fullUrl, resource }` for a resource with an id.
pub(super) fn entry(resource: Value) -> Value {
    let id = resource.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
    json!({ "fullUrl": format!("urn:uuid:{id}"), "resource": resource })
}

/// What tells one kind of ITK3 message from another: the MessageHeader's
/// event and handling specification, and who sends it.
pub(super) struct Envelope<'a> {
    /// The scenario's fresh identifier, which every id is made from.
    pub marker: &'a str,
    pub event: (&'a str, &'a str),
    pub recipient_type: (&'a str, &'a str),
    pub definition: &'a str,
    pub local_extension: &'a str,
    pub sender_ods: &'a str,
    pub mailbox: &'a str,
    pub timestamp: &'a str,
}

impl Envelope<'_> {
    /// The message Bundle: a MessageHeader (the event; the handling
    /// specification asking for both acknowledgements, with a
    /// SenderReference; the sender's mailbox as `source.endpoint`; `focus`
    /// the document), the sender's header Organization, and a document
    /// Bundle holding `entries` (see [`entry`]).
    pub fn message(&self, entries: Vec<Value>) -> Value {
        let id = |part| stable_uuid(self.marker, part);
        let ods = json!([{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": self.sender_ods }]);
        let handling = json!({ "url": itk::HANDLING_EXTENSION, "extension": [
            { "url": "BusAckRequested", "valueBoolean": true },
            { "url": "InfAckRequested", "valueBoolean": true },
            { "url": "RecipientType", "valueCoding": { "system": itk::RECIPIENT_TYPE_SYSTEM, "code": self.recipient_type.0, "display": self.recipient_type.1 } },
            { "url": "MessageDefinition", "valueReference": { "reference": self.definition } },
            { "url": "SenderReference", "valueString": id("encounter") },
            { "url": "LocalExtension", "valueString": self.local_extension }
        ] });
        let document = json!({
            "resourceType": "Bundle",
            "id": id("document"),
            "meta": { "profile": [itk::DOCUMENT_BUNDLE_PROFILE] },
            "identifier": { "system": itk::UUID_SYSTEM, "value": id("document-identifier") },
            "type": "document",
            "entry": entries
        });
        json!({
            "resourceType": "Bundle",
            "id": id("message"),
            "meta": { "profile": [itk::MESSAGE_BUNDLE_PROFILE] },
            "identifier": { "system": itk::UUID_SYSTEM, "value": id("message-identifier") },
            "type": "message",
            "entry": [
                entry(json!({
                    "resourceType": "MessageHeader",
                    "id": id("header"),
                    "meta": { "profile": [itk::MESSAGE_HEADER_PROFILE] },
                    "extension": [handling],
                    "event": { "system": itk::MESSAGE_EVENT_SYSTEM, "code": self.event.0, "display": self.event.1 },
                    "sender": { "reference": format!("urn:uuid:{}", id("header-organization")) },
                    "timestamp": self.timestamp,
                    "source": { "endpoint": self.mailbox },
                    "focus": { "reference": format!("urn:uuid:{}", id("document")) }
                })),
                entry(json!({
                    "resourceType": "Organization",
                    "id": id("header-organization"),
                    "meta": { "profile": [itk::HEADER_ORGANIZATION_PROFILE] },
                    "identifier": ods
                })),
                entry(document)
            ]
        })
    }
}

async fn build(w: &mut RfaWorld, a: &Args) -> StepResult {
    own(w).await?;
    let (kind, key) = (a.get(1), a.get(2));
    let size = match a.get(3) {
        "" => None,
        n => Some(n.parse::<usize>().map_err(|_| Failure::Harness(format!("`{n}` is not a size")))?),
    };
    let workflow = if a.get(4).is_empty() { itk::SEND_DOCUMENT_WORKFLOW } else { a.get(4) }.to_string();
    let patient = patient_id(w, key).await?;
    let marker = fresh_identifier(w);
    let (ty, bytes) = content(kind, size);
    let (code, name) = if workflow == itk::SEND_DOCUMENT_WORKFLOW_V1 {
        ("371531000", "Consultation report")
    } else {
        ("373942005", "Discharge summary")
    };
    let title = format!("{name} (rfa {marker})");
    let id = |part| stable_uuid(&marker, part);
    let sender = &national()?.other_practice;
    let mailbox = national()?.mesh.recipient.clone();
    let ods = |value: &str| json!([{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": value }]);
    let envelope = Envelope {
        marker: &marker,
        event: (itk::SEND_DOCUMENT_EVENT, "ITK GP Connect Send Document"),
        recipient_type: ("FA", "For Action"),
        definition: itk::SEND_DOCUMENT_DEFINITION,
        local_extension: "SendDocument-Generic",
        sender_ods: &sender.ods_code,
        mailbox: &mailbox,
        timestamp: DEFAULT_WHEN,
    };
    let message = envelope.message(vec![
        entry(json!({
            "resourceType": "Composition",
            "id": id("composition"),
            "meta": { "profile": [itk::COMPOSITION_PROFILE] },
            "identifier": { "system": itk::UUID_SYSTEM, "value": id("composition-identifier") },
            "status": "final",
            "type": { "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": code, "display": name }] },
            "subject": { "reference": format!("urn:uuid:{}", id("patient")) },
            "date": DEFAULT_WHEN,
            "author": [{ "reference": format!("urn:uuid:{}", id("practitioner")) }],
            "title": title,
            "confidentiality": "N",
            "custodian": { "reference": format!("urn:uuid:{}", id("organization")) },
            "section": [{ "title": name, "entry": [{ "reference": format!("urn:uuid:{}", id("binary")) }] }]
        })),
        entry(json!({
            "resourceType": "Binary",
            "id": id("binary"),
            "meta": { "profile": [itk::ATTACHMENT_BINARY_PROFILE] },
            "contentType": ty,
            "content": base64::engine::general_purpose::STANDARD.encode(&bytes)
        })),
        entry(patient_resource(w, key, &id("patient"), CARE_CONNECT_PATIENT)?),
        entry(json!({
            "resourceType": "Practitioner",
            "id": id("practitioner"),
            "meta": { "profile": ["https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Practitioner-1"] },
            "identifier": [{ "system": gpc::SDS_USER_SYSTEM, "value": "RFAP90000001" }],
            "name": [{ "use": "official", "family": "Sender", "given": ["Sam"], "prefix": ["Dr"] }]
        })),
        entry(json!({
            "resourceType": "Organization",
            "id": id("organization"),
            "meta": { "profile": ["https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Organization-1"] },
            "identifier": ods(&sender.ods_code),
            "name": sender.name,
            "telecom": [{ "system": "phone", "value": "0113 496 0000" }]
        })),
    ]);
    let (nhs, family, given, _, _) = demographics(w, key)?;
    let subject = format!(
        "{name} report for {given} {family}, NHS Number {nhs}, seen at {}, ODS Code {}",
        sender.name, sender.ods_code
    );
    w.com.sent = Some(SentDocument { patient, marker, message, workflow, subject, listed: None });
    Ok(())
}

fn sent(w: &RfaWorld) -> Result<&SentDocument, Failure> {
    w.com.sent.as_ref().ok_or_else(|| Failure::Harness("no Send Document or Update Record message was built".into()))
}

/// The message's resource of this type: the MessageHeader, or one of the
/// document Bundle's.
pub(super) fn resource_mut<'a>(message: &'a mut Value, ty: &str) -> Option<&'a mut Value> {
    let of_type = |e: &&mut Value| e.pointer("/resource/resourceType").and_then(Value::as_str) == Some(ty);
    if ty == "MessageHeader" {
        return message.get_mut("entry")?.as_array_mut()?.iter_mut().find(of_type)?.get_mut("resource");
    }
    document_entries_mut(message)?.iter_mut().find(of_type)?.get_mut("resource")
}

/// The entries of the message's document Bundle.
pub(super) fn document_entries_mut(message: &mut Value) -> Option<&mut Vec<Value>> {
    let entries = message.get_mut("entry")?.as_array_mut()?;
    let document =
        entries.iter_mut().find(|e| e.pointer("/resource/type").and_then(Value::as_str) == Some("document"))?;
    document.pointer_mut("/resource/entry")?.as_array_mut()
}

fn editable<'a>(w: &'a mut RfaWorld, ty: &str) -> Result<&'a mut Value, Failure> {
    let s = w.com.sent.as_mut().ok_or_else(|| Failure::Harness("no Send Document message was built".into()))?;
    resource_mut(&mut s.message, ty).ok_or_else(|| Failure::Harness(format!("the message has no {ty}")))
}

async fn edit(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (ty, path, value) = (a.get(1).to_string(), a.get(2).to_string(), a.get(3).to_string());
    crate::steps::common::drafts::edit_draft(editable(w, &ty)?, &path, &value)?;
    Ok(())
}

async fn about(w: &mut RfaWorld, a: &Args) -> StepResult {
    let key = a.get(1).to_string();
    let old = editable(w, "Patient")?;
    let id = old.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
    let profile = old.pointer("/meta/profile/0").and_then(Value::as_str).unwrap_or(CARE_CONNECT_PATIENT).to_string();
    let patient = patient_resource(w, &key, &id, &profile)?;
    *editable(w, "Patient")? = patient;
    Ok(())
}

async fn addressed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let ods = keys::ods(w, a.get(1))?;
    let s = w.com.sent.as_mut().ok_or_else(|| Failure::Harness("no Send Document message was built".into()))?;
    let id = stable_uuid(&s.marker, "receiver");
    let receiver = json!({
        "resourceType": "Organization",
        "id": id,
        "meta": { "profile": [itk::HEADER_ORGANIZATION_PROFILE] },
        "identifier": [{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods }]
    });
    if let Some(entries) = s.message.get_mut("entry").and_then(Value::as_array_mut) {
        entries.push(entry(receiver));
    }
    let header = resource_mut(&mut s.message, "MessageHeader").ok_or_else(|| Failure::Harness("no header".into()))?;
    header["receiver"] = json!({ "reference": format!("urn:uuid:{id}") });
    Ok(())
}

async fn collect(w: &mut RfaWorld, _: &Args) -> StepResult {
    let s = sent(w)?;
    let message = MeshMessage {
        id: crate::national::mesh_message_id(),
        from: national()?.mesh.recipient.clone(),
        workflow: s.workflow.clone(),
        subject: s.subject.clone(),
        body: s.message.to_string(),
        broken: false,
        acknowledged: false,
    };
    if let Some((services, sid)) = w.turn.as_ref().and_then(|t| t.services()) {
        services.deliver_message(sid, message);
    }
    act(w, "receive-mesh-messages", vec![]).await
}

/// What is wrong with one ITK3 response, judged against the message it
/// answers and the codes it may carry.
fn response_faults(x: &Exchange, b: &Value, sent: &SentDocument, own: &str, want: &[&str]) -> Vec<String> {
    let mut wrong = Vec::new();
    let message_header = itk::header(&sent.message).cloned().unwrap_or_default();
    let reply_to = message_header.pointer("/source/endpoint").and_then(Value::as_str).unwrap_or_default();
    let h = |n: &str| x.request.header(n).unwrap_or_default().to_string();
    if !x.request.url.ends_with(&format!("/messageexchange/{own}/outbox")) || h("Mex-From") != own {
        wrong.push(format!("it should go from the candidate's own outbox and mailbox {own}"));
    }
    if h("Mex-To") != reply_to {
        wrong.push(format!(
            "Mex-To should be the sender's mailbox {reply_to} (its source.endpoint), it is `{}`",
            h("Mex-To")
        ));
    }
    let ack = itk::ack_workflow(&sent.workflow);
    if h("Mex-WorkflowID") != ack {
        wrong.push(format!("Mex-WorkflowID should be {ack}, it is `{}`", h("Mex-WorkflowID")));
    }
    if x.response.as_ref().map(|r| r.status) != Some(202) {
        wrong.push("MESH should accept it (202)".into());
    }
    if b.get("type").and_then(Value::as_str) != Some("message")
        || b.pointer("/identifier/value").and_then(Value::as_str).is_none_or(str::is_empty)
    {
        wrong.push("it should be a message Bundle with an identifier".into());
    }
    let header = itk::header(b).cloned().unwrap_or_default();
    for flag in ["BusAckRequested", "InfAckRequested"] {
        if itk::handling(&header, flag) != Some(&json!(false)) {
            wrong.push(format!("its handling specification should say {flag} false"));
        }
    }
    let echoed = itk::handling(&message_header, "SenderReference");
    if itk::handling(&header, "SenderReference") != echoed {
        wrong.push(format!("it should echo the SenderReference {}", echoed.cloned().unwrap_or_default()));
    }
    let Some(outcome) = itk::response_outcome(b) else {
        wrong.push("it should carry an OperationOutcome through response.details or focus".into());
        return wrong;
    };
    let code = itk::response_code(outcome).unwrap_or_default();
    if !want.contains(&code) {
        wrong.push(format!(
            "its ITK3 response code should be {}, it is `{code}` ({})",
            want.join(" or "),
            outcome.pointer("/issue/0/diagnostics").and_then(Value::as_str).unwrap_or("no diagnostics")
        ));
    }
    let positive = POSITIVE.contains(&code);
    let (status, severity) = if positive { ("ok", "information") } else { ("fatal-error", "fatal") };
    if header.pointer("/response/code").and_then(Value::as_str) != Some(status) {
        wrong.push(format!("response.code should be {status} for {code}"));
    }
    if outcome.pointer("/issue/0/severity").and_then(Value::as_str) != Some(severity) {
        wrong.push(format!("the issue's severity should be {severity} for {code}"));
    }
    if !positive && outcome.pointer("/issue/0/diagnostics").and_then(Value::as_str).is_none_or(str::is_empty) {
        wrong.push("a negative response should say what was wrong in its diagnostics".into());
    }
    wrong
}

async fn answered(w: &mut RfaWorld, a: &Args) -> StepResult {
    let sent = sent(w)?.clone();
    let own = crate::steps::consumer::mesh::mailbox(w)?;
    let stages: Vec<Vec<&str>> = a.get(1).split(" then ").map(|s| s.split(" or ").map(str::trim).collect()).collect();
    let id = itk::header(&sent.message).and_then(|h| h.get("id")).and_then(Value::as_str).unwrap_or_default();
    let posts: Vec<&Exchange> = inbound(w, Service::Mesh)
        .into_iter()
        .filter(|x| x.request.method == "POST" && x.request.url.ends_with("/outbox"))
        .collect();
    let responses: Vec<(&Exchange, Value)> = posts
        .iter()
        .map(|x| (*x, body_json(x)))
        .filter(|(_, b)| {
            itk::header(b).and_then(itk::event) == Some(itk::RESPONSE_EVENT)
                && itk::header(b).and_then(|h| h.pointer("/response/identifier")).and_then(Value::as_str) == Some(id)
        })
        .collect();
    if responses.len() != stages.len() {
        return fail_with(
            w,
            format!(
                "the candidate should send {} ITK3 response(s) (event ITK008M, response.identifier {id}, the message's MessageHeader id) over MESH; it sent {} of its {} MESH message(s):{}",
                stages.len(),
                responses.len(),
                posts.len(),
                listing(&posts)
            ),
        );
    }
    for (i, ((x, b), want)) in responses.iter().zip(&stages).enumerate() {
        let wrong = response_faults(x, b, &sent, &own, want);
        if !wrong.is_empty() {
            return fail_with(w, format!("ITK3 response {} of {}: {}", i + 1, stages.len(), wrong.join("; ")));
        }
    }
    Ok(())
}

/// Whether a listed DocumentReference is the one sent: its description,
/// type text or attachment title holds the scenario's marker.
fn is_sent(d: &Value, marker: &str) -> bool {
    ["/description", "/type/text", "/content/0/attachment/title"]
        .iter()
        .filter_map(|p| d.pointer(p).and_then(Value::as_str))
        .any(|t| t.contains(marker))
}

/// The DocumentReferences of the scenario's patient that are the one sent.
async fn listed_as_sent(w: &mut RfaWorld, what: &str) -> Result<Vec<Value>, Failure> {
    let sent = sent(w)?.clone();
    let bundle = fetch(w, &document_spec(&sent.patient, true), 200, "Bundle", what).await?;
    Ok(resources(&bundle, "DocumentReference").into_iter().filter(|d| is_sent(d, &sent.marker)).cloned().collect())
}

async fn among(w: &mut RfaWorld, _: &Args) -> StepResult {
    let found = listed_as_sent(w, "the patient's document search").await?;
    let Some(doc) = found.into_iter().next() else {
        let title = sent(w)?.marker.clone();
        return w.fail(format!(
            "the patient's documents should include the document sent, described by its title (which holds `{title}`); none is"
        ));
    };
    if let Some(s) = w.com.sent.as_mut() {
        s.listed = Some(doc);
    }
    Ok(())
}

async fn retrieved(w: &mut RfaWorld, _: &Args) -> StepResult {
    let sent = sent(w)?.clone();
    let listed = sent.listed.ok_or_else(|| Failure::Harness("the document sent was not found listed first".into()))?;
    let url = listed.pointer("/content/0/attachment/url").and_then(Value::as_str).unwrap_or_default().to_string();
    let root = w.ctx()?.client.config().documents_url.as_str().trim_end_matches('/').to_string();
    let Some(path) = url.strip_prefix(&format!("{root}/")) else {
        return w.fail(format!("the document's url `{url}` is not under the documents service root {root}"));
    };
    let binary =
        fetch(w, &RequestSpec::new(Interaction::ReadBinary, path), 200, "Binary", "retrieving the document sent")
            .await?;
    let sent_binary = itk::document(&sent.message)
        .and_then(|d| d.as_bundle().resources_of("Binary").next())
        .map(|b| b.json().clone())
        .unwrap_or_default();
    let engine = base64::engine::general_purpose::STANDARD;
    let decode = |b: &Value| b.get("content").and_then(Value::as_str).and_then(|c| engine.decode(c).ok());
    if binary.get("contentType") != sent_binary.get("contentType") {
        return w.fail(format!(
            "the Binary's contentType should be {}, it is {}",
            sent_binary["contentType"], binary["contentType"]
        ));
    }
    if decode(&binary).is_none() || decode(&binary) != decode(&sent_binary) {
        return w.fail("the Binary's content is not the bytes sent");
    }
    Ok(())
}

async fn nothing_filed(w: &mut RfaWorld, _: &Args) -> StepResult {
    let kept = listed_as_sent(w, "the patient's documents, after the message was refused").await?;
    if let Some(d) = kept.first() {
        let id = d.get("id").and_then(Value::as_str).unwrap_or_default();
        return w.fail(format!(
            "the message was refused, yet the patient's documents hold its document: DocumentReference/{id}"
        ));
    }
    Ok(())
}
