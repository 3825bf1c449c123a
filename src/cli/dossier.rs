//! `rfa keys`, `rfa attest` and `rfa verify`: the signing side of the harness.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};

use super::load_catalogue;
use crate::attest::{self, Attestation, AttestedVerdict};
use crate::config::CandidateConfig;
use crate::dossier::verify::{self, Invalid};
use crate::fixtures::FixturePack;
use crate::reference::{self, DefectSet};
use crate::signing::{PublicKey, SecretKey, keys};

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Write a new Ed25519 key pair: NAME.key (PKCS#8 PEM, mode 0600, keep it
    /// secret) and NAME.pub (SubjectPublicKeyInfo PEM, share it).
    Generate {
        /// Path and base name of the two files.
        #[arg(long, value_name = "NAME")]
        out: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Print a key's id (sha256 of its SubjectPublicKeyInfo DER).
    Id {
        /// A .pub file.
        key: PathBuf,
    },
}

pub fn keys(c: KeysCommand) -> anyhow::Result<u8> {
    match c {
        KeysCommand::Generate { out, force } => {
            let (k, p, key) = keys::generate_files(&out, force)?;
            outln!("private key: {} (mode 0600; keep it secret)", k.display());
            outln!("public key:  {}", p.display());
            outln!("key id:      {}", key.public().id());
        }
        KeysCommand::Id { key } => outln!("{}", PublicKey::load(&key)?.id()),
    }
    Ok(0)
}

#[derive(Debug, Args)]
pub struct AttestArgs {
    /// The @manual requirement judged, e.g. RFA-GOV-001.
    #[arg(long, value_name = "ID")]
    requirement: String,
    #[arg(long, value_enum)]
    verdict: AttestedVerdict,
    /// Why: what was examined and what it showed.
    #[arg(long, value_name = "TEXT")]
    rationale: String,
    /// The assessor's name.
    #[arg(long, value_name = "NAME")]
    assessor: String,
    /// The assessor's private key (from `rfa keys generate`).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The candidate's config; its identity is what is attested
    /// [default: the embedded reference candidate].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Feature pack directory [default: the pack built into rfa].
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
    /// Attestation file to append to (created if missing).
    #[arg(long, value_name = "FILE", default_value = "attestations.json")]
    out: PathBuf,
}

pub fn attest(a: AttestArgs) -> anyhow::Result<u8> {
    let catalogue = load_catalogue(a.features.as_deref())?;
    let Some(req) = catalogue.requirement(&a.requirement) else {
        bail!("{} is not a requirement of the feature pack (see `rfa catalogue`)", a.requirement);
    };
    if !req.manual {
        bail!("{} is tested by the harness; only @manual requirements are attested", a.requirement);
    }
    if a.rationale.trim().is_empty() || a.assessor.trim().is_empty() {
        bail!("--rationale and --assessor must say something: they are what the register shows");
    }
    let key = SecretKey::load(&a.key)?;
    let fixtures = FixturePack::embedded()?;
    let candidate = match &a.config {
        Some(p) => CandidateConfig::load(p, &fixtures)?.identity,
        None => reference::identity(&DefectSet::none()),
    };
    let attestation = Attestation {
        requirement: a.requirement.clone(),
        verdict: a.verdict,
        rationale: a.rationale,
        assessor: a.assessor,
        attested_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        candidate: candidate.clone(),
        pack_digest: catalogue.pack.digest.clone(),
    };
    let n = attest::append(&a.out, &attestation, &key)?;
    outln!("attested {} {:?} for {candidate} ({} attestation(s) in {})", a.requirement, a.verdict, n, a.out.display());
    Ok(0)
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed dossier (dossier.json).
    dossier: PathBuf,
    /// A trusted public key (repeatable; any one of them may have signed).
    #[arg(long = "key", value_name = "PUB", required = true)]
    keys: Vec<PathBuf>,
    /// The evidence bundle [default: the file the dossier names, next to it].
    #[arg(long, value_name = "FILE")]
    evidence: Option<PathBuf>,
    /// Re-judge every automated requirement from the evidence alone and
    /// compare with the dossier.
    #[arg(long)]
    rejudge: bool,
    /// Feature pack to re-judge with [default: the pack built into rfa].
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
}

pub async fn verify(a: VerifyArgs) -> anyhow::Result<u8> {
    let bytes = std::fs::read(&a.dossier).with_context(|| format!("cannot read {}", a.dossier.display()))?;
    let keys: Vec<PublicKey> = a.keys.iter().map(|p| PublicKey::load(p)).collect::<Result<_, _>>()?;
    let invalid = |what: &str, e: &Invalid| {
        outln!("{}: INVALID — {what}: {e}", a.dossier.display());
        Ok(1)
    };
    let opened = match verify::open(&bytes, &keys) {
        Ok(o) => o,
        Err(e) => {
            if serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|v| v.get("_type").is_some()) {
                outln!(
                    "{}: INVALID — this is an unsigned statement; only a signed dossier (dossier.json) verifies",
                    a.dossier.display()
                );
                return Ok(1);
            }
            return invalid("signature", &e);
        }
    };
    let s = &opened.statement;
    let p = &s.predicate;
    outln!("{}", a.dossier.display());
    outln!("  signature:  valid, Ed25519, {}", opened.key.describe());
    outln!("  statement:  in-toto Statement v1, predicate {}", s.predicate_type);
    outln!("  candidate:  {} — mode {} — harness {}", p.candidate, p.mode.as_str(), p.harness.version);
    outln!(
        "  pack:       {} {} {}{}",
        p.pack.name,
        p.pack.version,
        p.pack.digest,
        if p.pack.official { " (official)" } else { "" }
    );
    let evidence_path =
        a.evidence.clone().or_else(|| a.dossier.parent().map(|d| d.join(&p.evidence.file)).filter(|f| f.exists()));
    let records = match &evidence_path {
        Some(path) => {
            let bundle = std::fs::read(path).with_context(|| format!("cannot read the evidence {}", path.display()))?;
            match verify::check_evidence(s, &bundle) {
                Ok(r) => {
                    outln!("  evidence:   {} — sha256 matches, {} exchanges", path.display(), r.len());
                    Some(r)
                }
                Err(e) => return invalid("evidence", &e),
            }
        }
        None => {
            outln!("  evidence:   not checked (no --evidence and no {} next to the dossier)", p.evidence.file);
            None
        }
    };
    if a.rejudge {
        let Some(records) = records else {
            bail!("--rejudge needs the evidence bundle: give --evidence FILE");
        };
        let catalogue = load_catalogue(a.features.as_deref())?;
        let disagreements = verify::rejudge(s, records, &catalogue).await?;
        let automated =
            p.requirements.iter().filter(|r| !r.head.manual && r.outcome != crate::verdict::Outcome::Skipped).count();
        if !disagreements.is_empty() {
            outln!("  rejudge:    DISAGREES on {} point(s):", disagreements.len());
            for d in &disagreements {
                outln!("    {}: dossier says {}, the evidence says {}", d.requirement, d.recorded, d.rejudged);
            }
            outln!("INVALID");
            return Ok(1);
        }
        outln!("  rejudge:    {automated} automated requirements re-judged from the evidence alone: all agree");
    }
    for lot in &p.lots {
        outln!(
            "  {}:       {} ({} of {} must requirements passed)",
            lot.lot,
            lot.verdict,
            lot.must.passed,
            lot.must.total
        );
    }
    outln!("valid");
    Ok(0)
}
