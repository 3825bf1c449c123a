//! The `rfa` binary end to end: the README's promises, exit codes, and the
//! machine-readable contracts. Every candidate here is the real reference
//! candidate on loopback.

mod common;

use common::{assert_schema, config_for, copy_dir, root, run, serve, text};
use serde_json::Value;

#[test]
fn run_against_the_embedded_reference_passes_and_writes_results() {
    let out = tempfile::tempdir().expect("tempdir");
    let o = run(&["run", "--out", out.path().to_str().expect("utf8")]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("ACC") && stdout.contains("INF"), "per-area summary:\n{stdout}");
    assert!(stdout.contains("lot1: INCOMPLETE"), "manual requirements await an assessor:\n{stdout}");

    let results: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("results.json")).expect("results.json")).expect("JSON");
    assert_schema("results", &results);
    let reqs = results["requirements"].as_array().expect("requirements");
    assert!(reqs.len() >= 20, "at least 20 requirements");
    assert!(reqs.iter().all(|r| r["outcome"] == if r["manual"] == true { "not-assessed" } else { "passed" }));
    let scenarios: usize = reqs.iter().map(|r| r["scenarios"].as_array().map_or(0, Vec::len)).sum();
    assert!(scenarios >= 60, "at least 60 scenarios, got {scenarios}");
    assert!(results["pack"]["digest"].as_str().is_some_and(|d| d.starts_with("sha256:")));
    assert_eq!(results["candidate"]["product"], "reference candidate");

    let junit = std::fs::read_to_string(out.path().join("junit.xml")).expect("junit.xml");
    assert!(
        junit.contains("<testsuite") && junit.contains("name=\"RFA ACC\"") && junit.contains("RFA-INF-001"),
        "{junit}"
    );
}

#[test]
fn a_defect_fails_its_requirement_with_exit_1_and_says_why() {
    let out = tempfile::tempdir().expect("tempdir");
    let o = run(&["run", "--defect", "no-modulus-11-check", "--out", out.path().to_str().expect("utf8")]);
    let (stdout, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("RFA-INF-003"), "names the failed requirement:\n{stdout}");
    assert!(
        stdout.contains("INVALID_NHS_NUMBER") && stdout.contains("exchange: GET"),
        "says what and shows the exchange:\n{stdout}"
    );
    let results: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("results.json")).expect("results")).expect("JSON");
    let failed: Vec<&str> = results["requirements"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["manual"] == false && r["outcome"] != "passed")
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(failed, ["RFA-INF-003"]);
}

#[test]
fn a_served_defective_reference_fails_over_http_with_a_config() {
    let (_server, base) = serve(&["--defect", "accepts-expired-jwt"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("local.toml");
    let toml = config_for(&base);
    assert!(toml.contains(&base), "examples/local.toml points at the default serve address");
    std::fs::write(&cfg, toml).expect("write config");
    let o =
        run(&["run", "--config", cfg.to_str().expect("utf8"), "--out", dir.path().join("out").to_str().expect("utf8")]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("RFA-ACC-007"), "{stdout}");
    assert!(stderr.contains("Example Health") || stderr.contains("candidate:"), "{stderr}");
}

#[test]
fn the_example_configs_are_valid() {
    for name in ["examples/local.toml", "examples/candidate.toml"] {
        let path = root().join(name);
        let fixtures = rfa_harness::fixtures::FixturePack::embedded().expect("fixtures");
        rfa_harness::config::CandidateConfig::load(&path, &fixtures).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn an_unreachable_candidate_is_an_error_not_a_hang_or_a_pass() {
    // Bind then drop a listener: the port is closed, so connections are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("gone.toml");
    std::fs::write(&cfg, config_for(&format!("http://127.0.0.1:{port}/GPC001/STU3/1/gpconnect/fhir"))).expect("write");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("results.json"), "{\"earlier\": true}").expect("earlier results");
    let (cfg, out_dir) = (cfg.to_str().expect("utf8"), out.to_str().expect("utf8"));
    let args = |extra: Option<&str>| {
        let tags = "@RFA-ACC-001 or @RFA-INF-009";
        let mut a = vec!["run", "--config", cfg, "--tags", tags, "--out", out_dir];
        a.extend(extra);
        run(&a)
    };
    // The preflight says the one thing that is wrong, before the run, and
    // the earlier outputs are kept.
    let started = std::time::Instant::now();
    let o = args(None);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(started.elapsed().as_secs() < 30, "a refused connection must not take the timeout");
    assert!(
        stderr.contains(&format!("nothing answers at http://127.0.0.1:{port}/GPC001/STU3/1/gpconnect/fhir/metadata")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "one clear message:\n{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("results.json")).expect("kept"), "{\"earlier\": true}");
    // Run anyway, and nothing passes against a dead candidate.
    let o = args(Some("--no-preflight"));
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("could not connect"), "{stdout}");
    let results: Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).expect("results")).expect("JSON");
    let outcomes: Vec<&str> =
        results["requirements"].as_array().expect("array").iter().filter_map(|r| r["outcome"].as_str()).collect();
    assert!(!outcomes.contains(&"passed"), "nothing passes against a dead candidate: {outcomes:?}");
    assert!(outcomes.contains(&"error"), "{outcomes:?}");
}

/// A system that answers, but not as a GP Connect provider (here the
/// reference without its CapabilityStatement), is stopped by the preflight
/// with what it answered.
#[test]
fn a_base_url_without_a_capability_statement_is_exit_2_before_the_run() {
    let (_server, base) = serve(&["--defect", "metadata-unserved"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, config_for(&base)).expect("write");
    let o = run(&[
        "run",
        "-q",
        "--config",
        cfg.to_str().expect("utf8"),
        "--out",
        dir.path().join("o").to_str().expect("utf8"),
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("answered HTTP 404 (OperationOutcome), not a CapabilityStatement"), "{stderr}");
    assert!(stderr.contains("--no-preflight"), "says how to run anyway: {stderr}");
    assert!(!dir.path().join("o").exists(), "nothing written");
}

#[test]
fn a_misspelt_config_key_is_exit_2_with_file_line_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("bad.toml");
    let local = std::fs::read_to_string(root().join("examples/local.toml")).expect("local.toml");
    std::fs::write(&cfg, local.replace("provider_asid", "provider_asdi")).expect("write");
    let line = local.lines().position(|l| l.starts_with("provider_asid")).expect("key present") + 1;
    let o = run(&["run", "--config", cfg.to_str().expect("utf8"), "--out", dir.path().to_str().expect("utf8")]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("bad.toml:{line}:")), "names file and line:\n{stderr}");
    assert!(stderr.contains("provider_asdi"), "names the key:\n{stderr}");
    assert!(!dir.path().join("results.json").exists(), "no results for a run that never started");
}

#[test]
fn a_missing_config_file_is_exit_2() {
    let o = run(&["run", "--config", "/nonexistent/candidate.toml"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr.contains("/nonexistent/candidate.toml"), "{stderr}");
}

#[test]
fn a_rule_without_an_id_is_exit_2_with_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("features"), dir.path());
    let file = dir.path().join("INF/patient-read.feature");
    let text_in = std::fs::read_to_string(&file).expect("feature");
    let broken = text_in.replacen("@RFA-INF-010 @lot1 @must", "@lot1 @must", 1);
    std::fs::write(&file, &broken).expect("write");
    let rule_line =
        broken.lines().position(|l| l.contains("Reading a logical id the system does not hold")).expect("rule") + 1;
    for cmd in [&["catalogue", "--features"][..], &["run", "--features"][..]] {
        let mut args = cmd.to_vec();
        args.push(dir.path().to_str().expect("utf8"));
        let o = run(&args);
        let (_, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {stderr}");
        assert!(
            stderr.contains(&format!("INF/patient-read.feature:{rule_line}:")),
            "{cmd:?} names file and line:\n{stderr}"
        );
        assert!(stderr.contains("no requirement ID tag"), "{stderr}");
    }
}

#[test]
fn a_step_without_a_definition_is_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("features"), dir.path());
    let file = dir.path().join("ACC/capability.feature");
    let t = std::fs::read_to_string(&file).expect("feature");
    std::fs::write(&file, t.replacen("Then the response status is 200", "Then the candidate is lovely", 1))
        .expect("write");
    let o = run(&["catalogue", "--features", dir.path().to_str().expect("utf8")]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ACC/capability.feature:") && stderr.contains("the candidate is lovely"), "{stderr}");
}

#[test]
fn catalogue_json_lists_requirements_and_defects_cover_them() {
    let o = run(&["catalogue", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let cat: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_schema("catalogue", &cat);
    let reqs = cat["requirements"].as_array().expect("array");
    assert!(reqs.len() >= 20);
    assert!(reqs.iter().all(|r| !r["scenarios"].as_array().expect("scenarios").is_empty()));

    let o = run(&["reference", "defects", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let defects: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_schema("defects", &defects);
    let targeted: std::collections::BTreeSet<&str> = defects
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|d| d["targets"].as_array().expect("targets").iter().filter_map(Value::as_str))
        .collect();
    for r in reqs.iter().filter(|r| r["manual"] == false) {
        let id = r["id"].as_str().expect("id");
        assert!(targeted.contains(id), "{id} is targeted by no defect");
        assert!(!r["killed_by"].as_array().expect("killed_by").is_empty(), "{id}");
    }
}

#[test]
fn the_pack_digest_is_reproducible_with_coreutils() {
    let o = run(&["catalogue", "--format", "json"]);
    let cat: Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let digest = cat["pack"]["digest"].as_str().expect("digest").trim_start_matches("sha256:").to_string();
    let script = "cd features && find . -type f \\( -name '*.feature' -o -name pack.toml \\) | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum";
    let sh = std::process::Command::new("sh").arg("-c").arg(script).current_dir(root()).output().expect("sh");
    let shell_digest = String::from_utf8_lossy(&sh.stdout).split_whitespace().next().unwrap_or_default().to_string();
    assert_eq!(shell_digest, digest, "docs/feature-pack.md's shell pipeline must give the digest rfa reports");
}

#[test]
fn tags_select_whole_requirements() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = run(&["run", "--tags", "@RFA-INF-003 or @RFA-ACC-009", "--out", dir.path().to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let results: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("results.json")).expect("results")).expect("JSON");
    for r in results["requirements"].as_array().expect("array") {
        let id = r["id"].as_str().expect("id");
        let want = if id == "RFA-INF-003" || id == "RFA-ACC-009" {
            "passed"
        } else if r["manual"] == true {
            "not-assessed"
        } else {
            "skipped"
        };
        assert_eq!(r["outcome"], want, "{id}");
    }
    assert_eq!(results["lots"][0]["verdict"], "incomplete");
}

#[test]
fn usage_errors_are_exit_2_with_a_helpful_message() {
    let cases: [(&[&str], &str); 5] = [
        (&["run", "--tags", "@lot1 and ("], "not a tag expression"),
        (&["run", "--tags", "@lot9"], "selects no automated requirement"),
        (&["run", "--defect", "no-such-defect"], "known defects: ignores-missing-trace-id"),
        (&["run", "--concurrency", "0"], "concurrency"),
        (&["frobnicate"], "unrecognized subcommand"),
    ];
    for (args, needle) in cases {
        let o = run(args);
        let (_, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?} should say `{needle}`:\n{stderr}");
    }
}

#[test]
fn help_teaches_and_exits_0() {
    let o = run(&["--help"]);
    let (stdout, _) = text(&o);
    assert_eq!(o.status.code(), Some(0));
    for needle in ["rfa run --config", "Exit codes", "catalogue", "reference"] {
        assert!(stdout.contains(needle), "--help mentions {needle}:\n{stdout}");
    }
    let o = run(&["run", "--help"]);
    assert!(text(&o).0.contains("--tags"));
}

/// Requirement → (outcome, scenario outcomes) from a results.json.
/// How many requirements of these areas the run holds, and those of them
/// that did not pass (`id: outcome`), so a test asserts the list it
/// computes, not only the exit code.
fn not_passed(dir: &std::path::Path, areas: &[&str]) -> (usize, Vec<String>) {
    let ours: Vec<(String, (String, Vec<String>))> = outcome_map(dir)
        .into_iter()
        .filter(|(id, _)| areas.iter().any(|a| id.starts_with(&format!("RFA-{a}-"))))
        .collect();
    // A manual requirement awaits an assessor in every run: not-assessed.
    let failed = ours
        .iter()
        .filter(|(_, (outcome, _))| outcome != "passed" && outcome != "not-assessed")
        .map(|(id, (outcome, _))| format!("{id}: {outcome}"))
        .collect();
    (ours.len(), failed)
}

fn outcome_map(dir: &std::path::Path) -> std::collections::BTreeMap<String, (String, Vec<String>)> {
    let v: Value = serde_json::from_slice(&std::fs::read(dir.join("results.json")).expect("results")).expect("JSON");
    v["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| {
            let sc = r["scenarios"]
                .as_array()
                .expect("s")
                .iter()
                .map(|s| s["outcome"].as_str().unwrap_or_default().to_string())
                .collect();
            (
                r["id"].as_str().unwrap_or_default().to_string(),
                (r["outcome"].as_str().unwrap_or_default().to_string(), sc),
            )
        })
        .collect()
}

#[test]
fn concurrency_does_not_change_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    for defects in [&[][..], &["--defect", "read-without-etag", "--defect", "search-returns-inactive"][..]] {
        let mut maps = Vec::new();
        for (c, m) in [("1", "1"), ("256", "256"), ("256", "3")] {
            let out = dir.path().join(format!("c{c}-m{m}-{}", defects.len()));
            let mut args =
                vec!["run", "-q", "--concurrency", c, "--max-in-flight", m, "--out", out.to_str().expect("utf8")];
            args.extend(defects);
            let o = run(&args);
            assert!(matches!(o.status.code(), Some(0 | 1)), "{:?}", text(&o));
            maps.push(outcome_map(&out));
        }
        assert_eq!(maps[0], maps[1], "--concurrency 1 and 256 agree ({defects:?})");
        assert_eq!(maps[0], maps[2], "a tight in-flight limit changes nothing ({defects:?})");
    }
}

#[test]
fn fixtures_check_names_what_a_candidate_failed_to_load() {
    let (out, _) = text(&run(&["fixtures", "check"]));
    assert!(
        out.contains("0 missing") && out.contains("patient3"),
        "the embedded reference holds the whole pack: {out}"
    );

    let (_server, base) = common::serve(&["--without", "patient3", "--without", "practitioner2"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, common::config_for(&base)).expect("write config");
    let o = run(&["fixtures", "check", "--config", cfg.to_str().expect("utf8")]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let missing: Vec<&str> = out.lines().filter(|l| l.contains(" missing ")).collect();
    assert_eq!(missing.len(), 2, "{out}");
    assert!(missing[0].contains("patient3") && missing[0].contains("9990000247"), "{out}");
    assert!(missing.iter().any(|l| l.contains("practitioner2")), "{out}");

    let o = run(&["fixtures", "check", "--config", cfg.to_str().expect("utf8"), "--format", "json"]);
    let reports: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let bad: Vec<&str> = reports
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["status"] != "ok" && r["status"] != "absent")
        .filter_map(|r| r["key"].as_str())
        .collect();
    assert_eq!(bad, ["patient3", "practitioner2"]);

    let o = run(&["reference", "serve", "--without", "patient99"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("patient99") && err.contains("patient1"), "{err}");
}

#[test]
fn the_profile_documents_every_automated_requirement() {
    let cat = rfa_harness::runner::load_catalogue(None).expect("built-in pack");
    let profile = std::fs::read_to_string(common::root().join("docs/profile.md")).expect("docs/profile.md");
    // Requirement numbers the profile names: singly (`INF-025`) or as the
    // range of a section heading (`RFA-INF-022 … 034`).
    let mut named = std::collections::BTreeSet::new();
    let words: Vec<&str> = profile.split(|c: char| c.is_whitespace() || "(),;".contains(c)).collect();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_start_matches("RFA-");
        let Some((area, n)) = w.split_once('-') else { continue };
        let Ok(first) = n.parse::<u32>() else { continue };
        if area.len() != 3 || !area.chars().all(|c| c.is_ascii_uppercase()) {
            continue;
        }
        named.insert(format!("RFA-{area}-{first:03}"));
        if words.get(i + 1) == Some(&"…")
            && let Some(last) = words.get(i + 2).and_then(|l| l.parse::<u32>().ok())
        {
            named.extend((first..=last).map(|k| format!("RFA-{area}-{k:03}")));
        }
    }
    let missing: Vec<&str> =
        cat.requirements.iter().filter(|r| !r.manual && !named.contains(&r.id)).map(|r| r.id.as_str()).collect();
    assert!(missing.is_empty(), "docs/profile.md does not document: {missing:?}");
}

#[test]
fn the_profile_describes_the_pack_version_it_is_for() {
    let pack = std::fs::read_to_string(common::root().join("features/pack.toml")).expect("features/pack.toml");
    let version = pack
        .lines()
        .find_map(|l| l.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')))
        .expect("a version in features/pack.toml");
    let profile = std::fs::read_to_string(common::root().join("docs/profile.md")).expect("docs/profile.md");
    assert!(
        profile.contains(&format!("### Pack {version}\n")) && profile.contains(&format!("feature pack **{version}**")),
        "docs/profile.md must say it describes pack {version} and give its changes under `### Pack {version}`"
    );
}

/// A supplier's system keeps what earlier runs wrote: the REC, ONL, ARR,
/// EPS, DSP and KNW requirements must pass again on a candidate that
/// already holds their entries, registrations, audit records,
/// appointments, repeat requests, prescriptions (the knowledge base sees
/// them), dispenses, finance claims (FIN, too) and devices and their
/// readings (DEV).
#[test]
fn writing_requirements_pass_again_on_a_candidate_that_kept_earlier_runs() {
    let (_server, _, config) = common::serve_trusting_nhs_login(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, config).expect("write config");
    for round in 1..=3 {
        let out = dir.path().join(format!("round{round}"));
        let o = run(&[
            "run",
            "-q",
            "--config",
            cfg.to_str().expect("utf8"),
            "--area",
            "REC",
            "--area",
            "ONL",
            "--area",
            "ARR",
            "--area",
            "EPS",
            "--area",
            "DSP",
            "--area",
            "KNW",
            "--area",
            "FIN",
            "--area",
            "DEV",
            "--out",
            out.to_str().expect("utf8"),
        ]);
        let areas = ["REC", "ONL", "ARR", "EPS", "DSP", "KNW", "FIN", "DEV"];
        let (ran, failed) = not_passed(&out, &areas);
        assert_eq!(o.status.code(), Some(0), "round {round}: {failed:?} {:?}", text(&o));
        assert!(ran > 100, "round {round}: only {ran} requirements of {areas:?} were judged");
        assert_eq!(failed, Vec::<String>::new(), "round {round}: every requirement of {areas:?} passes again");
    }
}

/// `rfa … | head` closes standard output early: rfa must neither panic nor
/// change its exit code (the output is a view; the files are the result).
#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::io::{BufRead, BufReader};
    // The JSON catalogue is larger than a pipe buffer, so rfa is still
    // writing when the reader goes away.
    for args in [&["reference", "defects"][..], &["catalogue", "--format", "json"][..]] {
        let mut child = common::rfa()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("a line");
        // The reader is dropped here: the pipe is closed after one line.
        let o = child.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn fixtures_check_names_a_missing_sharing_agreement() {
    let (_server, base) = common::serve(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.toml");
    let unrelated = common::config_for(&base).replace("[spine]\n", "[spine]\nconsumer_ods = \"GPC999\"\n");
    std::fs::write(&cfg, unrelated).expect("write config");
    let o = run(&["fixtures", "check", "--config", cfg.to_str().expect("utf8")]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let line = out.lines().find(|l| l.contains("sharing agreement")).unwrap_or_default();
    assert!(line.contains("GPC999") && line.contains("missing"), "{out}");
    assert!(out.contains("NO_RELATIONSHIP"), "the report says what a run would hit: {out}");
}

/// The test data relative to the run date — slots for the fortnight, slots
/// kept for urgent care, sit-and-wait slots today, the begun appointment — is
/// checked too: a candidate whose data is for other dates (here: the
/// harness's clock is years ahead of the candidate's) gets each named.
#[test]
fn fixtures_check_names_missing_dated_test_data() {
    let (_server, base) = common::serve(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, common::config_for(&base)).expect("write config");
    let o = common::rfa()
        .env("RFA_TODAY", "2036-06-01")
        .args(["fixtures", "check", "--config", cfg.to_str().expect("utf8")])
        .output()
        .expect("run");
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    for label in ["free slots", "slots kept for urgent care", "sit-and-wait slots", "patient20's begun appointment"] {
        let line = out.lines().find(|l| l.contains(label)).unwrap_or_default();
        assert!(line.contains("missing"), "{label}: {out}");
    }
    assert!(out.contains("no free slot on 2036-06-02"), "the missing days are named: {out}");
    // With the harness's clock years behind, the expired prescription has
    // not expired yet.
    let o = common::rfa()
        .env("RFA_TODAY", "2016-06-01")
        .args(["fixtures", "check", "--config", cfg.to_str().expect("utf8")])
        .output()
        .expect("run");
    let (out, _) = text(&o);
    let line = out.lines().find(|l| l.contains("patient6's expired prescription")).unwrap_or_default();
    assert!(line.contains("missing"), "{out}");
    // With the candidate's own date, all of it is there.
    let o = run(&["fixtures", "check", "--config", cfg.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
}

/// Slots and validity periods roll with the date: the ONL, ARR and EPS
/// requirements pass on any day, shown with a faked clock (`RFA_TODAY`, read
/// by the harness and the reference) across a leap day, a year end, a
/// summer-time change, and the last of August (six months on is the end of
/// February, 28th or 29th).
#[test]
fn dated_requirements_pass_on_any_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    for today in ["2028-02-28", "2027-12-31", "2027-03-27", "2031-10-25", "2027-08-31", "2028-08-31"] {
        let out = dir.path().join(today);
        let areas = ["--area", "ONL", "--area", "ARR", "--area", "EPS", "--area", "DSP", "--area", "KNW"];
        let o = common::rfa()
            .env("RFA_TODAY", today)
            .args(["run", "-q"])
            .args(areas)
            .args(["--out", out.to_str().expect("utf8")])
            .output()
            .expect("run");
        let (ran, failed) = not_passed(&out, &["ONL", "ARR", "EPS", "DSP", "KNW"]);
        assert_eq!(o.status.code(), Some(0), "{today}: {failed:?} {:?}", text(&o));
        assert!(ran > 50, "{today}: only {ran} requirements were judged");
        assert_eq!(failed, Vec::<String>::new(), "{today}: every dated requirement passes");
    }
    let o = common::rfa().env("RFA_TODAY", "2027-02-29").args(["catalogue"]).output().expect("run");
    assert_eq!(o.status.code(), Some(2), "a date that does not exist is refused");
}

/// The concurrent double-booking requirement is stable both ways: it passes
/// against the reference 20 runs in a row, and fails against a reference
/// that books without a lock 20 runs in a row.
#[test]
fn concurrent_double_booking_is_judged_the_same_20_runs_in_a_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (defect, want) in [(None, 0), (Some("booking-race"), 1)] {
        for i in 0..20 {
            let out = dir.path().join(format!("{}-{i}", defect.unwrap_or("clean")));
            let mut args = vec!["run", "-q", "--requirement", "RFA-ONL-013", "--out", out.to_str().expect("utf8")];
            if let Some(d) = defect {
                args.extend(["--defect", d]);
            }
            let o = run(&args);
            assert_eq!(o.status.code(), Some(want), "run {i} with {defect:?}: {:?}", text(&o));
        }
    }
}

/// A run cut short must not leave an earlier run's outputs beside its own:
/// every registered output is cleared before anything is sent, so what is
/// left after a kill is this run's or nothing.
#[test]
fn an_interrupted_run_leaves_no_stale_output() {
    let out = tempfile::tempdir().expect("tempdir");
    let names = [
        "results.json",
        "junit.xml",
        "cucumber.json",
        "report.html",
        "evidence.ndjson",
        "scenarios.ndjson",
        "statement.json",
        "dossier.json",
    ];
    for n in names {
        std::fs::write(out.path().join(n), b"stale, from an earlier run").expect("write");
    }
    let mut child = common::rfa()
        .args(["run", "-q", "--out", out.path().to_str().expect("utf8")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn rfa");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while out.path().join("results.json").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    for n in names {
        let stale = std::fs::read(out.path().join(n)).is_ok_and(|b| b.starts_with(b"stale"));
        assert!(!stale, "{n} from the earlier run survived the interrupted one");
    }
}
