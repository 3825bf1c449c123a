//! `rfa merge`: joins the outputs of `rfa run --shard K/N` runs into one set
//! of outputs — one results.json, report, evidence bundle and statement (to
//! sign) — as if the pack had run in one go.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::load_catalogue;
use crate::catalogue::{PackFiles, ScenarioKey};
use crate::config::CandidateConfig;
use crate::dossier::statement::{ConfigRecord, Statement};
use crate::dossier::verify;
use crate::evidence::Exchange;
use crate::evidence::bundle::{self, EVIDENCE_FILE, EvidenceLog};
use crate::model::RunRecord;
use crate::report::outputs::{Outputs, write_all};
use crate::report::terminal;
use crate::signing::SecretKey;
use crate::verdict::{Outcome, RequirementResult, Verdict};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The --out directories of the shard runs.
    #[arg(required = true, num_args = 1..)]
    dirs: Vec<PathBuf>,
    /// Where the merged outputs go.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Sign the merged dossier with this key.
    #[arg(long, value_name = "KEY")]
    sign_key: Option<PathBuf>,
    /// Feature pack directory [default: the pack built into rfa].
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
    #[command(flatten)]
    report: super::ReportArgs,
}

/// The parts of a shard's results.json that merging needs.
#[derive(serde::Deserialize)]
struct ShardResults {
    requirements: Vec<RequirementResult>,
    run: ShardRun,
}

#[derive(serde::Deserialize)]
struct ShardRun {
    started: String,
    finished: String,
    concurrency: usize,
    #[serde(default)]
    today: Option<String>,
}

struct Shard {
    dir: PathBuf,
    statement: Statement,
    results: ShardResults,
    exchanges: HashMap<ScenarioKey, Vec<Exchange>>,
}

fn load(dir: &Path) -> anyhow::Result<Shard> {
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .with_context(|| format!("{}: no {name} (is it an rfa run's --out?)", dir.display()))
    };
    let statement = verify::parse_statement(&read("statement.json")?)
        .map_err(|e| anyhow::anyhow!("{}/statement.json: {e}", dir.display()))?;
    let results: ShardResults = serde_json::from_slice(&read("results.json")?)
        .with_context(|| format!("{}/results.json is not an rfa results file", dir.display()))?;
    let bundle_bytes = read(EVIDENCE_FILE)?;
    let records = verify::check_evidence(&statement, &bundle_bytes)
        .map_err(|e| anyhow::anyhow!("{}/{EVIDENCE_FILE}: {e}", dir.display()))?;
    let exchanges = bundle::by_scenario(records)
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().map(|r| r.exchange).collect()))
        .collect();
    Ok(Shard { dir: dir.to_path_buf(), statement, results, exchanges })
}

/// Whether two shards ran against one candidate with one config. Each run
/// of the embedded reference makes a throw-away TLS authority, so for it
/// (and only it) the authority is left out; its addresses are the same when
/// the shards ran one after another (`rfa run --shard` gives it a fixed
/// one), and they must be: re-judging replays each exchange at its URL.
fn same_config(a: &ConfigRecord, b: &ConfigRecord) -> bool {
    let embedded = |c: &ConfigRecord| {
        let id = crate::reference::identity(&Default::default());
        c.public.candidate.supplier == id.supplier && c.public.candidate.product == id.product
    };
    let settled = |c: &ConfigRecord| {
        let mut p = c.public.clone();
        if let Some(t) = p.tls.as_mut() {
            t.server_ca.clear();
        }
        p
    };
    a.digest == b.digest || (embedded(a) && embedded(b) && settled(a) == settled(b))
}

fn ran(r: &RequirementResult) -> bool {
    // A requirement its steps skipped (with a reason) still ran: its
    // scenarios are recorded. One not selected has none.
    !matches!(r.outcome, Outcome::Skipped | Outcome::NotAssessed) || !r.scenarios.is_empty()
}

pub async fn merge(a: MergeArgs) -> anyhow::Result<u8> {
    let shards: Vec<Shard> = a.dirs.iter().map(|d| load(d)).collect::<anyhow::Result<_>>()?;
    let first = &shards[0].statement.predicate;
    for s in &shards[1..] {
        let p = &s.statement.predicate;
        let same = |what: &str, ok: bool| -> anyhow::Result<()> {
            if ok {
                Ok(())
            } else {
                bail!(
                    "{} differs from {} in {what}: only shards of one run can be merged",
                    s.dir.display(),
                    shards[0].dir.display()
                )
            }
        };
        same("feature pack", p.pack == first.pack)?;
        same("candidate or config", same_config(&p.config, &first.config))?;
        same("mode", p.mode == first.mode)?;
        same("harness version", p.harness == first.harness)?;
    }
    let catalogue = load_catalogue(a.features.as_deref())?;
    if catalogue.pack.digest != first.pack.digest {
        bail!(
            "the shards ran pack {}, this rfa has {}; give the pack with --features",
            first.pack.digest,
            catalogue.pack.digest
        );
    }
    let sign_key = a.sign_key.as_deref().map(SecretKey::load).transpose()?;

    // Each requirement comes from the one shard that ran it.
    let mut chosen: Vec<(usize, RequirementResult)> = Vec::new();
    let mut uncovered = Vec::new();
    for req in &catalogue.requirements {
        let candidates: Vec<(usize, &RequirementResult)> = shards
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.results.requirements.iter().find(|r| r.id == req.id).map(|r| (i, r)))
            .collect();
        let running: Vec<&(usize, &RequirementResult)> = candidates.iter().filter(|(_, r)| ran(r)).collect();
        match (running.as_slice(), candidates.first()) {
            ([one], _) => chosen.push((one.0, one.1.clone())),
            ([], Some((i, r))) => {
                if !req.manual {
                    uncovered.push(req.id.clone());
                }
                chosen.push((*i, (*r).clone()));
            }
            ([], None) => bail!("no shard reports {} at all", req.id),
            (many, _) => {
                let dirs: Vec<String> = many.iter().map(|(i, _)| shards[*i].dir.display().to_string()).collect();
                bail!("{} ran in more than one shard ({}): shards must not overlap", req.id, dirs.join(", "));
            }
        }
    }
    if !uncovered.is_empty() {
        eprintln!("warning: no shard ran {}; they stay skipped", uncovered.join(", "));
    }

    // One evidence bundle, renumbered, with the results pointing into it.
    // The merged outputs replace whatever an earlier run or merge left in
    // --out; a shard's own directory would lose that shard, so it is refused.
    let same = |d: &std::path::Path| d.canonicalize().ok().is_some_and(|d| a.out.canonicalize().ok() == Some(d));
    if let Some(s) = shards.iter().find(|s| same(&s.dir)) {
        bail!("--out {} is one of the shards being merged; choose another directory", s.dir.display());
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("cannot create {}", a.out.display()))?;
    crate::report::outputs::clear_stale(&a.out);
    // The shards spent their own evidence budgets; the merge keeps what they kept.
    let mut log = EvidenceLog::create(&a.out.join(EVIDENCE_FILE))
        .with_context(|| format!("writing {}", a.out.display()))?
        .with_budget(u64::MAX);
    let mut evidence: HashMap<ScenarioKey, Vec<Exchange>> = HashMap::new();
    for (shard, r) in &mut chosen {
        for s in &mut r.scenarios {
            let key = ScenarioKey { file: s.file.clone(), line: s.line };
            let mut xs = shards[*shard].exchanges.get(&key).cloned().unwrap_or_default();
            let ids = log.record(&r.head.id, &key, &s.name, &mut xs)?;
            for (x, id) in s.exchanges.iter_mut().zip(ids) {
                x.id = Some(id);
            }
            evidence.insert(key, xs);
        }
        if !uncovered.contains(&r.id) && !ran(r) && r.reason.as_deref().is_some_and(|x| x.starts_with("not selected")) {
            r.reason = None;
        }
    }
    let summary = log.finish()?;
    let verdict = Verdict::from_requirements(chosen.into_iter().map(|(_, r)| r).collect());

    let started = shards.iter().map(|s| s.results.run.started.clone()).min().unwrap_or_default();
    let finished = shards.iter().map(|s| s.results.run.finished.clone()).max().unwrap_or_default();
    let parse = |t: &str| time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok();
    let (t0, t1) = (parse(&started), parse(&finished));
    let wall_ms = match (t0, t1) {
        (Some(a), Some(b)) => (b - a).as_seconds_f64() * 1000.0,
        _ => 0.0,
    };
    let info = RunRecord {
        started,
        finished,
        duration_ms: wall_ms,
        concurrency: shards[0].results.run.concurrency,
        tags: None,
        selection: (!uncovered.is_empty())
            .then(|| format!("merged from {} shards, not covering {}", shards.len(), uncovered.join(" "))),
        // Shards of one run share its date; the first one's stands for all.
        today: shards[0].results.run.today.clone(),
    };
    let candidate =
        CandidateConfig::from_public(&first.config.public).map_err(|e| anyhow::anyhow!("the shards' config: {e}"))?;
    let official = PackFiles::embedded()?.digest();
    let written = write_all(Outputs {
        out: &a.out,
        catalogue: &catalogue,
        official_digest: &official,
        candidate: &candidate,
        config: first.config.clone(),
        mode: first.mode,
        info,
        started: t0.unwrap_or_else(time::OffsetDateTime::now_utc),
        verdict: &verdict,
        evidence: &evidence,
        bundle: summary,
        sign_key: sign_key.as_ref(),
        report_evidence: a.report.report_evidence,
    })?;
    let per_shard: BTreeMap<String, usize> = shards
        .iter()
        .map(|s| (s.dir.display().to_string(), s.results.requirements.iter().filter(|r| ran(r)).count()))
        .collect();
    outln!(
        "merged {} shards: {}",
        shards.len(),
        per_shard.iter().map(|(d, n)| format!("{d} ({n})")).collect::<Vec<_>>().join(", ")
    );
    out!(
        "{}",
        terminal::summary(
            &verdict,
            &terminal::Footer {
                duration_s: wall_ms / 1000.0,
                concurrency: shards[0].results.run.concurrency,
                outputs: written
            }
        )
    );
    Ok(verdict.exit_code())
}
