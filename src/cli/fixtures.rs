//! `rfa fixtures check`: the data preflight.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Subcommand;

use super::Format;
use crate::config::CandidateConfig;
use crate::fixtures::FixturePack;
use crate::preflight::{self, Status};
use crate::reference::{self, DefectSet};

#[derive(Debug, Subcommand)]
pub enum FixturesCommand {
    /// Look every fixture patient, organisation, practitioner and location up
    /// on the candidate and report, per key, what is missing or different.
    ///
    /// Run it after loading the test-data pack (fixtures/README.md) and
    /// before a long `rfa run`: a record that is missing or differs shows
    /// here by key instead of as failed requirements. Patients are found by
    /// NHS number, organisations by ODS code, practitioners by SDS user id,
    /// locations read by logical id, each through the identity maps of the
    /// config. Exit 0 when everything is as the pack says, 1 when something
    /// is missing, different, unexpectedly present or unanswered, 2 for
    /// usage or config errors.
    Check {
        /// Candidate config [default: the embedded reference candidate].
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub async fn dispatch(c: FixturesCommand) -> anyhow::Result<u8> {
    match c {
        FixturesCommand::Check { config, format } => check(config, format).await,
    }
}

async fn check(config: Option<PathBuf>, format: Format) -> anyhow::Result<u8> {
    let fixtures = FixturePack::embedded()?;
    let (candidate, reference) = match config {
        Some(path) => (CandidateConfig::load(&path, &fixtures)?, None),
        None => {
            let r = reference::start(([127, 0, 0, 1], 0).into(), DefectSet::none(), &fixtures)
                .await
                .context("starting the embedded reference candidate")?;
            (r.candidate_config(&fixtures), Some(r))
        }
    };
    let base = candidate.base_url.to_string();
    let client = crate::client::Client::new(Arc::new(candidate)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let reports = preflight::check(&client, &fixtures).await;
    if let Some(r) = reference {
        r.stop().await;
    }
    let bad = reports.iter().filter(|r| !r.status.is_good()).count();
    match format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&reports)?),
        Format::Table => {
            outln!("fixtures check against {base}");
            let kw = reports.iter().map(|r| r.key.len()).max().unwrap_or(3).max(3);
            let lw = reports.iter().map(|r| r.looked_up.len()).max().unwrap_or(9).max(9);
            outln!("{:<13} {:<kw$} {:<lw$} {:<10} details", "kind", "key", "looked up", "status");
            for r in &reports {
                let details = if r.details.is_empty() { "-".to_string() } else { r.details.join("; ") };
                outln!("{:<13} {:<kw$} {:<lw$} {:<10} {details}", r.kind, r.key, r.looked_up, r.status.as_str());
            }
            let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
            outln!(
                "{} keys: {} ok, {} absent as they should be, {} missing, {} different, {} unexpected, {} unanswered",
                reports.len(),
                count(Status::Ok),
                count(Status::Absent),
                count(Status::Missing),
                count(Status::Different),
                count(Status::Unexpected),
                count(Status::Error),
            );
            if bad > 0 {
                outln!(
                    "{bad} key(s) need attention: load them as fixtures/README.md describes, or map them to your identifiers in the config"
                );
            }
        }
    }
    Ok(u8::from(bad > 0))
}
