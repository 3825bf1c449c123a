//! Patient steps: searching by NHS number, reading by logical id, and
//! judging the Patients and Bundles that come back.

use serde_json::Value;

use super::http::{check_schema, resource};
use super::{Args, StepDef, step};
use crate::client::RequestSpec;
use crate::gpc::{self, Interaction};
use crate::runner::world::{Failure, RfaWorld, StepResult};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a patient search for the NHS number of "([^"]+)"$"# => search_for_key, "Begins a patient search for a fixture patient's NHS number (identity map applied)."),
        step!(Given r#"^a patient search for the NHS number "([^"]*)"$"# => search_for_number, "Begins a patient search for this literal NHS number."),
        step!(Given r#"^a patient search with the query "([^"]*)"$"# => search_raw, "Begins a patient search with this query string sent verbatim; `{nhs:KEY}` becomes a fixture patient's NHS number."),
        step!(Given r#"^a patient search with no parameters$"# => search_bare, "Begins a patient search without any parameter."),
        step!(Given r#"^a patient read of "([^"]+)"$"# => read_of_key, "Finds a fixture patient's logical id by searching on its NHS number (recorded as evidence), then begins a read of it."),
        step!(Given r#"^a patient read of the logical id "([^"]*)"$"# => read_of_id, "Begins a read of this literal logical id."),
        step!(Then r#"^the response is a searchset Bundle with (\d+) entr(?:y|ies)$"# => searchset_with, "HTTP 200 and a searchset Bundle (schema `searchset-bundle`) with exactly this many entries."),
        step!(Then r#"^every Bundle entry has a fullUrl naming its resource$"# => full_urls, "Every entry has an absolute fullUrl ending in `/[resourceType]/[id]` of its resource."),
        step!(Then r#"^every Patient in the Bundle has the NHS number of "([^"]+)"$"# => bundle_nhs, "Every Patient in the searchset Bundle carries this fixture patient's NHS number."),
        step!(Then r#"^every Patient in the Bundle conforms to the "([a-z-]+)" schema$"# => bundle_schema, "The Bundle holds at least one Patient and each conforms to this schema."),
        step!(Then r#"^the response is the Patient "([^"]+)" with the requested id$"# => is_requested_patient, "HTTP 200 and a Patient whose id is the one requested and whose NHS number is this fixture patient's."),
        step!(Then r#"^the response has an ETag for the version it returned$"# => etag_matches, "The ETag header is `W/\"[meta.versionId]\"` of the resource returned."),
    ]
}

/// The candidate's NHS number for a fixture key (identity map applied).
fn nhs_of(w: &RfaWorld, key: &str) -> Result<String, Failure> {
    let ctx = w.ctx()?;
    let cfg = ctx.client.config();
    match cfg.patients.get(key) {
        Some(p) => Ok(p.nhs_number.clone()),
        None => {
            let known: Vec<&str> = cfg.patients.keys().map(String::as_str).collect();
            Err(Failure::Harness(format!("`{key}` is not a fixture patient (known: {})", known.join(", "))))
        }
    }
}

fn search_spec(identifier: Option<String>) -> RequestSpec {
    let mut spec = RequestSpec::new(Interaction::SearchPatients, "Patient");
    if let Some(id) = identifier {
        spec.query.push(("identifier".into(), id));
    }
    spec
}

async fn search_for_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = nhs_of(w, a.get(1))?;
    w.request = Some(search_spec(Some(format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM))));
    Ok(())
}

async fn search_for_number(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(search_spec(Some(format!("{}|{}", gpc::NHS_NUMBER_SYSTEM, a.get(1)))));
    Ok(())
}

/// Expands `{nhs:KEY}` to the candidate's NHS number for a fixture key.
fn expand(w: &RfaWorld, text: &str) -> Result<String, Failure> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{nhs:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 5..];
        let Some(end) = after.find('}') else {
            return Err(Failure::Harness(format!("unclosed `{{nhs:` in `{text}`")));
        };
        out.push_str(&nhs_of(w, &after[..end])?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

async fn search_raw(w: &mut RfaWorld, a: &Args) -> StepResult {
    let mut spec = search_spec(None);
    spec.raw_query = Some(expand(w, a.get(1))?);
    w.request = Some(spec);
    Ok(())
}

async fn search_bare(w: &mut RfaWorld, _: &Args) -> StepResult {
    w.request = Some(search_spec(None));
    Ok(())
}

/// A Patient's NHS numbers.
fn nhs_numbers(p: &Value) -> Vec<&str> {
    p.get("identifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|i| i.get("system").and_then(Value::as_str) == Some(gpc::NHS_NUMBER_SYSTEM))
        .filter_map(|i| i.get("value").and_then(Value::as_str))
        .collect()
}

/// Resolves a fixture patient's logical id the way a consumer does: by
/// searching on its NHS number first (the search is part of the evidence).
async fn read_of_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let key = a.get(1);
    let nhs = nhs_of(w, key)?;
    let search = search_spec(Some(format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
    let resp = w.send(&search).await?;
    let setup = |why: String| {
        Failure::Assert(format!(
            "setup: the logical id of {key} (NHS number {nhs}) could not be found by patient search, so the read cannot be tested: {why}\n    exchange: {}",
            w.last_exchange()
        ))
    };
    if resp.status != 200 {
        return Err(setup(format!("the search answered HTTP {}", resp.status)));
    }
    let body = resp.json().map_err(setup)?;
    let id = body
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("resource"))
        .find(|r| nhs_numbers(r).contains(&nhs.as_str()))
        .and_then(|r| r.get("id").and_then(Value::as_str))
        .map(str::to_string)
        .ok_or_else(|| setup("no Patient with that NHS number and an id was returned".into()))?;
    w.request = Some(RequestSpec::new(Interaction::ReadPatient, format!("Patient/{id}")));
    w.target_id = Some(id);
    Ok(())
}

async fn read_of_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = a.get(1).to_string();
    w.request = Some(RequestSpec::new(Interaction::ReadPatient, format!("Patient/{id}")));
    w.target_id = Some(id);
    Ok(())
}

fn entries(bundle: &Value) -> Vec<&Value> {
    bundle.get("entry").and_then(Value::as_array).into_iter().flatten().collect()
}

/// The response as a searchset Bundle (schema-checked).
fn searchset(w: &RfaWorld) -> Result<Value, Failure> {
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("expected a searchset Bundle with HTTP 200, got HTTP {status}"));
    }
    let b = resource(w, "Bundle")?;
    check_schema(w, "searchset-bundle", &b)?;
    Ok(b)
}

async fn searchset_with(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want: usize = a.get(1).parse().unwrap_or_default();
    let b = searchset(w)?;
    let got = entries(&b).len();
    if got != want {
        return w.fail(format!(
            "expected {want} entr{} in the searchset Bundle, got {got}",
            if want == 1 { "y" } else { "ies" }
        ));
    }
    Ok(())
}

async fn full_urls(w: &mut RfaWorld, _: &Args) -> StepResult {
    let b = searchset(w)?;
    for (i, e) in entries(&b).iter().enumerate() {
        let ty = e.pointer("/resource/resourceType").and_then(Value::as_str).unwrap_or("?");
        let id = e.pointer("/resource/id").and_then(Value::as_str).unwrap_or("?");
        let want_tail = format!("/{ty}/{id}");
        match e.get("fullUrl").and_then(Value::as_str) {
            None => return w.fail(format!("entry {i} has no fullUrl (GP Connect: SHALL populate entry.fullUrl)")),
            Some(u) if !(u.starts_with("http://") || u.starts_with("https://")) || !u.ends_with(&want_tail) => {
                return w
                    .fail(format!("entry {i} has fullUrl `{u}`, which is not an absolute URL ending in {want_tail}"));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn patients(b: &Value) -> Vec<&Value> {
    entries(b)
        .into_iter()
        .filter_map(|e| e.get("resource"))
        .filter(|r| r.get("resourceType").and_then(Value::as_str) == Some("Patient"))
        .collect()
}

async fn bundle_nhs(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = nhs_of(w, a.get(1))?;
    let b = searchset(w)?;
    for (i, p) in patients(&b).iter().enumerate() {
        let numbers = nhs_numbers(p);
        if !numbers.contains(&nhs.as_str()) {
            let found = if numbers.is_empty() { "no NHS number".to_string() } else { numbers.join(", ") };
            return w.fail(format!("Patient {i} in the Bundle should have NHS number {nhs}, it has {found}"));
        }
    }
    Ok(())
}

async fn bundle_schema(w: &mut RfaWorld, a: &Args) -> StepResult {
    let b = searchset(w)?;
    let list = patients(&b);
    if list.is_empty() {
        return w.fail("the Bundle holds no Patient to check");
    }
    for p in list {
        check_schema(w, a.get(1), p)?;
    }
    Ok(())
}

async fn is_requested_patient(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = nhs_of(w, a.get(1))?;
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("expected HTTP 200 with the Patient, got HTTP {status}"));
    }
    let p = resource(w, "Patient")?;
    let want = w.target_id.clone().unwrap_or_default();
    match p.get("id").and_then(Value::as_str) {
        Some(id) if id == want => {}
        Some(id) => return w.fail(format!("asked for Patient/{want}, got a Patient with id {id}")),
        None => return w.fail(format!("asked for Patient/{want}, got a Patient without an id")),
    }
    if !nhs_numbers(&p).contains(&nhs.as_str()) {
        return w.fail(format!("Patient/{want} should carry NHS number {nhs}"));
    }
    Ok(())
}

async fn etag_matches(w: &mut RfaWorld, _: &Args) -> StepResult {
    let resp = w.response()?;
    let etag = resp.header("ETag");
    let body = resp.json().unwrap_or(Value::Null);
    let Some(version) = body.pointer("/meta/versionId").and_then(Value::as_str) else {
        return w.fail("the resource has no meta.versionId to compare the ETag with");
    };
    let want = format!("W/\"{version}\"");
    match etag {
        None => w.fail(format!("expected ETag {want}, but the response has no ETag header")),
        Some(tag) if tag == want => Ok(()),
        Some(tag) => w.fail(format!("expected ETag {want} (the weak ETag of meta.versionId), got {tag}")),
    }
}
