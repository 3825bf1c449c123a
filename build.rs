//! Embeds the default feature pack, the fixture pack and the JSON Schemas in
//! the binary, so an installed `rfa` works from any directory.
//!
//! Written by hand rather than with `include_dir`: on stable Rust that crate
//! cannot tell Cargo to rebuild when a file is *added*, while
//! `rerun-if-changed` on a directory makes Cargo rescan the whole tree.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn table(name: &str, dir: &str, code: &mut String) {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join(dir);
    println!("cargo:rerun-if-changed={dir}");
    let mut files = Vec::new();
    collect(&root, &mut files).unwrap_or_else(|e| panic!("reading {dir}/: {e}"));
    let mut rel: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|p| {
            let r = p.strip_prefix(&root).expect("under root").to_string_lossy().replace('\\', "/");
            (r, p)
        })
        .filter(|(r, _)| !r.ends_with('~') && !r.starts_with('.') && !r.contains("/."))
        .collect();
    rel.sort();
    writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
    for (r, p) in rel {
        writeln!(code, "    ({r:?}, include_bytes!({:?})),", p.display().to_string()).unwrap();
    }
    writeln!(code, "];").unwrap();
}

fn main() {
    let mut code = String::new();
    table("FEATURES", "features", &mut code);
    table("FIXTURES", "fixtures", &mut code);
    table("SCHEMAS", "schemas", &mut code);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("write embedded.rs");
}
