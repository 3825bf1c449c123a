//! The candidate configuration: who is tested, where, and with which
//! identities. `rfa run --config FILE` reads it from TOML; without a config
//! the run builds one for the embedded reference candidate. Everything later
//! in the pipeline reads this resolved form, never the TOML.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;

use crate::fixtures::FixturePack;

/// A config that cannot be used, with where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot be read: {cause}")]
    Io { path: String, cause: std::io::Error },
    #[error("{path}:{line}:{column}: {message}\n{snippet}")]
    Parse { path: String, line: usize, column: usize, message: String, snippet: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Who and what is being tested; recorded in every result.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateIdentity {
    pub supplier: String,
    pub product: String,
    pub version: String,
}

/// How the harness identifies itself in the GP Connect JWT.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtDefaults {
    pub issuer: String,
    /// `aud`; unset, it is the service root of the capability called, as
    /// GP Connect says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    pub practitioner_id: String,
    pub practitioner_sds_user_id: String,
    pub practitioner_sds_role_profile_id: String,
    pub practitioner_family: String,
    pub practitioner_given: String,
    pub organization_name: String,
    /// The client id the candidate's online services are registered with
    /// at NHS login: the `aud` of a patient's ID token (profile §25).
    #[serde(default = "default_nhs_login_client", skip_serializing_if = "is_default_nhs_login_client")]
    pub nhs_login_client_id: String,
}

fn default_nhs_login_client() -> String {
    DEFAULT_NHS_LOGIN_CLIENT_ID.into()
}

fn is_default_nhs_login_client(c: &str) -> bool {
    c == DEFAULT_NHS_LOGIN_CLIENT_ID
}

/// Spine addressing of the two parties.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spine {
    pub consumer_asid: String,
    pub provider_asid: String,
    pub consumer_ods: String,
    pub provider_ods: String,
}

/// A fixture patient as the candidate knows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PatientIdentity {
    #[serde(deserialize_with = "nhs_number")]
    pub nhs_number: String,
}

/// A fixture organisation as the candidate knows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationIdentity {
    #[serde(deserialize_with = "ods")]
    pub ods_code: String,
}

/// A fixture practitioner as the candidate knows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PractitionerIdentity {
    #[serde(deserialize_with = "sds_id")]
    pub sds_user_id: String,
}

/// A fixture location as the candidate knows it. GP Connect has no location
/// search, so the harness needs the candidate's logical id (as the official
/// suite's LocationLogicalIdentifierMap does).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LocationIdentity {
    #[serde(deserialize_with = "logical_id")]
    pub logical_id: String,
    /// Its ODS site code, if it has one (the official suite's
    /// OdsCodeMap for SIT1-3): a Location read must carry this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ods_site_code: Option<String>,
}

/// Fixture keys of organisations, practitioners and locations → the
/// candidate's identifiers for them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    #[serde(default)]
    pub organizations: BTreeMap<String, OrganizationIdentity>,
    #[serde(default)]
    pub practitioners: BTreeMap<String, PractitionerIdentity>,
    #[serde(default)]
    pub locations: BTreeMap<String, LocationIdentity>,
}

// The fixture pack's own identifiers are the config's defaults: config
// reads fixtures, never the other way round.
/// Fixture key → identifiers, as the pack itself assigns them.
pub fn default_identities(fixtures: &FixturePack) -> BTreeMap<String, PatientIdentity> {
    fixtures.patients.iter().map(|(k, p)| (k.clone(), PatientIdentity { nhs_number: p.nhs_number.clone() })).collect()
}

/// Organisations, practitioners and locations by key, as the pack itself
/// identifies them.
pub fn default_directory(fixtures: &FixturePack) -> Directory {
    Directory {
        organizations: fixtures
            .organizations
            .iter()
            .filter_map(|(k, o)| Some((k.clone(), OrganizationIdentity { ods_code: o.business_id.clone()? })))
            .collect(),
        practitioners: fixtures
            .practitioners
            .iter()
            .filter_map(|(k, p)| Some((k.clone(), PractitionerIdentity { sds_user_id: p.business_id.clone()? })))
            .collect(),
        locations: fixtures
            .locations
            .iter()
            .filter_map(|(k, l)| {
                let site = l.resource.as_ref().and_then(|r| {
                    r.get("identifier")?
                        .as_array()?
                        .iter()
                        .find(|i| {
                            i.get("system").and_then(serde_json::Value::as_str)
                                == Some(crate::fhir::gpc::ODS_SITE_SYSTEM)
                        })?
                        .get("value")?
                        .as_str()
                        .map(str::to_string)
                });
                Some((k.clone(), LocationIdentity { logical_id: l.logical_id()?.to_string(), ods_site_code: site }))
            })
            .collect(),
    }
}
/// A header added to every request (e.g. an API gateway key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraHeader {
    pub name: String,
    pub value: String,
    /// Kept out of every output file and out of the config digest.
    pub secret: bool,
}

/// Headers the harness sets itself; a config may not replace them.
const MANAGED_HEADERS: [&str; 6] =
    ["ssp-traceid", "ssp-from", "ssp-to", "ssp-interactionid", "authorization", "accept"];

/// The resolved configuration of one candidate.
#[derive(Debug, Clone)]
pub struct CandidateConfig {
    pub identity: CandidateIdentity,
    /// FHIR service root (Foundations), without a trailing slash.
    pub base_url: Url,
    /// Access Record Structured's service root.
    pub structured_url: Url,
    /// Access Document's service root.
    pub documents_url: Url,
    pub timeout: Duration,
    pub max_response_bytes: usize,
    /// Requests in flight to this candidate at once, across all scenarios.
    pub max_in_flight: usize,
    pub spine: Spine,
    pub jwt: JwtDefaults,
    /// Fixture key (e.g. `patient2`) → the candidate's identifiers.
    pub patients: BTreeMap<String, PatientIdentity>,
    /// The same for organisations, practitioners and locations.
    pub directory: Directory,
    /// Extra headers for every request.
    pub headers: Vec<ExtraHeader>,
    /// The candidate's TLS endpoint and the PKI the transport checks use.
    pub tls: Option<TlsSettings>,
    /// How the candidate is made to act as a client (`[consumer]`).
    pub consumer: Option<ConsumerSettings>,
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
}

/// `[tls]`: where the transport-security scenarios connect, what they trust
/// and what they present.
#[derive(Debug, Clone)]
pub struct TlsSettings {
    /// The Foundations service root over TLS (`https://`).
    pub url: Url,
    /// The authority the candidate's server certificate must chain to (PEM).
    /// Empty when re-judging: a replay verifies nothing.
    pub server_ca_pem: String,
    /// The authority the candidate trusts for client certificates; the
    /// harness mints its certificates from it. None when re-judging.
    pub client_authority: Option<crate::tls::pki::Authority>,
    /// The name the candidate expects its clients' certificates to carry
    /// (GP Connect: the Spine security proxy's FQDN).
    pub client_fqdn: String,
}

/// How a scenario makes the candidate act as a client (profile §37).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TriggerMode {
    /// `POST [base]/$rfa-trigger`: the candidate's test-control endpoint.
    #[default]
    Endpoint,
    /// The harness prints what a tester must do in the candidate and waits.
    Interactive,
}

/// How consumer scenarios keep what the candidate sends them apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Isolation {
    /// One scenario at a time on the one address (any candidate).
    #[default]
    Turns,
    /// Each scenario gives the candidate an address of its own in the
    /// trigger's `nationalServices`, and scenarios run side by side.
    Addresses,
}

/// `[consumer]`: the candidate as a client of national services the
/// harness hosts. Nothing in it is secret, so the dossier records it whole.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSettings {
    #[serde(default)]
    pub trigger: TriggerMode,
    /// `addresses` when the candidate calls the national services at the
    /// address each trigger gives (interactive actions always take turns).
    #[serde(default)]
    pub isolation: Isolation,
    /// Where the hosted services listen (loopback, any free port, unless set).
    #[serde(default = "default_listen")]
    pub listen: std::net::SocketAddr,
    /// How the candidate reaches them, when not at `listen` (NAT, a proxy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// How long no request must arrive before an action counts as done, for
    /// candidates that call out after answering [default: 500].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settle_ms: Option<u64>,
    /// The candidate's MESH mailbox [default: its ODS code + `OT001`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mesh_mailbox: Option<String>,
    /// The candidate's ASID as a GP Connect consumer, sent as `Ssp-From`
    /// [default: `spine.provider_asid`]. Spine issues an ASID per system and
    /// role, so a candidate's consumer ASID often differs from its provider's.
    #[serde(default, deserialize_with = "asid_opt", skip_serializing_if = "Option::is_none")]
    pub asid: Option<String>,
    /// How long an interactive action waits for the tester [default: 300].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tester_timeout_secs: Option<u64>,
}

fn default_listen() -> std::net::SocketAddr {
    ([127, 0, 0, 1], 0).into()
}

impl ConsumerSettings {
    /// The settings of a candidate driven through its trigger endpoint that
    /// calls the address each trigger gives and finishes its calls before it
    /// answers (the embedded reference).
    pub fn synchronous() -> Self {
        Self {
            trigger: TriggerMode::Endpoint,
            isolation: Isolation::Addresses,
            listen: default_listen(),
            public_url: None,
            settle_ms: Some(0),
            mesh_mailbox: None,
            asid: None,
            tester_timeout_secs: None,
        }
    }

    pub fn settle(&self) -> Duration {
        Duration::from_millis(self.settle_ms.unwrap_or(500))
    }

    pub fn tester_timeout(&self) -> Duration {
        Duration::from_secs(self.tester_timeout_secs.unwrap_or(300))
    }

    pub fn mailbox(&self, provider_ods: &str) -> String {
        self.mesh_mailbox.clone().unwrap_or_else(|| format!("{provider_ods}OT001"))
    }

    /// The ASID the candidate calls out with (`Ssp-From`).
    pub fn consumer_asid<'a>(&'a self, provider_asid: &'a str) -> &'a str {
        self.asid.as_deref().unwrap_or(provider_asid)
    }
}

/// What a dossier records of `[tls]`: no keys.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicTls {
    pub url: String,
    pub client_fqdn: String,
    /// `sha256:` of the server authority's certificate PEM.
    pub server_ca: String,
}

/// The config as it may be published: everything but secret values. It is
/// what the dossier records and what `rfa verify --rejudge` re-judges with.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicConfig {
    pub candidate: CandidateIdentity,
    pub base_url: String,
    /// Absent in results written before structured and documents existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents_url: Option<String>,
    pub timeout_secs: f64,
    pub max_response_bytes: usize,
    #[serde(default = "default_in_flight")]
    pub max_in_flight: usize,
    pub spine: Spine,
    pub jwt: JwtDefaults,
    pub patients: BTreeMap<String, PatientIdentity>,
    #[serde(default)]
    pub directory: Directory,
    /// Header name → value, or `<secret>` for secret ones.
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<PublicTls>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer: Option<ConsumerSettings>,
}

pub const SECRET_PLACEHOLDER: &str = "<secret>";

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// Requests in flight at once by default: enough to keep a run near the
/// request floor, few enough for a supplier's test environment.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;

fn default_in_flight() -> usize {
    DEFAULT_MAX_IN_FLIGHT
}
/// The practitioner the harness acts as when the config names none (`[jwt] practitioner_id`).
pub const DEFAULT_PRACTITIONER_ID: &str = "1";
/// The NHS login client id of a candidate's online services, unless
/// `[jwt] nhs_login_client_id` says otherwise (the reference's).
pub const DEFAULT_NHS_LOGIN_CLIENT_ID: &str = "rfa-online-services";
/// The harness's consumer ASID when the config gives none.
pub const DEFAULT_CONSUMER_ASID: &str = "900000000002";
pub const DEFAULT_CONSUMER_ODS: &str = "RFAH01";

// ---- the TOML shape -------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    candidate: CandidateIdentity,
    endpoint: RawEndpoint,
    spine: RawSpine,
    #[serde(default)]
    jwt: RawJwt,
    #[serde(default)]
    patients: BTreeMap<String, PatientIdentity>,
    #[serde(default)]
    organizations: BTreeMap<String, OrganizationIdentity>,
    #[serde(default)]
    practitioners: BTreeMap<String, PractitionerIdentity>,
    #[serde(default)]
    locations: BTreeMap<String, LocationIdentity>,
    #[serde(default)]
    tls: Option<RawTls>,
    #[serde(default)]
    consumer: Option<ConsumerSettings>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    #[serde(default, deserialize_with = "base_url_opt")]
    url: Option<Url>,
    /// PEM files, relative to the config file.
    server_ca: PathBuf,
    client_ca: PathBuf,
    client_ca_key: PathBuf,
    client_fqdn: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndpoint {
    #[serde(deserialize_with = "base_url")]
    base_url: Url,
    #[serde(default, deserialize_with = "base_url_opt")]
    structured_url: Option<Url>,
    #[serde(default, deserialize_with = "base_url_opt")]
    documents_url: Option<Url>,
    #[serde(default, deserialize_with = "timeout_secs")]
    timeout_secs: Option<Duration>,
    #[serde(default, deserialize_with = "positive")]
    max_response_bytes: Option<usize>,
    #[serde(default, deserialize_with = "positive")]
    max_in_flight: Option<usize>,
    #[serde(default)]
    headers: BTreeMap<String, RawHeader>,
}

/// `"X-Tenant" = "abc"` or `"X-Api-Key" = { env = "RFA_API_KEY", secret = true }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawHeader {
    Plain(String),
    Spec(HeaderSpec),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderSpec {
    value: Option<String>,
    /// Read the value from this environment variable (keeps secrets out of files).
    env: Option<String>,
    #[serde(default)]
    secret: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpine {
    #[serde(default, deserialize_with = "asid_opt")]
    consumer_asid: Option<String>,
    #[serde(deserialize_with = "asid")]
    provider_asid: String,
    #[serde(default, deserialize_with = "ods_opt")]
    consumer_ods: Option<String>,
    #[serde(deserialize_with = "ods")]
    provider_ods: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJwt {
    issuer: Option<String>,
    audience: Option<String>,
    practitioner_id: Option<String>,
    practitioner_sds_user_id: Option<String>,
    practitioner_sds_role_profile_id: Option<String>,
    practitioner_family: Option<String>,
    practitioner_given: Option<String>,
    organization_name: Option<String>,
    nhs_login_client_id: Option<String>,
}

fn base_url<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    let s = String::deserialize(d)?;
    parse_base_url(&s).map_err(serde::de::Error::custom)
}

/// A FHIR service root: http(s), a host, no query or fragment; a trailing
/// slash is dropped (GP Connect service roots have none).
fn base_url_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Url>, D::Error> {
    base_url(d).map(Some)
}

/// The service root of another capability next to the Foundations one:
/// `…/gpconnect/fhir` → `…/gpconnect/structured/fhir`, `…/gpconnect` →
/// `…/gpconnect/structured` (GP Connect's routing segments); any other shape
/// is used as it is, and must be set explicitly if the capability lives
/// elsewhere.
pub fn sibling_root(base: &Url, segment: &str) -> Url {
    let path = base.path();
    let new_path = if let Some(stem) = path.strip_suffix("/gpconnect/fhir") {
        format!("{stem}/gpconnect/{segment}/fhir")
    } else if let Some(stem) = path.strip_suffix("/gpconnect") {
        format!("{stem}/gpconnect/{segment}")
    } else {
        return base.clone();
    };
    let mut url = base.clone();
    url.set_path(&new_path);
    url
}

pub fn parse_base_url(s: &str) -> Result<Url, String> {
    let url = Url::parse(s).map_err(|e| format!("`{s}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{s}`: the base URL must be http:// or https://"));
    }
    if url.host().is_none() {
        return Err(format!("`{s}`: the base URL needs a host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{s}`: the base URL must not have a query or fragment"));
    }
    let mut url = url;
    let trimmed = url.path().trim_end_matches('/').to_string();
    url.set_path(&trimmed);
    Ok(url)
}

fn timeout_secs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let v = f64::deserialize(d)?;
    if !(v > 0.0 && v <= 600.0) {
        return Err(serde::de::Error::custom(format!("timeout_secs must be between 0 and 600 seconds, got {v}")));
    }
    Ok(Some(Duration::from_secs_f64(v)))
}

fn positive<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let v = usize::deserialize(d)?;
    if v == 0 {
        return Err(serde::de::Error::custom("must be greater than 0"));
    }
    Ok(Some(v))
}

fn check_asid(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{s}` is not an ASID: ASIDs are up to 12 digits"));
    }
    Ok(())
}

fn asid<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    check_asid(&s).map_err(serde::de::Error::custom)?;
    Ok(s)
}

fn asid_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    asid(d).map(Some)
}

fn check_ods(s: &str) -> Result<(), String> {
    if s.len() < 3 || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("`{s}` is not an ODS code: 3 to 10 letters and digits"));
    }
    Ok(())
}

fn ods<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    check_ods(&s).map_err(serde::de::Error::custom)?;
    Ok(s)
}

fn ods_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    ods(d).map(Some)
}

fn sds_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(serde::de::Error::custom(format!("`{s}` is not an SDS user id: 1 to 20 letters and digits")));
    }
    Ok(s)
}

fn logical_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    // FHIR ids: [A-Za-z0-9\-\.]{1,64}.
    if s.is_empty() || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') {
        return Err(serde::de::Error::custom(format!("`{s}` is not a FHIR logical id: 1 to 64 of A-Z a-z 0-9 - .")));
    }
    Ok(s)
}

fn nhs_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    crate::fhir::nhs::validate(&s)
        .map_err(|e| serde::de::Error::custom(format!("`{s}` is not a valid NHS number: {e}")))?;
    Ok(s)
}

impl CandidateConfig {
    /// Reads and resolves a config file; fixture keys the file does not map
    /// keep the fixture pack's own identifiers.
    pub fn load(path: &Path, fixtures: &FixturePack) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: shown.clone(), cause: source })?;
        Self::parse(&text, &shown, fixtures).map(|mut c| {
            c.source = Some(path.to_path_buf());
            c
        })
    }

    /// Parses config text; `shown` names it in errors.
    pub fn parse(text: &str, shown: &str, fixtures: &FixturePack) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| parse_error(shown, text, &e))?;
        let sections: [(&str, Vec<&String>, Vec<&str>); 4] = [
            ("patients", raw.patients.keys().collect(), fixtures.patients.keys().map(String::as_str).collect()),
            (
                "organizations",
                raw.organizations.keys().collect(),
                fixtures.organizations.keys().map(String::as_str).collect(),
            ),
            (
                "practitioners",
                raw.practitioners.keys().collect(),
                fixtures.practitioners.keys().map(String::as_str).collect(),
            ),
            ("locations", raw.locations.keys().collect(), fixtures.locations.keys().map(String::as_str).collect()),
        ];
        for (section, keys, known) in sections {
            for key in keys {
                if !known.contains(&key.as_str()) {
                    let line = find_line(text, &format!("[{section}.{key}]"))
                        .or_else(|| find_line(text, &format!("{key} =")))
                        .or_else(|| find_line(text, &format!("{key}=")));
                    let at = line.map(|l| format!(":{l}")).unwrap_or_default();
                    return Err(ConfigError::Invalid {
                        path: format!("{shown}{at}"),
                        message: format!("[{section}] `{key}` is not a fixture key; known keys: {}", known.join(", ")),
                    });
                }
            }
        }
        let mut patients = default_identities(fixtures);
        patients.extend(raw.patients);
        let mut directory = default_directory(fixtures);
        directory.organizations.extend(raw.organizations);
        directory.practitioners.extend(raw.practitioners);
        directory.locations.extend(raw.locations);
        let headers = resolve_headers(raw.endpoint.headers, text, shown)?;
        let jwt = raw.jwt;
        let base = raw.endpoint.base_url;
        let tls = match raw.tls {
            Some(t) => Some(resolve_tls(t, &base, text, shown)?),
            None => None,
        };
        if let Some(u) = raw.consumer.as_ref().and_then(|c| c.public_url.as_deref())
            && let Err(e) = Url::parse(u)
        {
            let at = find_line(text, "public_url").map(|l| format!(":{l}")).unwrap_or_default();
            return Err(ConfigError::Invalid {
                path: format!("{shown}{at}"),
                message: format!("[consumer] public_url `{u}` is not a URL: {e}"),
            });
        }
        Ok(Self {
            identity: raw.candidate,
            timeout: raw.endpoint.timeout_secs.unwrap_or(DEFAULT_TIMEOUT),
            max_response_bytes: raw.endpoint.max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            max_in_flight: raw.endpoint.max_in_flight.unwrap_or(DEFAULT_MAX_IN_FLIGHT),
            spine: Spine {
                consumer_asid: raw.spine.consumer_asid.unwrap_or_else(|| DEFAULT_CONSUMER_ASID.into()),
                provider_asid: raw.spine.provider_asid,
                consumer_ods: raw.spine.consumer_ods.unwrap_or_else(|| DEFAULT_CONSUMER_ODS.into()),
                provider_ods: raw.spine.provider_ods,
            },
            jwt: JwtDefaults {
                issuer: jwt.issuer.unwrap_or_else(|| JwtDefaults::default_issuer().into()),
                audience: jwt.audience,
                practitioner_id: jwt.practitioner_id.unwrap_or_else(|| DEFAULT_PRACTITIONER_ID.into()),
                practitioner_sds_user_id: jwt.practitioner_sds_user_id.unwrap_or_else(|| "RFAH0000001".into()),
                practitioner_sds_role_profile_id: jwt
                    .practitioner_sds_role_profile_id
                    .unwrap_or_else(|| "RFAH0000002".into()),
                practitioner_family: jwt.practitioner_family.unwrap_or_else(|| "Assurance".into()),
                practitioner_given: jwt.practitioner_given.unwrap_or_else(|| "Tester".into()),
                organization_name: jwt.organization_name.unwrap_or_else(|| "RFA Harness Consumer".into()),
                nhs_login_client_id: jwt.nhs_login_client_id.unwrap_or_else(default_nhs_login_client),
            },
            structured_url: raw.endpoint.structured_url.unwrap_or_else(|| sibling_root(&base, "structured")),
            documents_url: raw.endpoint.documents_url.unwrap_or_else(|| sibling_root(&base, "documents")),
            base_url: base,
            patients,
            directory,
            headers,
            tls,
            consumer: raw.consumer,
            source: None,
        })
    }

    /// The config for a candidate whose facts the harness already knows (the
    /// embedded reference).
    pub fn for_known(
        identity: CandidateIdentity,
        base_url: Url,
        provider_asid: &str,
        provider_ods: &str,
        fixtures: &FixturePack,
    ) -> Self {
        let toml = format!(
            "[candidate]\nsupplier = {:?}\nproduct = {:?}\nversion = {:?}\n[endpoint]\nbase_url = {:?}\n[spine]\nprovider_asid = {:?}\nprovider_ods = {:?}\n",
            identity.supplier,
            identity.product,
            identity.version,
            base_url.as_str(),
            provider_asid,
            provider_ods
        );
        // The facts are ours, so a failure here is a harness bug; fall back to
        // a hand-built value rather than panic.
        Self::parse(&toml, "<reference>", fixtures).unwrap_or_else(|_| Self {
            identity,
            structured_url: sibling_root(&base_url, "structured"),
            documents_url: sibling_root(&base_url, "documents"),
            base_url: base_url.clone(),
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            spine: Spine {
                consumer_asid: DEFAULT_CONSUMER_ASID.into(),
                provider_asid: provider_asid.into(),
                consumer_ods: DEFAULT_CONSUMER_ODS.into(),
                provider_ods: provider_ods.into(),
            },
            jwt: JwtDefaults::standard(),
            patients: default_identities(fixtures),
            directory: default_directory(fixtures),
            headers: Vec::new(),
            tls: None,
            consumer: None,
            source: None,
        })
    }

    /// The service root of a capability.
    pub fn service_root(&self, capability: crate::fhir::gpc::Capability) -> &Url {
        match capability {
            crate::fhir::gpc::Capability::Foundations => &self.base_url,
            crate::fhir::gpc::Capability::Structured => &self.structured_url,
            crate::fhir::gpc::Capability::Documents => &self.documents_url,
        }
    }

    /// The JWT `aud` for a request to this capability.
    pub fn audience(&self, capability: crate::fhir::gpc::Capability) -> String {
        self.jwt.audience.clone().unwrap_or_else(|| self.service_root(capability).to_string())
    }

    /// Secret values, labelled, for the redactor.
    pub fn redactor(&self) -> crate::evidence::Redactor {
        crate::evidence::Redactor::new(
            self.headers.iter().filter(|h| h.secret).map(|h| (h.name.clone(), h.value.clone())),
        )
    }

    pub fn public(&self) -> PublicConfig {
        PublicConfig {
            candidate: self.identity.clone(),
            base_url: self.base_url.to_string(),
            structured_url: Some(self.structured_url.to_string()),
            documents_url: Some(self.documents_url.to_string()),
            timeout_secs: self.timeout.as_secs_f64(),
            max_response_bytes: self.max_response_bytes,
            max_in_flight: self.max_in_flight,
            spine: self.spine.clone(),
            jwt: self.jwt.clone(),
            patients: self.patients.clone(),
            directory: self.directory.clone(),
            headers: self
                .headers
                .iter()
                .map(|h| (h.name.clone(), if h.secret { SECRET_PLACEHOLDER.to_string() } else { h.value.clone() }))
                .collect(),
            tls: self.tls.as_ref().map(|t| PublicTls {
                url: t.url.to_string(),
                client_fqdn: t.client_fqdn.clone(),
                server_ca: {
                    use sha2::{Digest as _, Sha256};
                    format!("sha256:{}", hex::encode(Sha256::digest(t.server_ca_pem.as_bytes())))
                },
            }),
            consumer: self.consumer.clone(),
        }
    }

    /// `sha256:` over the canonical JSON of the public config (object keys
    /// sorted): secrets never enter it, so it can be published.
    pub fn digest(&self) -> String {
        use sha2::{Digest as _, Sha256};
        let value = serde_json::to_value(self.public()).unwrap_or_default();
        format!("sha256:{}", hex::encode(Sha256::digest(value.to_string().as_bytes())))
    }

    /// Rebuilds a config from its public form (re-judging). Secret headers
    /// are left out: a replay sends nothing.
    pub fn from_public(p: &PublicConfig) -> Result<Self, String> {
        let base_url = parse_base_url(&p.base_url)?;
        let root = |given: &Option<String>, segment| match given {
            Some(u) => parse_base_url(u),
            None => Ok(sibling_root(&base_url, segment)),
        };
        let (structured_url, documents_url) =
            (root(&p.structured_url, "structured")?, root(&p.documents_url, "documents")?);
        if !(p.timeout_secs > 0.0 && p.timeout_secs <= 600.0) {
            return Err(format!("timeout_secs {} is out of range", p.timeout_secs));
        }
        Ok(Self {
            identity: p.candidate.clone(),
            base_url,
            structured_url,
            documents_url,
            timeout: Duration::from_secs_f64(p.timeout_secs),
            max_response_bytes: p.max_response_bytes,
            max_in_flight: p.max_in_flight,
            spine: p.spine.clone(),
            jwt: p.jwt.clone(),
            patients: p.patients.clone(),
            directory: p.directory.clone(),
            headers: p
                .headers
                .iter()
                .filter(|(_, v)| v.as_str() != SECRET_PLACEHOLDER)
                .map(|(n, v)| ExtraHeader { name: n.clone(), value: v.clone(), secret: false })
                .collect(),
            tls: match &p.tls {
                Some(t) => Some(TlsSettings {
                    url: parse_base_url(&t.url)?,
                    server_ca_pem: String::new(),
                    client_authority: None,
                    client_fqdn: t.client_fqdn.clone(),
                }),
                None => None,
            },
            consumer: p.consumer.clone(),
            source: None,
        })
    }
}

impl JwtDefaults {
    pub fn default_issuer() -> &'static str {
        "https://consumer.rfa-harness.invalid"
    }

    fn standard() -> Self {
        Self {
            issuer: Self::default_issuer().into(),
            audience: None,
            practitioner_id: DEFAULT_PRACTITIONER_ID.into(),
            practitioner_sds_user_id: "RFAH0000001".into(),
            practitioner_sds_role_profile_id: "RFAH0000002".into(),
            practitioner_family: "Assurance".into(),
            practitioner_given: "Tester".into(),
            organization_name: "RFA Harness Consumer".into(),
            nhs_login_client_id: default_nhs_login_client(),
        }
    }
}

fn resolve_headers(raw: BTreeMap<String, RawHeader>, text: &str, shown: &str) -> Result<Vec<ExtraHeader>, ConfigError> {
    let mut out = Vec::new();
    for (name, spec) in raw {
        let at = find_line(text, &format!("\"{name}\""))
            .or_else(|| find_line(text, &format!("{name} =")))
            .map(|l| format!(":{l}"))
            .unwrap_or_default();
        let invalid = |message: String| ConfigError::Invalid { path: format!("{shown}{at}"), message };
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(invalid(format!("[endpoint.headers] `{name}` is not a valid header name")));
        }
        if MANAGED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(invalid(format!(
                "[endpoint.headers] `{name}` is set by the harness for every request and cannot be configured"
            )));
        }
        let (value, secret) = match spec {
            RawHeader::Plain(v) => (v, false),
            RawHeader::Spec(HeaderSpec { value: Some(v), env: None, secret }) => (v, secret),
            RawHeader::Spec(HeaderSpec { value: None, env: Some(var), secret }) => match std::env::var(&var) {
                Ok(v) => (v, secret),
                Err(_) => {
                    return Err(invalid(format!(
                        "[endpoint.headers] `{name}` reads the environment variable {var}, which is not set"
                    )));
                }
            },
            RawHeader::Spec(_) => {
                return Err(invalid(format!("[endpoint.headers] `{name}` needs exactly one of `value` or `env`")));
            }
        };
        if reqwest::header::HeaderValue::from_str(&value).is_err() {
            return Err(invalid(format!("[endpoint.headers] the value of `{name}` cannot be sent in a header")));
        }
        if secret && value.len() < 4 {
            return Err(invalid(format!(
                "[endpoint.headers] secret `{name}` is shorter than 4 characters: too short to redact safely"
            )));
        }
        out.push(ExtraHeader { name, value, secret });
    }
    Ok(out)
}

/// Reads `[tls]`: its PEM files (relative to the config file) and checks
/// that the client authority can issue.
fn resolve_tls(t: RawTls, base: &Url, text: &str, shown: &str) -> Result<TlsSettings, ConfigError> {
    let at = find_line(text, "[tls]").map(|l| format!(":{l}")).unwrap_or_default();
    let invalid = |message: String| ConfigError::Invalid { path: format!("{shown}{at}"), message };
    let url = match t.url {
        Some(u) => u,
        None if base.scheme() == "https" => base.clone(),
        None => {
            return Err(invalid(
                "[tls] needs `url` (the https:// service root) when endpoint.base_url is plain http".into(),
            ));
        }
    };
    if url.scheme() != "https" {
        return Err(invalid(format!("[tls] url `{url}` must be https://")));
    }
    let dir = Path::new(shown).parent().unwrap_or(Path::new(""));
    let read = |key: &str, p: &Path| {
        let full = if p.is_absolute() { p.to_path_buf() } else { dir.join(p) };
        std::fs::read_to_string(&full)
            .map_err(|e| invalid(format!("[tls] {key} `{}` cannot be read: {e}", full.display())))
    };
    let server_ca_pem = read("server_ca", &t.server_ca)?;
    if openssl::x509::X509::from_pem(server_ca_pem.as_bytes()).is_err() {
        return Err(invalid(format!("[tls] server_ca `{}` is not a PEM certificate", t.server_ca.display())));
    }
    let authority = crate::tls::pki::Authority::from_pem(
        &read("client_ca", &t.client_ca)?,
        &read("client_ca_key", &t.client_ca_key)?,
    )
    .map_err(|e| invalid(format!("[tls] client_ca / client_ca_key: {e}")))?;
    let fqdn = t.client_fqdn.trim().to_ascii_lowercase();
    let label_ok =
        |l: &str| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if fqdn.len() > 253 || !fqdn.split('.').all(label_ok) {
        return Err(invalid(format!("[tls] client_fqdn `{}` is not a host name", t.client_fqdn)));
    }
    Ok(TlsSettings { url, server_ca_pem, client_authority: Some(authority), client_fqdn: fqdn })
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.trim_start().starts_with(needle)).map(|i| i + 1)
}

fn parse_error(shown: &str, text: &str, e: &toml::de::Error) -> ConfigError {
    let (line, column, snippet) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = crate::catalogue::pack::line_of(text, start);
            let before = text.get(..start).unwrap_or_default();
            let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
            let column = before.get(line_start..).map(|s| s.chars().count()).unwrap_or(0) + 1;
            let src = text.lines().nth(line - 1).unwrap_or_default();
            let width = text
                .get(start..span.end.min(text.len()))
                .and_then(|s| s.lines().next())
                .map(|s| s.chars().count())
                .unwrap_or(1)
                .max(1);
            let snippet = format!("  {line:>4} | {src}\n       | {}{}", " ".repeat(column - 1), "^".repeat(width));
            (line, column, snippet)
        }
        None => (1, 1, String::new()),
    };
    ConfigError::Parse { path: shown.to_string(), line, column, message: e.message().trim().to_string(), snippet }
}

impl fmt::Display for CandidateIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.supplier, self.product, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[candidate]
supplier = "Example Health"
product = "ExampleGP"
version = "4.2.0"

[endpoint]
base_url = "https://gp.example.nhs.uk/GPC001/STU3/1/gpconnect/fhir/"
timeout_secs = 2.5

[spine]
provider_asid = "918999198738"
provider_ods = "GPC001"

[patients.patient2]
nhs_number = "9690937286"
"#;

    fn fixtures() -> FixturePack {
        FixturePack::embedded().expect("embedded fixtures load")
    }

    #[test]
    fn resolves_defaults_and_overrides() {
        let c = CandidateConfig::parse(GOOD, "c.toml", &fixtures()).expect("valid");
        assert_eq!(c.base_url.as_str(), "https://gp.example.nhs.uk/GPC001/STU3/1/gpconnect/fhir");
        assert_eq!(c.timeout, Duration::from_millis(2500));
        assert_eq!(c.spine.consumer_asid, DEFAULT_CONSUMER_ASID);
        assert_eq!(c.audience(crate::fhir::gpc::Capability::Foundations), c.base_url.as_str());
        assert_eq!(c.structured_url.as_str(), "https://gp.example.nhs.uk/GPC001/STU3/1/gpconnect/structured/fhir");
        assert_eq!(c.audience(crate::fhir::gpc::Capability::Documents), c.documents_url.as_str());
        assert_eq!(c.patients["patient2"].nhs_number, "9690937286");
        assert_eq!(c.patients["patient1"], default_identities(&fixtures())["patient1"]);
    }

    #[test]
    fn misspelt_key_names_file_line_and_key() {
        let bad = GOOD.replace("base_url", "base_ulr");
        let e = CandidateConfig::parse(&bad, "c.toml", &fixtures()).expect_err("typo");
        let msg = e.to_string();
        assert!(msg.starts_with("c.toml:8:1: unknown field `base_ulr`"), "{msg}");
        assert!(msg.contains("base_ulr = "), "snippet shows the line: {msg}");
    }

    #[test]
    fn bad_values_name_their_line() {
        for (from, to, line) in [
            ("\"918999198738\"", "\"ASID-1\"", 12),
            ("timeout_secs = 2.5", "timeout_secs = 0", 9),
            ("\"9690937286\"", "\"9690937287\"", 16),
            ("https://gp.example", "ftp://gp.example", 8),
        ] {
            let bad = GOOD.replace(from, to);
            let e = CandidateConfig::parse(&bad, "c.toml", &fixtures()).expect_err(to);
            let msg = e.to_string();
            assert!(msg.starts_with(&format!("c.toml:{line}:")), "{to}: {msg}");
        }
    }

    #[test]
    fn the_consumer_section_has_defaults_and_its_errors_name_their_line() {
        let with = |extra: &str| format!("{GOOD}\n{extra}");
        let c = CandidateConfig::parse(&with("[consumer]"), "c.toml", &fixtures()).expect("valid");
        let s = c.consumer.expect("[consumer]");
        assert_eq!((s.trigger, s.isolation), (TriggerMode::Endpoint, Isolation::Turns));
        assert_eq!((s.settle(), s.tester_timeout()), (Duration::from_millis(500), Duration::from_secs(300)));
        assert_eq!(s.mailbox("GPC001"), "GPC001OT001");
        assert_eq!(s.consumer_asid("918999198738"), "918999198738");
        assert!(s.listen.ip().is_loopback());
        let own = CandidateConfig::parse(&with("[consumer]\nasid = \"200000000359\""), "c.toml", &fixtures());
        assert_eq!(own.expect("valid").consumer.expect("[consumer]").consumer_asid("918999198738"), "200000000359");
        assert!(CandidateConfig::parse(GOOD, "c.toml", &fixtures()).expect("valid").consumer.is_none());
        for (extra, says) in [
            ("[consumer]\ntrigger = \"magic\"", "magic"),
            ("[consumer]\nlisten = \"nowhere\"", "listen"),
            ("[consumer]\npublic_url = \"not a url\"", "public_url"),
            ("[consumer]\nsettle = 5", "settle"),
            ("[consumer]\nasid = \"GPC-ASID\"", "not an ASID"),
        ] {
            let e = CandidateConfig::parse(&with(extra), "c.toml", &fixtures()).expect_err(extra).to_string();
            assert!(e.contains(says) && e.contains("c.toml:"), "{extra}: {e}");
        }
    }

    #[test]
    fn unknown_fixture_key_is_refused() {
        let bad = GOOD.replace("patients.patient2", "patients.patinet2");
        let e = CandidateConfig::parse(&bad, "c.toml", &fixtures()).expect_err("typo");
        assert!(e.to_string().starts_with("c.toml:15: [patients] `patinet2` is not a fixture key"), "{e}");
    }

    #[test]
    fn directory_maps_override_the_pack_and_are_checked() {
        let with = |extra: &str| format!("{GOOD}\n{extra}");
        let c = CandidateConfig::parse(
            &with("[organizations.ORG2]\nods_code = \"Y12345\"\n[locations.location1]\nlogical_id = \"17\""),
            "c.toml",
            &fixtures(),
        )
        .expect("valid");
        assert_eq!(c.directory.organizations["ORG2"].ods_code, "Y12345");
        assert_eq!(c.directory.organizations["ORG1"].ods_code, "GPC001", "unmapped keys keep the pack's");
        assert_eq!(c.directory.locations["location1"].logical_id, "17");
        assert_eq!(c.directory.practitioners, default_directory(&fixtures()).practitioners);
        let back = CandidateConfig::from_public(&c.public()).expect("rebuild");
        assert_eq!(back.directory, c.directory, "the public view (in results and dossiers) keeps the maps");
        for (extra, want) in [
            ("[organizations.ORG9]\nods_code = \"ABC12\"", "c.toml:18: [organizations] `ORG9` is not a fixture key"),
            ("[practitioners.practitioner1]\nsds_user_id = \"G 1\"", "c.toml:19:"),
            ("[locations.location1]\nlogical_id = \"a/b\"", "c.toml:19:"),
            ("[locations.location1]\nods_code = \"A1\"", "c.toml:19:"),
        ] {
            let e = CandidateConfig::parse(&with(extra), "c.toml", &fixtures()).expect_err(extra);
            assert!(e.to_string().starts_with(want), "{extra}: {e}");
        }
    }

    #[test]
    fn secret_headers_stay_out_of_the_public_view_and_digest() {
        let with = |v: &str| {
            GOOD.replace("timeout_secs = 2.5", &format!("timeout_secs = 2.5\n[endpoint.headers]\n\"X-Api-Key\" = {{ value = \"{v}\", secret = true }}\n\"X-Tenant\" = \"t1\""))
        };
        let a = CandidateConfig::parse(&with("first-secret"), "c.toml", &fixtures()).expect("valid");
        let b = CandidateConfig::parse(&with("other-secret"), "c.toml", &fixtures()).expect("valid");
        assert_eq!(a.headers.len(), 2);
        let public = serde_json::to_string(&a.public()).expect("ser");
        assert!(
            !public.contains("first-secret") && public.contains("t1") && public.contains(SECRET_PLACEHOLDER),
            "{public}"
        );
        assert_eq!(a.digest(), b.digest(), "the digest does not depend on secret values");
        let back = CandidateConfig::from_public(&a.public()).expect("rebuild");
        assert_eq!(back.public().patients, a.public().patients);
        assert_eq!(back.headers.len(), 1, "secret headers are not rebuilt");
        let bad =
            GOOD.replace("timeout_secs = 2.5", "timeout_secs = 2.5\n[endpoint.headers]\nAuthorization = \"Basic x\"");
        assert!(
            CandidateConfig::parse(&bad, "c.toml", &fixtures())
                .is_err_and(|e| e.to_string().contains("set by the harness"))
        );
        let unset = GOOD.replace(
            "timeout_secs = 2.5",
            "timeout_secs = 2.5\n[endpoint.headers]\n\"X-K\" = { env = \"RFA_TEST_SURELY_UNSET\", secret = true }",
        );
        assert!(
            CandidateConfig::parse(&unset, "c.toml", &fixtures())
                .is_err_and(|e| e.to_string().contains("RFA_TEST_SURELY_UNSET"))
        );
    }

    #[test]
    fn missing_section_is_reported() {
        let e = CandidateConfig::parse("[candidate]\nsupplier='a'\nproduct='b'\nversion='c'\n", "c.toml", &fixtures())
            .expect_err("no endpoint");
        assert!(e.to_string().contains("missing field `endpoint`"), "{e}");
    }
}
