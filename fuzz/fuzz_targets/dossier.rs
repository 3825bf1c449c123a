#![no_main]
//! Dossiers and statements: any bytes verify or are refused.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rfa_harness::fuzzing::dossier(data);
});
