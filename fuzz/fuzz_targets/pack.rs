#![no_main]
//! Feature files: any text is a catalogue or a list of located problems.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rfa_harness::fuzzing::pack(data);
});
