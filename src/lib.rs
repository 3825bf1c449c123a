//! rfa-harness: an accreditation harness for GP clinical systems.
//!
//! The pipeline, one module per stage (data flows one way):
//! `catalogue` (feature pack → requirements) → `runner` (cucumber, with
//! `steps` driving the `client`) → `evidence` → `verdict` → `report` / `model`.
//! `reference` is the embedded conformant candidate with defect injection;
//! `gpc`, `nhs`, `fixtures` and `schemas` are shared vocabulary and data.

pub mod attest;
pub mod catalogue;
pub mod cli;
pub mod client;
pub mod clock;
pub mod config;
pub mod devices;
pub mod dossier;
pub mod embedded;
pub mod entries;
pub mod evidence;
pub mod fhir;
pub mod finance;
pub mod fixtures;
pub mod fuzzing;
pub mod gpc;
pub mod medicines;
pub mod model;
pub mod national;
pub mod nhs;
pub mod preflight;
pub mod prescription_id;
pub mod reference;
pub mod register;
pub mod report;
pub mod runner;
pub mod schemas;
pub mod signing;
pub mod steps;
pub mod support;
pub mod terminology;
pub mod tls;
pub mod verdict;
