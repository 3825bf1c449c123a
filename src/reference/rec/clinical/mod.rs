//! Clinical entries (`REC`): the profile's write API for Condition,
//! Observation, AllergyIntolerance and Encounter — record, read, amend
//! (versioned, `If-Match`), history, no deletion, and search.

pub(crate) mod record_entry;
mod search;
pub mod structured;
mod validate;

use std::sync::Mutex;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::entries;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, EntryType, Interaction};
use crate::reference::acc::guard::{self, Claims, requesting_ods, requesting_sds};
use crate::reference::acc::methods::Methods;
use crate::reference::dev::defects::DevDefect;
use crate::reference::entry_shape::Shape;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::rec::defects::RecDefect;
use crate::reference::{Shared, State, instant, now};

/// One entry and every version of it, oldest first.
#[derive(Debug, Clone)]
pub struct Entry {
    pub ty: EntryType,
    pub id: String,
    pub versions: Vec<Value>,
}

impl Entry {
    pub(crate) fn current(&self) -> &Value {
        // An entry is only ever stored with a first version.
        self.versions.last().unwrap_or(&Value::Null)
    }

    fn version(&self) -> usize {
        self.versions.len()
    }

    fn restricted(&self) -> bool {
        is_restricted(self.current())
    }
}

/// Whether a resource is labelled restricted (`meta.security` R).
pub fn is_restricted(r: &Value) -> bool {
    r.pointer("/meta/security").and_then(Value::as_array).into_iter().flatten().any(|c| {
        c.get("system").and_then(Value::as_str) == Some(gpc::CONFIDENTIALITY_SYSTEM)
            && c.get("code").and_then(Value::as_str) == Some("R")
    })
}

/// The entries the reference holds; written entries live for the process.
#[derive(Debug, Default)]
pub struct Entries {
    inner: Mutex<std::collections::HashMap<String, Entry>>,
    /// Every identifier recorded, by type: the duplicate check is a lookup,
    /// not a scan, however many entries earlier runs left.
    identifiers: Mutex<std::collections::HashMap<(EntryType, String, String), String>>,
}

impl Entries {
    /// The current version of a recorded entry of this type, if held.
    pub fn current_of(&self, ty: EntryType, id: &str) -> Option<Value> {
        self.with(|all| all.get(id).filter(|e| e.ty == ty).map(|e| e.current().clone()))
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut std::collections::HashMap<String, Entry>) -> T) -> T {
        let mut guard = crate::reference::locked(&self.inner);
        f(&mut guard)
    }
}

pub fn routes(m: Methods) -> Router<Shared> {
    let mut r = Router::new();
    for ty in EntryType::ALL {
        let name = ty.name();
        let by_id = get(move |s, h, p, q| read(s, h, p, q, ty))
            .put(move |s, h, p, b| update(s, h, p, b, ty))
            .delete(move |s, p| delete(s, p, ty));
        let by_id = m.refusing_others(by_id, not_here);
        r = r
            .route(
                &format!("/{name}"),
                post(move |s, h, b| create(s, h, b, ty))
                    .get(move |s, h, q| search::search(s, h, q, ty))
                    .fallback(not_here),
            )
            .route(&format!("/{name}/{{id}}"), by_id)
            .route(&format!("/{name}/{{id}}/_history"), get(move |s, h, p| history(s, h, p, ty)).fallback(not_here))
            .route(
                &format!("/{name}/{{id}}/_history/{{vid}}"),
                get(move |s, h, p| vread(s, h, p, ty)).fallback(not_here),
            );
    }
    r
}

async fn not_here() -> Outcome {
    Outcome::new(SpineCode::BadRequest, "this endpoint does not support this method")
}

/// Checks the request and that the requesting organisation may touch
/// patients' records here (403 NO_RELATIONSHIP otherwise).
fn admit(s: &State, headers: &HeaderMap, interaction: Interaction) -> Result<Claims, Outcome> {
    let claims = guard::check(s, headers, interaction)?;
    if claims.is_empty() || s.defects.has(RecDefect::IgnoresRelationship) {
        return Ok(claims);
    }
    let ods = requesting_ods(&claims);
    match ods {
        Some(code) if code == s.ods_code || s.relationships.contains(code) => Ok(claims),
        _ => Err(Outcome::new(
            SpineCode::NoRelationship,
            format!(
                "organisation {} has no legitimate relationship with this practice's patients",
                ods.unwrap_or("(no ODS code)")
            ),
        )),
    }
}

/// Whether the token's scope reaches restricted (`conf/R`) data.
fn sees_restricted(c: &Claims) -> bool {
    c.get("requested_scope").and_then(Value::as_str).is_some_and(|v| v.split_whitespace().any(|t| t == "conf/R"))
}

fn parse_body(body: &Bytes) -> Result<Value, Outcome> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| Outcome::new(SpineCode::BadRequest, "the body is not a JSON resource"))
}

/// Stamps a version: id, meta.versionId/lastUpdated and the recording
/// provenance, which comes from the request, never from the body.
fn stamp(
    s: &State,
    shape: &Shape,
    mut r: Value,
    id: &str,
    version: usize,
    claims: &Claims,
    at: OffsetDateTime,
) -> Value {
    let d = |x| s.defects.has(x);
    let recorder = if d(RecDefect::ProvenanceFromAuthor) {
        r.pointer(shape.author)
            .and_then(Value::as_str)
            .and_then(|a| a.strip_prefix("Practitioner/"))
            .and_then(|pid| s.store.practitioners.iter().find(|p| p.id == pid))
            .and_then(|p| p.business_id.clone())
    } else {
        requesting_sds(claims).map(str::to_string)
    };
    let recorded = if d(RecDefect::ProvenanceDateOnly) { instant(at)[..10].to_string() } else { instant(at) };
    let mut parts = vec![
        json!({ "url": "recorder", "valueIdentifier": { "system": gpc::SDS_USER_SYSTEM, "value": recorder.unwrap_or_default() } }),
        json!({ "url": "recorded", "valueDateTime": recorded }),
    ];
    if !d(RecDefect::ProvenanceOmitsOrganization) {
        let ods = requesting_ods(claims).unwrap_or_default();
        parts.push(json!({ "url": "organization", "valueIdentifier": { "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods } }));
    }
    if d(RecDefect::StoresDateOnly)
        && let Some(when) = r.pointer(shape.when).and_then(Value::as_str).and_then(|w| w.get(..10)).map(str::to_string)
    {
        entries::set_pointer(&mut r, shape.when, json!(when));
    }
    let Some(o) = r.as_object_mut() else { return r };
    o.insert("id".into(), json!(id));
    let security = o.get("meta").and_then(|m| m.get("security")).cloned();
    let mut meta = json!({ "versionId": version.to_string(), "lastUpdated": instant(at) });
    if let Some(sec) = security {
        meta["security"] = sec;
    }
    o.insert("meta".into(), meta);
    let mut ext: Vec<Value> = o
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| e.get("url").and_then(Value::as_str) != Some(gpc::RECORDING_EXTENSION))
        .cloned()
        .collect();
    ext.push(json!({ "url": gpc::RECORDING_EXTENSION, "extension": parts }));
    o.insert("extension".into(), Value::Array(ext));
    r
}

fn location(s: &State, headers: &HeaderMap, ty: EntryType, id: &str, version: usize) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    format!("http://{host}{}/{}/{id}/_history/{version}", s.base_path, ty.name())
}

fn etag(version: usize) -> String {
    format!("W/\"{version}\"")
}

async fn create(Extract(s): Extract<Shared>, headers: HeaderMap, body: Bytes, ty: EntryType) -> Response {
    match create_entry(&s, &headers, &body, ty) {
        Ok(r) => r,
        Err(o) => o.into_response(),
    }
}

/// The pseudo identifier system under which device readings are indexed.
const DEVICE_READING: &str = "urn:rfa:device-reading";

fn create_entry(s: &State, headers: &HeaderMap, body: &Bytes, ty: EntryType) -> Result<Response, Outcome> {
    let claims = admit(s, headers, Interaction::CreateEntry(ty))?;
    let r = parse_body(body)?;
    let (id, stored) = admit_entry(s, ty, r, &claims, now())?;
    let minimal = headers
        .get("Prefer")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').any(|p| p.trim() == "return=minimal"));
    let mut resp = Fhir { status: StatusCode::CREATED, body: stored, etag: Some(etag(1)) }.into_response();
    if minimal {
        resp = (StatusCode::CREATED, [(header::CONTENT_TYPE, gpc::FHIR_JSON)], etag_header(1)).into_response();
    }
    if let Ok(v) = HeaderValue::from_str(&location(s, headers, ty, &id, 1)) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// Checks an entry and records it as version 1, stamped with the recording
/// provenance of `claims`: one admission for the profile's `POST` and for
/// the trigger's `record-entry`, so the two cannot drift apart.
pub(crate) fn admit_entry(
    s: &State,
    ty: EntryType,
    r: Value,
    claims: &Claims,
    at: OffsetDateTime,
) -> Result<(String, Value), Outcome> {
    let shape = Shape::of(ty);
    if let Err(o) = validate::entry(s, &shape, &r, at) {
        keep_refused(s, &shape, ty, r, claims, at);
        return Err(o);
    }
    let mut wanted = entries::identifiers(&r);
    // A device reading resent under a new identifier is the same reading.
    if ty == EntryType::Observation {
        match crate::reference::dev::check_reading(s, &r) {
            Ok(Some(key)) => wanted.push((DEVICE_READING.to_string(), key)),
            Ok(None) => {}
            Err(o) => {
                if s.defects.has(DevDefect::KeepsRefusedReading) {
                    store_refused(s, &shape, ty, r, claims, at);
                }
                return Err(o);
            }
        }
    }
    let r = crate::reference::dev::filed(s, r);
    let id = uuid::Uuid::new_v4().to_string();
    let stored = stamp(s, &shape, r, &id, 1, claims, at);
    s.entries.with(|all| {
        // Taken inside the entries lock, so check and insert are one step.
        let mut index = crate::reference::locked(&s.entries.identifiers);
        let duplicate =
            wanted.iter().find_map(|(sys, v)| index.get(&(ty, sys.clone(), v.clone())).map(|dup| (sys, dup)));
        if let Some((sys, dup)) = duplicate
            && !s.defects.has(RecDefect::AcceptsDuplicates)
        {
            if s.defects.has(RecDefect::KeepsRefusedEntry)
                || (sys == DEVICE_READING && s.defects.has(DevDefect::KeepsRefusedReading))
            {
                all.insert(id.clone(), Entry { ty, id: id.clone(), versions: vec![stored.clone()] });
            }
            let what = if sys == DEVICE_READING {
                "is this reading: the same device, code and time"
            } else {
                "already has this identifier"
            };
            return Err(Outcome::new(SpineCode::DuplicateRejected, format!("{} {dup} {what}", ty.name())));
        }
        for (sys, v) in &wanted {
            index.entry((ty, sys.clone(), v.clone())).or_insert_with(|| id.clone());
        }
        all.insert(id.clone(), Entry { ty, id: id.clone(), versions: vec![stored.clone()] });
        Ok(())
    })?;
    Ok((id, stored))
}

/// Under the `keeps-refused-entry` defect: the entry is written before it
/// is checked, and a refusal does not take it out again.
fn keep_refused(s: &State, shape: &Shape, ty: EntryType, r: Value, claims: &Claims, at: OffsetDateTime) {
    if s.defects.has(RecDefect::KeepsRefusedEntry) {
        store_refused(s, shape, ty, r, claims, at);
    }
}

/// Writes a refused entry as if it had been accepted (the `keeps-refused-*`
/// defects of entries and device readings).
fn store_refused(s: &State, shape: &Shape, ty: EntryType, r: Value, claims: &Claims, at: OffsetDateTime) {
    let id = uuid::Uuid::new_v4().to_string();
    let stored = stamp(s, shape, r, &id, 1, claims, at);
    s.entries.with(|all| all.insert(id.clone(), Entry { ty, id, versions: vec![stored] }));
}

/// A minimal response still says which version it made.
fn etag_header(version: usize) -> [(header::HeaderName, String); 1] {
    [(header::ETAG, etag(version))]
}

/// Finds an entry the caller may see.
fn visible(s: &State, claims: &Claims, ty: EntryType, id: &str) -> Result<Entry, Outcome> {
    let found = s.entries.with(|all| all.get(id).filter(|e| e.ty == ty).cloned());
    match found {
        Some(e) if !e.restricted() || sees_restricted(claims) => Ok(e),
        _ => Err(Outcome::new(SpineCode::NoRecordFound, format!("no {} with id {id}", ty.name()))),
    }
}

async fn read(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(_): Query<Vec<(String, String)>>,
    ty: EntryType,
) -> Response {
    let found = admit(&s, &headers, Interaction::ReadEntry(ty)).and_then(|c| visible(&s, &c, ty, &id));
    match found {
        Ok(e) => {
            Fhir { status: StatusCode::OK, body: e.current().clone(), etag: Some(etag(e.version())) }.into_response()
        }
        Err(o) => o.into_response(),
    }
}

async fn vread(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Path((id, vid)): Path<(String, String)>,
    ty: EntryType,
) -> Response {
    let found = admit(&s, &headers, Interaction::EntryHistory(ty)).and_then(|c| visible(&s, &c, ty, &id));
    let e = match found {
        Ok(e) => e,
        Err(o) => return o.into_response(),
    };
    let version =
        e.versions.iter().find(|v| v.pointer("/meta/versionId").and_then(Value::as_str) == Some(vid.as_str()));
    match version {
        Some(v) => Fhir { status: StatusCode::OK, body: v.clone(), etag: Some(format!("W/\"{vid}\"")) }.into_response(),
        None => {
            Outcome::new(SpineCode::NoRecordFound, format!("{} {id} has no version {vid}", ty.name())).into_response()
        }
    }
}

async fn history(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>, ty: EntryType) -> Response {
    let found = admit(&s, &headers, Interaction::EntryHistory(ty)).and_then(|c| visible(&s, &c, ty, &id));
    let e = match found {
        Ok(e) => e,
        Err(o) => return o.into_response(),
    };
    let entries: Vec<Value> = e
        .versions
        .iter()
        .rev()
        .map(|v| {
            let vid = v.pointer("/meta/versionId").and_then(Value::as_str).unwrap_or_default();
            json!({
                "fullUrl": location(&s, &headers, ty, &id, vid.parse().unwrap_or_default()),
                "resource": v,
                "response": { "status": if vid == "1" { "201" } else { "200" }, "etag": format!("W/\"{vid}\"") }
            })
        })
        .collect();
    Fhir::ok(json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::new_v4().to_string(),
        "type": "history",
        "total": entries.len(),
        "entry": entries
    }))
    .into_response()
}

async fn update(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
    ty: EntryType,
) -> Response {
    match update_entry(&s, &headers, &id, &body, ty).await {
        Ok(r) => r,
        Err(o) => o.into_response(),
    }
}

/// `If-Match` as a version number: `W/"3"` or `"3"`.
fn if_match(headers: &HeaderMap) -> Option<Result<usize, ()>> {
    let v = headers.get(header::IF_MATCH)?.to_str().unwrap_or_default().trim();
    let v = v.strip_prefix("W/").unwrap_or(v);
    Some(v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).and_then(|v| v.parse().ok()).ok_or(()))
}

async fn update_entry(
    s: &State,
    headers: &HeaderMap,
    id: &str,
    body: &Bytes,
    ty: EntryType,
) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    let claims = admit(s, headers, Interaction::UpdateEntry(ty))?;
    let shape = Shape::of(ty);
    let r = parse_body(body)?;
    if r.as_resource().id() != Some(id) {
        return Err(Outcome::new(
            SpineCode::InvalidResource,
            format!("{}.id must be {id}, the id in the URL", ty.name()),
        ));
    }
    let at = now();
    validate::entry(s, &shape, &r, at)?;
    let lenient_match = d(RecDefect::IgnoresIfMatch);
    let wanted = match if_match(headers) {
        None if lenient_match => None,
        None => return Err(Outcome::new(SpineCode::BadRequest, "an update needs If-Match with the version it amends")),
        Some(Err(())) => {
            return Err(Outcome::new(SpineCode::BadRequest, "If-Match must be an ETag such as W/\"1\""));
        }
        Some(Ok(v)) => Some(v),
    };
    let current = visible(s, &claims, ty, id)?;
    let same_patient = current.current().pointer(shape.patient) == r.pointer(shape.patient);
    if !same_patient && !d(RecDefect::UpdateMovesEntry) {
        return Err(Outcome::new(
            SpineCode::InvalidResource,
            format!("{} cannot change: an entry stays in the record it was made in", shape.element(shape.patient)),
        ));
    }
    let check = |e: &Entry| -> Result<(), Outcome> {
        match wanted {
            Some(v) if v != e.version() && !lenient_match => Err(Outcome::new(
                SpineCode::FhirConstraintViolation,
                format!("If-Match names version {v}; {} {id} is at version {}", ty.name(), e.version()),
            )),
            _ => Ok(()),
        }
    };
    if d(RecDefect::UpdateRace) {
        // Checks, lets go of the lock, then writes: the lost-update race a
        // conformant candidate closes by checking and writing atomically.
        check(&current)?;
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let stored = s.entries.with(|all| {
        let e = all
            .get_mut(id)
            .filter(|e| e.ty == ty)
            .ok_or_else(|| Outcome::new(SpineCode::NoRecordFound, format!("no {} with id {id}", ty.name())))?;
        if !d(RecDefect::UpdateRace) {
            check(e)?;
        }
        let version = e.version() + 1;
        let stored = stamp(s, &shape, r, id, version, &claims, at);
        if d(RecDefect::HistoryOverwritten) {
            e.versions = vec![Value::Null; version - 1];
            e.versions.push(stored.clone());
        } else if !d(RecDefect::UpdateNotStored) {
            e.versions.push(stored.clone());
        }
        Ok::<_, Outcome>((stored, version))
    })?;
    let (body, version) = stored;
    let mut resp = Fhir { status: StatusCode::OK, body, etag: Some(etag(version)) }.into_response();
    if let Ok(v) = HeaderValue::from_str(&location(s, headers, ty, id, version)) {
        resp.headers_mut().insert(header::CONTENT_LOCATION, v);
    }
    Ok(resp)
}

/// Stores `r` as the next version of entry `id`, stamped with `claims`:
/// an amendment the practice's own user makes (trigger `amend-entry`),
/// with no If-Match to check — the user amends what is on screen.
pub(crate) fn amend_current(
    s: &State,
    ty: EntryType,
    id: &str,
    r: Value,
    claims: &Claims,
    at: OffsetDateTime,
) -> Result<(), Outcome> {
    let shape = Shape::of(ty);
    validate::entry(s, &shape, &r, at)?;
    s.entries.with(|all| {
        let e = all
            .get_mut(id)
            .filter(|e| e.ty == ty)
            .ok_or_else(|| Outcome::new(SpineCode::NoRecordFound, format!("no {} with id {id}", ty.name())))?;
        let stored = stamp(s, &shape, r, id, e.version() + 1, claims, at);
        if !s.defects.has(RecDefect::UpdateNotStored) {
            e.versions.push(stored);
        }
        Ok(())
    })
}

async fn delete(Extract(s): Extract<Shared>, Path(id): Path<String>, ty: EntryType) -> Response {
    if s.defects.has(RecDefect::DeleteRemoves) {
        s.entries.with(|all| all.retain(|_, e| !(e.ty == ty && e.id == id)));
        return Fhir::ok(json!({
            "resourceType": "OperationOutcome",
            "issue": [{ "severity": "information", "code": "informational", "diagnostics": "deleted" }]
        }))
        .into_response();
    }
    Outcome::new(
        SpineCode::BadRequest,
        "entries are not deleted: amend the entry with its status set to entered-in-error, which keeps its history",
    )
    .into_response()
}
