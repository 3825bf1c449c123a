//! An SDS-like directory (Spine Directory Service FHIR R4): a practice's
//! `Endpoint` (its address) and `Device` (its ASID), shaped and checked as
//! SDS does it (NHS Digital's `spine-directory-service-api`:
//! `specification/spine-directory-service.yaml` and the service behind
//! it). Every request needs an `apikey` (401 otherwise); `X-Correlation-ID`
//! is optional but, if sent, a UUID, and is mirrored back (one is made up
//! when none is sent). A parameter SDS does not take, a value without its
//! identifier system, or a combination SDS does not search by is 400
//! `BAD_REQUEST`. `identifier` may be repeated (interaction and party key)
//! in any order; the last value of each system counts. Resource ids are
//! UUIDs, new with every answer, as SDS makes them.

use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Hosted, Shared, Sid, fhir};
use crate::fhir::gpc::{MHS_PARTY_KEY_SYSTEM, ODS_ORGANIZATION_SYSTEM, SERVICE_INTERACTION_SYSTEM, SPINE_ASID_SYSTEM};

const INTERACTION_EXTENSION: &str = "https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId";

/// The code system of SDS's own errors (its service answers in the STU3
/// Spine value set, unlike PDS and EPS).
pub(super) const SDS_ERROR_SYSTEM: &str = "https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1";

/// What SDS refuses a request with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    /// 401 ACCESS_DENIED: no API key (the API platform's check, before SDS).
    NoApiKey,
    /// 400 BAD_REQUEST, saying what is wrong.
    BadRequest(String),
}

impl Refusal {
    fn response(&self, correlation: &str) -> Response {
        let body = match self {
            Self::NoApiKey => json!({
                "resourceType": "OperationOutcome",
                "issue": [{
                    "severity": "error",
                    "code": "forbidden",
                    "details": { "coding": [{
                        "system": super::SPINE_R4_CODES,
                        "version": "1",
                        "code": "ACCESS_DENIED",
                        "display": "Invalid ApiKey"
                    }] }
                }]
            }),
            Self::BadRequest(why) => json!({
                "resourceType": "OperationOutcome",
                "id": correlation,
                "issue": [{
                    "severity": "error",
                    "code": "required",
                    "details": { "coding": [{ "system": SDS_ERROR_SYSTEM, "code": "BAD_REQUEST", "display": "Bad request" }] },
                    "diagnostics": why
                }]
            }),
        };
        let status = match self {
            Self::NoApiKey => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
        };
        fhir(status, &body)
    }
}

/// A new id as SDS makes them: an upper-case UUID.
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

/// The request's `X-Correlation-ID` (a new one when none was sent), or a
/// refusal for one that is not a UUID.
fn correlation(headers: &HeaderMap) -> Result<String, (String, Refusal)> {
    match headers.get("x-correlation-id").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()) {
        None => Ok(new_id()),
        Some(c) if c.is_empty() => Ok(new_id()),
        Some(c) if super::pds::is_uuid(&c) => Ok(c),
        Some(c) => Err((new_id(), Refusal::BadRequest(format!("X-Correlation-ID `{c}` is not a UUID")))),
    }
}

/// What a search asks for: the values of each identifier system given.
#[derive(Debug, Default, PartialEq, Eq)]
struct Lookup {
    organization: Option<String>,
    interaction: Option<String>,
    party_key: Option<String>,
    manufacturer: Option<String>,
}

/// Which search it is: `Endpoint` takes `organization` and `identifier`;
/// `Device` also `manufacturing-organization`, and needs both organization
/// and interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Endpoint,
    Device,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Endpoint => "Endpoint",
            Self::Device => "Device",
        }
    }

    fn parameters(self) -> &'static [&'static str] {
        match self {
            Self::Endpoint => &["organization", "identifier"],
            Self::Device => &["organization", "identifier", "manufacturing-organization"],
        }
    }
}

impl Lookup {
    /// The query checked as SDS checks it: known parameters only, each value
    /// `system|value` with a system the parameter takes, then a combination
    /// SDS searches by.
    fn parse(kind: Kind, params: &[(String, String)]) -> Result<Self, Refusal> {
        let mut lookup = Self::default();
        for (name, value) in params {
            if !kind.parameters().contains(&name.as_str()) {
                return Err(Refusal::BadRequest(format!(
                    "`{name}` is not a parameter of {} search (it takes {})",
                    kind.name(),
                    kind.parameters().join(", ")
                )));
            }
            let (system, v) = value.split_once('|').unwrap_or((value, ""));
            let v = Some(v.to_string()).filter(|v| !v.trim().is_empty());
            let slot = match (name.as_str(), system) {
                ("organization", ODS_ORGANIZATION_SYSTEM) => &mut lookup.organization,
                ("manufacturing-organization", ODS_ORGANIZATION_SYSTEM) => &mut lookup.manufacturer,
                ("identifier", SERVICE_INTERACTION_SYSTEM) => &mut lookup.interaction,
                ("identifier", MHS_PARTY_KEY_SYSTEM) => &mut lookup.party_key,
                ("identifier", _) => {
                    return Err(Refusal::BadRequest(format!(
                        "`identifier` is `{SERVICE_INTERACTION_SYSTEM}|interaction` or `{MHS_PARTY_KEY_SYSTEM}|party key`, not `{value}`"
                    )));
                }
                _ => {
                    return Err(Refusal::BadRequest(format!(
                        "`{name}` is `{ODS_ORGANIZATION_SYSTEM}|ODS code`, not `{value}`"
                    )));
                }
            };
            // The last value of each system counts.
            if v.is_some() {
                *slot = v;
            }
        }
        let (org, interaction, party) =
            (lookup.organization.is_some(), lookup.interaction.is_some(), lookup.party_key.is_some());
        let searchable = match kind {
            Kind::Endpoint => (org && (interaction || party)) || (interaction && party),
            Kind::Device => org && interaction,
        };
        if !searchable {
            return Err(Refusal::BadRequest(match kind {
                Kind::Endpoint => "an Endpoint search takes organization with an interaction, a party key or both, or an interaction with a party key".to_string(),
                Kind::Device => "a Device search needs organization and an interaction identifier".to_string(),
            }));
        }
        Ok(lookup)
    }

    /// Whether the other practice's record answers it.
    fn finds(&self, h: &Hosted, sid: &Sid) -> bool {
        let same = |asked: &Option<String>, held: &str| asked.as_deref().is_none_or(|a| a.eq_ignore_ascii_case(held));
        same(&self.organization, &h.data.other_practice.ods_code)
            && self.interaction.as_deref().is_none_or(|i| i == crate::fhir::gpc::Interaction::GetStructuredRecord.id())
            && same(&self.party_key, &party_key(h))
            // SDS records no manufacturing organisation for it.
            && self.manufacturer.is_none()
            && !h.with(sid, |s| s.sds_empty)
    }
}

/// A searchset of at most one resource, as SDS answers: its own id, a
/// `self` link, each entry at `{base}/{kind}/{id}`.
fn searchset(h: &Hosted, sid: &Sid, kind: Kind, params: &[(String, String)], resource: Option<Value>) -> Value {
    let base = format!("{}sds/FHIR/R4/{}", h.base_of(sid), kind.name());
    let entry: Vec<Value> = resource
        .into_iter()
        .map(|r| {
            let id = r.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
            json!({ "fullUrl": format!("{base}/{id}"), "resource": r, "search": { "mode": "match" } })
        })
        .collect();
    let query: Vec<String> = params.iter().map(|(n, v)| format!("{n}={v}")).collect();
    crate::fhir::omit_empty(
        json!({
            "resourceType": "Bundle",
            "id": new_id(),
            "type": "searchset",
            "total": entry.len(),
            "link": [{ "relation": "self", "url": format!("{base}?{}", query.join("&")) }],
            "entry": entry
        }),
        &["entry"],
    )
}

fn party_key(h: &Hosted) -> String {
    format!("{}-800001", h.data.other_practice.ods_code)
}

fn interaction_extension() -> Value {
    json!({
        "url": INTERACTION_EXTENSION,
        "valueReference": { "identifier": { "system": SERVICE_INTERACTION_SYSTEM, "value": crate::fhir::gpc::Interaction::GetStructuredRecord.id() } }
    })
}

/// Checks the request as SDS does, answers with `body` if it passes, and
/// mirrors the correlation id either way.
fn answer(
    kind: Kind,
    headers: &HeaderMap,
    params: &[(String, String)],
    body: impl FnOnce(&Lookup) -> Value,
) -> Response {
    if headers.get("apikey").is_none_or(|k| k.is_empty()) {
        return Refusal::NoApiKey.response("");
    }
    let (id, response) = match correlation(headers) {
        Err((id, refusal)) => {
            let r = refusal.response(&id);
            (id, r)
        }
        Ok(id) => match Lookup::parse(kind, params) {
            Err(refusal) => (id.clone(), refusal.response(&id)),
            Ok(lookup) => (id, fhir(StatusCode::OK, &body(&lookup))),
        },
    };
    let mut response = response;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-correlation-id", v);
    }
    response
}

/// `GET Endpoint`: the address to call (no ASID: SDS lists that on the Device).
pub async fn endpoints(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    answer(Kind::Endpoint, &headers, &params, |lookup| {
        let address = h.provider_root(&sid);
        let fqdn =
            reqwest::Url::parse(&address).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
        let endpoint = lookup.finds(&h, &sid).then(|| {
            json!({
                "resourceType": "Endpoint",
                "id": new_id(),
                "status": "active",
                "connectionType": { "system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "code": "hl7-fhir-rest" },
                "payloadType": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/endpoint-payload-type", "code": "any" }] }],
                "address": address,
                "managingOrganization": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": h.data.other_practice.ods_code } },
                "identifier": [
                    { "system": "https://fhir.nhs.uk/Id/nhsMhsFQDN", "value": fqdn },
                    { "system": MHS_PARTY_KEY_SYSTEM, "value": party_key(&h) }
                ],
                "extension": [interaction_extension()]
            })
        });
        searchset(&h, &sid, Kind::Endpoint, &params, endpoint)
    })
}

/// `GET Device`: the accredited system behind the endpoint, with its ASID.
pub async fn devices(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    answer(Kind::Device, &headers, &params, |lookup| {
        let device = lookup.finds(&h, &sid).then(|| {
            json!({
                "resourceType": "Device",
                "id": new_id(),
                "identifier": [
                    { "system": SPINE_ASID_SYSTEM, "value": h.asid },
                    { "system": MHS_PARTY_KEY_SYSTEM, "value": party_key(&h) }
                ],
                "extension": [interaction_extension()],
                "owner": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": h.data.other_practice.ods_code } }
            })
        });
        searchset(&h, &sid, Kind::Device, &params, device)
    })
}
