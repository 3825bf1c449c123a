//! The harness against hostile candidates: for each way a candidate can
//! misbehave on the wire, the run ends within a stated bound, nothing panics,
//! the requirements whose exchanges were sabotaged fail or error with
//! evidence of what happened, and every other requirement still passes.
//!
//! The hostile proxy (src/reference/hostile.rs) sits in front of the real
//! reference on loopback and sabotages Patient reads (`/Patient/{id}`), which
//! a known handful of requirements use; everything else passes through.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rfa_harness::config::CandidateConfig;
use rfa_harness::fixtures::FixturePack;
use rfa_harness::reference::hostile::{self, Behaviour};
use rfa_harness::reference::{self, DefectSet};
use rfa_harness::runner::load_catalogue;
use rfa_harness::runner::{self, RunPlan};
use rfa_harness::verdict::{self, Outcome, Verdict};

/// Long enough that the reference's honest answers (a debug build's large
/// slot Bundles, several at once) come well within it: 500 ms did not, on
/// CI's 2 cores.
const TIMEOUT: Duration = Duration::from_secs(2);
/// No behaviour may hold a run up longer than this (each sabotaged request
/// costs at most the timeout, and they run 8 at a time).
const BOUND: Duration = Duration::from_secs(60);
const TARGET: &str = "/Patient/";

struct Outcomes {
    verdict: Verdict,
    not_passing: BTreeSet<String>,
    /// Requirements with at least one exchange to the sabotaged path.
    touching: BTreeSet<String>,
    redirect_hits: usize,
    sabotaged: usize,
    took: Duration,
    exit: u8,
}

/// One run at a time: each is a whole pack against its own reference, and
/// several side by side on a 2-core machine push honest answers (large slot
/// Bundles) past the timeout, which would read as sabotage.
static ONE_RUN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn against(behaviour: Behaviour) -> Outcomes {
    let _alone = ONE_RUN.lock().await;
    let cat = load_catalogue(None).expect("pack");
    let fixtures = FixturePack::embedded().expect("fixtures");
    let r = reference::start(([127, 0, 0, 1], 0).into(), DefectSet::none(), &fixtures).await.expect("reference");
    let h = hostile::start(behaviour, TARGET, r.addr, TIMEOUT).await.expect("hostile proxy");
    let base = r.base_url.as_str().replace(&r.addr.to_string(), &h.addr.to_string());
    let proxy = h.addr.to_string();
    let mut cfg = CandidateConfig::for_known(
        r.identity(),
        rfa_harness::config::parse_base_url(&base).expect("url"),
        &r.asid,
        &r.ods,
        &fixtures,
    );
    cfg.timeout = TIMEOUT;
    // Small, so the sabotaged bodies are quick to refuse, but over the
    // pack's largest legitimate answer: RFA-COM-011's 2 MiB document as a
    // Binary (about 2.8 MB of base64).
    cfg.max_response_bytes = 4 * 1024 * 1024;
    // The transport checks go straight to the reference's TLS port: the
    // proxy sabotages HTTP answers, not handshakes.
    cfg.tls = r.candidate_config(&fixtures).tls;
    // The candidate's calls to national services are judged too: the
    // proxy sits between the harness and the candidate, not those services.
    cfg.consumer = r.candidate_config(&fixtures).consumer;
    let started = Instant::now();
    let mut plan = RunPlan::live(&cat, Arc::new(cfg)).expect("plan");
    plan.trust_nhs_login = Some(r.nhs_login_hook());
    let out = runner::execute(plan, None).await.expect("the run completes");
    let took = started.elapsed();
    let verdict = verdict::judge(&cat, &out, None, &Default::default());
    let not_passing = verdict
        .requirements
        .iter()
        .filter(|r| !r.manual && r.outcome != Outcome::Passed)
        .map(|r| r.id.clone())
        .collect();
    let touching = verdict
        .requirements
        .iter()
        // Through the proxy only: the candidate's own calls to the hosted
        // national services (GP Connect's `/Patient/$gpc…`) never pass it.
        .filter(|r| {
            r.scenarios.iter().any(|s| s.exchanges.iter().any(|x| x.url.contains(TARGET) && x.url.contains(&proxy)))
        })
        .map(|r| r.id.clone())
        .collect();
    let exit = verdict.exit_code();
    let o = Outcomes {
        not_passing,
        touching,
        redirect_hits: h.redirect_hits.load(Ordering::SeqCst),
        sabotaged: h.sabotaged.load(Ordering::SeqCst),
        took,
        exit,
        verdict,
    };
    drop(h);
    r.stop().await;
    o
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Checks shared by every behaviour, then returns the outcomes.
async fn check(behaviour: Behaviour) -> Outcomes {
    let o = against(behaviour).await;
    assert!(o.took < BOUND, "{behaviour:?}: the run took {:?}, over the {BOUND:?} bound", o.took);
    assert!(o.sabotaged > 0, "{behaviour:?}: the proxy sabotaged nothing");
    assert!(
        o.not_passing.is_subset(&o.touching),
        "{behaviour:?}: requirements that never touched {TARGET} were affected: {:?}",
        o.not_passing.difference(&o.touching).collect::<Vec<_>>()
    );
    assert_eq!(o.exit, u8::from(!o.not_passing.is_empty()), "{behaviour:?}: exit code");
    let sample = o
        .verdict
        .requirements
        .iter()
        .flat_map(|r| &r.scenarios)
        .filter_map(|s| s.failure.as_ref())
        .map(|f| f.message.lines().next().unwrap_or_default().to_string())
        .next()
        .unwrap_or_default();
    eprintln!(
        "{behaviour:?}: {} sabotaged, {} of {} touching requirements not passing, {:.2?}; e.g. {sample}",
        o.sabotaged,
        o.not_passing.len(),
        o.touching.len(),
        o.took
    );
    // Every requirement that did not pass says why, with the exchange.
    for r in o.verdict.requirements.iter().filter(|r| o.not_passing.contains(&r.id)) {
        let s = r
            .scenarios
            .iter()
            .find(|s| s.failure.is_some())
            .unwrap_or_else(|| panic!("{behaviour:?}: {} has no failure", r.id));
        let msg = &s.failure.as_ref().expect("failure").message;
        assert!(msg.contains("exchange:"), "{behaviour:?}: {} failure names no exchange: {msg}", r.id);
    }
    o
}

/// Behaviours that leave no response to judge: every requirement that
/// touched the target is `error`, never `passed` or `failed`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_usable_response_is_an_error_for_exactly_the_requirements_that_met_it() {
    for b in [Behaviour::Slow, Behaviour::Trickle, Behaviour::HugeBody, Behaviour::Reset, Behaviour::CloseMidBody] {
        let o = check(b).await;
        assert_eq!(o.not_passing, o.touching, "{b:?}");
        for r in o.verdict.requirements.iter().filter(|r| o.touching.contains(&r.id)) {
            assert_eq!(r.outcome, Outcome::Error, "{b:?}: {}", r.id);
        }
    }
}

/// Behaviours that answer, wrongly: the requirements they break fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_answers_fail_the_requirements_they_break() {
    let reads = ["RFA-INF-009", "RFA-INF-010", "RFA-INF-011", "RFA-ACC-041", "RFA-ACC-016", "RFA-ACC-018"];
    let cases: [(Behaviour, &[&str]); 8] = [
        (Behaviour::InvalidJson, &reads),
        (Behaviour::InvalidUtf8, &reads),
        (Behaviour::WrongResourceType, &reads),
        (Behaviour::OkWithOutcome, &reads),
        (Behaviour::RedirectOffOrigin, &reads),
        (Behaviour::RedirectToHttps, &reads),
        (Behaviour::WrongContentType, &["RFA-ACC-014"]),
        (Behaviour::ConflictingHeaders, &["RFA-ACC-014", "RFA-INF-011"]),
    ];
    for (b, must_fail) in cases {
        let o = check(b).await;
        let want = ids(must_fail);
        assert!(want.is_subset(&o.not_passing), "{b:?}: expected {want:?} to fail, not passing: {:?}", o.not_passing);
        for r in o.verdict.requirements.iter().filter(|r| want.contains(&r.id)) {
            assert_eq!(r.outcome, Outcome::Failed, "{b:?}: {} answered wrongly is a failure, not an error", r.id);
        }
        assert_eq!(o.redirect_hits, 0, "{b:?}: the harness followed a redirect off the candidate's origin");
    }
}

/// Harmless oddities must not cost a conformant candidate anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn harmless_oddities_change_nothing() {
    for b in [Behaviour::Http10, Behaviour::DifferentTraceId] {
        let o = check(b).await;
        assert!(o.not_passing.is_empty(), "{b:?}: {:?}", o.not_passing);
    }
}

#[test]
fn every_behaviour_is_covered_by_a_test() {
    let tested = [
        Behaviour::Slow,
        Behaviour::Trickle,
        Behaviour::HugeBody,
        Behaviour::Reset,
        Behaviour::CloseMidBody,
        Behaviour::InvalidJson,
        Behaviour::InvalidUtf8,
        Behaviour::WrongResourceType,
        Behaviour::OkWithOutcome,
        Behaviour::RedirectOffOrigin,
        Behaviour::RedirectToHttps,
        Behaviour::WrongContentType,
        Behaviour::ConflictingHeaders,
        Behaviour::Http10,
        Behaviour::NearCap,
        Behaviour::DifferentTraceId,
    ];
    for b in Behaviour::ALL {
        assert!(tested.contains(&b), "{b:?} has no test");
    }
}

/// The peak resident memory of a running process, read from /proc until it
/// exits (VmHWM only grows, so the last reading is the peak, give or take
/// the last 20 ms).
fn wait_with_peak_rss(mut child: std::process::Child) -> (std::process::ExitStatus, u64) {
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak_kib = peak_kib.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            return (status, peak_kib * 1024);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A candidate that answers every request with a valid Bundle just under
/// the response cap: the run ends failing (exit 1), the evidence stops
/// growing at its budget, the report embeds heads, and memory stays bounded
/// (before the budget and the heads, the ACC and INF areas alone took
/// 4.5 GB and wrote 1.4 GB of evidence and as much report).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_sending_all_it_may_costs_a_bounded_run() {
    let _alone = ONE_RUN.lock().await;
    // Nothing is forwarded: every request is answered with the Bundle.
    let h = hostile::start(Behaviour::NearCap, "/", ([127, 0, 0, 1], 9).into(), TIMEOUT).await.expect("proxy");
    let dir = tempfile::tempdir().expect("tempdir");
    let local =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/local.toml")).expect("local.toml");
    let base = format!("http://{}/GPC001/STU3/1/gpconnect/fhir", h.addr);
    let cfg = dir.path().join("near-cap.toml");
    // Its national services on a free port: another test may hold 8070.
    let local = local.replace("listen = \"127.0.0.1:8070\"", "");
    std::fs::write(&cfg, local.replace("http://127.0.0.1:8080/GPC001/STU3/1/gpconnect/fhir", &base)).expect("config");
    let cat = load_catalogue(None).expect("pack");
    let acc: Vec<String> = cat
        .requirements
        .iter()
        .filter(|r| r.id.starts_with("RFA-ACC-") && !r.manual)
        .map(|r| format!("@{}", r.id))
        .collect();
    let out = dir.path().join("out");
    let budget_mib = 48u64;
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rfa"))
        .args(["run", "-q", "--no-preflight", "--config"])
        .arg(&cfg)
        .args(["--tags", &acc.join(" or "), "--evidence-budget", &budget_mib.to_string(), "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rfa runs");
    let started = Instant::now();
    let (status, peak) = tokio::task::spawn_blocking(move || wait_with_peak_rss(child)).await.expect("joins");
    let sent = h.sabotaged.load(Ordering::SeqCst);
    eprintln!(
        "near cap: {sent} answers of {} MiB, peak RSS {} MiB, {:.1?}",
        hostile::NEAR_CAP_BYTES >> 20,
        peak >> 20,
        started.elapsed()
    );
    assert_eq!(status.code(), Some(1), "the run fails, it does not crash");
    assert!(sent > 40, "the candidate answered {sent} requests");
    let size = |name: &str| std::fs::metadata(out.join(name)).map(|m| m.len()).unwrap_or(0);
    let evidence = size("evidence.ndjson");
    // The budget counts body bytes; records add headers and JSON escapes.
    assert!(evidence < (budget_mib + 16) << 20, "evidence.ndjson is {} MiB", evidence >> 20);
    let report = size("report.html");
    assert!(report < 64 << 20, "report.html is {} MiB", report >> 20);
    // What is left is what scenarios in flight hold: each keeps its last
    // answer whole (and its exchange's copy until it ends), so the peak is
    // 1.1 to 1.2 GiB here, over the 500 MB the performance issue asks for
    // (docs/performance.md says what would bound it). Before the budget and
    // the heads, memory grew with every answer: 203 of them here, 2 GB of
    // bodies, each kept twice.
    assert!(peak < 2048 << 20, "peak RSS {} MiB", peak >> 20);
}
