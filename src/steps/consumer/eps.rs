//! Prescribing as a client of EPS (EPS, profile §37.3): what the candidate
//! submits to the hosted EPS — the message, its identifiers and signature,
//! its retries and cancellations — judged from the requests it made.

use base64::Engine as _;
use serde_json::Value;

use crate::evidence::Exchange;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, MESSAGE_EVENT_SYSTEM, PRESCRIPTION_ORDER_SYSTEM, SNOMED_SYSTEM};
use crate::national::Service;
use crate::steps::consumer::{act, body_json, fail_with, inbound, latest, succeeded};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

const MEDICINE: (&str, &str) = ("322236009", "Paracetamol 500mg tablets");

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(When r#"^the candidate is asked to issue a prescription "([^"]+)" for "(patient\d+)"$"# => issue, "Asks the candidate to issue an acute prescription of Paracetamol 500mg tablets (dm+d 322236009), 21, one tablet three times a day, for the fixture patient, prescribed by practitioner1; the prescription is then known by its label through the prescription ID the candidate sent EPS."),
        step!(When r#"^the candidate is asked to cancel the prescription "([^"]+)"$"# => cancel, "Asks the candidate to cancel this prescription (by the ID it sent EPS), reason 0001 Prescribing Error."),
        step!(When r#"^the candidate is asked to send the prescriptions it holds$"# => send_held, "Asks the candidate to send the prescriptions it held while EPS was unavailable."),
        step!(Then r#"^the candidate submitted "([^"]+)" to EPS as a prescription order$"# => submitted, "An EPS `$process-message` request with a Bundle of type message and an identifier; a first entry MessageHeader with event prescription-order; a MedicationRequest, intent order, status active, with the prescription ID, the medicine's dm+d code (a SNOMED CT concept, system `http://snomed.info/sct`, as EPS requires) and the patient's NHS number; and EPS accepted it."),
        step!(Then r#"^EPS accepted "([^"]+)"$"# => accepted, "EPS answered the latest prescription order for this prescription with 2xx."),
        step!(Then r#"^the prescription ID of "([^"]+)" is well-formed$"# => well_formed, "The prescription ID has EPS's short form (XXXXXX-XXXXXX-XXXXXC) and a correct check character."),
        step!(Then r#"^"([^"]+)" and "([^"]+)" have different prescription IDs$"# => different, "Two prescriptions were given different prescription IDs."),
        step!(Then r#"^the EPS order for "([^"]+)" names the prescriber, the practice and the patient$"# => names, "The MedicationRequest's requester is a PractitionerRole of the message (as EPS requires) whose practitioner is a Practitioner with the prescriber's SDS user id and whose organization is an Organization with the practice's ODS code; the Patient has the NHS number."),
        step!(Then r#"^the EPS order for "([^"]+)" is signed by the prescriber$"# => signed, "A Provenance whose target is the MedicationRequest, with a signature: a type, a time, who (the requester, the prescriber's PractitionerRole) and data (base64, not empty)."),
        step!(Then r#"^the candidate sent "([^"]+)" to EPS (\d+) times?$"# => times, "Counts the prescription-order requests carrying this prescription's ID."),
        step!(Then r#"^the candidate sent "([^"]+)" to EPS at most (\d+) times$"# => at_most, "The same, at most."),
        step!(Then r#"^every EPS request for "([^"]+)" was the same message$"# => same_message, "Every prescription-order request for the prescription had the same message identifier, prescription ID and X-Request-ID (so EPS can recognise a retry)."),
        step!(Then r#"^the candidate sent EPS a cancellation of "([^"]+)"$"# => cancellation, "A prescription-order-update message whose MedicationRequest has status cancelled, a statusReason and the prescription's own ID, accepted by EPS."),
        step!(Then r#"^the candidate did not send "([^"]+)" to EPS in its latest action$"# => not_sent, "No prescription-order request carried this prescription's ID during the latest action."),
        step!(Then r#"^the candidate sent "([^"]+)" to EPS in its latest action$"# => sent_latest, "A prescription-order request carrying this prescription's ID, accepted by EPS, during the latest action."),
    ]
}

/// The message's resources by type.
pub(crate) fn resources<'a>(bundle: &'a Value, ty: &str) -> Vec<&'a Value> {
    crate::steps::common::bundle::resources(bundle, ty)
}

pub(crate) fn event(bundle: &Value) -> &str {
    bundle.pointer("/entry/0/resource/eventCoding/code").and_then(Value::as_str).unwrap_or_default()
}

pub(crate) fn group_id(bundle: &Value) -> Option<String> {
    resources(bundle, "MedicationRequest")
        .first()
        .and_then(|m| m.pointer("/groupIdentifier/value"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

pub(crate) fn prescription<'a>(w: &'a RfaWorld, label: &str) -> Result<&'a str, Failure> {
    w.consumer.prescriptions.get(label).map(|(id, _)| id.as_str()).ok_or_else(|| {
        Failure::Assert(format!(
            "the candidate sent EPS no prescription order for \"{label}\", so it has no prescription ID\n    the candidate's requests:{}\n    exchange: {}",
            crate::steps::consumer::listing(&w.consumer.inbound.iter().collect::<Vec<_>>()),
            w.last_exchange()
        ))
    })
}

/// The NHS number of the patient a prescription was issued for.
fn patient_of(w: &RfaWorld, label: &str) -> String {
    w.consumer.prescriptions.get(label).map(|(_, nhs)| nhs.clone()).unwrap_or_default()
}

/// The prescription-order requests for a prescription.
pub(crate) fn orders<'a>(xs: Vec<&'a Exchange>, id: &str) -> Vec<&'a Exchange> {
    xs.into_iter()
        .filter(|x| {
            let b = body_json(x);
            event(&b) == "prescription-order" && group_id(&b).as_deref() == Some(id)
        })
        .collect()
}

async fn issue(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = crate::steps::common::keys::nhs(w, a.get(2))?;
    let prescriber = crate::steps::common::keys::sds(w, "practitioner1")?;
    let params = [
        ("patient", nhs.clone()),
        ("medication", MEDICINE.0.to_string()),
        ("medicationDisplay", MEDICINE.1.to_string()),
        ("quantity", "21".to_string()),
        ("dosage", "One tablet three times a day".to_string()),
        ("dose", "1".to_string()),
        ("frequency", "3".to_string()),
        ("type", "acute".to_string()),
        ("prescriber", prescriber),
    ];
    act(w, "issue-prescription", params.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).await?;
    // The ID EPS accepted, else the first one sent.
    let sent: Vec<(bool, Value)> = latest(w, Service::Eps).into_iter().map(|x| (succeeded(x), body_json(x))).collect();
    let orders: Vec<&(bool, Value)> = sent.iter().filter(|(_, b)| event(b) == "prescription-order").collect();
    let id = orders.iter().rev().find(|(ok, _)| *ok).or(orders.first()).and_then(|(_, b)| group_id(b));
    if let Some(id) = id {
        w.consumer.prescriptions.insert(a.get(1).to_string(), (id, nhs));
    }
    Ok(())
}

async fn cancel(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    act(w, "cancel-prescription", vec![("prescriptionId".into(), id), ("reason".into(), "0001".into())]).await
}

async fn send_held(w: &mut RfaWorld, _: &Args) -> StepResult {
    act(w, "send-held-prescriptions", vec![]).await
}

/// The last order for the prescription EPS accepted, else the last one.
pub(crate) fn order<'a>(w: &'a RfaWorld, label: &str) -> Result<(&'a Exchange, Value), Failure> {
    let id = prescription(w, label)?;
    let all = orders(inbound(w, Service::Eps), id);
    let x = all.iter().rev().find(|x| succeeded(x)).or(all.last()).copied();
    match x {
        Some(x) => Ok((x, body_json(x))),
        None => fail_with(w, format!("the candidate sent EPS no prescription order with ID {id}")),
    }
}

async fn submitted(w: &mut RfaWorld, a: &Args) -> StepResult {
    let label = a.get(1);
    let (x, b) = order(w, label)?;
    let mut wrong = Vec::new();
    if b.get("type").and_then(Value::as_str) != Some("message") {
        wrong.push("the Bundle's type should be message".to_string());
    }
    if b.pointer("/identifier/value").and_then(Value::as_str).is_none_or(str::is_empty) {
        wrong.push("the Bundle should have an identifier".into());
    }
    if b.pointer("/entry/0/resource/eventCoding/system").and_then(Value::as_str) != Some(MESSAGE_EVENT_SYSTEM) {
        wrong.push(format!("the MessageHeader's event should be in {MESSAGE_EVENT_SYSTEM}"));
    }
    let requests = resources(&b, "MedicationRequest");
    if requests.is_empty() {
        wrong.push("the message should hold the MedicationRequest".into());
    }
    for m in &requests {
        if m.get("intent").and_then(Value::as_str) != Some("order")
            || m.get("status").and_then(Value::as_str) != Some("active")
        {
            wrong.push("the MedicationRequest should be intent order, status active".into());
        }
        if m.pointer("/groupIdentifier/system").and_then(Value::as_str) != Some(PRESCRIPTION_ORDER_SYSTEM) {
            wrong.push(format!("the prescription ID should be in {PRESCRIPTION_ORDER_SYSTEM}"));
        }
        let coded =
            m.pointer("/medicationCodeableConcept/coding").and_then(Value::as_array).into_iter().flatten().any(|c| {
                c.get("system").and_then(Value::as_str) == Some(SNOMED_SYSTEM)
                    && c.get("code").and_then(Value::as_str) == Some(MEDICINE.0)
            });
        if !coded {
            wrong.push(format!(
                "the medicine should be coded with its dm+d code in {SNOMED_SYSTEM} ({} {}), as EPS reads it",
                MEDICINE.0, MEDICINE.1
            ));
        }
    }
    let nhs = patient_of(w, label);
    if !patient_numbers(&b).contains(&nhs) {
        wrong.push(format!("the message should carry the patient's NHS number {nhs}"));
    }
    if !succeeded(x) {
        wrong.push(format!("EPS did not accept it: {}", x.summary()));
    }
    if !wrong.is_empty() {
        return fail_with(
            w,
            format!("the prescription order for \"{label}\" is not as EPS requires: {}", wrong.join("; ")),
        );
    }
    Ok(())
}

fn patient_numbers(b: &Value) -> Vec<String> {
    resources(b, "Patient")
        .iter()
        .flat_map(|p| crate::steps::common::bundle::identifiers(p, gpc::NHS_NUMBER_SYSTEM))
        .map(str::to_string)
        .collect()
}

async fn accepted(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (x, _) = order(w, a.get(1))?;
    if !succeeded(x) {
        let what = x.summary();
        return fail_with(w, format!("EPS should accept the prescription in the end; the last attempt was {what}"));
    }
    Ok(())
}

async fn well_formed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    if let Err(e) = crate::fhir::prescription_id::validate(&id) {
        return fail_with(w, format!("the prescription ID `{id}` is not well-formed: {e}"));
    }
    Ok(())
}

async fn different(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (x, y) = (prescription(w, a.get(1))?.to_string(), prescription(w, a.get(2))?.to_string());
    if x == y {
        return fail_with(w, format!("two prescriptions should have different IDs; both are `{x}`"));
    }
    Ok(())
}

async fn names(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, b) = order(w, a.get(1))?;
    let prescriber = crate::steps::common::keys::sds(w, "practitioner1")?;
    let practice = w.ctx()?.client.config().spine.provider_ods.clone();
    let requester = resources(&b, "MedicationRequest")
        .first()
        .and_then(|m| m.pointer("/requester/reference"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let message = crate::fhir::views::Bundle(&b);
    let by_url = |url: &str| message.resolve(url).map(|r| r.json());
    let mut wrong = Vec::new();
    // EPS resolves the requester to a PractitionerRole and reads the
    // prescriber and the organisation through it (its bundle validator).
    let role = by_url(&requester).filter(|r| r.as_resource().resource_type() == Some("PractitionerRole"));
    match &role {
        None => wrong.push(format!(
            "the MedicationRequest's requester `{requester}` should be a PractitionerRole entry of the message, as EPS requires"
        )),
        Some(role) => {
            let by_ref = |path: &str| role.pointer(path).and_then(Value::as_str).and_then(&by_url);
            match by_ref("/practitioner/reference") {
                Some(p) if crate::steps::common::bundle::identifiers(p, gpc::SDS_USER_SYSTEM)
                    .contains(&prescriber.as_str()) => {}
                Some(_) => wrong.push(format!(
                    "the PractitionerRole's practitioner should carry the prescriber's SDS user id {prescriber}"
                )),
                None => wrong.push("the PractitionerRole's practitioner should be a Practitioner entry of the message".into()),
            }
            match by_ref("/organization/reference") {
                Some(o) if crate::steps::common::bundle::identifiers(o, gpc::ODS_ORGANIZATION_SYSTEM)
                    .contains(&practice.as_str()) => {}
                _ => wrong.push(format!(
                    "the PractitionerRole's organization should be an Organization entry with the practice's ODS code {practice}"
                )),
            }
        }
    }
    let nhs = patient_of(w, a.get(1));
    if !patient_numbers(&b).contains(&nhs) {
        wrong.push(format!("the Patient should carry the NHS number {nhs}"));
    }
    if !wrong.is_empty() {
        return fail_with(w, wrong.join("; "));
    }
    Ok(())
}

async fn signed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, b) = order(w, a.get(1))?;
    let target = b
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|e| e.pointer("/resource/resourceType").and_then(Value::as_str) == Some("MedicationRequest"))
        .and_then(|e| e.get("fullUrl").and_then(Value::as_str))
        .unwrap_or_default()
        .to_string();
    let requester = resources(&b, "MedicationRequest")
        .first()
        .and_then(|m| m.pointer("/requester/reference").and_then(Value::as_str))
        .unwrap_or_default()
        .to_string();
    let ok = resources(&b, "Provenance").iter().any(|p| {
        let targets = p.get("target").and_then(Value::as_array).into_iter().flatten();
        let covers = targets.filter_map(|t| t.as_reference().reference()).any(|r| r == target);
        let sig = p.pointer("/signature/0").cloned().unwrap_or(Value::Null);
        let data = sig.get("data").and_then(Value::as_str).unwrap_or_default();
        covers
            && sig.pointer("/type/0/code").is_some()
            && sig.get("when").and_then(Value::as_str).is_some()
            && sig.pointer("/who/reference").and_then(Value::as_str) == Some(requester.as_str())
            && base64::engine::general_purpose::STANDARD.decode(data).is_ok_and(|d| !d.is_empty())
    });
    if !ok {
        return fail_with(
            w,
            "the order should carry the prescriber's signature: a Provenance targeting the MedicationRequest with a signature (type, when, who = the requester, base64 data)",
        );
    }
    Ok(())
}

async fn times(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    let n = orders(inbound(w, Service::Eps), &id).len();
    let want: usize = a.get(2).parse().unwrap_or(0);
    if n != want {
        return fail_with(
            w,
            format!("the candidate should send prescription {id} to EPS {want} time(s), it sent it {n}"),
        );
    }
    Ok(())
}

async fn at_most(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    let n = orders(inbound(w, Service::Eps), &id).len();
    let want: usize = a.get(2).parse().unwrap_or(0);
    if n > want {
        return fail_with(w, format!("the candidate should try EPS at most {want} times for {id}, it tried {n}"));
    }
    Ok(())
}

async fn same_message(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    let eps = inbound(w, Service::Eps);
    // A retry with new identifiers carries another prescription ID: take
    // every prescription-order of the scenario (it issues one prescription).
    let all: Vec<&Exchange> = eps.into_iter().filter(|x| event(&body_json(x)) == "prescription-order").collect();
    let keys: std::collections::BTreeSet<(String, Option<String>, String)> = all
        .iter()
        .map(|x| {
            let b = body_json(x);
            (
                b.pointer("/identifier/value").and_then(Value::as_str).unwrap_or_default().to_string(),
                group_id(&b),
                x.request.header("X-Request-ID").unwrap_or_default().to_string(),
            )
        })
        .collect();
    if all.len() < 2 || keys.len() != 1 {
        return fail_with(
            w,
            format!(
                "a retry of {id} should resend the same message (identifier, prescription ID, X-Request-ID); the candidate sent {} order(s) with {} different identities: {keys:?}",
                all.len(),
                keys.len()
            ),
        );
    }
    Ok(())
}

/// The cancellations of a prescription the candidate sent: (accepted, the
/// MedicationRequest).
pub(crate) fn cancellations_of(w: &RfaWorld, id: &str) -> Vec<(bool, Value)> {
    inbound(w, Service::Eps)
        .into_iter()
        .filter_map(|x| {
            let b = body_json(x);
            (event(&b) == "prescription-order-update" && group_id(&b).as_deref() == Some(id)).then(|| {
                (succeeded(x), resources(&b, "MedicationRequest").first().map(|m| (*m).clone()).unwrap_or(Value::Null))
            })
        })
        .collect()
}

async fn cancellation(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    let found = cancellations_of(w, &id).into_iter().any(|(ok, m)| {
        ok && m.get("status").and_then(Value::as_str) == Some("cancelled") && m.get("statusReason").is_some()
    });
    if !found {
        return fail_with(
            w,
            format!(
                "the candidate should send EPS a prescription-order-update cancelling {id} (MedicationRequest status cancelled with a statusReason, the same prescription ID)"
            ),
        );
    }
    Ok(())
}

async fn not_sent(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    let n = orders(latest(w, Service::Eps), &id).len();
    if n > 0 {
        return fail_with(
            w,
            format!("the candidate should not send {id} to EPS (it was cancelled), it sent it {n} time(s)"),
        );
    }
    Ok(())
}

async fn sent_latest(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    if !orders(latest(w, Service::Eps), &id).into_iter().any(succeeded) {
        return fail_with(
            w,
            format!("the candidate should send the held prescription {id} to EPS now that it is back"),
        );
    }
    Ok(())
}
