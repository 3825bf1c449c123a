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
    let mut child = rfa()
        .args(["reference", "serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.trim().strip_prefix("base URL:").map(|u| u.trim().to_string()));
    // Keep draining so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (server, base.expect("the server prints its base URL"))
}

/// examples/local.toml pointed at `base_url`.
pub fn config_for(base_url: &str) -> String {
    let local = std::fs::read_to_string(root().join("examples/local.toml")).expect("examples/local.toml");
    local.replace("http://127.0.0.1:8080/GPC001/STU3/1/gpconnect/fhir", base_url)
}
