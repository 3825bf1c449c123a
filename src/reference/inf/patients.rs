//! Patient search and read (GP Connect Foundations), and Access Document's
//! Find a patient, which applies the same search rules on its own root.

use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::fhir::gpc::{self, Interaction};
use crate::fhir::nhs::{self, NhsNumberError};
use crate::fixtures::PatientFlag;
use crate::reference::acc::guard;
use crate::reference::inf::defects::InfDefect;
use crate::reference::inf::directory;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::{Shared, State};

pub async fn search(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchPatients) {
        return o.into_response();
    }
    if s.defects.has(InfDefect::SearchRefusesPaging) && params.iter().any(|(k, _)| k == "_count" || k == "_sort") {
        return Outcome::new(SpineCode::BadRequest, "paging and sorting are not supported").into_response();
    }
    let lenient = (s.defects.has(InfDefect::SearchReturnsInactive), s.defects.has(InfDefect::SearchReturnsHidden));
    match find_patients(&s, &params, lenient) {
        Ok(ids) => Fhir::ok(searchset(&s, &s.base_path, &headers, &ids)).into_response(),
        Err(o) => o.into_response(),
    }
}

/// Access Document's Find a patient: the same rules on the documents
/// endpoint, the Bundle id echoing the Ssp-TraceID.
pub async fn documents_patient_search(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchDocumentsPatients) {
        return o.into_response();
    }
    let hidden_too = s.defects.has(InfDefect::DocumentsSearchReturnsHidden);
    match find_patients(&s, &params, (hidden_too, hidden_too)) {
        Ok(ids) => {
            let mut bundle = searchset(&s, &s.documents_path, &headers, &ids);
            bundle["id"] = headers.get("Ssp-TraceID").and_then(|v| v.to_str().ok()).unwrap_or_default().into();
            let resp = Fhir::ok(bundle).into_response();
            if s.defects.has(InfDefect::DocumentsPatientSearchCacheable) {
                crate::reference::cacheable(resp)
            } else {
                resp
            }
        }
        Err(o) => o.into_response(),
    }
}

/// Applies GP Connect's Patient search rules to the query parameters and
/// returns the ids of the matching patients.
/// `(inactive_too, hidden_too)` loosen the active-patient and searchable
/// filters (defects).
fn find_patients(
    s: &State,
    params: &[(String, String)],
    (inactive_too, hidden_too): (bool, bool),
) -> Result<Vec<String>, Outcome> {
    let d = |x| s.defects.has(x);
    let bad = |code, msg: &str| Err(Outcome::new(code, msg));
    if let Some((k, _)) = params.iter().find(|(k, _)| k != "identifier" && k.eq_ignore_ascii_case("identifier")) {
        return bad(SpineCode::BadRequest, &format!("unknown parameter `{k}` (parameter names are case-sensitive)"));
    }
    let identifiers: Vec<&str> = params.iter().filter(|(k, _)| k == "identifier").map(|(_, v)| v.as_str()).collect();
    let value = match identifiers[..] {
        [one] => one,
        [] if d(InfDefect::SearchWithoutIdentifierListsAll) => {
            return Ok(s.store.patients.iter().map(|p| p.id.clone()).collect());
        }
        [] => return bad(SpineCode::BadRequest, "the identifier parameter is required"),
        _ => return bad(SpineCode::BadRequest, "exactly one identifier parameter is allowed"),
    };
    let lenient = d(InfDefect::LenientIdentifierParameter);
    let (system, number) = match value.split_once('|') {
        Some((sys, num)) if !sys.is_empty() && !num.is_empty() => (sys, num),
        Some((_, num)) if lenient => (gpc::NHS_NUMBER_SYSTEM, num),
        None if lenient => (gpc::NHS_NUMBER_SYSTEM, value),
        _ => return bad(SpineCode::InvalidParameter, "identifier must be `system|value` with both parts present"),
    };
    if system != gpc::NHS_NUMBER_SYSTEM && !d(InfDefect::AcceptsAnyIdentifierSystem) {
        return bad(SpineCode::InvalidIdentifierSystem, &format!("identifier system `{system}` is not supported"));
    }
    match nhs::validate(number) {
        Ok(()) => {}
        Err(NhsNumberError::CheckDigit) if d(InfDefect::NoModulus11Check) => {}
        Err(e) => return bad(SpineCode::InvalidNhsNumber, &format!("`{number}` is not a valid NHS number: {e}")),
    }
    if d(InfDefect::UnknownPatient404)
        && s.store.by_nhs_number(number).next().is_none()
        && s.registrations.ids_for(number, true).is_empty()
    {
        return bad(SpineCode::PatientNotFound, "no patient with that NHS number");
    }
    let mut ids: Vec<String> = s
        .store
        .by_nhs_number(number)
        .filter(|p| (p.is_active() || inactive_too) && (p.searchable() || hidden_too))
        .filter(|p| !(d(InfDefect::SearchHidesTemporary) && p.has(PatientFlag::Temporary)))
        .map(|p| p.id.clone())
        .collect();
    // Patients registered since (temporary residents) are the practice's
    // too; those PDS restricts are sensitive, as patient9 is.
    ids.extend(s.registrations.ids_for(number, hidden_too));
    Ok(ids)
}

/// A held patient as search and read show it, as the defects bend it.
fn shown(s: &State, mut p: Value) -> Value {
    let d = |x| s.defects.has(x);
    if let Some(obj) = p.as_object_mut() {
        if d(InfDefect::PatientNoBranchSurgery) {
            obj.remove("extension");
        }
        if d(InfDefect::PatientDanglingReferences) {
            obj.insert("managingOrganization".into(), serde_json::json!({ "reference": "Organization/gone-away" }));
        }
        if d(InfDefect::PatientTelecomWithoutUse)
            && let Some(Value::Array(t)) = obj.get_mut("telecom")
        {
            t.iter_mut().filter_map(Value::as_object_mut).for_each(|c| {
                c.remove("use");
            });
        }
    }
    p
}

fn searchset(s: &State, base: &str, headers: &HeaderMap, ids: &[String]) -> Value {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let registered: Vec<(String, Value)> =
        ids.iter().filter_map(|id| s.registrations.by_id(id).map(|p| (id.clone(), p))).collect();
    let entries = ids
        .iter()
        .filter_map(|id| s.store.by_id(id))
        .map(|p| {
            ("Patient", p.id.as_str(), shown(s, p.public_view(!s.defects.has(InfDefect::SearchExposesWithheldFields))))
        })
        .chain(registered.iter().map(|(id, p)| ("Patient", id.as_str(), p.clone())))
        .collect();
    // The Foundations search leaves fullUrl out, as GP Connect advises; the
    // documents endpoint's patient search keeps it.
    if base == s.base_path {
        let mut entries: Vec<(&str, &str, Value)> = entries;
        if s.defects.has(InfDefect::SearchIncludesOrganization) && !entries.is_empty() {
            let org = &s.store.organization;
            entries.push(("Organization", org.get("id").and_then(Value::as_str).unwrap_or_default(), org.clone()));
        }
        directory::searchset(entries)
    } else {
        let mut entries: Vec<(&str, &str, Value)> = entries;
        if s.defects.has(InfDefect::DocumentsSearchIncludesOrganization) && !entries.is_empty() {
            let org = &s.store.organization;
            entries.push(("Organization", org.get("id").and_then(Value::as_str).unwrap_or_default(), org.clone()));
        }
        directory::searchset_with_full_urls(base, host, entries)
    }
}

pub async fn read(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadPatient) {
        return o.into_response();
    }
    let Some(p) = s.store.by_id(&id) else {
        if let Some(registered) = s.registrations.by_id(&id) {
            return Fhir { status: StatusCode::OK, body: registered, etag: Some("W/\"1\"".into()) }.into_response();
        }
        if s.defects.has(InfDefect::ReadUnknown500) {
            return Outcome::new(SpineCode::InternalServerError, "lookup failed").into_response();
        }
        return Outcome::new(SpineCode::PatientNotFound, format!("no patient with id {id}")).into_response();
    };
    let mut body = shown(&s, p.public_view(true));
    if s.defects.has(InfDefect::ReadOmitsId)
        && let Some(obj) = body.as_object_mut()
    {
        obj.remove("id");
    }
    let etag = (!s.defects.has(InfDefect::ReadWithoutEtag)).then(|| format!("W/\"{}\"", p.version));
    Fhir { status: StatusCode::OK, body, etag }.into_response()
}
