//! The embedded reference candidate: a conformant GP Connect provider
//! (axum, in-memory store loaded from `fixtures/`) that `rfa run` tests when
//! no config is given, and that the kill matrix breaks one defect at a time.

mod acc;
mod arr;
mod com;
mod consumer;
mod defect;
pub mod defects;
mod dev;
mod dsp;
mod entry_shape;
mod eps;
mod fin;
pub mod hostile;
mod inf;
mod knw;
mod onl;
mod outbound;
mod outcome;
mod rec;
mod roots;
mod routes;
mod store;
mod xcs;

pub use acc::tls;

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::Url;
use tokio::sync::watch;
use tower::Layer as _;

use crate::config::{CandidateConfig, CandidateIdentity};
use crate::fixtures::FixturePack;
pub use defect::{Consulted, TLS_SETUP, request_key};
pub use defects::{Defect, DefectSet};
#[cfg(test)]
pub(crate) use outcome::SpineCode;

/// Locks the reference's in-memory state. A handler that panicked while
/// holding a lock leaves data that is still whole (every update is one
/// assignment), so a poisoned lock is taken over rather than propagated.
fn locked<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The wall clock: JWT lifetimes are judged by it and the instants the
/// reference stamps come from it. What is dated relative to the run (slots,
/// arrival days, authored dates) reads `crate::support::clock`, which `RFA_TODAY`
/// fakes, instead.
fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// An instant to the second, UTC.
fn instant(t: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A successful answer made cacheable for an hour: the shape of the defects
/// that forget GP Connect's `Cache-Control: no-store` on an interaction.
fn cacheable(mut resp: axum::response::Response) -> axum::response::Response {
    if resp.status().is_success() {
        resp.headers_mut()
            .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("max-age=3600"));
    }
    resp
}

/// A searchset Bundle of these entries (each with its `search.mode`).
fn searchset(entry: Vec<serde_json::Value>, total: usize) -> serde_json::Value {
    let bundle = serde_json::json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::new_v4().to_string(),
        "meta": { "profile": [crate::fhir::gpc::SEARCHSET_PROFILE] },
        "type": "searchset",
        "total": total,
        "entry": entry
    });
    crate::fhir::omit_empty(bundle, &["entry"])
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
    let bad = |msg: String| outcome::Outcome::new(crate::reference::outcome::SpineCode::InvalidParameter, msg);
    if let Some((k, _)) = params.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        return Err(bad(format!("`{k}` is not a parameter of the {search} ({})", known.join(", "))));
    }
    let value = params.iter().rev().find(|(k, _)| k == required).map(|(_, v)| v.as_str());
    let value = value.ok_or_else(|| bad(format!("{required} is required ({required}=[id])")))?;
    Ok(value.strip_prefix(ty).and_then(|v| v.strip_prefix('/')).unwrap_or(value))
}

/// Whether a resource carries the identifier a search's `identifier`
/// parameter names (`system|value`, or a bare value); no parameter: yes.
fn has_identifier(r: &serde_json::Value, wanted: Option<&str>) -> bool {
    use serde_json::Value;
    match wanted.map(|i| i.split_once('|').unwrap_or(("", i))) {
        None => true,
        Some((system, value)) => r.get("identifier").and_then(Value::as_array).into_iter().flatten().any(|x| {
            x.get("value").and_then(Value::as_str) == Some(value)
                && (system.is_empty() || x.get("system").and_then(Value::as_str) == Some(system))
        }),
    }
}

/// What every handler is given.
type Shared = Arc<State>;

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
    /// Other care settings' sharing agreements (XCS).
    pub care_settings: Vec<crate::fixtures::CareSetting>,
    /// Clinical entries written through the API (REC).
    pub entries: rec::clinical::Entries,
    pub audit: rec::audit::Trail,
    /// Patients registered through the API, and PDS.
    pub registrations: rec::register::Registrations,
    pub appointments: onl::appointments::Appointments,
    pub repeats: onl::repeats::Repeats,
    /// Prescriptions issued through the API, and the test data's (EPS).
    pub prescriptions: eps::book::Prescriptions,
    pub dispenses: dsp::Dispenses,
    /// Finance claims (FIN).
    pub claims: fin::Claims,
    /// Home-monitoring devices (DEV).
    pub devices: dev::Devices,
    /// Messages between practice users (COM).
    pub messages: com::messages::Messages,
    /// Documents filed through the API (COM).
    pub filed: inf::documents::Filed,
    /// Prescriptions the practice submitted to EPS, or holds for it (profile §37).
    pub submissions: eps::submit::Submissions,
    pub defects: DefectSet,
    pub latency: Latency,
    /// Consultation summaries received by Update Record, waiting for a
    /// clinician (COM).
    pub held_updates: com::update_record::Held,
    /// The NHS login its online services trust (ONL).
    pub nhs_login: acc::nhs_login::Trust,
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
        let names: Vec<&str> = defects.names().collect();
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
    /// The same API over TLS with mutual authentication (transport checks).
    pub tls: tls::Endpoint,
    pub tls_base_url: Url,
    shutdown: Option<watch::Sender<bool>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    state: Shared,
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
    start_serving(addr, SocketAddr::new(addr.ip(), 0), defects, fixtures, latency).await
}

/// [`start_with`], with the TLS endpoint on `tls_addr`.
pub async fn start_serving(
    addr: SocketAddr,
    tls_addr: SocketAddr,
    defects: DefectSet,
    fixtures: &FixturePack,
    latency: Latency,
) -> std::io::Result<RunningReference> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let store = store::Store::from_fixtures(fixtures);
    let appointments = onl::appointments::Appointments::seeded(&store, crate::support::clock::today());
    let prescriptions = eps::book::Prescriptions::seeded(&store, crate::support::clock::today(), &fixtures.ods_code);
    let state = Arc::new(State {
        asid: fixtures.asid.clone(),
        base_path: base_path(&fixtures.ods_code),
        structured_path: capability_paths(&fixtures.ods_code).0,
        documents_path: capability_paths(&fixtures.ods_code).1,
        store,
        ods_code: fixtures.ods_code.clone(),
        relationships: fixtures.relationships.iter().cloned().collect(),
        care_settings: fixtures.care_settings.clone(),
        entries: rec::clinical::Entries::default(),
        audit: rec::audit::Trail::default(),
        registrations: rec::register::Registrations::from_fixtures(fixtures),
        appointments,
        repeats: onl::repeats::Repeats::default(),
        prescriptions,
        dispenses: dsp::Dispenses::default(),
        claims: fin::Claims::default(),
        devices: dev::Devices::default(),
        messages: com::messages::Messages::default(),
        filed: inf::documents::Filed::default(),
        submissions: eps::submit::Submissions::default(),
        defects: defects.clone(),
        latency,
        held_updates: com::update_record::Held::default(),
        nhs_login: acc::nhs_login::Trust::default(),
    });
    let base_url = Url::parse(&format!("http://{addr}{}", state.base_path))
        .map_err(|e| std::io::Error::other(format!("bad base URL: {e}")))?;
    let (tls_listener, tls) = Consulted::within(defect::TLS_SETUP.into(), tls::bind(tls_addr, &defects))
        .await
        .map_err(|e| std::io::Error::other(format!("the TLS endpoint: {e}")))?;
    let tls_base_url = Url::parse(&format!("https://{}{}", tls.addr, state.base_path))
        .map_err(|e| std::io::Error::other(format!("bad TLS base URL: {e}")))?;
    let kept = state.clone();
    let app = axum::middleware::from_fn_with_state(state.clone(), acc::responses::canonical_case)
        .layer(routes::router(state));
    // Only the kill matrix's clean run notes consults: other runs do not
    // pay for the layer.
    let app = if defects.consulted().is_some() {
        tower::util::Either::Left(axum::middleware::from_fn(routes::attribute).layer(app))
    } else {
        tower::util::Either::Right(app)
    };
    let (tx, rx) = watch::channel(false);
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let plain = {
        let (app, rx) = (app.clone(), rx.clone());
        tokio::spawn(async move {
            let serve = axum::serve(listener, axum::ServiceExt::<axum::extract::Request>::into_make_service(app))
                .with_graceful_shutdown(stopped(rx));
            if let Err(e) = serve.await {
                tracing::error!("reference candidate stopped: {e}");
            }
        })
    };
    let secure = tokio::spawn(async move {
        let serve = axum::serve(tls_listener, axum::ServiceExt::<axum::extract::Request>::into_make_service(app))
            .with_graceful_shutdown(stopped(rx));
        if let Err(e) = serve.await {
            tracing::error!("reference candidate's TLS endpoint stopped: {e}");
        }
    });
    Ok(RunningReference {
        addr,
        base_url,
        asid: fixtures.asid.clone(),
        ods: fixtures.ods_code.clone(),
        defects,
        tls,
        tls_base_url,
        shutdown: Some(tx),
        tasks: vec![plain, secure],
        state: kept,
    })
}

impl RunningReference {
    pub fn identity(&self) -> CandidateIdentity {
        identity(&self.defects)
    }

    /// Its online services trust the NHS login at `issuer` (profile §25).
    pub fn trust_nhs_login(&self, issuer: String) {
        self.state.nhs_login.set_issuer(issuer);
    }

    /// A hook for [`crate::runner::RunPlan::trust_nhs_login`]: the hosted
    /// NHS login becomes the one this instance trusts.
    pub fn nhs_login_hook(&self) -> Box<dyn FnOnce(String) + Send> {
        let state = self.state.clone();
        Box::new(move |issuer| state.nhs_login.set_issuer(issuer))
    }

    /// The candidate config that points the harness at this instance.
    pub fn candidate_config(&self, fixtures: &FixturePack) -> CandidateConfig {
        let mut c = CandidateConfig::for_known(self.identity(), self.base_url.clone(), &self.asid, &self.ods, fixtures);
        c.tls = Some(crate::config::TlsSettings {
            url: self.tls_base_url.clone(),
            server_ca_pem: self.tls.server_ca_pem.clone(),
            client_authority: Some(self.tls.client_authority.clone()),
            client_fqdn: self.tls.client_fqdn.clone(),
        });
        c.consumer = Some(crate::config::ConsumerSettings::synchronous());
        c
    }

    /// Stops serving and waits for in-flight requests to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

impl Drop for RunningReference {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
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
