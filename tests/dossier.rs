//! The signed dossier end to end: keys, signing, verification, tamper
//! resistance, re-judging from evidence, interop with openssl, attestations,
//! secrets and formal-mode rules. Every run is against the real reference
//! candidate on loopback.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{assert_schema, config_for, rfa, root, run, text};
use rfa_harness::dossier::verify;
use rfa_harness::signing::{Envelope, PublicKey, SecretKey};
use serde_json::Value;

struct Signed {
    dir: tempfile::TempDir,
}

impl Signed {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join("out").join(name)
    }
    fn s(&self, name: &str) -> String {
        self.path(name).to_str().expect("utf8").to_string()
    }
    fn o(&self, name: &str) -> String {
        self.out(name).to_str().expect("utf8").to_string()
    }
}

/// Generates a key and runs `rfa run --sign-key` with `extra` arguments.
fn signed_run(extra: &[&str]) -> (Signed, std::process::Output) {
    let s = Signed { dir: tempfile::tempdir().expect("tempdir") };
    let o = run(&["keys", "generate", "--out", &s.s("k")]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let key = s.s("k.key");
    let out = s.s("out");
    let mut args = vec!["run", "-q", "--sign-key", &key, "--out", &out];
    args.extend(extra);
    let o = run(&args);
    (s, o)
}

#[test]
fn keys_run_verify_and_rejudge_agree_on_a_fresh_run() {
    let (s, o) = signed_run(&[]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let o = run(&[
        "verify",
        &s.o("dossier.json"),
        "--key",
        &s.s("k.pub"),
        "--evidence",
        &s.o("evidence.ndjson"),
        "--rejudge",
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("all agree") && stdout.trim_end().ends_with("valid"), "{stdout}");

    let statement: Value =
        serde_json::from_slice(&std::fs::read(s.out("statement.json")).expect("statement")).expect("JSON");
    assert_schema("dossier-predicate", &statement);
    let results: Value = serde_json::from_slice(&std::fs::read(s.out("results.json")).expect("results")).expect("JSON");
    assert_schema("results", &results);
    // The envelope's payload is exactly the unsigned statement written beside it.
    let env: Value = serde_json::from_slice(&std::fs::read(s.out("dossier.json")).expect("dossier")).expect("JSON");
    assert_eq!(env["payloadType"], "application/vnd.in-toto+json");
    let payload = STANDARD.decode(env["payload"].as_str().expect("payload")).expect("base64");
    assert_eq!(payload, std::fs::read(s.out("statement.json")).expect("statement"));
    // Manual requirements await an assessor, so the lot is not accreditable yet.
    assert_eq!(statement["predicate"]["lots"][0]["verdict"], "not-accreditable");
    let manual: Vec<&Value> = statement["predicate"]["requirements"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["manual"] == true)
        .collect();
    assert!(manual.len() >= 3 && manual.iter().all(|r| r["outcome"] == "not-assessed"));
}

/// An assessor re-judges a dossier days after the run: the requests are
/// rebuilt for the run's own date (free slots, arrivals, past appointments
/// are relative to it), recorded in the statement — here a run on a faked
/// date, re-judged with the clock on another day.
#[test]
fn a_dossier_rejudges_the_same_on_a_later_day() {
    let s = Signed { dir: tempfile::tempdir().expect("tempdir") };
    let o = run(&["keys", "generate", "--out", &s.s("k")]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let (key, out) = (s.s("k.key"), s.s("out"));
    let areas = [
        "--area", "ONL", "--area", "ARR", "--area", "EPS", "--area", "DSP", "--area", "KNW", "--area", "FIN", "--area",
        "DEV",
    ];
    let args = [&["run", "-q"][..], &areas, &["--sign-key", &key, "--out", &out]].concat();
    let o = rfa().env("RFA_TODAY", "2028-02-28").args(args).output().expect("run");
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let statement: Value =
        serde_json::from_slice(&std::fs::read(s.out("statement.json")).expect("statement")).expect("JSON");
    assert_eq!(statement["predicate"]["run"]["today"], "2028-02-28");
    for later in ["2028-03-06", "2029-01-01"] {
        let o = rfa()
            .env("RFA_TODAY", later)
            .args(["verify", &s.o("dossier.json"), "--key", &s.s("k.pub"), "--rejudge"])
            .output()
            .expect("verify");
        let (stdout, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(0), "{later}: stdout:\n{stdout}\nstderr:\n{stderr}");
        assert!(stdout.contains("all agree"), "{later}: {stdout}");
    }
}

/// A small deterministic generator, so a failing position can be replayed.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Every position of a file up to 64 KiB; of a larger one, every position in
/// `head` and `tail` bytes plus `n` sampled in between.
fn positions(len: usize, head: usize, tail: usize, n: usize, rng: &mut XorShift) -> Vec<usize> {
    if len <= 64 * 1024 {
        return (0..len).collect();
    }
    let mut p: Vec<usize> = (0..head.min(len)).chain(len.saturating_sub(tail)..len).collect();
    p.extend((0..n).map(|_| rng.below(len)));
    p.sort_unstable();
    p.dedup();
    p
}

#[test]
fn every_flipped_byte_is_rejected() {
    let (s, o) = signed_run(&["--tags", "@RFA-ACC-005 or @RFA-INF-001 or @RFA-INF-003"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let keys = [PublicKey::load(&s.path("k.pub")).expect("pub")];
    let envelope = std::fs::read(s.out("dossier.json")).expect("dossier");
    let evidence = std::fs::read(s.out("evidence.ndjson")).expect("evidence");
    eprintln!("envelope {} bytes, evidence {} bytes", envelope.len(), evidence.len());
    let opened = verify::open(&envelope, &keys).expect("the untouched dossier verifies");
    verify::check_evidence(&opened.statement, &evidence).expect("the untouched evidence matches");
    let mut rng = XorShift(0x5eed_f00d_d055_1e55);

    // The envelope, then the payload re-encoded so the envelope stays
    // well-formed: every byte (a sample beyond 64 KiB), on all cores.
    let env = Envelope::parse(&envelope).expect("envelope");
    let payload = STANDARD.decode(&env.payload).expect("payload");
    let envelope_positions = positions(envelope.len(), 32, 400, 3000, &mut rng);
    let payload_positions = positions(payload.len(), 0, 0, 3000, &mut rng);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for w in 0..workers {
            let (envelope, env, payload, keys) = (&envelope, &env, &payload, &keys);
            let (ep, pp) = (&envelope_positions, &payload_positions);
            scope.spawn(move || {
                for &i in ep.iter().skip(w).step_by(workers) {
                    let mut bad = envelope.clone();
                    bad[i] ^= 0x01;
                    assert!(verify::open(&bad, keys).is_err(), "envelope byte {i} flipped still verifies");
                }
                for &i in pp.iter().skip(w).step_by(workers) {
                    let mut p = payload.clone();
                    p[i] ^= 0x01;
                    let mut e = env.clone();
                    e.payload = STANDARD.encode(&p);
                    let bytes = serde_json::to_vec(&e).expect("ser");
                    assert!(verify::open(&bytes, keys).is_err(), "payload byte {i} flipped still verifies");
                }
            });
        }
    });
    // The evidence bundle.
    // Each check hashes the whole bundle, so the bundle is sampled.
    for i in (0..4000).map(|_| rng.below(evidence.len())) {
        let mut bad = evidence.clone();
        bad[i] ^= 0x01;
        assert!(verify::check_evidence(&opened.statement, &bad).is_err(), "evidence byte {i} flipped still matches");
    }
    let mut truncated = evidence.clone();
    truncated.pop();
    assert!(verify::check_evidence(&opened.statement, &truncated).is_err());
}

#[test]
fn another_key_an_unsigned_statement_and_garbage_are_invalid() {
    let (s, o) = signed_run(&["--tags", "@RFA-ACC-019"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let o = run(&["keys", "generate", "--out", &s.s("other")]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["verify", &s.o("dossier.json"), "--key", &s.s("other.pub")]);
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    assert!(text(&o).0.contains("INVALID"), "{:?}", text(&o));
    // Any one of several trusted keys will do.
    let o = run(&["verify", &s.o("dossier.json"), "--key", &s.s("other.pub"), "--key", &s.s("k.pub")]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let o = run(&["verify", &s.o("statement.json"), "--key", &s.s("k.pub")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).0.contains("unsigned statement"), "{:?}", text(&o));
    std::fs::write(s.path("garbage.json"), b"\x00\xffnot json").expect("write");
    let o = run(&["verify", &s.s("garbage.json"), "--key", &s.s("k.pub")]);
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    // Unusable inputs are exit 2.
    let o = run(&["verify", &s.s("missing.json"), "--key", &s.s("k.pub")]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["verify", &s.o("dossier.json"), "--key", &s.s("k.key")]);
    assert_eq!(o.status.code(), Some(2), "a private key is not a verification key");
    assert!(text(&o).1.contains("private key"), "{:?}", text(&o));
}

#[test]
fn a_rejudge_that_disagrees_is_reported() {
    let (s, o) = signed_run(&["--tags", "@RFA-INF-003 or @RFA-ACC-007"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    // A signer (with the real key) claims a failure the evidence does not show.
    let mut statement: Value =
        serde_json::from_slice(&std::fs::read(s.out("statement.json")).expect("st")).expect("JSON");
    let reqs = statement["predicate"]["requirements"].as_array_mut().expect("array");
    let target = reqs.iter_mut().find(|r| r["id"] == "RFA-INF-003").expect("INF-003");
    target["outcome"] = "failed".into();
    target["scenarios"][0]["outcome"] = "failed".into();
    statement["predicate"]["lots"][0]["must"]["passed"] =
        (statement["predicate"]["lots"][0]["must"]["passed"].as_u64().expect("n") - 1).into();
    statement["predicate"]["lots"][0]["must"]["failed"] = 1.into();
    let payload = serde_json::to_vec_pretty(&statement).expect("ser");
    let key = SecretKey::load(&s.path("k.key")).expect("key");
    let forged = Envelope::sign("application/vnd.in-toto+json", &payload, &key);
    std::fs::write(s.out("dossier.json"), serde_json::to_vec(&forged).expect("ser")).expect("write");

    // Without re-judging it is a valid, consistent, signed dossier...
    let o = run(&["verify", &s.o("dossier.json"), "--key", &s.s("k.pub")]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    // ...but the evidence says otherwise.
    let o = run(&["verify", &s.o("dossier.json"), "--key", &s.s("k.pub"), "--rejudge"]);
    let (stdout, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("DISAGREES") && stdout.contains("RFA-INF-003"), "{stdout}");
}

#[test]
fn an_internally_inconsistent_statement_is_invalid_even_when_signed() {
    let (s, o) = signed_run(&["--tags", "@RFA-INF-003"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let mut statement: Value =
        serde_json::from_slice(&std::fs::read(s.out("statement.json")).expect("st")).expect("JSON");
    // Claim the lot is accreditable while manual requirements are not assessed.
    statement["predicate"]["lots"][0]["verdict"] = "accreditable".into();
    let key = SecretKey::load(&s.path("k.key")).expect("key");
    let env = Envelope::sign("application/vnd.in-toto+json", &serde_json::to_vec(&statement).expect("ser"), &key);
    std::fs::write(s.out("dossier.json"), serde_json::to_vec(&env).expect("ser")).expect("write");
    let o = run(&["verify", &s.o("dossier.json"), "--key", &s.s("k.pub")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).0.contains("lot verdicts"), "{:?}", text(&o));
}

#[test]
fn openssl_verifies_the_signature_over_the_pae() {
    let (s, o) = signed_run(&["--tags", "@RFA-ACC-019"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let env = Envelope::parse(&std::fs::read(s.out("dossier.json")).expect("dossier")).expect("envelope");
    let payload = STANDARD.decode(&env.payload).expect("payload");
    std::fs::write(s.path("pae.bin"), rfa_harness::signing::pae(&env.payload_type, &payload)).expect("pae");
    std::fs::write(s.path("sig.bin"), STANDARD.decode(&env.signatures[0].sig).expect("sig")).expect("sig");
    let openssl = |data: &str| {
        std::process::Command::new("openssl")
            .args([
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                &s.s("k.pub"),
                "-rawin",
                "-in",
                data,
                "-sigfile",
                &s.s("sig.bin"),
            ])
            .output()
            .expect("openssl is installed (.ci/run checks)")
    };
    let o = openssl(&s.s("pae.bin"));
    assert!(o.status.success(), "openssl rejected a good signature: {:?}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Signature Verified Successfully"));
    let mut bad = std::fs::read(s.path("pae.bin")).expect("pae");
    bad[40] ^= 1;
    std::fs::write(s.path("bad.bin"), bad).expect("write");
    assert!(!openssl(&s.s("bad.bin")).status.success(), "openssl accepted a tampered payload");
    // The key id is the sha256 of the SPKI DER, as openssl computes it too.
    let der = std::process::Command::new("openssl")
        .args(["pkey", "-pubin", "-in", &s.s("k.pub"), "-outform", "DER"])
        .output()
        .expect("openssl");
    use sha2::Digest as _;
    assert_eq!(env.signatures[0].keyid, hex::encode(sha2::Sha256::digest(&der.stdout)));
}

#[test]
fn formal_runs_refuse_what_would_make_them_partial() {
    let dir = tempfile::tempdir().expect("tempdir");
    let k = dir.path().join("k");
    assert_eq!(run(&["keys", "generate", "--out", k.to_str().expect("utf8")]).status.code(), Some(0));
    let key = dir.path().join("k.key");
    let key = key.to_str().expect("utf8");
    let features = dir.path().join("features");
    common::copy_dir(&root().join("features"), &features);
    let f = features.join("ACC/capability.feature");
    let t = std::fs::read_to_string(&f).expect("read");
    std::fs::write(&f, t.replace("reading the CapabilityStatement\n", "reading the capability statement\n"))
        .expect("write");
    let cases: [(&[&str], &str); 3] = [
        (&["run", "--formal"], "needs --sign-key"),
        (&["run", "--formal", "--sign-key", key, "--tags", "@lot1"], "whole pack"),
        (
            &["run", "--formal", "--sign-key", key, "--features", features.to_str().expect("utf8")],
            "official feature pack",
        ),
    ];
    for (args, needle) in cases {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {:?}", text(&o));
        assert!(text(&o).1.contains(needle), "{args:?}: {:?}", text(&o));
    }
    let out = dir.path().join("out");
    let o = run(&["run", "-q", "--formal", "--sign-key", key, "--out", out.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let st: Value = serde_json::from_slice(&std::fs::read(out.join("statement.json")).expect("st")).expect("JSON");
    assert_eq!(st["predicate"]["mode"], "formal");
    assert_eq!(st["predicate"]["pack"]["official"], true);
}

#[test]
fn attestations_make_manual_requirements_count() {
    let (s, o) = signed_run(&["--tags", "@RFA-ACC-019"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert_eq!(run(&["keys", "generate", "--out", &s.s("assessor")]).status.code(), Some(0));
    assert_eq!(run(&["keys", "generate", "--out", &s.s("stranger")]).status.code(), Some(0));
    let file = s.s("attestations.json");
    for (id, key) in [("RFA-GOV-001", "assessor.key"), ("RFA-GOV-002", "assessor.key"), ("RFA-GOV-003", "stranger.key")]
    {
        let o = run(&[
            "attest",
            "--requirement",
            id,
            "--verdict",
            "passed",
            "--rationale",
            "Reviewed the evidence pack",
            "--assessor",
            "A. Assessor",
            "--key",
            &s.s(key),
            "--out",
            &file,
        ]);
        assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    }
    // An automated requirement cannot be attested.
    let o = run(&[
        "attest",
        "--requirement",
        "RFA-INF-001",
        "--verdict",
        "passed",
        "--rationale",
        "x",
        "--assessor",
        "A",
        "--key",
        &s.s("assessor.key"),
        "--out",
        &file,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("only @manual"), "{:?}", text(&o));

    // One entry is signed by a key nobody trusts: the run refuses the file.
    let out2 = s.s("out2");
    let o = run(&[
        "run",
        "-q",
        "--tags",
        "@RFA-ACC-019",
        "--attestations",
        &file,
        "--assessor-key",
        &s.s("assessor.pub"),
        "--out",
        &out2,
    ]);
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(text(&o).1.contains("attestation 3"), "{:?}", text(&o));

    // Trusting both: all three manual requirements pass and carry their attestation.
    let o = run(&[
        "run",
        "-q",
        "--sign-key",
        &s.s("k.key"),
        "--attestations",
        &file,
        "--assessor-key",
        &s.s("assessor.pub"),
        "--assessor-key",
        &s.s("stranger.pub"),
        "--out",
        &out2,
    ]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let st: Value = serde_json::from_slice(&std::fs::read(s.path("out2/statement.json")).expect("st")).expect("JSON");
    let manual: Vec<&Value> =
        st["predicate"]["requirements"].as_array().expect("a").iter().filter(|r| r["manual"] == true).collect();
    assert!(
        manual.iter().all(|r| r["outcome"] == "passed" && r["attestation"]["assessor"] == "A. Assessor"),
        "{manual:?}"
    );
    assert_eq!(st["predicate"]["lots"][0]["verdict"], "accreditable");
    let o = run(&["verify", &s.s("out2/dossier.json"), "--key", &s.s("k.pub"), "--rejudge"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));

    // A missing --assessor-key is a usage error.
    let o = run(&["run", "--attestations", &file]);
    assert_eq!(o.status.code(), Some(2));
}

fn local_config(base: &str, extra: &str) -> String {
    config_for(base).replace("timeout_secs = 5", &format!("timeout_secs = 5\n{extra}"))
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).expect("dir").map(|e| e.expect("entry").path()).filter(|p| p.is_file()).collect()
}

#[test]
fn no_secret_reaches_any_output_file() {
    // The whole pack passes, patients' sign-ins included.
    let (_server, _, config) = common::serve_trusting_nhs_login(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = format!("rfa-secret-{}", std::process::id());
    let cfg = dir.path().join("c.toml");
    let headers = "[endpoint.headers]\n\"X-Api-Key\" = { env = \"RFA_TEST_API_KEY\", secret = true }\n\"X-Tenant\" = \"visible-tenant\"";
    std::fs::write(&cfg, config.replace("timeout_secs = 5", &format!("timeout_secs = 5\n{headers}"))).expect("write");
    assert_eq!(
        run(&["keys", "generate", "--out", dir.path().join("k").to_str().expect("utf8")]).status.code(),
        Some(0)
    );
    let out = dir.path().join("out");
    let o = rfa()
        .env("RFA_TEST_API_KEY", &secret)
        .args([
            "run",
            "--config",
            cfg.to_str().expect("utf8"),
            "--sign-key",
            dir.path().join("k.key").to_str().expect("utf8"),
            "--out",
            out.to_str().expect("utf8"),
        ])
        .output()
        .expect("run");
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(!stdout.contains(&secret) && !stderr.contains(&secret));
    let evidence = std::fs::read_to_string(out.join("evidence.ndjson")).expect("evidence");
    assert!(evidence.contains("visible-tenant"), "non-secret headers are recorded");
    assert!(evidence.contains("<redacted:X-Api-Key>"), "secret headers are recorded as redacted");
    assert!(evidence.contains("Basic <redacted>"), "Basic credentials are masked");
    let files = all_files(&out);
    assert!(files.len() >= 6, "{files:?}");
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let body = String::from_utf8_lossy(&bytes);
        assert!(!body.contains(&secret), "{} contains the secret", f.display());
        // Any Basic credentials sent appear only masked.
        for (i, _) in body.match_indices("Basic ") {
            let rest = &body[i + 6..];
            assert!(
                rest.starts_with("<redacted>")
                    || rest.starts_with("\\u003credacted>")
                    || rest.starts_with("credentials"),
                "{}: unmasked Basic credentials",
                f.display()
            );
        }
    }
}

#[test]
fn an_interrupted_run_keeps_what_it_had() {
    // A candidate that accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}/GPC001/STU3/1/gpconnect/fhir", listener.local_addr().expect("addr"));
    let held = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = held.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            keep.lock().expect("lock").push(conn);
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, local_config(&base, "").replace("timeout_secs = 5", "timeout_secs = 0.5")).expect("write");
    let out = dir.path().join("out");
    // The preflight stops a run against a silent candidate at once...
    let o =
        rfa().args(["run", "-q", "--config", cfg.to_str().expect("utf8"), "--out"]).arg(&out).output().expect("run");
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no answer within"), "{}", String::from_utf8_lossy(&o.stderr));
    // ...and with --no-preflight the run goes on, scenario by scenario, until killed.
    let mut child = rfa()
        .args([
            "run",
            "--no-preflight",
            "--config",
            cfg.to_str().expect("utf8"),
            "--concurrency",
            "4",
            "--out",
            out.to_str().expect("utf8"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Kill it once several scenarios are recorded (timed out against the
    // silent candidate): a fixed sleep raced on a loaded 2-core machine.
    let recorded = || std::fs::read_to_string(out.join("scenarios.ndjson")).map(|s| s.lines().count()).unwrap_or(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while recorded() < 4 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    let scenarios = std::fs::read_to_string(out.join("scenarios.ndjson")).expect("scenarios.ndjson survives");
    let lines: Vec<Value> = scenarios.lines().map(|l| serde_json::from_str(l).expect("whole JSON lines")).collect();
    assert!(lines.len() >= 4, "several scenarios were recorded before the kill: {}", lines.len());
    assert!(lines.iter().all(|l| l["outcome"] == "error"), "a silent candidate is an error, never a pass");
    let evidence = rfa_harness::evidence::bundle::read(&out.join("evidence.ndjson")).expect("evidence lines are whole");
    assert!(!evidence.is_empty());
    assert!(
        evidence.iter().all(|r| r
            .exchange
            .error
            .as_deref()
            .is_some_and(|e| e.contains("timeout") || e.contains("no answer")))
    );
    assert!(!out.join("results.json").exists(), "no stale or half results");
}
