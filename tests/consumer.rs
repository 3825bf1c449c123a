//! The candidate as a client, run the ways a supplier runs it: a served
//! reference driven by a scripted tester who reads the harness's prompts
//! (interactive mode), and the same config with no tester at all. Neither
//! may hang: each run has a hard bound, and a run past it fails the test.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Scratch, config_for, rfa, serve};
use rfa_harness::client::{Client, RequestSpec};
use rfa_harness::config::CandidateConfig;
use rfa_harness::fhir::gpc::Interaction;
use rfa_harness::fixtures::FixturePack;
use rfa_harness::steps::hosted::trigger_body;

/// No consumer run here needs more; past it the run is taken as hung.
const BOUND: Duration = Duration::from_secs(90);

/// A config for the served reference with the tester mode given.
fn config(s: &Scratch, base: &str, tester_timeout: u64) -> String {
    let text = config_for(base).replace(
        "[consumer]\nsettle_ms = 0",
        &format!("[consumer]\nsettle_ms = 0\ntrigger = \"interactive\"\ntester_timeout_secs = {tester_timeout}"),
    );
    assert!(text.contains("trigger = \"interactive\""), "examples/local.toml has the [consumer] section");
    std::fs::write(s.path("interactive.toml"), text).expect("config");
    s.p("interactive.toml")
}

/// Waits for the run to end within [`BOUND`]; kills it and fails otherwise.
fn finish(mut child: Child) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().unwrap_or(-1);
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            panic!("the run did not end within {BOUND:?}: it hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn outcome(s: &Scratch, dir: &str, id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(s.path(&format!("{dir}/results.json"))).expect("results.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    doc["requirements"].as_array().expect("requirements").iter().find(|r| r["id"] == id).cloned().expect(id)
}

/// What one prompt asked: the action, its details, where the services are.
#[derive(Debug, Default)]
struct Prompt {
    title: String,
    action: String,
    params: Vec<(String, String)>,
    services: String,
}

/// Reads the harness's standard error until a whole prompt has been seen.
fn read_prompt(lines: &mut impl Iterator<Item = String>) -> Option<Prompt> {
    let mut p = Prompt::default();
    let mut inside = false;
    for line in lines {
        if line.contains("── tester action") {
            inside = true;
            p.title = line.clone();
        } else if !inside {
            continue;
        } else if let Some(rest) = line.split("(action `").nth(1) {
            p.action = rest.split('`').next().unwrap_or_default().to_string();
        } else if let Some(url) = line.strip_prefix("(The candidate reaches the national services at ") {
            p.services = url.trim_end_matches(".)").to_string();
        } else if line.starts_with("Press Enter") {
            return Some(p);
        } else if let Some((k, v)) = line.trim().split_once(": ") {
            p.params.push((k.to_string(), v.to_string()));
        }
    }
    None
}

/// A client for the served reference at `base`, configured as a consumer
/// of the embedded fixtures.
fn client_for(base: &str) -> Client {
    let fixtures = FixturePack::embedded().expect("fixtures");
    let url = rfa_harness::config::parse_base_url(base).expect("base");
    let id = rfa_harness::reference::identity(&Default::default());
    let cfg = CandidateConfig::for_known(id, url, "900000000001", "GPC001", &fixtures);
    Client::new(Arc::new(cfg)).expect("client")
}

/// The scripted tester: carries the prompted action out in the candidate, as
/// a person would in its user interface. Here that is the reference's own
/// trigger, since the reference has no user interface.
async fn carry_out(base: &str, p: &Prompt) -> u16 {
    let client = client_for(base);
    let body = trigger_body(&p.action, &p.params, Some(&p.services));
    let spec = RequestSpec::post(Interaction::Trigger, "$rfa-trigger", body.to_string());
    let (exchange, result) = client.send(&spec, None).await;
    result.map(|r| r.status).unwrap_or_else(|e| panic!("the trigger failed: {e} ({})", exchange.summary()))
}

/// Starts an interactive run of one requirement and waits (within the
/// bound) for its first prompt; the tester's answer goes to the stdin
/// returned.
fn prompted(cfg: &str, requirement: &str, out: &str) -> (Child, std::process::ChildStdin, Prompt) {
    let mut child = rfa()
        .args(["run", "--config", cfg, "--requirement", requirement, "--out", out, "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rfa run");
    let stdin = child.stdin.take().expect("stdin");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stderr).lines().map_while(Result::ok);
        let _ = tx.send(read_prompt(&mut lines));
        lines.for_each(drop);
    });
    let prompt = rx.recv_timeout(BOUND).expect("a prompt within the bound").expect("a whole prompt");
    (child, stdin, prompt)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_tester_carries_out_the_prompted_action() {
    let s = Scratch::new();
    let (_server, base) = serve(&[]);
    let cfg = config(&s, &base, 30);
    let (child, mut stdin, prompt) = prompted(&cfg, "RFA-COM-014", &s.p("i"));
    assert_eq!(prompt.action, "send-mesh-message", "{prompt:?}");
    assert!(prompt.title.contains("RFA-COM-014 a discharge summary"), "the prompt names the scenario: {prompt:?}");
    assert!(prompt.params.iter().any(|(k, _)| k == "to"), "{prompt:?}");
    assert!(prompt.services.starts_with("http://127.0.0.1:"), "{prompt:?}");
    assert_eq!(carry_out(&base, &prompt).await, 200);
    stdin.write_all(b"\n").expect("the tester presses Enter");
    drop(stdin);
    let code = tokio::task::spawn_blocking(move || finish(child)).await.expect("join");
    let r = outcome(&s, "i", "RFA-COM-014");
    assert_eq!(r["outcome"], "passed", "{r}");
    assert_eq!(code, 0);
    let evidence = std::fs::read_to_string(s.path("i/evidence.ndjson")).expect("evidence");
    assert!(evidence.contains("\"method\":\"PROMPT\""), "the tester's action is in the evidence");
    assert!(evidence.contains("\"inbound\":true"), "what the candidate sent MESH is in the evidence");
}

/// The tester's answer is judged, not passed through: for a patient PDS
/// records as deceased the candidate must refuse (RFA-REC-052). The scripted
/// tester carries the action out (the reference refuses), then reports
/// `refused` (passed) or presses Enter as if it were done (failed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_testers_report_of_a_refusal_is_judged() {
    let s = Scratch::new();
    let (_server, base) = serve(&[]);
    let cfg = config(&s, &base, 30);
    for (dir, said, want) in [("r", "refused\n", "passed"), ("d", "\n", "failed")] {
        let out = s.p(dir);
        let (child, mut stdin, prompt) = prompted(&cfg, "RFA-REC-052", &out);
        assert_eq!(prompt.action, "register-patient", "{prompt:?}");
        assert_eq!(carry_out(&base, &prompt).await, 400, "the reference refuses a deceased patient");
        stdin.write_all(said.as_bytes()).expect("the tester answers");
        drop(stdin);
        let code = tokio::task::spawn_blocking(move || finish(child)).await.expect("join");
        let r = outcome(&s, dir, "RFA-REC-052");
        assert_eq!(r["outcome"], want, "{dir}: {r}");
        assert_eq!(code, if want == "passed" { 0 } else { 1 }, "{dir}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_tester_interactive_scenarios_are_skipped_not_waited_for() {
    let s = Scratch::new();
    let (_server, base) = serve(&[]);
    // A tester timeout far beyond the bound: only skipping can end the run in time.
    let cfg = config(&s, &base, 3600);
    for (dir, flag, stdin, why) in [
        ("n", Some("--non-interactive"), Stdio::piped(), "--non-interactive"),
        ("c", None, Stdio::null(), "standard input is closed"),
    ] {
        let mut args = vec!["run", "--config", &cfg, "--area", "COM", "--out"];
        let out = s.p(dir);
        args.push(&out);
        args.extend(flag);
        let start = Instant::now();
        // The piped standard input is held open and never written: a run that
        // waited for it would hang until the bound.
        let child = rfa().args(&args).stdin(stdin).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
        let code = tokio::task::spawn_blocking(move || finish(child)).await.expect("join");
        assert!(start.elapsed() < Duration::from_secs(60), "{dir}: took {:?}", start.elapsed());
        assert_ne!(code, 2, "{dir}: not a usage error");
        for id in ["RFA-COM-014", "RFA-COM-015", "RFA-COM-016", "RFA-COM-017"] {
            let r = outcome(&s, dir, id);
            assert_eq!(r["outcome"], "skipped", "{dir} {id}: {r}");
            assert!(r.to_string().contains(why), "{dir} {id} says why: {r}");
        }
        let r = outcome(&s, dir, "RFA-COM-001");
        assert_eq!(r["outcome"], "passed", "{dir}: provider-side COM still runs: {r}");
    }
}

#[test]
fn the_catalogue_lists_the_consumer_requirements_and_every_one_has_a_defect() {
    let o = rfa().args(["catalogue", "--format", "json"]).output().expect("catalogue");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let consumer: Vec<String> = doc["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["tags"].as_array().is_some_and(|t| t.iter().any(|t| t == "consumer" || t == "@consumer")))
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(consumer.len() >= 25, "{} @consumer requirements: {consumer:?}", consumer.len());
    let o = rfa().args(["reference", "defects", "--format", "json"]).output().expect("defects");
    let defects: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    for id in &consumer {
        let killed = defects
            .as_array()
            .expect("defects")
            .iter()
            .any(|d| d["targets"].as_array().is_some_and(|t| t.iter().any(|t| t == id.as_str())));
        assert!(killed, "{id} has no defect that fails it");
    }
}

/// `[consumer] asid` is what `Ssp-From` is judged against: the served
/// reference calls out with its provider ASID, so a config naming another
/// consumer ASID fails RFA-INF-068 and says which it expected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssp_from_is_judged_against_the_configured_consumer_asid() {
    let s = Scratch::new();
    let (_server, base) = serve(&[]);
    let text =
        config_for(&base).replace("[consumer]\nsettle_ms = 0", "[consumer]\nsettle_ms = 0\nasid = \"200000000359\"");
    assert!(text.contains("asid = \"200000000359\""), "examples/local.toml has the [consumer] section");
    std::fs::write(s.path("asid.toml"), text).expect("config");
    let child = rfa()
        .args(["run", "--config", &s.p("asid.toml"), "--requirement", "RFA-INF-068", "--out", &s.p("a"), "-q"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn rfa run");
    tokio::task::spawn_blocking(move || finish(child)).await.expect("join");
    let r = outcome(&s, "a", "RFA-INF-068");
    assert_eq!(r["outcome"], "failed", "{r}");
    assert!(r.to_string().contains("Ssp-From should be the candidate's ASID 200000000359"), "{r}");
}

/// The reference reads incoming bodies as a strict STU3 parser would, so a
/// trigger (or any body) the harness builds with an R4-only data type or an
/// empty array is refused, and the clean run would fail on it: the trigger
/// carries `nationalServices` as `valueUri`, never R4's `valueUrl`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_refuses_r4_only_and_empty_forms_as_stu3_would() {
    let (_server, base) = serve(&[]);
    let client = client_for(&base);
    let ours = trigger_body("no-such-action", &[], Some("http://127.0.0.1:9/"));
    assert!(ours.to_string().contains("\"valueUri\""), "{ours}");
    let r4 = ours.to_string().replace("\"valueUri\"", "\"valueUrl\"");
    let empty = serde_json::json!({ "resourceType": "Parameters", "parameter": [] }).to_string();
    for (body, want) in [(ours.to_string(), false), (r4, true), (empty, true)] {
        let spec = RequestSpec::post(Interaction::Trigger, "$rfa-trigger", body.clone());
        let (exchange, result) = client.send(&spec, None).await;
        let r = result.unwrap_or_else(|e| panic!("the trigger failed: {e} ({})", exchange.summary()));
        let text = String::from_utf8_lossy(&r.body).to_string();
        let refused_as_stu3 = r.status == 422 && text.contains("not valid FHIR STU3 JSON");
        assert_eq!(refused_as_stu3, want, "{body} -> {} {text}", r.status);
    }
}
