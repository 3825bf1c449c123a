//! The command line: parses arguments, wires the pipeline stages together,
//! and maps every outcome to an exit code (0 pass, 1 fail, 2 usage/input).

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::catalogue::Catalogue;
use crate::model::{CatalogueDoc, DefectDoc};
use crate::report::html::ReportEvidence;

/// `println!` and `print!` for rfa's standard output, which may be closed
/// early (`rfa reference defects | head`): the std macros panic then. The
/// output is a view; the files and the exit code are the result, so a
/// closed pipe is not an error and the command carries on.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod dossier;
mod fixtures;
mod merge;
mod reference;
mod register;
mod run;

const EXAMPLES: &str = "\
Examples:
  rfa run                                  test the built-in reference candidate (a demo of the whole flow)
  rfa run --config candidate.toml          test your own GP system (see examples/candidate.toml)
  rfa run --tags '@lot1 and @must'         only the mandatory lot 1 requirements
  rfa keys generate --out me && rfa run --sign-key me.key
                                           a signed dossier (rfa-out/dossier.json)
  rfa verify rfa-out/dossier.json --key me.pub --rejudge
                                           check a dossier and re-judge it from its evidence
  rfa catalogue                            what is tested, requirement by requirement
  rfa fixtures check --config candidate.toml
                                           does the candidate hold the test-data pack?
  rfa reference serve --defect accepts-expired-jwt
                                           a deliberately broken candidate to test against

Exit codes: 0 every @must requirement that ran passed (verify: the dossier is valid) · 1 one did not (verify:
invalid) · 2 usage, config, feature-pack or input error";

/// Accreditation harness for GP clinical systems (GP Systems of Choice RFA).
///
/// rfa drives a candidate GP system's GP Connect-style FHIR API, judges every
/// requirement of the Requirements for Accreditation encoded in its feature
/// pack, and writes results for people (terminal), tools (JSON, JUnit) and
/// the register (a signed dossier).
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
    /// set-up. Into --out go report.html (for people), results.json,
    /// junit.xml, cucumber.json, evidence.ndjson (every
    /// exchange, written as the run goes), scenarios.ndjson (each outcome as
    /// it is known), statement.json (the unsigned dossier statement) and, with
    /// --sign-key, dossier.json (the signed dossier).
    Run(run::RunArgs),
    /// Join the outputs of sharded runs (`rfa run --shard K/N`) into one
    /// set of outputs, as if the pack had run in one go.
    Merge(merge::MergeArgs),
    /// Check a signed dossier: signature, statement, evidence, and optionally
    /// re-judge every automated requirement from the evidence alone.
    ///
    /// Exit 0 when the dossier is valid (and re-judging agrees), 1 when it is
    /// not, 2 when an input cannot be used (missing file, bad key).
    Verify(dossier::VerifyArgs),
    /// Record an assessor's signed verdict on a @manual requirement.
    ///
    /// Appends to an attestation file that `rfa run --attestations` folds
    /// into the results and dossier.
    Attest(dossier::AttestArgs),
    /// The accredited-systems register: admit formal dossiers, revoke,
    /// verify the transparency log, prove entries, publish the list.
    Register(register::RegisterArgs),
    /// Manage Ed25519 signing keys.
    Keys {
        #[command(subcommand)]
        command: dossier::KeysCommand,
    },
    /// List the requirements of a feature pack (and check the pack).
    ///
    /// Shows each requirement's ID, lot, level, number of scenarios and how
    /// many reference defects prove it can fail. A malformed pack (duplicate
    /// IDs, untagged rules, unknown tags, steps without a definition) is
    /// reported with file and line, exit code 2.
    Catalogue(CatalogueArgs),
    /// Check that a candidate holds the test-data pack (`fixtures check`).
    Fixtures {
        #[command(subcommand)]
        command: fixtures::FixturesCommand,
    },
    /// Run or describe the embedded reference candidate.
    Reference {
        #[command(subcommand)]
        command: reference::ReferenceCommand,
    },
}

#[derive(Debug, Args)]
struct CatalogueArgs {
    /// Feature pack directory [default: the pack built into rfa].
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Options of the outputs `rfa run` and `rfa merge` both write.
#[derive(Debug, Clone, Copy, Args)]
pub struct ReportArgs {
    /// Which exchanges report.html embeds. evidence.ndjson always holds
    /// every exchange; for a scenario whose exchanges are not embedded the
    /// page names their records there (each line's `"id"`; results.json
    /// lists them per scenario too).
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = ReportEvidence::Failed)]
    pub report_evidence: ReportEvidence,
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
    if let Err(bad) = crate::support::clock::faked() {
        eprintln!("error: {}=`{bad}` is not a date (YYYY-MM-DD)", crate::support::clock::TODAY_ENV);
        return 2;
    }
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
        Command::Run(args) => run::run(args).await,
        Command::Verify(args) => dossier::verify(args).await,
        Command::Merge(args) => merge::merge(args).await,
        Command::Attest(args) => dossier::attest(args),
        Command::Keys { command } => dossier::keys(command),
        Command::Register(args) => register::run(args).await,
        Command::Catalogue(args) => catalogue(args),
        Command::Fixtures { command } => fixtures::dispatch(command).await,
        Command::Reference { command } => reference::dispatch(command).await,
    }
}

/// Loads and validates a pack (the built-in one without `dir`).
/// The feature pack (built in, or `--features DIR`), checked against the
/// step definitions.
pub(crate) fn load_catalogue(dir: Option<&Path>) -> anyhow::Result<Catalogue> {
    Ok(crate::runner::load_catalogue(dir)?)
}

fn killers(id: &str) -> Vec<String> {
    crate::reference::defects::ALL.iter().filter(|d| d.targets().contains(&id)).map(|d| d.name().to_string()).collect()
}

/// "routes: 199 national, 31 readback, 157 extension; 59% of 387 automated
/// requirements judged through national interfaces" (DESIGN.md point 4).
fn route_summary(doc: &CatalogueDoc) -> String {
    let counts = doc.by_route();
    let automated: usize = counts.iter().map(|(_, n)| n).sum();
    let national: usize = counts.iter().filter(|(r, _)| r.is_national()).map(|(_, n)| n).sum();
    let list: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    format!(
        "routes: {}; {}% of {automated} automated requirements judged through national interfaces",
        list.join(", "),
        (national * 100).checked_div(automated).unwrap_or(0)
    )
}

fn catalogue(args: CatalogueArgs) -> anyhow::Result<u8> {
    let c = load_catalogue(args.features.as_deref())?;
    let doc = CatalogueDoc::new(&c, killers);
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&doc)?),
        Format::Table => {
            outln!("pack {} {}  {}", doc.pack.name, doc.pack.version, doc.pack.digest);
            outln!("{:<13} {:<5} {:<7} {:<9} {:>5} {:>8}  title", "id", "lot", "level", "route", "scen", "defects");
            for r in &doc.requirements {
                let level = format!(
                    "{}{}{}",
                    r.level,
                    if r.manual { "*" } else { "" },
                    if r.profile_decision() { "+" } else { "" }
                );
                outln!(
                    "{:<13} {:<5} {:<7} {:<9} {:>5} {:>8}  {}",
                    r.id,
                    r.lot,
                    level,
                    r.route.map_or("-", |r| r.as_str()),
                    r.scenarios.len(),
                    r.killed_by.len(),
                    r.title
                );
            }
            let untested = doc.requirements.iter().filter(|r| r.killed_by.is_empty() && !r.manual).count();
            outln!(
                "{} requirements, {} scenarios; {}",
                doc.requirements.len(),
                c.scenario_count(),
                if untested == 0 {
                    "every automated requirement is failed by at least one reference defect".to_string()
                } else {
                    format!("{untested} no reference defect can fail (untested)")
                }
            );
            outln!("{}", route_summary(&doc));
            let reasons: std::collections::BTreeMap<&str, &str> =
                doc.requirements.iter().filter_map(|r| Some((r.file.as_str(), r.route_reason.as_deref()?))).collect();
            if !reasons.is_empty() {
                outln!("extension: why no national interface judges these yet (pack.toml [extension]):");
                for (file, why) in reasons {
                    outln!("  {file}: {why}");
                }
            }
            if doc.requirements.iter().any(|r| r.manual) {
                outln!("* @manual: attested by an assessor, not run");
            }
            if doc.requirements.iter().any(|r| r.profile_decision()) {
                outln!("+ @profile-decision: stricter than GP Connect, judged as @should (never decides a lot)");
            }
        }
    }
    Ok(0)
}

fn list_defects(format: Format) -> anyhow::Result<u8> {
    let doc: Vec<DefectDoc> = crate::reference::defects::ALL
        .iter()
        .map(|d| DefectDoc { name: d.name(), description: d.description(), targets: d.targets().to_vec() })
        .collect();
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&doc)?),
        Format::Table => {
            let width = doc.iter().map(|d| d.name.len()).max().unwrap_or(4);
            outln!("{:<width$}  {:<12}  description", "name", "targets");
            for d in &doc {
                outln!("{:<width$}  {:<12}  {}", d.name, d.targets.join(","), d.description);
            }
        }
    }
    Ok(0)
}
