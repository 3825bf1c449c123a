//! The CapabilityStatements (ACC): what each service root declares — its
//! release, profiles, resources, interactions, search parameters and
//! includes, and operations — read the way the official provider suite's
//! FHIR.feature reads them.

use std::io::Read as _;

use serde_json::Value;

use crate::steps::common::http::resource;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Then r#"^the CapabilityStatement declares the operation "([a-z.]+)"$"# => declares_operation, "The CapabilityStatement's rest.operation has an entry of this name with a definition reference."),
        step!(Then r#"^the CapabilityStatement declares the operation "([a-z.]+)" defined by "([^"]+)"$"# => operation_defined_by, "The CapabilityStatement's rest.operation has an entry of this name whose definition reference is exactly this URL."),
        step!(Then r#"^the CapabilityStatement declares the "([a-z-]+)" interaction on "([A-Za-z]+)"$"# => declares_interaction, "The CapabilityStatement's rest.resource of this type declares this interaction code."),
        step!(Then r#"^the CapabilityStatement declares the "([A-Za-z_:.-]+)" search parameter on "([A-Za-z]+)"$"# => declares_search_param, "The CapabilityStatement's rest.resource of this type declares this search parameter."),
        step!(Then r#"^the CapabilityStatement declares the "([A-Za-z_:.-]+)" search parameter of type "([a-z]+)" on "([A-Za-z]+)"$"# => search_param_typed, "The CapabilityStatement's rest.resource of this type declares this search parameter with this type."),
        step!(Then r#"^the CapabilityStatement declares the search include "([A-Za-z:]+)" on "([A-Za-z]+)"$"# => declares_include, "The CapabilityStatement's rest.resource of this type lists this searchInclude."),
        step!(Then r#"^the CapabilityStatement lists the profile "([^"]+)" once$"# => lists_profile, "The CapabilityStatement's top-level profile list holds a reference that is exactly this URL, exactly once."),
        step!(Then r#"^the CapabilityStatement's version is a GP Connect (\d+\.\d+\.x(?: or \d+\.\d+\.x)*) release$"# => release_version, "The CapabilityStatement's version is a release `<major>.<minor>.<patch>` of one of these lines (`1.5.x or 1.6.x`), any patch (the official suite compares it with the exact release the provider is tested against; a pack judges lines)."),
        step!(Then r#"^the response is gzip-compressed$"# => gzipped, "The response has `Content-Encoding: gzip` and its body inflates; later steps read the inflated body."),
    ]
}

fn rest_entries<'a>(cs: &'a Value, member: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    cs.get("rest")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(move |r| r.get(member).and_then(Value::as_array).into_iter().flatten())
}

/// The CapabilityStatement's entry for a resource type.
fn rest_resource(w: &RfaWorld, ty: &str) -> Result<Value, Failure> {
    let cs = resource(w, "CapabilityStatement")?;
    let found = rest_entries(&cs, "resource").find(|r| r.get("type").and_then(Value::as_str) == Some(ty)).cloned();
    match found {
        Some(r) => Ok(r),
        None => w.fail(format!("the CapabilityStatement declares no {ty} resource in rest.resource")),
    }
}

async fn declares_interaction(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (code, ty) = (a.get(1), a.get(2));
    let r = rest_resource(w, ty)?;
    let codes: Vec<&str> = r
        .get("interaction")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("code").and_then(Value::as_str))
        .collect();
    if !codes.contains(&code) {
        return w.fail(format!(
            "the CapabilityStatement's {ty} resource does not declare the `{code}` interaction (it declares: {})",
            codes.join(", ")
        ));
    }
    Ok(())
}

async fn declares_search_param(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, ty) = (a.get(1), a.get(2));
    let r = rest_resource(w, ty)?;
    let found = r
        .get("searchParam")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|p| p.get("name").and_then(Value::as_str) == Some(name));
    if !found {
        return w
            .fail(format!("the CapabilityStatement's {ty} resource does not declare the `{name}` search parameter"));
    }
    Ok(())
}

async fn declares_operation(w: &mut RfaWorld, a: &Args) -> StepResult {
    let cs = resource(w, "CapabilityStatement")?;
    let ops: Vec<&Value> = rest_entries(&cs, "operation").collect();
    let found = ops.iter().find(|o| o.get("name").and_then(Value::as_str) == Some(a.get(1)));
    match found {
        Some(o) if o.pointer("/definition/reference").and_then(Value::as_str).is_some_and(|r| !r.is_empty()) => Ok(()),
        Some(_) => w.fail(format!("the operation {} is declared without a definition reference", a.get(1))),
        None => {
            let names: Vec<&str> = ops.iter().filter_map(|o| o.get("name").and_then(Value::as_str)).collect();
            w.fail(format!(
                "the CapabilityStatement does not declare the operation {} (it declares: {})",
                a.get(1),
                if names.is_empty() { "none".into() } else { names.join(", ") }
            ))
        }
    }
}

async fn operation_defined_by(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, url) = (a.get(1), a.get(2));
    let cs = resource(w, "CapabilityStatement")?;
    let defined: Vec<String> = rest_entries(&cs, "operation")
        .filter(|o| o.get("name").and_then(Value::as_str) == Some(name))
        .map(|o| o.pointer("/definition/reference").and_then(Value::as_str).unwrap_or("(none)").to_string())
        .collect();
    if defined.iter().any(|d| d == url) {
        return Ok(());
    }
    if defined.is_empty() {
        return w.fail(format!("the CapabilityStatement does not declare the operation {name}"));
    }
    w.fail(format!("the operation {name} is defined by {}, not {url}", defined.join(", ")))
}

async fn search_param_typed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, kind, ty) = (a.get(1), a.get(2), a.get(3));
    let r = rest_resource(w, ty)?;
    let param = r
        .get("searchParam")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name));
    match param.and_then(|p| p.get("type")).and_then(Value::as_str) {
        Some(t) if t == kind => Ok(()),
        Some(t) => w.fail(format!("the {ty} search parameter `{name}` is declared of type {t}, not {kind}")),
        None if param.is_some() => w.fail(format!("the {ty} search parameter `{name}` is declared without a type")),
        None => {
            w.fail(format!("the CapabilityStatement's {ty} resource does not declare the `{name}` search parameter"))
        }
    }
}

async fn declares_include(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (include, ty) = (a.get(1), a.get(2));
    let r = rest_resource(w, ty)?;
    let all: Vec<&str> =
        r.get("searchInclude").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    if all.contains(&include) {
        return Ok(());
    }
    w.fail(format!(
        "the CapabilityStatement's {ty} resource does not list the searchInclude `{include}` (it lists: {})",
        if all.is_empty() { "none".to_string() } else { all.join(", ") }
    ))
}

async fn lists_profile(w: &mut RfaWorld, a: &Args) -> StepResult {
    let url = a.get(1);
    let cs = resource(w, "CapabilityStatement")?;
    let count = cs
        .get("profile")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("reference").and_then(Value::as_str) == Some(url))
        .count();
    match count {
        1 => Ok(()),
        0 => w.fail(format!("the CapabilityStatement's profile list does not reference {url}")),
        n => w.fail(format!("the CapabilityStatement's profile list references {url} {n} times, not once")),
    }
}

async fn release_version(w: &mut RfaWorld, a: &Args) -> StepResult {
    let lines: Vec<&str> = a.get(1).split(" or ").map(|l| l.trim_end_matches(".x")).collect();
    let cs = resource(w, "CapabilityStatement")?;
    let version = cs.get("version").and_then(Value::as_str).unwrap_or_default();
    if lines.iter().any(|line| is_release_of(version, line)) {
        return Ok(());
    }
    let wanted = lines.iter().map(|l| format!("{l}.<patch>")).collect::<Vec<_>>().join(" or ");
    w.fail(format!(
        "the CapabilityStatement's version should be the GP Connect release it implements, {wanted}; it is `{version}`"
    ))
}

/// `version` is `<line>.<patch>`, the patch a number: GP Connect's releases
/// are three numbers, and a patch release does not change what is judged.
fn is_release_of(version: &str, line: &str) -> bool {
    version
        .strip_prefix(line)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

async fn gzipped(w: &mut RfaWorld, _: &Args) -> StepResult {
    let resp = w.response()?;
    let encoding = resp.header("content-encoding").unwrap_or_default();
    if !encoding.split(',').any(|e| e.trim().eq_ignore_ascii_case("gzip")) {
        let shown = if encoding.is_empty() { "none".to_string() } else { encoding };
        return w.fail(format!(
            "the response should be gzip-compressed (Content-Encoding: gzip), its Content-Encoding is {shown}"
        ));
    }
    let mut inflated = Vec::new();
    // A hostile body could inflate without end: read at most 64 MiB.
    let read = flate2::read::GzDecoder::new(resp.body.as_slice()).take(64 << 20).read_to_end(&mut inflated);
    if let Err(e) = read {
        return w.fail(format!("the body says it is gzip but does not inflate: {e}"));
    }
    if let Some(r) = w.response.as_mut() {
        r.body = inflated;
        r.headers.remove(reqwest::header::CONTENT_ENCODING);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_release_of;

    #[test]
    fn a_release_is_its_line_and_a_numeric_patch() {
        assert!(is_release_of("1.6.0", "1.6"));
        assert!(is_release_of("1.6.12", "1.6"));
        assert!(!is_release_of("1.6", "1.6"));
        assert!(!is_release_of("1.6.", "1.6"));
        assert!(!is_release_of("1.60.1", "1.6"));
        assert!(!is_release_of("1.5.0", "1.6"));
        assert!(!is_release_of("1.6.0-beta", "1.6"));
        assert!(!is_release_of("", "1.6"));
    }
}
