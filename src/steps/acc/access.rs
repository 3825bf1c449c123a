//! Remote-access steps: the JWT a request carries, and the CapabilityStatement.

use serde_json::Value;

use crate::client::ClaimEdit;
use crate::steps::common::http::resource;
use crate::steps::common::stamps::json_arg;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^the JWT claim "([^"]+)" is removed$"# => claim_removed, "Leaves a claim out of the JWT."),
        step!(Given r#"^the JWT claim "([^"]+)" is set to (.+)$"# => claim_set_inline, "Sets a claim to a JSON value (quote strings: `\"migration\"`)."),
        step!(Given r#"^the JWT claim "([^"]+)" is set to:$"# => claim_set_doc, "Sets a claim to the JSON in the doc string below the step."),
        step!(Given r#"^the JWT claim "([^"]+)" has the field "([^"]+)" removed$"# => claim_field_removed, "Removes one field of an object claim (e.g. the `identifier` of `requesting_device`)."),
        step!(Given r#"^the JWT claim "([^"]+)" has the field "([^"]+)" set to (.+)$"# => claim_field_set, "Sets one field of an object claim to a JSON value."),
        step!(Given r#"^the JWT was issued (\d+) seconds ago$"# => issued_ago, "The JWT's `iat` is this many seconds in the past (`exp` follows it)."),
        step!(Given r#"^the JWT is issued (\d+) seconds in the future$"# => issued_future, "The JWT's `iat` is this many seconds in the future (`exp` follows it)."),
        step!(Given r#"^the JWT expires (-?\d+) seconds after it is issued$"# => lifetime, "`exp` is `iat` plus this many seconds (conformant: 300)."),
        step!(Given r#"^the JWT has no trailing dot$"# => no_trailing_dot, "Sends the unsigned JWT without its trailing `.`."),
        step!(Given r#"^the bearer token is "([^"]*)"$"# => raw_token, "Sends this exact text as the bearer token."),
        step!(Then r#"^the CapabilityStatement declares the operation "([a-z.]+)"$"# => declares_operation, "The CapabilityStatement's rest.operation has an entry of this name with a definition reference."),
        step!(Then r#"^the CapabilityStatement declares the "([a-z-]+)" interaction on "([A-Za-z]+)"$"# => declares_interaction, "The CapabilityStatement's rest.resource of this type declares this interaction code."),
        step!(Then r#"^the CapabilityStatement declares the "([A-Za-z_:.-]+)" search parameter on "([A-Za-z]+)"$"# => declares_search_param, "The CapabilityStatement's rest.resource of this type declares this search parameter."),
    ]
}

fn edit(w: &mut RfaWorld, claim: &str, e: ClaimEdit) -> StepResult {
    w.request_mut()?.jwt.claim_edits.push((claim.to_string(), e));
    Ok(())
}

async fn claim_removed(w: &mut RfaWorld, a: &Args) -> StepResult {
    edit(w, a.get(1), ClaimEdit::Remove)
}

async fn claim_set_inline(w: &mut RfaWorld, a: &Args) -> StepResult {
    let v = json_arg(a.get(2))?;
    edit(w, a.get(1), ClaimEdit::Set(v))
}

async fn claim_set_doc(w: &mut RfaWorld, a: &Args) -> StepResult {
    let v = json_arg(a.docstring()?)?;
    edit(w, a.get(1), ClaimEdit::Set(v))
}

/// The claim's current value (the default, with earlier edits applied).
fn current_claim(w: &mut RfaWorld, claim: &str) -> Result<Value, Failure> {
    let ctx = w.ctx()?;
    let cfg = ctx.client.config();
    let spec = w.as_sent(w.request.as_ref().ok_or_else(|| Failure::Harness("begin a request first".into()))?);
    let (_, claims) = crate::client::jwt::build(cfg, spec.interaction, &spec.jwt, 0);
    claims.get(claim).cloned().ok_or_else(|| Failure::Harness(format!("the JWT has no claim `{claim}` to change")))
}

async fn claim_field_removed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (claim, field) = (a.get(1), a.get(2));
    let mut v = current_claim(w, claim)?;
    match v.as_object_mut() {
        Some(o) => {
            o.remove(field);
        }
        None => return Err(Failure::Harness(format!("the JWT claim `{claim}` is not an object"))),
    }
    edit(w, claim, ClaimEdit::Set(v))
}

async fn claim_field_set(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (claim, field) = (a.get(1), a.get(2));
    let new = json_arg(a.get(3))?;
    let mut v = current_claim(w, claim)?;
    match v.as_object_mut() {
        Some(o) => {
            o.insert(field.to_string(), new);
        }
        None => return Err(Failure::Harness(format!("the JWT claim `{claim}` is not an object"))),
    }
    edit(w, claim, ClaimEdit::Set(v))
}

fn secs(a: &Args, i: usize) -> Result<i64, Failure> {
    a.get(i).parse().map_err(|_| Failure::Harness(format!("`{}` is not a number of seconds", a.get(i))))
}

async fn issued_ago(w: &mut RfaWorld, a: &Args) -> StepResult {
    let s = secs(a, 1)?;
    w.request_mut()?.jwt.issued_offset_secs = -s;
    Ok(())
}

async fn issued_future(w: &mut RfaWorld, a: &Args) -> StepResult {
    let s = secs(a, 1)?;
    w.request_mut()?.jwt.issued_offset_secs = s;
    Ok(())
}

async fn lifetime(w: &mut RfaWorld, a: &Args) -> StepResult {
    let s = secs(a, 1)?;
    w.request_mut()?.jwt.lifetime_secs = s;
    Ok(())
}

async fn no_trailing_dot(w: &mut RfaWorld, _: &Args) -> StepResult {
    w.request_mut()?.jwt.trailing_dot = false;
    Ok(())
}

async fn raw_token(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request_mut()?.jwt.raw = Some(a.get(1).to_string());
    Ok(())
}

/// The CapabilityStatement's entry for a resource type.
fn rest_resource(w: &RfaWorld, ty: &str) -> Result<Value, Failure> {
    let cs = resource(w, "CapabilityStatement")?;
    let found = cs
        .get("rest")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|r| r.get("resource").and_then(Value::as_array).into_iter().flatten())
        .find(|r| r.get("type").and_then(Value::as_str) == Some(ty))
        .cloned();
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
    let ops: Vec<&Value> = cs
        .get("rest")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|r| r.get("operation").and_then(Value::as_array).into_iter().flatten())
        .collect();
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
