//! `rfa run`: wires the pipeline end to end and writes every output.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;

use super::load_catalogue;
use crate::attest;
use crate::catalogue::{Catalogue, PackFiles};
use crate::config::CandidateConfig;
use crate::dossier::statement::{ConfigRecord, Mode};
use crate::evidence::bundle::Recorder;
use crate::fixtures::FixturePack;
use crate::model::RunRecord;
use crate::reference::{self, Defect, DefectSet};
use crate::report::{outputs, terminal};
use crate::runner::{self, Progress, RunPlan, ScenarioOutcome, Selection, TagFilter};
use crate::signing::{PublicKey, SecretKey};
use crate::verdict;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Candidate config (TOML): identity, base URL, ASIDs, identity map.
    /// Without it, the embedded reference candidate is started and tested.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Feature pack directory [default: the pack built into rfa].
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
    /// Run only requirements whose tags match this expression
    /// (cucumber syntax), e.g. '@lot1 and not @RFA-ACC-009'.
    #[arg(long, value_name = "EXPR")]
    tags: Option<String>,
    /// Run only this requirement (repeatable).
    #[arg(long = "requirement", value_name = "ID")]
    requirements: Vec<String>,
    /// Run only this area's requirements, e.g. INF (repeatable).
    #[arg(long = "area", value_name = "AREA")]
    areas: Vec<String>,
    /// Run only the requirements that failed or errored in an earlier
    /// results.json.
    #[arg(long, value_name = "RESULTS")]
    rerun_failed: Option<PathBuf>,
    /// Run shard K of N: the requirements split deterministically into N
    /// parts of similar size; `rfa merge` joins the shards' outputs.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Directory for the outputs (created if missing).
    #[arg(long, value_name = "DIR", default_value = "rfa-out")]
    out: PathBuf,
    /// Scenarios in flight at once; @serial scenarios always run alone.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,
    /// Requests in flight to the candidate at once, whatever the scenario
    /// concurrency [default: the config's max_in_flight, else 64].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=4096))]
    max_in_flight: Option<u16>,
    /// Megabytes of request and response bodies the run keeps whole in
    /// evidence.ndjson; past it, each body is kept as its sha256, size and
    /// first KiB (the run says how many), and the run cannot be re-judged.
    /// A run of the whole pack against the reference writes about 16 MB.
    #[arg(long, value_name = "MIB", default_value_t = crate::evidence::bundle::DEFAULT_BUDGET_MIB)]
    evidence_budget: u64,
    /// Delay every answer of the embedded reference by MS milliseconds (to
    /// see how a run behaves against a remote system; only without --config).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency: u64,
    /// Add up to MS milliseconds of random delay to --latency.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    jitter: u64,
    /// Break the embedded reference candidate with this defect (repeatable;
    /// only without --config). `rfa reference defects` lists them.
    #[arg(long = "defect", value_name = "NAME", value_parser = reference::defects::parse)]
    defects: Vec<Defect>,
    /// Sign the dossier with this Ed25519 private key (PKCS#8 PEM from
    /// `rfa keys generate`), writing dossier.json.
    #[arg(long, value_name = "KEY")]
    sign_key: Option<PathBuf>,
    /// A formal accreditation run: needs --sign-key, the official pack built
    /// into rfa, and no --tags; anything else is refused before the run.
    #[arg(long)]
    formal: bool,
    /// Assessors' signed attestations of @manual requirements (`rfa attest`).
    #[arg(long, value_name = "FILE")]
    attestations: Option<PathBuf>,
    /// Public key of an assessor whose attestations are trusted (repeatable).
    #[arg(long = "assessor-key", value_name = "PUB")]
    assessor_keys: Vec<PathBuf>,
    /// Never wait for a tester: scenarios whose action a tester would carry
    /// out in the candidate (`[consumer] trigger = "interactive"`) are
    /// skipped, with that reason, instead of prompting.
    #[arg(long)]
    non_interactive: bool,
    /// Skip the check, before a run with --config, that the candidate
    /// answers `GET [base]/metadata` with a CapabilityStatement (and that a
    /// `[tls]` endpoint is listening): to judge a consumer-only candidate,
    /// or to record a broken system's verdicts anyway.
    #[arg(long)]
    no_preflight: bool,
    #[command(flatten)]
    report: super::ReportArgs,
    /// Print only the verdict lines, no progress or tables.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print each scenario as it finishes (-v), and debug tracing (-vv;
    /// RUST_LOG overrides).
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{s}` is not a shard: write K/N with 1 <= K <= N, e.g. 2/4");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n || n > 1000 {
        return Err(bad());
    }
    Ok((k, n))
}

/// Narrows `only` to `ids`.
fn narrow(only: &mut Option<BTreeSet<String>>, ids: BTreeSet<String>) {
    *only = Some(match only.take() {
        Some(prev) => prev.intersection(&ids).cloned().collect(),
        None => ids,
    });
}

/// Everything `rfa run` needs, resolved and checked from the arguments,
/// the pack and the config before anything is sent (ripgrep's two phases:
/// arguments become one value, then the engine runs it).
struct RunConfig {
    args: RunArgs,
    fixtures: FixturePack,
    catalogue: Catalogue,
    official: String,
    selection: Selection,
    narrowing: Option<String>,
    skip_reason: Option<String>,
    mode: Mode,
    sign_key: Option<SecretKey>,
    config_file: Option<CandidateConfig>,
    attested: BTreeMap<String, attest::Attested>,
}

pub async fn run(args: RunArgs) -> anyhow::Result<u8> {
    match resolve(args)? {
        Some(rc) => execute(rc).await,
        None => Ok(0),
    }
}

/// Phase one: every refusal happens here. `None`: nothing to do.
fn resolve(args: RunArgs) -> anyhow::Result<Option<RunConfig>> {
    let fixtures = FixturePack::embedded().context("the built-in fixture pack")?;
    let catalogue = load_catalogue(args.features.as_deref())?;
    let official = PackFiles::embedded()?.digest();
    // Selection: every flag narrows the set; they combine as an intersection.
    let mut only: Option<BTreeSet<String>> = None;
    let mut described: Vec<String> = Vec::new();
    if !args.requirements.is_empty() {
        for id in &args.requirements {
            if catalogue.requirement(id).is_none() {
                bail!("--requirement {id}: the feature pack has no such requirement (see `rfa catalogue`)");
            }
        }
        narrow(&mut only, args.requirements.iter().cloned().collect());
        described.push(args.requirements.iter().map(|r| format!("--requirement {r}")).collect::<Vec<_>>().join(" "));
    }
    if !args.areas.is_empty() {
        for a in &args.areas {
            if !catalogue.requirements.iter().any(|r| &r.area == a) {
                bail!("--area {a}: the feature pack has no requirement in area {a}");
            }
        }
        narrow(
            &mut only,
            catalogue.requirements.iter().filter(|r| args.areas.contains(&r.area)).map(|r| r.id.clone()).collect(),
        );
        described.push(args.areas.iter().map(|a| format!("--area {a}")).collect::<Vec<_>>().join(" "));
    }
    if let Some(prev) = &args.rerun_failed {
        let text = std::fs::read(prev).with_context(|| format!("cannot read {}", prev.display()))?;
        let doc: serde_json::Value =
            serde_json::from_slice(&text).with_context(|| format!("{}: not a results.json", prev.display()))?;
        let Some(reqs) = doc.get("requirements").and_then(serde_json::Value::as_array) else {
            bail!("{}: not a results.json (no requirements array)", prev.display());
        };
        let failed: BTreeSet<String> = reqs
            .iter()
            .filter(|r| matches!(r.get("outcome").and_then(serde_json::Value::as_str), Some("failed" | "error")))
            .filter_map(|r| r.get("id").and_then(serde_json::Value::as_str).map(str::to_string))
            .collect();
        if failed.is_empty() {
            outln!("nothing failed in {}: nothing to rerun", prev.display());
            return Ok(None);
        }
        narrow(&mut only, failed);
        described.push(format!("--rerun-failed {}", prev.display()));
    }
    if let Some((k, n)) = args.shard {
        narrow(&mut only, runner::shard_members(&catalogue, k, n));
        described.push(format!("--shard {k}/{n}"));
    }
    let narrowing = (!described.is_empty()).then(|| described.join(" "));
    let selection = Selection { tags: args.tags.as_deref().map(TagFilter::parse).transpose()?, only };
    let skip_reason = match (&args.tags, &narrowing) {
        (Some(t), Some(n)) => Some(format!("--tags {t} {n}")),
        (Some(t), None) => Some(format!("--tags {t}")),
        (None, Some(n)) => Some(n.clone()),
        (None, None) => None,
    };
    let mode = if args.formal { Mode::Formal } else { Mode::SelfTest };

    // Everything that can refuse the run does so before anything is sent.
    if args.formal {
        if args.sign_key.is_none() {
            bail!("--formal needs --sign-key: a formal run exists to produce a signed dossier");
        }
        if catalogue.pack.digest != official {
            bail!(
                "--formal runs the official feature pack only; {} is {} but the official pack is {official}",
                catalogue.display_root,
                catalogue.pack.digest
            );
        }
        if selection.narrows() {
            bail!(
                "--formal judges the whole pack; --tags, --requirement, --area, --rerun-failed and --shard would leave requirements out"
            );
        }
    }
    let sign_key = args.sign_key.as_deref().map(SecretKey::load).transpose()?;
    if args.attestations.is_some() && args.assessor_keys.is_empty() {
        bail!("--attestations needs at least one --assessor-key to check the assessors' signatures");
    }
    let assessors: Vec<PublicKey> = args.assessor_keys.iter().map(|p| PublicKey::load(p)).collect::<Result<_, _>>()?;
    let chosen = catalogue.requirements.iter().filter(|r| selection.selects(r)).count();
    if chosen == 0 {
        match &skip_reason {
            Some(t) => bail!("{t} selects no automated requirement (see `rfa catalogue`)"),
            None => bail!("the feature pack has no automated requirement to run"),
        }
    }
    if args.config.is_some() && (args.latency > 0 || args.jitter > 0) {
        bail!("--latency and --jitter slow the embedded reference candidate; they cannot be combined with --config");
    }
    if args.config.is_some() && !args.defects.is_empty() {
        bail!(
            "--defect breaks the embedded reference candidate, so it cannot be combined with --config (to test a broken reference over HTTP: `rfa reference serve --defect NAME`)"
        );
    }
    let config_file = args.config.as_deref().map(|p| CandidateConfig::load(p, &fixtures)).transpose()?;
    let identity = match &config_file {
        Some(c) => c.identity.clone(),
        None => reference::identity(&args.defects.iter().copied().collect()),
    };
    let attested = match &args.attestations {
        Some(path) => attest::load(path, &assessors, &catalogue, &identity)?,
        None => BTreeMap::new(),
    };
    Ok(Some(RunConfig {
        args,
        fixtures,
        catalogue,
        official,
        selection,
        narrowing,
        skip_reason,
        mode,
        sign_key,
        config_file,
        attested,
    }))
}

/// Phase two: start the candidate if it is the reference, run, judge and
/// write the outputs.
async fn execute(rc: RunConfig) -> anyhow::Result<u8> {
    let preflight = rc.config_file.is_some() && !rc.args.no_preflight;
    let (candidate, reference) = match rc.config_file {
        Some(c) => (c, None),
        None => {
            let defects: DefectSet = rc.args.defects.iter().copied().collect();
            let latency = reference::Latency {
                base: std::time::Duration::from_millis(rc.args.latency),
                jitter: std::time::Duration::from_millis(rc.args.jitter),
            };
            let r = start_embedded(rc.args.shard.is_some(), defects, &rc.fixtures, latency, rc.args.quiet)
                .await
                .context("starting the embedded reference candidate")?;
            (r.candidate_config(&rc.fixtures), Some(r))
        }
    };
    let mut candidate = candidate;
    if let Some(n) = rc.args.max_in_flight {
        candidate.max_in_flight = usize::from(n);
    }
    let candidate = Arc::new(candidate);
    let client = crate::client::Client::new(candidate.clone()).map_err(|e| anyhow::anyhow!("{e}"))?;
    // Before anything is cleared or written, so a candidate that is not
    // there costs the user no earlier outputs.
    if preflight {
        crate::client::preflight::check(&client).await?;
    }
    std::fs::create_dir_all(&rc.args.out)
        .with_context(|| format!("cannot create the output directory {}", rc.args.out.display()))?;
    outputs::clear_stale(&rc.args.out);
    let recorder = Recorder::to_dir(&rc.args.out, rc.args.evidence_budget.saturating_mul(1 << 20))
        .with_context(|| format!("cannot write evidence into {}", rc.args.out.display()))?;
    let recorder = match rc.args.report.report_evidence {
        crate::report::html::ReportEvidence::Failed => recorder.summarising_passed(),
        crate::report::html::ReportEvidence::All => recorder,
    };
    if !rc.args.quiet {
        eprint!(
            "{}",
            terminal::header(&terminal::Header {
                pack_name: &rc.catalogue.pack.name,
                pack_version: &rc.catalogue.pack.version,
                pack_digest: &rc.catalogue.pack.digest,
                candidate: candidate.identity.to_string(),
                base_url: candidate.base_url.as_str(),
            })
        );
    }
    let total: usize =
        rc.catalogue.requirements.iter().filter(|r| rc.selection.selects(r)).map(|r| r.scenarios.len()).sum();
    // A tester's prompts go to the terminal: a progress bar would draw over them.
    let prompting = !rc.args.non_interactive
        && candidate.consumer.as_ref().is_some_and(|c| c.trigger == crate::config::TriggerMode::Interactive);
    let bar = progress_bar(total as u64, rc.args.quiet || prompting);
    let progress = {
        let bar = bar.clone();
        let (plain, verbose) = (bar.is_hidden() && !rc.args.quiet, rc.args.verbose > 0);
        let (mut done, mut failures, mut next_line) = (0usize, 0usize, 0usize);
        Box::new(move |p: Progress<'_>| {
            let Progress::ScenarioFinished { key, name, outcome } = p;
            done += 1;
            if !matches!(outcome, ScenarioOutcome::Passed) {
                failures += 1;
                bar.set_message(format!("{failures} not passed"));
            }
            bar.inc(1);
            if verbose {
                let line = format!("{:>8}  {key}  {name}", outcome.as_str());
                if bar.is_hidden() { eprintln!("{line}") } else { bar.println(line) }
            } else if plain && (done * 10 >= next_line * total || done == total) {
                // Without a terminal: a plain line at every tenth of the way.
                eprintln!("[{done:>4}/{total}] scenarios done, {failures} not passed");
                next_line = done * 10 / total.max(1) + 1;
            }
        })
    };

    let plan = RunPlan {
        catalogue: &rc.catalogue,
        client,
        selection: rc.selection,
        concurrency: usize::from(rc.args.concurrency),
        recorder,
        today: None,
        non_interactive: rc.args.non_interactive,
        trust_nhs_login: reference.as_ref().map(reference::RunningReference::nhs_login_hook),
    };
    let output = runner::execute(plan, Some(progress)).await?;
    bar.finish_and_clear();
    if let Some(r) = reference {
        r.stop().await;
    }

    let v = verdict::judge(&rc.catalogue, &output, rc.skip_reason.as_deref(), &rc.attested);
    let fmt = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let info = RunRecord {
        started: fmt(output.started),
        finished: fmt(output.finished),
        duration_ms: output.duration.as_secs_f64() * 1000.0,
        concurrency: usize::from(rc.args.concurrency),
        tags: rc.args.tags.clone(),
        selection: rc.narrowing.clone(),
        today: Some(crate::support::clock::ymd(output.today)),
    };
    let bundle = output.bundle.clone().context("the evidence bundle was not written")?;
    if bundle.omitted > 0 {
        eprintln!(
            "warning: the evidence budget ({} MiB) was spent: {} exchanges are kept in {} as the sha256, size and first KiB of their bodies, and this run cannot be re-judged (raise --evidence-budget to keep them whole)",
            rc.args.evidence_budget, bundle.omitted, bundle.file
        );
    }
    let written = outputs::write_all(outputs::Outputs {
        out: &rc.args.out,
        catalogue: &rc.catalogue,
        official_digest: &rc.official,
        candidate: &candidate,
        config: ConfigRecord::of(&candidate),
        mode: rc.mode,
        info,
        started: output.started,
        verdict: &v,
        evidence: &output.evidence,
        bundle,
        sign_key: rc.sign_key.as_ref(),
        report_evidence: rc.args.report.report_evidence,
    })?;

    let footer = terminal::Footer {
        duration_s: output.duration.as_secs_f64(),
        concurrency: usize::from(rc.args.concurrency),
        outputs: written,
    };
    let text = terminal::summary(&v, &footer);
    if rc.args.quiet {
        for line in text.lines().filter(|l| l.starts_with("lot")) {
            outln!("{line}");
        }
    } else {
        out!("{text}");
    }
    Ok(v.exit_code())
}

/// Where a sharded run's embedded reference listens (and its TLS endpoint
/// one port up): a fixed address, so shards run one after another record
/// the same candidate config and `rfa merge` joins them. Unsharded runs take
/// free ports.
/// Below Linux's ephemeral range (32768-60999): a port in it can be taken
/// at any moment by the local end of some outgoing connection (47410 was,
/// once, in CI), and the shard would fall back to free ports and not merge.
const SHARD_ADDR: ([u8; 4], u16) = ([127, 0, 0, 1], 27_410);

async fn start_embedded(
    sharded: bool,
    defects: DefectSet,
    fixtures: &crate::fixtures::FixturePack,
    latency: reference::Latency,
    quiet: bool,
) -> std::io::Result<reference::RunningReference> {
    let free: SocketAddr = ([127, 0, 0, 1], 0).into();
    if sharded {
        let addr: SocketAddr = SHARD_ADDR.into();
        let tls = SocketAddr::new(addr.ip(), SHARD_ADDR.1 + 1);
        match reference::start_serving(addr, tls, defects.clone(), fixtures, latency).await {
            Ok(r) => return Ok(r),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                if !quiet {
                    eprintln!(
                        "warning: {addr} is in use (another shard running?): this shard's reference takes free ports, and `rfa merge` joins only shards that ran on the same address"
                    );
                }
            }
            Err(e) => return Err(e),
        }
    }
    reference::start_with(free, defects, fixtures, latency).await
}

fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} scenarios {msg}") {
        bar.set_style(style);
    }
    bar
}
