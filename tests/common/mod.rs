//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub fn rfa() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rfa"));
    c.env_remove("RUST_LOG").env("CI", "true");
    c
}

pub fn run(args: &[&str]) -> Output {
    rfa().args(args).output().expect("the rfa binary runs")
}

pub fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Validates a document against one of the contract schemas in schemas/rfa/.
pub fn assert_schema(name: &str, doc: &serde_json::Value) {
    let path = root().join("schemas/rfa").join(format!("{name}.schema.json"));
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema file")).expect("schema JSON");
    let v = jsonschema::validator_for(&schema).expect("valid schema");
    let errors: Vec<String> = v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).take(10).collect();
    assert!(errors.is_empty(), "{name} output violates its schema:\n{}", errors.join("\n"));
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).expect("copy");
        }
    }
}

/// A directory a test's files go into, removed when the test ends.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    pub fn new() -> Self {
        Self(tempfile::tempdir().expect("tempdir"))
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    pub fn p(&self, name: &str) -> String {
        self.path(name).to_str().expect("utf8").to_string()
    }
}

/// Kills a child process when the test ends, however it ends.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `rfa reference serve` on a free loopback port; returns its base URL.
pub fn serve(extra: &[&str]) -> (Server, String) {
    let (server, base, _) = serve_banner(extra);
    (server, base)
}

/// [`serve`], also returning the `[tls]` section its banner prints (empty
/// unless `--tls-dir` is among `extra`).
pub fn serve_banner(extra: &[&str]) -> (Server, String, String) {
    let mut child = rfa()
        .args(["reference", "serve", "--addr", "127.0.0.1:0", "--tls-addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    let (mut base, mut tls, mut in_tls) = (None, String::new(), false);
    for line in lines.by_ref().map_while(Result::ok) {
        let l = line.trim();
        if let Some(u) = l.strip_prefix("base URL:") {
            base = Some(u.trim().to_string());
        } else if l.starts_with("TLS config:") {
            in_tls = true;
        } else if l.starts_with("provider ASID:") {
            break;
        } else if in_tls {
            tls.push_str(l);
            tls.push('\n');
        }
    }
    // Keep draining so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (server, base.expect("the server prints its base URL"), tls)
}

/// A served reference whose online services trust the NHS login the run
/// hosts, and the config that runs against it: the run's national services
/// listen on a port chosen here, as a supplier fixes `[consumer] listen`
/// and configures their system with its issuer (profile §25).
pub fn serve_trusting_nhs_login(extra: &[&str]) -> (Server, String, String) {
    // A free port, given up just before the run binds it again.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let issuer = format!("http://127.0.0.1:{port}/nhslogin");
    let mut args = vec!["--nhs-login-issuer", issuer.as_str()];
    args.extend_from_slice(extra);
    let (server, base) = serve(&args);
    // [consumer] is the last section of examples/local.toml.
    let config = format!("{}\nlisten = \"127.0.0.1:{port}\"\n", config_for(&base));
    (server, base, config)
}

/// examples/local.toml pointed at `base_url`.
pub fn config_for(base_url: &str) -> String {
    let local = std::fs::read_to_string(root().join("examples/local.toml")).expect("examples/local.toml");
    // Tests run side by side: each run's national services take a free port.
    local
        .replace("http://127.0.0.1:8080/GPC001/STU3/1/gpconnect/fhir", base_url)
        .lines()
        .filter(|l| !l.starts_with("listen = "))
        .map(|l| format!("{l}\n"))
        .collect()
}

pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::var_os("PATH")
            .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| p.is_file()))
    })
}

/// Runs headless Chromium with the flags this machine needs (no network,
/// fresh profile) and returns its stdout; killed after 60 s.
pub fn headless(browser: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile");
    let mut child = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromium starts");
    // Read stdout while waiting: a big DOM fills the pipe long before exit.
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        use std::io::Read as _;
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let started = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s: {args:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    reader.join().expect("reader thread")
}

/// Chromium, or `None` after saying why the browser test is skipped (never
/// in CI, where .ci/run installs it).
pub fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser tests: .ci/run installs chromium");
        eprintln!("skipped: chromium is not installed here (.ci/run installs it; apt-get install chromium)");
    }
    found
}

/// Node with tests/browser's playwright-core installed (`npm ci --prefix
/// tests/browser`), or `None` after saying why the Playwright checks are
/// skipped (never in CI, where .ci/run installs both).
pub fn playwright_or_skip() -> Option<PathBuf> {
    let node = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join("node")).find(|p| p.is_file()));
    let installed = root().join("tests/browser/node_modules/playwright-core/package.json").is_file();
    let why = match (&node, installed) {
        (Some(_), true) => return node,
        (None, _) => "node is not installed here",
        (Some(_), false) => "playwright-core is not installed in tests/browser",
    };
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the Playwright checks ({why}): .ci/run installs node and runs `npm ci --prefix tests/browser`"
    );
    eprintln!("skipped: {why} (npm ci --prefix tests/browser; Node 20 or later)");
    None
}

/// Runs `node tests/browser/<script> <args>` with `browser` as the Chromium
/// it drives; fails the test with the script's report unless it exits 0.
/// Killed after 180 s.
pub fn playwright(node: &Path, browser: &Path, script: &str, args: &[&str]) {
    let mut child = Command::new(node)
        .arg(root().join("tests/browser").join(script))
        .args(args)
        .env("CHROMIUM", browser)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    // Drain both pipes while waiting, so a chatty script never blocks.
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut out = String::new();
            if let Some(mut r) = r {
                let _ = r.read_to_string(&mut out);
            }
            out
        })
    };
    let out = drain(child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>));
    let err = drain(child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>));
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(180) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{script} did not finish within 180 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let (out, err) = (out.join().expect("stdout"), err.join().expect("stderr"));
    eprintln!("{out}");
    assert!(status.success(), "{script} {args:?} failed ({status}):\n{out}\n{err}");
}
