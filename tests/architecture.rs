//! The layout's rules, checked over the source's `crate::` paths (DESIGN.md,
//! "Layout: one slice per requirement area"): data flows one way, with no
//! module cycle; the judge (steps, verdict) and the reference are two
//! independent readings of the specification, so neither imports the other;
//! and requirement areas depend on shared helpers, not on each other in a
//! circle. Test modules (`#[cfg(test)]` and below) are left out: a test may
//! use what it likes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's non-test code, with comments dropped.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read source");
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// The module path of a file below src/, as segments (`steps/inf/mod.rs` ->
/// [steps, inf]).
fn module_of(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(src()).expect("under src");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    match last.as_str() {
        "mod.rs" | "lib.rs" | "main.rs" => {}
        other => parts.push(other.trim_end_matches(".rs").to_string()),
    }
    parts
}

/// Every path a file names, as absolute segments: `crate::a::b`, `super::x`
/// resolved against the file's module, and `use crate::{a, b::c}` lists.
fn paths_named(path: &Path) -> Vec<Vec<String>> {
    let here = module_of(path);
    let text = code(path);
    let mut found = Vec::new();
    let segment = Regex::new(r"\b(crate|super)((?:::[a-z_][a-z0-9_]*)+)").expect("regex");
    for m in segment.captures_iter(&text) {
        let rest: Vec<String> = m[2].split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
        let mut full = if &m[1] == "crate" { Vec::new() } else { here[..here.len().saturating_sub(1)].to_vec() };
        for s in rest {
            if s == "super" {
                full.pop();
            } else {
                full.push(s);
            }
        }
        found.push(full);
    }
    let list = Regex::new(r"use crate::\{([^}]*)\}").expect("regex");
    for m in list.captures_iter(&text) {
        for item in m[1].split(',') {
            let first = item.trim().split("::").next().unwrap_or_default();
            if !first.is_empty() && first != "self" {
                found.push(vec![first.to_string()]);
            }
        }
    }
    found
}

/// Edges between the children of `parent` (the top level when empty): child
/// -> children it names.
fn graph(parent: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let depth = parent.len();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let module = module_of(&file);
        if module.len() <= depth || module[..depth] != *parent {
            continue;
        }
        let from = module[depth].clone();
        for named in paths_named(&file) {
            if named.len() > depth && named[..depth] == *parent && named[depth] != from {
                edges.entry(from.clone()).or_default().insert(named[depth].clone());
            }
        }
    }
    edges
}

/// A cycle in `g`, if there is one, as the modules along it.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        g: &BTreeMap<String, BTreeSet<String>>,
        v: &str,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == v) {
            let mut c = stack[i..].to_vec();
            c.push(v.to_string());
            return Some(c);
        }
        if done.contains(v) {
            return None;
        }
        stack.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            if let Some(c) = visit(g, w, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(v.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys().find_map(|v| visit(g, v, &mut Vec::new(), &mut done))
}

#[test]
fn the_top_level_modules_form_no_cycle() {
    let g = graph(&[]);
    assert!(g.len() > 10, "the scan found the modules: {g:?}");
    if let Some(c) = cycle(&g) {
        panic!("module cycle: {}", c.join(" -> "));
    }
}

#[test]
fn no_import_runs_back_up_the_pipeline() {
    let g = graph(&[]);
    // (module, what it must not name, why)
    let forbidden = [
        ("steps", "reference", "the judge is an independent reading of the spec"),
        ("verdict", "reference", "the judge is an independent reading of the spec"),
        ("steps", "runner", "the runner drives steps, not the reverse"),
        ("steps", "verdict", "steps record what happened; judging is the next stage"),
        ("reference", "steps", "the reference must not borrow the judge's checks"),
        ("reference", "verdict", "the reference must not borrow the judge's checks"),
        ("model", "reference", "contracts do not depend on the candidate"),
        ("support", "report", "support is below every stage"),
        ("attest", "report", "attestations are an input, reports an output"),
        ("register", "report", "the register reads dossiers, not reports"),
        ("catalogue", "runner", "the pack is loaded before anything runs"),
        ("runner", "verdict", "judging follows running"),
        ("runner", "report", "reporting follows judging"),
        ("verdict", "report", "reporting follows judging"),
    ];
    let mut broken = Vec::new();
    for (from, to, why) in forbidden {
        if g.get(from).is_some_and(|t| t.contains(to)) {
            broken.push(format!("{from} imports {to}: {why}"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn step_areas_form_no_cycle() {
    let g = graph(&["steps"]);
    assert!(g.contains_key("onl"), "the scan found the step areas: {g:?}");
    if let Some(c) = cycle(&g) {
        panic!("step areas in a cycle: {}", c.join(" -> "));
    }
}

#[test]
fn reference_modules_form_no_cycle() {
    let g = graph(&["reference"]);
    assert!(!g.is_empty(), "the scan found the reference's modules");
    if let Some(c) = cycle(&g) {
        panic!("reference modules in a cycle: {}", c.join(" -> "));
    }
}

#[test]
fn the_scan_sees_an_import_and_a_cycle() {
    // The rules above are only as good as the scan: it must resolve
    // `super::` and brace lists, and find a planted cycle.
    let path = src().join("steps/onl/slots.rs");
    let named = paths_named(&path);
    assert!(named.iter().any(|p| p.first().is_some_and(|s| s == "steps")), "{named:?}");
    let planted: BTreeMap<String, BTreeSet<String>> =
        [("a".to_string(), BTreeSet::from(["b".to_string()])), ("b".to_string(), BTreeSet::from(["a".to_string()]))]
            .into_iter()
            .collect();
    assert_eq!(cycle(&planted), Some(vec!["a".to_string(), "b".to_string(), "a".to_string()]));
}
