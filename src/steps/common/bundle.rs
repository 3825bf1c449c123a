//! Reading searchset Bundles and business identifiers, shared by the patient
//! and directory steps.

use serde_json::Value;

use crate::client::RequestSpec;
use crate::fhir::{Bundle, Entry, Resource};
use crate::steps::common::http::{check_schema, resource};
use crate::steps::world::{Failure, RfaWorld};

pub fn entries(bundle: &Value) -> Vec<&Value> {
    Bundle(bundle).entries().map(Entry::json).collect()
}

/// The resources of this type in a Bundle's entries.
pub fn resources<'a>(bundle: &'a Value, ty: &str) -> Vec<&'a Value> {
    Bundle(bundle).entries().filter_map(Entry::resource).filter(|r| r.is(ty)).map(Resource::json).collect()
}

/// The values of a resource's identifiers in this system.
pub fn identifiers<'a>(r: &'a Value, system: &str) -> Vec<&'a str> {
    Resource(r).identifier_values(system)
}

/// The response as a searchset Bundle (schema-checked).
pub fn searchset(w: &RfaWorld) -> Result<Value, Failure> {
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("expected a searchset Bundle with HTTP 200, got HTTP {status}"));
    }
    let b = resource(w, "Bundle")?;
    check_schema(w, "searchset-bundle", &b)?;
    Ok(b)
}

/// Finds a resource's logical id the way a consumer does: by searching on
/// its business identifier first (the search is part of the evidence). A
/// search that does not find it fails the scenario as a setup failure, with
/// the exchange, since the read cannot be judged without it.
pub async fn resolve(
    w: &mut RfaWorld,
    search: &RequestSpec,
    ty: &str,
    system: &str,
    value: &str,
    label: &str,
) -> Result<String, Failure> {
    // A lookup, not the thing tested: made as the practice.
    let resp = w.send_as_practice(search).await?;
    let setup = |why: String| {
        Failure::Assert(format!(
            "setup: the logical id of {label} could not be found by {ty} search, so the read cannot be tested: {why}\n    exchange: {}",
            w.last_exchange()
        ))
    };
    if resp.status != 200 {
        return Err(setup(format!("the search answered HTTP {}", resp.status)));
    }
    let body = resp.json().map_err(setup)?;
    resources(&body, ty)
        .into_iter()
        .find(|r| identifiers(r, system).contains(&value))
        .and_then(|r| Resource(r).id())
        .map(str::to_string)
        .ok_or_else(|| setup(format!("no {ty} with that identifier and an id was returned")))
}
