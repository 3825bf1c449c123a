#![no_main]
//! FHIR XML answers and request bodies: any bytes are read or refused with
//! a located error, and what is read writes back to the same thing.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rfa_harness::fuzzing::fhir_xml(data);
});
