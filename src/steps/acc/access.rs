//! Remote-access steps: the JWT a request carries.

use serde_json::Value;

use crate::client::ClaimEdit;
use crate::fhir::gpc;
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
        step!(Given r#"^the Ssp-TraceID is a fresh upper-case GUID$"# => trace_id_upper, "Sends a new GUID as the `Ssp-TraceID`, written in upper case (RFC 4122 reads hex digits in either case; the default trace id is lower case)."),
        step!(Given r#"^the JWT has no trailing dot$"# => no_trailing_dot, "Sends the unsigned JWT without its trailing `.`."),
        step!(Given r#"^the bearer token is "([^"]*)"$"# => raw_token, "Sends this exact text as the bearer token."),
        step!(Given r#"^the JWT claim "([^"]+)" is sent as a (string|decimal)$"# => claim_retyped, "Keeps the claim's value but changes its JSON type: a string of its text (`\"1700000000\"`), or a whole number as a decimal (`1700000000.0`)."),
        step!(When r#"^the request is sent once for each JWT lifetime of the seeded sample (\d+)$"# => send_lifetimes, "Sends the request once per JWT lifetime (`exp` - `iat`) of a fixed sample, none of them 300 s: boundaries (0, 1, 299, 301, negative, 2^31, 300 +/- 2^32...) plus pseudo-random ones drawn from this seed; every exchange is evidence, its lifetime in the JWT it carried."),
        step!(Then r#"^each of those requests is refused with (\d{3}) "([A-Z_ ]+)"$"# => each_refused, "Every request of the lifetime sample was refused with this status and an OperationOutcome carrying this Spine code; the failure lists each lifetime that was not."),
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
    let spec = w.as_sent(w.request.as_ref().ok_or_else(|| Failure::Harness("begin a request first".into()))?)?;
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

async fn trace_id_upper(w: &mut RfaWorld, _: &Args) -> StepResult {
    let id = uuid::Uuid::new_v4().to_string().to_uppercase();
    w.request_mut()?.header_edits.push(("Ssp-TraceID".into(), crate::client::HeaderEdit::Set(id)));
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

async fn claim_retyped(w: &mut RfaWorld, a: &Args) -> StepResult {
    let e = if a.get(2) == "string" { ClaimEdit::AsString } else { ClaimEdit::AsDecimal };
    edit(w, a.get(1), e)
}

/// The boundary lifetimes every sample holds: none, one second, just
/// either side of 300, negative, a day, the 32-bit limits, and 300 plus
/// or minus 2^32 (300 again to a provider that keeps the difference in a
/// 32-bit integer).
const BOUNDARY_LIFETIMES: [i64; 16] = [
    0,
    1,
    60,
    240,
    299,
    301,
    360,
    600,
    3_600,
    86_400,
    -1,
    -300,
    i32::MAX as i64,
    i32::MIN as i64,
    300 + (1 << 32),
    300 - (1 << 32),
];

/// How many pseudo-random lifetimes a sample adds to the boundaries.
const RANDOM_LIFETIMES: usize = 12;

/// SplitMix64: a tiny, well-known generator, so that a seed names one
/// sample forever (no crate whose stream could change between versions).
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The lifetimes of the sample `seed`: the boundaries, then random ones
/// near 300 (within 5 minutes), within a day, and within ~30 years, either
/// sign; never 300, never twice.
pub(crate) fn lifetime_sample(seed: u64) -> Vec<i64> {
    let mut out: Vec<i64> = BOUNDARY_LIFETIMES.to_vec();
    let mut state = seed;
    let spans: [u64; 3] = [300, 86_400, 1_000_000_000];
    let mut i = 0;
    while out.len() < BOUNDARY_LIFETIMES.len() + RANDOM_LIFETIMES {
        let r = splitmix64(&mut state);
        let span = spans[i % spans.len()];
        // span < 2^31, so the offset fits an i64 without loss.
        let offset = i64::try_from(r % (span + 1)).unwrap_or(0);
        let lifetime = if r >> 63 == 1 { 300 - offset } else { 300 + offset };
        i += 1;
        if lifetime != gpc::JWT_LIFETIME_SECS && !out.contains(&lifetime) {
            out.push(lifetime);
        }
    }
    out
}

async fn send_lifetimes(w: &mut RfaWorld, a: &Args) -> StepResult {
    let seed: u64 = a.get(1).parse().map_err(|_| Failure::Harness(format!("`{}` is not a seed", a.get(1))))?;
    let base = w.request.clone().ok_or_else(|| Failure::Harness("begin a request before sending a sample".into()))?;
    w.acc.lifetimes.clear();
    for lifetime in lifetime_sample(seed) {
        let mut spec = base.clone();
        spec.jwt.lifetime_secs = lifetime;
        let resp = w.send(&spec).await?;
        w.acc.lifetimes.push((lifetime, resp.clone()));
        w.response = Some(resp);
    }
    Ok(())
}

async fn each_refused(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (status, code) = (a.get(1).parse::<u16>().unwrap_or_default(), a.get(2));
    if w.acc.lifetimes.is_empty() {
        return Err(Failure::Harness("no lifetime sample was sent in this scenario".into()));
    }
    // Each answer is judged as every refusal is (status, code, the whole
    // OperationOutcome form), one at a time as the response in hand.
    let sample = w.acc.lifetimes.clone();
    let mut wrong = Vec::new();
    for (l, r) in &sample {
        w.response = Some(r.clone());
        match crate::steps::common::http::check_refusal(w, Some(status), &[code]) {
            Ok(()) => {}
            Err(Failure::Assert(why)) => {
                let why = why.split("\n    exchange:").next().unwrap_or_default().to_string();
                wrong.push(format!("lifetime {l} s: {why}"));
            }
            Err(other) => return Err(other),
        }
    }
    if wrong.is_empty() {
        return Ok(());
    }
    let sent: Vec<String> = w.acc.lifetimes.iter().map(|(l, _)| l.to_string()).collect();
    w.fail(format!(
        "{} of {} tokens whose exp is not iat + 300 were not refused with {status} {code}: {}\n(sample sent: {})",
        wrong.len(),
        sent.len(),
        wrong.join("; "),
        sent.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_names_one_sample_of_wrong_lifetimes() {
        let a = lifetime_sample(300);
        assert_eq!(a, lifetime_sample(300), "the same seed gives the same sample");
        assert_eq!(a.len(), BOUNDARY_LIFETIMES.len() + RANDOM_LIFETIMES);
        assert!(!a.contains(&gpc::JWT_LIFETIME_SECS), "300 s is the one right lifetime");
        let mut d = a.clone();
        d.sort_unstable();
        d.dedup();
        assert_eq!(d.len(), a.len(), "no lifetime twice");
        assert_ne!(a, lifetime_sample(301), "another seed, another sample");
    }
}
