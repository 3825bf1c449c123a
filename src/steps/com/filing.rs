//! Filing documents into the record (COM, profile §36): a letter, a text
//! or an image posted as a DocumentReference with its content inline; it
//! is then found by the patient's document search and retrieved byte for
//! byte.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::bundle::resources;
use crate::steps::common::http::{created, fetch};
use crate::steps::common::keys::fresh_identifier;
use crate::steps::inf::documents::{document_spec, patient_id};
use crate::steps::rec::entries::DEFAULT_WHEN;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a (PDF|text|PNG) document "([^"]+)" for "([^"]+)"(?: of (\d+) bytes)?( filed)?$"# => document, "Begins `POST [documents]/DocumentReference`: a discharge summary (SNOMED CT 373942005) for a fixture patient, its content inline (base64) with its contentType and size; `of N bytes` pads the content to exactly N bytes; `filed` sends it at once and it must be accepted (201, with an id)."),
        step!(Given r#"^the document's "([^"]+)" is (.+)$"# => document_path, "Sets an element of the document being filed (a dotted path, array indices as numbers) to a JSON value, or removes it with `absent`."),
        step!(Then r#"^the document is filed$"# => is_filed, "HTTP 201 with the DocumentReference: an id, its type, subject and description as sent, and an attachment with the contentType and size as sent and a url under the documents service root instead of the data."),
        step!(Then r#"^"([^"]+)" is among the documents of "([^"]+)"$"# => among, "Searches the patient's documents (`GET [documents]/Patient/[id]/DocumentReference` with its mandatory includes, evidence kept): HTTP 200, and a DocumentReference with the filed document's id is listed."),
        step!(Then r#"^the content of "([^"]+)" is retrieved as filed$"# => retrieved, "Retrieves the filed document's Binary (`GET` of the url it was answered with, evidence kept): HTTP 200, its contentType as filed, and its content decoding to exactly the bytes filed."),
    ]
}

/// A deterministic document of this kind (re-judging rebuilds the very
/// request), padded to `size` bytes if given.
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
        let filler = b" filler line for the size limit test.\n";
        let mut i = 0;
        while bytes.len() < n {
            bytes.push(filler[i % filler.len()]);
            i += 1;
        }
        bytes.truncate(n);
    }
    (ty, bytes)
}

async fn document(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (kind, label, key) = (a.get(1), a.get(2).to_string(), a.get(3));
    let size = if a.get(4).is_empty() {
        None
    } else {
        Some(a.get(4).parse::<usize>().map_err(|_| Failure::Harness(format!("`{}` is not a size", a.get(4))))?)
    };
    let patient = patient_id(w, key).await?;
    let (ty, bytes) = content(kind, size);
    let description = format!("Discharge summary filed by rfa {}", fresh_identifier(w));
    let doc = json!({
        "resourceType": "DocumentReference",
        "status": "current",
        "type": { "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": "373942005", "display": "Discharge summary" }] },
        "subject": { "reference": format!("Patient/{patient}") },
        "created": DEFAULT_WHEN,
        "indexed": DEFAULT_WHEN,
        "description": description,
        "content": [{ "attachment": {
            "contentType": ty,
            "data": base64::engine::general_purpose::STANDARD.encode(&bytes),
            "size": bytes.len(),
            "title": "Discharge summary"
        } }]
    });
    let spec = RequestSpec::post(Interaction::FileDocument, "DocumentReference", doc.to_string());
    w.request = Some(spec.clone());
    w.com.filing = Some((label.clone(), doc.clone()));
    w.com.filing_for = Some(patient);
    if !a.get(5).is_empty() {
        let resp = w.send(&spec).await?;
        w.response = Some(resp);
        let (id, got) = created(w, "DocumentReference", "filing a valid document")?;
        w.com.filed.insert(label, (id, doc, got));
    }
    Ok(())
}

async fn document_path(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, body) = w.com.filing.as_mut().ok_or_else(|| Failure::Harness("no document was begun".into()))?;
    let text = crate::steps::common::drafts::edit_draft(body, a.get(1), a.get(2))?;
    w.request_mut()?.body = Some(text);
    Ok(())
}

fn essentials(d: &Value) -> Vec<Value> {
    [
        "/type/coding/0/code",
        "/subject/reference",
        "/description",
        "/content/0/attachment/contentType",
        "/content/0/attachment/size",
    ]
    .iter()
    .map(|p| d.pointer(p).cloned().unwrap_or(Value::Null))
    .collect()
}

async fn is_filed(w: &mut RfaWorld, _: &Args) -> StepResult {
    let (label, sent) = w.com.filing.clone().ok_or_else(|| Failure::Harness("no document was filed".into()))?;
    let (id, got) = created(w, "DocumentReference", "filing a valid document")?;
    if essentials(&got) != essentials(&sent) {
        return w.fail(format!(
            "the DocumentReference should keep its type, subject, description, contentType and size: sent {:?}, answered {:?}",
            essentials(&sent),
            essentials(&got)
        ));
    }
    let url = got.pointer("/content/0/attachment/url").and_then(Value::as_str).unwrap_or_default();
    let root = w.ctx()?.client.config().documents_url.as_str().trim_end_matches('/').to_string();
    if !url.starts_with(&format!("{root}/")) {
        return w.fail(format!(
            "the attachment should give a url under the documents service root {root}, it gives `{url}`"
        ));
    }
    w.com.filed.insert(label, (id, sent, got));
    Ok(())
}

fn filed<'a>(w: &'a RfaWorld, label: &str) -> Result<&'a (String, Value, Value), Failure> {
    w.com
        .filed
        .get(label)
        .ok_or_else(|| Failure::Harness(format!("no document \"{label}\" was filed earlier in this scenario")))
}

async fn among(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _, _) = filed(w, a.get(1))?.clone();
    let patient = patient_id(w, a.get(2)).await?;
    let bundle = fetch(w, &document_spec(&patient, true), 200, "Bundle", "the patient's document search").await?;
    if !resources(&bundle, "DocumentReference").iter().any(|d| d.as_resource().id() == Some(id.as_str())) {
        return w.fail(format!("the patient's documents should include the filed DocumentReference/{id}; they do not"));
    }
    Ok(())
}

async fn retrieved(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, sent, got) = filed(w, a.get(1))?.clone();
    let url = got.pointer("/content/0/attachment/url").and_then(Value::as_str).unwrap_or_default().to_string();
    let root = w.ctx()?.client.config().documents_url.as_str().trim_end_matches('/').to_string();
    let Some(path) = url.strip_prefix(&format!("{root}/")) else {
        return w.fail(format!("the filed document's url `{url}` is not under the documents service root {root}"));
    };
    let binary =
        fetch(w, &RequestSpec::new(Interaction::ReadBinary, path), 200, "Binary", "retrieving a filed document")
            .await?;
    let want_type = sent.pointer("/content/0/attachment/contentType").and_then(Value::as_str).unwrap_or_default();
    let want = sent.pointer("/content/0/attachment/data").and_then(Value::as_str).unwrap_or_default();
    let engine = base64::engine::general_purpose::STANDARD;
    let have = binary.get("content").and_then(Value::as_str).and_then(|c| engine.decode(c).ok());
    if binary.get("contentType").and_then(Value::as_str) != Some(want_type) {
        return w.fail(format!("the Binary's contentType should be {want_type}, it is {}", binary["contentType"]));
    }
    if have != engine.decode(want).ok() {
        return w.fail("the Binary's content is not the bytes filed");
    }
    Ok(())
}
