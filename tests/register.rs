//! The accredited-systems register end to end, through the real binary:
//! formal dossiers from real runs against the reference, the admission rules,
//! renewal, revocation, expiry, tamper evidence and the published site
//! (checked in headless Chromium, and clicked through with Playwright:
//! tests/browser/register.mjs).

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, config_for, run, serve_banner, text};
use serde_json::Value;

fn ok(args: &[&str]) -> String {
    let o = run(args);
    let (stdout, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    stdout
}

fn pack_digest() -> String {
    let cat: Value = serde_json::from_str(&ok(&["catalogue", "--format", "json"])).expect("JSON");
    cat["pack"]["digest"].as_str().expect("digest").to_string()
}

/// The built-in pack's version, as `rfa catalogue` reports it.
fn pack_version() -> String {
    let cat: Value = serde_json::from_str(&ok(&["catalogue", "--format", "json"])).expect("JSON");
    cat["pack"]["version"].as_str().expect("version").to_string()
}

fn policy(s: &Scratch, name: &str, digest: &str) -> String {
    let version = pack_version();
    let text = format!(
        "origin = \"register.rfa-harness.test/gpsoc\"\nvalidity_days = 365\nsigning_key = \"register.key\"\n\n\
         [[assurance_keys]]\nname = \"Assurance team\"\npublic_key = \"assurance.pub\"\n\n\
         [[pinned_packs]]\nname = \"rfa-gpsoc\"\nversion = \"{version}\"\ndigest = \"{digest}\"\n"
    );
    std::fs::write(s.path(name), text).expect("policy");
    s.p(name)
}

/// Attests the three GOV requirements for a candidate (config or reference).
fn attest_all(s: &Scratch, file: &str, config: Option<&str>) {
    for id in ["RFA-GOV-001", "RFA-GOV-002", "RFA-GOV-003"] {
        let mut args = vec![
            "attest",
            "--requirement",
            id,
            "--verdict",
            "passed",
            "--rationale",
            "Evidence reviewed",
            "--assessor",
            "A. Assessor",
        ];
        let (key, out) = (s.p("assessor.key"), s.p(file));
        args.extend(["--key", &key, "--out", &out]);
        if let Some(c) = config {
            args.extend(["--config", c]);
        }
        ok(&args);
    }
}

/// A formal, signed run into `out`; extra arguments appended.
fn formal(s: &Scratch, out: &str, extra: &[&str]) -> PathBuf {
    let (key, o) = (s.p("assurance.key"), s.p(out));
    let mut args = vec!["run", "-q", "--formal", "--sign-key", &key, "--out", &o];
    args.extend(extra);
    let res = run(&args);
    assert!(matches!(res.status.code(), Some(0 | 1)), "{:?}", text(&res));
    s.path(out).join("dossier.json")
}

fn add(s: &Scratch, reg: &str, dossier: &Path) -> (i32, String) {
    let o = run(&["register", "--dir", &s.p(reg), "add", dossier.to_str().expect("utf8")]);
    (o.status.code().unwrap_or(-1), text(&o).0)
}

/// Builds a register with two accredited systems (one renewed, one revoked)
/// and every kind of rejection tried; returns the setup and the site dir.
fn populated() -> (Scratch, PathBuf) {
    let s = Scratch::new();
    for k in ["assurance", "register", "assessor", "stranger"] {
        ok(&["keys", "generate", "--out", &s.p(k)]);
    }
    let digest = pack_digest();
    let pol = policy(&s, "policy.toml", &digest);
    ok(&["register", "--dir", &s.p("reg"), "init", "--policy", &pol]);

    // System A: the embedded reference.
    attest_all(&s, "att-a.json", None);
    let (att_a, assessor) = (s.p("att-a.json"), s.p("assessor.pub"));
    let a1 = formal(&s, "a1", &["--attestations", &att_a, "--assessor-key", &assessor]);
    let (code, out) = add(&s, "reg", &a1);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("admitted as entry 1"), "{out}");
    let (code, out) = add(&s, "reg", &a1);
    assert_eq!((code, out.contains("already admitted")), (0, true), "re-adding is a no-op: {out}");

    // System B: a served reference under another identity (examples/local.toml).
    // With its TLS authorities, or the transport checks are skipped and no
    // lot is accreditable.
    let pki = s.p("b-pki");
    let (_server, base, tls) = serve_banner(&["--tls-dir", &pki]);
    std::fs::write(s.path("b.toml"), format!("{}\n{tls}", config_for(&base))).expect("config");
    attest_all(&s, "att-b.json", Some(&s.p("b.toml")));
    let (att_b, bcfg) = (s.p("att-b.json"), s.p("b.toml"));
    let b1 = formal(&s, "b1", &["--config", &bcfg, "--attestations", &att_b, "--assessor-key", &assessor]);
    let (code, out) = add(&s, "reg", &b1);
    assert_eq!(code, 0, "{out}");

    // A later run of A renews it.
    let a2 = formal(&s, "a2", &["--attestations", &att_a, "--assessor-key", &assessor]);
    let (code, out) = add(&s, "reg", &a2);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("renewing entry 1"), "{out}");
    // The older dossier cannot come back over the newer one.
    let a_older = s.path("a1/dossier.json");
    let (code, _) = add(&s, "reg", &a_older);
    assert_eq!(code, 0, "the identical older dossier is still a no-op");

    // Rejections, each naming its rule.
    let self_test = {
        let (key, o) = (s.p("assurance.key"), s.p("st"));
        ok(&["run", "-q", "--sign-key", &key, "--out", &o, "--attestations", &att_a, "--assessor-key", &assessor]);
        s.path("st/dossier.json")
    };
    let stranger = {
        let (key, o) = (s.p("stranger.key"), s.p("sk"));
        let _ = run(&[
            "run",
            "-q",
            "--formal",
            "--sign-key",
            &key,
            "--out",
            &o,
            "--attestations",
            &att_a,
            "--assessor-key",
            &assessor,
        ]);
        s.path("sk/dossier.json")
    };
    let failing = formal(&s, "fail", &["--defect", "accepts-expired-jwt"]);
    for (dossier, rule) in [
        (&self_test, "self-test"),
        (&stranger, "not signed by a trusted assurance key"),
        (&failing, "RFA-ACC-007 failed"),
    ] {
        let (code, out) = add(&s, "reg", dossier);
        assert_eq!(code, 1, "{rule}: {out}");
        assert!(out.contains("rejected") && out.contains(rule), "{rule}: {out}");
    }
    // A register whose policy pins another pack rejects the same good dossier.
    let other = policy(&s, "other.toml", &format!("sha256:{}", "0".repeat(64)));
    ok(&["register", "--dir", &s.p("reg2"), "init", "--policy", &other]);
    let (code, out) = add(&s, "reg2", &a2);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("is not pinned by the policy"), "{out}");

    // Revoke B.
    ok(&[
        "register",
        "--dir",
        &s.p("reg"),
        "revoke",
        "reference candidate (served)",
        "local",
        "--reason",
        "Hosting assurance withdrawn",
    ]);
    let site = s.path("site");
    ok(&["register", "--dir", &s.p("reg"), "publish", "--out", site.to_str().expect("utf8")]);
    (s, site)
}

#[test]
fn a_register_admits_renews_rejects_revokes_and_verifies() {
    let (s, site) = populated();
    let verified = ok(&["register", "--dir", &s.p("reg"), "verify"]);
    assert!(verified.contains("valid — 5 entries, 5 checkpoints"), "{verified}");

    let doc: Value = serde_json::from_slice(&std::fs::read(site.join("accredited.json")).expect("json")).expect("JSON");
    let entries = doc["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2, "{doc}");
    let by_product = |p: &str| entries.iter().find(|e| e["product"] == p).unwrap_or_else(|| panic!("{p} listed"));
    let a = by_product("reference candidate");
    assert_eq!(
        (a["status"].as_str(), a["log_index"].as_u64(), a["renews"][0].as_u64()),
        (Some("active"), Some(3), Some(1))
    );
    assert_eq!(a["lots"][0], "lot1");
    assert!(a["requirements"].as_array().is_some_and(|r| r.len() >= 34));
    let b = by_product("reference candidate (served)");
    assert_eq!(b["status"], "revoked");
    assert_eq!(b["revoked"]["reason"], "Hosting assurance withdrawn");
    // The site carries what is needed to check it offline.
    for f in ["index.html", "log.ndjson", "checkpoints.ndjson", "checkpoint.json", "register.pub", "assurance-1.pub"] {
        assert!(site.join(f).exists(), "{f}");
    }
    let dossier = site.join("dossiers").join(format!("{}.json", a["dossier_sha256"].as_str().expect("sha")));
    ok(&["verify", dossier.to_str().expect("utf8"), "--key", &site.join("assurance-1.pub").to_string_lossy()]);

    // Expiry is by date.
    let later: Value = serde_json::from_str(&ok(&[
        "register",
        "--dir",
        &s.p("reg"),
        "list",
        "--format",
        "json",
        "--at",
        "2099-01-01",
    ]))
    .expect("JSON");
    let statuses: Vec<&str> =
        later["entries"].as_array().expect("a").iter().filter_map(|e| e["status"].as_str()).collect();
    assert!(statuses.contains(&"expired") && statuses.contains(&"revoked"), "{statuses:?}");

    // Proofs: every entry's inclusion, and consistency between sizes.
    for i in 0..5 {
        let p: Value =
            serde_json::from_str(&ok(&["register", "--dir", &s.p("reg"), "prove", &i.to_string()])).expect("JSON");
        let doc: rfa_harness::register::merkle::InclusionDoc =
            serde_json::from_value(p["proof"].clone()).expect("proof");
        let entry = p["entry"].as_str().expect("entry");
        assert!(rfa_harness::register::merkle::verify_inclusion(entry.as_bytes(), &doc), "entry {i}");
    }
    let c: rfa_harness::register::merkle::ConsistencyDoc =
        serde_json::from_str(&ok(&["register", "--dir", &s.p("reg"), "consistency", "2", "5"])).expect("JSON");
    assert!(rfa_harness::register::merkle::verify_consistency(&c));
    let o = run(&["register", "--dir", &s.p("reg"), "prove", "99"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_hand_edited_or_truncated_log_fails_verification() {
    let (s, _) = populated();
    let log = s.path("reg/log.ndjson");
    let original = std::fs::read_to_string(&log).expect("log");

    // Rewrite history: an admission claims a lot it was not admitted for
    // (still valid JSON).
    let edited = original.replacen("\"lots\":[\"lot1\"", "\"lots\":[\"lot0\",\"lot1\"", 1);
    assert_ne!(edited, original);
    std::fs::write(&log, &edited).expect("write");
    let o = run(&["register", "--dir", &s.p("reg"), "verify"]);
    let (stdout, _) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("history was rewritten"), "{stdout}");
    // Publishing refuses an invalid register.
    let o = run(&["register", "--dir", &s.p("reg"), "publish", "--out", &s.p("site2")]);
    assert_eq!(o.status.code(), Some(2));

    // Drop the last entry.
    let truncated: String = original.lines().take(4).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, truncated).expect("write");
    let o = run(&["register", "--dir", &s.p("reg"), "verify"]);
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));

    // Garbage is a located input error, not a panic.
    std::fs::write(&log, b"{\"type\":\"init\"\n\xff\xfe\n").expect("write");
    let o = run(&["register", "--dir", &s.p("reg"), "verify"]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("log.ndjson:1:"), "{stderr}");
}

#[test]
fn bad_policies_are_refused_with_a_location() {
    let s = Scratch::new();
    ok(&["keys", "generate", "--out", &s.p("register")]);
    ok(&["keys", "generate", "--out", &s.p("assurance")]);
    let good = policy(&s, "p.toml", &pack_digest());
    let original = std::fs::read_to_string(&good).expect("read");
    for (from, to, needle) in [
        ("validity_days", "validty_days", "bad.toml:2:"),
        ("signing_key = \"register.key\"", "signing_key = \"assurance.pub\"", "is a public key"),
        ("public_key = \"assurance.pub\"", "public_key = \"missing.pub\"", "missing.pub"),
        ("digest = \"sha256:", "digest = \"md5:", "is not sha256"),
    ] {
        std::fs::write(s.path("bad.toml"), original.replace(from, to)).expect("write");
        let o = run(&["register", "--dir", &s.p(&format!("r-{needle}")), "init", "--policy", &s.p("bad.toml")]);
        let (_, stderr) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{from}: {stderr}");
        assert!(stderr.contains(needle), "{from}: {stderr}");
    }
    let o = run(&["register", "--dir", &s.p("nowhere"), "verify"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("holds no register"), "{:?}", text(&o));
}

/// A minimal static file server on loopback for the published site.
fn serve_dir(root: PathBuf) -> String {
    use std::io::{BufRead as _, BufReader, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut line = String::new();
            let mut reader = BufReader::new(conn.try_clone().expect("clone"));
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // Drain the request headers.
            let mut h = String::new();
            while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
                h.clear();
            }
            let path =
                line.split_whitespace().nth(1).unwrap_or("/").split(['?', '#']).next().unwrap_or("/").to_string();
            let rel = if path == "/" { "index.html".to_string() } else { path.trim_start_matches('/').to_string() };
            let file = root.join(&rel);
            let (status, body, ty) = match (rel.contains(".."), std::fs::read(&file)) {
                (false, Ok(b)) => {
                    let ty =
                        if rel.ends_with(".html") { "text/html; charset=utf-8" } else { "application/octet-stream" };
                    ("200 OK", b, ty)
                }
                _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {ty}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes()).and_then(|_| conn.write_all(&body));
        }
    });
    format!("http://{addr}")
}

#[test]
fn the_published_site_works_in_a_browser() {
    let Some(browser) = common::chromium_or_skip() else { return };
    let (_s, site) = populated();
    let base = serve_dir(site);
    let dom = |query: &str| common::headless(&browser, &["--dump-dom".into(), format!("{base}/index.html{query}")]);
    let rows = |html: &str| html.matches("<tr id=\"entry-").count();

    let all = dom("");
    assert_eq!(rows(&all), 2, "the table lists both accredited systems:\n{all}");
    assert!(all.contains("2 of 2 systems"), "{all}");
    assert!(
        all.contains("reference candidate (served)") && all.contains(r#"class="badge revoked""#),
        "the revoked system shows as revoked"
    );
    assert!(all.contains(r#"class="badge active""#));

    let searched = dom("?q=served");
    assert_eq!(rows(&searched), 1, "search filters the table:\n{searched}");
    assert!(searched.contains("1 of 2 systems") && searched.contains("badge revoked"));

    let active = dom("?status=active");
    assert_eq!(rows(&active), 1);
    assert!(!active.contains("(served)</td>"), "{active}");

    let none = dom("?q=no-such-system");
    assert!(none.contains("No accredited system matches."), "{none}");

    let detail = dom("#entry-2");
    assert!(
        detail.contains("Hosting assurance withdrawn") && detail.contains("Check it yourself, offline"),
        "{detail}"
    );

    // Playwright clicks through it: search, filters, a system's detail,
    // deep links (tests/browser/register.mjs).
    if let Some(node) = common::playwright_or_skip() {
        common::playwright(&node, &browser, "register.mjs", &[&format!("{base}/index.html")]);
    }

    // A screenshot as a test artefact.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("register-site.png");
    common::headless(
        &browser,
        &["--window-size=1280,900".into(), format!("--screenshot={}", shots.display()), format!("{base}/index.html")],
    );
    let png = std::fs::read(&shots).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot at {}", shots.display());
    eprintln!("screenshot: {}", shots.display());
}
