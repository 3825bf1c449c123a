//! The Statement and its `https://rfa-harness.dev/dossier/v1` predicate.
//! Field names are a contract: verifiers and the register read them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::attest::Attested;
use crate::catalogue::{Catalogue, RequirementHead};
use crate::config::{CandidateConfig, CandidateIdentity, PublicConfig};

impl ConfigRecord {
    pub fn of(c: &CandidateConfig) -> Self {
        Self { digest: c.digest(), public: c.public() }
    }
}
use crate::evidence::bundle::BundleSummary;
use crate::runner::ScenarioOutcome;
use crate::verdict::{Counts, Outcome, Verdict};

pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// A name, not a URL anything is fetched from.
pub const PREDICATE_TYPE: &str = "https://rfa-harness.dev/dossier/v1";
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "_type")]
    pub type_: String,
    pub subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: Dossier,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: String,
    pub digest: BTreeMap<String, String>,
}

pub use crate::model::Mode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HarnessInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackRecord {
    pub name: String,
    pub version: String,
    pub digest: String,
    /// Whether it is the pack built into this harness version.
    pub official: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigRecord {
    /// `sha256:` of the canonical public config (secrets excluded).
    pub digest: String,
    pub public: PublicConfig,
}

/// The run record is the same contract as in `results.json`.
pub use crate::model::RunRecord;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierScenario {
    pub name: String,
    pub file: String,
    pub line: usize,
    pub outcome: ScenarioOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// Ids of its records in the evidence bundle.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierRequirement {
    #[serde(flatten)]
    pub head: RequirementHead,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub scenarios: Vec<DossierScenario>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attested>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierLot {
    pub lot: String,
    /// `accreditable` only if every `@must` requirement of the lot passed.
    pub verdict: String,
    pub must: Counts,
}

pub const ACCREDITABLE: &str = "accreditable";
pub const NOT_ACCREDITABLE: &str = "not-accreditable";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dossier {
    pub harness: HarnessInfo,
    pub pack: PackRecord,
    pub mode: Mode,
    pub candidate: CandidateIdentity,
    pub config: ConfigRecord,
    pub run: RunRecord,
    pub evidence: BundleSummary,
    pub requirements: Vec<DossierRequirement>,
    pub lots: Vec<DossierLot>,
}

/// The in-toto subject naming the candidate: its identity has no file to
/// hash, so the digest is over its canonical JSON.
pub fn candidate_subject(c: &CandidateIdentity) -> Subject {
    let canonical =
        serde_json::json!({ "supplier": c.supplier, "product": c.product, "version": c.version }).to_string();
    Subject {
        name: format!("candidate:{}/{}@{}", c.supplier, c.product, c.version),
        digest: BTreeMap::from([("sha256".to_string(), hex::encode(Sha256::digest(canonical.as_bytes())))]),
    }
}

/// The lots as a dossier states them, recomputed from requirement outcomes.
pub fn lots_of(requirements: &[DossierRequirement]) -> Vec<DossierLot> {
    let heads: Vec<(&RequirementHead, Outcome)> = requirements.iter().map(|r| (&r.head, r.outcome)).collect();
    crate::verdict::lot_counts(&heads)
        .into_iter()
        .map(|(lot, (must, _))| DossierLot {
            lot,
            verdict: if crate::verdict::lot_verdict(&must) == "passed" { ACCREDITABLE } else { NOT_ACCREDITABLE }
                .into(),
            must,
        })
        .collect()
}

/// Everything a Statement is built from.
pub struct Inputs<'a> {
    pub catalogue: &'a Catalogue,
    pub official_digest: &'a str,
    /// The public config and its digest.
    pub config: ConfigRecord,
    pub mode: Mode,
    pub run: RunRecord,
    pub evidence: BundleSummary,
    pub verdict: &'a Verdict,
}

pub fn build(i: Inputs<'_>) -> Statement {
    let requirements: Vec<DossierRequirement> = i
        .verdict
        .requirements
        .iter()
        .map(|r| DossierRequirement {
            head: r.head.clone(),
            outcome: r.outcome,
            reason: r.reason.clone(),
            scenarios: r
                .scenarios
                .iter()
                .map(|s| DossierScenario {
                    name: s.name.clone(),
                    file: s.file.clone(),
                    line: s.line,
                    outcome: s.outcome,
                    failure: s.failure.as_ref().map(|f| format!("{}: {}", f.step, f.message)),
                    evidence: s.exchanges.iter().filter_map(|x| x.id.clone()).collect(),
                })
                .collect(),
            attestation: r.attestation.clone(),
        })
        .collect();
    let lots = lots_of(&requirements);
    let identity = &i.config.public.candidate;
    Statement {
        type_: STATEMENT_TYPE.into(),
        subject: vec![
            candidate_subject(identity),
            Subject {
                name: i.evidence.file.clone(),
                digest: BTreeMap::from([("sha256".to_string(), i.evidence.sha256.clone())]),
            },
        ],
        predicate_type: PREDICATE_TYPE.into(),
        predicate: Dossier {
            harness: HarnessInfo { name: "rfa-harness".into(), version: env!("CARGO_PKG_VERSION").into() },
            pack: PackRecord {
                name: i.catalogue.pack.name.clone(),
                version: i.catalogue.pack.version.clone(),
                digest: i.catalogue.pack.digest.clone(),
                official: i.catalogue.pack.digest == i.official_digest,
            },
            mode: i.mode,
            candidate: identity.clone(),
            config: i.config.clone(),
            run: i.run,
            evidence: i.evidence,
            requirements,
            lots,
        },
    }
}
