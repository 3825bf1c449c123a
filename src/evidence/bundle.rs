//! The evidence bundle: `evidence.ndjson`, one JSON line per exchange, each
//! naming its requirement and scenario, written as each scenario finishes so
//! an interrupted run keeps what it had. Its sha256 goes into the dossier.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::Exchange;
use crate::catalogue::ScenarioKey;

pub const EVIDENCE_FILE: &str = "evidence.ndjson";
/// Each scenario's outcome as soon as it is known (a run in progress can be watched).
pub const SCENARIOS_FILE: &str = "scenarios.ndjson";

/// One line of the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRecord {
    /// `x000001`, unique within the bundle.
    pub id: String,
    pub requirement: String,
    /// The scenario: feature file (relative to the pack root), line and name.
    pub file: String,
    pub line: usize,
    pub scenario: String,
    /// Position of the exchange within its scenario, from 0.
    pub seq: usize,
    #[serde(flatten)]
    pub exchange: Exchange,
}

/// [`EvidenceRecord`] by reference, so writing needs no copy; the same JSON.
#[derive(Serialize)]
struct RecordRef<'a> {
    id: String,
    requirement: &'a str,
    file: &'a str,
    line: usize,
    scenario: &'a str,
    seq: usize,
    #[serde(flatten)]
    exchange: &'a Exchange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleSummary {
    pub file: String,
    pub sha256: String,
    pub exchanges: usize,
    /// Exchanges whose bodies the evidence budget left out (their digests
    /// stand in): such a bundle cannot be re-judged.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The bytes of bodies a run writes into its evidence before it keeps only
/// their digests (`--evidence-budget`): a normal run of the whole pack
/// writes about 16 MB; a candidate answering every request with 10 MiB
/// wrote 1.4 GB before there was a budget.
pub const DEFAULT_BUDGET_MIB: u64 = 256;

/// Appends records and hashes exactly the bytes it writes.
pub struct EvidenceLog {
    out: BufWriter<File>,
    path: PathBuf,
    hasher: Sha256,
    written: usize,
    /// Body bytes still allowed whole.
    budget: u64,
    /// Exchanges whose bodies were left out for the budget (reported in
    /// the summary).
    omitted: usize,
}

impl EvidenceLog {
    pub fn create(path: &Path) -> std::io::Result<Self> {
        Ok(Self {
            out: BufWriter::new(File::create(path)?),
            path: path.to_path_buf(),
            hasher: Sha256::new(),
            written: 0,
            budget: DEFAULT_BUDGET_MIB << 20,
            omitted: 0,
        })
    }

    /// The body bytes written whole before bodies are left out.
    pub fn with_budget(mut self, bytes: u64) -> Self {
        self.budget = bytes;
        self
    }

    /// Writes one scenario's exchanges and flushes; returns their ids. An
    /// exchange whose bodies do not fit in what is left of the budget is
    /// written with their digests instead (and so changed in `exchanges`).
    pub fn record(
        &mut self,
        requirement: &str,
        key: &ScenarioKey,
        scenario: &str,
        exchanges: &mut [Exchange],
    ) -> std::io::Result<Vec<String>> {
        let mut ids = Vec::with_capacity(exchanges.len());
        for (seq, exchange) in exchanges.iter_mut().enumerate() {
            let size = exchange.body_len() as u64;
            if size > self.budget {
                exchange.omit_bodies();
                // Once one body is left out, so are all after it.
                self.budget = 0;
            } else {
                self.budget -= size;
            }
            // (A merge passes on what its shards left out.)
            if exchange.omitted() {
                self.omitted += 1;
            }
            let exchange = &*exchange;
            self.written += 1;
            let rec = RecordRef {
                id: format!("x{:06}", self.written),
                requirement,
                file: &key.file,
                line: key.line,
                scenario,
                seq,
                exchange,
            };
            let mut line = serde_json::to_vec(&rec).map_err(std::io::Error::other)?;
            line.push(b'\n');
            self.hasher.update(&line);
            self.out.write_all(&line)?;
            ids.push(rec.id);
        }
        self.out.flush()?;
        Ok(ids)
    }

    pub fn finish(mut self) -> std::io::Result<BundleSummary> {
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        Ok(BundleSummary {
            file: self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            sha256: hex::encode(self.hasher.finalize()),
            exchanges: self.written,
            omitted: self.omitted,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: cannot be read: {cause}")]
    Io { path: String, cause: std::io::Error },
    #[error("{path}:{line}: not an evidence record: {message}")]
    Record { path: String, line: usize, message: String },
}

/// sha256 of a file, hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Reads a bundle; errors name the line.
pub fn read(path: &Path) -> Result<Vec<EvidenceRecord>, BundleError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| BundleError::Io { path: shown.clone(), cause: source })?;
    parse(&bytes, &shown)
}

/// Parses bundle bytes (`shown` names them in errors); blank lines are
/// skipped, anything else must be a whole record.
pub fn parse(bytes: &[u8], shown: &str) -> Result<Vec<EvidenceRecord>, BundleError> {
    let mut out = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let rec: EvidenceRecord = serde_json::from_slice(line).map_err(|e| BundleError::Record {
            path: shown.to_string(),
            line: i + 1,
            message: e.to_string(),
        })?;
        out.push(rec);
    }
    Ok(out)
}

/// Groups records by scenario, in exchange order.
pub fn by_scenario(records: Vec<EvidenceRecord>) -> HashMap<ScenarioKey, Vec<EvidenceRecord>> {
    let mut map: HashMap<ScenarioKey, Vec<EvidenceRecord>> = HashMap::new();
    for r in records {
        map.entry(ScenarioKey { file: r.file.clone(), line: r.line }).or_default().push(r);
    }
    for v in map.values_mut() {
        v.sort_by_key(|r| r.seq);
    }
    map
}

/// One line of `scenarios.ndjson`: a scenario's outcome as soon as it is known.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioLine<'a> {
    pub requirement: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub scenario: &'a str,
    pub outcome: &'a str,
    pub duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<&'a str>,
    pub evidence: &'a [String],
}

/// Everything written while a run goes on, shared by the scenario hook (which
/// hands over exchanges) and the event collector (which knows outcomes).
#[derive(Default)]
pub struct Recorder {
    evidence: Option<EvidenceLog>,
    scenarios: Option<BufWriter<File>>,
    /// Scenario → (requirement id, scenario name).
    names: HashMap<ScenarioKey, (String, String)>,
    pub exchanges: HashMap<ScenarioKey, Vec<Exchange>>,
    pub ids: HashMap<ScenarioKey, Vec<String>>,
    /// The first write failure; the run goes on and reports it at the end.
    pub error: Option<String>,
    /// Keep only summaries of a passed scenario's exchanges in memory.
    summarise_passed: bool,
}

impl Recorder {
    /// Keeps exchanges in memory only (re-judging, tests).
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Writes `evidence.ndjson` and `scenarios.ndjson` into `dir`, with
    /// `budget` bytes of bodies kept whole. Exchanges arrive already
    /// redacted (the client redacts as it records).
    pub fn to_dir(dir: &Path, budget: u64) -> std::io::Result<Self> {
        Ok(Self {
            evidence: Some(EvidenceLog::create(&dir.join(EVIDENCE_FILE))?.with_budget(budget)),
            scenarios: Some(BufWriter::new(File::create(dir.join(SCENARIOS_FILE))?)),
            ..Self::default()
        })
    }

    /// Keeps in memory only the summary of a passed scenario's exchanges
    /// (see [`Exchange::keep_summary`]), for a report that embeds only the
    /// exchanges of scenarios that did not pass: a whole-pack run's memory
    /// then holds what it must, not every header, token and body head.
    pub fn summarising_passed(mut self) -> Self {
        self.summarise_passed = true;
        self
    }

    pub fn name_scenarios(&mut self, names: HashMap<ScenarioKey, (String, String)>) {
        self.names = names;
    }

    /// A scenario's exchanges, once its steps are done. Once they are
    /// written, only their heads stay in memory (for the reports), so memory
    /// does not grow with every byte a candidate sends.
    pub fn exchanges_done(&mut self, key: ScenarioKey, mut exchanges: Vec<Exchange>) {
        if let Some(log) = &mut self.evidence {
            let (req, name) = self.names.get(&key).cloned().unwrap_or_default();
            match log.record(&req, &key, &name, &mut exchanges) {
                Ok(ids) => {
                    for (x, id) in exchanges.iter_mut().zip(&ids) {
                        x.keep_heads(Some(id));
                    }
                    self.ids.insert(key.clone(), ids);
                }
                Err(e) => {
                    self.error.get_or_insert(format!("writing {EVIDENCE_FILE}: {e}"));
                }
            }
        }
        self.exchanges.insert(key, exchanges);
    }

    /// A scenario's outcome, once it is known.
    pub fn scenario_done(&mut self, key: &ScenarioKey, outcome: &str, duration_ms: f64, failure: Option<&str>) {
        // Cucumber runs the after hook that hands over a scenario's
        // exchanges before it tells the scenario has finished, so they are
        // here by now.
        if self.summarise_passed && outcome == "passed" {
            self.exchanges.get_mut(key).into_iter().flatten().for_each(Exchange::keep_summary);
        }
        let Some(out) = &mut self.scenarios else { return };
        let (req, name) = self.names.get(key).cloned().unwrap_or_default();
        let no_ids = Vec::new();
        let line = ScenarioLine {
            requirement: &req,
            file: &key.file,
            line: key.line,
            scenario: &name,
            outcome,
            duration_ms,
            failure: failure.map(|f| f.lines().next().unwrap_or(f)),
            evidence: self.ids.get(key).unwrap_or(&no_ids),
        };
        let written = serde_json::to_vec(&line).map_err(std::io::Error::other).and_then(|mut bytes| {
            bytes.push(b'\n');
            out.write_all(&bytes)?;
            out.flush()
        });
        if let Err(e) = written {
            self.error.get_or_insert(format!("writing scenarios.ndjson: {e}"));
        }
    }

    /// Closes the files; the bundle's summary if one was written.
    pub fn finish(&mut self) -> std::io::Result<Option<BundleSummary>> {
        if let Some(mut s) = self.scenarios.take() {
            s.flush()?;
        }
        self.evidence.take().map(EvidenceLog::finish).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Body, RecordedRequest};

    fn exchange(url: &str) -> Exchange {
        Exchange {
            started: "t".into(),
            duration_ms: 1.0,
            request: RecordedRequest {
                method: "GET".into(),
                url: url.into(),
                headers: vec![],
                jwt_claims: None,
                tls: None,
                body: Body::default(),
            },
            response: None,
            error: Some("refused".into()),
            negotiated: None,
            inbound: false,
        }
    }

    #[test]
    fn the_bundle_digest_is_the_digest_of_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(EVIDENCE_FILE);
        let mut log = EvidenceLog::create(&path).expect("create");
        let key = ScenarioKey { file: "A/a.feature".into(), line: 3 };
        let ids =
            log.record("RFA-ACC-001", &key, "s", &mut [exchange("http://a/1"), exchange("http://a/2")]).expect("write");
        assert_eq!(ids, ["x000001", "x000002"]);
        let summary = log.finish().expect("finish");
        assert_eq!(summary.sha256, sha256_file(&path).expect("hash"));
        assert_eq!(summary.exchanges, 2);
        let back = by_scenario(read(&path).expect("read"));
        assert_eq!(
            back[&key].iter().map(|r| r.exchange.request.url.as_str()).collect::<Vec<_>>(),
            ["http://a/1", "http://a/2"]
        );
    }

    #[test]
    fn bodies_past_the_budget_are_kept_as_digests_and_memory_keeps_heads() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut rec = Recorder::to_dir(dir.path(), 5000).expect("recorder");
        let key = ScenarioKey { file: "A/a.feature".into(), line: 3 };
        let with_body = |n: usize| {
            let mut x = exchange("http://a/1");
            x.request.body = Body::from_bytes("x".repeat(n).as_bytes());
            x
        };
        rec.exchanges_done(key.clone(), vec![with_body(100 * 1024), with_body(10), with_body(3000)]);
        let summary = rec.finish().expect("finish").expect("a bundle");
        assert_eq!(summary.omitted, 3, "the first is over budget, and so is every one after it");
        let back = read(&dir.path().join(EVIDENCE_FILE)).expect("read");
        let omitted: Vec<_> =
            back.iter().map(|r| r.exchange.request.body.body_omitted.as_ref().map(|o| o.size)).collect();
        assert_eq!(omitted, [Some(100 * 1024), Some(10), Some(3000)]);
        let kept = &rec.exchanges[&key][0].request.body;
        assert!(kept.body_omitted.is_some() && kept.body.is_none(), "memory keeps what was written");

        let dir = tempfile::tempdir().expect("tempdir");
        let mut rec = Recorder::to_dir(dir.path(), 1 << 30).expect("recorder");
        rec.exchanges_done(key.clone(), vec![with_body(100 * 1024)]);
        let text = rec.exchanges[&key][0].request.body.body.clone().expect("text");
        assert!(text.len() < 65 * 1024 && text.ends_with("the whole body is in evidence.ndjson record x000001"));
        rec.finish().expect("finish");
        let back = read(&dir.path().join(EVIDENCE_FILE)).expect("read");
        assert_eq!(back[0].exchange.request.body.bytes().len(), 100 * 1024, "the file keeps it whole");
    }

    #[test]
    fn a_bad_line_is_reported_with_its_number() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("e.ndjson");
        std::fs::write(&path, "\n{\"id\":1}\n").expect("write");
        let e = read(&path).expect_err("bad record");
        assert!(e.to_string().contains("e.ndjson:2:"), "{e}");
    }
}
