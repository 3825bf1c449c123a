//! `rfa register`: the accredited-systems register.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use time::OffsetDateTime;

use super::{Format, load_catalogue};
use crate::register::{Added, Register, site};

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The register directory.
    #[arg(long, value_name = "DIR", default_value = "register", global = true)]
    dir: PathBuf,
    #[command(subcommand)]
    command: RegisterCommand,
}

#[derive(Debug, Subcommand)]
enum RegisterCommand {
    /// Create a register from a trust policy (assurance keys, pinned packs,
    /// validity, the register's signing key). See docs/register.md.
    Init {
        #[arg(long, value_name = "POLICY.toml")]
        policy: PathBuf,
    },
    /// Admit a signed formal dossier, if the policy allows it; exit 1 with
    /// the rule it breaks if not. The same dossier twice is a no-op; a newer
    /// run of the same product version renews its accreditation.
    Add {
        dossier: PathBuf,
        /// Its evidence bundle: checked against the dossier and re-judged.
        #[arg(long, value_name = "FILE")]
        evidence: Option<PathBuf>,
        /// The register's signing key [default: the one named at init].
        #[arg(long, value_name = "KEY")]
        key: Option<PathBuf>,
    },
    /// Revoke a product version's accreditation.
    Revoke {
        product: String,
        version: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Needed when two suppliers have the same product name and version.
        #[arg(long)]
        supplier: Option<String>,
        #[arg(long, value_name = "KEY")]
        key: Option<PathBuf>,
    },
    /// List the accredited systems and their status.
    List {
        /// Status as of this date (YYYY-MM-DD or RFC 3339) [default: now].
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        at: Option<OffsetDateTime>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Recompute the whole log, check every checkpoint signature and
    /// re-verify every admitted dossier against the policy.
    Verify,
    /// Print an inclusion proof for a log entry (JSON).
    Prove { index: u64 },
    /// Print a consistency proof between two log sizes (JSON).
    Consistency { old: u64, new: u64 },
    /// Write the public site: accredited.json, index.html, dossiers, log,
    /// checkpoints and keys.
    Publish {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        at: Option<OffsetDateTime>,
    },
}

fn parse_date(s: &str) -> Result<OffsetDateTime, String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t);
    }
    OffsetDateTime::parse(&format!("{s}T00:00:00Z"), &Rfc3339)
        .map_err(|_| format!("`{s}` is not a date: use YYYY-MM-DD or RFC 3339"))
}

pub async fn run(a: RegisterArgs) -> anyhow::Result<u8> {
    let dir = &a.dir;
    match a.command {
        RegisterCommand::Init { policy } => {
            let reg = Register::init(dir, &policy)?;
            outln!("register initialised in {} (origin {})", dir.display(), reg.policy.origin);
            outln!(
                "  assurance keys: {}",
                reg.policy
                    .assurance_keys
                    .iter()
                    .map(|k| format!("{} ({}…)", k.name, &k.key_id[..16]))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            outln!(
                "  pinned packs:   {}",
                reg.policy
                    .pinned_packs
                    .iter()
                    .map(|p| format!("{} {}", p.name, p.version))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(0)
        }
        RegisterCommand::Add { dossier, evidence, key } => {
            let mut reg = Register::open(dir)?;
            let key = reg.signing_key(key.as_deref())?;
            let bytes = std::fs::read(&dossier).with_context(|| format!("cannot read {}", dossier.display()))?;
            let ev = evidence
                .as_ref()
                .map(|p| std::fs::read(p).with_context(|| format!("cannot read {}", p.display())))
                .transpose()?;
            let catalogue = if ev.is_some() { Some(load_catalogue(None)?) } else { None };
            match reg.add(&bytes, ev.as_deref(), catalogue.as_ref(), &key).await? {
                Ok(Added::Admitted { index, renews, lots }) => {
                    let renewal = renews.map(|r| format!(", renewing entry {r}")).unwrap_or_default();
                    outln!("admitted as entry {index} for {}{renewal}", lots.join(", "));
                    Ok(0)
                }
                Ok(Added::AlreadyAdmitted { index }) => {
                    outln!("already admitted as entry {index}; nothing changed");
                    Ok(0)
                }
                Err(r) => {
                    outln!("rejected: {r}");
                    Ok(1)
                }
            }
        }
        RegisterCommand::Revoke { product, version, reason, supplier, key } => {
            let mut reg = Register::open(dir)?;
            let key = reg.signing_key(key.as_deref())?;
            let index = reg.revoke(&product, &version, supplier.as_deref(), &reason, &key)?;
            outln!("revoked {product} {version} (entry {index})");
            Ok(0)
        }
        RegisterCommand::List { at, format } => {
            let reg = Register::open(dir)?;
            let at = at.unwrap_or_else(OffsetDateTime::now_utc);
            match format {
                Format::Json => outln!("{}", serde_json::to_string_pretty(&site::document(&reg, at))?),
                Format::Table => {
                    outln!(
                        "{:<24} {:<20} {:<10} {:<8} {:<8} {:<11} entry",
                        "supplier",
                        "product",
                        "version",
                        "lots",
                        "status",
                        "valid until"
                    );
                    for l in reg.listings(at) {
                        outln!(
                            "{:<24} {:<20} {:<10} {:<8} {:<8} {:<11} {}",
                            l.system.supplier,
                            l.system.product,
                            l.system.version,
                            l.admission.lots.join(","),
                            format!("{:?}", l.status).to_lowercase(),
                            l.admission.valid_until.get(..10).unwrap_or_default(),
                            l.index
                        );
                    }
                }
            }
            Ok(0)
        }
        RegisterCommand::Verify => {
            let reg = Register::open(dir)?;
            match reg.verify() {
                Ok(summary) => {
                    outln!("{}: valid — {summary}", dir.display());
                    Ok(0)
                }
                Err(problems) => {
                    outln!("{}: INVALID", dir.display());
                    for p in problems {
                        outln!("  {p}");
                    }
                    Ok(1)
                }
            }
        }
        RegisterCommand::Prove { index } => {
            let reg = Register::open(dir)?;
            let Some(proof) = reg.prove(index) else {
                bail!("entry {index} is not in the log (it has {} entries)", reg.lines.len());
            };
            let out = serde_json::json!({ "entry": String::from_utf8_lossy(&reg.lines[index as usize]), "proof": proof, "checkpoint": reg.latest_checkpoint() });
            outln!("{}", serde_json::to_string_pretty(&out)?);
            Ok(0)
        }
        RegisterCommand::Consistency { old, new } => {
            let reg = Register::open(dir)?;
            let Some(proof) = reg.consistency(old, new) else {
                bail!("sizes must satisfy 1 <= OLD <= NEW <= {} (the log's size)", reg.lines.len());
            };
            outln!("{}", serde_json::to_string_pretty(&proof)?);
            Ok(0)
        }
        RegisterCommand::Publish { out, at } => {
            let reg = Register::open(dir)?;
            if let Err(problems) = reg.verify() {
                bail!("the register does not verify, so it is not published:\n  {}", problems.join("\n  "));
            }
            let n = site::publish(&reg, &out, at.unwrap_or_else(OffsetDateTime::now_utc))?;
            outln!("published {n} systems to {}", out.display());
            Ok(0)
        }
    }
}
