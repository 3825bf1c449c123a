//! The machine-readable documents other tools rely on: `rfa catalogue
//! --format json`, `rfa reference defects --format json` and `results.json`.
//! Their JSON Schemas are in `schemas/rfa/`; tests validate real output
//! against them. Extend freely; renaming or removing a field needs a new
//! `format` version.

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, RequirementHead, Route};
use crate::config::CandidateConfig;
use crate::verdict::{Counts, LotVerdict, RequirementResult, Verdict};

pub const CATALOGUE_FORMAT: &str = "rfa-catalogue/1";
pub const RESULTS_FORMAT: &str = "rfa-results/1";

#[derive(Debug, Clone, Serialize)]
pub struct PackRef {
    pub name: String,
    pub version: String,
    pub digest: String,
}

impl PackRef {
    pub fn of(c: &Catalogue) -> Self {
        Self { name: c.pack.name.clone(), version: c.pack.version.clone(), digest: c.pack.digest.clone() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioRef {
    pub name: String,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogueRequirement {
    #[serde(flatten)]
    pub head: RequirementHead,
    /// How it is judged; `None` for a `@manual` requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
    /// For an `extension` route: why no national interface judges it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_reason: Option<String>,
    pub file: String,
    pub line: usize,
    /// Executed cases (Scenario Outline rows count one each).
    pub scenarios: Vec<ScenarioRef>,
    /// Reference defects that must make this requirement fail: the proof
    /// that the requirement can fail at all.
    pub killed_by: Vec<String>,
}

impl CatalogueDoc {
    /// Automated requirements by route, in [`Route::ALL`]'s order.
    pub fn by_route(&self) -> [(Route, usize); 3] {
        Route::ALL.map(|route| (route, self.requirements.iter().filter(|r| r.route == Some(route)).count()))
    }
}

impl std::ops::Deref for CatalogueRequirement {
    type Target = RequirementHead;
    fn deref(&self) -> &RequirementHead {
        &self.head
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogueDoc {
    pub format: &'static str,
    pub pack: PackRef,
    pub requirements: Vec<CatalogueRequirement>,
}

impl CatalogueDoc {
    /// `killers(id)` names the defects targeting a requirement.
    pub fn new(c: &Catalogue, killers: impl Fn(&str) -> Vec<String>) -> Self {
        let requirements = c
            .requirements
            .iter()
            .map(|r| CatalogueRequirement {
                head: r.head.clone(),
                route: r.route(),
                route_reason: c.extension_reason(r).map(str::to_string),
                file: r.file.clone(),
                line: r.line,
                scenarios: r
                    .scenarios
                    .iter()
                    .map(|s| ScenarioRef { name: s.name.clone(), file: s.key.file.clone(), line: s.key.line })
                    .collect(),
                killed_by: killers(&r.id),
            })
            .collect();
        Self { format: CATALOGUE_FORMAT, pack: PackRef::of(c), requirements }
    }
}

/// One entry of `rfa reference defects --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct DefectDoc {
    pub name: &'static str,
    pub description: &'static str,
    pub targets: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HarnessRef {
    pub name: &'static str,
    pub version: &'static str,
}

pub const HARNESS: HarnessRef = HarnessRef { name: "rfa-harness", version: env!("CARGO_PKG_VERSION") };

#[derive(Debug, Clone, Serialize)]
pub struct CandidateRef {
    pub supplier: String,
    pub product: String,
    pub version: String,
    pub base_url: String,
}

impl CandidateRef {
    pub fn of(c: &CandidateConfig) -> Self {
        Self {
            supplier: c.identity.supplier.clone(),
            product: c.identity.product.clone(),
            version: c.identity.version.clone(),
            base_url: c.base_url.to_string(),
        }
    }
}

/// How a run went: when, how wide, and what narrowed it. One contract for
/// `results.json` and the dossier's statement (which re-judging reads back,
/// so unknown fields are refused there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    pub started: String,
    pub finished: String,
    pub duration_ms: f64,
    pub concurrency: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// Any other narrowing of the pack (`--requirement`, `--area`,
    /// `--rerun-failed`, `--shard`), as the command line gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<String>,
    /// The date the run took as today (`YYYY-MM-DD`; `RFA_TODAY` if set):
    /// re-judging replays it, so dated requests (free slots, arrivals) are
    /// rebuilt as recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub requirements: Counts,
    pub scenarios: std::collections::BTreeMap<&'static str, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultsDoc<'a> {
    pub format: &'static str,
    pub harness: HarnessRef,
    pub pack: PackRef,
    pub candidate: CandidateRef,
    /// `self-test` (a supplier's own run) or `formal` (an assurance run).
    pub mode: &'static str,
    pub run: RunRecord,
    pub summary: Summary,
    pub lots: &'a [LotVerdict],
    pub requirements: &'a [RequirementResult],
}

impl<'a> ResultsDoc<'a> {
    pub fn new(c: &Catalogue, candidate: &CandidateConfig, run: RunRecord, mode: Mode, v: &'a Verdict) -> Self {
        Self {
            format: RESULTS_FORMAT,
            harness: HARNESS,
            pack: PackRef::of(c),
            candidate: CandidateRef::of(candidate),
            mode: mode.as_str(),
            run,
            summary: Summary { requirements: v.summary.clone(), scenarios: v.scenario_counts() },
            lots: &v.lots,
            requirements: &v.requirements,
        }
    }
}

/// Who ran it and why: a result or dossier is a self-test or a formal run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// A supplier's own run.
    SelfTest,
    /// An assurance team's accreditation run: the official pack, whole.
    Formal,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfTest => "self-test",
            Self::Formal => "formal",
        }
    }
}
