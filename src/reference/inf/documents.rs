//! Access Document: searching a patient's DocumentReferences (with the
//! resources GP Connect makes consumers `_include`) and retrieving a
//! document as a Binary. Finding the patient is `patients`' search, on this
//! root; a document received by Send Document is filed by COM
//! (`com::send_document`).

use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::fixtures::PatientFlag;
use crate::reference::acc::{capability, guard};
use crate::reference::inf::defects::InfDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::store::StoredPatient;
use crate::reference::{Shared, State};

/// GP Connect's retrieval limit: larger documents are listed, not served.
pub const MAX_DOCUMENT_BYTES: u64 = 5 * 1024 * 1024;

fn trace_id(headers: &HeaderMap) -> String {
    headers.get("Ssp-TraceID").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

fn host(headers: &HeaderMap) -> &str {
    headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost")
}

fn size(doc: &Value) -> u64 {
    doc.pointer("/content/0/attachment/size").and_then(Value::as_u64).unwrap_or(0)
}

fn available(doc: &Value) -> bool {
    size(doc) <= MAX_DOCUMENT_BYTES && doc.pointer("/content/0/attachment/data").is_some()
}

/// A DocumentReference as listed: the stored document replaced by its URL,
/// or, for one too large to retrieve, by a title saying why.
pub(in crate::reference) fn listed(s: &State, headers: &HeaderMap, doc: &Value) -> Value {
    let mut d = doc.clone();
    let id = doc.as_resource().id().unwrap_or_default();
    let url = format!("http://{}{}/Binary/{id}", host(headers), s.documents_path);
    let serve_url = available(doc) || s.defects.has(InfDefect::LargeDocumentUrlListed);
    if let Some(a) = d.pointer_mut("/content/0/attachment").and_then(Value::as_object_mut) {
        a.remove("data");
        if serve_url {
            a.insert("url".into(), json!(url));
        } else {
            a.insert(
                "title".into(),
                json!("The document is larger than GP Connect's 5 MB retrieval limit and cannot be retrieved"),
            );
        }
    }
    d
}

/// Why a patient's documents may not be shared, if they may not.
fn refusal(s: &State, p: &StoredPatient) -> Option<Outcome> {
    let temporary = p.has(PatientFlag::Temporary) && !s.defects.has(InfDefect::DocumentsServeTemporaryResidents);
    let hidden = !p.is_active() || !p.verified() || p.has(PatientFlag::Sensitive) || temporary;
    if hidden {
        return Some(Outcome::new(SpineCode::PatientNotFound, "no patient whose record can be shared has that id"));
    }
    if p.has(PatientFlag::Dissent) && !s.defects.has(InfDefect::DissentAnswersNotFound) {
        return Some(Outcome::new(SpineCode::NoPatientConsent, "the patient has dissented from sharing their record"));
    }
    None
}

/// Checks a DocumentReference search's query and returns its filters.
struct Filters {
    created: Vec<(String, String)>,
    author: Option<String>,
    description: Option<String>,
}

fn filters(s: &State, params: &[(String, String)]) -> Result<Filters, Outcome> {
    let bad = |m: String| Err(Outcome::new(SpineCode::InvalidParameter, m));
    let mut f = Filters { created: Vec::new(), author: None, description: None };
    let mut includes: Vec<&str> = Vec::new();
    for (k, v) in params {
        match k.as_str() {
            "_include" => includes.push(v),
            "_revinclude:recurse" | "_revinclude" => {}
            "created" => {
                let (op, day) = (v.get(..2).unwrap_or_default(), v.get(2..).unwrap_or_default());
                if !matches!(op, "ge" | "le") || !crate::reference::inf::structured::whole_date(day) {
                    return bad(format!("created must be ge or le followed by a date (YYYY-MM-DD), got `{v}`"));
                }
                f.created.push((op.to_string(), day.to_string()));
            }
            "author" => match v.split_once('|') {
                Some((system, code)) if system == gpc::ODS_ORGANIZATION_SYSTEM && !code.is_empty() => {
                    f.author = Some(code.to_string());
                }
                _ => return bad(format!("author must be {}|[ODS code], got `{v}`", gpc::ODS_ORGANIZATION_SYSTEM)),
            },
            "description" => f.description = Some(v.to_lowercase()),
            other => return bad(format!("`{other}` is not a DocumentReference search parameter")),
        }
    }
    if !s.defects.has(InfDefect::DocumentsIncludesOptional)
        && let Some(missing) = capability::MANDATORY_INCLUDES.iter().find(|i| !includes.contains(i))
    {
        return bad(format!("the search must include _include={missing}"));
    }
    Ok(f)
}

fn ods_of<'a>(s: &'a State, reference: &str) -> Option<&'a str> {
    let id = reference.rsplit('/').next()?;
    s.store.organizations.iter().find(|o| o.id == id)?.business_id.as_deref()
}

pub async fn search_documents(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchDocuments) {
        return o.into_response();
    }
    let f = match filters(&s, &params) {
        Ok(f) => f,
        Err(o) => return o.into_response(),
    };
    let Some(patient) = s.store.by_id(&id) else {
        if s.defects.has(InfDefect::DocumentsUnknownPatientEmpty) {
            let empty = crate::reference::inf::directory::searchset_with_full_urls(
                &s.documents_path,
                host(&headers),
                Vec::new(),
            );
            return Fhir::ok(empty).into_response();
        }
        return Outcome::new(SpineCode::PatientNotFound, format!("no patient with id {id}")).into_response();
    };
    if let Some(o) = refusal(&s, patient) {
        return o.into_response();
    }
    let created_ok = |d: &Value| {
        let when = d.get("created").or_else(|| d.get("indexed")).and_then(Value::as_str).unwrap_or_default();
        let day = when.get(..10).unwrap_or(when);
        s.defects.has(InfDefect::DocumentsCreatedFilterIgnored)
            || f.created
                .iter()
                .all(|(op, bound)| if op == "ge" { day >= bound.as_str() } else { day <= bound.as_str() })
    };
    let author_field = if s.defects.has(InfDefect::DocumentsAuthorMatchesCustodian) { "custodian" } else { "author" };
    let author_ok = |d: &Value| {
        f.author.as_deref().is_none_or(|want| {
            let named =
                d.get(author_field).map(|a| if a.is_array() { a.clone() } else { Value::Array(vec![a.clone()]) });
            named
                .as_ref()
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|a| a.as_reference().reference().and_then(|r| ods_of(&s, r)) == Some(want))
        })
    };
    let description_ok = |d: &Value| {
        f.description.as_deref().is_none_or(|want| {
            let text = format!(
                "{} {}",
                d.get("description").and_then(Value::as_str).unwrap_or_default(),
                d.pointer("/type/text").and_then(Value::as_str).unwrap_or_default()
            );
            text.to_lowercase().contains(want)
        })
    };
    let filed = s.filed.of(&patient.id);
    let docs: Vec<Value> = patient
        .record
        .iter()
        .chain(filed.iter())
        .filter(|r| r.as_resource().resource_type() == Some("DocumentReference"))
        .filter(|d| created_ok(d) && author_ok(d) && description_ok(d))
        .map(|d| listed(&s, &headers, d))
        .collect();
    if docs.is_empty() && s.defects.has(InfDefect::DocumentsNone404) {
        return Outcome::new(SpineCode::NoRecordFound, "no documents for this patient").into_response();
    }
    let mut entries: Vec<(&str, String, Value)> = Vec::new();
    if !docs.is_empty() && !s.defects.has(InfDefect::DocumentsOmitIncludedResources) {
        entries.push(("Patient", patient.id.clone(), patient.public_view(true)));
        let mut refs: Vec<String> = Vec::new();
        for d in &docs {
            for p in ["/custodian/reference", "/author/0/reference"] {
                refs.extend(d.pointer(p).and_then(Value::as_str).map(str::to_string));
            }
        }
        refs.sort();
        refs.dedup();
        for r in refs {
            let Some((ty, rid)) = r.split_once('/') else { continue };
            let items = match ty {
                "Organization" => &s.store.organizations,
                "Practitioner" => &s.store.practitioners,
                _ => continue,
            };
            if let Some(item) = items.iter().find(|i| i.id == rid) {
                entries.push((
                    if ty == "Organization" { "Organization" } else { "Practitioner" },
                    item.id.clone(),
                    item.resource.clone(),
                ));
            }
        }
    }
    for d in docs {
        let did = d.as_resource().id().unwrap_or_default().to_string();
        entries.push(("DocumentReference", did, d));
    }
    let borrowed: Vec<(&str, &str, Value)> = entries.iter().map(|(t, i, r)| (*t, i.as_str(), r.clone())).collect();
    let mut bundle =
        crate::reference::inf::directory::searchset_with_full_urls(&s.documents_path, host(&headers), borrowed);
    bundle["id"] = json!(trace_id(&headers));
    Fhir::ok(bundle).into_response()
}

pub async fn read_binary(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    // The same document is retrieved for direct care or, after a record
    // migration listed it, with the migrate-document interaction.
    let migrating = headers.get("Ssp-InteractionID").and_then(|v| v.to_str().ok())
        == Some(Interaction::MigrateBinary.id())
        && !s.defects.has(InfDefect::MigrateBinaryRefused);
    let interaction = if migrating { Interaction::MigrateBinary } else { Interaction::ReadBinary };
    if let Err(o) = guard::check(&s, &headers, interaction) {
        return o.into_response();
    }
    let not_found =
        || Outcome::new(SpineCode::NoRecordFound, format!("no document {id} can be retrieved")).into_response();
    let found = s.store.patients.iter().find_map(|p| {
        p.record
            .iter()
            .find(|r| {
                r.as_resource().resource_type() == Some("DocumentReference")
                    && r.as_resource().id() == Some(id.as_str())
            })
            .map(|d| (p, d))
    });
    let filed = s.filed.find(&id);
    let found = found.map(|(p, d)| (p, d.clone())).or_else(|| {
        let (patient, doc) = filed?;
        s.store.by_id(&patient).map(|p| (p, doc))
    });
    let Some((patient, doc)) = found else { return not_found() };
    let doc = &doc;
    if refusal(&s, patient).is_some() || !available(doc) {
        return not_found();
    }
    let data = doc.pointer("/content/0/attachment/data").and_then(Value::as_str).unwrap_or_default();
    let content_type = if s.defects.has(InfDefect::BinaryContentTypeMismatch) {
        "application/octet-stream"
    } else {
        doc.pointer("/content/0/attachment/contentType").and_then(Value::as_str).unwrap_or("application/octet-stream")
    };
    // Stored data is base64 already; re-encode defensively if it is not.
    let content = match base64::engine::general_purpose::STANDARD.decode(data) {
        Ok(_) => data.to_string(),
        Err(_) => base64::engine::general_purpose::STANDARD.encode(data),
    };
    Fhir::ok(json!({
        "resourceType": "Binary",
        "id": id,
        "meta": { "versionId": "1" },
        "contentType": content_type,
        "content": content,
    }))
    .into_response()
}

/// Documents filed through the API (COM) or by the practice itself, by
/// patient logical id: Access Document lists and serves them beside the
/// test data's.
#[derive(Debug, Default)]
pub struct Filed {
    by_patient: std::sync::Mutex<std::collections::HashMap<String, Vec<Value>>>,
}

impl Filed {
    pub(in crate::reference) fn of(&self, patient: &str) -> Vec<Value> {
        crate::reference::locked(&self.by_patient).get(patient).cloned().unwrap_or_default()
    }

    /// Files `doc` for the patient, as it is.
    pub(in crate::reference) fn add(&self, patient: &str, doc: Value) {
        crate::reference::locked(&self.by_patient).entry(patient.to_string()).or_default().push(doc);
    }

    pub(in crate::reference) fn find(&self, id: &str) -> Option<(String, Value)> {
        crate::reference::locked(&self.by_patient).iter().find_map(|(p, docs)| {
            docs.iter().find(|d| d.as_resource().id() == Some(id)).map(|d| (p.clone(), d.clone()))
        })
    }
}

/// Files a document the practice itself made (a record retrieved from
/// another practice) into a patient's record; answers its id.
pub(in crate::reference) fn file_own(s: &State, patient: &str, mut doc: Value) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    doc["id"] = json!(id);
    doc["meta"] = json!({ "versionId": "1" });
    doc["status"] = json!("current");
    s.filed.add(patient, doc);
    id
}
