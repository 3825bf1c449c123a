//! A PDS-like patient trace (PDS FHIR R4: `GET Patient?family=&given=&gender=&birthdate=`,
//! birth dates `eq`, `ge`, `le` or a range,
//! and `GET Patient/{nhs}`): answers from the national data as PDS would,
//! a superseded NHS number with the current record, more matches than
//! `_max-results` (1 to 50, default 50 as for healthcare-worker access) as
//! `TOO_MANY_MATCHES`.

use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Shared, Sid, fhir, fhir_error};
use crate::fhir::gpc::{self, NHS_NUMBER_SYSTEM};
use crate::fixtures::PdsPatient;

/// A patient as PDS FHIR R4 returns them. A restricted patient is labelled
/// `R` in `meta.security` and comes without address (PDS also removes
/// telecom, contact and registered GP, which these records do not carry).
pub fn resource(p: &PdsPatient) -> Value {
    let mut r = json!({
        "resourceType": "Patient",
        "id": p.nhs_number,
        "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": p.nhs_number }],
        "meta": { "versionId": "1", "security": [gpc::confidentiality_label(p.sensitive)] },
        "name": [{ "use": "usual", "family": p.family, "given": [p.given] }],
        "gender": p.gender,
        "birthDate": p.birth_date,
    });
    if let Some(pc) = p.postcode.as_ref().filter(|_| !p.sensitive) {
        r["address"] = json!([{ "use": "home", "line": ["1 Test Street", "Leeds"], "postalCode": pc }]);
    }
    if let Some(d) = &p.deceased {
        r["deceasedDateTime"] = json!(format!("{d}T00:00:00+00:00"));
    }
    r
}

/// The search parameters PDS FHIR R4 knows (`GET /Patient`).
const SEARCH_PARAMETERS: [&str; 14] = [
    "_fuzzy-match",
    "_exact-match",
    "_history",
    "_max-results",
    "family",
    "given",
    "gender",
    "birthdate",
    "death-date",
    "address-postalcode",
    "address-postcode",
    "general-practitioner",
    "email",
    "phone",
];

pub async fn search(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    // PDS refuses a parameter it does not know rather than ignore it, so a
    // misspelt one (`sex`, `birthDate`) fails here as it would there.
    if let Some((unknown, _)) = params.iter().find(|(n, _)| !SEARCH_PARAMETERS.contains(&n.as_str())) {
        return fhir_error(
            StatusCode::BAD_REQUEST,
            "ADDITIONAL_PROPERTIES",
            &format!(
                "Invalid request with error - '{unknown}' is not a valid search parameter (parameter names are case-sensitive)"
            ),
        );
    }
    let get =
        |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
    if get("birthdate").is_none() {
        return fhir_error(StatusCode::BAD_REQUEST, "INVALID_SEARCH_DATA", "birthdate is required to trace a patient");
    }
    // `eq` (or no prefix), `ge`, `le`, and twice for a range, as PDS takes them.
    let mut constraints = Vec::new();
    for (_, v) in params.iter().filter(|(n, _)| n == "birthdate") {
        match birth_constraint(v.trim()) {
            Some(c) => constraints.push(c),
            None => {
                return fhir_error(
                    StatusCode::BAD_REQUEST,
                    "INVALID_SEARCH_DATA",
                    &format!("Invalid value - '{v}' in field 'birthdate' (eq, ge or le and YYYY-MM-DD)"),
                );
            }
        }
    }
    let Some(family) = get("family") else {
        return fhir_error(StatusCode::BAD_REQUEST, "INVALID_SEARCH_DATA", "family is required to trace a patient");
    };
    // Healthcare-worker access: up to 50 matches, 50 by default.
    let max = match get("_max-results").map(|m| (m.parse::<usize>().ok().filter(|n| (1..=50).contains(n)), m)) {
        None => 50,
        Some((Some(n), _)) => n,
        Some((None, m)) => {
            return fhir_error(
                StatusCode::BAD_REQUEST,
                "INVALID_VALUE",
                &format!("Invalid value - '{m}' in field '_max-results' (1 to 50)"),
            );
        }
    };
    let given = get("given").map(|g| g.to_lowercase());
    let gender = get("gender");
    let found: Vec<&PdsPatient> = h
        .data
        .pds
        .iter()
        .filter(|p| p.family.eq_ignore_ascii_case(&family) && constraints.iter().all(|c| born(&p.birth_date, c)))
        .filter(|p| given.as_ref().is_none_or(|g| p.given.to_lowercase().starts_with(g.as_str())))
        .filter(|p| gender.as_ref().is_none_or(|g| p.gender.eq_ignore_ascii_case(g)))
        .collect();
    if found.len() > max || h.with(&sid, |s| s.pds_too_many) {
        return fhir(StatusCode::OK, &too_many_matches());
    }
    let entries: Vec<Value> = found
        .iter()
        .map(|p| {
            json!({
                "fullUrl": format!("{}pds/FHIR/R4/Patient/{}", h.base_of(&sid), p.nhs_number),
                "search": { "score": 1 },
                "resource": resource(p)
            })
        })
        .collect();
    let body = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": super::timestamp(),
        "total": entries.len(),
        "entry": entries
    });
    fhir(StatusCode::OK, &crate::fhir::omit_empty(body, &["entry"]))
}

/// A `birthdate` search value: the comparison (`eq`, `ge`, `le`) and the
/// date (`YYYY-MM-DD`, which compares as text in date order).
fn birth_constraint(v: &str) -> Option<(&str, String)> {
    let (op, date) = match v.get(..2) {
        Some(p @ ("eq" | "ge" | "le")) => (p, &v[2..]),
        _ => ("eq", v),
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date, format).ok()?;
    Some((op, date.to_string()))
}

fn born(birth_date: &str, (op, date): &(&str, String)) -> bool {
    match *op {
        "ge" => birth_date >= date.as_str(),
        "le" => birth_date <= date.as_str(),
        _ => birth_date == date,
    }
}

/// PDS's answer when more patients match than `_max-results` allows: a
/// 200 with an OperationOutcome where a Bundle would be (PDS FHIR API,
/// `GET /Patient`: "it might contain a 'TOO_MANY_MATCHES' error").
fn too_many_matches() -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "information",
            "code": "multiple-matches",
            "details": { "coding": [{
                "system": super::SPINE_R4_CODES,
                "version": "1",
                "code": "TOO_MANY_MATCHES",
                "display": "Too Many Matches"
            }] }
        }]
    })
}

pub async fn read(State(h): State<Shared>, Path(id): Path<String>) -> Response {
    if crate::fhir::nhs::validate(&id).is_err() {
        return fhir_error(
            StatusCode::BAD_REQUEST,
            "INVALID_RESOURCE_ID",
            &format!("`{id}` is not a valid NHS number"),
        );
    }
    match h.data.by_nhs_number(&id) {
        Some(p) => fhir(StatusCode::OK, &resource(p)),
        None => fhir_error(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", &format!("PDS holds no patient {id}")),
    }
}
