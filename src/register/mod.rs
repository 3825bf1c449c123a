//! The accredited-systems register: an append-only, Merkle-hashed log of
//! admissions, renewals and revocations, each decided by the trust policy,
//! with a signed checkpoint after every change and a published static site.
//!
//! A register is a directory: `log.ndjson`, `checkpoints.ndjson`,
//! `dossiers/<sha256>.json` (every admitted dossier, as admitted) and
//! `local.toml` (where the signing key lives; never published).

pub mod log;
pub mod merkle;
pub mod policy;
pub mod site;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::dossier::Mode;
use crate::dossier::statement::{ACCREDITABLE, Statement};
use crate::dossier::verify;
use crate::signing::{PublicKey, SecretKey};
use crate::verdict::Outcome;
pub use log::{Admission, Checkpoint, Entry, Revocation, SystemId};
pub use policy::ResolvedPolicy;

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Log(#[from] log::LogError),
    #[error(transparent)]
    Policy(#[from] policy::PolicyError),
    #[error(transparent)]
    Key(#[from] crate::signing::KeyError),
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {cause}")]
    Io { path: String, cause: std::io::Error },
}

/// Why a dossier was not admitted: the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("not signed by a trusted assurance key: {0}")]
    Untrusted(String),
    #[error("a self-test dossier: only formal runs (rfa run --formal) are accredited")]
    SelfTest,
    #[error("feature pack {name} {version} ({digest}) is not pinned by the policy")]
    UnpinnedPack { name: String, version: String, digest: String },
    #[error("no lot is accreditable: {0}")]
    NoLot(String),
    #[error("the evidence does not support the dossier: {0}")]
    Evidence(String),
    #[error("{system} was revoked (entry {index}); accredit a new version instead")]
    Revoked { system: String, index: u64 },
    #[error("{system} already has an accreditation from a later run (entry {index})")]
    Older { system: String, index: u64 },
}

/// What `add` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Admitted { index: u64, renews: Option<u64>, lots: Vec<String> },
    AlreadyAdmitted { index: u64 },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Local {
    signing_key: PathBuf,
}

pub const LOCAL_FILE: &str = "local.toml";

pub fn now() -> String {
    OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default()
}

fn parse_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A register directory, read whole.
pub struct Register {
    pub dir: PathBuf,
    pub lines: Vec<Vec<u8>>,
    pub entries: Vec<Entry>,
    pub checkpoints: Vec<Checkpoint>,
    pub policy: ResolvedPolicy,
}

/// Where a system stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Expired,
    Revoked,
}

/// One system as the register lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub system: SystemId,
    pub status: Status,
    pub index: u64,
    pub admission: Admission,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation: Option<Revocation>,
    /// Earlier admissions this one renewed.
    pub renewed: Vec<u64>,
}

impl Register {
    /// Creates a register in `dir` from a policy file.
    pub fn init(dir: &Path, policy_file: &Path) -> Result<Self, RegisterError> {
        if dir.join(log::LOG_FILE).exists() {
            return Err(RegisterError::Usage(format!("{} already holds a register", dir.display())));
        }
        let (policy, key, key_path) = ResolvedPolicy::load(policy_file)?;
        let io = |source| RegisterError::Io { path: dir.display().to_string(), cause: source };
        std::fs::create_dir_all(dir.join("dossiers")).map_err(io)?;
        let local = toml::to_string(&Local { signing_key: key_path }).unwrap_or_default();
        std::fs::write(dir.join(LOCAL_FILE), local).map_err(io)?;
        let mut reg = Register {
            dir: dir.to_path_buf(),
            lines: vec![],
            entries: vec![],
            checkpoints: vec![],
            policy: policy.clone(),
        };
        reg.append(Entry::Init { time: now(), policy }, &key)?;
        Ok(reg)
    }

    /// Reads a register (without verifying it: see [`Register::verify`]).
    pub fn open(dir: &Path) -> Result<Self, RegisterError> {
        let log_path = dir.join(log::LOG_FILE);
        let lines = log::read_lines(&log_path)?;
        if lines.is_empty() {
            return Err(RegisterError::Usage(format!(
                "{} holds no register (create one with `rfa register --dir {} init --policy POLICY.toml`)",
                dir.display(),
                dir.display()
            )));
        }
        let entries = log::parse_entries(&log_path, &lines)?;
        let cp_path = dir.join(log::CHECKPOINTS_FILE);
        let checkpoints = log::parse_checkpoints(&cp_path, &log::read_lines(&cp_path)?)?;
        let Some(Entry::Init { policy, .. }) = entries.first() else {
            return Err(log::LogError::Line {
                path: log_path.display().to_string(),
                line: 1,
                message: "the first entry must be the register's init entry".into(),
            }
            .into());
        };
        let policy = policy.clone();
        Ok(Self { dir: dir.to_path_buf(), lines, entries, checkpoints, policy })
    }

    /// The register's signing key, from `local.toml` unless given.
    pub fn signing_key(&self, given: Option<&Path>) -> Result<SecretKey, RegisterError> {
        let path = match given {
            Some(p) => p.to_path_buf(),
            None => {
                let text = std::fs::read_to_string(self.dir.join(LOCAL_FILE)).map_err(|source| RegisterError::Io {
                    path: self.dir.join(LOCAL_FILE).display().to_string(),
                    cause: source,
                })?;
                toml::from_str::<Local>(&text)
                    .map_err(|e| RegisterError::Usage(format!("{}: {e}", self.dir.join(LOCAL_FILE).display())))?
                    .signing_key
            }
        };
        let key = SecretKey::load(&path)?;
        if Some(key.public()) != self.policy.register_key() {
            return Err(RegisterError::Usage(format!("{} is not this register's signing key", path.display())));
        }
        Ok(key)
    }

    fn tree(&self, size: usize) -> merkle::Tree {
        merkle::Tree::new(self.lines[..size.min(self.lines.len())].iter().map(Vec::as_slice))
    }

    /// Appends an entry and a checkpoint over the new tree.
    fn append(&mut self, entry: Entry, key: &SecretKey) -> Result<u64, RegisterError> {
        let line = serde_json::to_vec(&entry).map_err(|e| RegisterError::Usage(e.to_string()))?;
        log::append_line(&self.dir.join(log::LOG_FILE), &line)?;
        self.lines.push(line);
        self.entries.push(entry);
        let size = self.lines.len() as u64;
        let cp = Checkpoint::sign(&self.policy.origin, size, &self.tree(self.lines.len()).root(), key);
        let cp_line = serde_json::to_vec(&cp).map_err(|e| RegisterError::Usage(e.to_string()))?;
        log::append_line(&self.dir.join(log::CHECKPOINTS_FILE), &cp_line)?;
        self.checkpoints.push(cp);
        Ok(size - 1)
    }

    fn admissions(&self) -> impl Iterator<Item = (u64, &Admission)> {
        self.entries.iter().enumerate().filter_map(|(i, e)| match e {
            Entry::Admit(a) => Some((i as u64, &**a)),
            _ => None,
        })
    }

    fn revocation_of(&self, index: u64) -> Option<&Revocation> {
        self.entries.iter().find_map(|e| match e {
            Entry::Revoke(r) if r.revokes == index => Some(r),
            _ => None,
        })
    }

    /// Applies the admission rules to a dossier; `evidence`, when given, must
    /// match it and re-judge to the same outcomes (with `catalogue`).
    pub async fn add(
        &mut self,
        dossier: &[u8],
        evidence: Option<&[u8]>,
        catalogue: Option<&crate::catalogue::Catalogue>,
        key: &SecretKey,
    ) -> Result<Result<Added, Rejection>, RegisterError> {
        let digest = sha256_hex(dossier);
        if let Some((index, _)) = self.admissions().find(|(_, a)| a.dossier_sha256 == digest) {
            return Ok(Ok(Added::AlreadyAdmitted { index }));
        }
        let opened = match verify::open(dossier, &self.policy.trusted()) {
            Ok(o) => o,
            Err(e) => return Ok(Err(Rejection::Untrusted(e.to_string()))),
        };
        let s = &opened.statement;
        if let Err(r) = self.admissible(s) {
            return Ok(Err(r));
        }
        if let Some(bundle) = evidence {
            let records = match verify::check_evidence(s, bundle) {
                Ok(r) => r,
                Err(e) => return Ok(Err(Rejection::Evidence(e.to_string()))),
            };
            if let Some(cat) = catalogue.filter(|c| c.pack.digest == s.predicate.pack.digest) {
                let disagreements =
                    verify::rejudge(s, records, cat).await.map_err(|e| RegisterError::Usage(e.to_string()))?;
                if let Some(d) = disagreements.first() {
                    return Ok(Err(Rejection::Evidence(format!(
                        "re-judged {} as {} where the dossier says {}",
                        d.requirement, d.rejudged, d.recorded
                    ))));
                }
            }
        }
        let p = &s.predicate;
        let system = SystemId {
            supplier: p.candidate.supplier.clone(),
            product: p.candidate.product.clone(),
            version: p.candidate.version.clone(),
        };
        let mut renews = None;
        let latest = self.admissions().filter(|(_, a)| a.system == system).last().map(|(i, a)| (i, a.clone()));
        if let Some((index, prior)) = latest {
            if self.revocation_of(index).is_some() {
                return Ok(Err(Rejection::Revoked { system: system.to_string(), index }));
            }
            if parse_time(&prior.run_finished) >= parse_time(&p.run.finished) {
                return Ok(Err(Rejection::Older { system: system.to_string(), index }));
            }
            renews = Some(index);
        }
        let lots: Vec<String> = p.lots.iter().filter(|l| l.verdict == ACCREDITABLE).map(|l| l.lot.clone()).collect();
        let finished = parse_time(&p.run.finished).unwrap_or_else(OffsetDateTime::now_utc);
        let valid_until = (finished + time::Duration::days(i64::from(self.policy.validity_days)))
            .format(&Rfc3339)
            .unwrap_or_default();
        let summary = log::Summary {
            must_total: p.requirements.iter().filter(|r| r.head.decides_lot()).count(),
            must_passed: p.requirements.iter().filter(|r| r.head.decides_lot() && r.outcome == Outcome::Passed).count(),
            requirements_total: p.requirements.len(),
            requirements_passed: p.requirements.iter().filter(|r| r.outcome == Outcome::Passed).count(),
            manual_attested: p.requirements.iter().filter(|r| r.attestation.is_some()).count(),
        };
        let admission = Admission {
            time: now(),
            system,
            lots: lots.clone(),
            dossier_sha256: digest.clone(),
            signed_by: opened.key.id(),
            signer_name: self.policy.key_name(&opened.key.id()).unwrap_or_default().to_string(),
            pack: log::PackSeen {
                name: p.pack.name.clone(),
                version: p.pack.version.clone(),
                digest: p.pack.digest.clone(),
            },
            run_finished: p.run.finished.clone(),
            valid_until,
            renews,
            summary,
        };
        let path = self.dir.join("dossiers").join(format!("{digest}.json"));
        std::fs::write(&path, dossier)
            .map_err(|source| RegisterError::Io { path: path.display().to_string(), cause: source })?;
        if let Some(bundle) = evidence {
            let ev = self.dir.join("dossiers").join(format!("{digest}.evidence.ndjson"));
            std::fs::write(&ev, bundle)
                .map_err(|source| RegisterError::Io { path: ev.display().to_string(), cause: source })?;
        }
        let index = self.append(Entry::Admit(Box::new(admission)), key)?;
        Ok(Ok(Added::Admitted { index, renews, lots }))
    }

    /// The policy's admission rules that need only the statement.
    fn admissible(&self, s: &Statement) -> Result<(), Rejection> {
        let p = &s.predicate;
        if p.mode != Mode::Formal {
            return Err(Rejection::SelfTest);
        }
        if !self.policy.pins(&p.pack.name, &p.pack.version, &p.pack.digest) {
            return Err(Rejection::UnpinnedPack {
                name: p.pack.name.clone(),
                version: p.pack.version.clone(),
                digest: p.pack.digest.clone(),
            });
        }
        if !p.lots.iter().any(|l| l.verdict == ACCREDITABLE) {
            let missing: Vec<String> = p
                .requirements
                .iter()
                .filter(|r| r.head.decides_lot() && r.outcome != Outcome::Passed)
                .map(|r| format!("{} {}", r.head.id, r.outcome.as_str()))
                .collect();
            return Err(Rejection::NoLot(format!("@must requirements not passed: {}", missing.join(", "))));
        }
        Ok(())
    }

    /// Revokes the current accreditation of a system.
    pub fn revoke(
        &mut self,
        product: &str,
        version: &str,
        supplier: Option<&str>,
        reason: &str,
        key: &SecretKey,
    ) -> Result<u64, RegisterError> {
        if reason.trim().is_empty() {
            return Err(RegisterError::Usage("--reason must say why: it is published".into()));
        }
        let matches: Vec<(u64, SystemId)> = self
            .admissions()
            .filter(|(_, a)| {
                a.system.product == product
                    && a.system.version == version
                    && supplier.is_none_or(|s| a.system.supplier == s)
            })
            .map(|(i, a)| (i, a.system.clone()))
            .collect();
        let Some((index, system)) = matches.last().cloned() else {
            return Err(RegisterError::Usage(format!("no accreditation of {product} {version} is in the register")));
        };
        if matches.iter().any(|(_, s)| s != &system) {
            return Err(RegisterError::Usage(format!("several suppliers have a {product} {version}: give --supplier")));
        }
        if self.revocation_of(index).is_some() {
            return Err(RegisterError::Usage(format!("{system} is already revoked")));
        }
        self.append(Entry::Revoke(Revocation { time: now(), system, reason: reason.to_string(), revokes: index }), key)
    }

    /// Every system's latest accreditation and its status at `at`.
    pub fn listings(&self, at: OffsetDateTime) -> Vec<Listing> {
        let mut latest: BTreeMap<SystemId, (u64, Admission)> = BTreeMap::new();
        let mut renewed: BTreeMap<SystemId, Vec<u64>> = BTreeMap::new();
        for (i, a) in self.admissions() {
            if let Some((old, _)) = latest.insert(a.system.clone(), (i, a.clone())) {
                renewed.entry(a.system.clone()).or_default().push(old);
            }
        }
        latest
            .into_iter()
            .map(|(system, (index, admission))| {
                let revocation = self.revocation_of(index).cloned();
                let status = if revocation.is_some() {
                    Status::Revoked
                } else if parse_time(&admission.valid_until).is_some_and(|u| u < at) {
                    Status::Expired
                } else {
                    Status::Active
                };
                Listing {
                    renewed: renewed.remove(&system).unwrap_or_default(),
                    system,
                    status,
                    index,
                    admission,
                    revocation,
                }
            })
            .collect()
    }

    /// Recomputes the whole log: every checkpoint's root and signature, the
    /// entries' shape and references, and every admitted dossier against
    /// the policy. Returns what was checked, or every problem found.
    pub fn verify(&self) -> Result<String, Vec<String>> {
        let mut problems = Vec::new();
        let Some(key) = self.policy.register_key() else {
            return Err(vec!["the init entry's register key is not a public key".into()]);
        };
        for (i, e) in self.entries.iter().enumerate().skip(1) {
            match e {
                Entry::Init { .. } => problems.push(format!("entry {i}: a second init entry")),
                Entry::Revoke(r) => match self.entries.get(r.revokes as usize) {
                    Some(Entry::Admit(a)) if a.system == r.system && (r.revokes as usize) < i => {}
                    _ => problems.push(format!(
                        "entry {i}: revokes entry {}, which is not an earlier admission of {}",
                        r.revokes, r.system
                    )),
                },
                Entry::Admit(a) => {
                    let path = self.dir.join("dossiers").join(format!("{}.json", a.dossier_sha256));
                    match std::fs::read(&path) {
                        Err(e) => problems.push(format!("entry {i}: dossier {}: {e}", path.display())),
                        Ok(bytes) if sha256_hex(&bytes) != a.dossier_sha256 => {
                            problems.push(format!(
                                "entry {i}: {} does not hash to {}",
                                path.display(),
                                a.dossier_sha256
                            ));
                        }
                        Ok(bytes) => match verify::open(&bytes, &self.policy.trusted()) {
                            Err(e) => problems.push(format!("entry {i}: the dossier no longer verifies: {e}")),
                            Ok(o) => {
                                if let Err(r) = self.admissible(&o.statement) {
                                    problems.push(format!("entry {i}: the dossier breaks the policy: {r}"));
                                }
                            }
                        },
                    }
                }
            }
        }
        let mut expected_size = 1u64;
        for (n, cp) in self.checkpoints.iter().enumerate() {
            let at = format!("checkpoint {}", n + 1);
            if cp.size != expected_size {
                problems.push(format!(
                    "{at}: covers {} entries where {expected_size} was expected (one checkpoint per entry)",
                    cp.size
                ));
            }
            expected_size = cp.size + 1;
            if cp.origin != self.policy.origin {
                problems.push(format!("{at}: origin `{}` is not the register's `{}`", cp.origin, self.policy.origin));
            }
            if !cp.verifies(&key) {
                problems.push(format!("{at}: the signature does not verify with the register key"));
            }
            if cp.size as usize > self.lines.len() {
                problems.push(format!("{at}: covers {} entries but the log has {}", cp.size, self.lines.len()));
            } else if cp.root_bytes() != Some(self.tree(cp.size as usize).root()) {
                problems.push(format!(
                    "{at}: the log's first {} entries do not hash to its root (history was rewritten)",
                    cp.size
                ));
            }
        }
        if self.checkpoints.last().map(|c| c.size) != Some(self.lines.len() as u64) {
            problems.push(format!("the log has {} entries but its latest checkpoint covers fewer", self.lines.len()));
        }
        if problems.is_empty() {
            Ok(format!(
                "{} entries, {} checkpoints, root {}",
                self.lines.len(),
                self.checkpoints.len(),
                hex::encode(self.tree(self.lines.len()).root())
            ))
        } else {
            Err(problems)
        }
    }

    pub fn latest_checkpoint(&self) -> Option<&Checkpoint> {
        self.checkpoints.last()
    }

    /// Inclusion proof of entry `index` in the latest tree.
    pub fn prove(&self, index: u64) -> Option<merkle::InclusionDoc> {
        self.tree(self.lines.len()).prove_inclusion(index)
    }

    /// Consistency proof between two tree sizes.
    pub fn consistency(&self, old: u64, new: u64) -> Option<merkle::ConsistencyDoc> {
        if new as usize > self.lines.len() {
            return None;
        }
        self.tree(new as usize).prove_consistency(old)
    }

    pub fn register_public_key(&self) -> Option<PublicKey> {
        self.policy.register_key()
    }
}
