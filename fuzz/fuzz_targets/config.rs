#![no_main]
//! Candidate configs: any text is parsed or refused with a located error.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rfa_harness::fuzzing::config(data);
});
