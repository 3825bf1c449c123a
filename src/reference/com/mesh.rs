//! Sending and collecting MESH messages as a GP system does: NHSMESH
//! authorisation with a fresh nonce per request, the sender's own mailbox,
//! and a received message acknowledged only once it is downloaded. A
//! message under a Send Document or Update Record workflow is handled as
//! one (`send_document`, `update_record`) before it is acknowledged.

use crate::reference::State;
use crate::reference::com::defects::ComDefect;
use crate::reference::com::{send_document, update_record};
use crate::reference::outbound::{Action, Reply, call, failed, has, http};
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;

/// The practice's mailbox: its ODS code and `OT001`, as MESH names them.
pub(super) fn mailbox(s: &State) -> String {
    format!("{}OT001", s.ods_code)
}

fn authorisation(s: &State) -> Result<String, Outcome> {
    // The accreditation environment's MESH key and password.
    let mesh = &crate::national::NationalData::shared()
        .map_err(|e| Outcome::new(SpineCode::InternalServerError, format!("MESH credentials: {e}")))?
        .mesh;
    let (key, password) = (&mesh.shared_key, &mesh.password);
    let who = mailbox(s);
    let nonce = if has(s, ComDefect::MeshReusesNonce) {
        "0f7e1d2c-3b4a-4958-a6b7-c8d9e0f1a2b3".to_string()
    } else {
        uuid::Uuid::new_v4().to_string()
    };
    let t = crate::reference::now();
    let timestamp = format!("{:04}{:02}{:02}{:02}{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute());
    let mac = crate::national::mesh_signature(key, &who, &nonce, "1", password, &timestamp);
    Ok(format!("NHSMESH {who}:{nonce}:1:{timestamp}:{mac}"))
}

pub(super) async fn mesh(s: &State, req: reqwest::RequestBuilder) -> Result<Reply, Outcome> {
    Ok(call(req.header("Authorization", authorisation(s)?).header("Accept", "application/json")).await)
}

pub async fn send(s: &State, a: &Action) -> Result<Vec<(&'static str, String)>, Outcome> {
    let to = a.required("to")?.to_string();
    let workflow = a.required("workflowId")?.to_string();
    let content = a.required("content")?.to_string();
    let own = mailbox(s);
    let from = if has(s, ComDefect::MeshWrongFrom) { to.clone() } else { own.clone() };
    let req = http()
        .post(a.url(&format!("mesh/messageexchange/{own}/outbox"))?)
        .header("Mex-From", from)
        .header("Mex-To", &to)
        .header("Mex-WorkflowID", workflow)
        .header("Mex-Subject", a.param("subject").unwrap_or_default())
        .header("Mex-LocalID", uuid::Uuid::new_v4().to_string())
        .header("Mex-FileName", "message.txt")
        .header("Content-Type", "text/plain")
        .body(content);
    let reply = mesh(s, req).await?;
    if !reply.ok() {
        return Err(failed("MESH", &reply));
    }
    let id = reply.json().get("message_id").and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
    Ok(vec![("messageId", id)])
}

pub async fn receive(s: &State, a: &Action) -> Result<Vec<(&'static str, String)>, Outcome> {
    let own = mailbox(s);
    let listing = mesh(s, http().get(a.url(&format!("mesh/messageexchange/{own}/inbox"))?)).await?;
    if !listing.ok() {
        return Err(failed("MESH", &listing));
    }
    let ids: Vec<String> = listing
        .json()
        .get("messages")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let (mut stored, mut failed_downloads, mut filed) = (0, 0, 0);
    for id in ids {
        let got = mesh(s, http().get(a.url(&format!("mesh/messageexchange/{own}/inbox/{id}"))?)).await?;
        let downloaded = got.ok();
        if downloaded {
            stored += 1;
            let workflow = got.header("mex-workflowid");
            let from = got.header("mex-from");
            let taken = if send_document::is_send_document(workflow) {
                send_document::receive(s, a, from, workflow, &got.body).await?
            } else if update_record::is_update_record(workflow) {
                update_record::receive(s, a, from, workflow, &got.body).await?
            } else {
                false
            };
            if taken {
                filed += 1;
            }
        } else {
            failed_downloads += 1;
        }
        let ack =
            if downloaded { !has(s, ComDefect::MeshNoAcknowledge) } else { has(s, ComDefect::MeshAcksUndownloaded) };
        if ack {
            let path = format!("mesh/messageexchange/{own}/inbox/{id}/status/acknowledged");
            mesh(s, http().put(a.url(&path)?)).await?;
        }
    }
    Ok(vec![
        ("received", stored.to_string()),
        ("failed", failed_downloads.to_string()),
        ("documentsFiled", filed.to_string()),
    ])
}
