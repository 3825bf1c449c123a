//! Entry points for the fuzz targets in `fuzz/` and for replaying the inputs
//! they found (`tests/fuzz_regressions.rs`). Each takes arbitrary bytes and
//! must return without panicking, whatever they are.

use std::sync::OnceLock;

use crate::catalogue::pack::PackFile;
use crate::catalogue::{Catalogue, PackFiles};
use crate::fixtures::FixturePack;
use crate::signing::{PublicKey, SecretKey};
use crate::steps::StepTable;

fn fixtures() -> Option<&'static FixturePack> {
    static F: OnceLock<Option<FixturePack>> = OnceLock::new();
    F.get_or_init(|| FixturePack::embedded().ok()).as_ref()
}

fn steps() -> &'static StepTable {
    static S: OnceLock<StepTable> = OnceLock::new();
    S.get_or_init(StepTable::new)
}

fn key() -> &'static PublicKey {
    static K: OnceLock<PublicKey> = OnceLock::new();
    K.get_or_init(|| SecretKey::generate().public())
}

/// A candidate config.
pub fn config(data: &[u8]) {
    let (Ok(text), Some(f)) = (std::str::from_utf8(data), fixtures()) else { return };
    let _ = crate::config::CandidateConfig::parse(text, "fuzz.toml", f);
}

/// A feature file, checked against the real step definitions.
pub fn pack(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = PackFiles {
        display_root: "fuzz".into(),
        files: vec![
            PackFile { path: "pack.toml".into(), text: "name = \"f\"\nversion = \"1\"\n".into() },
            PackFile { path: "INF/f.feature".into(), text: text.to_string() },
        ],
    };
    let _ = Catalogue::load(&files, steps());
}

/// A dossier envelope, and the same bytes as a bare statement.
pub fn dossier(data: &[u8]) {
    let _ = crate::dossier::verify::open(data, std::slice::from_ref(key()));
    if let Ok(s) = crate::dossier::verify::parse_statement(data) {
        let _ = crate::dossier::verify::check_evidence(&s, data);
    }
}

/// An evidence bundle and an attestation file.
pub fn evidence(data: &[u8]) {
    let _ = crate::evidence::bundle::parse(data, "fuzz");
    let _ = crate::attest::parse_file(data, "fuzz");
}

/// A register log and checkpoint file: parsed or refused, and any lines at
/// all hash into a tree whose proofs verify.
pub fn register(data: &[u8]) {
    let path = std::path::Path::new("fuzz.ndjson");
    let lines: Vec<Vec<u8>> = data.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let _ = crate::register::log::parse_entries(path, &lines);
    let _ = crate::register::log::parse_checkpoints(path, &lines);
    let tree = crate::register::merkle::Tree::new(lines.iter().map(Vec::as_slice));
    if let Some(last) = tree.len().checked_sub(1) {
        if let Some(p) = tree.prove_inclusion(last) {
            assert!(
                crate::register::merkle::verify_inclusion(&lines[last as usize], &p),
                "inclusion proof of the last leaf"
            );
        }
        if let Some(c) = tree.prove_consistency(1) {
            assert!(crate::register::merkle::verify_consistency(&c), "consistency from size 1");
        }
    }
}

/// A FHIR XML body, as a candidate may send one: read, or refused with a
/// located error; whatever is read writes back and reads the same.
pub fn fhir_xml(data: &[u8]) {
    let Ok(v) = crate::fhir::xml::to_json(data) else { return };
    let Ok(again) = crate::fhir::xml::from_json(&v) else {
        panic!("FHIR XML that was read cannot be written back: {v}");
    };
    assert_eq!(crate::fhir::xml::to_json(&again).ok(), Some(v), "FHIR XML read, written and read again differs");
}
