//! Sending and collecting MESH messages (COM, profile §37.5), judged from
//! what the candidate asked of the hosted mailbox.

use serde_json::Value;

use crate::evidence::Exchange;
use crate::national::Service;
use crate::steps::consumer::{act, answer_json, fail_with, inbound, national, own};
use crate::steps::world::{RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^the practice's MESH inbox holds (\d+) messages?(?:, (\d+) of which cannot be downloaded)?$"# => deliver, "Puts messages in the candidate's mailbox on the hosted MESH; those that cannot be downloaded answer 500."),
        step!(When r#"^the candidate is asked to send a MESH message$"# => send, "Asks the candidate to send a text message to the recipient mailbox of `fixtures/national.json` under its workflow, with a subject and a content unique to the scenario."),
        step!(When r#"^the candidate is asked to collect its MESH messages$"# => collect, "Asks the candidate to collect the messages in its MESH mailbox."),
        step!(Then r#"^the candidate sent the MESH message from its mailbox to the recipient$"# => sent, "A `POST messageexchange/[own mailbox]/outbox` with Mex-From the candidate's mailbox, Mex-To the recipient, Mex-WorkflowID as asked, a Mex-LocalID, a Content-Type and the content as asked; MESH answered 202."),
        step!(Then r#"^MESH accepted the candidate's authorisation every time$"# => authorised, "No MESH request was refused 403, and no two carried the same NHSMESH nonce and nonce count."),
        step!(Then r#"^the candidate downloaded and acknowledged every message$"# => acknowledged, "The candidate listed its inbox and saw every message put there; each it downloaded (200) it then acknowledged (`PUT …/status/acknowledged`, 200)."),
        step!(Then r#"^the candidate acknowledged no message it could not download$"# => not_acknowledged, "No message whose download failed was acknowledged."),
    ]
}

/// The candidate's mailbox, as the config names it.
pub(in crate::steps) fn mailbox(w: &RfaWorld) -> Result<String, crate::steps::world::Failure> {
    let ctx = w.ctx()?;
    let c = ctx.client.config();
    Ok(c.consumer.as_ref().map(|s| s.mailbox(&c.spine.provider_ods)).unwrap_or_default())
}

async fn deliver(w: &mut RfaWorld, a: &Args) -> StepResult {
    own(w).await?;
    let total: usize = a.get(1).parse().unwrap_or(1);
    let broken: usize = a.get(2).parse().unwrap_or(0).min(total);
    if let Some((s, sid)) = w.turn.as_ref().and_then(|t| t.services()) {
        s.deliver(sid, total - broken, false);
        s.deliver(sid, broken, true);
    }
    w.consumer.delivered = total;
    Ok(())
}

fn message_content(w: &RfaWorld) -> String {
    format!("Discharge summary for the practice ({})", w.scenario.as_ref().map(ToString::to_string).unwrap_or_default())
}

async fn send(w: &mut RfaWorld, _: &Args) -> StepResult {
    let m = &national()?.mesh;
    let params = vec![
        ("to".to_string(), m.recipient.clone()),
        ("workflowId".to_string(), m.workflow.clone()),
        ("subject".to_string(), "Discharge summary".to_string()),
        ("content".to_string(), message_content(w)),
    ];
    act(w, "send-mesh-message", params).await
}

async fn collect(w: &mut RfaWorld, _: &Args) -> StepResult {
    act(w, "receive-mesh-messages", vec![]).await
}

async fn sent(w: &mut RfaWorld, _: &Args) -> StepResult {
    let own = mailbox(w)?;
    let m = &national()?.mesh;
    let posts: Vec<&Exchange> = inbound(w, Service::Mesh).into_iter().filter(|x| x.request.method == "POST").collect();
    let Some(x) = posts.last() else { return fail_with(w, "the candidate sent nothing to MESH") };
    let h = |n: &str| x.request.header(n).unwrap_or_default().to_string();
    let mut wrong = Vec::new();
    if !x.request.url.ends_with(&format!("/messageexchange/{own}/outbox")) {
        wrong.push(format!(
            "it should post to its own outbox messageexchange/{own}/outbox, it posted to {}",
            x.request.url
        ));
    }
    if h("Mex-From") != own {
        wrong.push(format!("Mex-From should be its mailbox {own}, it is `{}`", h("Mex-From")));
    }
    if h("Mex-To") != m.recipient {
        wrong.push(format!("Mex-To should be {}, it is `{}`", m.recipient, h("Mex-To")));
    }
    if h("Mex-WorkflowID") != m.workflow {
        wrong.push(format!("Mex-WorkflowID should be {}, it is `{}`", m.workflow, h("Mex-WorkflowID")));
    }
    if h("Mex-LocalID").is_empty() || h("Content-Type").is_empty() {
        wrong.push("Mex-LocalID and Content-Type are required".into());
    }
    if x.request.body.text() != message_content(w) {
        wrong.push("the content should be sent as asked".into());
    }
    if x.response.as_ref().map(|r| r.status) != Some(202) {
        wrong.push(format!("MESH should accept it (202): {}", x.summary()));
    }
    if !wrong.is_empty() {
        return fail_with(w, wrong.join("; "));
    }
    Ok(())
}

async fn authorised(w: &mut RfaWorld, _: &Args) -> StepResult {
    let all = inbound(w, Service::Mesh);
    if all.is_empty() {
        return fail_with(w, "the candidate made no MESH request");
    }
    let mut seen = std::collections::HashSet::new();
    for x in &all {
        if x.response.as_ref().is_some_and(|r| r.status == 403) {
            return fail_with(w, format!("MESH refused the candidate's authorisation: {}", x.summary()));
        }
        let auth = x.request.header("Authorization").unwrap_or_default();
        // `NHSMESH mailbox:nonce:count:timestamp:<redacted hmac>`
        let parts: Vec<&str> = auth.trim_start_matches("NHSMESH ").split(':').collect();
        let nonce = parts.get(1..3).map(|p| p.join(":")).unwrap_or_default();
        if !seen.insert(nonce.clone()) {
            return fail_with(
                w,
                format!("every MESH request needs a fresh nonce; `{nonce}` was used again by {}", x.summary()),
            );
        }
    }
    Ok(())
}

/// The message ids the candidate's inbox listing answered.
fn listed(w: &RfaWorld) -> Vec<String> {
    inbound(w, Service::Mesh)
        .into_iter()
        .find(|x| x.request.method == "GET" && x.request.url.ends_with("/inbox"))
        .map(answer_json)
        .and_then(|b| b.get("messages").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// (downloaded with 200, acknowledged with 200 after that) per message.
fn fate(w: &RfaWorld, id: &str) -> (bool, bool, bool) {
    let all = inbound(w, Service::Mesh);
    let got = all.iter().position(|x| {
        x.request.method == "GET"
            && x.request.url.ends_with(&format!("/inbox/{id}"))
            && crate::steps::consumer::succeeded(x)
    });
    let acked_at = all.iter().position(|x| {
        x.request.method == "PUT" && x.request.url.ends_with(&format!("/inbox/{id}/status/acknowledged"))
    });
    let acked_ok = acked_at.is_some_and(|i| crate::steps::consumer::succeeded(all[i]));
    (got.is_some(), acked_at.is_some(), acked_ok && got.zip(acked_at).is_some_and(|(g, a)| g < a))
}

async fn acknowledged(w: &mut RfaWorld, _: &Args) -> StepResult {
    let ids = listed(w);
    if ids.len() != w.consumer.delivered {
        return fail_with(
            w,
            format!(
                "the candidate should list its inbox and find the {} message(s) put there; it found {}",
                w.consumer.delivered,
                ids.len()
            ),
        );
    }
    for id in &ids {
        match fate(w, id) {
            (true, _, true) => {}
            (false, _, _) => {
                if !is_broken(w, id) {
                    return fail_with(w, format!("the candidate should download message {id}"));
                }
            }
            (true, _, false) => {
                return fail_with(w, format!("the candidate should acknowledge message {id} after downloading it"));
            }
        }
    }
    Ok(())
}

/// Whether MESH answered the message's download with an error.
fn is_broken(w: &RfaWorld, id: &str) -> bool {
    inbound(w, Service::Mesh).iter().any(|x| {
        x.request.url.ends_with(&format!("/inbox/{id}")) && x.response.as_ref().is_some_and(|r| r.status >= 500)
    })
}

async fn not_acknowledged(w: &mut RfaWorld, _: &Args) -> StepResult {
    let broken: Vec<String> = listed(w).into_iter().filter(|id| is_broken(w, id)).collect();
    if broken.is_empty() {
        return fail_with(w, "the candidate should have tried to download the message that cannot be downloaded");
    }
    for id in broken {
        if fate(w, &id).1 {
            return fail_with(
                w,
                format!("the candidate acknowledged message {id} although its download failed: it would be lost"),
            );
        }
    }
    Ok(())
}
