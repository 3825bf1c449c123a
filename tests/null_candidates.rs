//! No vacuous verdicts: a candidate that lacks every capability passes no
//! requirement. Each null candidate below answers every request the same
//! way (a 404 OperationOutcome, a bare 501, `200 {}`), as a system that
//! serves nothing would; a requirement that passes against one judges
//! nothing but refusals, and would pass a system that cannot do the thing.
//!
//! The null candidates are small axum servers on loopback: there is nothing
//! of the reference in them on purpose.

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rfa_harness::config::{CandidateConfig, CandidateIdentity};
use rfa_harness::fixtures::FixturePack;
use rfa_harness::runner::{self, RunPlan, load_catalogue};
use rfa_harness::verdict::{self, Outcome};

#[derive(Clone, Copy, Debug)]
enum Null {
    /// 404 with a GP Connect OperationOutcome, whatever was asked.
    NotFound,
    /// 501 with no body.
    NotImplemented,
    /// 200 with an empty JSON object.
    EmptyOk,
}

fn answer(kind: Null) -> Response {
    match kind {
        Null::NotFound => {
            let body = serde_json::json!({
                "resourceType": "OperationOutcome",
                "meta": { "profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1"] },
                "issue": [{
                    "severity": "error",
                    "code": "not-found",
                    "details": { "coding": [{
                        "system": "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1",
                        "code": "NO_RECORD_FOUND",
                        "display": "No record found"
                    }] }
                }]
            });
            let mut r = (StatusCode::NOT_FOUND, body.to_string()).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/fhir+json"));
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Null::NotImplemented => StatusCode::NOT_IMPLEMENTED.into_response(),
        Null::EmptyOk => {
            let mut r = (StatusCode::OK, "{}").into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/fhir+json"));
            r
        }
    }
}

/// The requirements that pass against this null candidate.
async fn passing_against(kind: Null) -> Vec<String> {
    let app = axum::Router::new().fallback(move || async move { answer(kind) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let cat = load_catalogue(None).expect("pack");
    let fixtures = FixturePack::embedded().expect("fixtures");
    let identity = CandidateIdentity { supplier: "Null".into(), product: format!("{kind:?}"), version: "0".into() };
    let base = rfa_harness::config::parse_base_url(&format!("http://{addr}/fhir")).expect("url");
    let mut cfg = CandidateConfig::for_known(identity, base, "900000000001", "GPC001", &fixtures);
    cfg.timeout = std::time::Duration::from_secs(5);
    let plan = RunPlan::live(&cat, Arc::new(cfg)).expect("plan");
    let out = runner::execute(plan, None).await.expect("the run completes");
    let verdict = verdict::judge(&cat, &out, None, &Default::default());
    server.abort();
    verdict.requirements.iter().filter(|r| r.outcome == Outcome::Passed).map(|r| r.id.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_that_answers_404_to_everything_passes_nothing() {
    let passing = passing_against(Null::NotFound).await;
    assert!(passing.is_empty(), "requirements passed by a candidate that serves nothing: {passing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_that_answers_501_to_everything_passes_nothing() {
    let passing = passing_against(Null::NotImplemented).await;
    assert!(passing.is_empty(), "requirements passed by a candidate that serves nothing: {passing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_that_answers_an_empty_200_to_everything_passes_nothing() {
    let passing = passing_against(Null::EmptyOk).await;
    assert!(passing.is_empty(), "requirements passed by a candidate that serves nothing: {passing:?}");
}

/// Whether a request's path is GP Connect Foundations (metadata, Patient,
/// Organization, Practitioner, Location) rather than another capability:
/// the structured and documents services, Slot and Appointment (and
/// Patient/{id}/Appointment), `$gpc.registerpatient`, and the profile's own
/// resources. A path nobody serves (`/Metadata`, `/patient`) counts as
/// Foundations: refusing it is the Foundations provider's job.
/// The operations the reference serves (a misspelt one is served by no one).
const KNOWN_OPERATIONS: &[&str] = &[
    "$gpc.getstructuredrecord",
    "$gpc.migratestructuredrecord",
    "$gpc.registerpatient",
    "$process-message",
    "$rfa-trigger",
    "$rfa.acknowledge",
    "$rfa.arrive",
    "$rfa.cancel",
    "$rfa.didnotattend",
];

fn is_foundations(path: &str) -> bool {
    let Some(rest) = path.split_once("/gpconnect/fhir").map(|(_, r)| r.trim_start_matches('/')) else {
        return false;
    };
    let segs: Vec<&str> = rest.split('/').collect();
    let served = ["metadata", "Patient", "Organization", "Practitioner", "Location"];
    let unknown =
        |s: &str| !s.starts_with(|c: char| c.is_ascii_uppercase()) || served.iter().any(|f| f.eq_ignore_ascii_case(s));
    // An operation the reference serves is another capability; a misspelt
    // one (`$gpc.registerpatien`) is a path nobody serves.
    match segs.iter().find(|s| s.starts_with('$')) {
        // `patient/$gpc.registerpatient`: a wrongly cased type, served by no one.
        Some(op) => {
            !KNOWN_OPERATIONS.contains(op) || (segs[0] != *op && !served.contains(&segs[0]) && unknown(segs[0]))
        }
        None if served.contains(&segs[0]) => segs.len() <= 2,
        None => unknown(segs[0]),
    }
}

/// The GP Connect capability beyond Foundations a request's path belongs
/// to, if any.
fn capability(path: &str) -> Option<&'static str> {
    if path.contains("/gpconnect/structured/")
        || path.contains("gpc.getstructuredrecord")
        || path.contains("gpc.migratestructuredrecord")
    {
        return Some("structured");
    }
    if path.contains("/gpconnect/documents/") {
        return Some("documents");
    }
    let rest = path.split_once("/gpconnect/fhir/").map(|(_, r)| r)?;
    let segs: Vec<&str> = rest.split('/').collect();
    (segs[0] == "Slot" || segs[0] == "Appointment" || segs.get(2) == Some(&"Appointment")).then_some("appointments")
}

/// Patient-facing access rules (the profile's patients-online area) cut
/// across capabilities by design: "another patient's data is refused" holds
/// for appointments and the record alike.
const ACROSS_CAPABILITIES: &[&str] = &["RFA-ONL-028", "RFA-ONL-029", "RFA-ONL-032", "RFA-ONL-037"];

/// Requirements whose scenarios exercise different capabilities: some only
/// Foundations and some structured, say, so a provider without one fails
/// the requirement for the other. A scenario that reads only metadata
/// counts for no capability (every capability has its statement), nor does
/// the trigger (profile §37.1): it asks the candidate to act, and what the
/// action touches is read back through the capability that shows it.
fn mixing_capabilities(v: &verdict::Verdict) -> Vec<String> {
    let mut mixed = Vec::new();
    for r in v.requirements.iter().filter(|r| !ACROSS_CAPABILITIES.contains(&r.id.as_str())) {
        let sets: std::collections::BTreeSet<std::collections::BTreeSet<&str>> = r
            .scenarios
            .iter()
            .filter_map(|s| {
                let paths: Vec<String> = s
                    .exchanges
                    .iter()
                    .filter_map(|x| reqwest::Url::parse(&x.url).ok().map(|u| u.path().to_string()))
                    .filter(|p| !p.ends_with("/metadata") && !p.ends_with("/$rfa-trigger"))
                    .collect();
                (!paths.is_empty()).then(|| paths.iter().filter_map(|p| capability(p)).collect())
            })
            .collect();
        if sets.len() > 1 {
            mixed.push(format!("{} {:?}", r.id, sets));
        }
    }
    mixed
}

/// A GP Connect provider that offers Foundations and nothing else: the
/// reference behind a proxy that forwards Foundations requests and answers
/// any other with a 404 OperationOutcome. Plain HTTP only, so the TLS
/// requirements cannot run against it (they need the reference's own TLS
/// port) and are left out of both sides of the comparison.
async fn through_proxy(foundations_only: bool) -> verdict::Verdict {
    let fixtures = FixturePack::embedded().expect("fixtures");
    let r = rfa_harness::reference::start(([127, 0, 0, 1], 0).into(), Default::default(), &fixtures)
        .await
        .expect("bind loopback");
    let upstream = r.addr;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let client = client.clone();
        async move {
            let path_and_query = req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default();
            if foundations_only && !is_foundations(req.uri().path()) {
                return answer(Null::NotFound);
            }
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 64 << 20).await.unwrap_or_default();
            let mut fwd = client.request(parts.method, format!("http://{upstream}{path_and_query}"));
            for (k, v) in &parts.headers {
                if k != header::HOST {
                    fwd = fwd.header(k, v);
                }
            }
            match fwd.body(body).send().await {
                Ok(resp) => {
                    let mut out = Response::builder().status(resp.status());
                    for (k, v) in resp.headers() {
                        if k != header::TRANSFER_ENCODING && k != header::CONTENT_LENGTH {
                            out = out.header(k, v);
                        }
                    }
                    let bytes = resp.bytes().await.unwrap_or_default();
                    out.body(axum::body::Body::from(bytes)).unwrap_or_else(|_| StatusCode::BAD_GATEWAY.into_response())
                }
                Err(_) => StatusCode::BAD_GATEWAY.into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let cat = load_catalogue(None).expect("pack");
    let mut base = r.base_url.clone();
    base.set_port(Some(addr.port())).expect("port");
    let identity = CandidateIdentity {
        supplier: "Null".into(),
        product: format!("proxy (foundations only: {foundations_only})"),
        version: "0".into(),
    };
    let mut cfg = CandidateConfig::for_known(identity, base, &r.asid, &r.ods, &fixtures);
    cfg.consumer = Some(rfa_harness::config::ConsumerSettings::synchronous());
    let plan = RunPlan::live(&cat, Arc::new(cfg)).expect("plan");
    let out = runner::execute(plan, None).await.expect("the run completes");
    server.abort();
    r.stop().await;
    verdict::judge(&cat, &out, None, &Default::default())
}

/// A provider of Foundations alone passes exactly the requirements about
/// Foundations: none beyond it (no vacuous pass), and every one about it (no
/// Foundations rule fails for a capability the provider does not claim).
/// And no requirement mixes capabilities, so the same holds for a provider
/// of any one of them.
/// "About Foundations" is read off the conformant run: every request of
/// every scenario was a Foundations request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foundations_only_candidate_passes_exactly_the_foundations_requirements() {
    let full = through_proxy(false).await;
    let not_passing: Vec<_> =
        full.requirements.iter().filter(|r| !r.manual && r.outcome != Outcome::Passed).map(|r| &r.id).collect();
    let foundations: std::collections::BTreeSet<String> = full
        .requirements
        .iter()
        .filter(|r| !r.manual && r.outcome == Outcome::Passed)
        .filter(|r| {
            let urls: Vec<&str> = r.scenarios.iter().flat_map(|s| s.exchanges.iter().map(|x| x.url.as_str())).collect();
            !urls.is_empty()
                && urls.iter().all(|u| reqwest::Url::parse(u).is_ok_and(|u| is_foundations(u.path())))
                && r.scenarios.iter().all(|s| !s.exchanges.is_empty())
        })
        .map(|r| r.id.clone())
        .collect();
    let mixed = mixing_capabilities(&full);
    assert!(mixed.is_empty(), "requirements whose scenarios exercise different capabilities (split them): {mixed:?}");
    let only = through_proxy(true).await;
    let passing: std::collections::BTreeSet<String> =
        only.requirements.iter().filter(|r| r.outcome == Outcome::Passed).map(|r| r.id.clone()).collect();
    let beyond: Vec<_> = passing.difference(&foundations).collect();
    let failing: Vec<_> = foundations.difference(&passing).collect();
    assert!(
        beyond.is_empty() && failing.is_empty(),
        "through the proxy, not passing even with everything forwarded: {not_passing:?}\n\
         passed by a Foundations-only candidate though they exercise more: {beyond:?}\n\
         Foundations requirements a Foundations-only candidate fails: {failing:?}"
    );
}
