//! The audit trail (REC): the harness finds its own requests in the
//! candidate's trail by their Ssp-TraceIDs and judges each record — there,
//! in order, with the right outcome and requester — and that the trail
//! cannot be changed through the API.

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::evidence::Exchange;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^an audit trail search for this scenario's requests$"# => search_all, "Begins `GET [base]/AuditEvent?entity-id=…` for the Ssp-TraceID of every request this scenario has made, with the auditor scope `system/AuditEvent.read`."),
        step!(Given r#"^an? (PUT|DELETE) of the audit record of this scenario's first request$"# => alter, "Finds the audit record of the scenario's first request (evidence kept) and begins a PUT (the record, marked a success) or DELETE of `AuditEvent/[id]`."),
        step!(Given r#"^an AuditEvent create claiming this scenario's first request succeeded$"# => forge, "Finds the audit record of the scenario's first request (evidence kept) and begins `POST [base]/AuditEvent` with a copy marked a success."),
        step!(Then r#"^the audit trail holds every earlier request of this scenario with its interaction and outcome$"# => holds_all, "For each request before the audit search: an AuditEvent whose entity identifier is its Ssp-TraceID, subtype its Ssp-InteractionID, outcome 0 (success), 4 (refused: 4xx) or 8 (failed: 5xx), and outcomeDesc starting with the HTTP status."),
        step!(Then r#"^the audit records name the requesting practitioner and organisation$"# => name_requester, "Each of those records has agents with the JWT's requesting_practitioner SDS user id and requesting_organization ODS code, and a recorded time."),
        step!(Then r#"^the audit sequence numbers follow the order of the requests$"# => in_order, "The records' sequence numbers (extension audit-sequence-1) strictly increase in the order the requests were made."),
        step!(Then r#"^the audit record of this scenario's first request is unchanged$"# => unchanged, "A new audit search (evidence kept) finds exactly one record for the first request, identical to the one seen before."),
        step!(Then r#"^a new audit trail search holds the earlier one$"# => audits_itself, "A new audit search (evidence kept) finds a record of the earlier audit search, with the AuditEvent search interaction."),
    ]
}

fn trace(x: &Exchange) -> String {
    x.request.header("Ssp-TraceID").unwrap_or_default().to_string()
}

fn interaction(x: &Exchange) -> String {
    x.request.header("Ssp-InteractionID").unwrap_or_default().to_string()
}

fn search_spec(traces: &[String]) -> RequestSpec {
    let mut spec = RequestSpec::new(Interaction::SearchAuditEvents, "AuditEvent");
    let tokens: Vec<String> = traces.iter().map(|t| format!("{}|{t}", gpc::TRACE_ID_SYSTEM)).collect();
    spec.query.push(("entity-id".into(), tokens.join(",")));
    spec
}

async fn search_all(w: &mut RfaWorld, _: &Args) -> StepResult {
    let traces: Vec<String> = w.exchanges.iter().map(trace).collect();
    if traces.is_empty() {
        return Err(Failure::Harness("this scenario has made no request to look for in the audit trail".into()));
    }
    w.request = Some(search_spec(&traces));
    Ok(())
}

fn events(b: &Value) -> Vec<Value> {
    crate::steps::common::bundle::resources(b, "AuditEvent").into_iter().cloned().collect()
}

fn trace_of(e: &Value) -> Option<&str> {
    e.get("entity")?.as_array()?.iter().find_map(|en| {
        let id = en.get("identifier")?;
        (id.get("system").and_then(Value::as_str) == Some(gpc::TRACE_ID_SYSTEM))
            .then(|| id.get("value").and_then(Value::as_str))?
    })
}

/// Searches the trail for some trace ids (evidence kept); the records found.
async fn lookup(w: &mut RfaWorld, traces: &[String]) -> Result<Vec<Value>, Failure> {
    let resp = w.send(&search_spec(traces)).await?;
    let status = resp.status;
    let body = resp.json().ok();
    w.response = Some(resp);
    match body {
        Some(b) if status == 200 => Ok(events(&b)),
        _ => w.fail(format!("the audit trail search answered HTTP {status}")),
    }
}

async fn first_record(w: &mut RfaWorld) -> Result<Value, Failure> {
    let first = w
        .exchanges
        .first()
        .map(trace)
        .ok_or_else(|| Failure::Harness("this scenario has made no request yet".into()))?;
    let found = lookup(w, std::slice::from_ref(&first)).await?;
    let record = found.into_iter().find(|e| trace_of(e) == Some(first.as_str()));
    let Some(record) = record else {
        return w.fail(format!(
            "setup: the audit trail has no record of the first request (trace {first}), so altering it cannot be tested"
        ));
    };
    w.rec.saved = Some(record.clone());
    Ok(record)
}

async fn alter(w: &mut RfaWorld, a: &Args) -> StepResult {
    let record = first_record(w).await?;
    let id = record.as_resource().id().unwrap_or_default().to_string();
    let mut spec = RequestSpec::new(Interaction::SearchAuditEvents, format!("AuditEvent/{id}"));
    if a.get(1) == "PUT" {
        spec.method = reqwest::Method::PUT;
        let mut changed = record;
        changed["outcome"] = json!("0");
        changed["outcomeDesc"] = json!("200");
        spec.body = Some(changed.to_string().into_bytes());
    } else {
        spec.method = reqwest::Method::DELETE;
    }
    w.request = Some(spec);
    Ok(())
}

async fn forge(w: &mut RfaWorld, _: &Args) -> StepResult {
    let mut copy = first_record(w).await?;
    if let Some(o) = copy.as_object_mut() {
        o.remove("id");
        o.insert("outcome".into(), json!("0"));
        o.insert("outcomeDesc".into(), json!("200"));
    }
    let spec = RequestSpec::post(Interaction::SearchAuditEvents, "AuditEvent", copy.to_string());
    w.request = Some(spec);
    Ok(())
}

/// The audit search just made, and the requests before it with their
/// records (None when a request has none).
fn records(w: &RfaWorld) -> Result<Vec<(Exchange, Option<Value>)>, Failure> {
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("the audit trail search should answer 200, it answered HTTP {status}"));
    }
    let found = match w.response()?.json() {
        Ok(b) => events(&b),
        Err(e) => return w.fail(e),
    };
    let earlier = &w.exchanges[..w.exchanges.len().saturating_sub(1)];
    if earlier.is_empty() {
        return Err(Failure::Harness(
            "no request was made before the audit search, so there is nothing to look for".into(),
        ));
    }
    Ok(earlier
        .iter()
        .map(|x| {
            let t = trace(x);
            (x.clone(), found.iter().find(|e| trace_of(e) == Some(t.as_str())).cloned())
        })
        .collect())
}

fn describe(x: &Exchange) -> String {
    format!("{} {} (trace {})", x.request.method, x.request.url, trace(x))
}

async fn holds_all(w: &mut RfaWorld, _: &Args) -> StepResult {
    for (x, record) in records(w)? {
        let Some(e) = record else {
            return w.fail(format!("the audit trail has no record of {}", describe(&x)));
        };
        let status = x.response.as_ref().map(|r| r.status).unwrap_or_default();
        let want = match status {
            0..400 => "0",
            400..500 => "4",
            _ => "8",
        };
        let outcome = e.get("outcome").and_then(Value::as_str).unwrap_or_default();
        if outcome != want {
            return w.fail(format!(
                "the audit record of {} (HTTP {status}) should have outcome {want}, it has `{outcome}`",
                describe(&x)
            ));
        }
        let desc = e.get("outcomeDesc").and_then(Value::as_str).unwrap_or_default();
        if !desc.starts_with(&status.to_string()) {
            return w.fail(format!(
                "the audit record of {} should give the status {status} in outcomeDesc, it says `{desc}`",
                describe(&x)
            ));
        }
        let sub = e.pointer("/subtype/0/code").and_then(Value::as_str).unwrap_or_default();
        if sub != interaction(&x) {
            return w.fail(format!(
                "the audit record of {} should name the interaction {} in subtype, it names `{sub}`",
                describe(&x),
                interaction(&x)
            ));
        }
    }
    Ok(())
}

fn claimed(x: &Exchange, claim: &str, system: &str) -> String {
    x.request.claimed_identifier(claim, system).unwrap_or_default().to_string()
}

async fn name_requester(w: &mut RfaWorld, _: &Args) -> StepResult {
    for (x, record) in records(w)? {
        let Some(e) = record else {
            return w.fail(format!("the audit trail has no record of {}", describe(&x)));
        };
        let agents: Vec<(String, String)> = e
            .get("agent")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| {
                let id = a.get("userId")?;
                Some((id.get("system")?.as_str()?.to_string(), id.get("value")?.as_str()?.to_string()))
            })
            .collect();
        for (claim, system, what) in [
            ("requesting_practitioner", gpc::SDS_USER_SYSTEM, "practitioner"),
            ("requesting_organization", gpc::ODS_ORGANIZATION_SYSTEM, "organisation"),
        ] {
            let want = claimed(&x, claim, system);
            if !agents.iter().any(|(s, v)| s == system && *v == want) {
                return w.fail(format!(
                    "the audit record of {} should name the requesting {what} ({system}|{want}) as an agent",
                    describe(&x)
                ));
            }
        }
        if e.get("recorded").and_then(Value::as_str).is_none_or(str::is_empty) {
            return w.fail(format!("the audit record of {} has no recorded time", describe(&x)));
        }
    }
    Ok(())
}

fn sequence(e: &Value) -> Option<i64> {
    gpc::extension(e, gpc::AUDIT_SEQUENCE_EXTENSION)?.get("valueInteger")?.as_i64()
}

async fn in_order(w: &mut RfaWorld, _: &Args) -> StepResult {
    let mut last: Option<(i64, String)> = None;
    for (x, record) in records(w)? {
        let Some(e) = record else {
            return w.fail(format!("the audit trail has no record of {}", describe(&x)));
        };
        let Some(seq) = sequence(&e) else {
            return w.fail(format!(
                "the audit record of {} has no sequence number ({})",
                describe(&x),
                gpc::AUDIT_SEQUENCE_EXTENSION
            ));
        };
        if let Some((before, what)) = &last
            && seq <= *before
        {
            return w.fail(format!(
                "{} was made after {what}, but its audit sequence number {seq} is not greater than {before}",
                describe(&x)
            ));
        }
        last = Some((seq, describe(&x)));
    }
    Ok(())
}

async fn unchanged(w: &mut RfaWorld, _: &Args) -> StepResult {
    let saved =
        w.rec.saved.clone().ok_or_else(|| Failure::Harness("no audit record was kept to compare with".into()))?;
    let first = w.exchanges.first().map(trace).unwrap_or_default();
    let found: Vec<Value> = lookup(w, std::slice::from_ref(&first))
        .await?
        .into_iter()
        .filter(|e| trace_of(e) == Some(first.as_str()))
        .collect();
    match &found[..] {
        [one] if *one == saved => Ok(()),
        [] => w.fail("the audit record of the first request is gone from the trail"),
        [one] => w.fail(format!("the audit record of the first request changed: it was {saved}, it is now {one}")),
        more => w.fail(format!("the first request now has {} audit records; a consumer added one", more.len())),
    }
}

async fn audits_itself(w: &mut RfaWorld, _: &Args) -> StepResult {
    let earlier =
        w.exchanges.last().cloned().ok_or_else(|| Failure::Harness("no audit search was made before".into()))?;
    if interaction(&earlier) != Interaction::SearchAuditEvents.id() {
        return Err(Failure::Harness("the step before should be an audit trail search".into()));
    }
    let t = trace(&earlier);
    let found = lookup(w, std::slice::from_ref(&t)).await?;
    let ok = found.iter().any(|e| {
        trace_of(e) == Some(t.as_str())
            && e.pointer("/subtype/0/code").and_then(Value::as_str) == Some(Interaction::SearchAuditEvents.id())
    });
    if !ok {
        return w.fail(format!(
            "reading the audit trail should itself be audited, but there is no record of the audit search (trace {t})"
        ));
    }
    Ok(())
}
