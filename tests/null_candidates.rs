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
