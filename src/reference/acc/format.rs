//! Content negotiation, as GP Connect's general API guidance gives it: the
//! `_format` parameter overrides `Accept`; with neither, a request body's
//! `Content-Type` decides; with none of them, JSON. A format the reference
//! does not serve is refused with 415. FHIR XML is served by writing the
//! JSON answer as XML, and an XML request body is read into JSON before
//! any handler sees it, so every endpoint speaks both.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State as Extract};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::fhir::gpc;
use crate::fhir::xml::{self, Slips};
use crate::reference::Shared;
use crate::reference::acc::defects::AccDefect;
use crate::reference::outcome::{Outcome, SpineCode};

/// What a request body or an answer may weigh here; the harness's are a few
/// kilobytes, the reference's largest answers a few hundred.
const MAX_BODY: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// The format a media type (or a `_format` value) names, FHIR STU3's short
/// forms and DSTU2's types included.
fn named(media: &str) -> Option<Format> {
    let media = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match media.as_str() {
        "application/fhir+json" | "application/json+fhir" | "application/json" | "json" | "*/*" | "application/*" => {
            Some(Format::Json)
        }
        "application/fhir+xml" | "application/xml+fhir" | "application/xml" | "text/xml" | "xml" => Some(Format::Xml),
        _ => None,
    }
}

/// The first format `Accept` lists that the reference serves (an entry with
/// `q=0` is a refusal, not a choice); `Err` with the header when it lists none.
fn from_accept(accept: &str) -> Result<Format, String> {
    accept
        .split(',')
        .filter(|entry| !entry.split(';').skip(1).any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000")))
        .find_map(named)
        .ok_or_else(|| format!("Accept: {accept}"))
}

/// The format a request asks for, or what it asks for that is not served.
pub fn asked(
    query: Option<&str>,
    accept: Option<&str>,
    content_type: Option<&str>,
    ignore: Ignore,
) -> Result<Format, String> {
    let format = query
        .filter(|_| !ignore.format)
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "_format").map(|(_, v)| v.into_owned()));
    if let Some(f) = format {
        return named(&f).ok_or_else(|| format!("_format={f}"));
    }
    if let Some(a) = accept.filter(|a| !a.trim().is_empty() && !ignore.accept) {
        return from_accept(a);
    }
    Ok(content_type.and_then(named).unwrap_or(Format::Json))
}

/// What the `xml-ignores-*` defects leave out of negotiation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ignore {
    pub format: bool,
    pub accept: bool,
}

/// Negotiates each request's format, reads an XML body into JSON on the way
/// in, and writes the answer as XML on the way out when XML was asked for.
pub async fn negotiate(Extract(s): Extract<Shared>, req: Request, next: Next) -> Response {
    // Owned, so no borrow of the request (whose body is not Sync) lives
    // across an await.
    let (body_type, accept) = {
        let header = |name| req.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_string);
        (header(header::CONTENT_TYPE), header(header::ACCEPT))
    };
    let query = req.uri().query().map(str::to_string);
    let ask = |format, accept_ignored| {
        asked(query.as_deref(), accept.as_deref(), body_type.as_deref(), Ignore { format, accept: accept_ignored })
    };
    // A defect is asked about only for a request whose format it would
    // change (`defect::Consulted`): most requests name JSON every way.
    let (plain, a) = (ask(false, false), ask(false, true));
    // Without `_format` in the query, ignoring it changes nothing.
    let (f, fa) = match &query {
        Some(q) if q.contains("_format") => (ask(true, false), ask(true, true)),
        _ => (plain.clone(), a.clone()),
    };
    let format = (f != plain || fa != a) && s.defects.has(AccDefect::XmlIgnoresFormat);
    let accept_ignored = (a != plain || fa != f) && s.defects.has(AccDefect::XmlIgnoresAccept);
    let asked = ask(format, accept_ignored);
    let xml_body = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH)
        && body_type.as_deref().and_then(named) == Some(Format::Xml);
    let bodies_refused = || s.defects.has(AccDefect::XmlRefused) || s.defects.has(AccDefect::XmlBodiesRefused);
    let refused = match &asked {
        Ok(Format::Xml) if s.defects.has(AccDefect::XmlRefused) => Some(unsupported("FHIR XML")),
        Err(_) if s.defects.has(AccDefect::UnsupportedFormatServed) => None,
        Err(what) => Some(unsupported(what)),
        Ok(_) if xml_body && bodies_refused() => Some(unsupported("a FHIR XML request body")),
        Ok(_) => None,
    };
    let format = match asked {
        Ok(Format::Xml) if s.defects.has(AccDefect::XmlServedAsJson) => Format::Json,
        Ok(f) if refused.is_none() => f,
        _ => Format::Json,
    };
    let req = match (refused, xml_body) {
        (Some(o), _) => refused_inside(req, o),
        (None, true) => match xml_body_as_json(req).await {
            Ok(r) => r,
            Err((req, o)) => refused_inside(req, o),
        },
        (None, false) => req,
    };
    let resp = next.run(req).await;
    if format == Format::Json {
        return resp;
    }
    as_xml(&s, resp).await
}

/// 415, which GP Connect's guidance gives a request for a format the server
/// does not support.
fn unsupported(what: &str) -> Outcome {
    Outcome {
        status: Some(415),
        ..Outcome::new(SpineCode::BadRequest, format!("{what} is not served (FHIR JSON and FHIR XML are)"))
    }
}

/// A refusal this layer decided, carried to [`refuse_inside`].
#[derive(Debug, Clone)]
struct Refusal(Outcome);

/// Marks the request to be refused inside `finish`, so the refusal gets the
/// headers and the OperationOutcome defects every refusal gets.
fn refused_inside(mut req: Request, o: Outcome) -> Request {
    req.extensions_mut().insert(Refusal(o));
    req
}

/// Answers a request [`negotiate`] refused; sits just inside `finish`.
pub async fn refuse_inside(req: Request, next: Next) -> Response {
    match req.extensions().get::<Refusal>().cloned() {
        Some(Refusal(o)) => o.into_response(),
        None => next.run(req).await,
    }
}

fn finished(mut resp: Response) -> Response {
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The request with its FHIR XML body read into FHIR JSON; or, when the body
/// is not FHIR XML, the request (body dropped) and its 400.
async fn xml_body_as_json(req: Request) -> Result<Request, (Request, Outcome)> {
    let (mut parts, body) = req.into_parts();
    let read = match to_bytes(body, MAX_BODY).await {
        Ok(bytes) => xml::to_json(&bytes)
            .map_err(|e| Outcome::new(SpineCode::BadRequest, format!("the body is not valid FHIR XML: {e}"))),
        Err(_) => Err(Outcome::new(SpineCode::BadRequest, "the request body could not be read")),
    };
    match read {
        Ok(json) => {
            let text = json.to_string();
            parts
                .headers
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/fhir+json; charset=utf-8"));
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(text.len()));
            Ok(Request::from_parts(parts, Body::from(text)))
        }
        Err(o) => Err((Request::from_parts(parts, Body::empty()), o)),
    }
}

/// The answer written as FHIR XML, headers kept; anything that is not FHIR
/// JSON (and errors, under `xml-errors-as-json`) goes out as it is.
async fn as_xml(s: &Shared, resp: Response) -> Response {
    let is_json =
        resp.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(gpc::FHIR_JSON.as_bytes()));
    let is_error = resp.status().as_u16() >= 400;
    if !is_json || (is_error && s.defects.has(AccDefect::XmlErrorsAsJson)) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return finished(
            Outcome::new(SpineCode::InternalServerError, "the answer could not be read back").into_response(),
        );
    };
    let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if s.defects.has(AccDefect::XmlDropsExtensions) {
        drop_extensions(&mut json);
    }
    let slips = Slips {
        no_namespace: s.defects.has(AccDefect::XmlNoNamespace),
        reversed: s.defects.has(AccDefect::XmlOutOfOrder),
    };
    match xml::from_json_with(&json, slips) {
        Ok(xml) => {
            parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/fhir+xml; charset=utf-8"));
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(xml))
        }
        Err(e) => {
            let o = Outcome {
                status: Some(StatusCode::INTERNAL_SERVER_ERROR.as_u16()),
                ..Outcome::new(SpineCode::InternalServerError, format!("the answer cannot be written as FHIR XML: {e}"))
            };
            finished(o.into_response())
        }
    }
}

/// The `xml-drops-extensions` defect: an XML writer that knows only the
/// core elements.
fn drop_extensions(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| k != "extension");
            map.values_mut().for_each(drop_extensions);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_extensions),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{Format, Ignore, asked};

    #[test]
    fn format_beats_accept_which_beats_the_body_type() {
        let none = Ignore::default();
        let q = Some("identifier=x&_format=application%2Ffhir%2Bxml");
        assert_eq!(asked(q, Some("application/fhir+json"), None, none), Ok(Format::Xml));
        assert_eq!(asked(Some("_format=json"), Some("application/fhir+xml"), None, none), Ok(Format::Json));
        assert_eq!(asked(None, Some("application/fhir+xml"), Some("application/fhir+json"), none), Ok(Format::Xml));
        assert_eq!(asked(None, None, Some("application/fhir+xml; charset=utf-8"), none), Ok(Format::Xml));
        assert_eq!(asked(None, None, None, none), Ok(Format::Json));
        assert_eq!(asked(None, Some("text/html, application/fhir+json;q=0.9"), None, none), Ok(Format::Json));
        assert_eq!(asked(None, Some("application/fhir+xml;q=0, */*"), None, none), Ok(Format::Json));
        assert_eq!(asked(Some("_format=text/turtle"), None, None, none), Err("_format=text/turtle".into()));
        assert_eq!(asked(None, Some("text/html"), None, none), Err("Accept: text/html".into()));
        let deaf = Ignore { format: true, accept: false };
        assert_eq!(asked(q, Some("application/fhir+json"), None, deaf), Ok(Format::Json));
    }
}
