//! Remote-access steps: the JWT a request carries.

use serde_json::Value;

use crate::client::ClaimEdit;
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
