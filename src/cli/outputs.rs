//! Writing a run's (or a merge's) outputs: every format from one verdict.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;

use crate::catalogue::{Catalogue, ScenarioKey};
use crate::config::CandidateConfig;
use crate::dossier::statement::{self, ConfigRecord, Mode, RunRecord};
use crate::evidence::Exchange;
use crate::evidence::bundle::{BundleSummary, EVIDENCE_FILE};
use crate::model::{ResultsDoc, RunInfo};
use crate::report::{self, write_atomic};
use crate::signing::{Envelope, SecretKey};
use crate::verdict::Verdict;

pub struct Outputs<'a> {
    pub out: &'a Path,
    pub catalogue: &'a Catalogue,
    pub official_digest: &'a str,
    pub candidate: &'a CandidateConfig,
    pub config: ConfigRecord,
    pub mode: Mode,
    pub info: RunInfo,
    pub started: time::OffsetDateTime,
    pub verdict: &'a Verdict,
    pub evidence: &'a HashMap<ScenarioKey, Vec<Exchange>>,
    pub bundle: BundleSummary,
    pub sign_key: Option<&'a SecretKey>,
}

/// Writes results.json, junit.xml, cucumber.json, report.html,
/// statement.json and (when signing) dossier.json, each atomically; returns
/// (label, path) for the summary, evidence included.
pub fn write_all(o: Outputs<'_>) -> anyhow::Result<Vec<(&'static str, String)>> {
    let mut written: Vec<(&'static str, String)> = Vec::new();
    let mut put = |label: &'static str, name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        let path = o.out.join(name);
        write_atomic(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        written.push((label, path.display().to_string()));
        Ok(())
    };
    let results = ResultsDoc::new(o.catalogue, o.candidate, o.info.clone(), o.mode, o.verdict);
    put("results", "results.json", &serde_json::to_vec_pretty(&results)?)?;
    put("junit", "junit.xml", &report::junit::render(o.verdict, o.started)?)?;
    put("cucumber", "cucumber.json", &report::cucumber::render(o.catalogue, o.verdict))?;
    let clock = Instant::now();
    let html = report::html::render(&results, o.evidence);
    put("report", "report.html", &html)?;
    tracing::debug!(target: "rfa::report", ms = clock.elapsed().as_secs_f64() * 1000.0, bytes = html.len(), "report.html");
    written.push(("evidence", o.out.join(EVIDENCE_FILE).display().to_string()));
    let stmt = statement::build(statement::Inputs {
        catalogue: o.catalogue,
        official_digest: o.official_digest,
        config: o.config,
        mode: o.mode,
        run: RunRecord {
            started: o.info.started.clone(),
            finished: o.info.finished.clone(),
            duration_ms: o.info.duration_ms,
            concurrency: o.info.concurrency,
            tags: o.info.tags.clone(),
            selection: o.info.selection.clone(),
            today: o.info.today.clone(),
        },
        evidence: o.bundle,
        verdict: o.verdict,
    });
    let payload = serde_json::to_vec_pretty(&stmt)?;
    let path = o.out.join("statement.json");
    write_atomic(&path, &payload).with_context(|| format!("writing {}", path.display()))?;
    written.push(("statement", path.display().to_string()));
    if let Some(key) = o.sign_key {
        let envelope = Envelope::sign(statement::PAYLOAD_TYPE, &payload, key);
        let path = o.out.join("dossier.json");
        write_atomic(&path, &serde_json::to_vec_pretty(&envelope)?)
            .with_context(|| format!("writing {}", path.display()))?;
        written.push(("dossier", path.display().to_string()));
    }
    Ok(written)
}
