//! Receiving a consultation summary by GP Connect Update Record as a GP
//! system does (profile §36.1): another care setting — a community
//! pharmacy — sends what it did as an ITK3 message (event ITK014M) over
//! MESH. It gets the same ITK3 responses as Send Document, and is then
//! **held for a clinician to review**, not written into the record: Update
//! Record has no auto-filing ("There is no intention of auto-filing any
//! payloads at this time"). A message with a profile Update Record does not
//! define is refused whole (20009). Once a clinician accepts it (trigger
//! action `accept-update-record`), its readings are recorded, and show
//! through Access Record Structured.

use serde_json::{Value, json};

use crate::fhir::gpc::EntryType;
use crate::fhir::itk;
use crate::reference::State;
use crate::reference::com::defects::ComDefect;
use crate::reference::com::send_document::{
    Code, Inbound, Payload, Received, answer, document_of, header_for, subject_of,
};
use crate::reference::outbound::{Action, has};
use crate::reference::outcome::{Outcome, SpineCode};

/// A consultation summary taken, waiting for a clinician.
#[derive(Debug, Clone)]
pub struct Summary {
    patient_nhs: String,
    /// The Composition's title: how a user picks it from the task list.
    title: String,
    /// The readings sent (Observations, as sent).
    readings: Vec<Value>,
}

impl Payload for Summary {
    fn patient_nhs(&self) -> &str {
        &self.patient_nhs
    }
}

/// The summaries held, in the order they came.
#[derive(Debug, Default)]
pub struct Held(std::sync::Mutex<Vec<Summary>>);

/// Whether a MESH message under this workflow is an Update Record message.
pub(super) fn is_update_record(workflow: &str) -> bool {
    workflow == itk::UPDATE_RECORD_WORKFLOW
}

/// Handles one downloaded Update Record message; answers whether it was
/// taken (held for review).
pub(super) async fn receive(s: &State, a: &Action, from: &str, workflow: &str, body: &[u8]) -> Result<bool, Outcome> {
    answer(s, a, Inbound { from, workflow, body }, checked, take, || false).await
}

fn take(s: &State, patient: &str, summary: &Summary) -> bool {
    if has(s, ComDefect::UpdateRecordAutoFiled) {
        // Written straight into the record, as no clinician accepted it.
        return file(s, patient, summary).is_ok();
    }
    crate::reference::locked(&s.held_updates.0).push(summary.clone());
    true
}

/// Checks the message as ITK3 and Update Record ask: `Err` with the
/// negative response code, else the summary.
fn checked(s: &State, r: &Received) -> Result<Summary, Code> {
    header_for(r, itk::UPDATE_RECORD_EVENT, "ITK014M (GP Connect Update Record)")?;
    let bundle = document_of(r)?;
    // The whole message is refused for one profile Update Record does not
    // define: a partial acceptance could lose what the sender meant.
    let unsupported = bundle.entries().filter_map(|e| e.resource()).find_map(|res| {
        let profiles: Vec<&str> = res
            .json()
            .pointer("/meta/profile")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let known = profiles.iter().any(|p| itk::UPDATE_RECORD_PROFILES.contains(&p.trim()));
        (!known).then(|| format!("{} ({})", res.resource_type().unwrap_or("a resource"), profiles.join(", ")))
    });
    if let Some(what) = unsupported
        && !has(s, ComDefect::UpdateRecordAnyProfile)
    {
        return Err(Code::new("20009", format!("{what} is not a profile GP Connect Update Record defines")));
    }
    let (composition, patient_nhs) = subject_of(bundle)?;
    let title = composition.get("title").and_then(Value::as_str).unwrap_or_default().to_string();
    let readings = bundle.resources_of("Observation").map(|o| o.json().clone()).collect();
    Ok(Summary { patient_nhs, title, readings })
}

/// Records the summary's readings with no one accepting them (the
/// `update-record-auto-filed` defect): under the practice's first user.
fn file(s: &State, patient: &str, summary: &Summary) -> Result<usize, Outcome> {
    let sds = s.store.practitioners.iter().find_map(|p| p.business_id.clone()).unwrap_or_default();
    file_as(s, patient, summary, &sds)
}

/// Records the summary's readings in the patient's record, accepted by the
/// user with SDS user id `sds`. The reading is the practice's entry from
/// then on, made by the user who filed it: the pharmacist is not a
/// practitioner held here, so the entry's performer is the user.
fn file_as(s: &State, patient: &str, summary: &Summary, sds: &str) -> Result<usize, Outcome> {
    use crate::reference::rec::clinical::record_entry::{claims, practitioner};
    let by = claims(s, sds);
    let mut filed = 0;
    for reading in &summary.readings {
        let mut r = json!({
            "resourceType": "Observation",
            "status": reading.get("status").cloned().unwrap_or(json!("final")),
            "subject": { "reference": format!("Patient/{patient}") },
            "performer": [{ "reference": practitioner(s, sds) }],
        });
        for k in ["code", "effectiveDateTime", "valueQuantity"] {
            if let Some(v) = reading.get(k) {
                r[k] = v.clone();
            }
        }
        crate::reference::rec::clinical::admit_entry(s, EntryType::Observation, r, &by, crate::support::clock::now())?;
        filed += 1;
    }
    Ok(filed)
}

/// `accept-update-record`: the practice's clinician (`recorder`) accepts
/// the consultation summary a user finds in the task list by its patient
/// (`patient`, an NHS number) and title (`title`), and it is recorded.
/// Nothing waiting is `NO_RECORD_FOUND`.
pub(crate) fn accept(s: &State, action: &Action) -> Result<Vec<(&'static str, String)>, Outcome> {
    let nhs = action.required("patient")?;
    let title = action.required("title")?;
    // The user must be one held here, as for any entry a user records.
    crate::reference::rec::clinical::record_entry::user(s, action)?;
    let sds = action.required("recorder")?;
    let patient = s
        .store
        .by_nhs_number(nhs)
        .find(|p| p.is_active())
        .map(|p| p.id.clone())
        .ok_or_else(|| Outcome::new(SpineCode::NoRecordFound, format!("no patient {nhs} is registered here")))?;
    let waiting: Vec<Summary> = {
        let mut held = crate::reference::locked(&s.held_updates.0);
        let (mine, rest) = held.drain(..).partition(|h| h.patient_nhs == nhs && h.title == title);
        *held = rest;
        mine
    };
    if waiting.is_empty() {
        return Err(Outcome::new(
            SpineCode::NoRecordFound,
            format!("no consultation summary `{title}` from Update Record waits for patient {nhs}"),
        ));
    }
    if has(s, ComDefect::UpdateRecordAcceptIgnored) {
        return Ok(vec![("filed", "0".into())]);
    }
    let mut filed = 0;
    for summary in &waiting {
        filed += file_as(s, &patient, summary, sds)?;
    }
    Ok(vec![("filed", filed.to_string())])
}
