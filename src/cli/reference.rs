//! `rfa reference serve|defects`.

use std::net::SocketAddr;

use std::io::Write as _;

use anyhow::Context as _;
use clap::Subcommand;

use super::Format;
use crate::fixtures::FixturePack;
use crate::reference::{self, Defect, DefectSet};

#[derive(Debug, Subcommand)]
pub enum ReferenceCommand {
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
        /// Delay every answer by MS milliseconds (a remote system, for benchmarks).
        #[arg(long, value_name = "MS", default_value_t = 0)]
        latency: u64,
        /// Add up to MS milliseconds of random delay to --latency.
        #[arg(long, value_name = "MS", default_value_t = 0)]
        jitter: u64,
        /// Leave this fixture key out of the data it serves (repeatable): a
        /// candidate that failed to load a record, for `rfa fixtures check`.
        #[arg(long, value_name = "KEY")]
        without: Vec<String>,
        /// Address of the TLS endpoint (mutual TLS, the transport checks).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
        tls_addr: SocketAddr,
        /// Write the TLS endpoint's throw-away authorities (server CA, client
        /// CA and its key) here, and print the `[tls]` config section that
        /// uses them. Without it the transport checks cannot be run against
        /// this server (they are skipped).
        #[arg(long, value_name = "DIR")]
        tls_dir: Option<std::path::PathBuf>,
        /// The NHS login its online services trust for patients' ID tokens:
        /// the issuer `rfa run` prints, `http://HOST:PORT/nhslogin` where the
        /// run's `[consumer] listen` (or `public_url`) is. The default is
        /// the one examples/local.toml makes.
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8070/nhslogin")]
        nhs_login_issuer: String,
    },
    /// List the defects the reference can be started with and the
    /// requirements each must make fail.
    Defects {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub async fn dispatch(c: ReferenceCommand) -> anyhow::Result<u8> {
    match c {
        ReferenceCommand::Serve { addr, defects, latency, jitter, without, tls_addr, tls_dir, nhs_login_issuer } => {
            let latency = reference::Latency {
                base: std::time::Duration::from_millis(latency),
                jitter: std::time::Duration::from_millis(jitter),
            };
            serve(Listen { addr, tls_addr, tls_dir, nhs_login_issuer }, defects, latency, &without).await
        }
        ReferenceCommand::Defects { format } => super::list_defects(format),
    }
}

/// Where `serve` listens, and where it writes its TLS authorities.
struct Listen {
    addr: SocketAddr,
    tls_addr: SocketAddr,
    tls_dir: Option<std::path::PathBuf>,
    nhs_login_issuer: String,
}

async fn serve(
    Listen { addr, tls_addr, tls_dir, nhs_login_issuer }: Listen,
    defects: Vec<Defect>,
    latency: reference::Latency,
    without: &[String],
) -> anyhow::Result<u8> {
    let fixtures = FixturePack::embedded()?.without(without).map_err(|unknown| {
        let known: Vec<String> =
            FixturePack::embedded().map(|p| p.keys().map(|(_, k)| k.to_string()).collect()).unwrap_or_default();
        anyhow::anyhow!("--without {}: not a fixture key (known: {})", unknown.join(", "), known.join(", "))
    })?;
    let set: DefectSet = defects.into_iter().collect();
    let r = reference::start_serving(addr, tls_addr, set, &fixtures, latency)
        .await
        .with_context(|| format!("cannot listen on {addr} and {tls_addr}"))?;
    r.trust_nhs_login(nhs_login_issuer.trim_end_matches('/').to_string());
    let tls_section = match &tls_dir {
        Some(dir) => {
            let section = r
                .tls
                .write_pki(dir, &r.tls_base_url)
                .with_context(|| format!("cannot write the TLS authorities to {}", dir.display()))?;
            format!("  TLS config:    add to the config (paths as written):\n{}", indent(&section))
        }
        None => "  TLS config:    pass --tls-dir DIR to write its authorities and get the [tls] section\n".into(),
    };
    let names: Vec<&str> = r.defects.names().collect();
    let banner = format!(
        "rfa reference candidate listening\n  base URL:      {}\n  TLS base URL:  {} (mutual TLS)\n{tls_section}  provider ASID: {}   ODS code: {}\n  as a client:   POST {}/$rfa-trigger; it calls the national services at the trigger's nationalServices\n  NHS login:     {}\n  defects:       {}\n  left out:      {}\n\
         Test it with: rfa run --config examples/local.toml   (Ctrl-C stops the server)\n",
        r.base_url,
        r.tls_base_url,
        r.asid,
        r.ods,
        r.base_url.as_str().trim_end_matches('/'),
        nhs_login_issuer,
        if names.is_empty() { "none (conformant)".into() } else { names.join(", ") },
        if without.is_empty() { "nothing (the whole fixture pack)".into() } else { without.join(", ") }
    );
    // A server whose stdout reader has gone away must keep serving, so the
    // write error is ignored rather than panicking as println! would.
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(banner.as_bytes()).and_then(|_| stdout.flush());
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    r.stop().await;
    Ok(0)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("                 {l}\n")).collect()
}
