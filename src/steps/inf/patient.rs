//! Patient steps: searching by NHS number, reading by logical id, and
//! judging the Patients and Bundles that come back.

use serde_json::Value;

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::bundle::{entries, identifiers, resolve, resources, searchset};
use crate::steps::common::http::{check_schema, reads_back, resource};
use crate::steps::common::keys;
use crate::steps::world::{RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a patient search for the NHS number of "([^"]+)"$"# => search_for_key, "Begins a patient search for a fixture patient's NHS number (identity map applied)."),
        step!(Given r#"^a patient search for the NHS number "([^"]*)"$"# => search_for_number, "Begins a patient search for this literal NHS number."),
        step!(Given r#"^a patient search with the query "([^"]*)"$"# => search_raw, "Begins a patient search with this query string sent verbatim; `{nhs:KEY}` becomes a fixture patient's NHS number."),
        step!(Given r#"^a patient search with no parameters$"# => search_bare, "Begins a patient search without any parameter."),
        step!(Given r#"^a patient read of "([^"]+)"$"# => read_of_key, "Finds a fixture patient's logical id by searching on its NHS number (recorded as evidence), then begins a read of it."),
        step!(Given r#"^a patient read of the logical id "([^"]*)"$"# => read_of_id, "Begins a read of this literal logical id."),
        step!(Then r#"^the response is a searchset Bundle with (\d+) entr(?:y|ies)$"# => searchset_with, "HTTP 200 and a searchset Bundle (schema `searchset-bundle`) with exactly this many entries."),
        step!(Then r#"^every Patient in the Bundle has the NHS number of "([^"]+)"$"# => bundle_nhs, "The searchset Bundle holds a Patient, and every Patient in it carries this fixture patient's NHS number."),
        step!(Then r#"^every (Patient|Organization|Practitioner) in the Bundle conforms to the "([a-z-]+)" schema$"# => bundle_schema, "The Bundle holds at least one resource of this type and each conforms to this schema."),
        step!(Then r#"^the response is the Patient "([^"]+)" with the requested id$"# => is_requested_patient, "HTTP 200 and a Patient whose id is the one requested and whose NHS number is this fixture patient's."),
        step!(Then r#"^the Patient has its preferred branch surgery$"# => preferred_branch, "The Patient (the response, or each in the searchset Bundle) has exactly one registration details extension (Extension-CareConnect-GPC-RegistrationDetails-1) naming one preferredBranchSurgery, a reference to a Location that reads back as a Location (evidence kept)."),
        step!(Then r#"^the Patient's managing organisation and usual GP read back$"# => references_resolve, "Each Patient (the response, or each in the searchset Bundle) has a managingOrganization `Organization/[id]` and at most one generalPractitioner `Practitioner/[id]`; each is read (evidence kept) and answers 200 with that resource."),
        step!(Then r#"^the response has an ETag for the version it returned$"# => etag_matches, "The ETag header is `W/\"[meta.versionId]\"` of the resource returned."),
    ]
}

fn search_spec(identifier: Option<String>) -> RequestSpec {
    let mut spec = RequestSpec::new(Interaction::SearchPatients, "Patient");
    if let Some(id) = identifier {
        spec.query.push(("identifier".into(), id));
    }
    spec
}

async fn search_for_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    w.request = Some(search_spec(Some(format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM))));
    Ok(())
}

async fn search_for_number(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(search_spec(Some(format!("{}|{}", gpc::NHS_NUMBER_SYSTEM, a.get(1)))));
    Ok(())
}

async fn search_raw(w: &mut RfaWorld, a: &Args) -> StepResult {
    let mut spec = search_spec(None);
    spec.raw_query = Some(keys::expand(w, a.get(1))?);
    w.request = Some(spec);
    Ok(())
}

async fn search_bare(w: &mut RfaWorld, _: &Args) -> StepResult {
    w.request = Some(search_spec(None));
    Ok(())
}

/// A Patient's NHS numbers.
fn nhs_numbers(p: &Value) -> Vec<&str> {
    identifiers(p, gpc::NHS_NUMBER_SYSTEM)
}

async fn read_of_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let key = a.get(1);
    let nhs = keys::nhs(w, key)?;
    let search = search_spec(Some(format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
    let label = format!("{key} (NHS number {nhs})");
    let id = resolve(w, &search, "Patient", gpc::NHS_NUMBER_SYSTEM, &nhs, &label).await?;
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

async fn bundle_nhs(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    let b = searchset(w)?;
    if resources(&b, "Patient").is_empty() {
        return w.fail(format!("the Bundle should hold the Patient with NHS number {nhs}, it holds no Patient"));
    }
    for (i, p) in resources(&b, "Patient").iter().enumerate() {
        let numbers = nhs_numbers(p);
        if !numbers.contains(&nhs.as_str()) {
            let found = if numbers.is_empty() { "no NHS number".to_string() } else { numbers.join(", ") };
            return w.fail(format!("Patient {i} in the Bundle should have NHS number {nhs}, it has {found}"));
        }
    }
    Ok(())
}

async fn bundle_schema(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (ty, schema) = (a.get(1), a.get(2));
    let b = searchset(w)?;
    let list = resources(&b, ty);
    if list.is_empty() {
        return w.fail(format!("the Bundle holds no {ty} to check"));
    }
    for r in list {
        check_schema(w, schema, r)?;
    }
    Ok(())
}

async fn is_requested_patient(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("expected HTTP 200 with the Patient, got HTTP {status}"));
    }
    let p = resource(w, "Patient")?;
    let want = w.target_id.clone().unwrap_or_default();
    match p.as_resource().id() {
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

/// The Patients of the last answer: the Patient itself, or those of a
/// searchset Bundle; none is a failure.
fn patients(w: &RfaWorld) -> Result<Vec<Value>, crate::steps::world::Failure> {
    let body = match w.response()?.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    let list: Vec<Value> = match body.as_resource().resource_type() {
        Some("Patient") => vec![body.clone()],
        Some("Bundle") => resources(&body, "Patient").into_iter().cloned().collect(),
        _ => Vec::new(),
    };
    if list.is_empty() {
        return w.fail("the answer holds no Patient to check");
    }
    Ok(list)
}

async fn preferred_branch(w: &mut RfaWorld, _: &Args) -> StepResult {
    for p in patients(w)? {
        let details: Vec<&Value> = p
            .get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e.get("url").and_then(Value::as_str) == Some(gpc::REGISTRATION_DETAILS_EXTENSION))
            .collect();
        let [details] = details[..] else {
            return w.fail(format!(
                "Patient {} should have exactly one registration details extension, it has {}",
                p.as_resource().id().unwrap_or("?"),
                details.len()
            ));
        };
        let branches: Vec<&str> = details
            .get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e.get("url").and_then(Value::as_str) == Some("preferredBranchSurgery"))
            .map(|e| e.pointer("/valueReference/reference").and_then(Value::as_str).unwrap_or(""))
            .collect();
        let [branch] = branches[..] else {
            return w.fail(format!(
                "Patient {} should name one preferredBranchSurgery in its registration details (GP Connect: SHALL populate), it names {}",
                p.as_resource().id().unwrap_or("?"),
                branches.len()
            ));
        };
        reads_back(w, "Patient", "preferred branch surgery", branch, "Location").await?;
    }
    Ok(())
}

async fn references_resolve(w: &mut RfaWorld, _: &Args) -> StepResult {
    for p in patients(w)? {
        let Some(org) = p.pointer("/managingOrganization/reference").and_then(Value::as_str) else {
            return w.fail(format!(
                "Patient {} has no managingOrganization reference",
                p.as_resource().id().unwrap_or("?")
            ));
        };
        reads_back(w, "Patient", "managing organisation", org, "Organization").await?;
        let gps: Vec<&str> = p
            .get("generalPractitioner")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|g| g.as_reference().reference().unwrap_or(""))
            .collect();
        if gps.len() > 1 {
            return w.fail(format!(
                "Patient {} names {} usual GPs; GP Connect allows one",
                p.as_resource().id().unwrap_or("?"),
                gps.len()
            ));
        }
        for gp in gps {
            reads_back(w, "Patient", "usual GP", gp, "Practitioner").await?;
        }
    }
    Ok(())
}
