//! Judging: from what happened to each scenario to an outcome per
//! requirement and a verdict per lot. A requirement passes only if every one
//! of its scenarios passed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::attest::{Attested, AttestedVerdict};
use crate::catalogue::{Catalogue, Requirement, RequirementHead};
use crate::runner::collect::{FailureRecord, StepRecord};
use crate::runner::{RunOutput, ScenarioOutcome};

/// A requirement's outcome (the `outcome` field of results.json).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Failed,
    /// Not selected for this run.
    Skipped,
    /// `@manual`: an assessor attests it; the harness does not.
    NotAssessed,
    /// The harness could not judge it (no response, or a pack error).
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::NotAssessed => "not-assessed",
            Self::Error => "error",
        }
    }
}

/// A compact pointer to one exchange of a scenario (`id` names its record in
/// the evidence bundle).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExchangeRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub method: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioResult {
    pub name: String,
    pub file: String,
    pub line: usize,
    pub outcome: ScenarioOutcome,
    pub duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureRecord>,
    pub steps: Vec<StepRecord>,
    pub exchanges: Vec<ExchangeRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequirementResult {
    #[serde(flatten)]
    pub head: RequirementHead,
    pub outcome: Outcome,
    /// Why it was skipped, not assessed or errored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub scenarios: Vec<ScenarioResult>,
    /// The assessor's signed judgement of a `@manual` requirement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation: Option<Attested>,
}

impl std::ops::Deref for RequirementResult {
    type Target = RequirementHead;
    fn deref(&self) -> &RequirementHead {
        &self.head
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub error: usize,
    pub skipped: usize,
    #[serde(rename = "not-assessed")]
    pub not_assessed: usize,
}

impl Counts {
    pub fn add(&mut self, o: Outcome) {
        self.total += 1;
        match o {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Error => self.error += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::NotAssessed => self.not_assessed += 1,
        }
    }
}

/// A lot's verdict: `passed` when every `@must` requirement of the lot ran
/// and passed, `failed` when one that ran did not, `incomplete` otherwise
/// (some were not selected or await an assessor).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LotVerdict {
    pub lot: String,
    pub verdict: String,
    pub must: Counts,
    pub all: Counts,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    pub requirements: Vec<RequirementResult>,
    pub lots: Vec<LotVerdict>,
    pub summary: Counts,
}

impl Verdict {
    /// 1 when a `@must` requirement that ran did not pass, else 0.
    pub fn exit_code(&self) -> u8 {
        let bad =
            self.requirements.iter().any(|r| r.decides_lot() && matches!(r.outcome, Outcome::Failed | Outcome::Error));
        u8::from(bad)
    }

    pub fn scenario_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for s in self.requirements.iter().flat_map(|r| &r.scenarios) {
            let k = match s.outcome {
                ScenarioOutcome::Passed => "passed",
                ScenarioOutcome::Failed => "failed",
                ScenarioOutcome::Error => "error",
                ScenarioOutcome::Skipped => "skipped",
            };
            *m.entry(k).or_default() += 1;
            *m.entry("total").or_default() += 1;
        }
        m
    }
}

/// A requirement's outcome from its scenarios' (outcome, failure message):
/// failed if one failed; error if one could not be judged or was skipped
/// without a reason (a harness or pack fault); skipped, with the first
/// reason, if a step skipped one (e.g. no TLS endpoint configured); passed
/// only when every one passed. No scenarios at all: skipped.
pub fn outcome_of<'a>(
    scenarios: impl Iterator<Item = (ScenarioOutcome, Option<&'a str>)>,
) -> (Outcome, Option<String>) {
    let (mut failed, mut unjudged, mut skipped, mut any) = (false, false, None, false);
    for (o, why) in scenarios {
        any = true;
        match (o, why) {
            (ScenarioOutcome::Failed, _) => failed = true,
            (ScenarioOutcome::Error, _) | (ScenarioOutcome::Skipped, None) => unjudged = true,
            (ScenarioOutcome::Skipped, Some(w)) => {
                skipped.get_or_insert_with(|| w.to_string());
            }
            (ScenarioOutcome::Passed, _) => {}
        }
    }
    if failed {
        (Outcome::Failed, None)
    } else if unjudged {
        (Outcome::Error, None)
    } else if skipped.is_some() || !any {
        (Outcome::Skipped, skipped)
    } else {
        (Outcome::Passed, None)
    }
}

/// The area whose `@must` requirements every lot's verdict includes.
pub const FOUNDATION_AREA: &str = "ACC";

/// Judges every requirement of the catalogue. `attested` holds the checked
/// assessor attestations of `@manual` requirements.
pub fn judge(
    catalogue: &Catalogue,
    output: &RunOutput,
    tags: Option<&str>,
    attested: &BTreeMap<String, Attested>,
) -> Verdict {
    let requirements: Vec<RequirementResult> =
        catalogue.requirements.iter().map(|r| judge_one(r, output, tags, attested.get(&r.id))).collect();
    Verdict::from_requirements(requirements)
}

impl Verdict {
    /// Lots and summary follow from the requirement outcomes (also used
    /// when merging shards).
    pub fn from_requirements(requirements: Vec<RequirementResult>) -> Self {
        let mut summary = Counts::default();
        for r in &requirements {
            summary.add(r.outcome);
        }
        let heads: Vec<(&RequirementHead, Outcome)> = requirements.iter().map(|r| (&r.head, r.outcome)).collect();
        let lots: Vec<LotVerdict> = lot_counts(&heads)
            .into_iter()
            .map(|(lot, (must, all))| LotVerdict { lot, verdict: lot_verdict(&must).to_string(), must, all })
            .collect();
        Verdict { requirements, lots, summary }
    }
}

/// Each lot's `@must` and overall counts from requirement outcomes.
/// Remote access (ACC: the Spine headers, the JWT, transport) is how every
/// lot's system is reached, so its musts count in every lot: a
/// patient-arrival system that takes expired tokens is not accreditable
/// for Lot 2 either.
pub fn lot_counts(items: &[(&RequirementHead, Outcome)]) -> BTreeMap<String, (Counts, Counts)> {
    let mut lots: BTreeMap<String, (Counts, Counts)> = BTreeMap::new();
    for (h, o) in items {
        let (must, all) = lots.entry(h.lot.clone()).or_default();
        all.add(*o);
        if h.decides_lot() {
            must.add(*o);
        }
    }
    for (h, o) in items.iter().filter(|(h, _)| h.area == FOUNDATION_AREA && h.decides_lot()) {
        for (_, (must, all)) in lots.iter_mut().filter(|(lot, _)| **lot != h.lot) {
            must.add(*o);
            all.add(*o);
        }
    }
    lots
}

/// A lot's verdict from its `@must` counts: `failed` if one failed or could
/// not be judged, `incomplete` if one did not run or awaits an assessor,
/// else `passed`.
pub fn lot_verdict(must: &Counts) -> &'static str {
    if must.failed + must.error > 0 {
        "failed"
    } else if must.passed < must.total {
        "incomplete"
    } else {
        "passed"
    }
}

fn judge_one(
    r: &Requirement,
    output: &RunOutput,
    tags: Option<&str>,
    attested: Option<&Attested>,
) -> RequirementResult {
    let base = |outcome, reason: Option<String>, scenarios| RequirementResult {
        head: r.head.clone(),
        outcome,
        reason,
        scenarios,
        attestation: None,
    };
    if r.manual {
        return match attested {
            Some(a) => RequirementResult {
                attestation: Some(a.clone()),
                ..base(
                    match a.verdict {
                        AttestedVerdict::Passed => Outcome::Passed,
                        AttestedVerdict::Failed => Outcome::Failed,
                    },
                    Some(format!("attested by {} on {}", a.assessor, a.attested_at)),
                    vec![],
                )
            },
            None => base(
                Outcome::NotAssessed,
                Some("@manual: awaiting an assessor's attestation (rfa attest, then rfa run --attestations)".into()),
                vec![],
            ),
        };
    }
    if !output.selected.contains(&r.id) {
        let why = match tags {
            Some(t) => format!("not selected by --tags {t}"),
            None => "not selected".to_string(),
        };
        return base(Outcome::Skipped, Some(why), vec![]);
    }
    let mut scenarios = Vec::new();
    for s in &r.scenarios {
        let ids = output.evidence_ids.get(&s.key);
        let exchanges = output
            .evidence
            .get(&s.key)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, x)| ExchangeRef {
                id: ids.and_then(|ids| ids.get(i)).cloned(),
                method: x.request.method.clone(),
                url: x.request.url.clone(),
                status: x.response.as_ref().map(|r| r.status),
                duration_ms: x.duration_ms,
                error: x.error.clone(),
            })
            .collect();
        let result = match output.records.get(&s.key) {
            Some(rec) => ScenarioResult {
                name: s.name.clone(),
                file: s.key.file.clone(),
                line: s.key.line,
                outcome: rec.outcome,
                duration_ms: rec.duration_ms,
                failure: rec.failure.clone(),
                steps: rec.steps.clone(),
                exchanges,
            },
            None => ScenarioResult {
                name: s.name.clone(),
                file: s.key.file.clone(),
                line: s.key.line,
                outcome: ScenarioOutcome::Error,
                duration_ms: 0.0,
                failure: Some(FailureRecord {
                    step: "(none)".into(),
                    line: s.key.line,
                    message: "the scenario did not run (harness bug: please report)".into(),
                }),
                steps: vec![],
                exchanges,
            },
        };
        scenarios.push(result);
    }
    let (outcome, why) =
        outcome_of(scenarios.iter().map(|s| (s.outcome, s.failure.as_ref().map(|f| f.message.as_str()))));
    let reason = match outcome {
        Outcome::Error => Some("a scenario could not be judged (see its failure)".to_string()),
        Outcome::Skipped => why,
        _ => None,
    };
    base(outcome, reason, scenarios)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Level;

    fn head(id: &str, area: &str, lot: &str) -> RequirementHead {
        RequirementHead {
            id: id.into(),
            title: String::new(),
            area: area.into(),
            lot: lot.into(),
            level: Level::Must,
            manual: false,
            tags: Vec::new(),
        }
    }

    #[test]
    fn remote_access_counts_in_every_lot() {
        let (acc, arr, inf) = (
            head("RFA-ACC-007", "ACC", "lot1"),
            head("RFA-ARR-001", "ARR", "lot2"),
            head("RFA-INF-001", "INF", "lot1"),
        );
        let lots = lot_counts(&[(&acc, Outcome::Failed), (&arr, Outcome::Passed), (&inf, Outcome::Passed)]);
        assert_eq!(lot_verdict(&lots["lot2"].0), "failed", "a failed ACC must fails lot2 too");
        assert_eq!(lots["lot2"].0.failed, 1);
        let lots = lot_counts(&[(&acc, Outcome::Passed), (&arr, Outcome::Passed), (&inf, Outcome::Failed)]);
        assert_eq!(lot_verdict(&lots["lot2"].0), "passed", "another lot1 area does not");
    }

    #[test]
    fn a_profile_decision_never_decides_a_lot() {
        // Stricter than GP Connect: a warning, as a @should is, even if a
        // results file or another pack calls it @must.
        let mut strict = head("RFA-ACC-036", "ACC", "lot1");
        strict.tags = vec!["RFA-ACC-036".into(), "lot1".into(), "must".into(), "profile-decision".into()];
        let plain = head("RFA-ACC-001", "ACC", "lot1");
        let lots = lot_counts(&[(&strict, Outcome::Failed), (&plain, Outcome::Passed)]);
        assert_eq!(lot_verdict(&lots["lot1"].0), "passed", "a failed profile decision does not fail the lot");
        assert_eq!((lots["lot1"].0.failed, lots["lot1"].1.failed), (0, 1), "it is counted among all, not the musts");
        strict.level = Level::Should;
        assert!(strict.profile_decision() && !strict.decides_lot());
        assert!(plain.decides_lot());
    }
}
