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
