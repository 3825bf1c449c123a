//! The audit trail: every request the reference answers — served, refused or
//! failed — leaves a record with a sequence number, the trace id, who asked
//! for whom, the interaction and the outcome. An auditor reads it as
//! AuditEvents (search by trace id, auditor scope); nothing alters it.

use std::sync::Mutex;

use axum::Router;
use axum::extract::{Path, Query, Request, State as Extract};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::client::jwt::decode_segment;
use crate::fhir::gpc::{self, Interaction};
use crate::reference::acc::guard;
use crate::reference::acc::guard::{requesting_ods, requesting_sds};
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::rec::defects::RecDefect;
use crate::reference::{Shared, State};
use crate::reference::{instant, now};

#[derive(Debug, Clone)]
struct Record {
    seq: u64,
    recorded: String,
    trace: String,
    interaction: String,
    method: String,
    path: String,
    status: u16,
    spine: Option<&'static str>,
    practitioner: Option<String>,
    organization: Option<String>,
}

#[derive(Debug, Default)]
struct Records {
    all: Vec<Record>,
    /// Positions in `all` by trace id: an auditor's search is a lookup.
    by_trace: std::collections::HashMap<String, Vec<usize>>,
}

#[derive(Debug, Default)]
pub struct Trail {
    records: Mutex<Records>,
}

impl Trail {
    fn with<T>(&self, f: impl FnOnce(&mut Records) -> T) -> T {
        let mut guard = crate::reference::locked(&self.records);
        f(&mut guard)
    }
}

impl Records {
    fn push(&mut self, r: Record) {
        self.by_trace.entry(r.trace.clone()).or_default().push(self.all.len());
        self.all.push(r);
    }

    fn remove(&mut self, seq: &str) {
        self.all.retain(|r| r.seq.to_string() != seq);
        self.by_trace.clear();
        for (i, r) in self.all.iter().enumerate() {
            self.by_trace.entry(r.trace.clone()).or_default().push(i);
        }
    }
}

/// The claims of a request's token, read without judging them: a refused
/// request is audited with whatever it claimed.
fn claims_of(headers: &HeaderMap) -> guard::Claims {
    let token = headers.get("Authorization").and_then(|v| v.to_str().ok()).and_then(|a| a.strip_prefix("Bearer "));
    match token.and_then(|t| t.trim().split('.').nth(1)).and_then(decode_segment) {
        Some(Value::Object(c)) => c,
        _ => guard::Claims::new(),
    }
}

/// Middleware: records every request once its response is known.
pub async fn record(Extract(s): Extract<Shared>, req: Request, next: Next) -> Response {
    // A block, so no borrow of the request (whose body is not Sync) lives
    // across the await below.
    let (trace, interaction) = {
        let header = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        (header("Ssp-TraceID"), header("Ssp-InteractionID"))
    };
    let claims = claims_of(req.headers());
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let d = |x| s.defects.has(x);
    let audit_read = path.ends_with("/AuditEvent") && method == Method::GET;
    let skip = (d(RecDefect::AuditSkipsReads) && method == Method::GET && !audit_read)
        || (d(RecDefect::AuditSkipsRefused) && status >= 400)
        || (d(RecDefect::AuditSkipsAuditReads) && audit_read);
    if !skip {
        let spine = resp.extensions().get::<Outcome>().map(|o| o.code.code());
        let at = now();
        s.audit.with(|all| {
            let seq = if d(RecDefect::AuditSequenceFromClock) {
                at.unix_timestamp() as u64
            } else {
                all.all.len() as u64 + 1
            };
            all.push(Record {
                seq,
                recorded: instant(at),
                trace,
                interaction,
                method: method.to_string(),
                path,
                status,
                spine,
                practitioner: requesting_sds(&claims).map(str::to_string),
                organization: requesting_ods(&claims).map(|o| crate::reference::xcs::audited_organization(&s, o)),
            });
        });
    }
    resp
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/AuditEvent", get(search).fallback(read_only))
        .route("/AuditEvent/{id}", axum::routing::delete(delete).fallback(read_only))
}

async fn read_only() -> Outcome {
    Outcome::new(
        SpineCode::BadRequest,
        "the audit trail is read-only: records are searched, never created, changed or removed",
    )
}

async fn delete(Extract(s): Extract<Shared>, Path(id): Path<String>) -> Response {
    if !s.defects.has(RecDefect::AuditTrailEditable) {
        return read_only().await.into_response();
    }
    s.audit.with(|all| all.remove(&id));
    Fhir::ok(json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": "information", "code": "informational", "diagnostics": "deleted" }]
    }))
    .into_response()
}

fn event(s: &State, r: &Record) -> Value {
    let d = |x| s.defects.has(x);
    let action = match r.method.as_str() {
        "GET" => "R",
        "PUT" => "U",
        "DELETE" => "D",
        "POST" if r.path.contains('$') => "E",
        _ => "C",
    };
    let outcome = match r.status {
        _ if d(RecDefect::AuditOutcomeAlwaysSuccess) => "0",
        0..400 => "0",
        400..500 => "4",
        _ => "8",
    };
    let desc = match r.spine {
        Some(code) => format!("{} {code}", r.status),
        None => r.status.to_string(),
    };
    let mut agents = vec![];
    if !d(RecDefect::AuditOmitsRequester) {
        agents.push(json!({
            "requestor": true,
            "userId": { "system": gpc::SDS_USER_SYSTEM, "value": r.practitioner.clone().unwrap_or_default() }
        }));
        agents.push(json!({
            "requestor": false,
            "userId": { "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": r.organization.clone().unwrap_or_default() }
        }));
    }
    let mut entity = json!({ "description": format!("{} {}", r.method, r.path) });
    if !d(RecDefect::AuditWithoutTraceId) {
        entity["identifier"] = json!({ "system": gpc::TRACE_ID_SYSTEM, "value": r.trace });
    }
    json!({
        "resourceType": "AuditEvent",
        "id": r.seq.to_string(),
        "extension": [{ "url": gpc::AUDIT_SEQUENCE_EXTENSION, "valueInteger": r.seq }],
        "type": { "system": "http://hl7.org/fhir/audit-event-type", "code": "rest", "display": "RESTful Operation" },
        "subtype": [{ "system": "urn:ietf:rfc:3986", "code": r.interaction }],
        "action": action,
        "recorded": r.recorded,
        "outcome": outcome,
        "outcomeDesc": desc,
        "agent": agents,
        "source": { "site": s.ods_code, "identifier": { "system": "https://fhir.nhs.uk/Id/asid", "value": s.asid } },
        "entity": [entity]
    })
}

async fn search(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchAuditEvents) {
        return o.into_response();
    }
    let mut traces: Vec<String> = vec![];
    for (k, v) in &params {
        if k != "entity-id" {
            return Outcome::new(
                SpineCode::InvalidParameter,
                format!("`{k}` is not a search parameter of AuditEvent (use entity-id)"),
            )
            .into_response();
        }
        for token in v.split(',') {
            match token.split_once('|') {
                Some((sys, value)) if sys == gpc::TRACE_ID_SYSTEM => traces.push(value.to_string()),
                None => traces.push(token.to_string()),
                Some(_) => {
                    return Outcome::new(
                        SpineCode::InvalidParameter,
                        format!("entity-id system must be {}", gpc::TRACE_ID_SYSTEM),
                    )
                    .into_response();
                }
            }
        }
    }
    if traces.is_empty() {
        return Outcome::new(SpineCode::InvalidParameter, "entity-id is required: the trail is searched by trace id")
            .into_response();
    }
    traces.sort_unstable();
    traces.dedup();
    let mut found: Vec<Record> = s.audit.with(|all| {
        traces
            .iter()
            .flat_map(|t| all.by_trace.get(t).into_iter().flatten())
            .filter_map(|&i| all.all.get(i).cloned())
            .collect()
    });
    found.sort_by_key(|r| r.seq);
    let entries: Vec<Value> =
        found.iter().map(|r| json!({ "resource": event(&s, r), "search": { "mode": "match" } })).collect();
    let total = entries.len();
    Fhir::ok(crate::reference::searchset(entries, total)).into_response()
}
