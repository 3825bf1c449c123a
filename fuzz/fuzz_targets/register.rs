#![no_main]
//! Register logs and checkpoints: parsed or refused; any lines hash into a
//! tree whose proofs verify.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rfa_harness::fuzzing::register(data);
});
