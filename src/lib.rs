//! rfa-harness: an accreditation harness for GP clinical systems.
//!
//! The pipeline, one module per stage (data flows one way):
//! `catalogue` (feature pack → requirements) → `runner` (cucumber, with
//! `steps` driving the `client`) → `evidence` → `verdict` → `report` / `model`.
//! `steps` and `reference` are sliced by requirement area (`steps/<area>/`,
//! `reference/<area>/`); `reference` is the embedded conformant candidate
//! with defect injection. `fhir` (GP Connect vocabulary, the interactions
//! table, typed views), `fixtures` and `support` (clock, files, embedded
//! pack, schemas) are shared below every stage.

pub mod attest;
pub mod catalogue;
pub mod cli;
pub mod client;
pub mod config;
pub mod devices;
pub mod dossier;
pub mod entries;
pub mod evidence;
pub mod fhir;
pub mod finance;
pub mod fixtures;
pub mod fuzzing;
pub mod medicines;
pub mod model;
pub mod national;
pub mod preflight;
pub mod reference;
pub mod register;
pub mod report;
pub mod runner;
pub mod signing;
pub mod steps;
pub mod support;
pub mod terminology;
pub mod tls;
pub mod verdict;

/// The judge and the reference each read GP Connect's error table their own
/// way (`steps::common::http::spine_status`, `reference::outcome::SpineCode`),
/// so that one misreading cannot pass both; this is where the two readings
/// are held against each other.
#[cfg(test)]
mod error_table_readings {
    #[test]
    fn judge_and_reference_pair_every_spine_code_with_the_same_status() {
        for c in crate::reference::SpineCode::ALL {
            assert_eq!(crate::steps::common::http::spine_status(c.code()), Some(c.status()), "{c:?}");
        }
    }
}
