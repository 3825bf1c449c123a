//! Organisations, practitioners and locations: GP Connect's Foundations
//! search and read interactions for the practice's directory data.

use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::gpc::{self, Interaction};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::inf::defects::InfDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::store::StoredItem;

type Shared = std::sync::Arc<State>;

/// What differs between the three kinds.
#[derive(Clone, Copy)]
pub enum Kind {
    Organization,
    Practitioner,
    Location,
}

impl Kind {
    fn items(self, s: &State) -> &[StoredItem] {
        match self {
            Self::Organization => &s.store.organizations,
            Self::Practitioner => &s.store.practitioners,
            Self::Location => &s.store.locations,
        }
    }

    fn system(self) -> &'static str {
        match self {
            Self::Organization => gpc::ODS_ORGANIZATION_SYSTEM,
            Self::Practitioner | Self::Location => gpc::SDS_USER_SYSTEM,
        }
    }

    fn search(self) -> Interaction {
        match self {
            Self::Organization => Interaction::SearchOrganizations,
            Self::Practitioner | Self::Location => Interaction::SearchPractitioners,
        }
    }

    fn read(self) -> Interaction {
        match self {
            Self::Organization => Interaction::ReadOrganization,
            Self::Practitioner => Interaction::ReadPractitioner,
            Self::Location => Interaction::ReadLocation,
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Self::Organization => "Organization",
            Self::Practitioner => "Practitioner",
            Self::Location => "Location",
        }
    }

    fn not_found(self, s: &State) -> SpineCode {
        match self {
            Self::Organization if s.defects.has(InfDefect::OrganisationNotFoundWrongCode) => SpineCode::NoRecordFound,
            Self::Organization => SpineCode::OrganisationNotFound,
            Self::Practitioner => SpineCode::PractitionerNotFound,
            Self::Location if s.defects.has(InfDefect::LocationNotFoundPatientCode) => SpineCode::PatientNotFound,
            Self::Location => SpineCode::NoRecordFound,
        }
    }
}

/// The one `identifier=system|value` a search needs, checked as GP Connect
/// checks a Patient search's.
fn identifier(kind: Kind, s: &State, params: &[(String, String)]) -> Result<String, Outcome> {
    let bad = |code, msg: String| Err(Outcome::new(code, msg));
    let practitioner = matches!(kind, Kind::Practitioner);
    let first_wins = practitioner && s.defects.has(InfDefect::PractitionerSearchFirstIdentifier);
    if s.defects.has(InfDefect::DirectorySearchRefusesPaging)
        && let Some((k, _)) = params.iter().find(|(k, _)| k == "_count" || k == "_sort")
    {
        return bad(SpineCode::BadRequest, format!("unknown parameter `{k}`"));
    }
    if let Some((k, _)) = params.iter().find(|(k, _)| k != "identifier" && k.eq_ignore_ascii_case("identifier"))
        && !first_wins
    {
        return bad(SpineCode::BadRequest, format!("unknown parameter `{k}` (parameter names are case-sensitive)"));
    }
    let values: Vec<&str> = params
        .iter()
        .filter(|(k, _)| k == "identifier" || (first_wins && k.eq_ignore_ascii_case("identifier")))
        .map(|(_, v)| v.as_str())
        .collect();
    let value = match values[..] {
        [one] => one,
        [] => return bad(SpineCode::BadRequest, "the identifier parameter is required".into()),
        [first, ..] if first_wins => first,
        _ => return bad(SpineCode::BadRequest, "exactly one identifier parameter is allowed".into()),
    };
    let lenient = practitioner && s.defects.has(InfDefect::PractitionerIdentifierLenient);
    let split = match value.split_once('|') {
        None if lenient => Some((kind.system(), value)),
        Some(("", id)) if lenient => Some((kind.system(), id)),
        other => other,
    };
    let Some((system, id)) = split.filter(|(a, b)| !a.is_empty() && !b.is_empty()) else {
        return bad(SpineCode::InvalidParameter, "identifier must be `system|value` with both parts present".into());
    };
    let any_system = match kind {
        Kind::Organization => s.defects.has(InfDefect::OrganizationSearchAnySystem),
        _ => s.defects.has(InfDefect::PractitionerSearchAnySystem),
    };
    if system != kind.system() && !any_system {
        return bad(SpineCode::InvalidIdentifierSystem, format!("identifier system `{system}` is not supported here"));
    }
    if id.len() > 20 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return bad(SpineCode::InvalidIdentifierValue, format!("`{id}` is not a valid identifier value"));
    }
    Ok(id.to_string())
}

/// A searchset Bundle of `(type, id, resource)` entries.
pub fn searchset(entries: Vec<(&str, &str, Value)>) -> Value {
    // No `fullUrl`: GP Connect's resource guidance says providers SHOULD NOT
    // populate it (and consumers MUST NOT use it) in Foundations and
    // Appointments answers.
    bundle(entries.into_iter().map(|(_, _, resource)| json!({ "resource": resource })).collect())
}

/// A searchset whose entries carry absolute `fullUrl`s (Access Document's
/// searches, which the Foundations guidance above does not cover).
pub fn searchset_with_full_urls(base: &str, host: &str, entries: Vec<(&str, &str, Value)>) -> Value {
    bundle(
        entries
            .into_iter()
            .map(|(ty, id, resource)| json!({ "fullUrl": format!("http://{host}{base}/{ty}/{id}"), "resource": resource }))
            .collect(),
    )
}

fn bundle(entries: Vec<Value>) -> Value {
    let total = entries.len();
    crate::reference::searchset(entries, total)
}

async fn search(kind: Kind, s: Shared, headers: HeaderMap, params: Vec<(String, String)>) -> Response {
    if let Err(o) = guard::check(&s, &headers, kind.search()) {
        return o.into_response();
    }
    let lists_all = matches!(kind, Kind::Organization)
        && s.defects.has(InfDefect::OrganizationSearchListsAll)
        && !params.iter().any(|(k, _)| k.eq_ignore_ascii_case("identifier"));
    let id = match identifier(kind, &s, &params) {
        Ok(id) => Some(id),
        Err(_) if lists_all => None,
        Err(o) => return o.into_response(),
    };
    let found: Vec<&StoredItem> =
        kind.items(&s).iter().filter(|i| id.is_none() || i.business_id.as_deref() == id.as_deref()).collect();
    if found.is_empty() && matches!(kind, Kind::Organization) && s.defects.has(InfDefect::UnknownOrganization404) {
        return Outcome::new(SpineCode::OrganisationNotFound, "no organisation with that ODS code").into_response();
    }
    if found.is_empty() && matches!(kind, Kind::Practitioner) && s.defects.has(InfDefect::UnknownPractitioner404) {
        return Outcome::new(SpineCode::PractitionerNotFound, "no practitioner with that SDS user id").into_response();
    }
    // The organization-search-includes-locations defect: each organisation's
    // Locations come along unasked.
    let locations: Vec<(&str, &str, Value)> =
        if matches!(kind, Kind::Organization) && s.defects.has(InfDefect::OrganizationSearchIncludesLocations) {
            let managed_by: Vec<String> = found.iter().map(|o| format!("Organization/{}", o.id)).collect();
            s.store
                .locations
                .iter()
                .filter(|l| {
                    l.resource
                        .pointer("/managingOrganization/reference")
                        .and_then(Value::as_str)
                        .is_some_and(|r| managed_by.iter().any(|m| m == r))
                })
                .map(|l| ("Location", l.id.as_str(), l.resource.clone()))
                .collect()
        } else {
            Vec::new()
        };
    let entries = found
        .into_iter()
        .map(|i| {
            let mut r = shaped(kind, &s, &i.resource);
            if matches!(kind, Kind::Organization)
                && s.defects.has(InfDefect::OrganizationSearchOmitsMeta)
                && let Some(o) = r.as_object_mut()
            {
                o.remove("meta");
            }
            (kind.type_name(), i.id.as_str(), r)
        })
        .chain(locations)
        .collect();
    cacheable(&s, Fhir::ok(searchset(entries)).into_response())
}

/// The `directory-cacheable` defect: a successful answer that may be cached.
fn cacheable(s: &State, resp: Response) -> Response {
    if s.defects.has(InfDefect::DirectoryCacheable) { crate::reference::cacheable(resp) } else { resp }
}

/// The stored resource as served: unchanged, unless a defect reshapes it.
fn shaped(kind: Kind, s: &State, stored: &Value) -> Value {
    let mut r = stored.clone();
    let has = |d| s.defects.has(d);
    let Some(o) = r.as_object_mut() else { return r };
    let push = |o: &mut serde_json::Map<String, Value>, key: &str, item: Value| {
        if let Some(list) = o.entry(key).or_insert_with(|| json!([])).as_array_mut() {
            list.push(item);
        }
    };
    let bad_telecom = |o: &mut serde_json::Map<String, Value>| {
        o.insert("telecom".into(), json!([{ "system": "phone", "value": "0113 496 0999", "use": "business" }]));
    };
    match kind {
        Kind::Organization => {
            if has(InfDefect::OrganizationSecondOdsCode) {
                push(o, "identifier", json!({ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": "OLD001" }));
            }
            if has(InfDefect::OrganizationForeignExtension) {
                push(
                    o,
                    "extension",
                    json!({ "url": "https://example.org/fhir/practice-list-size", "valueInteger": 9000 }),
                );
            }
            if has(InfDefect::OrganizationContactPopulated) {
                o.insert("contact".into(), json!([{ "name": { "family": "Manager" } }]));
                o.insert("endpoint".into(), json!([{ "reference": "Endpoint/1" }]));
            }
            if has(InfDefect::OrganizationPartOfDangling) {
                o.insert("partOf".into(), json!({ "reference": "Organization/00000000-0000-4000-8000-00000000dead" }));
            }
            if has(InfDefect::DirectoryTelecomInvalid) {
                bad_telecom(o);
            }
        }
        Kind::Practitioner => {
            if has(InfDefect::PractitionerRoleProfilesDropped)
                && let Some(ids) = o.get_mut("identifier").and_then(Value::as_array_mut)
            {
                ids.retain(|i| i.get("system").and_then(Value::as_str) != Some(gpc::SDS_ROLE_PROFILE_SYSTEM));
            }
            if has(InfDefect::PractitionerNotInUsePopulated) {
                o.insert("telecom".into(), json!([{ "system": "phone", "value": "0113 496 0555", "use": "work" }]));
                o.insert("address".into(), json!([{ "use": "work", "line": ["1 Practice Road"], "city": "Leeds" }]));
                o.insert("birthDate".into(), json!("1970-01-01"));
            }
            if has(InfDefect::PractitionerLocalIdentifier) {
                push(o, "identifier", json!({ "system": "https://example.org/Id/staff-number", "value": "S1234" }));
            }
            if has(InfDefect::PractitionerMalformed) {
                push(o, "name", json!({ "use": "official", "family": "Other" }));
                let en = |system: &str| json!({ "system": system, "code": "en", "display": "English" });
                o.insert(
                    "communication".into(),
                    json!([{ "coding": [en(gpc::HUMAN_LANGUAGE_SYSTEM), en("urn:ietf:bcp:47")] }]),
                );
            }
        }
        Kind::Location => {
            if has(InfDefect::LocationCodingsWithoutDisplay) {
                for key in ["type", "physicalType"] {
                    if let Some(codings) =
                        o.get_mut(key).and_then(|c| c.get_mut("coding")).and_then(Value::as_array_mut)
                    {
                        for c in codings.iter_mut().filter_map(Value::as_object_mut) {
                            c.remove("display");
                        }
                    }
                }
            }
            if has(InfDefect::LocationPartOfOrganization)
                && let Some(org) = o.get("managingOrganization").cloned()
            {
                o.insert("partOf".into(), org);
            }
            if has(InfDefect::LocationWrongSiteCode)
                && let Some(ids) = o.get_mut("identifier").and_then(Value::as_array_mut)
            {
                for i in
                    ids.iter_mut().filter(|i| i.get("system").and_then(Value::as_str) == Some(gpc::ODS_SITE_SYSTEM))
                {
                    i["value"] = json!("GPCS99");
                }
            }
            if has(InfDefect::LocationManagingOrgDangling) {
                o.insert(
                    "managingOrganization".into(),
                    json!({ "reference": "Organization/00000000-0000-4000-8000-00000000dead" }),
                );
            }
            if has(InfDefect::DirectoryTelecomInvalid) {
                bad_telecom(o);
            }
        }
    }
    r
}

async fn read(kind: Kind, s: Shared, headers: HeaderMap, id: String) -> Response {
    if let Err(o) = guard::check(&s, &headers, kind.read()) {
        return o.into_response();
    }
    let by_site_code = matches!(kind, Kind::Location) && s.defects.has(InfDefect::LocationReadBySiteCode);
    let site_code = |i: &StoredItem| {
        i.resource.get("identifier").and_then(Value::as_array).into_iter().flatten().any(|x| {
            x.get("system").and_then(Value::as_str) == Some(gpc::ODS_SITE_SYSTEM)
                && x.get("value").and_then(Value::as_str) == Some(id.as_str())
        })
    };
    let Some(item) = kind.items(&s).iter().find(|i| if by_site_code { site_code(i) } else { i.id == id }) else {
        if matches!(kind, Kind::Practitioner) && s.defects.has(InfDefect::PractitionerReadUnknown500) {
            return Outcome::new(SpineCode::InternalServerError, "lookup failed").into_response();
        }
        return Outcome::new(kind.not_found(&s), format!("no {} with id {id}", kind.type_name())).into_response();
    };
    let etag = match kind {
        Kind::Organization if s.defects.has(InfDefect::OrganizationReadWithoutEtag) => None,
        Kind::Location if s.defects.has(InfDefect::LocationEtagIgnoresVersion) => Some("W/\"1\"".to_string()),
        _ => Some(format!("W/\"{}\"", item.version)),
    };
    cacheable(&s, Fhir { status: StatusCode::OK, body: shaped(kind, &s, &item.resource), etag }.into_response())
}

pub async fn search_organizations(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    search(Kind::Organization, s, headers, params).await
}

pub async fn read_organization(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    read(Kind::Organization, s, headers, id).await
}

pub async fn search_practitioners(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    search(Kind::Practitioner, s, headers, params).await
}

pub async fn read_practitioner(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    read(Kind::Practitioner, s, headers, id).await
}

pub async fn read_location(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    read(Kind::Location, s, headers, id).await
}
