//! Messages between practice users (COM, profile §34): a practitioner
//! sends a Communication to colleagues; addressees find it in their inbox
//! and acknowledge it; no one else sees it.

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::http::{answered, created};
use crate::steps::common::keys::fresh_identifier;
use crate::steps::common::keys::logical_id;
use crate::steps::rec::entries::act_as;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a message "([^"]+)" from "(practitioner\d+)" to "(practitioner\d+)"(?: and "(practitioner\d+)")?(?: about "([^"]+)")?$"# => message, "Begins `POST [base]/Communication` as the first practitioner (the JWT's requesting_practitioner): a message to one or two fixture practitioners, optionally about a fixture patient, with a business identifier from the scenario's trace id."),
        step!(Given r#"^the message's "([^"]+)" is (.+)$"# => message_path, "Sets an element of the message being built (a dotted path, array indices as numbers) to a JSON value, or removes it with `absent`."),
        step!(Given r#"^the message is sent by "(practitioner\d+)"$"# => sent_by, "Sends the message as this practitioner instead (the JWT's requesting_practitioner), its sender unchanged."),
        step!(Then r#"^the message is sent$"# => is_sent, "HTTP 201 with the Communication: an id, status in-progress, a `sent` time, and its sender, recipients, subject and text as built. It is then known by its label."),
        step!(Given r#"^a message "([^"]+)" sent from "(practitioner\d+)" to "(practitioner\d+)"(?: and "(practitioner\d+)")?(?: about "([^"]+)")?$"# => message_sent, "Sends such a message at once; it must be accepted (201, a Communication with an id)."),
        step!(When r#"^"(practitioner\d+)" searches the inbox of "(practitioner\d+)" for "([^"]+)"$"# => inbox, "As the first practitioner, `GET [base]/Communication?recipient=Practitioner/[id of the second]&identifier=[the message's]`."),
        step!(Then r#"^the inbox holds "([^"]+)"$"# => inbox_holds, "HTTP 200, a searchset Bundle holding the message."),
        step!(When r#"^"(practitioner\d+)" reads the message "([^"]+)"$"# => read, "As this practitioner, `GET [base]/Communication/[id]`."),
        step!(When r#"^"(practitioner\d+)" acknowledges the message "([^"]+)"$"# => acknowledge, "As this practitioner, `POST [base]/Communication/[id]/$rfa.acknowledge` (an empty Parameters)."),
        step!(Then r#"^the message "([^"]+)" is answered( as acknowledged)?$"# => is_answered, "HTTP 200 with the message (same id, sender, recipients, text); `as acknowledged`: status completed with a `received` time."),
        step!(Then r#"^the message "([^"]+)" reads back to "(practitioner\d+)" as (sent|acknowledged)$"# => reads_back, "Reads the message as this practitioner (evidence kept): HTTP 200, and status in-progress (sent) or completed with a `received` time (acknowledged)."),
    ]
}

async fn build(w: &mut RfaWorld, a: &Args) -> Result<(String, Value, RequestSpec), Failure> {
    let (label, from) = (a.get(1).to_string(), a.get(2));
    let sender = logical_id(w, from).await?;
    let mut to = vec![json!({ "reference": format!("Practitioner/{}", logical_id(w, a.get(3)).await?) })];
    if !a.get(4).is_empty() {
        to.push(json!({ "reference": format!("Practitioner/{}", logical_id(w, a.get(4)).await?) }));
    }
    let mut m = json!({
        "resourceType": "Communication",
        "identifier": [{ "system": gpc::MESSAGE_IDENTIFIER_SYSTEM, "value": fresh_identifier(w) }],
        "status": "in-progress",
        "category": [{ "coding": [{ "system": "http://hl7.org/fhir/communication-category", "code": "instruction" }] }],
        "sender": { "reference": format!("Practitioner/{sender}") },
        "recipient": to,
        "payload": [{ "contentString": "Please review the latest results and call the patient back." }]
    });
    if !a.get(5).is_empty() {
        m["subject"] = json!({ "reference": format!("Patient/{}", logical_id(w, a.get(5)).await?) });
    }
    let mut spec = RequestSpec::post(Interaction::SendMessage, "Communication", m.to_string());
    act_as(w, &mut spec, from)?;
    Ok((label, m, spec))
}

async fn message(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (label, m, spec) = build(w, a).await?;
    w.request = Some(spec);
    w.com.message = Some((label, m));
    Ok(())
}

async fn message_path(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, body) = w.com.message.as_mut().ok_or_else(|| Failure::Harness("no message was begun".into()))?;
    let text = crate::steps::common::drafts::edit_draft(body, a.get(1), a.get(2))?;
    w.request_mut()?.body = Some(text);
    Ok(())
}

async fn sent_by(w: &mut RfaWorld, a: &Args) -> StepResult {
    let mut spec = w.request.clone().ok_or_else(|| Failure::Harness("no message was begun".into()))?;
    spec.jwt.claim_edits.retain(|(c, _)| c != "requesting_practitioner" && c != "sub");
    act_as(w, &mut spec, a.get(1))?;
    w.request = Some(spec);
    Ok(())
}

/// What a message must keep: sender, recipients, subject, text.
fn essentials(m: &Value) -> Vec<Value> {
    ["/sender/reference", "/recipient", "/subject/reference", "/payload/0/contentString", "/identifier"]
        .iter()
        .map(|p| m.pointer(p).cloned().unwrap_or(Value::Null))
        .collect()
}

async fn is_sent(w: &mut RfaWorld, _: &Args) -> StepResult {
    let (label, sent) = w.com.message.clone().ok_or_else(|| Failure::Harness("no message was sent".into()))?;
    let (id, got) = created(w, "Communication", "sending a valid message")?;
    if got.get("status").and_then(Value::as_str) != Some("in-progress") {
        return w.fail(format!("a message just sent is in-progress, it is {}", got["status"]));
    }
    if got.get("sent").and_then(Value::as_str).is_none_or(str::is_empty) {
        return w.fail("the sent Communication has no `sent` time");
    }
    if essentials(&got) != essentials(&sent) {
        return w.fail(format!(
            "the message should keep its identifier, sender, recipients, subject and text: sent {:?}, answered {:?}",
            essentials(&sent),
            essentials(&got)
        ));
    }
    w.com.messages.insert(label, (id, sent));
    Ok(())
}

/// Sends a message as a scenario's setup: it must be accepted with an id
/// (the rest of what a sent message answers is RFA-COM-001's to judge).
async fn message_sent(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (label, m, spec) = build(w, a).await?;
    let resp = w.send(&spec).await?;
    w.response = Some(resp);
    let (id, _) = created(w, "Communication", "sending a valid message")?;
    w.com.messages.insert(label.clone(), (id, m.clone()));
    w.com.message = Some((label, m));
    Ok(())
}

fn known<'a>(w: &'a RfaWorld, label: &str) -> Result<&'a (String, Value), Failure> {
    w.com
        .messages
        .get(label)
        .ok_or_else(|| Failure::Harness(format!("no message \"{label}\" was sent earlier in this scenario")))
}

async fn send_as(w: &mut RfaWorld, mut spec: RequestSpec, who: &str) -> StepResult {
    act_as(w, &mut spec, who)?;
    w.request = Some(spec.clone());
    let resp = w.send(&spec).await?;
    w.response = Some(resp);
    Ok(())
}

async fn inbox(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (who, owner, label) = (a.get(1), a.get(2), a.get(3));
    let (_, m) = known(w, label)?.clone();
    let identifier = m.pointer("/identifier/0/value").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut spec = RequestSpec::new(Interaction::SearchMessages, "Communication");
    spec.query.push(("recipient".into(), format!("Practitioner/{}", logical_id(w, owner).await?)));
    spec.query.push(("identifier".into(), format!("{}|{identifier}", gpc::MESSAGE_IDENTIFIER_SYSTEM)));
    send_as(w, spec, who).await
}

async fn inbox_holds(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _) = known(w, a.get(1))?.clone();
    let bundle = answered(w, 200, "Bundle", "an inbox search")?;
    let found = bundle.get("entry").and_then(Value::as_array).into_iter().flatten().any(|e| {
        e.pointer("/resource/id").and_then(Value::as_str) == Some(id.as_str())
            && e.pointer("/resource/resourceType").and_then(Value::as_str) == Some("Communication")
    });
    if !found {
        return w.fail(format!("the inbox should hold the message Communication/{id}; it does not"));
    }
    Ok(())
}

async fn read(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _) = known(w, a.get(2))?.clone();
    send_as(w, RequestSpec::new(Interaction::ReadMessage, format!("Communication/{id}")), a.get(1)).await
}

async fn acknowledge(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _) = known(w, a.get(2))?.clone();
    let body = json!({ "resourceType": "Parameters" }).to_string();
    let spec = RequestSpec::post(Interaction::AcknowledgeMessage, format!("Communication/{id}/$rfa.acknowledge"), body);
    send_as(w, spec, a.get(1)).await
}

fn judge(w: &RfaWorld, label: &str, got: &Value, acknowledged: bool) -> StepResult {
    let (id, sent) = known(w, label)?;
    if got.as_resource().id() != Some(id.as_str()) || essentials(got) != essentials(sent) {
        return w.fail(format!("the answer should be the message Communication/{id} as sent"));
    }
    let status = got.get("status").and_then(Value::as_str).unwrap_or_default();
    let received = got.get("received").and_then(Value::as_str).is_some_and(|r| !r.is_empty());
    match (acknowledged, status, received) {
        (true, "completed", true) | (false, "in-progress", _) => Ok(()),
        (true, _, _) => w.fail(format!(
            "an acknowledged message is completed with a `received` time; it is `{status}`{}",
            if received { "" } else { " with no received time" }
        )),
        (false, _, _) => w.fail(format!("a message not yet acknowledged is in-progress; it is `{status}`")),
    }
}

async fn is_answered(w: &mut RfaWorld, a: &Args) -> StepResult {
    let got = answered(w, 200, "Communication", "this request")?;
    judge(w, a.get(1), &got, !a.get(2).is_empty())
}

async fn reads_back(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (label, who, state) = (a.get(1).to_string(), a.get(2).to_string(), a.get(3) == "acknowledged");
    let (id, _) = known(w, &label)?.clone();
    send_as(w, RequestSpec::new(Interaction::ReadMessage, format!("Communication/{id}")), &who).await?;
    let got = answered(w, 200, "Communication", "reading a message one sent or received")?;
    judge(w, &label, &got, state)
}
