//! The outputs people and CI read: the HTML report in a real browser, the
//! Cucumber JSON, and sharded runs merged back into one.

mod common;

use std::collections::BTreeMap;

use common::{config_for, run, serve, text};
use serde_json::Value;

fn ok(args: &[&str]) -> String {
    let o = run(args);
    let (stdout, stderr) = text(&o);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    stdout
}

fn results(dir: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("results.json")).expect("results.json")).expect("JSON")
}

/// Requirement → (outcome, [scenario outcomes]).
fn outcomes(v: &Value) -> BTreeMap<String, (String, Vec<String>)> {
    v["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| {
            let sc = r["scenarios"]
                .as_array()
                .expect("scenarios")
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
fn four_shards_merged_equal_one_run() {
    let (_server, base) = serve(&["--defect", "no-modulus-11-check"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |n: &str| dir.path().join(n).to_str().expect("utf8").to_string();
    std::fs::write(dir.path().join("c.toml"), config_for(&base)).expect("config");
    ok(&["keys", "generate", "--out", &p("k")]);
    ok(&["run", "-q", "--config", &p("c.toml"), "--out", &p("whole")]);
    let mut shard_dirs = Vec::new();
    for k in 1..=4 {
        let out = p(&format!("shard{k}"));
        ok(&["run", "-q", "--config", &p("c.toml"), "--shard", &format!("{k}/4"), "--out", &out]);
        shard_dirs.push(out);
    }
    let (merged_dir, key) = (p("merged"), p("k.key"));
    let mut args = vec!["merge", "--out", &merged_dir, "--sign-key", &key];
    args.extend(shard_dirs.iter().map(String::as_str));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "the defect fails a must requirement: {:?}", text(&o));

    let (whole, merged) = (results(&dir.path().join("whole")), results(&dir.path().join("merged")));
    assert_eq!(outcomes(&merged), outcomes(&whole), "merging 4 shards gives the unsharded outcomes");
    assert_eq!(merged["lots"], whole["lots"]);
    assert!(merged["run"]["selection"].is_null(), "the merge covers the whole pack");
    // Each shard ran a quarter or so; none ran everything.
    let ran = |r: &Value| outcomes(r).values().filter(|(o, _)| o != "skipped" && o != "not-assessed").count();
    let all = ran(&whole);
    for d in &shard_dirs {
        let part = ran(&results(std::path::Path::new(d)));
        assert!(part * 8 > all && part * 2 < all, "{d} ran {part} of {all}");
    }
    // The merged dossier is a real one: it verifies and re-judges from the merged evidence.
    let o = run(&["verify", &p("merged/dossier.json"), "--key", &p("k.pub"), "--rejudge"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));

    // Overlapping shards are refused.
    let o = run(&["merge", "--out", &p("bad"), &shard_dirs[0], &shard_dirs[0]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("more than one shard"), "{:?}", text(&o));
}

/// The README's first command, sharded: each shard starts its own embedded
/// reference (on the fixed shard address, one after another), and the
/// shards merge into a dossier that verifies and re-judges.
#[test]
fn shards_of_the_embedded_reference_merge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |n: &str| dir.path().join(n).to_str().expect("utf8").to_string();
    ok(&["keys", "generate", "--out", &p("k")]);
    for k in 1..=2 {
        ok(&["run", "-q", "--shard", &format!("{k}/2"), "--out", &p(&format!("s{k}"))]);
    }
    let o = run(&["merge", "--out", &p("m"), "--sign-key", &p("k.key"), &p("s1"), &p("s2")]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let merged = results(&dir.path().join("m"));
    // rfa merge writes the report as rfa run does: nothing failed, so no exchange is embedded.
    let page = page_scenarios(&page_data(&dir.path().join("m/report.html")));
    assert!(page.iter().all(|(_, _, embedded)| embedded.is_none()) && page.iter().any(|(_, ids, _)| !ids.is_empty()));
    // ... and takes --report-evidence as rfa run does.
    ok(&["merge", "--out", &p("m-all"), "--report-evidence", "all", &p("s1"), &p("s2")]);
    let page = page_scenarios(&page_data(&dir.path().join("m-all/report.html")));
    assert!(page.iter().all(|(_, ids, embedded)| *embedded == Some(ids.len())), "merge --report-evidence all");
    assert!(outcomes(&merged).values().all(|(o, _)| o == "passed" || o == "not-assessed"), "{merged}");
    let o = run(&["verify", &p("m/dossier.json"), "--key", &p("k.pub"), "--rejudge"]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
}

#[test]
fn cucumber_json_has_every_scenario_and_step() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    ok(&["run", "-q", "--defect", "read-without-etag", "--out", out.to_str().expect("utf8")]);
    let cj: Value =
        serde_json::from_slice(&std::fs::read(out.join("cucumber.json")).expect("cucumber.json")).expect("JSON");
    let features = cj.as_array().expect("array of features");
    let scenarios: Vec<&Value> = features.iter().flat_map(|f| f["elements"].as_array().expect("elements")).collect();
    let r = results(&out);
    let expected: usize =
        r["requirements"].as_array().expect("a").iter().map(|q| q["scenarios"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(scenarios.len(), expected);
    for f in features {
        assert!(
            f["uri"].as_str().is_some_and(|u| u.starts_with("features/"))
                && f["name"].as_str().is_some_and(|n| !n.is_empty())
        );
    }
    let failed: Vec<&Value> = scenarios
        .iter()
        .flat_map(|s| s["steps"].as_array().expect("steps"))
        .filter(|st| st["result"]["status"] == "failed")
        .collect();
    assert!(
        !failed.is_empty()
            && failed.iter().all(|st| st["result"]["error_message"].as_str().is_some_and(|m| m.contains("ETag")))
    );
    assert!(scenarios.iter().all(|s| {
        s["tags"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["name"].as_str().is_some_and(|n| n.starts_with("@RFA-"))))
    }));
}

#[test]
fn cucumber_json_ids_are_unique_and_step_times_are_real() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    ok(&["run", "-q", "--area", "ACC", "--defect", "accepts-any-method", "--out", out.to_str().expect("utf8")]);
    let cj: Value =
        serde_json::from_slice(&std::fs::read(out.join("cucumber.json")).expect("cucumber.json")).expect("JSON");
    let elements: Vec<&Value> =
        cj.as_array().expect("features").iter().flat_map(|f| f["elements"].as_array().expect("elements")).collect();
    let mut ids: Vec<&str> = elements.iter().map(|e| e["id"].as_str().expect("id")).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "element ids are unique");
    // Durations are nanoseconds, the steps' own: a scenario's steps add up
    // to no more than the scenario took, nor that to more than the run.
    // (Scenarios run concurrently, so all of them together may.)
    let r = results(&out);
    let run_ns = r["run"]["duration_ms"].as_f64().expect("run duration") * 1e6;
    let scenario_ns: BTreeMap<(String, u64), f64> = r["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .flat_map(|q| q["scenarios"].as_array().expect("scenarios"))
        .map(|s| {
            let key = (s["file"].as_str().unwrap_or_default().to_string(), s["line"].as_u64().unwrap_or_default());
            (key, s["duration_ms"].as_f64().unwrap_or_default() * 1e6)
        })
        .collect();
    for f in cj.as_array().expect("features") {
        let file = f["uri"].as_str().unwrap_or_default().trim_start_matches("features/").to_string();
        for e in f["elements"].as_array().expect("elements") {
            let steps = e["steps"].as_array().expect("steps");
            for st in steps {
                let ran = st["result"]["status"] != "skipped";
                assert_eq!(
                    st["result"]["duration"].is_u64(),
                    ran,
                    "a step that ran has a time, a skipped one none: {st}"
                );
            }
            let sum: u64 = steps.iter().filter_map(|st| st["result"]["duration"].as_u64()).sum();
            let scenario = scenario_ns[&(file.clone(), e["line"].as_u64().expect("line"))];
            assert!(
                sum as f64 <= scenario + 1e6 && scenario <= run_ns + 1e6,
                "{sum} ns, scenario {scenario}, run {run_ns}"
            );
        }
    }
}

/// The data report.html embeds for its script.
fn page_data(report: &std::path::Path) -> Value {
    let html = std::fs::read_to_string(report).expect("report.html");
    let start = r#"<script id="data" type="application/json">"#;
    let json = html.split_once(start).and_then(|(_, rest)| rest.split_once("</script>")).expect("data element").0;
    serde_json::from_str(json).expect("the embedded data is JSON")
}

/// Every (scenario outcome, evidence ids, embedded exchange count) of a page.
fn page_scenarios(data: &Value) -> Vec<(String, Vec<String>, Option<usize>)> {
    data["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .flat_map(|r| r["scenarios"].as_array().expect("scenarios"))
        .map(|s| {
            let ids =
                s["evidence"].as_array().expect("evidence ids").iter().map(|i| i.as_str().expect("id").to_string());
            (
                s["outcome"].as_str().expect("outcome").to_string(),
                ids.collect(),
                s["exchanges"].as_array().map(Vec::len),
            )
        })
        .collect()
}

/// Issue 26: a page with every exchange of a passing run weighed tens of
/// MB. By default it embeds only those of failed and errored scenarios and
/// names the evidence.ndjson records of the rest; `--report-evidence all`
/// embeds every one.
#[test]
fn the_report_embeds_only_failed_scenarios_exchanges_unless_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |n: &str| dir.path().join(n).to_str().expect("utf8").to_string();
    let args = ["run", "-q", "--area", "ACC", "--defect", "accepts-any-method", "--out"];
    ok(&[&args[..], &[&p("failed")]].concat());
    ok(&[&args[..], &[&p("all"), "--report-evidence", "all"]].concat());

    let evidence = std::fs::read_to_string(dir.path().join("failed/evidence.ndjson")).expect("evidence");
    let recorded: std::collections::BTreeSet<String> = evidence
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("record")["id"].as_str().expect("id").to_string())
        .collect();
    let failed = page_scenarios(&page_data(&dir.path().join("failed/report.html")));
    let not_passed = failed.iter().filter(|(o, ..)| o == "failed" || o == "error").count();
    assert!(not_passed > 0 && failed.iter().any(|(o, ..)| o == "passed"), "{failed:?}");
    for (outcome, ids, embedded) in &failed {
        assert!(
            !ids.is_empty() && ids.iter().all(|i| recorded.contains(i)),
            "ids name evidence.ndjson records: {ids:?}"
        );
        match outcome.as_str() {
            "failed" | "error" => {
                assert_eq!(*embedded, Some(ids.len()), "a {outcome} scenario's exchanges are embedded")
            }
            _ => assert_eq!(*embedded, None, "a {outcome} scenario's exchanges are not"),
        }
    }
    let html = std::fs::read_to_string(dir.path().join("failed/report.html")).expect("report.html");
    assert!(html.contains("--report-evidence all embeds them"), "the page says where the rest are");

    let all = page_scenarios(&page_data(&dir.path().join("all/report.html")));
    assert!(
        all.iter().all(|(_, ids, embedded)| *embedded == Some(ids.len())),
        "--report-evidence all embeds every one"
    );
}

/// xmllint, or `None` after saying why the schema check is skipped (never
/// in CI, where .ci/run installs it).
fn xmllint_or_skip() -> Option<&'static str> {
    let found = std::process::Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "CI must validate junit.xml: .ci/run installs libxml2-utils");
        eprintln!("skipped: xmllint is not installed here (.ci/run installs it; apt-get install libxml2-utils)");
    }
    found.then_some("xmllint")
}

fn xmllint(xmllint: &str, file: &std::path::Path) -> (bool, String) {
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/junit/junit.xsd");
    let o = std::process::Command::new(xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(file)
        .output()
        .expect("xmllint runs");
    (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn junit_xml_meets_the_strict_junit_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // A failure, passes and requirements not selected: every element we write.
    ok(&["run", "-q", "--area", "ACC", "--defect", "accepts-any-method", "--out", out.to_str().expect("utf8")]);
    let junit = std::fs::read_to_string(out.join("junit.xml")).expect("junit.xml");
    assert!(junit.contains("<failure") && junit.contains("<skipped") && junit.contains("<testsuites "), "{junit}");
    let Some(lint) = xmllint_or_skip() else { return };
    let (valid, why) = xmllint(lint, &out.join("junit.xml"));
    assert!(valid, "{why}");
    // The schema can fail: what we wrote before (nine decimals, no
    // skipped count, an empty failure body) is refused.
    let old = dir.path().join("old.xml");
    std::fs::write(
        &old,
        r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="RFA ACC" tests="1" errors="0" failures="1" time="0.707365574"><testcase name="x" classname="ACC.lot1.must" time="0.707365574"><failure type="failed" message="a
b"/></testcase></testsuite></testsuites>"#,
    )
    .expect("write");
    let (valid, why) = xmllint(lint, &old);
    assert!(!valid, "the old form passed");
    for refused in ["'time'", "'skipped' is required", "minLength", "'tests' is required"] {
        assert!(why.contains(refused), "{refused} not refused:\n{why}");
    }
}

#[test]
fn the_report_drills_down_to_a_failures_exchange_in_a_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    ok(&["run", "-q", "--defect", "no-modulus-11-check", "--out", out.to_str().expect("utf8")]);
    let report = out.join("report.html");
    let html = std::fs::read_to_string(&report).expect("report.html");
    // Issue 26: the whole pack's page was tens of MB with every exchange.
    assert!(html.len() < 2_000_000, "report.html is {} bytes", html.len());
    assert!(!html.contains("http://") || html.contains("127.0.0.1"), "no external resources");
    assert!(!html.contains("<script src") && !html.contains("<link"), "self-contained");
    let Some(browser) = common::chromium_or_skip() else { return };
    let url = format!("file://{}", report.display());
    let dom = |q: &str| common::headless(&browser, &["--dump-dom".into(), format!("{url}{q}")]);

    let cat = rfa_harness::runner::load_catalogue(None).expect("built-in pack");
    let (total, manual) = (cat.requirements.len(), cat.requirements.iter().filter(|r| r.manual).count());
    let all = dom("");
    assert!(
        all.contains(">RFA-INF-003<") && all.contains(&format!("{total} of {total} requirements")),
        "every requirement listed"
    );
    // Issue 26: a lot card says why it did not pass, a failed count stands out, ids stay whole.
    assert!(
        all.contains(&format!(r#"<span class="bad">1 failed</span>, <span>{manual} not assessed (manual)</span>"#)),
        "lot1's card says why"
    );
    assert!(all.contains(r#"<td class="num bad">1</td>"#), "INF's failed count is highlighted");
    assert!(all.contains(r#"<td class="id">RFA-INF-003</td>"#), "ids are styled not to wrap");
    let failed = dom("?failed=1");
    assert!(
        failed.contains(&format!("{} of {total} requirements", manual + 1)),
        "filter to what did not pass (1 failed + those awaiting an assessor)"
    );
    let drill = dom("?failed=1#RFA-INF-003");
    for needle in [
        "the Modulus 11 check digit is wrong",
        "Then the request is refused with 400 \"INVALID_NHS_NUMBER\"",
        "expected the request to be refused with 400 INVALID_NHS_NUMBER, got HTTP 200",
        "9990000175",
        "Response 200 headers",
        "\"resourceType\": \"Bundle\"",
    ] {
        assert!(drill.contains(&needle.replace('"', "&quot;")) || drill.contains(needle), "drill-down shows {needle}");
    }
    // Playwright clicks through it: filters, the drill-down, deep links
    // (tests/browser/report.mjs says what each check proves).
    if let Some(node) = common::playwright_or_skip() {
        common::playwright(&node, &browser, "report.mjs", &[report.to_str().expect("utf8"), "RFA-INF-003"]);
    }
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    common::headless(
        &browser,
        &[
            "--window-size=1280,1000".into(),
            format!("--screenshot={}", shot.display()),
            format!("{url}?failed=1#RFA-INF-003"),
        ],
    );
    assert!(std::fs::read(&shot).expect("screenshot").starts_with(b"\x89PNG"));
    eprintln!("screenshot: {}", shot.display());
}
