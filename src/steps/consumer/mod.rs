//! The candidate as a client (profile §37): steps that set up the hosted
//! national services, make the candidate act (its `$rfa-trigger`, or a
//! tester), and judge what it sent. The service-specific judgements are in
//! `consumer_*.rs`; this module holds what they share.

pub(crate) mod eps;
mod gpc;
pub(in crate::steps) mod mesh;
mod pds;

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::client::{RequestSpec, Transport, unrecorded};
use crate::config::TriggerMode;
use crate::evidence::{Body, Exchange, RecordedRequest, RecordedResponse};
use crate::fhir::Views as _;
use crate::fhir::gpc::Interaction;
use crate::national::{NationalData, Service};
use crate::steps::hosted::{Answer, ask_tester, prompt, trigger_body};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

/// The consumer steps of every national service.
pub(crate) fn steps() -> Vec<StepDef> {
    let mut all = own_steps();
    for service in [pds::steps(), eps::steps(), gpc::steps(), mesh::steps()] {
        all.extend(service);
    }
    all
}

fn own_steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^the national (PDS|EPS|SDS|MESH|GP Connect) service answers (\d{3}) to (?:the next (\d+) requests?|every request)$"# => answers, "Makes a hosted national service answer this status (with an OperationOutcome, and `Retry-After: 0` for 429 and 503) instead of serving the next N requests, or every request, of this scenario."),
        step!(When r#"^the national (PDS|EPS|SDS|MESH|GP Connect) service is back$"# => back, "The hosted service serves requests again (what `answers …` set is cleared)."),
        step!(Given r#"^every PDS search finds too many matches$"# => pds_too_many, "The hosted PDS answers every search as PDS does when more patients match than `_max-results` allows: 200 with an OperationOutcome `TOO_MANY_MATCHES` and no Bundle."),
        step!(Given r#"^SDS lists no endpoint for the other practice$"# => sds_empty, "The hosted SDS answers an empty Bundle for the other practice's structured-record Endpoint and Device."),
        step!(Then r#"^the candidate carried out the action$"# => carried_out, "Its trigger answered 2xx; for an interactive action, the tester answered done (not `refused`)."),
        step!(Then r#"^the candidate refused the action$"# => refused, "Its trigger answered 4xx, or 502/503/504 (a service it called failed), with an OperationOutcome that has an issue; a 500 is a failure, not a refusal. For an interactive action, the tester answered `refused`."),
        step!(Then r#"^the candidate made (no|\d+|at least \d+|at most \d+) requests? of (PDS|EPS|SDS|MESH|GP Connect)$"# => count, "Counts the requests the candidate made of this hosted service during the scenario's actions."),
        step!(Then r#"^every (PDS|EPS|SDS|MESH|GP Connect) request carried a UUID in "([^"]+)"$"# => uuid_header, "Every request the candidate made of this service had this header, holding a UUID."),
        step!(Then r#"^every (PDS|EPS|SDS|MESH|GP Connect) request carried "([^"]+)"$"# => has_header, "Every request the candidate made of this service had this header, not empty."),
        step!(Then r#"^the (PDS|EPS|SDS|MESH|GP Connect) requests' "([^"]+)" values were all different$"# => all_different, "The values of this header differ between every two requests the candidate made of this service."),
    ]
}

/// The candidate's national services data (for what the steps ask for).
pub fn national() -> Result<&'static NationalData, Failure> {
    NationalData::shared().map_err(|e| Failure::Harness(format!("the national test data: {e}")))
}

pub fn service(name: &str) -> Result<Service, Failure> {
    Service::parse(name).ok_or_else(|| Failure::Harness(format!("`{name}` is not a hosted service")))
}

/// Takes the hosted services for this scenario (waiting for its turn), or
/// skips it when the config says nothing of the candidate as a client.
pub async fn own(w: &mut RfaWorld) -> StepResult {
    triggerable(w)?;
    let ctx = w.ctx()?;
    if w.turn.is_none() {
        let key = w.scenario.clone().ok_or_else(|| Failure::Harness("the scenario has no identity".into()))?;
        w.turn = Some(ctx.consumer.turn(&key).await);
    }
    Ok(())
}

async fn answers(w: &mut RfaWorld, a: &Args) -> StepResult {
    own(w).await?;
    let (svc, status) = (service(a.get(1))?, a.get(2).parse::<u16>().unwrap_or(503));
    let times = if a.get(3).is_empty() { None } else { Some(a.get(3).parse::<usize>().unwrap_or(1)) };
    if let Some((s, sid)) = w.turn.as_ref().and_then(|t| t.services()) {
        s.answer(sid, svc, status, times);
    }
    Ok(())
}

async fn back(w: &mut RfaWorld, a: &Args) -> StepResult {
    own(w).await?;
    let svc = service(a.get(1))?;
    if let Some((s, sid)) = w.turn.as_ref().and_then(|t| t.services()) {
        s.restore(sid, svc);
    }
    Ok(())
}

async fn sds_empty(w: &mut RfaWorld, _: &Args) -> StepResult {
    own(w).await?;
    if let Some((s, sid)) = w.turn.as_ref().and_then(|t| t.services()) {
        s.sds_lists_nothing(sid);
    }
    Ok(())
}

async fn pds_too_many(w: &mut RfaWorld, _: &Args) -> StepResult {
    own(w).await?;
    if let Some((s, sid)) = w.turn.as_ref().and_then(|t| t.services()) {
        s.pds_finds_too_many(sid);
    }
    Ok(())
}

/// Whether the candidate can be asked to act (the config's `[consumer]`
/// section says how: trigger or tester); a scenario that needs it is
/// skipped otherwise.
fn triggerable(w: &RfaWorld) -> StepResult {
    if w.ctx()?.consumer.settings.is_none() {
        return Err(Failure::Skip(
            "the config has no [consumer] section, so the candidate cannot be asked to act: no trigger, no tester (profile §37.1)".into(),
        ));
    }
    Ok(())
}

/// The URL a tester's action is recorded under.
fn tester_url(action: &str) -> String {
    format!("tester:{action}")
}

/// Asks the candidate to carry out `action` with `params`, then collects
/// every request it made of the hosted services meanwhile.
pub async fn act(w: &mut RfaWorld, action: &str, params: Vec<(String, String)>) -> StepResult {
    own(w).await?;
    perform(w, action, params).await
}

/// Asks the candidate to carry out an action that calls no national
/// service (marking an arrival): no turn on the hosted services is taken,
/// so such scenarios run side by side whatever the isolation; the result
/// is judged by reading it back through GP Connect.
pub async fn act_in_record(w: &mut RfaWorld, action: &str, params: Vec<(String, String)>) -> StepResult {
    triggerable(w)?;
    perform(w, action, params).await
}

async fn perform(w: &mut RfaWorld, action: &str, params: Vec<(String, String)>) -> StepResult {
    let ctx = w.ctx()?;
    let key = w.scenario.clone().ok_or_else(|| Failure::Harness("the scenario has no identity".into()))?;
    let settings = ctx.consumer.settings.clone().unwrap_or_else(crate::config::ConsumerSettings::synchronous);
    w.consumer.before_last = w.consumer.inbound.len();
    w.consumer.action = Some(action.to_string());
    w.consumer.answer = None;
    w.consumer.tester_refused = None;
    let services = w.turn.as_ref().and_then(|t| t.services()).map(|(s, sid)| s.url_for(sid));
    match (settings.trigger, ctx.client.transport()) {
        (TriggerMode::Endpoint, _) => {
            let body = trigger_body(action, &params, services.as_deref());
            let spec = RequestSpec::post(Interaction::Trigger, "$rfa-trigger", body.to_string());
            let resp = w.send_as_practice(&spec).await?;
            w.consumer.answer = Some(resp);
        }
        (TriggerMode::Interactive, Transport::Replay(book)) => {
            let asked = tester_request(action, "");
            let x = match book.next_for(Some(&key), &asked) {
                Ok(x) => x,
                Err(why) => {
                    w.exchanges.push(unrecorded(asked, &why));
                    return Err(Failure::Transport(why));
                }
            };
            let skipped = x.error.clone();
            let said = x.response.as_ref().map(|r| r.body.bytes().to_vec()).unwrap_or_default();
            w.exchanges.push(x);
            if let Some(why) = skipped {
                return Err(Failure::Skip(why));
            }
            w.consumer.tester_refused = Some(said == REFUSED);
        }
        (TriggerMode::Interactive, Transport::Live(_)) => {
            let where_ = services.clone().unwrap_or_default();
            static ASKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let number = ASKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            let text = prompt(number, &format!("{} ({key})", w.title), action, &params, &where_);
            let started = std::time::SystemTime::now();
            let clock = Instant::now();
            let answer = if ctx.consumer.non_interactive {
                Answer::Skip(format!(
                    "--non-interactive: a tester would carry out `{action}` in the candidate, and none is waited for"
                ))
            } else {
                ask_tester(&text, settings.tester_timeout()).await
            };
            let x = Exchange {
                started: crate::client::rfc3339(started),
                duration_ms: clock.elapsed().as_secs_f64() * 1000.0,
                request: tester_request(action, &text),
                response: match answer {
                    Answer::Done => Some(b"done".as_slice()),
                    Answer::Refused => Some(REFUSED),
                    Answer::Skip(_) => None,
                }
                .map(|said| RecordedResponse {
                    status: 200,
                    headers: vec![],
                    body: Body::from_bytes(said),
                }),
                error: match &answer {
                    Answer::Skip(why) => Some(why.clone()),
                    Answer::Done | Answer::Refused => None,
                },
                negotiated: None,
                inbound: false,
            };
            w.exchanges.push(x);
            if let Answer::Skip(why) = answer {
                return Err(Failure::Skip(why));
            }
            w.consumer.tester_refused = Some(answer == Answer::Refused);
        }
    }
    collect(w, settings.settle()).await
}

/// What the evidence records when the tester reports a refusal.
const REFUSED: &[u8] = b"refused";

fn tester_request(action: &str, text: &str) -> RecordedRequest {
    RecordedRequest {
        method: "PROMPT".into(),
        url: tester_url(action),
        headers: vec![],
        jwt_claims: None,
        tls: None,
        body: Body::from_bytes(text.as_bytes()),
    }
}

/// Gathers what arrived: live, once `settle` passes with nothing new
/// (bounded, so a candidate that never stops calling cannot hang the run);
/// re-judging, what the evidence records next.
async fn collect(w: &mut RfaWorld, settle: Duration) -> StepResult {
    const BOUND: Duration = Duration::from_secs(60);
    let ctx = w.ctx()?;
    let session = w.turn.as_ref().and_then(|t| t.services());
    let arrived = match (ctx.client.transport(), session) {
        (Transport::Replay(book), _) => w.scenario.as_ref().map(|k| book.take_inbound(k)).unwrap_or_default(),
        (Transport::Live(_), Some((services, sid))) => {
            let mut got = services.take(sid);
            let start = Instant::now();
            while !settle.is_zero() && start.elapsed() < BOUND {
                tokio::time::sleep(settle).await;
                let more = services.take(sid);
                if more.is_empty() {
                    break;
                }
                got.extend(more);
            }
            got
        }
        (Transport::Live(_), None) => vec![],
    };
    w.exchanges.extend(arrived.iter().cloned());
    w.consumer.inbound.extend(arrived);
    Ok(())
}

/// The requests the candidate made of a service in the scenario.
pub fn inbound(w: &RfaWorld, svc: Service) -> Vec<&Exchange> {
    w.consumer.inbound.iter().filter(|x| Service::of_url(&x.request.url) == Some(svc)).collect()
}

/// The same, during the latest action only.
pub fn latest(w: &RfaWorld, svc: Service) -> Vec<&Exchange> {
    w.consumer.inbound[w.consumer.before_last.min(w.consumer.inbound.len())..]
        .iter()
        .filter(|x| Service::of_url(&x.request.url) == Some(svc))
        .collect()
}

/// Lists exchanges for a failure message.
pub fn listing(xs: &[&Exchange]) -> String {
    if xs.is_empty() {
        return "none".into();
    }
    xs.iter().map(|x| format!("\n    {}", x.summary())).collect()
}

/// A request's body as JSON (or Null).
pub fn body_json(x: &Exchange) -> Value {
    serde_json::from_slice(&x.request.body.bytes()).unwrap_or(Value::Null)
}

/// What the service answered, as JSON (or Null).
pub fn answer_json(x: &Exchange) -> Value {
    x.response.as_ref().and_then(|r| serde_json::from_slice(&r.body.bytes()).ok()).unwrap_or(Value::Null)
}

pub fn succeeded(x: &Exchange) -> bool {
    x.response.as_ref().is_some_and(|r| (200..300).contains(&r.status))
}

/// Fails, describing the action and what the candidate sent.
pub fn fail_with<T>(w: &RfaWorld, msg: impl std::fmt::Display) -> Result<T, Failure> {
    let all: Vec<&Exchange> = w.consumer.inbound.iter().collect();
    Err(Failure::Assert(format!(
        "{msg}\n    action: {}\n    the candidate's requests:{}\n    exchange: {}",
        w.consumer.action.as_deref().unwrap_or("none"),
        listing(&all),
        w.last_exchange()
    )))
}

async fn carried_out(w: &mut RfaWorld, _: &Args) -> StepResult {
    did_act(w)
}

/// Whether the candidate carried out the latest action: its trigger
/// answered 2xx, or the tester answered done.
pub(crate) fn did_act(w: &RfaWorld) -> StepResult {
    match (&w.consumer.answer, w.consumer.tester_refused) {
        (Some(r), _) if (200..300).contains(&r.status) => Ok(()),
        (Some(r), _) => {
            let status = r.status;
            w.fail(format!("the candidate should carry out the action and answer 2xx, it answered {status}"))
        }
        (None, Some(false)) => Ok(()),
        (None, Some(true)) => {
            fail_with(w, "the candidate should carry out the action; the tester reported it would not")
        }
        (None, None) => Err(Failure::Harness("no action was asked of the candidate before this check".into())),
    }
}

/// Whether a trigger's answer is a refusal: 4xx, or 502/503/504 (a
/// national service or provider it called failed), with an
/// OperationOutcome that has an issue. A 500 or any other 5xx says the
/// candidate itself failed, which is not declining the action (profile
/// §37.1).
fn refusal(r: &crate::client::Response) -> Result<(), String> {
    let status = r.status;
    let body = r.json().unwrap_or_default();
    let outcome = body.as_resource().resource_type() == Some("OperationOutcome")
        && body.get("issue").and_then(Value::as_array).is_some_and(|i| !i.is_empty());
    let why = if (400..500).contains(&status) || matches!(status, 502..=504) {
        if outcome {
            return Ok(());
        }
        "without an OperationOutcome issue saying why".to_string()
    } else if status >= 500 {
        "a server error: the candidate failed, it did not decline".to_string()
    } else {
        "which is not a refusal".to_string()
    };
    Err(format!(
        "the candidate should refuse the action (4xx, or 502/503/504 when a service it called failed, with an OperationOutcome saying why); it answered {status}, {why}"
    ))
}

async fn refused(w: &mut RfaWorld, _: &Args) -> StepResult {
    match (&w.consumer.answer, w.consumer.tester_refused) {
        (Some(r), _) => match refusal(r) {
            Ok(()) => Ok(()),
            Err(msg) => w.fail(msg),
        },
        (None, Some(true)) => Ok(()),
        (None, Some(false)) => {
            fail_with(w, "the candidate should refuse the action; the tester reported it carried it out")
        }
        (None, None) => Err(Failure::Harness("no action was asked of the candidate before this check".into())),
    }
}

async fn count(w: &mut RfaWorld, a: &Args) -> StepResult {
    let svc = service(a.get(2))?;
    let n = inbound(w, svc).len();
    let want = a.get(1);
    let number = |s: &str| s.trim().parse::<usize>().unwrap_or(0);
    let ok = match want {
        "no" => n == 0,
        w if w.starts_with("at least") => n >= number(&w["at least".len()..]),
        w if w.starts_with("at most") => n <= number(&w["at most".len()..]),
        w => n == number(w),
    };
    if !ok {
        return fail_with(w, format!("the candidate should make {want} request(s) of {}, it made {n}", svc.name()));
    }
    Ok(())
}

fn header_values(w: &RfaWorld, svc: Service, name: &str) -> Vec<(String, String)> {
    inbound(w, svc).iter().map(|x| (x.summary(), x.request.header(name).unwrap_or_default().to_string())).collect()
}

async fn uuid_header(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (svc, name) = (service(a.get(1))?, a.get(2));
    let values = header_values(w, svc, name);
    if values.is_empty() {
        return fail_with(w, format!("the candidate made no request of {}", svc.name()));
    }
    for (what, v) in values {
        if uuid::Uuid::parse_str(&v).is_err() {
            return fail_with(w, format!("{name} should hold a UUID; it is `{v}` in {what}"));
        }
    }
    Ok(())
}

async fn has_header(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (svc, name) = (service(a.get(1))?, a.get(2));
    let values = header_values(w, svc, name);
    if values.is_empty() {
        return fail_with(w, format!("the candidate made no request of {}", svc.name()));
    }
    if let Some((what, _)) = values.iter().find(|(_, v)| v.trim().is_empty()) {
        return fail_with(w, format!("every request should carry {name}; {what} does not"));
    }
    Ok(())
}

async fn all_different(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (svc, name) = (service(a.get(1))?, a.get(2));
    let values = header_values(w, svc, name);
    if values.len() < 2 {
        return fail_with(w, format!("two or more requests of {} were expected", svc.name()));
    }
    let mut seen = std::collections::HashSet::new();
    for (what, v) in &values {
        if !seen.insert(v.as_str()) {
            return fail_with(w, format!("each request should have its own {name}; `{v}` is used again by {what}"));
        }
    }
    Ok(())
}
