//! Assessor attestations for `@manual` requirements (a clinical safety case,
//! information governance, hosting): what an assessor judged, why, and who,
//! each signed with the assessor's key as a DSSE envelope. `rfa attest`
//! writes them; `rfa run --attestations` checks and folds them into the
//! results and dossier.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;
use crate::config::CandidateIdentity;
use crate::signing::{Envelope, PublicKey, SecretKey};

pub const PAYLOAD_TYPE: &str = "application/vnd.rfa.attestation+json";
pub const FILE_FORMAT: &str = "rfa-attestations/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AttestedVerdict {
    Passed,
    Failed,
}

/// What an assessor signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    pub requirement: String,
    pub verdict: AttestedVerdict,
    pub rationale: String,
    pub assessor: String,
    /// RFC 3339.
    pub attested_at: String,
    /// The system attested: an attestation for one product never counts for another.
    pub candidate: CandidateIdentity,
    /// The pack whose requirement text the assessor judged against.
    pub pack_digest: String,
}

/// The file: signed attestations, one envelope each.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestationFile {
    pub format: String,
    pub attestations: Vec<Envelope>,
}

/// A checked attestation, as results and dossiers record it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attested {
    pub verdict: AttestedVerdict,
    pub rationale: String,
    pub assessor: String,
    pub attested_at: String,
    /// sha256 of the SPKI of the key that signed it.
    pub key_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    #[error("{path}: cannot be read: {cause}")]
    Read { path: String, cause: std::io::Error },
    #[error("{path}: cannot be written: {cause}")]
    Write { path: String, cause: std::io::Error },
    #[error("{path}: not an attestation file: {message}")]
    Format { path: String, message: String },
    #[error("{path}: attestation {index}: {message}")]
    Entry { path: String, index: usize, message: String },
}

fn read_file(path: &Path) -> Result<AttestationFile, AttestError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| AttestError::Read { path: shown.clone(), cause: source })?;
    parse_file(&bytes, &shown)
}

/// Parses attestation-file bytes (`shown` names them in errors); the
/// signatures are checked by [`load`].
pub fn parse_file(bytes: &[u8], shown: &str) -> Result<AttestationFile, AttestError> {
    let shown = shown.to_string();
    let file: AttestationFile = serde_json::from_slice(bytes)
        .map_err(|e| AttestError::Format { path: shown.clone(), message: e.to_string() })?;
    if file.format != FILE_FORMAT {
        return Err(AttestError::Format {
            path: shown,
            message: format!("format is `{}`, expected `{FILE_FORMAT}`", file.format),
        });
    }
    Ok(file)
}

/// Signs `a` and appends it to the file at `path` (created if missing).
pub fn append(path: &Path, a: &Attestation, key: &SecretKey) -> Result<usize, AttestError> {
    let shown = path.display().to_string();
    let mut file = if path.exists() {
        read_file(path)?
    } else {
        AttestationFile { format: FILE_FORMAT.into(), attestations: Vec::new() }
    };
    let payload =
        serde_json::to_vec(a).map_err(|e| AttestError::Format { path: shown.clone(), message: e.to_string() })?;
    file.attestations.push(Envelope::sign(PAYLOAD_TYPE, &payload, key));
    let json = serde_json::to_vec_pretty(&file)
        .map_err(|e| AttestError::Format { path: shown.clone(), message: e.to_string() })?;
    crate::support::fs::write_atomic(path, &json)
        .map_err(|source| AttestError::Write { path: shown, cause: source })?;
    Ok(file.attestations.len())
}

/// Loads a file and checks every entry: signed by a trusted assessor key,
/// about a `@manual` requirement of this pack, for this candidate, at most
/// one per requirement. Any entry that fails is an error naming it.
pub fn load(
    path: &Path,
    assessors: &[PublicKey],
    catalogue: &Catalogue,
    candidate: &CandidateIdentity,
) -> Result<BTreeMap<String, Attested>, AttestError> {
    let shown = path.display().to_string();
    let file = read_file(path)?;
    let mut out = BTreeMap::new();
    for (i, env) in file.attestations.iter().enumerate() {
        let index = i + 1;
        let entry = |message: String| AttestError::Entry { path: shown.clone(), index, message };
        let (payload, key) = env
            .verify(PAYLOAD_TYPE, assessors)
            .map_err(|e| entry(format!("{e} (is its assessor's public key among --assessor-key?)")))?;
        let a: Attestation = serde_json::from_slice(&payload)
            .map_err(|e| entry(format!("the signed payload is not an attestation: {e}")))?;
        let Some(req) = catalogue.requirement(&a.requirement) else {
            return Err(entry(format!("{} is not a requirement of this feature pack", a.requirement)));
        };
        if !req.manual {
            return Err(entry(format!(
                "{} is tested by the harness, not attested (only @manual requirements take attestations)",
                a.requirement
            )));
        }
        if a.pack_digest != catalogue.pack.digest {
            return Err(entry(format!(
                "it was made against pack {}, this run uses {}",
                a.pack_digest, catalogue.pack.digest
            )));
        }
        if &a.candidate != candidate {
            return Err(entry(format!("it attests {}, this run tests {candidate}", a.candidate)));
        }
        let record = Attested {
            verdict: a.verdict,
            rationale: a.rationale,
            assessor: a.assessor,
            attested_at: a.attested_at,
            key_id: key.id(),
        };
        if out.insert(a.requirement.clone(), record).is_some() {
            return Err(entry(format!("a second attestation for {}: keep one per requirement", a.requirement)));
        }
    }
    Ok(out)
}
