//! Access Document steps: finding the patient on the documents endpoint,
//! searching their documents, and retrieving one by the URL its
//! DocumentReference gives.

use base64::Engine as _;
use serde_json::Value;

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::bundle::{identifiers, resolve, resources, searchset};
use crate::steps::common::http::{check_schema, resource};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a documents patient search for the NHS number of "([^"]+)"$"# => patient_search, "Begins `GET [documents]/Patient?identifier=…` for a fixture patient's NHS number."),
        step!(Given r#"^a documents patient search with the query "([^"]*)"$"# => patient_search_raw, "Begins `GET [documents]/Patient?…` with this query string sent verbatim; `{nhs:KEY}` becomes a fixture patient's NHS number."),
        step!(Given r#"^a document search for "([^"]+)"$"# => search_for_key, "Finds the patient's logical id by a documents patient search (recorded as evidence), then begins `GET [documents]/Patient/[id]/DocumentReference` with the four mandatory `_include`s and the `_revinclude`."),
        step!(Given r#"^a document search for "([^"]+)" without the _include parameters$"# => search_without_includes, "The same, with no `_include` or `_revinclude` parameter."),
        step!(Given r#"^a document search for the patient id "([^"]*)"$"# => search_for_id, "A document search, with its mandatory parameters, for this literal patient logical id."),
        step!(Given r#"^a retrieval of the document described "([^"]+)" of "([^"]+)"$"# => retrieval, "Searches the patient's documents (recorded as evidence), takes the DocumentReference with this description, and begins `GET` of its `content.attachment.url`, which must lie under the documents service root."),
        step!(Given r#"^a retrieval of the Binary "([^"]*)"$"# => retrieval_of_id, "Begins `GET [documents]/Binary/[id]` for this literal id."),
        step!(Then r#"^the response is a document search Bundle with (\d+) DocumentReferences?$"# => documents_bundle, "HTTP 200, a searchset Bundle whose id is the request's Ssp-TraceID, with exactly this many DocumentReferences, each conformant to the `document-reference` schema."),
        step!(Then r#"^the Bundle includes the Patient "([^"]+)" and every organisation and practitioner its documents name$"# => includes_present, "The Bundle holds the fixture patient (by NHS number) and every Organization or Practitioner a DocumentReference's subject, custodian or author refers to."),
        step!(Then r#"^the document described "([^"]+)" is listed without a url, with a title saying why$"# => listed_without_url, "That DocumentReference has a size, no attachment.url, and an attachment.title."),
        step!(Then r#"^the response is that document as a Binary$"# => is_the_binary, "HTTP 200 and a Binary (schema `binary`) whose contentType is the DocumentReference's and whose content decodes to attachment.size bytes."),
    ]
}

const INCLUDES: [&str; 4] = [
    "DocumentReference:subject:Patient",
    "DocumentReference:custodian:Organization",
    "DocumentReference:author:Organization",
    "DocumentReference:author:Practitioner",
];

fn patient_spec(nhs: &str) -> RequestSpec {
    let mut spec = RequestSpec::new(Interaction::SearchDocumentsPatients, "Patient");
    spec.query.push(("identifier".into(), format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
    spec
}

async fn patient_search(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    w.request = Some(patient_spec(&nhs));
    Ok(())
}

async fn patient_search_raw(w: &mut RfaWorld, a: &Args) -> StepResult {
    let mut spec = RequestSpec::new(Interaction::SearchDocumentsPatients, "Patient");
    spec.raw_query = Some(keys::expand(w, a.get(1))?);
    w.request = Some(spec);
    Ok(())
}

pub(in crate::steps) fn document_spec(id: &str, includes: bool) -> RequestSpec {
    let mut spec = RequestSpec::new(Interaction::SearchDocuments, format!("Patient/{id}/DocumentReference"));
    if includes {
        spec.query.extend(INCLUDES.iter().map(|i| ("_include".to_string(), i.to_string())));
        spec.query.push(("_revinclude:recurse".into(), "PractitionerRole:practitioner".into()));
    }
    spec
}

/// The patient's logical id on the documents endpoint, found as a consumer
/// finds it.
pub(in crate::steps) async fn patient_id(w: &mut RfaWorld, key: &str) -> Result<String, Failure> {
    let nhs = keys::nhs(w, key)?;
    let label = format!("{key} (NHS number {nhs})");
    resolve(w, &patient_spec(&nhs), "Patient", gpc::NHS_NUMBER_SYSTEM, &nhs, &label).await
}

async fn search_for_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = patient_id(w, a.get(1)).await?;
    w.request = Some(document_spec(&id, true));
    Ok(())
}

async fn search_without_includes(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = patient_id(w, a.get(1)).await?;
    w.request = Some(document_spec(&id, false));
    Ok(())
}

async fn search_for_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(document_spec(a.get(1), true));
    Ok(())
}

fn description(d: &Value) -> &str {
    d.get("description").and_then(Value::as_str).unwrap_or_default()
}

async fn retrieval(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (wanted, key) = (a.get(1), a.get(2));
    let id = patient_id(w, key).await?;
    let resp = w.send(&document_spec(&id, true)).await?;
    let setup = |why: String| {
        Failure::Assert(format!(
            "setup: the document \"{wanted}\" of {key} could not be found by document search, so its retrieval cannot be tested: {why}\n    exchange: {}",
            w.last_exchange()
        ))
    };
    if resp.status != 200 {
        return Err(setup(format!("the search answered HTTP {}", resp.status)));
    }
    let body = resp.json().map_err(setup)?;
    let doc = resources(&body, "DocumentReference")
        .into_iter()
        .find(|d| description(d) == wanted)
        .cloned()
        .ok_or_else(|| setup("no DocumentReference has that description".into()))?;
    let url = doc.pointer("/content/0/attachment/url").and_then(Value::as_str).unwrap_or_default().to_string();
    let path = binary_path(w, &url)?;
    w.request = Some(RequestSpec::new(Interaction::ReadBinary, path));
    w.document = Some(doc);
    Ok(())
}

/// The path, under the documents service root, of a DocumentReference's
/// attachment.url: GP Connect gives the full URL of the document on the
/// provider, which must be its Access Document endpoint.
pub(in crate::steps) fn binary_path(w: &RfaWorld, url: &str) -> Result<String, Failure> {
    let ctx = w.ctx()?;
    let root = ctx.client.config().documents_url.as_str().trim_end_matches('/').to_string();
    match url.strip_prefix(&root).and_then(|p| p.strip_prefix('/')) {
        Some(path) => Ok(path.to_string()),
        None => w.fail(format!(
            "the DocumentReference's attachment.url `{url}` is not under the documents service root {root} (GP Connect: the full URL of the document on this provider)"
        )),
    }
}

async fn retrieval_of_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(RequestSpec::new(Interaction::ReadBinary, format!("Binary/{}", a.get(1))));
    Ok(())
}

async fn documents_bundle(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want: usize = a.get(1).parse().unwrap_or_default();
    let b = searchset(w)?;
    let trace = w.last_request_header("Ssp-TraceID");
    if b.as_resource().id() != Some(trace.as_str()) {
        return w.fail(format!("the Bundle id should be the request's Ssp-TraceID {trace}"));
    }
    let docs = resources(&b, "DocumentReference");
    if docs.len() != want {
        return w.fail(format!("expected {want} DocumentReference(s) in the Bundle, found {}", docs.len()));
    }
    for d in docs {
        check_schema(w, "document-reference", d)?;
    }
    Ok(())
}

fn find<'a>(b: &'a Value, reference: &str) -> Option<&'a Value> {
    let (ty, id) = reference.rsplit_once('/').map(|(head, id)| (head.rsplit('/').next().unwrap_or(head), id))?;
    crate::steps::common::bundle::entries(b)
        .into_iter()
        .filter_map(|e| e.get("resource"))
        .find(|r| r.as_resource().resource_type() == Some(ty) && r.as_resource().id() == Some(id))
}

async fn includes_present(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    let b = searchset(w)?;
    if !resources(&b, "Patient").iter().any(|p| identifiers(p, gpc::NHS_NUMBER_SYSTEM).contains(&nhs.as_str())) {
        return w.fail(format!(
            "the Bundle does not include the Patient with NHS number {nhs} (_include=DocumentReference:subject:Patient)"
        ));
    }
    for d in resources(&b, "DocumentReference") {
        let mut refs: Vec<&str> = Vec::new();
        for p in ["/subject/reference", "/custodian/reference"] {
            refs.extend(d.pointer(p).and_then(Value::as_str));
        }
        refs.extend(
            d.get("author")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_reference().reference()),
        );
        for r in refs {
            if find(&b, r).is_none() {
                return w.fail(format!(
                    "DocumentReference/{} names {r}, which the Bundle does not include",
                    d.as_resource().id().unwrap_or("?")
                ));
            }
        }
    }
    Ok(())
}

async fn listed_without_url(w: &mut RfaWorld, a: &Args) -> StepResult {
    let wanted = a.get(1);
    let b = searchset(w)?;
    let Some(d) = resources(&b, "DocumentReference").into_iter().find(|d| description(d) == wanted) else {
        return w.fail(format!("no DocumentReference described \"{wanted}\" is in the Bundle"));
    };
    let att = d.pointer("/content/0/attachment").cloned().unwrap_or(Value::Null);
    if let Some(url) = att.get("url") {
        return w.fail(format!(
            "\"{wanted}\" is over the 5 MB retrieval limit, so it must be listed without a url; it has {url}"
        ));
    }
    if att.get("size").and_then(Value::as_u64).is_none()
        || att.get("title").and_then(Value::as_str).is_none_or(str::is_empty)
    {
        return w.fail(format!(
            "\"{wanted}\" must still give its size, and a title saying why it cannot be retrieved: {att}"
        ));
    }
    Ok(())
}

async fn is_the_binary(w: &mut RfaWorld, _: &Args) -> StepResult {
    let doc = w.document.clone().ok_or_else(|| Failure::Harness("no document was chosen by an earlier step".into()))?;
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("expected HTTP 200 with the document, got HTTP {status}"));
    }
    let bin = resource(w, "Binary")?;
    check_schema(w, "binary", &bin)?;
    let want_type = doc.pointer("/content/0/attachment/contentType").and_then(Value::as_str).unwrap_or_default();
    let got_type = bin.get("contentType").and_then(Value::as_str).unwrap_or_default();
    if got_type != want_type {
        return w.fail(format!("the Binary's contentType is {got_type}, but its DocumentReference says {want_type}"));
    }
    let content = bin.get("content").and_then(Value::as_str).unwrap_or_default();
    let bytes = match base64::engine::general_purpose::STANDARD.decode(content) {
        Ok(b) => b,
        Err(e) => return w.fail(format!("the Binary's content is not base64: {e}")),
    };
    let want_size = doc.pointer("/content/0/attachment/size").and_then(Value::as_u64).unwrap_or_default();
    if bytes.len() as u64 != want_size {
        return w
            .fail(format!("the document is {} bytes, but its DocumentReference gives size {want_size}", bytes.len()));
    }
    Ok(())
}
