//! Practice finance (`FIN`, profile §31): the practice claims payment for
//! services it has recorded, item by item, as a FHIR Claim priced by the
//! fee schedule (`crate::finance`). A service is claimed once.

pub mod defects;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State as Extract};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::{EntryType, Interaction};
use crate::finance::{self, pennies};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::acc::methods::{Methods, wrong_method};
use crate::reference::eps::prescribing::invalid;
use crate::reference::fin::defects::FinDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome, created, reference_id, resource_of};
use crate::reference::roots::Roots;

pub fn routes(_: Methods) -> Roots {
    Roots::api(axum::Router::new().route("/Claim", axum::routing::post(create).get(search).fallback(wrong_method)))
}

#[derive(Debug, Default)]
struct Book {
    /// Claims by patient, in the order they were made.
    by_patient: HashMap<String, Vec<Value>>,
    /// (encounter, service code) pairs already claimed.
    claimed: HashSet<(String, String)>,
}

/// The claims the reference holds.
#[derive(Debug, Default)]
pub struct Claims {
    inner: Mutex<Book>,
}

pub async fn create(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    claim(&s, &headers, &body).unwrap_or_else(|o| {
        keep_refused(&s, &headers, &body);
        o.into_response()
    })
}

/// Under the `keeps-refused-claim` defect: an admitted claim is written
/// before it is checked, and a refusal does not take it out again.
fn keep_refused(s: &State, headers: &HeaderMap, body: &Bytes) {
    if !s.defects.has(FinDefect::KeepsRefusedClaim) || guard::check(s, headers, Interaction::CreateClaim).is_err() {
        return;
    }
    let Ok(mut stored) = resource_of(body, "Claim") else { return };
    let patient = reference_id(&stored, "/patient/reference", "Patient").unwrap_or_default().to_string();
    stored["id"] = json!(uuid::Uuid::new_v4().to_string());
    stored["meta"] = json!({ "versionId": "1" });
    crate::reference::locked(&s.claims.inner).by_patient.entry(patient).or_default().push(stored);
}

fn money(v: Option<&Value>) -> Option<(i64, &str)> {
    let v = v?;
    Some((pennies(v.get("value")?.as_f64()?), v.get("code").and_then(Value::as_str).unwrap_or_default()))
}

/// One item checked: the (encounter id, service code) it claims and its net
/// in pennies.
fn item(s: &State, patient: &str, i: &Value, n: usize) -> Result<(String, String, i64), Outcome> {
    let d = |x| s.defects.has(x);
    let schedule = finance::schedule();
    let what = format!("item {n}");
    let code = i.pointer("/service/coding/0/code").and_then(Value::as_str).unwrap_or_default();
    let system = i.pointer("/service/coding/0/system").and_then(Value::as_str);
    let service = schedule.service(code).filter(|_| system == Some(schedule.system.as_str()));
    let service = match service {
        Some(sv) => sv,
        None if d(FinDefect::AnyFee) => &schedule.services[0],
        None => {
            return Err(invalid(format!(
                "{what}: `{code}` is not a service of the fee schedule ({})",
                schedule.system
            )));
        }
    };
    let encounter = reference_id(i, "/encounter/0/reference", "Encounter").unwrap_or_default().to_string();
    let recorded = s.entries.current_of(EntryType::Encounter, &encounter);
    let theirs = recorded.as_ref().is_some_and(|e| {
        e.pointer("/subject/reference").and_then(Value::as_str) == Some(format!("Patient/{patient}").as_str())
    });
    if !theirs && !d(FinDefect::ClaimsUnrecordedService) {
        return Err(invalid(format!(
            "{what}: Encounter/{encounter} is not a service recorded in this patient's record"
        )));
    }
    let served = i.get("servicedDate").and_then(Value::as_str).unwrap_or_default();
    let happened =
        recorded.as_ref().and_then(|e| e.pointer("/period/start")).and_then(Value::as_str).and_then(|t| t.get(..10));
    let future = served > crate::support::clock::ymd(crate::support::clock::today()).as_str();
    if (happened != Some(served) || future) && !d(FinDefect::ServiceDateUnchecked) {
        return Err(invalid(format!(
            "{what}: servicedDate `{served}` is not the date of the service recorded ({})",
            happened.unwrap_or("none")
        )));
    }
    let quantity = i.pointer("/quantity/value").and_then(Value::as_f64).unwrap_or(1.0);
    let (unit, currency) = money(i.get("unitPrice")).unwrap_or((0, ""));
    if (unit != pennies(service.fee) || currency != "GBP") && !d(FinDefect::AnyFee) {
        return Err(invalid(format!(
            "{what}: {} is paid £{:.2} (GBP) by the fee schedule, not {:.2} {currency}",
            service.display,
            service.fee,
            unit as f64 / 100.0
        )));
    }
    let (net, net_currency) = money(i.get("net")).unwrap_or((0, ""));
    if (net != (unit as f64 * quantity).round() as i64 || net_currency != "GBP") && !d(FinDefect::ItemNetUnchecked) {
        return Err(invalid(format!("{what}: net must be quantity × unitPrice, in GBP")));
    }
    if quantity <= 0.0 && !d(FinDefect::ItemNetUnchecked) {
        return Err(invalid(format!("{what}: quantity must be positive")));
    }
    Ok((encounter, service.code.clone(), net))
}

fn claim(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    guard::check(s, headers, Interaction::CreateClaim)?;
    let sent = resource_of(body, "Claim")?;
    let patient = reference_id(&sent, "/patient/reference", "Patient").unwrap_or_default().to_string();
    if s.store.by_id(&patient).filter(|p| p.is_active()).is_none() {
        return Err(invalid(format!("Patient/{patient} is not a patient registered here")));
    }
    let items = sent.get("item").and_then(Value::as_array).cloned().unwrap_or_default();
    if items.is_empty() {
        return Err(invalid("a claim has one or more items"));
    }
    let mut lines = Vec::new();
    for (n, i) in items.iter().enumerate() {
        lines.push(item(s, &patient, i, n + 1)?);
    }
    let sum: i64 = lines.iter().map(|(_, _, net)| net).sum();
    let total = money(sent.get("total"));
    if total != Some((sum, "GBP")) && !d(FinDefect::TotalUnchecked) {
        return Err(invalid(format!(
            "the claim's total must be the sum of its items' nets, £{:.2} (GBP)",
            sum as f64 / 100.0
        )));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let mut stored = sent.clone();
    stored["id"] = json!(id);
    stored["meta"] = json!({ "versionId": "1" });
    stored["status"] = json!("active");
    {
        let mut book = crate::reference::locked(&s.claims.inner);
        let keys: Vec<(String, String)> = lines.iter().map(|(e, c, _)| (e.clone(), c.clone())).collect();
        let mut seen = HashSet::new();
        let twice = keys.iter().find(|k| book.claimed.contains(*k) || !seen.insert((*k).clone()));
        if let Some((encounter, code)) = twice
            && !d(FinDefect::AcceptsDuplicateClaims)
        {
            return Err(Outcome::new(
                SpineCode::DuplicateRejected,
                format!("{code} for Encounter/{encounter} has already been claimed"),
            ));
        }
        book.claimed.extend(keys);
        if !d(FinDefect::ClaimsNotListed) {
            book.by_patient.entry(patient).or_default().push(stored.clone());
        }
    }
    if d(FinDefect::ClaimDropsItems)
        && let Some(o) = stored.as_object_mut()
    {
        o.remove("item");
    }
    Ok(created(headers, &s.base_path, stored))
}

/// `GET [base]/Claim?patient=[id]` (required), narrowed by `identifier`
/// (`system|value`).
pub async fn search(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchClaims) {
        return o.into_response();
    }
    let patient = match crate::reference::search_params(
        &params,
        "claim search",
        &["patient", "identifier"],
        ("patient", "Patient"),
    ) {
        Ok(id) => id,
        Err(o) => return o.into_response(),
    };
    let identifier = params.iter().rev().find(|(k, _)| k == "identifier").map(|(_, v)| v.as_str());
    let matches = |c: &Value| crate::reference::has_identifier(c, identifier);
    let found: Vec<Value> = crate::reference::locked(&s.claims.inner)
        .by_patient
        .get(patient)
        .into_iter()
        .flatten()
        .filter(|c| matches(c))
        .map(|c| json!({ "fullUrl": format!("Claim/{}", c.as_resource().id().unwrap_or_default()), "resource": c, "search": { "mode": "match" } }))
        .collect();
    let total = found.len();
    Fhir::ok(crate::reference::searchset(found, total)).into_response()
}
