//! Messages between practice users (COM, profile §34): FHIR Communication
//! from one practitioner to others, optionally about a patient. Only its
//! sender and addressees see a message; an addressee acknowledges it.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::Interaction;
use crate::reference::State;
use crate::reference::acc::guard::requesting_sds;
use crate::reference::acc::guard::{self, Claims};
use crate::reference::com::defects::ComDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome, created, reference_id, resource_of};
use crate::reference::{instant, now};

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

fn not_found(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::ReferenceNotFound, msg)
}

#[derive(Debug, Default)]
pub struct Messages {
    all: Mutex<Vec<Value>>,
}

/// The logical id of the practitioner a token acts as, if one held here.
fn acting(s: &State, c: &Claims) -> Option<String> {
    let sds = requesting_sds(c)?;
    s.store.practitioners.iter().find(|p| p.business_id.as_deref() == Some(sds)).map(|p| p.id.clone())
}

fn practitioner_held(s: &State, id: &str) -> bool {
    s.store.practitioners.iter().any(|p| p.id == id)
}

fn recipients(m: &Value) -> Vec<&str> {
    m.get("recipient")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_reference().reference())
        .map(|r| r.strip_prefix("Practitioner/").unwrap_or(r))
        .collect()
}

fn sender(m: &Value) -> &str {
    reference_id(m, "/sender/reference", "Practitioner").unwrap_or_default()
}

pub async fn send(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    match sending(&s, &headers, &body) {
        Ok(r) => r,
        Err(o) => {
            keep_refused(&s, &headers, &body);
            o.into_response()
        }
    }
}

/// Under the `keeps-refused-message` defect: an admitted message is
/// delivered before it is checked, and a refusal does not take it back.
fn keep_refused(s: &State, headers: &HeaderMap, body: &Bytes) {
    if !s.defects.has(ComDefect::KeepsRefusedMessage) || guard::check(s, headers, Interaction::SendMessage).is_err() {
        return;
    }
    let Ok(mut m) = resource_of(body, "Communication") else { return };
    m["id"] = json!(uuid::Uuid::new_v4().to_string());
    m["meta"] = json!({ "versionId": "1" });
    m["sent"] = json!(instant(now()));
    crate::reference::locked(&s.messages.all).push(m);
}

fn sending(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    let claims = guard::check(s, headers, Interaction::SendMessage)?;
    let mut m = resource_of(body, "Communication")?;
    if !d(ComDefect::MessagesUnchecked) {
        let me = acting(s, &claims);
        if me.as_deref() != Some(sender(&m)) || me.is_none() {
            return Err(invalid(
                "Communication.sender must be the requesting practitioner (the JWT's requesting_practitioner), held here",
            ));
        }
        let to = recipients(&m);
        if to.is_empty() {
            return Err(invalid("Communication.recipient: a message is addressed to one or more practitioners"));
        }
        if let Some(unknown) = to.iter().find(|r| !practitioner_held(s, r)) {
            return Err(not_found(format!(
                "Communication.recipient `Practitioner/{unknown}` is not a practitioner held here"
            )));
        }
        let text = m
            .get("payload")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|p| p.get("contentString").and_then(Value::as_str).is_some_and(|t| !t.trim().is_empty()));
        if !text {
            return Err(invalid("Communication.payload: a message carries text (contentString)"));
        }
    }
    if m.get("status").and_then(Value::as_str) != Some("in-progress") {
        return Err(invalid("Communication.status of a message being sent is in-progress"));
    }
    if let Some(subject) = m.pointer("/subject/reference").and_then(Value::as_str)
        && !d(ComDefect::MessagesAboutAnyone)
    {
        let id = subject.strip_prefix("Patient/").unwrap_or_default();
        if s.store.by_id(id).filter(|p| p.is_active()).is_none() {
            return Err(not_found(format!("Communication.subject `{subject}` is not a patient registered here")));
        }
    }
    let id = uuid::Uuid::new_v4().to_string();
    m["id"] = json!(id);
    m["meta"] = json!({ "versionId": "1" });
    if !d(ComDefect::MessagesWithoutSentTime) {
        m["sent"] = json!(instant(now()));
    }
    crate::reference::locked(&s.messages.all).push(m.clone());
    Ok(created(headers, &s.base_path, m))
}

/// Whether the acting practitioner may see a message.
fn sees(s: &State, me: Option<&str>, m: &Value) -> bool {
    s.defects.has(ComDefect::MessagesVisibleToAll)
        || me.is_some_and(|me| sender(m) == me || recipients(m).contains(&me))
}

/// `GET [base]/Communication?recipient=Practitioner/[id]` (required: the
/// acting practitioner's own inbox), narrowed by `identifier`.
pub async fn search(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let claims = match guard::check(&s, &headers, Interaction::SearchMessages) {
        Ok(c) => c,
        Err(o) => return o.into_response(),
    };
    let inbox = match crate::reference::search_params(
        &params,
        "message search",
        &["recipient", "identifier"],
        ("recipient", "Practitioner"),
    ) {
        Ok(id) => id,
        Err(o) => return o.into_response(),
    };
    if acting(&s, &claims).as_deref() != Some(inbox) && !s.defects.has(ComDefect::MessagesVisibleToAll) {
        return Outcome::new(SpineCode::AccessDenied, "a practitioner searches their own inbox only").into_response();
    }
    let identifier = params.iter().rev().find(|(k, _)| k == "identifier").map(|(_, v)| v.as_str());
    let first_only = s.defects.has(ComDefect::InboxMissesCopies);
    let by_sender = s.defects.has(ComDefect::InboxBySender);
    let found: Vec<Value> = crate::reference::locked(&s.messages.all)
        .iter()
        .filter(|m| {
            let to = recipients(m);
            if by_sender {
                sender(m) == inbox
            } else if first_only {
                to.first() == Some(&inbox)
            } else {
                to.contains(&inbox)
            }
        })
        .filter(|m| crate::reference::has_identifier(m, identifier))
        .map(|m| {
            let id = m.as_resource().id().unwrap_or_default();
            json!({ "fullUrl": format!("Communication/{id}"), "resource": m, "search": { "mode": "match" } })
        })
        .collect();
    let total = found.len();
    Fhir::ok(crate::reference::searchset(found, total)).into_response()
}

fn find(s: &State, id: &str) -> Option<Value> {
    crate::reference::locked(&s.messages.all).iter().find(|m| m.as_resource().id() == Some(id)).cloned()
}

fn hidden(id: &str) -> Outcome {
    Outcome::new(SpineCode::NoRecordFound, format!("no Communication with id {id} addressed to or sent by you"))
}

pub async fn read(Extract(s): Extract<Arc<State>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let claims = match guard::check(&s, &headers, Interaction::ReadMessage) {
        Ok(c) => c,
        Err(o) => return o.into_response(),
    };
    let me = acting(&s, &claims);
    // The defect forgets the sender when it decides who may read.
    let sender_shut_out = |m: &Value| s.defects.has(ComDefect::SenderCannotRead) && me.as_deref() == Some(sender(m));
    match find(&s, &id).filter(|m| sees(&s, me.as_deref(), m) && !sender_shut_out(m)) {
        Some(m) => Fhir::ok(m).into_response(),
        None => hidden(&id).into_response(),
    }
}

/// `POST [base]/Communication/[id]/$rfa.acknowledge`: an addressee marks
/// the message read. Acknowledging again changes nothing.
pub async fn acknowledge(Extract(s): Extract<Arc<State>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let d = |x| s.defects.has(x);
    let claims = match guard::check(&s, &headers, Interaction::AcknowledgeMessage) {
        Ok(c) => c,
        Err(o) => return o.into_response(),
    };
    let me = acting(&s, &claims);
    let Some(m) = find(&s, &id).filter(|m| sees(&s, me.as_deref(), m) || d(ComDefect::AnyoneAcknowledges)) else {
        return hidden(&id).into_response();
    };
    let addressee = me.as_deref().is_some_and(|me| recipients(&m).contains(&me));
    if !addressee && !d(ComDefect::AnyoneAcknowledges) {
        return Outcome::new(SpineCode::AccessDenied, "only an addressee acknowledges a message").into_response();
    }
    let mut done = m;
    if done.get("status").and_then(Value::as_str) != Some("completed") {
        done["status"] = json!("completed");
        done["received"] = json!(instant(now()));
        done["meta"] = json!({ "versionId": "2" });
    }
    if !d(ComDefect::AcknowledgementNotKept) {
        let mut all = crate::reference::locked(&s.messages.all);
        if let Some(slot) = all.iter_mut().find(|m| m.as_resource().id() == Some(id.as_str())) {
            *slot = done.clone();
        }
    }
    Fhir::ok(done).into_response()
}
