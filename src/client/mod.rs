//! The harness's side of the wire: GP Connect requests to the candidate.
//!
//! A [`RequestSpec`] describes a request as a conformant consumer would send
//! it, plus the deliberate breakages a negative test wants; [`Client::send`]
//! turns it into HTTP and returns the [`Exchange`] as evidence. Redirects are
//! never followed, every request has a timeout, and bodies are capped.

pub mod jwt;
pub mod preflight;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use crate::catalogue::ScenarioKey;
use crate::config::CandidateConfig;
use crate::evidence::{Body, Exchange, RecordedRequest, RecordedResponse, Redactor};
use crate::fhir::gpc::{self, Interaction};
use crate::tls::pki::{self, Authority, Issued, Purpose, Validity};
use crate::tls::{ClientCert, TlsCase, probe};
pub use jwt::{ClaimEdit, JwtSpec};

/// A change a test makes to one request header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderEdit {
    Remove,
    Set(String),
}

/// A request, described the way a test thinks of it.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub interaction: Interaction,
    pub method: Method,
    /// Relative to the service root, e.g. `Patient/123` or `metadata`.
    pub path: String,
    /// Query parameters, percent-encoded when sent (GP Connect requires the
    /// `|` in `identifier` to be encoded).
    pub query: Vec<(String, String)>,
    /// A query string sent verbatim instead of `query`.
    pub raw_query: Option<String>,
    pub header_edits: Vec<(String, HeaderEdit)>,
    pub jwt: JwtSpec,
    pub body: Option<Vec<u8>>,
    /// The body (FHIR JSON as built) is sent as FHIR XML instead.
    pub xml_body: bool,
    /// Sent to the candidate's TLS endpoint (`[tls]`) this way, instead of
    /// to the service root the interaction belongs to.
    pub tls: Option<TlsCase>,
}

impl RequestSpec {
    pub fn new(interaction: Interaction, path: impl Into<String>) -> Self {
        Self {
            interaction,
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            raw_query: None,
            header_edits: Vec::new(),
            jwt: JwtSpec::default(),
            body: None,
            xml_body: false,
            tls: None,
        }
    }

    /// A POST of this body (a create or an operation).
    pub fn post(interaction: Interaction, path: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        Self { method: Method::POST, body: Some(body.into()), ..Self::new(interaction, path) }
    }
}

/// A response as the steps see it.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    /// All values of a header, joined with ", " (HTTP list semantics).
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<String> =
            self.headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
        if values.is_empty() { None } else { Some(values.join(", ")) }
    }

    /// The body as FHIR JSON. An answer labelled FHIR XML is read as FHIR
    /// XML into the same shape, so every check judges both formats alike.
    pub fn json(&self) -> Result<serde_json::Value, String> {
        if self.body.is_empty() {
            return Err("the response has no body".into());
        }
        if self.is_fhir_xml() {
            return crate::fhir::xml::to_json(&self.body)
                .map_err(|e| format!("the response body is not FHIR XML ({e})"));
        }
        serde_json::from_slice(&self.body).map_err(|e| format!("the response body is not JSON ({e})"))
    }

    /// The Content-Type's media type, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        let ct = self.header("content-type")?;
        Some(ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
    }

    /// Labelled `application/fhir+xml` (the only XML type GP Connect names).
    pub fn is_fhir_xml(&self) -> bool {
        self.media_type().as_deref() == Some(gpc::FHIR_XML)
    }
}

/// Why no response could be judged.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    #[error("the request could not be built: {0}")]
    Build(String),
    #[error("no answer within {0:?} (the per-request timeout)")]
    Timeout(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("the response body is larger than the {0}-byte cap")]
    TooLarge(usize),
    #[error("{0}")]
    Other(String),
    /// Re-judging: the recorded run did not get a response either.
    #[error("{0}")]
    Replayed(String),
    /// Re-judging: the scenario made a request the evidence does not hold.
    #[error("{0}")]
    NotInEvidence(String),
}

/// Where requests go: the network, or a recorded run being replayed.
#[derive(Debug, Clone)]
pub enum Transport {
    Live(reqwest::Client),
    /// `rfa verify --rejudge`: each scenario gets its recorded responses back,
    /// in order, and the steps judge them again.
    Replay(Arc<ReplayBook>),
}

/// Recorded exchanges per scenario, consumed in order.
#[derive(Debug, Default)]
pub struct ReplayBook {
    queues: Mutex<HashMap<ScenarioKey, VecDeque<Exchange>>>,
}

impl ReplayBook {
    pub fn new(by_scenario: HashMap<ScenarioKey, Vec<Exchange>>) -> Self {
        Self { queues: Mutex::new(by_scenario.into_iter().map(|(k, v)| (k, v.into())).collect()) }
    }

    fn next(&self, key: &ScenarioKey) -> Option<Exchange> {
        self.queues.lock().ok()?.get_mut(key)?.pop_front()
    }

    /// The requests the candidate made of the hosted services that the
    /// evidence records next for the scenario (re-judging a consumer step).
    pub fn take_inbound(&self, key: &ScenarioKey) -> Vec<Exchange> {
        let Ok(mut queues) = self.queues.lock() else { return vec![] };
        let Some(q) = queues.get_mut(key) else { return vec![] };
        let mut out = Vec::new();
        while q.front().is_some_and(|x| x.inbound) {
            out.extend(q.pop_front());
        }
        out
    }

    /// The scenario's next recorded exchange, provided it is `asked` (same
    /// method and URL); otherwise why not.
    pub fn next_for(&self, scenario: Option<&ScenarioKey>, asked: &RecordedRequest) -> Result<Exchange, String> {
        let (method, url) = (&asked.method, &asked.url);
        match scenario.map(|key| self.next(key)) {
            None => Err("replaying needs the scenario's identity".to_string()),
            Some(None) => {
                Err(format!("the evidence holds no further exchange for this scenario ({method} {url} was asked for)"))
            }
            Some(Some(x)) if &x.request.method == method && &x.request.url == url => Ok(x),
            Some(Some(x)) => Err(format!(
                "the scenario asks for {method} {url} but the evidence's next exchange is {} {}",
                x.request.method, x.request.url
            )),
        }
    }
}

/// The request as it goes on the wire: as built, or with its body (built
/// as FHIR JSON) written as FHIR XML. Borrowed unless there is XML to write.
fn on_the_wire(spec: &RequestSpec) -> Result<std::borrow::Cow<'_, RequestSpec>, TransportError> {
    let (Some(body), true) = (&spec.body, spec.xml_body) else { return Ok(std::borrow::Cow::Borrowed(spec)) };
    let json: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| TransportError::Build(format!("an XML body must be built as FHIR JSON first ({e})")))?;
    let xml = crate::fhir::xml::from_json(&json)
        .map_err(|e| TransportError::Build(format!("the body cannot be written as FHIR XML: {e}")))?;
    Ok(std::borrow::Cow::Owned(RequestSpec { body: Some(xml), ..spec.clone() }))
}

/// What re-judging records for a request the evidence does not hold.
pub fn unrecorded(request: RecordedRequest, why: &str) -> Exchange {
    Exchange {
        started: String::new(),
        duration_ms: 0.0,
        request,
        response: None,
        error: Some(why.to_string()),
        negotiated: None,
        inbound: false,
    }
}

/// Sends GP Connect requests to one candidate.
#[derive(Debug, Clone)]
pub struct Client {
    transport: Transport,
    config: Arc<CandidateConfig>,
    redactor: Redactor,
    /// Bounds requests in flight to the candidate (`max_in_flight`).
    in_flight: Arc<tokio::sync::Semaphore>,
    /// One HTTP client per way of reaching the TLS endpoint, built on first use.
    tls_clients: Arc<Mutex<HashMap<TlsCase, reqwest::Client>>>,
}

fn http_builder(config: &CandidateConfig) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(config.timeout)
        .user_agent(concat!("rfa-harness/", env!("CARGO_PKG_VERSION")))
}

impl Client {
    pub fn new(config: Arc<CandidateConfig>) -> Result<Self, TransportError> {
        let mut builder = http_builder(&config);
        // A candidate served over TLS with `[tls]` is reached as the TLS
        // scenarios reach it: its authority trusted, the harness's client
        // certificate presented.
        if let Some(t) = config.tls.as_ref().filter(|_| config.base_url.scheme() == "https") {
            builder = verified(builder, t)?;
        }
        let http = builder.build().map_err(|e| TransportError::Build(e.to_string()))?;
        Ok(Self::with_transport(config, Transport::Live(http)))
    }

    pub fn with_transport(config: Arc<CandidateConfig>, transport: Transport) -> Self {
        let redactor = config.redactor();
        let in_flight = Arc::new(tokio::sync::Semaphore::new(config.max_in_flight.max(1)));
        Self { transport, config, redactor, in_flight, tls_clients: Arc::default() }
    }

    fn tls_settings(&self) -> Result<&crate::config::TlsSettings, TransportError> {
        self.config.tls.as_ref().ok_or_else(|| TransportError::Build("the config has no [tls] section".into()))
    }

    /// The HTTP client for one way of reaching the TLS endpoint.
    fn tls_client(&self, case: TlsCase) -> Result<reqwest::Client, TransportError> {
        if let Some(c) = self.tls_clients.lock().ok().and_then(|m| m.get(&case).cloned()) {
            return Ok(c);
        }
        let t = self.tls_settings()?;
        let b = http_builder(&self.config);
        let unverified = |b: reqwest::ClientBuilder| b.danger_accept_invalid_certs(true);
        let b = match case {
            TlsCase::Verified => verified(b, t)?,
            TlsCase::Tls12Only => unverified(b)
                .tls_version_min(reqwest::tls::Version::TLS_1_2)
                .tls_version_max(reqwest::tls::Version::TLS_1_2)
                .identity(identity(&client_cert(t, ClientCert::Valid)?)?),
            TlsCase::Client(ClientCert::None) => unverified(b),
            TlsCase::Client(c) => unverified(b).identity(identity(&client_cert(t, c)?)?),
            TlsCase::Plain => b,
        };
        let client = b.build().map_err(|e| TransportError::Build(root_cause(&e)))?;
        if let Ok(mut m) = self.tls_clients.lock() {
            m.insert(case, client.clone());
        }
        Ok(client)
    }

    /// Offers the candidate's TLS endpoint exactly what `offer` says,
    /// presenting the harness's valid client certificate, and records it.
    pub async fn handshake(&self, offer: &probe::Offer, scenario: Option<&ScenarioKey>) -> (Exchange, probe::Outcome) {
        let (host, port, url) = match self.tls_settings() {
            Ok(t) => {
                let host = t.url.host_str().unwrap_or_default().trim_matches(['[', ']']).to_string();
                let port = t.url.port_or_known_default().unwrap_or(443);
                let url = format!("tls://{}:{port}", t.url.host_str().unwrap_or_default());
                (host, port, url)
            }
            Err(e) => (String::new(), 0, format!("tls://({e})")),
        };
        let fqdn = self.config.tls.as_ref().map(|t| t.client_fqdn.clone()).unwrap_or_default();
        let request = RecordedRequest {
            method: "HANDSHAKE".into(),
            url,
            headers: vec![],
            jwt_claims: None,
            tls: Some(format!("{}; {}", offer.what, ClientCert::Valid.describe(&fqdn))),
            body: Body::default(),
        };
        if let Transport::Replay(book) = &self.transport {
            return replay_handshake(book, request, scenario);
        }
        let started = SystemTime::now();
        let clock = Instant::now();
        let outcome = match self.tls_settings().and_then(|t| client_cert(t, ClientCert::Valid)) {
            Err(e) => probe::Outcome::NoConnection(e.to_string()),
            Ok(id) => {
                let _permit = self.in_flight.acquire().await;
                probe::handshake(&host, port, offer, Some(&id), self.config.timeout).await
            }
        };
        let (negotiated, error) = match &outcome {
            probe::Outcome::Negotiated { version, cipher } => (Some(format!("{version} {cipher}")), None),
            probe::Outcome::Refused(e) => (None, Some(e.clone())),
            probe::Outcome::NoConnection(e) => (None, Some(format!("{NO_CONNECTION}{e}"))),
        };
        let exchange = Exchange {
            started: rfc3339(started),
            duration_ms: clock.elapsed().as_secs_f64() * 1000.0,
            request,
            response: None,
            error,
            negotiated,
            inbound: false,
        };
        (exchange, outcome)
    }

    pub fn config(&self) -> &CandidateConfig {
        &self.config
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The absolute URL of a path under the service root.
    pub fn url(&self, spec: &RequestSpec) -> Result<Url, TransportError> {
        let root = match spec.tls {
            None => self.config.service_root(spec.interaction.capability()).clone(),
            Some(TlsCase::Plain) => {
                let mut u = self.tls_settings()?.url.clone();
                let port = u.port_or_known_default();
                u.set_scheme("http").map_err(|_| TransportError::Build("cannot make a plain HTTP URL".into()))?;
                u.set_port(port).map_err(|_| TransportError::Build("cannot make a plain HTTP URL".into()))?;
                u
            }
            Some(_) => self.tls_settings()?.url.clone(),
        };
        let base = root.as_str().trim_end_matches('/');
        let path = spec.path.trim_start_matches('/');
        let mut url = Url::parse(&format!("{base}/{path}")).map_err(|e| TransportError::Build(e.to_string()))?;
        if let Some(raw) = &spec.raw_query {
            url.set_query(Some(raw));
        } else if !spec.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &spec.query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// Sends a request for a scenario. Transport failures still produce an
    /// [`Exchange`] (with `error` set) so the evidence shows what was
    /// attempted; the exchange is already redacted, the response is not.
    pub async fn send(
        &self,
        spec: &RequestSpec,
        scenario: Option<&ScenarioKey>,
    ) -> (Exchange, Result<Response, TransportError>) {
        if let Transport::Replay(book) = &self.transport {
            return self.replay(book, spec, scenario);
        }
        let started = SystemTime::now();
        let clock = Instant::now();
        let now = started.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
        let c = &self.config;
        let (token, claims) = jwt::build(c, spec.interaction, &spec.jwt, now);
        let wire = match on_the_wire(spec) {
            Ok(w) => w,
            Err(e) => return (unrecorded(self.asked(spec), &e.to_string()), Err(e)),
        };
        let spec = wire.as_ref();

        let mut headers: Vec<(String, String)> = vec![
            ("Ssp-TraceID".into(), uuid::Uuid::new_v4().to_string()),
            ("Ssp-From".into(), c.spine.consumer_asid.clone()),
            ("Ssp-To".into(), c.spine.provider_asid.clone()),
            ("Ssp-InteractionID".into(), spec.interaction.id().into()),
            ("Authorization".into(), format!("Bearer {token}")),
            ("Accept".into(), gpc::FHIR_JSON.into()),
        ];
        if spec.body.is_some() {
            // GP Connect: requests SHALL name the UTF-8 charset, with no space.
            let media = if spec.xml_body { gpc::FHIR_XML } else { gpc::FHIR_JSON };
            headers.push(("Content-Type".into(), format!("{media};charset=utf-8")));
        }
        headers.extend(c.headers.iter().map(|h| (h.name.clone(), h.value.clone())));
        for (name, edit) in &spec.header_edits {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            if let HeaderEdit::Set(v) = edit {
                headers.push((name.clone(), v.clone()));
            }
        }
        let url = self.url(spec);
        let recorded = RecordedRequest {
            method: spec.method.to_string(),
            url: url.as_ref().map(|u| u.to_string()).unwrap_or_else(|_| spec.path.clone()),
            headers: headers.clone(),
            jwt_claims: Some(claims),
            tls: spec.tls.map(|case| case.describe(c.tls.as_ref().map(|t| t.client_fqdn.as_str()).unwrap_or_default())),
            body: Body::from_bytes(spec.body.as_deref().unwrap_or_default()),
        };
        // The clock starts before the wait for a slot, so a request's
        // recorded time includes any queueing the limit caused.
        let permit = self.in_flight.acquire().await;
        let result = match (url, permit) {
            (Ok(url), Ok(_permit)) => self.execute(spec, url, &headers).await,
            (Err(e), _) => Err(e),
            (_, Err(_)) => Err(TransportError::Other("the request limiter was closed".into())),
        };
        let exchange = Exchange {
            started: rfc3339(started),
            duration_ms: clock.elapsed().as_secs_f64() * 1000.0,
            request: recorded,
            response: result.as_ref().ok().map(|r| RecordedResponse {
                status: r.status,
                headers: r
                    .headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                    .collect(),
                body: Body::from_bytes(&r.body),
            }),
            error: result.as_ref().err().map(ToString::to_string),
            negotiated: None,
            inbound: false,
        };
        let exchange = self.redactor.exchange_owned(exchange);
        match &exchange.response {
            Some(r) => {
                tracing::debug!(target: "rfa::client", status = r.status, ms = exchange.duration_ms, "{} {}", exchange.request.method, exchange.request.url)
            }
            None => {
                tracing::debug!(target: "rfa::client", error = exchange.error.as_deref().unwrap_or_default(), "{} {}", exchange.request.method, exchange.request.url)
            }
        }
        (exchange, result)
    }

    /// A request as the evidence names one that was never sent.
    fn asked(&self, spec: &RequestSpec) -> RecordedRequest {
        RecordedRequest {
            method: spec.method.to_string(),
            url: self.url(spec).map(|u| self.redactor.text(u.as_str())).unwrap_or_else(|_| spec.path.clone()),
            headers: vec![],
            jwt_claims: None,
            tls: None,
            body: Body::default(),
        }
    }

    /// Hands back the scenario's next recorded exchange, provided it is the
    /// request the scenario makes now.
    fn replay(
        &self,
        book: &ReplayBook,
        spec: &RequestSpec,
        scenario: Option<&ScenarioKey>,
    ) -> (Exchange, Result<Response, TransportError>) {
        let asked = self.asked(spec);
        let x = match book.next_for(scenario, &asked) {
            Ok(x) => x,
            Err(why) => return (unrecorded(asked, &why), Err(TransportError::NotInEvidence(why))),
        };
        let result = match (&x.response, &x.error) {
            (Some(r), _) => {
                let mut headers = HeaderMap::new();
                for (n, v) in &r.headers {
                    if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(n.as_bytes()), HeaderValue::from_str(v)) {
                        headers.append(n, v);
                    }
                }
                Ok(Response { status: r.status, headers, body: r.body.bytes() })
            }
            (None, e) => Err(TransportError::Replayed(e.clone().unwrap_or_else(|| "no response was recorded".into()))),
        };
        (x, result)
    }

    async fn execute(
        &self,
        spec: &RequestSpec,
        url: Url,
        headers: &[(String, String)],
    ) -> Result<Response, TransportError> {
        let mut map = HeaderMap::new();
        for (n, v) in headers {
            let name = HeaderName::from_bytes(n.as_bytes())
                .map_err(|_| TransportError::Build(format!("`{n}` is not a valid header name")))?;
            let value = HeaderValue::from_str(v)
                .map_err(|_| TransportError::Build(format!("the value of `{n}` cannot be sent in a header")))?;
            map.append(name, value);
        }
        let timeout = self.config.timeout;
        let Transport::Live(http) = &self.transport else {
            return Err(TransportError::Build("no live transport".into()));
        };
        let http = match spec.tls {
            Some(case) => &self.tls_client(case)?,
            None => http,
        };
        let mut req = http.request(spec.method.clone(), url).headers(map).timeout(timeout);
        if let Some(body) = &spec.body {
            req = req.body(body.clone());
        }
        let classify = |e: reqwest::Error| {
            if e.is_timeout() {
                TransportError::Timeout(timeout)
            } else if e.is_connect() {
                TransportError::Connect(root_cause(&e))
            } else {
                TransportError::Other(root_cause(&e))
            }
        };
        let mut resp = req.send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let cap = self.config.max_response_bytes;
        // A declared length over the cap is refused before a byte is read.
        let declared = resp.content_length().and_then(|n| usize::try_from(n).ok());
        if declared.is_some_and(|n| n > cap) {
            return Err(TransportError::TooLarge(cap));
        }
        let mut body = Vec::with_capacity(declared.unwrap_or(0).min(cap));
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            let needed = body.len() + chunk.len();
            if needed > cap {
                return Err(TransportError::TooLarge(cap));
            }
            body.reserve_exact(grown(body.capacity(), needed, cap) - body.len());
            body.extend_from_slice(&chunk);
        }
        Ok(Response { status, headers, body })
    }
}

/// The capacity a response buffer grows to when it must hold `needed`
/// bytes: doubling (so a chunked answer costs amortised linear copying),
/// but never past `cap`. Plain `Vec` growth would double a buffer of 9 MiB
/// to 18 MiB for a 10 MiB cap, times every request in flight.
fn grown(capacity: usize, needed: usize, cap: usize) -> usize {
    if needed <= capacity {
        return capacity;
    }
    capacity.max(8 * 1024).saturating_mul(2).clamp(needed, cap.max(needed))
}

/// When an exchange started, as the evidence records it.
pub fn rfc3339(at: SystemTime) -> String {
    time::OffsetDateTime::from(at).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The prefix of a handshake exchange's error when no TCP connection was made.
const NO_CONNECTION: &str = "no connection: ";

fn replay_handshake(
    book: &ReplayBook,
    request: RecordedRequest,
    scenario: Option<&ScenarioKey>,
) -> (Exchange, probe::Outcome) {
    let x = match book.next_for(scenario, &request) {
        Ok(x) => x,
        Err(why) => return (unrecorded(request, &why), probe::Outcome::NoConnection(why)),
    };
    let outcome = match (&x.negotiated, &x.error) {
        (Some(n), _) => {
            let (version, cipher) = n.split_once(' ').unwrap_or((n.as_str(), ""));
            probe::Outcome::Negotiated { version: version.into(), cipher: cipher.into() }
        }
        (None, Some(e)) => match e.strip_prefix(NO_CONNECTION) {
            Some(rest) => probe::Outcome::NoConnection(rest.into()),
            None => probe::Outcome::Refused(e.clone()),
        },
        (None, None) => probe::Outcome::NoConnection("the evidence records neither an agreement nor a refusal".into()),
    };
    (x, outcome)
}

/// A client that verifies the candidate against `[tls]`'s server authority
/// and the host name, and presents the harness's valid certificate.
fn verified(
    b: reqwest::ClientBuilder,
    t: &crate::config::TlsSettings,
) -> Result<reqwest::ClientBuilder, TransportError> {
    let ca = reqwest::Certificate::from_pem(t.server_ca_pem.as_bytes())
        .map_err(|e| TransportError::Build(format!("[tls] server_ca: {}", root_cause(&e))))?;
    Ok(b.tls_certs_only([ca]).identity(identity(&client_cert(t, ClientCert::Valid)?)?))
}

fn identity(cert: &Issued) -> Result<reqwest::Identity, TransportError> {
    reqwest::Identity::from_pem(&cert.identity_pem())
        .map_err(|e| TransportError::Build(format!("the client certificate: {}", root_cause(&e))))
}

/// Mints the client certificate a case presents.
fn client_cert(t: &crate::config::TlsSettings, case: ClientCert) -> Result<Issued, TransportError> {
    let authority = t.client_authority.as_ref().ok_or_else(|| {
        TransportError::Build("no client authority to mint certificates from (re-judging sends nothing)".into())
    })?;
    let fqdn = vec![t.client_fqdn.clone()];
    let minted = match case {
        ClientCert::Valid | ClientCert::None => authority.issue(&fqdn, Purpose::Client, Validity::Current),
        ClientCert::SelfSigned => pki::self_signed(&fqdn, Purpose::Client),
        ClientCert::OtherAuthority => Authority::generate("an authority the candidate never trusted")
            .and_then(|a| a.issue(&fqdn, Purpose::Client, Validity::Current)),
        ClientCert::Expired => authority.issue(&fqdn, Purpose::Client, Validity::Expired),
        ClientCert::NotYetValid => authority.issue(&fqdn, Purpose::Client, Validity::NotYetValid),
        ClientCert::OtherName => {
            authority.issue(&[crate::tls::other_name(&t.client_fqdn)], Purpose::Client, Validity::Current)
        }
    };
    minted.map_err(|e| TransportError::Build(e.to_string()))
}

/// reqwest's top-level message is generic ("error sending request"); the
/// useful part is at the bottom of the source chain.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        msg = s.to_string();
        cur = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_grow_by_doubling_but_never_past_the_cap() {
        let cap = 10 << 20;
        assert_eq!(grown(0, 100, cap), 16 * 1024);
        assert_eq!(grown(16 * 1024, 100, cap), 16 * 1024, "room enough: no growth");
        assert_eq!(grown(8 << 20, (8 << 20) + 1, cap), cap, "9 MiB would double to 16 MiB");
        assert_eq!(grown(1 << 20, 5 << 20, cap), 5 << 20, "one big chunk: exactly what it needs");
    }

    /// A candidate that declares a body over the cap and then sends nothing:
    /// refused on the header at once, not after the timeout, and nothing read.
    #[tokio::test]
    async fn a_declared_length_over_the_cap_is_refused_before_reading() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}/fhir", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let Ok((mut s, _)) = listener.accept().await else { return };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 209715200\r\n\r\n";
            let _ = s.write_all(head.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        let fixtures = crate::fixtures::FixturePack::embedded().expect("fixtures");
        let url = crate::config::parse_base_url(&base).expect("base");
        let id = crate::reference::identity(&Default::default());
        let config = CandidateConfig::for_known(id, url, "900000000001", "GPC001", &fixtures);
        let client = Client::new(Arc::new(config)).expect("client");
        let started = Instant::now();
        let (_, result) = client.send(&RequestSpec::new(Interaction::ReadMetadata, "metadata"), None).await;
        assert!(matches!(result, Err(TransportError::TooLarge(_))), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "refused on the header, not at the timeout");
    }
}
