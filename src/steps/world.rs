//! The per-scenario state steps share: the request being built, the last
//! response, and every exchange made (the scenario's evidence).

use std::sync::Arc;

use crate::client::{Client, RequestSpec, Response};
use crate::evidence::Exchange;
use crate::support::schemas::Schemas;

/// What all scenarios of a run share.
#[derive(Debug)]
pub struct RunContext {
    pub client: Client,
    pub schemas: Arc<Schemas>,
    /// The candidate as a client: the hosted services and the tester.
    pub consumer: crate::steps::hosted::Consumer,
}

/// Why a step did not pass. Steps return this instead of panicking; the
/// step adapter hands it to cucumber with `resume_unwind`, which skips the
/// panic hook, and the collector reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The candidate did something the requirement forbids.
    Assert(String),
    /// No response could be judged (timeout, refused connection, size cap).
    Transport(String),
    /// The pack or harness is at fault (e.g. steps in an impossible order).
    Harness(String),
    /// The scenario cannot be judged here, for this reason (e.g. the config
    /// has no TLS endpoint): skipped, never passed.
    Skip(String),
}

impl Failure {
    pub fn message(&self) -> &str {
        match self {
            Self::Assert(m) | Self::Transport(m) | Self::Harness(m) | Self::Skip(m) => m,
        }
    }
}

pub type StepResult = Result<(), Failure>;

/// Shorthand for an assertion failure.
pub fn fail<T>(msg: impl Into<String>) -> Result<T, Failure> {
    Err(Failure::Assert(msg.into()))
}

#[derive(Debug, Default)]
pub struct RfaWorld {
    pub(crate) ctx: Option<Arc<RunContext>>,
    pub request: Option<RequestSpec>,
    pub response: Option<Response>,
    /// Every exchange this scenario made, in order.
    pub exchanges: Vec<Exchange>,
    /// The logical id a patient read targets, once resolved.
    pub target_id: Option<String>,
    /// The DocumentReference a Binary retrieval is for, once found.
    pub document: Option<serde_json::Value>,
    /// Which scenario this is (set before its first step).
    pub scenario: Option<crate::catalogue::ScenarioKey>,
    /// Its requirement and name, for people (`RFA-COM-014 a discharge summary`).
    pub title: String,
    /// Each area's per-scenario state (steps/<area>/ keeps its own).
    pub shared: SharedState,
    pub rec: RecState,
    pub onl: OnlState,
    pub eps: EpsState,
    pub dsp: DspState,
    pub fin: FinState,
    pub acc: AccState,
    pub dev: DevState,
    pub com: ComState,
    /// The scenario's hold on the hosted national services, once it uses them.
    pub turn: Option<crate::steps::hosted::Turn>,
    /// What the candidate did as a client (profile §37).
    pub consumer: ConsumerState,
}

/// A consumer scenario's state.
#[derive(Debug, Clone, Default)]
pub struct ConsumerState {
    /// Every request the candidate made of the hosted services, in order.
    pub inbound: Vec<Exchange>,
    /// How many of `inbound` arrived before the latest action.
    pub before_last: usize,
    /// The candidate's answer to the latest trigger (None: a tester acted).
    pub answer: Option<Response>,
    /// What the tester reported of the latest interactive action: Some(true)
    /// when the candidate would not do it, Some(false) when it was done.
    pub tester_refused: Option<bool>,
    /// The latest action's name.
    pub action: Option<String>,
    /// National test patients the scenario uses, by label: their key.
    pub patients: std::collections::BTreeMap<String, String>,
    /// Prescriptions the candidate issued, by label: the prescription ID
    /// it gave and the patient's NHS number.
    pub prescriptions: std::collections::BTreeMap<String, (String, String)>,
    /// How many messages the scenario put in the MESH inbox.
    pub delivered: usize,
    /// How many retrieved records a patient's documents held before.
    pub documents_before: Option<usize>,
}

/// An entry a scenario recorded, under the label the feature gives it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub ty: crate::fhir::gpc::EntryType,
    pub id: String,
    /// The version the candidate last answered with.
    pub version: usize,
    /// What the scenario last had accepted: the entry should read back so.
    pub expected: serde_json::Value,
    /// What it first recorded (version 1).
    pub original: serde_json::Value,
}

/// What several areas' steps keep: ids found for fixture keys, identifiers built, concurrent answers.
#[derive(Debug, Clone, Default)]
pub struct SharedState {
    /// Logical ids found for fixture keys (`patient20`, `practitioner1`).
    pub ids: std::collections::BTreeMap<String, String>,
    /// How many entries this scenario has built (numbers their identifiers).
    pub built: usize,
    /// Responses of requests sent together (`twice at once`).
    pub together: Vec<u16>,
}

/// REC: clinical entries built, recorded and searched; the audit record kept; the registration.
#[derive(Debug, Clone, Default)]
pub struct RecState {
    /// The entry being built or amended: its type, the label it will be
    /// known by, and its body.
    pub entry: Option<(crate::fhir::gpc::EntryType, String, serde_json::Value)>,
    pub recorded: std::collections::BTreeMap<String, Recorded>,
    /// Every page a followed search returned, in order.
    pub pages: Vec<serde_json::Value>,
    /// An audit record kept to compare with later.
    pub saved: Option<serde_json::Value>,
    /// The Parameters of the registration being built or last sent.
    pub registration: Option<serde_json::Value>,
    /// The entry the candidate is asked to record itself (`record-entry`).
    pub asked: Option<AskedEntry>,
}

/// An entry for the candidate to record: what the user enters, the
/// trigger's exchange once asked, and the entry as the structured record
/// shows it, with its Bundle, once found.
#[derive(Debug, Clone)]
pub struct AskedEntry {
    pub ty: crate::fhir::gpc::EntryType,
    /// The fixture key of the patient it is for.
    pub patient: String,
    pub params: Vec<(String, String)>,
    /// The index of the trigger's exchange.
    pub trigger: Option<usize>,
    pub found: Option<(serde_json::Value, serde_json::Value)>,
}

/// A patient signed in with NHS login, and how their token is to be made.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub nhs: String,
    pub key: String,
    pub signing: crate::national::nhs_login::Signing,
    pub expired: bool,
    /// The token last made, and what it was made from: an app keeps the
    /// ID token it was given for the session, and signing one costs an
    /// RSA private-key operation.
    pub minted: std::sync::Arc<std::sync::Mutex<Option<(String, String)>>>,
}

/// ONL: bookings, appointments, the signed-in patient and repeat requests.
#[derive(Debug, Clone, Default)]
pub struct OnlState {
    /// The Appointment being booked, and for which patient (logical id).
    pub booking: Option<serde_json::Value>,
    pub booking_patient: Option<String>,
    /// Slots this scenario's bookings lost (409): a rebooking skips all of
    /// them, not only the last, since a candidate may keep offering them.
    pub lost_slots: Vec<String>,
    /// The organisation type the scenario searches slots as, if any.
    pub booking_org_type: Option<String>,
    /// Booked appointments by label: logical id and the appointment.
    pub appointments: std::collections::BTreeMap<String, (String, serde_json::Value)>,
    /// The days (from today) a booking searches free slots in; None: the
    /// next 14 days.
    pub booking_days: Option<(i64, i64)>,
    /// The Schedule reference of the slot a booking picked.
    pub booking_schedule: Option<serde_json::Value>,
    /// How many adjacent slots a booking takes (0 or 1: one).
    pub booking_span: usize,
    /// The Location each Schedule names as its actor (Schedule reference to
    /// Location reference), from the bookings' free slot searches.
    pub schedule_locations: std::collections::BTreeMap<String, String>,
    /// A booking for today takes a slot that has already begun.
    pub booking_begun: bool,
    /// The ODS code of the organisation a booking is made by, when not the
    /// consumer's own.
    pub booking_ods: Option<String>,
    /// The appointment as it was before the change being built (amend or
    /// cancel), to compare the answer with.
    pub before_change: Option<serde_json::Value>,
    /// The label of the appointment the request being built changes.
    pub changing: Option<String>,
    /// The patient signed in with NHS login; every request then carries
    /// their ID token.
    pub signed_in: Option<SignedIn>,
    /// Repeat requests recorded, by label: the Task as answered.
    pub repeat_requests: std::collections::BTreeMap<String, serde_json::Value>,
}

/// EPS: prescriptions built and issued.
#[derive(Debug, Clone, Default)]
pub struct EpsState {
    /// The prescription being built (EPS).
    pub prescription: Option<serde_json::Value>,
    /// Prescriptions issued, by label: (as sent, as answered).
    pub prescribed: std::collections::BTreeMap<String, (serde_json::Value, serde_json::Value)>,
    /// The fixture patient the prescription being built is for.
    pub patient: Option<String>,
    /// Prescriptions the candidate was asked to issue, by label: as built.
    pub asked: std::collections::BTreeMap<String, serde_json::Value>,
}

/// DSP: the dispense being built.
#[derive(Debug, Clone, Default)]
pub struct DspState {
    /// The dispense being built (DSP).
    pub dispense: Option<serde_json::Value>,
}

/// FIN: claims built and made.
#[derive(Debug, Clone, Default)]
pub struct FinState {
    /// The finance claim being built (FIN).
    pub claim: Option<serde_json::Value>,
    /// Claims made, by label: (as sent, as answered).
    pub claims: std::collections::BTreeMap<String, (serde_json::Value, serde_json::Value)>,
}

/// ACC: what the TLS endpoint did.
#[derive(Debug, Clone, Default)]
pub struct AccState {
    /// Why the candidate's TLS endpoint gave no response (it refused the
    /// connection, or closed it unanswered).
    pub refusal: Option<String>,
    /// What a TLS handshake probe came to.
    pub handshake: Option<crate::tls::probe::Outcome>,
    /// The JWT lifetimes a property step sent, each with its answer.
    pub lifetimes: Vec<(i64, Response)>,
}

/// DEV: devices built and registered.
#[derive(Debug, Clone, Default)]
pub struct DevState {
    /// The device registration being built (DEV).
    pub device: Option<serde_json::Value>,
    /// Devices issued, by label: (logical id, as registered, patient key).
    pub devices: std::collections::BTreeMap<String, (String, serde_json::Value, String)>,
}

/// COM: messages and filed documents.
#[derive(Debug, Clone, Default)]
pub struct ComState {
    /// The message being built (COM): its label and body.
    pub message: Option<(String, serde_json::Value)>,
    /// Messages sent, by label: (logical id, as sent).
    pub messages: std::collections::BTreeMap<String, (String, serde_json::Value)>,
    /// The document sent by GP Connect Send Document (COM), once built.
    pub sent: Option<SentDocument>,
}

/// A document the scenario sends the candidate by GP Connect Send Document.
#[derive(Debug, Clone, Default)]
pub struct SentDocument {
    /// Fresh to the scenario, in the Composition's title: how its document
    /// is told from earlier runs' among the patient's documents.
    pub marker: String,
    /// The documents endpoint's logical id of the scenario's patient, whose
    /// documents the read-backs search.
    pub patient: String,
    /// The ITK3 message as it is (or was) delivered.
    pub message: serde_json::Value,
    /// Its MESH workflow and subject.
    pub workflow: String,
    pub subject: String,
    /// The DocumentReference the patient's document search listed it as.
    pub listed: Option<serde_json::Value>,
}

impl cucumber::World for RfaWorld {
    type Error = std::convert::Infallible;

    async fn new() -> Result<Self, Self::Error> {
        Ok(Self::default())
    }
}

impl RfaWorld {
    pub fn ctx(&self) -> Result<Arc<RunContext>, Failure> {
        self.ctx.clone().ok_or_else(|| Failure::Harness("the run context was not set up before the scenario".into()))
    }

    pub fn request_mut(&mut self) -> Result<&mut RequestSpec, Failure> {
        self.request.as_mut().ok_or_else(|| {
            Failure::Harness("this step changes a request, but no earlier step began one (start with e.g. `Given a metadata request`)".into())
        })
    }

    pub fn response(&self) -> Result<&Response, Failure> {
        if let (None, Some(why)) = (&self.response, &self.acc.refusal) {
            return Err(Failure::Assert(format!(
                "the candidate served no response: {why}\n    exchange: {}",
                self.last_exchange()
            )));
        }
        self.response
            .as_ref()
            .ok_or_else(|| Failure::Harness("this step checks a response, but no request has been sent yet".into()))
    }

    /// A header of the last request sent, as sent (empty when absent).
    pub fn last_request_header(&self, name: &str) -> String {
        self.exchanges.last().and_then(|x| x.request.header(name)).unwrap_or_default().to_string()
    }

    /// The last exchange, described for failure messages.
    pub fn last_exchange(&self) -> String {
        match self.exchanges.last() {
            None => "no request was sent".into(),
            Some(x) => {
                let mut s = x.summary();
                if let Some(r) = &x.response {
                    let text = r.body.text();
                    let body: String = text.chars().take(400).collect();
                    let more = if text.chars().count() > 400 { "…" } else { "" };
                    if !body.is_empty() {
                        s.push_str(&format!("; body: {body}{more}"));
                    }
                }
                s
            }
        }
    }

    /// Assertion failure with the last exchange attached.
    pub fn fail<T>(&self, msg: impl std::fmt::Display) -> Result<T, Failure> {
        Err(Failure::Assert(format!("{msg}\n    exchange: {}", self.last_exchange())))
    }

    /// Sends the same request twice at the same moment and records both
    /// exchanges; their statuses are in `shared.together`, and `response`
    /// holds the refused one if one was refused (so its OperationOutcome
    /// can be judged), else the last.
    pub async fn send_twice(&mut self, spec: &RequestSpec) -> Result<(), Failure> {
        let ctx = self.ctx()?;
        let key = self.scenario.clone();
        let spec = &self.as_sent(spec)?;
        let (a, b) = tokio::join!(ctx.client.send(spec, key.as_ref()), ctx.client.send(spec, key.as_ref()));
        self.shared.together.clear();
        self.response = None;
        for (exchange, result) in [a, b] {
            let summary = exchange.summary();
            self.exchanges.push(exchange);
            let resp = result.map_err(|e| Failure::Transport(format!("{e}\n    exchange: {summary}")))?;
            self.shared.together.push(resp.status);
            if self.response.as_ref().is_none_or(|kept| kept.status < 400 || resp.status >= 400) {
                self.response = Some(resp);
            }
        }
        Ok(())
    }

    /// The request as the signed-in patient sends it, if one is: with the
    /// ID token NHS login issued them (profile §25), the scenario's claim
    /// edits made to it before it is signed.
    pub fn as_sent<'a>(&self, spec: &'a RequestSpec) -> Result<std::borrow::Cow<'a, RequestSpec>, Failure> {
        let Some(who) = &self.onl.signed_in else { return Ok(std::borrow::Cow::Borrowed(spec)) };
        let mut s = spec.clone();
        s.jwt.raw = Some(self.id_token(who, &s.jwt.claim_edits)?);
        Ok(std::borrow::Cow::Owned(s))
    }

    /// The ID token the hosted NHS login issues `who`, as NHS login's
    /// interface specification gives its claims (`vot`, `nhs_number`,
    /// `identity_proofing_level` with the profile scope), for the candidate's
    /// client id, with the scenario's claim edits made before it is signed.
    fn id_token(&self, who: &SignedIn, edits: &[(String, crate::client::jwt::ClaimEdit)]) -> Result<String, Failure> {
        use crate::fhir::gpc;
        use serde_json::json;
        let ctx = self.ctx()?;
        let made_from = format!("{:?}/{}/{edits:?}", who.signing, who.expired);
        let mut minted = who.minted.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((from, token)) = minted.as_ref()
            && *from == made_from
        {
            return Ok(token.clone());
        }
        let Some(services) = ctx.consumer.services.as_ref() else {
            if matches!(ctx.client.transport(), crate::client::Transport::Live(_)) {
                return Err(Failure::Skip(
                    "a patient signs in with NHS login, which the harness hosts with its national services: add a [consumer] section to the config (examples/candidate.toml) and configure the candidate to trust the issuer the run prints".into(),
                ));
            }
            // Re-judging: the token sent is in the evidence; none is made.
            return Ok(String::from("re-judged"));
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or_default();
        let iat = if who.expired { now - 7200 } else { now };
        let issuer = services.nhs_login_issuer();
        // NHS login's `sub` is its own opaque id for the person, not the NHS
        // number: one made from the NHS number keeps it the same every run.
        let sub = crate::support::stable_uuid(&who.nhs, "nhs-login-sub");
        let mut claims = json!({
            "iss": issuer,
            "sub": sub,
            "aud": ctx.client.config().jwt.nhs_login_client_id,
            "iat": iat,
            "auth_time": iat,
            "exp": iat + 3600,
            "jti": uuid::Uuid::new_v4().to_string(),
            "vot": "P9.Cp.Cd",
            "vtm": format!("{issuer}/trustmark/{}", services.url().host_str().unwrap_or_default()),
            "nhs_number": who.nhs,
            gpc::IDENTITY_PROOFING_CLAIM: gpc::IDENTITY_PROOFING_HIGH,
        });
        if let Some(map) = claims.as_object_mut() {
            crate::client::jwt::apply_edits(map, edits);
        }
        let token = services.nhs_login_token(&claims, who.signing).map_err(Failure::Harness)?;
        *minted = Some((made_from, token.clone()));
        Ok(token)
    }

    /// Sends a setup request as the practice, whoever is signed in.
    pub async fn send_as_practice(&mut self, spec: &RequestSpec) -> Result<Response, Failure> {
        let ctx = self.ctx()?;
        let (exchange, result) = ctx.client.send(spec, self.scenario.as_ref()).await;
        let summary = exchange.summary();
        self.exchanges.push(exchange);
        result.map_err(|e| Failure::Transport(format!("{e}\n    exchange: {summary}")))
    }

    /// Sends a request (as the signed-in patient, if one is) and records
    /// the exchange.
    pub async fn send(&mut self, spec: &RequestSpec) -> Result<Response, Failure> {
        let sent = self.as_sent(spec)?;
        self.send_as_practice(&sent).await
    }
}
