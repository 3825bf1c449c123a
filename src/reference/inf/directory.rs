//! Organisations, practitioners and locations: GP Connect's Foundations
//! search and read interactions for the practice's directory data.

use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::gpc::{self, Interaction, SpineCode};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::inf::defects::InfDefect;
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
    if let Some((k, _)) = params.iter().find(|(k, _)| k != "identifier" && k.eq_ignore_ascii_case("identifier")) {
        return bad(SpineCode::BadRequest, format!("unknown parameter `{k}` (parameter names are case-sensitive)"));
    }
    let values: Vec<&str> = params.iter().filter(|(k, _)| k == "identifier").map(|(_, v)| v.as_str()).collect();
    let value = match values[..] {
        [one] => one,
        [] => return bad(SpineCode::BadRequest, "the identifier parameter is required".into()),
        _ => return bad(SpineCode::BadRequest, "exactly one identifier parameter is allowed".into()),
    };
    let Some((system, id)) = value.split_once('|').filter(|(a, b)| !a.is_empty() && !b.is_empty()) else {
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

fn host(headers: &HeaderMap) -> &str {
    headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost")
}

/// A searchset Bundle of `(type, id, resource)` entries.
pub fn searchset(base: &str, host: &str, entries: Vec<(&str, &str, Value)>, full_urls: bool) -> Value {
    let entries: Vec<Value> = entries
        .into_iter()
        .map(|(ty, id, resource)| {
            if full_urls {
                json!({ "fullUrl": format!("http://{host}{base}/{ty}/{id}"), "resource": resource })
            } else {
                json!({ "resource": resource })
            }
        })
        .collect();
    json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::new_v4().to_string(),
        "meta": { "profile": [gpc::SEARCHSET_PROFILE] },
        "type": "searchset",
        "total": entries.len(),
        "entry": entries,
    })
}

async fn search(kind: Kind, s: Shared, headers: HeaderMap, params: Vec<(String, String)>) -> Response {
    if let Err(o) = guard::check(&s, &headers, kind.search()) {
        return o.into_response();
    }
    let id = match identifier(kind, &s, &params) {
        Ok(id) => id,
        Err(o) => return o.into_response(),
    };
    let found: Vec<&StoredItem> =
        kind.items(&s).iter().filter(|i| i.business_id.as_deref() == Some(id.as_str())).collect();
    if found.is_empty() && matches!(kind, Kind::Organization) && s.defects.has(InfDefect::UnknownOrganization404) {
        return Outcome::new(SpineCode::OrganisationNotFound, "no organisation with that ODS code").into_response();
    }
    let entries = found
        .into_iter()
        .map(|i| {
            let mut r = i.resource.clone();
            if matches!(kind, Kind::Organization)
                && s.defects.has(InfDefect::OrganizationSearchOmitsMeta)
                && let Some(o) = r.as_object_mut()
            {
                o.remove("meta");
            }
            (kind.type_name(), i.id.as_str(), r)
        })
        .collect();
    let full_urls = !(matches!(kind, Kind::Practitioner) && s.defects.has(InfDefect::PractitionerSearchOmitsFullUrl));
    Fhir::ok(searchset(&s.base_path, host(&headers), entries, full_urls)).into_response()
}

async fn read(kind: Kind, s: Shared, headers: HeaderMap, id: String) -> Response {
    if let Err(o) = guard::check(&s, &headers, kind.read()) {
        return o.into_response();
    }
    let Some(item) = kind.items(&s).iter().find(|i| i.id == id) else {
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
    Fhir { status: StatusCode::OK, body: item.resource.clone(), etag }.into_response()
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
