//! What every response gets on its way out, whichever area answered: the
//! profile's headers, an OperationOutcome for anything that is not FHIR,
//! and (before routing) the path as the router knows it.

use axum::body::Body;
use axum::extract::{Request, State as Extract};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::fhir::gpc;
use crate::reference::Shared;
use crate::reference::acc::defects::AccDefect;
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;

/// Gives every response the profile's headers, turns anything that is not
/// FHIR (axum's own rejections) into an OperationOutcome, and applies the
/// defects that shape all responses.
pub async fn finish(Extract(s): Extract<Shared>, req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let origin = req.headers().get(header::ORIGIN).cloned().filter(|_| s.defects.has(AccDefect::CorsOpen));
    if let Some(o) = &origin
        && method == axum::http::Method::OPTIONS
        && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return cors_opened(StatusCode::NO_CONTENT.into_response(), o);
    }
    if req.headers().get(header::ACCEPT).is_some_and(|v| v.as_bytes() == b"application/json+fhir")
        && s.defects.has(AccDefect::Dstu2AcceptRefused)
    {
        let o =
            Outcome { status: Some(415), ..Outcome::new(SpineCode::BadRequest, "application/json+fhir is not served") };
        return o.into_response();
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
    if let Some(outcome) = resp.extensions().get::<Outcome>().cloned()
        && let Some(body) = misshapen_outcome(&s, outcome)
    {
        let (parts, _) = resp.into_parts();
        resp = Response::from_parts(parts, Body::from(body.to_string()));
    }
    let headers = resp.headers_mut();
    if s.defects.has(AccDefect::JsonContentType) {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    }
    // A handler's own Cache-Control is kept: only a defect sets one, and
    // overwriting it would hide that defect.
    let cacheable_error = s.defects.has(AccDefect::CacheableErrors) && resp.status().as_u16() >= 400;
    let cacheable_success = s.defects.has(AccDefect::CacheableSuccesses) && resp.status().is_success();
    if !cacheable_error && !cacheable_success && !resp.headers().contains_key(header::CACHE_CONTROL) {
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    match origin {
        Some(o) => cors_opened(resp, &o),
        None => resp,
    }
}

/// The defects that get one part of every OperationOutcome's form wrong
/// (and nothing else), or `None` when none is on.
fn misshapen_outcome(s: &Shared, mut outcome: Outcome) -> Option<serde_json::Value> {
    let defects =
        [AccDefect::OutcomeWithoutProfile, AccDefect::OutcomeValueSetAsSystem, AccDefect::OutcomeIssueProcessing];
    if !defects.iter().any(|d| s.defects.has(*d)) {
        return None;
    }
    outcome.with_profile = !s.defects.has(AccDefect::OutcomeWithoutProfile);
    let mut body = outcome.body();
    if let Some(issue) = body.pointer_mut("/issue/0") {
        if s.defects.has(AccDefect::OutcomeValueSetAsSystem) {
            // A realistic slip: the ValueSet's URL where the CodeSystem's belongs.
            issue["details"]["coding"][0]["system"] =
                "https://fhir.nhs.uk/STU3/ValueSet/Spine-ErrorOrWarningCode-1".into();
        }
        if s.defects.has(AccDefect::OutcomeIssueProcessing) {
            issue["code"] = "processing".into();
        }
    }
    Some(body)
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
    // Asked only for a path the defect would change.
    if let Some(fixed) = canonical_path(&s.base_path, req.uri().path()).filter(|f| f != req.uri().path())
        && s.defects.has(AccDefect::CaseInsensitiveRoutes)
    {
        let pq = match req.uri().query() {
            Some(q) => format!("{fixed}?{q}"),
            None => fixed,
        };
        if let Ok(uri) = pq.parse::<Uri>() {
            *req.uri_mut() = uri;
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
