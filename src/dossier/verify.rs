//! Checking a dossier: the signature, the statement's shape and internal
//! consistency, the evidence bundle's digest, and — optionally — re-judging
//! every automated requirement from the evidence alone by replaying it
//! through the same steps.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::statement::{self, DossierRequirement, Mode, PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, Statement};
use crate::attest::{Attested, AttestedVerdict};
use crate::catalogue::{Catalogue, ScenarioKey};
use crate::client::{Client, ReplayBook, Transport};
use crate::config::CandidateConfig;
use crate::evidence::bundle::{self, EvidenceRecord, Recorder};
use crate::runner::{self, RunPlan, Selection};
use crate::signing::{Envelope, PublicKey};
use crate::verdict::{self, Outcome};

/// Why a dossier is not valid (exit 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error(transparent)]
    Envelope(#[from] crate::signing::DsseError),
    #[error("the signed payload is not a dossier statement: {0}")]
    Statement(String),
    #[error("the statement is inconsistent: {0}")]
    Inconsistent(String),
    #[error("the evidence does not match the dossier: {0}")]
    Evidence(String),
}

/// Why re-judging could not be done (exit 2: the input, not the dossier).
#[derive(Debug, thiserror::Error)]
pub enum RejudgeError {
    #[error(
        "the dossier was made with feature pack {dossier}, this one is {ours}; re-judge with the pack it names (--features DIR)"
    )]
    Pack { dossier: String, ours: String },
    #[error("the dossier's config cannot be rebuilt: {0}")]
    Config(String),
    #[error(
        "the run left out the bodies of {omitted} exchanges (its evidence budget was spent; record {first} is the first), so they cannot be replayed; only a run with a larger --evidence-budget can be re-judged"
    )]
    Omitted { omitted: usize, first: String },
    #[error(transparent)]
    Run(#[from] crate::runner::RunError),
}

/// A verified statement and the key that signed it.
#[derive(Debug)]
pub struct Opened {
    pub statement: Statement,
    pub key: PublicKey,
}

/// Verifies the envelope against any of `keys` and checks the statement.
pub fn open(envelope: &[u8], keys: &[PublicKey]) -> Result<Opened, Invalid> {
    let env = Envelope::parse(envelope)?;
    let (payload, key) = env.verify(PAYLOAD_TYPE, keys)?;
    let statement = parse_statement(&payload)?;
    Ok(Opened { statement, key: key.clone() })
}

/// Parses and checks an (unsigned) statement.
pub fn parse_statement(payload: &[u8]) -> Result<Statement, Invalid> {
    let s: Statement = serde_json::from_slice(payload).map_err(|e| Invalid::Statement(e.to_string()))?;
    check_consistency(&s)?;
    Ok(s)
}

fn inconsistent<T>(msg: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid::Inconsistent(msg.into()))
}

/// Everything in a statement that can be recomputed from the rest of it.
pub fn check_consistency(s: &Statement) -> Result<(), Invalid> {
    if s.type_ != STATEMENT_TYPE {
        return inconsistent(format!("_type is `{}`, expected {STATEMENT_TYPE}", s.type_));
    }
    if s.predicate_type != PREDICATE_TYPE {
        return inconsistent(format!("predicateType is `{}`, expected {PREDICATE_TYPE}", s.predicate_type));
    }
    let p = &s.predicate;
    let want_candidate = statement::candidate_subject(&p.candidate);
    if !s.subject.contains(&want_candidate) {
        return inconsistent("no subject names the candidate the predicate describes");
    }
    let evidence_subject = s.subject.iter().find(|sub| sub.name == p.evidence.file);
    if evidence_subject.and_then(|sub| sub.digest.get("sha256")) != Some(&p.evidence.sha256) {
        return inconsistent("the evidence subject and the predicate's evidence digest differ");
    }
    if p.candidate != p.config.public.candidate {
        return inconsistent("the candidate differs from the one in the recorded config");
    }
    let config_json = serde_json::to_value(&p.config.public).map_err(|e| Invalid::Statement(e.to_string()))?;
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(config_json.to_string().as_bytes())));
    if digest != p.config.digest {
        return inconsistent("the config digest is not the digest of the recorded config");
    }
    if p.mode == Mode::Formal && (!p.pack.official || p.run.tags.is_some() || p.run.selection.is_some()) {
        return inconsistent("a formal dossier must cover the official pack whole");
    }
    for r in &p.requirements {
        check_requirement(r)?;
    }
    if p.lots != statement::lots_of(&p.requirements) {
        return inconsistent("the lot verdicts do not follow from the requirement outcomes");
    }
    Ok(())
}

fn check_requirement(r: &DossierRequirement) -> Result<(), Invalid> {
    let id = &r.head.id;
    if r.head.manual {
        let expected = match &r.attestation {
            Some(Attested { verdict: AttestedVerdict::Passed, .. }) => Outcome::Passed,
            Some(Attested { verdict: AttestedVerdict::Failed, .. }) => Outcome::Failed,
            None => Outcome::NotAssessed,
        };
        if r.outcome != expected || !r.scenarios.is_empty() {
            return inconsistent(format!("{id} is @manual: its outcome must follow its attestation"));
        }
        return Ok(());
    }
    if r.attestation.is_some() {
        return inconsistent(format!("{id} is automated but carries an attestation"));
    }
    let (expected, _) = crate::verdict::outcome_of(r.scenarios.iter().map(|s| (s.outcome, s.failure.as_deref())));
    if r.outcome != expected {
        return inconsistent(format!(
            "{id} is `{}` but its scenarios make it `{}`",
            r.outcome.as_str(),
            expected.as_str()
        ));
    }
    Ok(())
}

/// Checks the bundle's bytes against the signed digest, and that every
/// evidence id the dossier cites is in it, under the right scenario.
pub fn check_evidence(s: &Statement, bundle_bytes: &[u8]) -> Result<Vec<EvidenceRecord>, Invalid> {
    let digest = hex::encode(Sha256::digest(bundle_bytes));
    if digest != s.predicate.evidence.sha256 {
        return Err(Invalid::Evidence(format!(
            "its sha256 is {digest}, the dossier signed {}",
            s.predicate.evidence.sha256
        )));
    }
    let records = bundle::parse(bundle_bytes, "the bundle").map_err(|e| Invalid::Evidence(e.to_string()))?;
    if records.len() != s.predicate.evidence.exchanges {
        return Err(Invalid::Evidence(format!(
            "it holds {} exchanges, the dossier says {}",
            records.len(),
            s.predicate.evidence.exchanges
        )));
    }
    let index: HashMap<&str, &EvidenceRecord> = records.iter().map(|r| (r.id.as_str(), r)).collect();
    for r in &s.predicate.requirements {
        for sc in &r.scenarios {
            for id in &sc.evidence {
                match index.get(id.as_str()) {
                    Some(rec) if rec.requirement == r.head.id && rec.file == sc.file && rec.line == sc.line => {}
                    Some(_) => return Err(Invalid::Evidence(format!("record {id} belongs to another scenario"))),
                    None => return Err(Invalid::Evidence(format!("record {id} cited by {} is missing", r.head.id))),
                }
            }
        }
    }
    Ok(records)
}

/// One place where re-judging disagrees with the dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub requirement: String,
    pub recorded: String,
    pub rejudged: String,
}

/// Replays the evidence through the steps of `catalogue` (which must be the
/// pack the dossier names) and compares every automated requirement and
/// scenario outcome with the dossier's.
pub async fn rejudge(
    s: &Statement,
    records: Vec<EvidenceRecord>,
    catalogue: &Catalogue,
) -> Result<Vec<Disagreement>, RejudgeError> {
    let p = &s.predicate;
    if catalogue.pack.digest != p.pack.digest {
        return Err(RejudgeError::Pack { dossier: p.pack.digest.clone(), ours: catalogue.pack.digest.clone() });
    }
    let omitted: Vec<&str> = records.iter().filter(|r| r.exchange.omitted()).map(|r| r.id.as_str()).collect();
    if let Some(first) = omitted.first() {
        return Err(RejudgeError::Omitted { omitted: omitted.len(), first: first.to_string() });
    }
    let config = Arc::new(CandidateConfig::from_public(&p.config.public).map_err(RejudgeError::Config)?);
    let by_scenario: HashMap<ScenarioKey, Vec<_>> = bundle::by_scenario(records)
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().map(|r| r.exchange).collect()))
        .collect();
    let client = Client::with_transport(config, Transport::Replay(Arc::new(ReplayBook::new(by_scenario))));
    let ran: BTreeSet<String> = p
        .requirements
        .iter()
        .filter(|r| !r.head.manual && r.outcome != Outcome::Skipped)
        .map(|r| r.head.id.clone())
        .collect();
    let plan = RunPlan {
        catalogue,
        client,
        selection: Selection { tags: None, only: Some(ran) },
        concurrency: p.run.concurrency.max(1),
        recorder: Recorder::in_memory(),
        // The run's own date: `{today}` in the requests it rebuilds.
        today: p.run.today.as_deref().and_then(crate::support::clock::parse_date),
        non_interactive: true,
        trust_nhs_login: None,
    };
    let output = runner::execute(plan, None).await?;
    let attested: BTreeMap<String, Attested> =
        p.requirements.iter().filter_map(|r| Some((r.head.id.clone(), r.attestation.clone()?))).collect();
    let again = verdict::judge(catalogue, &output, p.run.tags.as_deref(), &attested);
    let mut out = Vec::new();
    let recorded: HashMap<&str, &DossierRequirement> = p.requirements.iter().map(|r| (r.head.id.as_str(), r)).collect();
    for r in &again.requirements {
        let Some(was) = recorded.get(r.id.as_str()) else {
            out.push(Disagreement {
                requirement: r.id.clone(),
                recorded: "absent".into(),
                rejudged: r.outcome.as_str().into(),
            });
            continue;
        };
        if was.outcome != r.outcome {
            out.push(Disagreement {
                requirement: r.id.clone(),
                recorded: was.outcome.as_str().into(),
                rejudged: r.outcome.as_str().into(),
            });
            continue;
        }
        for (a, b) in was.scenarios.iter().zip(&r.scenarios) {
            if a.outcome != b.outcome {
                out.push(Disagreement {
                    requirement: format!("{} ({}:{})", r.id, a.file, a.line),
                    recorded: a.outcome.as_str().into(),
                    rejudged: format!(
                        "{}{}",
                        b.outcome.as_str(),
                        b.failure
                            .as_ref()
                            .map(|f| format!(": {}", f.message.lines().next().unwrap_or_default()))
                            .unwrap_or_default()
                    ),
                });
            }
        }
    }
    Ok(out)
}
