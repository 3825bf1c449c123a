//! Outputs of a run, each a small consumer of the same verdict: the terminal
//! summary, `results.json`, `junit.xml`, `cucumber.json`, `report.html` and
//! the statement/dossier. [`outputs`] is the one registry of their files.

pub mod cucumber;
pub mod html;
pub mod junit;
pub mod outputs;
pub mod terminal;
