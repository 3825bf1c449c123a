//! The registry of a run's (or a merge's) output files: every format from
//! one verdict. The same table drives writing and clearing, so a file a run
//! writes is a file the next run removes before it starts: an interrupted
//! run leaves nothing of an earlier one that could be mistaken for its own.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use crate::catalogue::{Catalogue, ScenarioKey};
use crate::config::CandidateConfig;
use crate::dossier::statement::{self, ConfigRecord};
use crate::evidence::Exchange;
use crate::evidence::bundle::{BundleSummary, EVIDENCE_FILE, SCENARIOS_FILE};
use crate::model::{Mode, ResultsDoc, RunRecord};
use crate::report::html::ReportEvidence;
use crate::signing::{Envelope, SecretKey};
use crate::support::fs::write_atomic;
use crate::verdict::Verdict;

/// One file in the output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Results,
    Junit,
    Cucumber,
    Report,
    /// Streamed by the evidence recorder while the run goes.
    Evidence,
    /// Streamed by the evidence recorder; a view of a run in progress.
    Scenarios,
    Statement,
    /// Only when the run signs.
    Dossier,
}

impl Output {
    /// Every output, in the order the summary lists them.
    pub const ALL: [Output; 8] = [
        Self::Results,
        Self::Junit,
        Self::Cucumber,
        Self::Report,
        Self::Evidence,
        Self::Scenarios,
        Self::Statement,
        Self::Dossier,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Self::Results => "results.json",
            Self::Junit => "junit.xml",
            Self::Cucumber => "cucumber.json",
            Self::Report => "report.html",
            Self::Evidence => EVIDENCE_FILE,
            Self::Scenarios => SCENARIOS_FILE,
            Self::Statement => "statement.json",
            Self::Dossier => "dossier.json",
        }
    }

    /// Written while the run goes, by the evidence recorder, not here.
    pub fn streamed(self) -> bool {
        matches!(self, Self::Evidence | Self::Scenarios)
    }

    /// The name the run's summary gives it; `None` for files it leaves out.
    pub fn label(self) -> Option<&'static str> {
        Some(match self {
            Self::Results => "results",
            Self::Junit => "junit",
            Self::Cucumber => "cucumber",
            Self::Report => "report",
            Self::Evidence => "evidence",
            Self::Scenarios => return None,
            Self::Statement => "statement",
            Self::Dossier => "dossier",
        })
    }

    /// The file's bytes, or `None` when it is not rendered here (streamed
    /// during the run, or a dossier without a key).
    fn render(
        self,
        o: &Outputs<'_>,
        results: &ResultsDoc<'_>,
        statement: &[u8],
    ) -> Result<Option<Vec<u8>>, OutputError> {
        let json = |e| OutputError::Render { file: self.file_name(), cause: e };
        Ok(Some(match self {
            Self::Results => serde_json::to_vec_pretty(results).map_err(|e| json(e.to_string()))?,
            Self::Junit => crate::report::junit::render(o.verdict, o.started, o.info.duration_ms)
                .map_err(|e| json(e.to_string()))?,
            Self::Cucumber => crate::report::cucumber::render(o.catalogue, o.verdict),
            Self::Report => {
                let clock = Instant::now();
                let html = crate::report::html::render(results, o.evidence, o.report_evidence);
                let ms = clock.elapsed().as_secs_f64() * 1000.0;
                tracing::debug!(target: "rfa::report", ms, bytes = html.len(), "report.html");
                html
            }
            Self::Evidence | Self::Scenarios => return Ok(None),
            Self::Statement => statement.to_vec(),
            Self::Dossier => match o.sign_key {
                Some(key) => {
                    let envelope = Envelope::sign(statement::PAYLOAD_TYPE, statement, key);
                    serde_json::to_vec_pretty(&envelope).map_err(|e| json(e.to_string()))?
                }
                None => return Ok(None),
            },
        }))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("rendering {file}: {cause}")]
    Render { file: &'static str, cause: String },
    #[error("writing {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

/// Outputs of an earlier run in the same directory would be mistaken for
/// this run's if it is interrupted; remove every registered one before it
/// starts. A file that is not there is not an error. `results.json` goes
/// last, so once it is gone every other output is too (a run killed in
/// between would otherwise leave an earlier junit.xml beside no results).
pub fn clear_stale(dir: &Path) {
    for output in Output::ALL.iter().rev() {
        let _ = std::fs::remove_file(dir.join(output.file_name()));
    }
}

pub struct Outputs<'a> {
    pub out: &'a Path,
    pub catalogue: &'a Catalogue,
    pub official_digest: &'a str,
    pub candidate: &'a CandidateConfig,
    pub config: ConfigRecord,
    pub mode: Mode,
    pub info: RunRecord,
    pub started: time::OffsetDateTime,
    pub verdict: &'a Verdict,
    pub evidence: &'a HashMap<ScenarioKey, Vec<Exchange>>,
    pub bundle: BundleSummary,
    pub sign_key: Option<&'a SecretKey>,
    /// Which scenarios' exchanges report.html embeds.
    pub report_evidence: ReportEvidence,
}

/// Writes every rendered output atomically, in registry order; answers
/// (label, path) for the summary, the streamed evidence included.
pub fn write_all(o: Outputs<'_>) -> Result<Vec<(&'static str, String)>, OutputError> {
    let results = ResultsDoc::new(o.catalogue, o.candidate, o.info.clone(), o.mode, o.verdict);
    let stmt = statement::build(statement::Inputs {
        catalogue: o.catalogue,
        official_digest: o.official_digest,
        config: o.config.clone(),
        mode: o.mode,
        run: o.info.clone(),
        evidence: o.bundle.clone(),
        verdict: o.verdict,
    });
    let payload = serde_json::to_vec_pretty(&stmt)
        .map_err(|e| OutputError::Render { file: Output::Statement.file_name(), cause: e.to_string() })?;
    let mut written = Vec::new();
    for output in Output::ALL {
        let path = o.out.join(output.file_name());
        match output.render(&o, &results, &payload)? {
            Some(bytes) => write_atomic(&path, &bytes)
                .map_err(|source| OutputError::Write { path: path.display().to_string(), source })?,
            None if output.streamed() => {}
            None => continue,
        }
        if let Some(label) = output.label() {
            written.push((label, path.display().to_string()));
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_has_its_own_file() {
        let mut names: Vec<_> = Output::ALL.iter().map(|o| o.file_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Output::ALL.len());
    }

    #[test]
    fn clearing_removes_every_registered_output_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        for o in Output::ALL {
            std::fs::write(dir.path().join(o.file_name()), b"stale").expect("write");
        }
        std::fs::write(dir.path().join("mine.txt"), b"keep").expect("write");
        clear_stale(dir.path());
        let left: Vec<_> =
            std::fs::read_dir(dir.path()).expect("read").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("mine.txt")]);
    }
}
