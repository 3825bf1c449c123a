//! Filing a document into a patient's record through the API (COM,
//! profile §36): `POST [documents]/DocumentReference`, checked here and
//! kept in the store Access Document (INF) lists and serves
//! (`inf::documents::Filed`).

use axum::extract::State as Extract;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::fhir::gpc::{self, Interaction};
use crate::reference::acc::guard;
use crate::reference::com::defects::ComDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Outcome, created, reference_id, resource_of};
use crate::reference::{Shared, State};

/// The largest document the API files (profile §36): larger ones go by
/// another route (e.g. GP2GP's large-message handling).
pub const MAX_FILED_BYTES: usize = 1024 * 1024;

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

/// `POST [documents]/DocumentReference`: files a document into a
/// patient's record (COM, profile §36).
pub async fn file(Extract(s): Extract<Shared>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    match filing(&s, &headers, &body) {
        Ok(r) => r,
        Err(o) => {
            keep_refused(&s, &headers, &body);
            o.into_response()
        }
    }
}

/// Under the `keeps-refused-document` defect: an admitted document is filed
/// under the patient it names before it is checked, and a refusal does not
/// take it out again.
fn keep_refused(s: &State, headers: &HeaderMap, body: &[u8]) {
    if !s.defects.has(ComDefect::KeepsRefusedDocument) || guard::check(s, headers, Interaction::FileDocument).is_err() {
        return;
    }
    let Ok(mut doc) = resource_of(body, "DocumentReference") else { return };
    let subject = reference_id(&doc, "/subject/reference", "Patient").unwrap_or_default().to_string();
    doc["id"] = json!(uuid::Uuid::new_v4().to_string());
    doc["meta"] = json!({ "versionId": "1" });
    s.filed.add(&subject, doc);
}

fn filing(s: &State, headers: &HeaderMap, body: &[u8]) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    let invalid = |m: String| Outcome::new(SpineCode::InvalidResource, m);
    guard::check(s, headers, Interaction::FileDocument)?;
    let mut doc = resource_of(body, "DocumentReference")?;
    let subject = reference_id(&doc, "/subject/reference", "Patient").unwrap_or_default().to_string();
    let patient = s.store.by_id(&subject).filter(|p| p.is_active());
    if patient.is_none() && !d(ComDefect::DocumentsUnchecked) {
        return Err(Outcome::new(
            SpineCode::ReferenceNotFound,
            format!("DocumentReference.subject `Patient/{subject}` is not a patient registered here"),
        ));
    }
    let typed = doc.pointer("/type/coding").and_then(Value::as_array).into_iter().flatten().any(|c| {
        c.get("system").and_then(Value::as_str) == Some(gpc::SNOMED_SYSTEM)
            && c.get("code").and_then(Value::as_str).is_some_and(|c| crate::terminology::check_concept_id(c).is_ok())
    });
    if !typed && !d(ComDefect::DocumentsUnchecked) {
        return Err(invalid("DocumentReference.type needs a SNOMED CT document type".into()));
    }
    let attachment = doc.pointer("/content/0/attachment").cloned().unwrap_or(Value::Null);
    let data = attachment.get("data").and_then(Value::as_str).unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).unwrap_or_default();
    if bytes.is_empty() && !d(ComDefect::DocumentsUnchecked) {
        return Err(invalid(
            "DocumentReference.content.attachment.data: the document's content (base64) is required".into(),
        ));
    }
    let content_type = attachment.get("contentType").and_then(Value::as_str).unwrap_or_default();
    if !FILED_TYPES.contains(&content_type) && !d(ComDefect::AnyContentType) {
        return Err(invalid(format!(
            "DocumentReference.content.attachment.contentType `{content_type}` is not one the record holds ({})",
            FILED_TYPES.join(", ")
        )));
    }
    if bytes.len() > MAX_FILED_BYTES && !d(ComDefect::NoDocumentSizeLimit) {
        return Err(invalid(format!(
            "DocumentReference.content.attachment.data: {} bytes is over the {MAX_FILED_BYTES}-byte limit for filing through the API",
            bytes.len()
        )));
    }
    match attachment.get("size").and_then(Value::as_u64) {
        Some(declared) if declared != bytes.len() as u64 && !d(ComDefect::DocumentSizeUnchecked) => {
            return Err(invalid(format!(
                "DocumentReference.content.attachment.size {declared} is not the size of its data ({} bytes)",
                bytes.len()
            )));
        }
        _ => {}
    }
    let id = uuid::Uuid::new_v4().to_string();
    doc["id"] = json!(id);
    doc["meta"] = json!({ "versionId": "1" });
    doc["status"] = json!("current");
    if let Some(a) = doc.pointer_mut("/content/0/attachment").and_then(Value::as_object_mut) {
        a.insert("size".into(), json!(bytes.len()));
    }
    if !d(ComDefect::FiledDocumentsNotListed) {
        s.filed.add(&subject, doc.clone());
    }
    let mut shown = crate::reference::inf::documents::listed(s, headers, &doc);
    if d(ComDefect::FiledWithoutUrl)
        && let Some(a) = shown.pointer_mut("/content/0/attachment").and_then(Value::as_object_mut)
    {
        a.remove("url");
    }
    Ok(created(headers, &s.documents_path, shown))
}
