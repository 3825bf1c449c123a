//! Transport security end to end: `rfa reference serve --tls-dir` writes
//! its throw-away authorities, a config's `[tls]` points at them, and
//! `rfa run --config` judges the TLS and mutual-TLS requirements over real
//! TLS on loopback, the refused-certificate cases included.

mod common;

use common::{config_for, run, serve_banner, text};

const TRANSPORT: &str = "@RFA-ACC-023 or @RFA-ACC-024 or @RFA-ACC-025 or @RFA-ACC-026 or @RFA-ACC-027 \
    or @RFA-ACC-028 or @RFA-ACC-029 or @RFA-ACC-030 or @RFA-ACC-031";

/// Serves the reference (with `extra`), writes a config for it (its
/// `[tls]` section when `with_tls`), and runs `rfa run` on `tags`.
fn run_against(
    dir: &std::path::Path,
    extra: &[&str],
    with_tls: bool,
    tags: &str,
) -> (std::process::Output, std::path::PathBuf) {
    let pki = dir.join("pki");
    let mut args = extra.to_vec();
    if with_tls {
        args.extend(["--tls-dir", pki.to_str().expect("utf-8")]);
    }
    let (_server, base, section) = serve_banner(&args);
    if with_tls {
        assert!(section.starts_with("[tls]"), "the banner prints the [tls] section: {section}");
    }
    let config = dir.join("candidate.toml");
    std::fs::write(&config, format!("{}\n{section}", config_for(&base))).expect("config");
    let out = dir.join("out");
    let o = run(&[
        "run",
        "-q",
        "--config",
        config.to_str().expect("utf-8"),
        "--tags",
        tags,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    (o, out)
}

fn outcomes(out: &std::path::Path) -> Vec<(String, String, Option<String>)> {
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).expect("results")).expect("json");
    r["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|q| q["scenarios"].as_array().is_some_and(|s| !s.is_empty()))
        .map(|q| {
            (
                q["id"].as_str().unwrap_or_default().to_string(),
                q["outcome"].as_str().unwrap_or_default().to_string(),
                q["reason"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn a_config_with_tls_runs_the_transport_checks_against_a_served_candidate() {
    let dir = tempfile::tempdir().expect("tmp");
    let (o, out) = run_against(dir.path(), &[], true, TRANSPORT);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    let got = outcomes(&out);
    assert_eq!(got.len(), 9, "{got:?}");
    for (id, outcome, reason) in &got {
        assert_eq!(outcome, "passed", "{id}: {reason:?}");
    }
    // The evidence says what was presented and what was agreed.
    let evidence = std::fs::read_to_string(out.join("evidence.ndjson")).expect("evidence");
    assert!(evidence.contains("expired yesterday"), "the expired certificate is in the evidence");
    assert!(evidence.contains("\"negotiated\":\"TLSv1.2 ECDHE-"), "the agreed suite is in the evidence");
}

#[test]
fn a_served_candidate_that_takes_any_client_certificate_fails() {
    let dir = tempfile::tempdir().expect("tmp");
    let (o, out) = run_against(dir.path(), &["--defect", "any-client-authority"], true, "@RFA-ACC-027 or @RFA-ACC-028");
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    let got = outcomes(&out);
    assert!(got.contains(&("RFA-ACC-028".into(), "failed".into(), None)), "{got:?}");
    assert!(got.iter().any(|(id, o, _)| id == "RFA-ACC-027" && o == "passed"), "{got:?}");
}

#[test]
fn without_tls_the_transport_checks_are_skipped_with_the_reason_never_passed() {
    let dir = tempfile::tempdir().expect("tmp");
    let (o, out) = run_against(dir.path(), &[], false, TRANSPORT);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("INCOMPLETE"), "a skipped must leaves the lot incomplete: {stdout}");
    let got = outcomes(&out);
    let ids: Vec<&str> = got.iter().map(|(id, _, _)| id.as_str()).collect();
    let want: Vec<String> = (23..=31).map(|n| format!("RFA-ACC-{n:03}")).collect();
    assert_eq!(ids, want, "every transport requirement was run, and only those");
    for (id, outcome, reason) in got {
        assert_eq!(outcome, "skipped", "{id}");
        assert!(reason.unwrap_or_default().contains("no [tls] section"), "{id} says why");
    }
}

/// A client's second connection resumes its TLS 1.2 session. OpenSSL
/// refuses that for a server that verifies clients unless the server sets a
/// session id context, which made the OpenSSL-backed defects' endpoint
/// refuse connections at random; both backends must take it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_connection_resuming_the_session_is_served_by_either_backend() {
    use rfa_harness::reference::defects::AccDefect;
    use rfa_harness::reference::{self, DefectSet};
    use rfa_harness::tls::pki::{Purpose, Validity};
    let fixtures = rfa_harness::fixtures::FixturePack::embedded().expect("fixtures");
    for defects in [DefectSet::none(), [AccDefect::OldTlsAccepted].into_iter().collect()] {
        let r = reference::start(([127, 0, 0, 1], 0).into(), defects.clone(), &fixtures).await.expect("reference");
        let id = r
            .tls
            .client_authority
            .issue(std::slice::from_ref(&r.tls.client_fqdn), Purpose::Client, Validity::Current)
            .expect("cert");
        let client = reqwest::Client::builder()
            .danger_accept_invalid_certs(true)
            .tls_version_max(reqwest::tls::Version::TLS_1_2)
            .identity(reqwest::Identity::from_pem(&id.identity_pem()).expect("identity"))
            .build()
            .expect("client");
        let url = format!("{}/metadata", r.tls_base_url);
        for n in 0..3 {
            // `Connection: close` makes each request a new connection,
            // which offers the session the last one was given.
            let resp = client.get(&url).header("Connection", "close").send().await;
            assert!(resp.is_ok(), "{defects:?}: connection {n} was refused: {resp:?}");
        }
        r.stop().await;
    }
}

/// A `[tls]` url where nothing listens is named by the preflight, exit 2,
/// before a run whose transport scenarios would all error.
#[test]
fn a_tls_url_where_nothing_listens_is_exit_2_before_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pki = dir.path().join("pki");
    let (_server, base, section) = serve_banner(&["--tls-dir", pki.to_str().expect("utf-8")]);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let url_line = section.lines().find(|l| l.starts_with("url = ")).expect("the [tls] section has a url");
    let port = url_line.split(':').nth(2).and_then(|p| p.split('/').next()).expect("a port in the url");
    let moved = section.replace(url_line, &url_line.replace(&format!(":{port}/"), &format!(":{closed}/")));
    let config = dir.path().join("candidate.toml");
    std::fs::write(&config, format!("{}\n{moved}", config_for(&base))).expect("config");
    let o = run(&[
        "run",
        "-q",
        "--config",
        config.to_str().expect("utf-8"),
        "--out",
        dir.path().join("o").to_str().expect("utf-8"),
    ]);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains(&format!("nothing listens at 127.0.0.1:{closed}")), "{stderr}");
}
