//! National services the harness hosts while it tests the candidate as a
//! client (profile §37): a PDS-like patient trace, an EPS-like prescription
//! submission service, an SDS-like endpoint directory, a MESH-like mailbox
//! and another practice's GP Connect provider.
//!
//! They answer as the real services would where the answer steers what the
//! candidate does next (matches, errors, MESH's authentication), and record
//! every inbound request in the evidence format of outbound exchanges; the
//! steps judge the candidate from those records, so `rfa verify --rejudge`
//! can judge them again without these services.
//!
//! One consumer scenario owns the services at a time (see
//! [`Services::begin`]): what arrives belongs to it.

pub mod data;
mod eps;
mod gpc;
mod mesh;
pub mod nhs_login;
mod pds;
mod sds;

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use axum::Router;
use axum::body::{Body as AxumBody, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use reqwest::Url;
use serde_json::{Value, json};
use tokio::sync::watch;
use tower::Layer as _;

use crate::catalogue::ScenarioKey;
use crate::evidence::{Body, Exchange, RecordedRequest, RecordedResponse, redact_header};
pub use data::NationalData;
pub use mesh::signature as mesh_signature;

/// The largest inbound body recorded and served; larger is 413.
const MAX_BODY: usize = 4 * 1024 * 1024;
/// The most requests one scenario's evidence keeps: a candidate that calls
/// without end cannot exhaust the harness's memory (the rest are counted).
const MAX_LOGGED: usize = 2000;

/// One of the hosted services, named by its path prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    Pds,
    Eps,
    Sds,
    Mesh,
    GpConnect,
}

impl Service {
    pub const ALL: [Service; 5] = [Self::Pds, Self::Eps, Self::Sds, Self::Mesh, Self::GpConnect];

    /// How features and messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pds => "PDS",
            Self::Eps => "EPS",
            Self::Sds => "SDS",
            Self::Mesh => "MESH",
            Self::GpConnect => "GP Connect",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name().eq_ignore_ascii_case(name))
    }

    /// The first path segment it is served under.
    fn prefix(self) -> &'static str {
        match self {
            Self::Pds => "pds",
            Self::Eps => "eps",
            Self::Sds => "sds",
            Self::Mesh => "mesh",
            Self::GpConnect => "gpc",
        }
    }

    /// Which service a recorded URL was addressed to.
    pub fn of_url(url: &str) -> Option<Self> {
        let path = Url::parse(url).ok()?.path().to_string();
        let (_, rest) = split_session(&path);
        let first = rest.trim_start_matches('/').split('/').next()?.to_string();
        Self::ALL.into_iter().find(|s| s.prefix() == first)
    }
}

/// A message waiting in the candidate's MESH inbox.
#[derive(Debug, Clone)]
pub struct MeshMessage {
    pub id: String,
    /// The sender's mailbox, workflow and subject (`Mex-From`,
    /// `Mex-WorkflowID`, `Mex-Subject`).
    pub from: String,
    pub workflow: String,
    pub subject: String,
    pub body: String,
    /// Download answers 500: the candidate must not acknowledge it.
    pub broken: bool,
    pub acknowledged: bool,
}

/// A new MESH message id, as MESH makes them (date and a random part).
pub fn mesh_message_id() -> String {
    format!("{}-{}", crate::support::clock::today(), &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// What one consumer scenario set up and what arrived for it.
#[derive(Debug, Default)]
struct Session {
    log: Vec<Exchange>,
    /// Statuses to answer the next requests with, per service, in order.
    next: HashMap<Service, VecDeque<u16>>,
    /// A status to answer every request with.
    always: HashMap<Service, u16>,
    /// SDS lists no endpoint for the other practice.
    sds_empty: bool,
    /// Every PDS search matches more patients than it may return.
    pds_too_many: bool,
    inbox: Vec<MeshMessage>,
    nonces: HashSet<String>,
    /// EPS message identifiers already processed (duplicates are idempotent).
    eps_seen: HashSet<String>,
    /// What EPS holds of each prescription it accepted, by prescription ID.
    eps_prescriptions: HashMap<String, eps::Held>,
}

/// Which scenario's session a request is for: the token of its own
/// address (`/s/{token}/…`), or empty for the shared address that scenarios
/// taking turns use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Sid(String);

/// Splits `/s/{token}/rest` into the token and `/rest`; any other path has
/// no token.
fn split_session(path: &str) -> (&str, &str) {
    if let Some(rest) = path.strip_prefix("/s/")
        && let Some((token, tail)) = rest.split_once('/')
    {
        return (token, &path[3 + token.len()..][..tail.len() + 1]);
    }
    ("", path)
}

/// What handlers share.
#[derive(Debug)]
struct Hosted {
    data: NationalData,
    base: Url,
    /// The path segment of the other practice's endpoint, new each start, so
    /// an address not looked up in SDS is never right by chance.
    route: String,
    /// The other practice's ASID as SDS lists it on its Device, new each
    /// start for the same reason.
    asid: String,
    /// Open sessions by token ("" for the shared address).
    sessions: Mutex<HashMap<Sid, Session>>,
    /// Inbound requests no open session took.
    stray: Mutex<usize>,
    nhs_login: nhs_login::Provider,
}

type Shared = Arc<Hosted>;

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Hosted {
    /// Works on a session; a request for no open session works on a
    /// throw-away one (it is answered, not kept).
    fn with<T>(&self, sid: &Sid, f: impl FnOnce(&mut Session) -> T) -> T {
        let mut sessions = locked(&self.sessions);
        match sessions.get_mut(sid) {
            Some(s) => f(s),
            None => f(&mut Session::default()),
        }
    }

    /// The status programmed for this request to `service`, if any.
    fn programmed(&self, sid: &Sid, service: Service) -> Option<u16> {
        self.with(sid, |s| {
            s.next.get_mut(&service).and_then(VecDeque::pop_front).or_else(|| s.always.get(&service).copied())
        })
    }

    /// The base URL of a session (ends with `/`).
    fn base_of(&self, sid: &Sid) -> String {
        if sid.0.is_empty() { self.base.to_string() } else { format!("{}s/{}/", self.base, sid.0) }
    }

    /// The other practice's Access Record Structured service root.
    fn provider_root(&self, sid: &Sid) -> String {
        format!(
            "{}gpc/{}/{}/STU3/1/gpconnect/structured/fhir",
            self.base_of(sid),
            self.route,
            self.data.other_practice.ods_code
        )
    }
}

/// The hosted services, listening.
#[derive(Debug)]
pub struct Services {
    hosted: Shared,
    pub addr: SocketAddr,
    shutdown: Option<watch::Sender<bool>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Services {
    /// Binds `listen` (port 0: any free port) and serves. `public` is how
    /// the candidate reaches them, when that is not the listening address.
    pub async fn start(listen: SocketAddr, public: Option<Url>, data: NationalData) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let base = match public {
            Some(u) => u,
            None => Url::parse(&format!("http://{addr}/"))
                .map_err(|e| std::io::Error::other(format!("no URL for {addr}: {e}")))?,
        };
        let base = if base.as_str().ends_with('/') {
            base
        } else {
            Url::parse(&format!("{base}/")).map_err(|e| std::io::Error::other(e.to_string()))?
        };
        let route = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        // Twelve digits, never the fixture's (which the defect that skips
        // the Device lookup sends).
        let asid = format!("8{:011}", uuid::Uuid::new_v4().as_u128() % 100_000_000_000);
        let hosted = Arc::new(Hosted {
            data,
            base,
            route,
            asid,
            sessions: Mutex::default(),
            stray: Mutex::new(0),
            nhs_login: nhs_login::Provider::default(),
        });
        // Recording wraps the router: it takes a session's `/s/{token}`
        // prefix off the path before routing sees it. NHS login's keys are
        // served outside it (see `nhs_login`).
        let recorded = middleware::from_fn_with_state(hosted.clone(), record).layer(router(hosted.clone()));
        let app = {
            use axum::routing::get;
            Router::new()
                .route(&format!("/{}/.well-known/openid-configuration", nhs_login::PREFIX), get(nhs_login::discovery))
                .route(&format!("/{}/.well-known/jwks.json", nhs_login::PREFIX), get(nhs_login::jwks))
                .with_state(hosted.clone())
                .fallback_service(recorded)
        };
        let (tx, mut rx) = watch::channel(false);
        let task = tokio::spawn(async move {
            let app = axum::ServiceExt::<Request>::into_make_service(app);
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = rx.wait_for(|stop| *stop).await;
            });
            if let Err(e) = serve.await {
                tracing::error!("the national services stopped: {e}");
            }
        });
        Ok(Self { hosted, addr, shutdown: Some(tx), task: Some(task) })
    }

    /// The base URL the services listen at (ends with `/`).
    pub fn url(&self) -> &Url {
        &self.hosted.base
    }

    /// The base URL a session's candidate is given (ends with `/`).
    pub fn url_for(&self, sid: &Sid) -> String {
        self.hosted.base_of(sid)
    }

    pub fn data(&self) -> &NationalData {
        &self.hosted.data
    }

    /// NHS login's issuer, which a candidate is configured to trust.
    pub fn nhs_login_issuer(&self) -> String {
        nhs_login::issuer(&self.hosted.base)
    }

    /// An NHS login ID token carrying `claims`, signed as `how` says.
    pub fn nhs_login_token(&self, claims: &Value, how: nhs_login::Signing) -> Result<String, String> {
        self.hosted.nhs_login.sign(claims, how)
    }

    /// NHS login publishes the key it rotates to.
    pub fn rotate_nhs_login_keys(&self) {
        self.hosted.nhs_login.rotate();
    }

    /// Opens a fresh session for a scenario: with an address of its own
    /// (`own_address`), or on the shared address, which the caller must
    /// hold the turn for. What arrives there from now on is the scenario's.
    pub fn open(&self, owner: &ScenarioKey, own_address: bool) -> Sid {
        let sid = if own_address {
            use sha2::Digest as _;
            let digest = sha2::Sha256::digest(owner.to_string().as_bytes());
            Sid(hex::encode(&digest[..6]))
        } else {
            Sid::default()
        };
        locked(&self.hosted.sessions).insert(sid.clone(), Session::default());
        sid
    }

    /// Closes a session; what arrives for it next is stray.
    pub fn close(&self, sid: &Sid) {
        locked(&self.hosted.sessions).remove(sid);
    }

    /// Answer `status` to the next `times` requests to `service` (None:
    /// to every request).
    pub fn answer(&self, sid: &Sid, service: Service, status: u16, times: Option<usize>) {
        self.hosted.with(sid, |s| match times {
            Some(n) => s.next.entry(service).or_default().extend(std::iter::repeat_n(status, n)),
            None => {
                s.always.insert(service, status);
            }
        });
    }

    /// `service` serves requests again.
    pub fn restore(&self, sid: &Sid, service: Service) {
        self.hosted.with(sid, |s| {
            s.next.remove(&service);
            s.always.remove(&service);
        });
    }

    /// SDS lists no endpoint (and no Device) for the other practice.
    pub fn sds_lists_nothing(&self, sid: &Sid) {
        self.hosted.with(sid, |s| s.sds_empty = true);
    }

    /// EPS records a prescription it accepted as dispensed (a pharmacy
    /// supplied it), so a cancellation is refused as EPS refuses it.
    pub fn eps_dispensed(&self, sid: &Sid, prescription_id: &str) {
        self.hosted.with(sid, |s| {
            if let Some(p) = s.eps_prescriptions.get_mut(prescription_id) {
                *p = eps::Held::Dispensed;
            }
        });
    }

    /// Every PDS search finds more patients than `_max-results` allows.
    pub fn pds_finds_too_many(&self, sid: &Sid) {
        self.hosted.with(sid, |s| s.pds_too_many = true);
    }

    /// Puts messages in the candidate's inbox, from the recipient mailbox
    /// under its workflow; `broken` ones fail to download.
    pub fn deliver(&self, sid: &Sid, count: usize, broken: bool) -> Vec<String> {
        let mesh = &self.hosted.data.mesh;
        (0..count)
            .map(|_| {
                let id = mesh_message_id();
                let body = format!("Consultation report {id} for the practice.");
                let (from, workflow) = (mesh.recipient.clone(), mesh.workflow.clone());
                let message =
                    MeshMessage { id, from, workflow, subject: String::new(), body, broken, acknowledged: false };
                self.deliver_message(sid, message)
            })
            .collect()
    }

    /// Puts this message in the candidate's inbox; answers its id.
    pub fn deliver_message(&self, sid: &Sid, message: MeshMessage) -> String {
        let id = message.id.clone();
        self.hosted.with(sid, |s| s.inbox.push(message));
        id
    }

    /// Everything that arrived for the session since the last take.
    pub fn take(&self, sid: &Sid) -> Vec<Exchange> {
        self.hosted.with(sid, |s| std::mem::take(&mut s.log))
    }

    /// How many requests arrived while no scenario owned the services, or
    /// beyond what a scenario's evidence keeps.
    pub fn stray(&self) -> usize {
        *locked(&self.hosted.stray)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

fn router(hosted: Shared) -> Router {
    use axum::routing::{get, post, put};
    let structured =
        format!("/gpc/{}/{}/STU3/1/gpconnect/structured/fhir", hosted.route, hosted.data.other_practice.ods_code);
    // PDS checks its headers before it routes, and mirrors its tracking
    // ids on every answer.
    let pds = Router::new()
        .route("/pds/FHIR/R4/Patient", get(pds::search))
        .route("/pds/FHIR/R4/Patient/", get(pds::read_nothing))
        .route("/pds/FHIR/R4/Patient/{id}", get(pds::read))
        .route_layer(middleware::from_fn(pds::gate));
    // EPS's specification gives the same header rules (fhir-prescribing.yaml:
    // a UUID X-Request-ID, required and mirrored back; a numeric
    // NHSD-Session-URID; a bearer token).
    let eps = Router::new()
        .route("/eps/FHIR/R4/$process-message", post(eps::process))
        .route_layer(middleware::from_fn(pds::gate));
    Router::new()
        .merge(pds)
        .merge(eps)
        .route("/sds/FHIR/R4/Endpoint", get(sds::endpoints))
        .route("/sds/FHIR/R4/Device", get(sds::devices))
        .route("/mesh/messageexchange/{mailbox}/outbox", post(mesh::send))
        .route("/mesh/messageexchange/{mailbox}/inbox", get(mesh::inbox))
        .route("/mesh/messageexchange/{mailbox}/inbox/{id}", get(mesh::download))
        .route("/mesh/messageexchange/{mailbox}/inbox/{id}/status/acknowledged", put(mesh::acknowledge))
        .route(&format!("{structured}/Patient/$gpc.getstructuredrecord"), post(gpc::structured_record))
        .fallback(unknown)
        .with_state(hosted)
}

async fn unknown(req: Request) -> Response {
    let what = format!("{} {} is not a national service endpoint the harness hosts", req.method(), req.uri().path());
    fhir_error(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", &what)
}

/// An R4 OperationOutcome, as PDS, EPS and SDS answer errors.
/// The code system of the NHS R4 APIs' error and warning codes.
const SPINE_R4_CODES: &str = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode";

fn fhir_error(status: StatusCode, code: &str, diagnostics: &str) -> Response {
    let body = json!({
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "error",
            "code": if status.is_server_error() { "exception" } else { "invalid" },
            "details": { "coding": [{ "system": SPINE_R4_CODES, "code": code }] },
            "diagnostics": diagnostics
        }]
    });
    fhir(status, &body)
}

/// Now, as the services stamp their answers.
fn timestamp() -> String {
    crate::client::rfc3339(SystemTime::now())
}

fn fhir(status: StatusCode, body: &Value) -> Response {
    (status, [("content-type", "application/fhir+json")], body.to_string()).into_response()
}

/// The error a programmed status stands for.
fn programmed_error(service: Service, status: u16) -> Response {
    let s = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let code = match status {
        429 => "TOO_MANY_REQUESTS",
        503 => "SERVICE_UNAVAILABLE",
        404 if service == Service::GpConnect => "PATIENT_NOT_FOUND",
        403 if service == Service::GpConnect => "NO_RELATIONSHIP",
        400 | 422 => "INVALID_VALUE",
        s if s >= 500 => "SERVER_ERROR",
        _ => "ERROR",
    };
    let mut r = fhir_error(s, code, &format!("the test set {} to answer {status} to this request", service.name()));
    if status == 429 || status == 503 {
        r.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("0"));
    }
    r
}

/// Records every request and what it was answered, and applies a
/// programmed status instead of the service's own answer.
async fn record(State(h): State<Shared>, req: Request, next: Next) -> Response {
    let started = SystemTime::now();
    let clock = Instant::now();
    let (mut parts, body) = req.into_parts();
    let url = format!("{}{}", h.base.as_str().trim_end_matches('/'), parts.uri);
    let (token, rest) = split_session(parts.uri.path());
    let sid = Sid(token.to_string());
    if !token.is_empty() {
        let query = parts.uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        if let Ok(uri) = format!("{rest}{query}").parse() {
            parts.uri = uri;
        }
    }
    parts.extensions.insert(sid.clone());
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let (bytes, too_large) = match to_bytes(body, MAX_BODY).await {
        Ok(b) => (b, false),
        Err(_) => (Default::default(), true),
    };
    let service = Service::of_url(&url);
    let response = if too_large {
        fhir_error(StatusCode::PAYLOAD_TOO_LARGE, "INVALID_VALUE", "the body is larger than 4 MiB")
    } else if let Some((service, status)) = service.and_then(|s| h.programmed(&sid, s).map(|st| (s, st))) {
        programmed_error(service, status)
    } else {
        next.run(Request::from_parts(parts.clone(), AxumBody::from(bytes.clone()))).await
    };
    let (rparts, rbody) = response.into_parts();
    let rbytes = to_bytes(rbody, MAX_BODY).await.unwrap_or_default();
    let jwt_claims = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| crate::client::jwt::claims_of(v));
    let exchange = Exchange {
        started: crate::client::rfc3339(started),
        duration_ms: clock.elapsed().as_secs_f64() * 1000.0,
        request: RecordedRequest {
            method: parts.method.to_string(),
            url,
            headers: headers.iter().map(|(n, v)| (n.clone(), redact_header(n, v))).collect(),
            jwt_claims,
            tls: None,
            body: Body::from_bytes(&bytes),
        },
        response: Some(RecordedResponse {
            status: rparts.status.as_u16(),
            headers: rparts
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body: Body::from_bytes(&rbytes),
        }),
        error: None,
        negotiated: None,
        inbound: true,
    };
    let kept = match locked(&h.sessions).get_mut(&sid) {
        Some(s) if s.log.len() < MAX_LOGGED => {
            s.log.push(exchange);
            true
        }
        _ => false,
    };
    if !kept {
        *locked(&h.stray) += 1;
    }
    Response::from_parts(rparts, AxumBody::from(rbytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::Views as _;

    /// The hosted services on loopback, with one scenario's session.
    async fn hosted() -> (Services, Sid) {
        let data = NationalData::embedded().expect("national data");
        let services = Services::start(([127, 0, 0, 1], 0).into(), None, data).await.expect("start");
        let sid = services.open(&ScenarioKey { file: "x.feature".into(), line: 1 }, true);
        (services, sid)
    }

    /// EPS answers as its `CancelResponseHandler` does: a first
    /// cancellation 200 with R-0001, a second 400 with R-0006; one of a
    /// prescription a pharmacy dispensed 400 with R-0004; one it never had
    /// 400 with R-0008. A supply of a cancelled prescription is refused.
    #[tokio::test]
    async fn eps_cancels_once_and_never_what_was_dispensed() {
        let (services, sid) = hosted().await;
        let url = format!("{}eps/FHIR/R4/$process-message", services.url_for(&sid));
        let send = |body: Value| {
            let url = url.clone();
            async move {
                let r = reqwest::Client::new()
                    .post(url)
                    .header("Authorization", "Bearer a-token")
                    .header("X-Request-ID", uuid::Uuid::new_v4().to_string())
                    .header("Content-Type", "application/fhir+json")
                    .body(body.to_string())
                    .send()
                    .await
                    .expect("answered");
                let status = r.status().as_u16();
                let b: Value = serde_json::from_slice(&r.bytes().await.unwrap_or_default()).unwrap_or_default();
                let history = b
                    .pointer("/entry/1/resource/extension/0/extension/0/valueCoding/code")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                (status, history)
            }
        };
        // The hosted EPS's own test order, as an order or its cancellation.
        let message = |event: &str, id: &str, status: &str| {
            let mut b = super::eps::tests::order();
            b["identifier"]["value"] = json!(uuid::Uuid::new_v4().to_string());
            b["entry"][0]["resource"]["eventCoding"]["code"] = json!(event);
            let request = &mut b["entry"][1]["resource"];
            request["status"] = json!(status);
            request["statusReason"] = json!({ "coding": [{ "code": "0001" }] });
            request["groupIdentifier"]["value"] = json!(id);
            request["identifier"][0]["value"] = json!(uuid::Uuid::new_v4().to_string());
            b
        };
        let order = |id: &str| message("prescription-order", id, "active");
        let cancel = |id: &str| message("prescription-order-update", id, "cancelled");
        assert_eq!(send(order("RX-1")).await.0, 200);
        assert_eq!(send(cancel("RX-1")).await, (200, Some("R-0001".into())));
        assert_eq!(send(cancel("RX-1")).await, (400, Some("R-0006".into())));
        assert_eq!(send(cancel("RX-NEVER")).await, (400, Some("R-0008".into())));
        assert_eq!(send(order("RX-2")).await.0, 200);
        services.eps_dispensed(&sid, "RX-2");
        assert_eq!(send(cancel("RX-2")).await, (400, Some("R-0004".into())));
        services.stop().await;
    }

    #[test]
    fn services_are_named_by_their_path() {
        assert_eq!(Service::of_url("http://127.0.0.1:9/pds/FHIR/R4/Patient?family=x"), Some(Service::Pds));
        assert_eq!(Service::of_url("http://127.0.0.1:9/gpc/ab/X/STU3"), Some(Service::GpConnect));
        assert_eq!(Service::of_url("http://127.0.0.1:9/other"), None);
        assert_eq!(Service::parse("gp connect"), Some(Service::GpConnect));
        assert_eq!(Service::of_url("http://127.0.0.1:9/s/ab12/eps/FHIR/R4/$process-message"), Some(Service::Eps));
    }

    /// The hosted MESH refuses what real MESH refuses (no reference defect
    /// exercises these: they guard the harness's side).
    #[tokio::test]
    async fn mesh_refuses_a_wrong_hmac_and_a_reused_nonce() {
        let data = NationalData::embedded().expect("national data");
        let (key, password) = (data.mesh.shared_key.clone(), data.mesh.password.clone());
        let services = Services::start(([127, 0, 0, 1], 0).into(), None, data).await.expect("start");
        let owner = ScenarioKey { file: "x.feature".into(), line: 1 };
        let sid = services.open(&owner, true);
        let url = format!("{}mesh/messageexchange/GPC001OT001/inbox", services.url_for(&sid));
        let auth = |nonce: &str, mac: Option<&str>| {
            let good = mesh::signature(&key, "GPC001OT001", nonce, "1", &password, "202611261200");
            format!("NHSMESH GPC001OT001:{nonce}:1:202611261200:{}", mac.unwrap_or(&good))
        };
        let client = reqwest::Client::new();
        let status = |a: String| {
            let req = client.get(&url).header("Authorization", a);
            async move { req.send().await.map(|r| r.status().as_u16()).unwrap_or(0) }
        };
        assert_eq!(status(auth("n1", None)).await, 200);
        assert_eq!(status(auth("n1", None)).await, 403, "a reused nonce");
        assert_eq!(status(auth("n2", Some("00"))).await, 403, "a wrong HMAC");
        let log = services.take(&sid);
        assert_eq!(log.len(), 3, "every request is recorded");
        assert!(log.iter().all(|x| x.inbound), "as inbound");
        assert!(log[0].request.header("authorization").is_some_and(|a| a.ends_with(":<redacted hmac>")));
        services.stop().await;
    }

    /// A GET to the hosted PDS with the headers PDS requires: its status,
    /// JSON body and response headers.
    async fn pds_get(url: String) -> (u16, Value, reqwest::header::HeaderMap) {
        let r = reqwest::Client::new()
            .get(url)
            .header("Authorization", "Bearer a-token")
            .header("X-Request-ID", uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .expect("answered");
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        (status, serde_json::from_slice(&r.bytes().await.unwrap_or_default()).unwrap_or_default(), headers)
    }

    /// The Spine code, issue type and coding system of an OperationOutcome.
    fn outcome_of(b: &Value) -> (Option<String>, Option<String>, Option<String>) {
        let get = |p: &str| b.pointer(p).and_then(Value::as_str).map(str::to_string);
        (get("/issue/0/details/coding/0/code"), get("/issue/0/code"), get("/issue/0/details/coding/0/system"))
    }

    /// PDS's `_max-results`: more matches than it allows answer 200 with a
    /// TOO_MANY_MATCHES OperationOutcome, a value out of 1..=50 is refused;
    /// so is a parameter PDS does not know.
    #[tokio::test]
    async fn pds_search_answers_as_pds_does() {
        let (services, sid) = hosted().await;
        // The twins Ashworth, both born 2001-01-01; `q` follows the family name.
        let search = |q: &str| {
            let url = format!("{}pds/FHIR/R4/Patient?family=Ashworth{q}", services.url_for(&sid));
            async move {
                let (status, body, _) = pds_get(url).await;
                (status, body)
            }
        };
        let code = |b: &Value| b.as_outcome().first_code().map(str::to_string);
        let (status, body) = search("&birthdate=eq2001-01-01").await;
        assert_eq!((status, body["total"].as_u64()), (200, Some(2)), "both twins by default: {body}");
        let (status, body) = search("&birthdate=2001-01-01&_max-results=1").await;
        assert_eq!((status, code(&body).as_deref()), (200, Some("TOO_MANY_MATCHES")), "{body}");
        for bad in ["0", "51", "many"] {
            let (status, body) = search(&format!("&birthdate=eq2001-01-01&_max-results={bad}")).await;
            assert_eq!((status, code(&body).as_deref()), (400, Some("INVALID_VALUE")), "{bad}: {body}");
        }
        let (_, body) = search("&birthdate=ge2000-12-31&birthdate=le2001-01-01").await;
        assert_eq!(body["total"].as_u64(), Some(2), "a birth-date range: {body}");
        let (_, body) = search("&birthdate=ge2001-01-02").await;
        assert_eq!(body["total"].as_u64(), Some(0), "born after both: {body}");
        let (_, body) = search("&birthdate=ge1990-01-01&birthdate=le2000-12-31").await;
        assert_eq!(body["total"].as_u64(), Some(0), "born before both (Ada Ashworth, 1961, before that): {body}");
        let (status, body) = search("&birthdate=eq2001-01-01&sex=female").await;
        assert_eq!((status, code(&body).as_deref()), (400, Some("ADDITIONAL_PROPERTIES")), "{body}");
        services.pds_finds_too_many(&sid);
        assert_eq!(
            code(&search("&birthdate=eq2001-01-01").await.1).as_deref(),
            Some("TOO_MANY_MATCHES"),
            "as programmed"
        );
        services.stop().await;
    }

    /// PDS's headers (`personal-demographics.yaml`, components/parameters):
    /// a bearer token or 401 ACCESS_DENIED; `X-Request-ID` required (400
    /// MISSING_VALUE) and a UUID (400 INVALID_VALUE); `NHSD-Session-URID`
    /// optional, digits if sent (400 INVALID_VALUE). `X-Request-ID` and
    /// `X-Correlation-ID` come back on every answer, refusals too, and a
    /// read carries its version as `ETag: W/"1"`.
    #[tokio::test]
    async fn pds_refuses_the_headers_pds_refuses_and_mirrors_its_tracking_ids() {
        let (services, sid) = hosted().await;
        let read = format!("{}pds/FHIR/R4/Patient/9990030111", services.url_for(&sid));
        let id = "60e0b220-8136-4ca5-ae46-1d97ef59d068";
        let send = |headers: &[(&str, &str)]| {
            let mut req = reqwest::Client::new().get(&read);
            for (n, v) in headers {
                req = req.header(*n, *v);
            }
            async move {
                let r = req.send().await.expect("answered");
                let (status, h) = (r.status().as_u16(), r.headers().clone());
                let body: Value = serde_json::from_slice(&r.bytes().await.unwrap_or_default()).unwrap_or_default();
                (status, outcome_of(&body).0, outcome_of(&body).1, h)
            }
        };
        let good = [("Authorization", "Bearer a-token"), ("X-Request-ID", id)];
        let (status, code, _, h) = send(&[good[0], good[1], ("X-Correlation-ID", "trace-7")]).await;
        assert_eq!((status, code), (200, None));
        assert_eq!(h.get("etag").and_then(|v| v.to_str().ok()), Some("W/\"1\""), "the version as ETag");
        assert_eq!(h.get("x-request-id").and_then(|v| v.to_str().ok()), Some(id), "X-Request-ID mirrored");
        assert_eq!(h.get("x-correlation-id").and_then(|v| v.to_str().ok()), Some("trace-7"), "X-Correlation-ID too");
        for (why, headers) in [
            ("no token", vec![good[1]]),
            ("an empty token", vec![("Authorization", "Bearer"), good[1]]),
            ("not a bearer token", vec![("Authorization", "Basic dXNlcjpwYXNz"), good[1]]),
        ] {
            let (status, code, issue, h) = send(&headers).await;
            assert_eq!(
                (status, code.as_deref(), issue.as_deref()),
                (401, Some("ACCESS_DENIED"), Some("forbidden")),
                "{why}"
            );
            assert_eq!(h.get("x-request-id").and_then(|v| v.to_str().ok()), Some(id), "{why}: mirrored on a refusal");
        }
        let (status, code, issue, _) = send(&[good[0]]).await;
        assert_eq!((status, code.as_deref(), issue.as_deref()), (400, Some("MISSING_VALUE"), Some("required")));
        for bad in ["1234", "", "60e0b220-8136-4ca5-ae46-1d97ef59d06"] {
            let (status, code, issue, _) = send(&[good[0], ("X-Request-ID", bad)]).await;
            assert_eq!(
                (status, code.as_deref(), issue.as_deref()),
                (400, Some("INVALID_VALUE"), Some("value")),
                "`{bad}`"
            );
        }
        let (status, code, _, _) = send(&[good[0], good[1], ("NHSD-Session-URID", "555254240100")]).await;
        assert_eq!((status, code), (200, None), "a role id of digits");
        for bad in ["invalid", ""] {
            let (status, code, _, _) = send(&[good[0], good[1], ("NHSD-Session-URID", bad)]).await;
            assert_eq!((status, code.as_deref()), (400, Some("INVALID_VALUE")), "URID `{bad}`");
        }
        // The search and a read without a number go through the same checks.
        let search = format!("{}pds/FHIR/R4/Patient?family=Dexter&birthdate=1979-11-12", services.url_for(&sid));
        let status = reqwest::Client::new().get(search).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
        assert_eq!(status, 401, "a search without a token");
        let (status, body, _) = pds_get(format!("{}pds/FHIR/R4/Patient/", services.url_for(&sid))).await;
        assert_eq!((status, outcome_of(&body).0.as_deref()), (400, Some("UNSUPPORTED_SERVICE")), "{body}");
        let (status, body, _) = pds_get(format!("{}pds/FHIR/R4/Patient/1234567890", services.url_for(&sid))).await;
        assert_eq!((status, outcome_of(&body).0.as_deref()), (400, Some("INVALID_RESOURCE_ID")), "{body}");
        let (status, body, _) = pds_get(format!("{}pds/FHIR/R4/Patient/9990030014", services.url_for(&sid))).await;
        assert_eq!((status, body["id"].as_str()), (200, Some("9990030014")), "{body}");
        services.stop().await;
    }

    /// The search's refusals, each with the code `patient-search.yaml`
    /// gives it and checked in PDS's order: no parameters
    /// UNSUPPORTED_SERVICE; an unknown one ADDITIONAL_PROPERTIES; a value
    /// PDS does not take INVALID_VALUE (a gender outside its four, a date
    /// not `[eq|ge|le]YYYY-MM-DD`, a flag not true/false, a name over 35
    /// characters or with a wildcard in its first two); no birth date
    /// MISSING_VALUE; then a combination PDS does not search by
    /// INVALID_SEARCH_DATA (no family name, both postcode parameters, a
    /// fuzzy search with wildcards or without the names it needs).
    #[tokio::test]
    async fn pds_search_refuses_with_the_code_pds_gives() {
        let (services, sid) = hosted().await;
        let long = "a".repeat(36);
        let cases = [
            ("", "UNSUPPORTED_SERVICE", "processing"),
            ("family=Dexter&birthdate=1979-11-12&sex=female&dob=x", "ADDITIONAL_PROPERTIES", "invariant"),
            ("family=Dexter&birthdate=1979-11-12&gender=mal", "INVALID_VALUE", "value"),
            ("family=Dexter&birthdate=1979-11-12&gender=Female", "INVALID_VALUE", "value"),
            ("family=Dexter&birthdate=yesterday", "INVALID_VALUE", "value"),
            ("family=Dexter&birthdate=19791112", "INVALID_VALUE", "value"),
            ("family=Dexter&birthdate=1979-11-12&death-date=gt2020-01-01", "INVALID_VALUE", "value"),
            ("family=Dexter&birthdate=1979-11-12&_fuzzy-match=yes", "INVALID_VALUE", "value"),
            ("family=Dexter&birthdate=1979-11-12&_exact-match=1", "INVALID_VALUE", "value"),
            ("family=D*&birthdate=1979-11-12", "INVALID_VALUE", "value"),
            ("family=Dexter&given=*o&birthdate=1979-11-12", "INVALID_VALUE", "value"),
            (&format!("family={long}&birthdate=1979-11-12"), "INVALID_VALUE", "value"),
            ("family=Dexter&birthdate=1979-11-12&address-postalcode=L*", "INVALID_VALUE", "value"),
            ("family=Dexter&given=Joanna", "MISSING_VALUE", "required"),
            ("email=jo%40example.com&phone=0163", "MISSING_VALUE", "required"),
            ("birthdate=1979-11-12", "INVALID_SEARCH_DATA", "value"),
            ("given=Joanna&gender=female&birthdate=1979-11-12", "INVALID_SEARCH_DATA", "value"),
            (
                "family=Dexter&birthdate=1979-11-12&address-postalcode=LS11%209ST&address-postcode=LS11%209ST",
                "INVALID_SEARCH_DATA",
                "value",
            ),
            ("_fuzzy-match=true&family=Dexter&given=Jo*&birthdate=1979-11-12", "INVALID_SEARCH_DATA", "value"),
            ("_fuzzy-match=true&family=Dexter&birthdate=1979-11-12", "INVALID_SEARCH_DATA", "value"),
        ];
        for (query, want, issue) in cases {
            let (status, body, _) = pds_get(format!("{}pds/FHIR/R4/Patient?{query}", services.url_for(&sid))).await;
            let (code, kind, system) = outcome_of(&body);
            assert_eq!((status, code.as_deref(), kind.as_deref()), (400, Some(want), Some(issue)), "`{query}`: {body}");
            assert_eq!(system.as_deref(), Some(SPINE_R4_CODES), "`{query}`");
        }
        services.stop().await;
    }

    /// What the search finds, as `patient-search.yaml` describes it: names
    /// whole and in any case unless they end in a wildcard (a wildcard
    /// match scores below 1.0, which `_exact-match` leaves out); the n-th
    /// `given` against the n-th given name; postcodes with spaces ignored;
    /// date of death and gender as filters; a registered GP, email or phone
    /// (the hosted records hold none) find no one; a fuzzy search hears
    /// names alike (Soundex) or the other way round; and a restricted
    /// patient is never found by postcode or GP.
    #[tokio::test]
    async fn pds_search_matches_as_pds_does() {
        let (services, sid) = hosted().await;
        let found = |q: &str| {
            let url = format!("{}pds/FHIR/R4/Patient?{q}", services.url_for(&sid));
            async move {
                let (status, body, _) = pds_get(url).await;
                assert_eq!(status, 200, "{body}");
                let ids: Vec<(String, f64)> = body["entry"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|e| {
                        let id = e.pointer("/resource/id").and_then(Value::as_str).unwrap_or_default().to_string();
                        (id, e.pointer("/search/score").and_then(Value::as_f64).unwrap_or_default())
                    })
                    .collect();
                ids
            }
        };
        // Joanna Dexter, 9990030111, born 1979-11-12, LS11 9ST.
        let dexter = |q: &str| found(&format!("family=DEXTER&birthdate=eq1979-11-12{q}"));
        assert_eq!(dexter("").await, vec![("9990030111".to_string(), 1.0)], "a name in another case");
        assert_eq!(dexter("&given=jOaNnA").await.len(), 1, "the given name whole");
        assert!(dexter("&given=jo").await.is_empty(), "the start of a name without a wildcard finds no one");
        let wild = dexter("&given=jo*").await;
        assert!(wild.len() == 1 && wild[0].1 < 1.0, "a wildcard finds her, short of exact: {wild:?}");
        assert!(dexter("&given=jo*&_exact-match=true").await.is_empty(), "exact matches only");
        assert!(dexter("&given=Joanna&given=Mary").await.is_empty(), "a middle name she does not have");
        assert!(found("family=De*er&birthdate=1979-11-12").await.len() == 1, "a wildcard inside the name");
        assert_eq!(dexter("&gender=female").await.len(), 1);
        assert!(dexter("&gender=male").await.is_empty(), "gender filters");
        for pc in ["LS11%209ST", "ls119st", "LS1*", "LS11%209*"] {
            assert_eq!(dexter(&format!("&address-postalcode={pc}")).await.len(), 1, "postcode {pc}");
        }
        assert!(dexter("&address-postcode=LS12%201UV").await.is_empty(), "another postcode");
        assert!(dexter("&general-practitioner=Y12345").await.is_empty(), "no registered GP is held");
        assert!(dexter("&email=jo%40example.com").await.is_empty(), "no email is held");
        assert!(dexter("&death-date=le2030-01-01").await.is_empty(), "she has not died");
        // Harriet Holloway died 2025-02-01.
        let holloway = |q: &str| found(&format!("family=Holloway&birthdate=1932-05-14{q}"));
        assert_eq!(holloway("&death-date=ge2025-01-01&death-date=le2025-12-31").await.len(), 1);
        assert!(holloway("&death-date=ge2025-03-01").await.is_empty(), "died before");
        // Fuzzy: Soundex, and names swapped.
        let fuzzy = |q: &str| found(&format!("_fuzzy-match=true&birthdate=1979-11-12{q}"));
        let heard = fuzzy("&family=Dextor&given=Joanna").await;
        assert!(heard.len() == 1 && heard[0].1 < 1.0, "Dextor sounds like Dexter: {heard:?}");
        assert_eq!(fuzzy("&family=Joanna&given=Dexter").await.len(), 1, "the names the other way round");
        assert!(fuzzy("&family=Baxter&given=Joanna").await.is_empty(), "Baxter does not sound like Dexter");
        assert_eq!(fuzzy("&given=Joanna&gender=female&address-postalcode=LS11%209ST").await.len(), 1);
        // Isla Ingram is restricted: found by name and birth date, never by
        // postcode or GP, even where those only score.
        let ingram = |q: &str| found(&format!("family=Ingram&given=Isla&birthdate=1988-09-17{q}"));
        assert_eq!(ingram("").await.len(), 1);
        assert_eq!(ingram("&_fuzzy-match=true").await.len(), 1);
        assert!(ingram("&_fuzzy-match=true&address-postalcode=LS1%201AA").await.is_empty(), "by postcode");
        assert!(ingram("&_fuzzy-match=true&general-practitioner=Y12345").await.is_empty(), "by GP");
        services.stop().await;
    }

    /// SDS as SDS answers: the address on the Endpoint, the ASID (new each
    /// start, never the fixture's) on the Device.
    #[tokio::test]
    async fn sds_lists_the_address_on_the_endpoint_and_the_asid_on_the_device() {
        let data = NationalData::embedded().expect("national data");
        let stale = data.other_practice.asid.clone();
        let services = Services::start(([127, 0, 0, 1], 0).into(), None, data).await.expect("start");
        let sid = services.open(&ScenarioKey { file: "x.feature".into(), line: 1 }, true);
        let query = format!(
            "?organization={}|RFAO01&identifier={}|{}",
            crate::fhir::gpc::ODS_ORGANIZATION_SYSTEM,
            crate::fhir::gpc::SERVICE_INTERACTION_SYSTEM,
            crate::fhir::gpc::Interaction::GetStructuredRecord.id()
        );
        let mut found = Vec::new();
        for kind in ["Endpoint", "Device"] {
            let (_, body, _) = sds_get(format!("{}sds/FHIR/R4/{kind}{query}", services.url_for(&sid)), &[]).await;
            found.push(body.pointer("/entry/0/resource").cloned().unwrap_or_default());
        }
        let asids = |r: &Value| r.to_string().matches(crate::fhir::gpc::SPINE_ASID_SYSTEM).count();
        assert!(found[0]["address"].as_str().is_some_and(|a| a.contains("/gpconnect/structured/fhir")), "{}", found[0]);
        assert_eq!(asids(&found[0]), 0, "no ASID on the Endpoint: {}", found[0]);
        let asid = found[1].pointer("/identifier/0/value").and_then(Value::as_str).unwrap_or_default();
        assert!(asid.len() == 12 && asid.bytes().all(|b| b.is_ascii_digit()) && asid != stale, "{}", found[1]);
        services.stop().await;
    }

    /// A GET to the hosted SDS with an API key and these headers: its
    /// status, JSON body and response headers.
    async fn sds_get(url: String, headers: &[(&str, &str)]) -> (u16, Value, reqwest::header::HeaderMap) {
        let mut req = reqwest::Client::new().get(url).header("apikey", "a-key");
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        let r = req.send().await.expect("answered");
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        (status, serde_json::from_slice(&r.bytes().await.unwrap_or_default()).unwrap_or_default(), headers)
    }

    /// SDS's checks (`spine-directory-service.yaml`, and the service
    /// behind it): `apikey` required (401); a parameter a search does not
    /// take, a value without its identifier system, or a combination SDS
    /// does not search by is 400 BAD_REQUEST in SDS's STU3 code system,
    /// with the correlation id as the OperationOutcome's id;
    /// `X-Correlation-ID` a UUID if sent, mirrored back (made up if not).
    /// An Endpoint search needs no organization when it has interaction and
    /// party key; `identifier`s come in any order; ids are UUIDs.
    #[tokio::test]
    async fn sds_checks_and_finds_as_sds_does() {
        use crate::fhir::gpc::{
            Interaction, MHS_PARTY_KEY_SYSTEM, ODS_ORGANIZATION_SYSTEM as ODS, SERVICE_INTERACTION_SYSTEM as SVC,
        };
        let (services, sid) = hosted().await;
        let (org, interaction) = (
            format!("organization={ODS}|RFAO01"),
            format!("identifier={SVC}|{}", Interaction::GetStructuredRecord.id()),
        );
        let party = format!("identifier={MHS_PARTY_KEY_SYSTEM}|RFAO01-800001");
        let url = |kind: &str, q: &str| format!("{}sds/FHIR/R4/{kind}?{q}", services.url_for(&sid));
        let total = |b: &Value| b["total"].as_u64();
        // Found, whichever order the identifiers come in.
        for q in [
            format!("{org}&{interaction}"),
            format!("{interaction}&{org}"),
            format!("{org}&{party}"),
            format!("{party}&{interaction}"),
            format!("{interaction}&{party}&{org}"),
        ] {
            let (status, body, h) = sds_get(url("Endpoint", &q), &[]).await;
            assert_eq!((status, total(&body)), (200, Some(1)), "Endpoint?{q}: {body}");
            let id = body.pointer("/entry/0/resource/id").and_then(Value::as_str).unwrap_or_default();
            assert!(pds::is_uuid(id), "a UUID id: {id}");
            assert!(body.pointer("/entry/0/fullUrl").and_then(Value::as_str).is_some_and(|u| u.ends_with(id)));
            let made_up = h.get("x-correlation-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(pds::is_uuid(made_up), "a correlation id made up: {made_up}");
        }
        let (_, body, _) =
            sds_get(url("Endpoint", &format!("{org}&identifier={MHS_PARTY_KEY_SYSTEM}|RFAO01-1")), &[]).await;
        assert_eq!(total(&body), Some(0), "another party key: {body}");
        let (_, body, _) = sds_get(url("Device", &format!("{interaction}&{party}&{org}")), &[]).await;
        assert_eq!(total(&body), Some(1), "a Device by organization, interaction and party key: {body}");
        let (_, body, _) =
            sds_get(url("Device", &format!("{org}&{interaction}&manufacturing-organization={ODS}|YES")), &[]).await;
        assert_eq!(total(&body), Some(0), "no manufacturer is recorded: {body}");
        // Refused.
        let id = "6d3d3674-7ce5-11ec-90d6-0242ac120003";
        for (kind, q) in [
            ("Endpoint", org.clone()),
            ("Endpoint", interaction.clone()),
            ("Endpoint", party.clone()),
            ("Endpoint", String::new()),
            ("Endpoint", format!("{org}&{interaction}&_format=json")),
            ("Endpoint", format!("{org}&{interaction}&manufacturing-organization={ODS}|YES")),
            ("Endpoint", format!("organization=RFAO01&{interaction}")),
            (
                "Endpoint",
                format!("{org}&identifier=urn:nhs:names:services:gpconnect:fhir:operation:gpc.getstructuredrecord-1"),
            ),
            ("Device", format!("{org}&{party}")),
            ("Device", interaction.clone()),
            ("Device", format!("{org}&{interaction}&manufacturing-organization=YES")),
        ] {
            let (status, body, h) = sds_get(url(kind, &q), &[("X-Correlation-ID", id)]).await;
            let (code, issue, system) = outcome_of(&body);
            assert_eq!(
                (status, code.as_deref(), issue.as_deref(), system.as_deref()),
                (400, Some("BAD_REQUEST"), Some("required"), Some(sds::SDS_ERROR_SYSTEM)),
                "{kind}?{q}: {body}"
            );
            assert_eq!(
                (body["id"].as_str(), h.get("x-correlation-id").and_then(|v| v.to_str().ok())),
                (Some(id), Some(id))
            );
        }
        let (status, body, _) =
            sds_get(url("Endpoint", &format!("{org}&{interaction}")), &[("X-Correlation-ID", "abc")]).await;
        assert_eq!((status, outcome_of(&body).0.as_deref()), (400, Some("BAD_REQUEST")), "a correlation id not a UUID");
        let status = reqwest::get(url("Endpoint", &format!("{org}&{interaction}"))).await.map(|r| r.status().as_u16());
        assert_eq!(status.ok(), Some(401), "no apikey");
        services.stop().await;
    }

    #[test]
    fn a_session_prefix_comes_off_the_path() {
        assert_eq!(split_session("/s/ab12/pds/FHIR/R4/Patient"), ("ab12", "/pds/FHIR/R4/Patient"));
        assert_eq!(split_session("/pds/FHIR/R4/Patient"), ("", "/pds/FHIR/R4/Patient"));
        assert_eq!(split_session("/s/ab12"), ("", "/s/ab12"));
    }
}
