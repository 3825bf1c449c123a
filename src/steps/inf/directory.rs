//! Organisation, practitioner and location steps: searching by ODS code or
//! SDS user id, reading by logical id, and judging what comes back.

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::bundle::{identifiers, resolve, resources, searchset};
use crate::steps::common::http::{reads_back, resource};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};
use serde_json::Value;

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^an? (Organization|Practitioner) search for the identifier of "([^"]+)"$"# => search_for_key, "Begins an Organization search for a fixture organisation's ODS code, or a Practitioner search for a fixture practitioner's SDS user id (identity maps applied)."),
        step!(Given r#"^an? (Organization|Practitioner) search with the query "([^"]*)"$"# => search_raw, "Begins a search with this query string sent verbatim; `{ods:KEY}`, `{sds:KEY}` and `{nhs:KEY}` become the fixture's identifiers."),
        step!(Given r#"^an? (Organization|Practitioner) search with no parameters$"# => search_bare, "Begins a search with no query string at all."),
        step!(Then r#"^(?:every Practitioner in the Bundle|the Practitioner) has (\d+) SDS role profile identifiers?$"# => role_profiles, "The Practitioners answered (the read's, or all in the searchset Bundle together) carry exactly this many `https://fhir.nhs.uk/Id/sds-role-profile-id` identifiers, each with a value (the official suite's 0, 1 and 2 for practitioner1-3)."),
        step!(Then r#"^the (Organization|Location)'s (partOf|managingOrganization)( if present)? reads back$"# => reference_reads_back, "The read resource's reference (absent allowed only with `if present`) is relative and is read (evidence kept): HTTP 200 with a resource of the referenced type."),
        step!(Given r#"^an? (Organization|Practitioner|Location) read of "([^"]+)"$"# => read_of_key, "Begins a read of a fixture's logical id: found by searching on its ODS code or SDS user id (recorded as evidence), or for a Location taken from `[locations]` in the config."),
        step!(Given r#"^an? (Organization|Practitioner|Location) read of the logical id "([^"]*)"$"# => read_of_id, "Begins a read of this literal logical id."),
        step!(Then r#"^every (Organization|Practitioner) in the Bundle has the identifier of "([^"]+)"$"# => bundle_identifier, "The searchset Bundle holds at least one resource of this type and each carries this fixture's ODS code or SDS user id."),
        step!(Then r#"^the response is the (Organization|Practitioner|Location) "([^"]+)" with the requested id$"# => is_requested, "HTTP 200 and a resource of this type whose id is the one requested and which is this fixture (its ODS code or SDS user id; for a Location, its configured logical id, and any ODS site code it carries is the configured `ods_site_code`)."),
    ]
}

/// What a kind is searched and read by.
struct Kind {
    ty: &'static str,
    search: Interaction,
    read: Interaction,
    /// The business identifier system (none: a Location has no search).
    system: Option<&'static str>,
}

fn kind(name: &str) -> Kind {
    match name {
        "Organization" => Kind {
            ty: "Organization",
            search: Interaction::SearchOrganizations,
            read: Interaction::ReadOrganization,
            system: Some(gpc::ODS_ORGANIZATION_SYSTEM),
        },
        "Practitioner" => Kind {
            ty: "Practitioner",
            search: Interaction::SearchPractitioners,
            read: Interaction::ReadPractitioner,
            system: Some(gpc::SDS_USER_SYSTEM),
        },
        _ => Kind { ty: "Location", search: Interaction::ReadLocation, read: Interaction::ReadLocation, system: None },
    }
}

/// The candidate's business identifier for a fixture key of this kind.
fn business_id(w: &RfaWorld, k: &Kind, key: &str) -> Result<String, Failure> {
    match k.ty {
        "Organization" => keys::ods(w, key),
        "Practitioner" => keys::sds(w, key),
        _ => keys::location(w, key),
    }
}

fn search_spec(k: &Kind, value: Option<&str>) -> RequestSpec {
    let mut spec = RequestSpec::new(k.search, k.ty);
    if let (Some(system), Some(value)) = (k.system, value) {
        spec.query.push(("identifier".into(), format!("{system}|{value}")));
    }
    spec
}

async fn search_for_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let k = kind(a.get(1));
    let id = business_id(w, &k, a.get(2))?;
    w.request = Some(search_spec(&k, Some(&id)));
    Ok(())
}

async fn search_raw(w: &mut RfaWorld, a: &Args) -> StepResult {
    let k = kind(a.get(1));
    let mut spec = search_spec(&k, None);
    spec.raw_query = Some(keys::expand(w, a.get(2))?);
    w.request = Some(spec);
    Ok(())
}

async fn read_of_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (k, key) = (kind(a.get(1)), a.get(2));
    let business = business_id(w, &k, key)?;
    let id = match k.system {
        Some(system) => {
            let label = format!("{key} ({business})");
            resolve(w, &search_spec(&k, Some(&business)), k.ty, system, &business, &label).await?
        }
        None => business,
    };
    begin_read(w, &k, id);
    Ok(())
}

async fn read_of_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    begin_read(w, &kind(a.get(1)), a.get(2).to_string());
    Ok(())
}

fn begin_read(w: &mut RfaWorld, k: &Kind, id: String) {
    w.request = Some(RequestSpec::new(k.read, format!("{}/{id}", k.ty)));
    w.target_id = Some(id);
}

async fn bundle_identifier(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (k, key) = (kind(a.get(1)), a.get(2));
    let want = business_id(w, &k, key)?;
    let system = k.system.unwrap_or_default();
    let b = searchset(w)?;
    let list = resources(&b, k.ty);
    if list.is_empty() {
        return w.fail(format!("the Bundle holds no {} to check", k.ty));
    }
    for (i, r) in list.iter().enumerate() {
        let found = identifiers(r, system);
        if !found.contains(&want.as_str()) {
            let found = if found.is_empty() { format!("no {system} identifier") } else { found.join(", ") };
            return w.fail(format!("{} {i} in the Bundle should carry {system}|{want} ({key}), it has {found}", k.ty));
        }
    }
    Ok(())
}

async fn is_requested(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (k, key) = (kind(a.get(1)), a.get(2));
    let want_business = business_id(w, &k, key)?;
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("expected HTTP 200 with the {}, got HTTP {status}", k.ty));
    }
    let r = resource(w, k.ty)?;
    let want = w.target_id.clone().unwrap_or_default();
    match r.as_resource().id() {
        Some(id) if id == want => {}
        Some(id) => return w.fail(format!("asked for {}/{want}, got a {} with id {id}", k.ty, k.ty)),
        None => return w.fail(format!("asked for {}/{want}, got a {} without an id", k.ty, k.ty)),
    }
    match k.system {
        Some(system) if !identifiers(&r, system).contains(&want_business.as_str()) => {
            w.fail(format!("{}/{want} should carry {system}|{want_business} ({key})", k.ty))
        }
        None if want != want_business => {
            w.fail(format!("{}/{want} was read, but {key} is configured as {}/{want_business}", k.ty, k.ty))
        }
        None => match keys::location_site(w, key)? {
            // As the official "Location Identifier should be valid for
            // Value": every ODS site code it carries is the configured one.
            Some(site) => match identifiers(&r, gpc::ODS_SITE_SYSTEM).into_iter().find(|v| *v != site) {
                Some(other) => w.fail(format!("{}/{want} carries ODS site code {other}, but {key}'s is {site}", k.ty)),
                None => Ok(()),
            },
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

async fn search_bare(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(search_spec(&kind(a.get(1)), None));
    Ok(())
}

/// The Practitioners answered: the read's one, or every one in a searchset.
fn practitioners(w: &mut RfaWorld) -> Result<Vec<Value>, Failure> {
    let body = w.response()?.json().ok();
    match body.as_ref().and_then(|b| b.get("resourceType")).and_then(Value::as_str) {
        Some("Bundle") => Ok(resources(&searchset(w)?, "Practitioner").into_iter().cloned().collect()),
        _ => Ok(vec![resource(w, "Practitioner")?]),
    }
}

async fn role_profiles(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want: usize = a.get(1).parse().map_err(|_| Failure::Harness(format!("`{}` is not a count", a.get(1))))?;
    let list = practitioners(w)?;
    if list.is_empty() {
        return w.fail("the answer holds no Practitioner to check");
    }
    let mut total = 0;
    for r in &list {
        for i in r.get("identifier").and_then(Value::as_array).into_iter().flatten() {
            if i.get("system").and_then(Value::as_str) != Some(gpc::SDS_ROLE_PROFILE_SYSTEM) {
                continue;
            }
            if i.get("value").and_then(Value::as_str).is_none_or(str::is_empty) {
                return w.fail("an SDS role profile identifier has no value");
            }
            total += 1;
        }
    }
    if total != want {
        return w.fail(format!("expected {want} SDS role profile identifier(s) on the Practitioner(s), found {total}"));
    }
    Ok(())
}

async fn reference_reads_back(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (ty, element, optional) = (a.get(1), a.get(2), !a.get(3).is_empty());
    let r = resource(w, ty)?;
    let Some(reference) = r.get(element).and_then(|e| e.get("reference")).and_then(Value::as_str) else {
        if optional {
            return Ok(());
        }
        return w.fail(format!("the {ty} has no {element} reference"));
    };
    let target = if element == "partOf" { ty } else { "Organization" };
    reads_back(w, ty, element, reference, target).await
}
