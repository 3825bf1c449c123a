//! The embedded reference candidate: a conformant GP Connect provider
//! (axum, in-memory store loaded from `fixtures/`) that `rfa run` tests when
//! no config is given, and that the kill matrix breaks one defect at a time.

mod appointments;
mod audit;
mod capability;
mod claims;
mod clinical;
pub mod defects;
mod directory;
mod dispensing;
mod documents;
mod guard;
pub mod hostile;
mod knowledge;
mod outcome;
mod prescribing;
mod register;
mod repeats;
mod routes;
mod slots;
mod store;
mod structured;

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::Url;
use tokio::sync::oneshot;
use tower::Layer as _;

use crate::config::{CandidateConfig, CandidateIdentity};
use crate::fixtures::FixturePack;
pub use defects::{Defect, DefectSet};

/// Locks the reference's in-memory state. A handler that panicked while
/// holding a lock leaves data that is still whole (every update is one
/// assignment), so a poisoned lock is taken over rather than propagated.
fn locked<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A searchset Bundle of these entries (each with its `search.mode`).
fn searchset(entry: Vec<serde_json::Value>, total: usize) -> serde_json::Value {
    serde_json::json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::new_v4().to_string(),
        "meta": { "profile": [crate::gpc::SEARCHSET_PROFILE] },
        "type": "searchset",
        "total": total,
        "entry": entry
    })
}

/// Checks a search's parameters: every one given is `known`, and the
/// `required` one (a reference, its type prefix optional) is there. Answers
/// its id; anything else is 422 `INVALID_PARAMETER` naming what is wrong.
fn search_params<'a>(
    params: &'a [(String, String)],
    search: &str,
    known: &[&str],
    (required, ty): (&str, &str),
) -> Result<&'a str, outcome::Outcome> {
    let bad = |msg: String| outcome::Outcome::new(crate::gpc::SpineCode::InvalidParameter, msg);
    if let Some((k, _)) = params.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        return Err(bad(format!("`{k}` is not a parameter of the {search} ({})", known.join(", "))));
    }
    let value = params.iter().rev().find(|(k, _)| k == required).map(|(_, v)| v.as_str());
    let value = value.ok_or_else(|| bad(format!("{required} is required ({required}=[id])")))?;
    Ok(value.strip_prefix(ty).and_then(|v| v.strip_prefix('/')).unwrap_or(value))
}

/// What every handler can see.
#[derive(Debug)]
pub struct State {
    pub asid: String,
    pub base_path: String,
    pub structured_path: String,
    pub documents_path: String,
    pub store: store::Store,
    /// The practice's ODS code.
    pub ods_code: String,
    /// ODS codes with a legitimate relationship to the practice's patients.
    pub relationships: std::collections::BTreeSet<String>,
    /// Clinical entries written through the API (REC).
    pub entries: clinical::Entries,
    pub audit: audit::Trail,
    /// Patients registered through the API, and PDS.
    pub registrations: register::Registrations,
    pub appointments: appointments::Appointments,
    pub repeats: repeats::Repeats,
    /// Prescriptions issued through the API, and the test data's (EPS).
    pub prescriptions: prescribing::Prescriptions,
    pub dispenses: dispensing::Dispenses,
    /// Finance claims (FIN).
    pub claims: claims::Claims,
    pub defects: DefectSet,
    pub latency: Latency,
}

/// Delay added to every response, to model a candidate across a network
/// (benchmarks): `base` plus a uniformly random part up to `jitter`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Latency {
    pub base: std::time::Duration,
    pub jitter: std::time::Duration,
}

/// The service root path of a practice: `/{ODS}/STU3/1/gpconnect/fhir`
/// (GP Connect's service root format).
pub fn base_path(ods: &str) -> String {
    format!("/{ods}/STU3/1/gpconnect/fhir")
}

/// The service roots of Access Record Structured and Access Document, next
/// to [`base_path`].
pub fn capability_paths(ods: &str) -> (String, String) {
    (format!("/{ods}/STU3/1/gpconnect/structured/fhir"), format!("/{ods}/STU3/1/gpconnect/documents/fhir"))
}

/// How results name the reference (defects included, so a broken reference
/// can never be mistaken for the conformant one).
pub fn identity(defects: &DefectSet) -> CandidateIdentity {
    let mut version = env!("CARGO_PKG_VERSION").to_string();
    if !defects.is_empty() {
        let names: Vec<&str> = defects.iter().map(Defect::name).collect();
        version.push_str(&format!("+defects.{}", names.join(".")));
    }
    CandidateIdentity { supplier: "rfa-harness".into(), product: "reference candidate".into(), version }
}

/// A reference candidate listening on a socket.
#[derive(Debug)]
pub struct RunningReference {
    pub addr: SocketAddr,
    pub base_url: Url,
    pub asid: String,
    pub ods: String,
    pub defects: DefectSet,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Binds `addr` (port 0 picks a free port) and serves in the background.
pub async fn start(addr: SocketAddr, defects: DefectSet, fixtures: &FixturePack) -> std::io::Result<RunningReference> {
    start_with(addr, defects, fixtures, Latency::default()).await
}

/// [`start`], answering every request after `latency`.
pub async fn start_with(
    addr: SocketAddr,
    defects: DefectSet,
    fixtures: &FixturePack,
    latency: Latency,
) -> std::io::Result<RunningReference> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let store = store::Store::from_fixtures(fixtures);
    let appointments = appointments::Appointments::seeded(&store, crate::clock::today());
    let prescriptions = prescribing::Prescriptions::seeded(&store, crate::clock::today(), &fixtures.ods_code);
    let state = Arc::new(State {
        asid: fixtures.asid.clone(),
        base_path: base_path(&fixtures.ods_code),
        structured_path: capability_paths(&fixtures.ods_code).0,
        documents_path: capability_paths(&fixtures.ods_code).1,
        store,
        ods_code: fixtures.ods_code.clone(),
        relationships: fixtures.relationships.iter().cloned().collect(),
        entries: clinical::Entries::default(),
        audit: audit::Trail::default(),
        registrations: register::Registrations::from_fixtures(fixtures),
        appointments,
        repeats: repeats::Repeats::default(),
        prescriptions,
        dispenses: dispensing::Dispenses::default(),
        claims: claims::Claims::default(),
        defects: defects.clone(),
        latency,
    });
    let base_url = Url::parse(&format!("http://{addr}{}", state.base_path))
        .map_err(|e| std::io::Error::other(format!("bad base URL: {e}")))?;
    let app = axum::middleware::from_fn_with_state(state.clone(), routes::canonical_case).layer(routes::router(state));
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, axum::ServiceExt::<axum::extract::Request>::into_make_service(app))
            .with_graceful_shutdown(async {
                let _ = rx.await;
            });
        if let Err(e) = serve.await {
            tracing::error!("reference candidate stopped: {e}");
        }
    });
    Ok(RunningReference {
        addr,
        base_url,
        asid: fixtures.asid.clone(),
        ods: fixtures.ods_code.clone(),
        defects,
        shutdown: Some(tx),
        task: Some(task),
    })
}

impl RunningReference {
    pub fn identity(&self) -> CandidateIdentity {
        identity(&self.defects)
    }

    /// The candidate config that points the harness at this instance.
    pub fn candidate_config(&self, fixtures: &FixturePack) -> CandidateConfig {
        CandidateConfig::for_known(self.identity(), self.base_url.clone(), &self.asid, &self.ods, fixtures)
    }

    /// Stops serving and waits for in-flight requests to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningReference {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::search_params;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn search_params_name_the_unknown_or_missing_parameter() {
        let known = ["patient", "identifier"];
        let p = params(&[("patient", "Patient/abc"), ("identifier", "x|1")]);
        assert_eq!(search_params(&p, "claim search", &known, ("patient", "Patient")).ok(), Some("abc"));
        let p = params(&[("patient", "abc")]);
        assert_eq!(search_params(&p, "claim search", &known, ("patient", "Patient")).ok(), Some("abc"));
        let p = params(&[("patient", "abc"), ("_count", "5")]);
        let e = search_params(&p, "claim search", &known, ("patient", "Patient")).err().map(|o| o.diagnostics);
        assert_eq!(e.as_deref(), Some("`_count` is not a parameter of the claim search (patient, identifier)"));
        let p = params(&[("identifier", "x|1")]);
        let e = search_params(&p, "claim search", &known, ("patient", "Patient")).err().map(|o| o.diagnostics);
        assert_eq!(e.as_deref(), Some("patient is required (patient=[id])"));
    }
}
