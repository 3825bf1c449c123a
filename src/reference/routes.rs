//! The reference candidate's endpoints and the middleware that gives every
//! response the profile's headers.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State as Extract};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any, get, post};
use serde_json::Value;

use crate::gpc::{self, Interaction, SpineCode};
use crate::nhs::{self, NhsNumberError};
use crate::reference::acc::capability;
use crate::reference::acc::guard;
use crate::reference::com::messages;
use crate::reference::defects::Defect;
use crate::reference::dev;
use crate::reference::dsp;
use crate::reference::eps::prescribing;
use crate::reference::fin;
use crate::reference::inf::directory;
use crate::reference::inf::documents;
use crate::reference::inf::structured;
use crate::reference::knw;
use crate::reference::onl::appointments;
use crate::reference::onl::repeats;
use crate::reference::onl::slots;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::rec::audit;
use crate::reference::rec::clinical;
use crate::reference::rec::register;
use crate::reference::{Latency, State};

type Shared = Arc<State>;

pub fn router(state: Shared) -> Router {
    let route = |get_only: MethodRouter<Shared>, anything: MethodRouter<Shared>| {
        if state.defects.has(Defect::AcceptsAnyMethod) { anything } else { get_only.fallback(wrong_method) }
    };
    let operation = |handler: MethodRouter<Shared>, anything: MethodRouter<Shared>| {
        if state.defects.has(Defect::AcceptsAnyMethod) { anything } else { handler.fallback(post_only) }
    };
    let api = Router::new()
        .route("/metadata", route(get(metadata), any(metadata)))
        .route("/Patient", route(get(search), any(search)))
        .route("/Patient/{id}", route(get(read), any(read)))
        .route("/Organization", route(get(directory::search_organizations), any(directory::search_organizations)))
        .route("/Organization/{id}", route(get(directory::read_organization), any(directory::read_organization)))
        .route("/Practitioner", route(get(directory::search_practitioners), any(directory::search_practitioners)))
        .route("/Practitioner/{id}", route(get(directory::read_practitioner), any(directory::read_practitioner)))
        .route("/Location/{id}", route(get(directory::read_location), any(directory::read_location)))
        .route("/Patient/$gpc.registerpatient", operation(post(register::register), any(register::register)))
        .route("/Slot", route(get(slots::search), any(slots::search)))
        .route("/Appointment", post(appointments::book).fallback(wrong_method))
        .route("/Appointment/{id}", get(appointments::read).put(appointments::update).fallback(wrong_method))
        .route("/Appointment/{id}/$rfa.arrive", operation(post(appointments::arrive), any(appointments::arrive)))
        .route(
            "/Appointment/{id}/$rfa.didnotattend",
            operation(post(appointments::did_not_attend), any(appointments::did_not_attend)),
        )
        .route("/Task", post(repeats::request).get(repeats::search).fallback(wrong_method))
        .route("/MedicationRequest", post(prescribing::create).get(prescribing::search).fallback(wrong_method))
        .route("/MedicationRequest/{id}", route(get(prescribing::read), any(prescribing::read)))
        .route("/MedicationRequest/{id}/$rfa.cancel", operation(post(prescribing::cancel), any(prescribing::cancel)))
        .route("/MedicationDispense", post(dsp::create).get(dsp::search).fallback(wrong_method))
        .route("/Claim", post(fin::create).get(fin::search).fallback(wrong_method))
        .route("/Device", post(dev::register).fallback(post_only))
        .route("/Communication", post(messages::send).get(messages::search).fallback(wrong_method))
        .route("/Communication/{id}", route(get(messages::read), any(messages::read)))
        .route(
            "/Communication/{id}/$rfa.acknowledge",
            operation(post(messages::acknowledge), any(messages::acknowledge)),
        )
        .route("/Device/{id}", route(get(dev::read), any(dev::read)))
        .route(
            "/$rfa-trigger",
            operation(post(crate::reference::consumer::trigger), any(crate::reference::consumer::trigger)),
        )
        .route("/CodeSystem/$lookup", route(get(knw::lookup), any(knw::lookup)))
        .route("/Patient/{id}/Appointment", route(get(appointments::for_patient), any(appointments::for_patient)))
        .merge(clinical::routes(&state))
        .merge(audit::routes());
    let structured = Router::new().route("/metadata", route(get(structured_metadata), any(structured_metadata))).route(
        "/Patient/$gpc.getstructuredrecord",
        operation(post(structured::get_structured_record), any(structured::get_structured_record)),
    );
    let documents = Router::new()
        .route("/metadata", route(get(documents_metadata), any(documents_metadata)))
        .route("/Patient", route(get(documents_patient_search), any(documents_patient_search)))
        .route(
            "/Patient/{id}/DocumentReference",
            route(get(documents::search_documents), any(documents::search_documents)),
        )
        .route("/Binary/{id}", route(get(documents::read_binary), any(documents::read_binary)))
        .route("/DocumentReference", post(documents::file).fallback(post_only));
    Router::new()
        .nest(&state.base_path, api)
        .nest(&state.structured_path, structured)
        .nest(&state.documents_path, documents)
        .fallback(unknown_path)
        .layer(middleware::from_fn_with_state(state.clone(), finish))
        .layer(middleware::from_fn_with_state(state.clone(), audit::record))
        .layer(middleware::from_fn_with_state(state.clone(), delay))
        .with_state(state)
}

async fn wrong_method() -> Outcome {
    Outcome::new(SpineCode::BadRequest, "this endpoint only supports GET")
}

async fn post_only() -> Outcome {
    Outcome::new(SpineCode::BadRequest, "this operation is invoked with POST")
}

async fn structured_metadata(Extract(s): Extract<Shared>, headers: HeaderMap) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadStructuredMetadata) {
        return o.into_response();
    }
    Fhir::ok(capability::structured_statement(&s)).into_response()
}

async fn documents_metadata(Extract(s): Extract<Shared>, headers: HeaderMap) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadDocumentsMetadata) {
        return o.into_response();
    }
    Fhir::ok(capability::documents_statement(&s)).into_response()
}

async fn unknown_path(uri: Uri) -> Outcome {
    Outcome::new(SpineCode::NoRecordFound, format!("no endpoint at {} (paths are case-sensitive)", uri.path()))
}

async fn metadata(Extract(s): Extract<Shared>, headers: HeaderMap) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadMetadata) {
        return o.into_response();
    }
    Fhir::ok(capability::statement(&s)).into_response()
}

async fn search(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchPatients) {
        return o.into_response();
    }
    let lenient = (s.defects.has(Defect::SearchReturnsInactive), s.defects.has(Defect::SearchReturnsHidden));
    match find_patients(&s, &params, lenient) {
        Ok(ids) => Fhir::ok(searchset(&s, &s.base_path, &headers, &ids)).into_response(),
        Err(o) => o.into_response(),
    }
}

/// Access Document's Find a patient: the same rules on the documents
/// endpoint, the Bundle id echoing the Ssp-TraceID.
async fn documents_patient_search(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchDocumentsPatients) {
        return o.into_response();
    }
    let hidden_too = s.defects.has(Defect::DocumentsSearchReturnsHidden);
    match find_patients(&s, &params, (hidden_too, hidden_too)) {
        Ok(ids) => {
            let mut bundle = searchset(&s, &s.documents_path, &headers, &ids);
            bundle["id"] = headers.get("Ssp-TraceID").and_then(|v| v.to_str().ok()).unwrap_or_default().into();
            Fhir::ok(bundle).into_response()
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
        [] if d(Defect::SearchWithoutIdentifierListsAll) => {
            return Ok(s.store.patients.iter().map(|p| p.id.clone()).collect());
        }
        [] => return bad(SpineCode::BadRequest, "the identifier parameter is required"),
        _ => return bad(SpineCode::BadRequest, "exactly one identifier parameter is allowed"),
    };
    let lenient = d(Defect::LenientIdentifierParameter);
    let (system, number) = match value.split_once('|') {
        Some((sys, num)) if !sys.is_empty() && !num.is_empty() => (sys, num),
        Some((_, num)) if lenient => (gpc::NHS_NUMBER_SYSTEM, num),
        None if lenient => (gpc::NHS_NUMBER_SYSTEM, value),
        _ => return bad(SpineCode::InvalidParameter, "identifier must be `system|value` with both parts present"),
    };
    if system != gpc::NHS_NUMBER_SYSTEM && !d(Defect::AcceptsAnyIdentifierSystem) {
        return bad(SpineCode::InvalidIdentifierSystem, &format!("identifier system `{system}` is not supported"));
    }
    match nhs::validate(number) {
        Ok(()) => {}
        Err(NhsNumberError::CheckDigit) if d(Defect::NoModulus11Check) => {}
        Err(e) => return bad(SpineCode::InvalidNhsNumber, &format!("`{number}` is not a valid NHS number: {e}")),
    }
    if d(Defect::UnknownPatient404)
        && s.store.by_nhs_number(number).next().is_none()
        && s.registrations.ids_for(number, true).is_empty()
    {
        return bad(SpineCode::PatientNotFound, "no patient with that NHS number");
    }
    let mut ids: Vec<String> = s
        .store
        .by_nhs_number(number)
        .filter(|p| (p.is_active() || inactive_too) && (p.searchable() || hidden_too))
        .map(|p| p.id.clone())
        .collect();
    // Patients registered since (temporary residents) are the practice's
    // too; those PDS restricts are sensitive, as patient9 is.
    ids.extend(s.registrations.ids_for(number, hidden_too));
    Ok(ids)
}

fn searchset(s: &State, base: &str, headers: &HeaderMap, ids: &[String]) -> Value {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let registered: Vec<(String, Value)> =
        ids.iter().filter_map(|id| s.registrations.by_id(id).map(|p| (id.clone(), p))).collect();
    let entries = ids
        .iter()
        .filter_map(|id| s.store.by_id(id))
        .map(|p| ("Patient", p.id.as_str(), p.public_view(!s.defects.has(Defect::SearchExposesWithheldFields))))
        .chain(registered.iter().map(|(id, p)| ("Patient", id.as_str(), p.clone())))
        .collect();
    directory::searchset(base, host, entries, !s.defects.has(Defect::SearchOmitsFullUrl))
}

async fn read(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadPatient) {
        return o.into_response();
    }
    let Some(p) = s.store.by_id(&id) else {
        if let Some(registered) = s.registrations.by_id(&id) {
            return Fhir { status: StatusCode::OK, body: registered, etag: Some("W/\"1\"".into()) }.into_response();
        }
        if s.defects.has(Defect::ReadUnknown500) {
            return Outcome::new(SpineCode::InternalServerError, "lookup failed").into_response();
        }
        return Outcome::new(SpineCode::PatientNotFound, format!("no patient with id {id}")).into_response();
    };
    let mut body = p.public_view(true);
    if s.defects.has(Defect::ReadOmitsId)
        && let Some(obj) = body.as_object_mut()
    {
        obj.remove("id");
    }
    let etag = (!s.defects.has(Defect::ReadWithoutEtag)).then(|| format!("W/\"{}\"", p.version));
    Fhir { status: StatusCode::OK, body, etag }.into_response()
}

/// Holds each response back by the configured latency.
async fn delay(Extract(s): Extract<Shared>, req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let Latency { base, jitter } = s.latency;
    if !base.is_zero() || !jitter.is_zero() {
        use rand::RngExt as _;
        let extra = if jitter.is_zero() { 0 } else { rand::rng().random_range(0..=jitter.as_micros() as u64) };
        tokio::time::sleep(base + std::time::Duration::from_micros(extra)).await;
    }
    resp
}

/// Gives every response the profile's headers, turns anything that is not
/// FHIR (axum's own rejections) into an OperationOutcome, and applies the
/// defects that shape all responses.
async fn finish(Extract(s): Extract<Shared>, req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let origin = req.headers().get(header::ORIGIN).cloned().filter(|_| s.defects.has(Defect::CorsOpen));
    if let Some(o) = &origin
        && method == axum::http::Method::OPTIONS
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return cors_opened(StatusCode::NO_CONTENT.into_response(), o);
    }
    let mut resp = next.run(req).await;
    match resp.extensions().get::<Outcome>() {
        Some(o) => {
            tracing::debug!(target: "rfa::reference", %method, path, code = o.code.code(), "refused: {}", o.diagnostics)
        }
        None => tracing::debug!(target: "rfa::reference", %method, path, status = resp.status().as_u16(), "served"),
    }
    let is_fhir =
        resp.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(gpc::FHIR_JSON.as_bytes()));
    if !is_fhir {
        let status = resp.status();
        resp = Outcome::new(SpineCode::BadRequest, format!("the request was refused ({status})")).into_response();
    }
    if s.defects.has(Defect::OutcomeWithoutProfile)
        && let Some(mut outcome) = resp.extensions().get::<Outcome>().cloned()
    {
        outcome.with_profile = false;
        let (parts, _) = resp.into_parts();
        resp = Response::from_parts(parts, Body::from(outcome.body().to_string()));
    }
    let headers = resp.headers_mut();
    if s.defects.has(Defect::JsonContentType) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    }
    if !(s.defects.has(Defect::CacheableErrors) && resp.status().as_u16() >= 400) {
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    match origin {
        Some(o) => cors_opened(resp, &o),
        None => resp,
    }
}

/// The `cors-open` defect: any origin may read, with credentials.
fn cors_opened(mut resp: Response, origin: &HeaderValue) -> Response {
    let h = resp.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT, DELETE"));
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, ssp-traceid, ssp-from, ssp-to, ssp-interactionid, content-type"),
    );
    resp
}

/// Under the `case-insensitive-routes` defect, rewrites a path to the case
/// the router knows before routing happens.
pub async fn canonical_case(Extract(s): Extract<Shared>, mut req: Request, next: Next) -> Response {
    if s.defects.has(Defect::CaseInsensitiveRoutes) {
        let path = req.uri().path().to_string();
        if let Some(fixed) = canonical_path(&s.base_path, &path) {
            let pq = match req.uri().query() {
                Some(q) => format!("{fixed}?{q}"),
                None => fixed,
            };
            if let Ok(uri) = pq.parse::<Uri>() {
                *req.uri_mut() = uri;
            }
        }
    }
    next.run(req).await
}

fn canonical_path(base: &str, path: &str) -> Option<String> {
    let tail = match (path.get(..base.len()), path.get(base.len()..)) {
        (Some(head), Some(tail)) if head.eq_ignore_ascii_case(base) => tail,
        _ => return None,
    };
    let lower = tail.to_ascii_lowercase();
    if lower == "/metadata" {
        Some(format!("{base}/metadata"))
    } else if lower == "/patient" {
        Some(format!("{base}/Patient"))
    } else if lower.starts_with("/patient/") {
        tail.get("/patient/".len()..).map(|id| format!("{base}/Patient/{id}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_path;

    #[test]
    fn canonical_case_only_touches_known_routes() {
        let b = "/GPC001/STU3/1/gpconnect/fhir";
        assert_eq!(canonical_path(b, &format!("{b}/Metadata")), Some(format!("{b}/metadata")));
        assert_eq!(canonical_path(b, &format!("{b}/patient/AbC")), Some(format!("{b}/Patient/AbC")));
        assert_eq!(canonical_path(b, &format!("{b}/metadatas")), None);
        assert_eq!(canonical_path(b, "/x"), None);
    }
}
