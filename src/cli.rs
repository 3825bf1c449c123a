//! The command line: parses arguments, wires the pipeline stages together,
//! and maps every outcome to an exit code (0 pass, 1 fail, 2 usage/input).

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::catalogue::{Catalogue, PackFiles};
use crate::config::CandidateConfig;
use crate::fixtures::FixturePack;
use crate::model::{CatalogueDoc, ResultsDoc, RunInfo, defects_doc};
use crate::reference::{self, Defect, DefectSet};
use crate::report::{self, terminal};
use crate::runner::{self, Progress, RunPlan, ScenarioOutcome, Selection, TagFilter};
use crate::steps::StepTable;
use crate::verdict;

const EXAMPLES: &str = "\
Examples:
  rfa run                                  test the built-in reference candidate (a demo of the whole flow)
  rfa run --config candidate.toml          test your own GP system (see examples/candidate.toml)
  rfa run --tags '@lot1 and @must'         only the mandatory lot 1 requirements
  rfa catalogue                            what is tested, requirement by requirement
  rfa reference serve --defect accepts-expired-jwt
                                           a deliberately broken candidate to test against

Exit codes: 0 every @must requirement that ran passed · 1 one did not · 2 usage, config, feature-pack or input error";

/// Accreditation harness for GP clinical systems (GP Systems of Choice RFA).
///
/// rfa drives a candidate GP system's GP Connect-style FHIR API, judges every
/// requirement of the Requirements for Accreditation encoded in its feature
/// pack, and writes results for people (terminal) and tools (JSON, JUnit).
#[derive(Debug, Parser)]
#[command(name = "rfa", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Test a candidate GP system against the requirements and write results.
    ///
    /// Without --config, rfa starts its embedded reference candidate on
    /// 127.0.0.1 (a free port) and tests that, so the whole flow runs with no
    /// set-up. Results go to --out: results.json (every requirement, scenario
    /// and exchange) and junit.xml (one testcase per requirement).
    Run(RunArgs),
    /// List the requirements of a feature pack (and check the pack).
    ///
    /// Shows each requirement's ID, lot, level, number of scenarios and how
    /// many reference defects prove it can fail. A malformed pack (duplicate
    /// IDs, untagged rules, unknown tags, steps without a definition) is
    /// reported with file and line, exit code 2.
    Catalogue(CatalogueArgs),
    /// Run or describe the embedded reference candidate.
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
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
    /// Directory for results.json and junit.xml (created if missing).
    #[arg(long, value_name = "DIR", default_value = "rfa-out")]
    out: PathBuf,
    /// Scenarios in flight at once; @serial scenarios always run alone.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,
    /// Break the embedded reference candidate with this defect (repeatable;
    /// only without --config). `rfa reference defects` lists them.
    #[arg(long = "defect", value_name = "NAME", value_parser = reference::defects::parse)]
    defects: Vec<Defect>,
    /// Print only the verdict lines, no progress or tables.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct CatalogueArgs {
    /// Feature pack directory [default: the pack built into rfa].
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum ReferenceCommand {
    /// Serve the reference candidate until Ctrl-C.
    ///
    /// It prints its base URL; examples/local.toml points at the default
    /// address, so `rfa run --config examples/local.toml` tests it.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Break one behaviour (repeatable); `rfa reference defects` lists them.
        #[arg(long = "defect", value_name = "NAME", value_parser = reference::defects::parse)]
        defects: Vec<Defect>,
    },
    /// List the defects the reference can be started with and the
    /// requirements each must make fail.
    Defects {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
}

/// Runs the command line; returns the process exit code.
pub async fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    init_tracing();
    match dispatch(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

async fn dispatch(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Run(args) => run(args).await,
        Command::Catalogue(args) => catalogue(args),
        Command::Reference { command: ReferenceCommand::Serve { addr, defects } } => serve(addr, defects).await,
        Command::Reference { command: ReferenceCommand::Defects { format } } => list_defects(format),
    }
}

/// Loads and validates a pack (the built-in one without `dir`).
pub fn load_catalogue(dir: Option<&Path>) -> anyhow::Result<Catalogue> {
    let files = match dir {
        Some(d) => PackFiles::from_dir(d)?,
        None => PackFiles::embedded()?,
    };
    Ok(Catalogue::load(&files, &StepTable::new())?)
}

fn killers(id: &str) -> Vec<String> {
    reference::defects::ALL.iter().filter(|d| d.targets().contains(&id)).map(|d| d.name().to_string()).collect()
}

fn catalogue(args: CatalogueArgs) -> anyhow::Result<u8> {
    let c = load_catalogue(args.features.as_deref())?;
    let doc = CatalogueDoc::new(&c, killers);
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&doc)?),
        Format::Table => {
            println!("pack {} {}  {}", doc.pack.name, doc.pack.version, doc.pack.digest);
            println!("{:<13} {:<5} {:<7} {:>5} {:>8}  title", "id", "lot", "level", "scen", "defects");
            for r in &doc.requirements {
                let level = if r.manual { format!("{}*", r.level) } else { r.level.to_string() };
                println!(
                    "{:<13} {:<5} {:<7} {:>5} {:>8}  {}",
                    r.id,
                    r.lot,
                    level,
                    r.scenarios.len(),
                    r.killed_by.len(),
                    r.title
                );
            }
            let untested = doc.requirements.iter().filter(|r| r.killed_by.is_empty() && !r.manual).count();
            println!(
                "{} requirements, {} scenarios; {}",
                doc.requirements.len(),
                c.scenario_count(),
                if untested == 0 {
                    "every automated requirement is failed by at least one reference defect".to_string()
                } else {
                    format!("{untested} no reference defect can fail (untested)")
                }
            );
            if doc.requirements.iter().any(|r| r.manual) {
                println!("* @manual: attested by an assessor, not run");
            }
        }
    }
    Ok(0)
}

fn list_defects(format: Format) -> anyhow::Result<u8> {
    let doc = defects_doc();
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&doc)?),
        Format::Table => {
            let width = doc.iter().map(|d| d.name.len()).max().unwrap_or(4);
            println!("{:<width$}  {:<12}  description", "name", "targets");
            for d in &doc {
                println!("{:<width$}  {:<12}  {}", d.name, d.targets.join(","), d.description);
            }
        }
    }
    Ok(0)
}

async fn serve(addr: SocketAddr, defects: Vec<Defect>) -> anyhow::Result<u8> {
    let fixtures = FixturePack::embedded()?;
    let set: DefectSet = defects.into_iter().collect();
    let r = reference::start(addr, set, &fixtures).await.with_context(|| format!("cannot listen on {addr}"))?;
    println!("rfa reference candidate listening");
    println!("  base URL:      {}", r.base_url);
    println!("  provider ASID: {}   ODS code: {}", r.asid, r.ods);
    let names: Vec<&str> = r.defects.iter().map(Defect::name).collect();
    println!("  defects:       {}", if names.is_empty() { "none (conformant)".into() } else { names.join(", ") });
    println!("Test it with: rfa run --config examples/local.toml   (Ctrl-C stops the server)");
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    r.stop().await;
    Ok(0)
}

async fn run(args: RunArgs) -> anyhow::Result<u8> {
    let fixtures = FixturePack::embedded().context("the built-in fixture pack")?;
    let catalogue = load_catalogue(args.features.as_deref())?;
    let selection = Selection { tags: args.tags.as_deref().map(TagFilter::parse).transpose()? };
    let chosen = catalogue.requirements.iter().filter(|r| selection.selects(r)).count();
    if chosen == 0 {
        match &args.tags {
            Some(t) => bail!("--tags {t} selects no automated requirement (see `rfa catalogue`)"),
            None => bail!("the feature pack has no automated requirement to run"),
        }
    }
    if args.config.is_some() && !args.defects.is_empty() {
        bail!(
            "--defect breaks the embedded reference candidate, so it cannot be combined with --config (to test a broken reference over HTTP: `rfa reference serve --defect NAME`)"
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))?;

    let (candidate, reference) = match &args.config {
        Some(path) => (CandidateConfig::load(path, &fixtures)?, None),
        None => {
            let defects: DefectSet = args.defects.iter().copied().collect();
            let addr: SocketAddr = ([127, 0, 0, 1], 0).into();
            let r = reference::start(addr, defects, &fixtures)
                .await
                .context("starting the embedded reference candidate")?;
            (r.candidate_config(&fixtures), Some(r))
        }
    };
    let candidate = Arc::new(candidate);
    if !args.quiet {
        eprint!(
            "{}",
            terminal::header(&terminal::Header {
                pack_name: &catalogue.pack.name,
                pack_version: &catalogue.pack.version,
                pack_digest: &catalogue.pack.digest,
                candidate: candidate.identity.to_string(),
                base_url: candidate.base_url.as_str(),
            })
        );
    }
    let total: usize = catalogue.requirements.iter().filter(|r| selection.selects(r)).map(|r| r.scenarios.len()).sum();
    let bar = progress_bar(total as u64, args.quiet);
    let progress_bar = bar.clone();
    let mut failures = 0usize;
    let progress = Box::new(move |p: Progress<'_>| {
        let Progress::ScenarioFinished { outcome, .. } = p;
        if !matches!(outcome, ScenarioOutcome::Passed) {
            failures += 1;
            progress_bar.set_message(format!("{failures} not passed"));
        }
        progress_bar.inc(1);
    });

    let plan = RunPlan {
        catalogue: &catalogue,
        candidate: candidate.clone(),
        selection: selection.clone(),
        concurrency: usize::from(args.concurrency),
    };
    let output = runner::execute(plan, Some(progress)).await?;
    bar.finish_and_clear();
    if let Some(r) = reference {
        r.stop().await;
    }

    let tags = args.tags.as_deref();
    let v = verdict::judge(&catalogue, &output, tags);
    let fmt = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let info = RunInfo {
        started: fmt(output.started),
        finished: fmt(output.finished),
        duration_ms: output.duration.as_secs_f64() * 1000.0,
        concurrency: usize::from(args.concurrency),
        tags: args.tags.clone(),
    };
    let results_path = args.out.join("results.json");
    let doc = ResultsDoc::new(&catalogue, &candidate, info, &v);
    let json = serde_json::to_vec_pretty(&doc)?;
    report::write_atomic(&results_path, &json).with_context(|| format!("writing {}", results_path.display()))?;
    let junit_path = args.out.join("junit.xml");
    let xml = report::junit::render(&v, output.started)?;
    report::write_atomic(&junit_path, &xml).with_context(|| format!("writing {}", junit_path.display()))?;

    let footer = terminal::Footer {
        duration_s: output.duration.as_secs_f64(),
        concurrency: usize::from(args.concurrency),
        outputs: vec![("results", results_path.display().to_string()), ("junit", junit_path.display().to_string())],
    };
    let text = terminal::summary(&v, &footer);
    if args.quiet {
        for line in text.lines().filter(|l| l.starts_with("lot")) {
            println!("{line}");
        }
    } else {
        print!("{text}");
    }
    Ok(v.exit_code())
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
