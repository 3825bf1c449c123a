#![no_main]
//! Evidence bundles and attestation files: any bytes parse or are refused.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rfa_harness::fuzzing::evidence(data);
});
