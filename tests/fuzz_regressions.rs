//! Replays every input kept in fuzz/regressions/TARGET/ (crashes the fuzzers
//! once found, and seeds) through the same entry points the fuzz targets
//! use, so a fixed crash stays fixed without a nightly toolchain.

use std::path::Path;

/// A fuzz entry point: arbitrary bytes in, no panic out.
type Target = fn(&[u8]);

#[test]
fn kept_fuzz_inputs_do_not_crash() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let targets: [(&str, Target); 6] = [
        ("config", rfa_harness::fuzzing::config),
        ("pack", rfa_harness::fuzzing::pack),
        ("dossier", rfa_harness::fuzzing::dossier),
        ("evidence", rfa_harness::fuzzing::evidence),
        ("register", rfa_harness::fuzzing::register),
        ("fhir_xml", rfa_harness::fuzzing::fhir_xml),
    ];
    let mut replayed = 0;
    for (name, run) in targets {
        let Ok(dir) = std::fs::read_dir(root.join(name)) else { continue };
        for entry in dir.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let bytes = std::fs::read(entry.path()).expect("read input");
            run(&bytes);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "fuzz/regressions holds inputs");
}
