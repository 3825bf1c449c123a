//! Prescribing judged on what reaches EPS (profile §28): the candidate is
//! asked to issue the prescription the scenario built, as its prescriber
//! would (trigger or tester), and the prescription-order message it sends
//! the hosted EPS is what the rules judge. A prescription the candidate
//! must not issue is one it declines and sends EPS nothing of; a
//! cancellation is judged on the prescription-order-update it sends, and
//! on what it tells the prescriber when EPS will not cancel.

use serde_json::Value;

use crate::fhir::gpc;
use crate::fhir::views::Bundle;
use crate::national::Service;
use crate::steps::consumer::eps::{cancellations_of, event, group_id, order, prescription, resources};
use crate::steps::consumer::{act, body_json, did_act, fail_with, inbound, latest, listing, succeeded};
use crate::steps::eps::prescribing::{build, draft, medicine};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^the candidate has issued "([^"]+)" for "([^"]+)" as "([^"]+)"( for its dispensary)?$"# => has_issued, "Setup: asks the candidate to issue an acute prescription of this medicine (as `a prescription for … of …` builds it; nominated to the practice's own dispensary, by its ODS code, when asked) and expects it issued, its order accepted by EPS; the prescription is then known by this label."),
        step!(Given r#"^the candidate has cancelled the prescription "([^"]+)"$"# => has_cancelled, "Setup: asks the candidate to cancel the prescription (reason 0001) and expects it carried out."),
        step!(Given r#"^the prescription is for "([^"]+)" instead$"# => for_patient, "The prescription names this fixture patient (by NHS number) instead; for a patient the candidate does not hold, such as patientNotInSystem."),
        step!(Given r#"^EPS has recorded "([^"]+)" as dispensed$"# => dispensed, "The hosted EPS records this prescription as dispensed by a pharmacy: a cancellation of it is refused as EPS refuses one (400, status history R-0004)."),
        step!(When r#"^the candidate is asked to issue the prescription$"# => ask_issue, "Asks the candidate (trigger action `issue-prescription`, or the tester) to issue the prescription built so far: each element it has becomes a parameter (profile §37.1), and an element it lacks is not sent."),
        step!(When r#"^the candidate is asked to cancel the prescription "([^"]+)" because "([^"]*)"$"# => cancel_because, "Asks the candidate to cancel the prescription (by the ID it sent EPS) with this reason code (EPS's cancellation reasons, 0001 … 0008)."),
        step!(When r#"^the candidate is asked to cancel the prescription "([^"]+)" without a reason$"# => cancel_without, "The same, with no reason."),
        step!(Then r#"^the candidate issued the prescription as "([^"]+)"$"# => issued, "The candidate carried out the action and, during it, EPS accepted a prescription-order message from it; the prescription is then known by this label through that order's prescription ID."),
        step!(Then r#"^the candidate sent EPS nothing in its latest action$"# => nothing_sent, "No request reached the hosted EPS during the latest action."),
        step!(Then r#"^the EPS order for "([^"]+)" is as prescribed$"# => as_prescribed, "The order's MedicationRequest is status active with the intent of its kind (acute `order`, repeat `instance-order`, repeat dispensing `original-order`), and holds what was prescribed: the medicine's dm+d code and name (SNOMED CT), the dosage text, dose and frequency, the quantity and its unit, the quantity in words if any; its subject is a Patient with the NHS number and its requester a PractitionerRole whose Practitioner has the prescriber's SDS user id."),
        step!(Then r#"^the EPS order for "([^"]+)" identifies its item by a UUID$"# => item_uuid, "The MedicationRequest's identifier in `https://fhir.nhs.uk/Id/prescription-order-item-number` is a UUID, as is the long-form prescription ID (Extension-DM-PrescriptionId)."),
        step!(Then r#"^the prescription ID of "([^"]+)" carries the practice's ODS code$"# => carries_ods, "The ID's middle block is the practice's ODS code, zero-padded to six."),
        step!(Then r#"^the EPS orders for "([^"]+)" and "([^"]+)" have different prescription IDs and items$"# => different, "Different short-form IDs, long-form IDs and item identifiers."),
        step!(Then r#"^the EPS order for "([^"]+)" was authored just now by the prescriber$"# => authored_now, "authoredOn within two minutes of when the candidate was asked, and the requester's Practitioner has the SDS user id prescribed."),
        step!(Then r#"^the EPS order for "([^"]+)" nominates "([^"]*)"$"# => nominates, "dispenseRequest.performer names this ODS code."),
        step!(Then r#"^the EPS order for "([^"]+)" nominates no dispenser$"# => nominates_none, "dispenseRequest has no performer."),
        step!(Then r#"^the EPS order for "([^"]+)" is valid from today for (6 months|28 days|12 months)$"# => valid_for, "dispenseRequest.validityPeriod starts today; it ends this long after, or (6 months and 28 days, which EPS and the dispenser apply by law) has no end."),
        step!(Then r#"^the EPS order for "([^"]+)" is (acute|repeat|repeat dispensing) with (\d+) further issues?$"# => is_kind, "courseOfTherapyType acute, continuous or continuous-repeat-dispensing; the further issues in dispenseRequest.numberOfRepeatsAllowed (repeat dispensing) or basedOn's Extension-EPS-RepeatInformation (repeat); an acute has none."),
        step!(Then r#"^the EPS order for "([^"]+)" is a Schedule (\d) controlled drug$"# => is_schedule, "EPS's Extension-DM-ControlledDrug carries `schedule`, CD2 … CD5 (system `https://fhir.nhs.uk/CodeSystem/medicationrequest-controlled-drug`)."),
        step!(Then r#"^the candidate sent EPS a cancellation of "([^"]+)" because "(\d{4})"$"# => cancelled_because, "A prescription-order-update for the prescription, MedicationRequest status cancelled with this statusReason code, accepted by EPS."),
        step!(Then r#"^the candidate sent EPS (no|\d+) cancellations? of "([^"]+)"$"# => cancellations, "Counts the prescription-order-update messages for the prescription the candidate sent during the scenario, accepted or not."),
    ]
}

/// The patient a prescription being built is for.
fn patient(w: &RfaWorld) -> Result<String, Failure> {
    w.eps.patient.clone().ok_or_else(|| Failure::Harness("begin a prescription first".into()))
}

/// A value of the prescription as a trigger parameter.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The trigger's parameters for the prescription built so far: what it
/// has, nothing it lacks (profile §37.1, `issue-prescription`).
fn params_of(rx: &Value, nhs: String) -> Vec<(String, String)> {
    let ext = |url: &str| gpc::extension(rx, url);
    let mut out = vec![("patient".to_string(), nhs)];
    let mut put = |name: &str, v: Option<&Value>| {
        if let Some(t) = v.and_then(text) {
            out.push((name.to_string(), t));
        }
    };
    let coding = rx.pointer("/medicationCodeableConcept/coding/0");
    put("medication", coding.and_then(|c| c.get("code")));
    put("medicationDisplay", coding.and_then(|c| c.get("display")));
    if coding.and_then(|c| c.get("system")).and_then(Value::as_str) != Some(gpc::SNOMED_SYSTEM) {
        put("medicationSystem", coding.and_then(|c| c.get("system")));
    }
    put("dosage", rx.pointer("/dosageInstruction/0/text"));
    put("dose", rx.pointer("/dosageInstruction/0/doseQuantity/value"));
    put("frequency", rx.pointer("/dosageInstruction/0/timing/repeat/frequency"));
    put("quantity", rx.pointer("/dispenseRequest/quantity/value"));
    put("quantityUnit", rx.pointer("/dispenseRequest/quantity/unit"));
    put("prescriber", rx.pointer("/requester/agent/identifier/value"));
    put("type", ext(gpc::PRESCRIPTION_TYPE_EXTENSION).and_then(|e| e.pointer("/valueCodeableConcept/coding/0/code")));
    put("repeats", rx.pointer("/dispenseRequest/numberOfRepeatsAllowed"));
    put("validFrom", rx.pointer("/dispenseRequest/validityPeriod/start"));
    put("validUntil", rx.pointer("/dispenseRequest/validityPeriod/end"));
    put("nominatedPharmacy", rx.pointer("/dispenseRequest/performer/identifier/value"));
    put("form", ext(gpc::PRESCRIPTION_FORM_EXTENSION).and_then(|e| e.get("valueCode")));
    put(
        "quantityWords",
        ext(gpc::CONTROLLED_DRUG_EXTENSION)
            .and_then(|cd| gpc::extension(cd, "quantityWords"))
            .and_then(|e| e.get("valueString")),
    );
    put("overrideReason", ext(gpc::ALERT_OVERRIDE_EXTENSION).and_then(|e| e.get("valueString")));
    out
}

async fn ask_issue(w: &mut RfaWorld, _: &Args) -> StepResult {
    let rx = draft(w)?.clone();
    let nhs = crate::steps::common::keys::nhs(w, &patient(w)?)?;
    act(w, "issue-prescription", params_of(&rx, nhs)).await
}

async fn has_issued(w: &mut RfaWorld, a: &Args) -> StepResult {
    let c = medicine(a.get(1))?;
    let mut rx = build(w, a.get(2), &c.code, &c.display, c.unit.as_deref().unwrap_or("tablet")).await?;
    if !a.get(4).is_empty() {
        let ods = w.ctx()?.client.config().spine.provider_ods.clone();
        rx["dispenseRequest"]["performer"] =
            serde_json::json!({ "identifier": { "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods } });
    }
    w.eps.prescription = Some(rx);
    w.eps.patient = Some(a.get(2).to_string());
    ask_issue(w, a).await?;
    setup(issued_as(w, a.get(3)))
}

/// A setup step's failure, said to be one.
pub(in crate::steps) fn setup(r: StepResult) -> StepResult {
    r.map_err(|f| match f {
        Failure::Assert(why) => Failure::Assert(format!("setup: {why}")),
        other => other,
    })
}

async fn has_cancelled(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    act(w, "cancel-prescription", vec![("prescriptionId".into(), id), ("reason".into(), "0001".into())]).await?;
    setup(did_act(w))
}

async fn for_patient(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.eps.patient = Some(a.get(1).to_string());
    Ok(())
}

async fn dispensed(w: &mut RfaWorld, a: &Args) -> StepResult {
    crate::steps::consumer::own(w).await?;
    let id = prescription(w, a.get(1))?.to_string();
    // Replayed evidence has no hosted services: EPS's answers are recorded.
    if let Some((services, sid)) = w.turn.as_ref().and_then(|t| t.services()) {
        services.eps_dispensed(sid, &id);
    }
    Ok(())
}

/// Checks the latest action issued the prescription, and keeps it by label.
fn issued_as(w: &mut RfaWorld, label: &str) -> StepResult {
    did_act(w)?;
    let accepted = latest(w, Service::Eps)
        .into_iter()
        .map(|x| (succeeded(x), body_json(x)))
        .rev()
        .filter(|(ok, b)| *ok && event(b) == "prescription-order")
        .find_map(|(_, b)| group_id(&b));
    let Some(id) = accepted else {
        return fail_with(
            w,
            format!(
                "the candidate should send EPS the prescription as a prescription-order message EPS accepts; it sent:{}",
                listing(&latest(w, Service::Eps))
            ),
        );
    };
    let nhs = crate::steps::common::keys::nhs(w, &patient(w)?)?;
    let rx = draft(w)?.clone();
    w.consumer.prescriptions.insert(label.to_string(), (id, nhs));
    w.eps.asked.insert(label.to_string(), rx);
    Ok(())
}

async fn issued(w: &mut RfaWorld, a: &Args) -> StepResult {
    issued_as(w, a.get(1))
}

async fn nothing_sent(w: &mut RfaWorld, _: &Args) -> StepResult {
    let sent = latest(w, Service::Eps);
    if !sent.is_empty() {
        return fail_with(w, format!("the candidate should send EPS nothing; it sent:{}", listing(&sent)));
    }
    Ok(())
}

/// The MedicationRequest of the order EPS accepted for a prescription, and
/// the whole message.
fn request_of(w: &RfaWorld, label: &str) -> Result<(Value, Value), Failure> {
    let (_, b) = order(w, label)?;
    let m = resources(&b, "MedicationRequest").first().map(|m| (*m).clone()).unwrap_or(Value::Null);
    Ok((m, b))
}

/// What was prescribed under a label.
fn asked<'a>(w: &'a RfaWorld, label: &str) -> Result<&'a Value, Failure> {
    w.eps.asked.get(label).ok_or_else(|| Failure::Harness(format!("no prescription \"{label}\" was issued")))
}

fn intent_of(kind: &str) -> &'static str {
    match kind {
        "repeat" => "instance-order",
        "repeat-dispensing" => "original-order",
        _ => "order",
    }
}

/// The SDS user id of the practitioner behind a requester PractitionerRole.
fn prescriber_of(b: &Value, m: &Value) -> Option<String> {
    let bundle = Bundle(b);
    let role = bundle.resolve(m.pointer("/requester/reference")?.as_str()?)?;
    let practitioner = bundle.resolve(role.json().pointer("/practitioner/reference")?.as_str()?)?;
    practitioner.identifier_values(gpc::SDS_USER_SYSTEM).first().map(|v| v.to_string())
}

fn nhs_of(b: &Value, m: &Value) -> Option<String> {
    let p = Bundle(b).resolve(m.pointer("/subject/reference")?.as_str()?)?;
    p.identifier_values(gpc::NHS_NUMBER_SYSTEM).first().map(|v| v.to_string())
}

fn same_number(a: Option<&Value>, b: Option<&Value>) -> bool {
    a.and_then(Value::as_f64) == b.and_then(Value::as_f64)
}

async fn as_prescribed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let label = a.get(1);
    let rx = asked(w, label)?.clone();
    let (m, b) = request_of(w, label)?;
    let nhs = w.consumer.prescriptions.get(label).map(|(_, n)| n.clone()).unwrap_or_default();
    let kind = gpc::extension_code(&rx, gpc::PRESCRIPTION_TYPE_EXTENSION).unwrap_or("acute").to_string();
    let mut wrong = Vec::new();
    let str_at = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    if m.get("status").and_then(Value::as_str) != Some("active") {
        wrong.push(format!("status should be active, it is {:?}", m.get("status")));
    }
    let intent = intent_of(&kind);
    if m.get("intent").and_then(Value::as_str) != Some(intent) {
        wrong.push(format!("intent should be {intent} (a {kind} prescription), it is {:?}", m.get("intent")));
    }
    let want = rx.pointer("/medicationCodeableConcept/coding/0");
    let coded =
        m.pointer("/medicationCodeableConcept/coding").and_then(Value::as_array).into_iter().flatten().any(|c| {
            c.get("system").and_then(Value::as_str) == Some(gpc::SNOMED_SYSTEM)
                && c.get("code") == want.and_then(|w| w.get("code"))
                && c.get("display") == want.and_then(|w| w.get("display"))
        });
    if !coded {
        wrong.push(format!(
            "the medicine should be {} `{}` ({}), it is {}",
            gpc::SNOMED_SYSTEM,
            want.and_then(|w| w.get("code")).and_then(Value::as_str).unwrap_or_default(),
            want.and_then(|w| w.get("display")).and_then(Value::as_str).unwrap_or_default(),
            m.get("medicationCodeableConcept").unwrap_or(&Value::Null)
        ));
    }
    let dosage = m.pointer("/dosageInstruction/0").cloned().unwrap_or(Value::Null);
    if str_at(&dosage, "/text") != str_at(&rx, "/dosageInstruction/0/text") {
        wrong.push(format!(
            "the dosage text should be {:?}, it is {:?}",
            str_at(&rx, "/dosageInstruction/0/text"),
            str_at(&dosage, "/text")
        ));
    }
    if !same_number(
        dosage.pointer("/doseAndRate/0/doseQuantity/value"),
        rx.pointer("/dosageInstruction/0/doseQuantity/value"),
    ) || !same_number(
        dosage.pointer("/timing/repeat/frequency"),
        rx.pointer("/dosageInstruction/0/timing/repeat/frequency"),
    ) {
        wrong.push(format!(
            "the dose should be {} {} times a day (doseAndRate.doseQuantity, timing.repeat.frequency), the dosage is {dosage}",
            rx.pointer("/dosageInstruction/0/doseQuantity/value").unwrap_or(&Value::Null),
            rx.pointer("/dosageInstruction/0/timing/repeat/frequency").unwrap_or(&Value::Null)
        ));
    }
    let quantity = m.pointer("/dispenseRequest/quantity").cloned().unwrap_or(Value::Null);
    let unit = |v: &Value, p: &str| str_at(v, p).map(|u| u.to_ascii_lowercase());
    if !same_number(quantity.get("value"), rx.pointer("/dispenseRequest/quantity/value"))
        || unit(&quantity, "/unit") != unit(&rx, "/dispenseRequest/quantity/unit")
    {
        wrong.push(format!(
            "the quantity should be {} {}, it is {quantity}",
            rx.pointer("/dispenseRequest/quantity/value").unwrap_or(&Value::Null),
            str_at(&rx, "/dispenseRequest/quantity/unit").unwrap_or_default()
        ));
    }
    let words_asked = gpc::extension(&rx, gpc::CONTROLLED_DRUG_EXTENSION)
        .and_then(|cd| gpc::extension(cd, "quantityWords"))
        .and_then(|e| e.get("valueString"));
    let words_sent = gpc::extension(&m, gpc::EPS_CONTROLLED_DRUG_EXTENSION)
        .and_then(|cd| gpc::extension(cd, "quantityWords"))
        .and_then(|e| e.get("valueString"));
    if let Some(words) = words_asked
        && words_sent != Some(words)
    {
        wrong.push(format!(
            "the quantity in words should be {words} in {}, it is {words_sent:?}",
            gpc::EPS_CONTROLLED_DRUG_EXTENSION
        ));
    }
    if nhs_of(&b, &m).as_deref() != Some(nhs.as_str()) {
        wrong.push(format!("the subject should be a Patient of the message with NHS number {nhs}"));
    }
    let prescriber = str_at(&rx, "/requester/agent/identifier/value");
    if prescriber_of(&b, &m) != prescriber {
        wrong.push(format!(
            "the requester should be a PractitionerRole whose Practitioner has SDS user id {prescriber:?}, it names {:?}",
            prescriber_of(&b, &m)
        ));
    }
    if !wrong.is_empty() {
        return fail_with(
            w,
            format!("the EPS order for \"{label}\" is not as prescribed:\n    - {}", wrong.join("\n    - ")),
        );
    }
    Ok(())
}

fn is_uuid(v: Option<&str>) -> bool {
    v.is_some_and(|v| uuid::Uuid::parse_str(v).is_ok())
}

fn item_of(m: &Value) -> Option<&str> {
    m.get("identifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|i| i.get("system").and_then(Value::as_str) == Some(gpc::PRESCRIPTION_ITEM_SYSTEM))
        .and_then(|i| i.get("value"))
        .and_then(Value::as_str)
}

fn long_form_of(m: &Value) -> Option<&str> {
    gpc::extension(m.get("groupIdentifier")?, "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionId")?
        .pointer("/valueIdentifier/value")?
        .as_str()
}

async fn item_uuid(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (m, _) = request_of(w, a.get(1))?;
    if !is_uuid(item_of(&m)) || !is_uuid(long_form_of(&m)) {
        return fail_with(
            w,
            format!(
                "the item ({}) and the long-form prescription ID (Extension-DM-PrescriptionId) should be UUIDs; they are {:?} and {:?}",
                gpc::PRESCRIPTION_ITEM_SYSTEM,
                item_of(&m),
                long_form_of(&m)
            ),
        );
    }
    Ok(())
}

async fn carries_ods(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    let ods = w.ctx()?.client.config().spine.provider_ods.to_ascii_uppercase();
    let want = format!("{ods:0>6}");
    let middle = id.get(7..13).unwrap_or_default();
    if middle != want {
        return fail_with(
            w,
            format!(
                "the prescription ID's middle block should be the practice's ODS code {want}; `{id}` has `{middle}`"
            ),
        );
    }
    Ok(())
}

async fn different(w: &mut RfaWorld, a: &Args) -> StepResult {
    let ((x, _), (y, _)) = (request_of(w, a.get(1))?, request_of(w, a.get(2))?);
    let pairs = [
        (
            "short-form ID",
            x.pointer("/groupIdentifier/value").and_then(Value::as_str),
            y.pointer("/groupIdentifier/value").and_then(Value::as_str),
        ),
        ("long-form ID", long_form_of(&x), long_form_of(&y)),
        ("item identifier", item_of(&x), item_of(&y)),
    ];
    for (what, p, q) in pairs {
        if p.is_none() || p == q {
            return fail_with(w, format!("two prescriptions should have different {what}s; they have {p:?} and {q:?}"));
        }
    }
    Ok(())
}

async fn authored_now(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (m, b) = request_of(w, a.get(1))?;
    let Some(at) = crate::steps::common::stamps::at(m.get("authoredOn")) else {
        return fail_with(w, "the order should carry authoredOn, when the prescription was issued");
    };
    if let Err(why) = crate::steps::common::stamps::stamped_at_request(w, at) {
        return fail_with(w, format!("the order's authoredOn should be when it was issued: {why}"));
    }
    let want =
        asked(w, a.get(1))?.pointer("/requester/agent/identifier/value").and_then(Value::as_str).map(str::to_string);
    if prescriber_of(&b, &m) != want {
        return fail_with(w, format!("the prescriber should be {want:?}, the order names {:?}", prescriber_of(&b, &m)));
    }
    Ok(())
}

async fn nominates(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (m, _) = request_of(w, a.get(1))?;
    let n = m.pointer("/dispenseRequest/performer/identifier");
    let ok = n.and_then(|i| i.get("system")).and_then(Value::as_str) == Some(gpc::ODS_ORGANIZATION_SYSTEM)
        && n.and_then(|i| i.get("value")).and_then(Value::as_str) == Some(a.get(2));
    if !ok {
        return fail_with(w, format!("the order should nominate ODS code {}, its performer is {n:?}", a.get(2)));
    }
    Ok(())
}

async fn nominates_none(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (m, _) = request_of(w, a.get(1))?;
    if let Some(p) = m.pointer("/dispenseRequest/performer") {
        return fail_with(w, format!("the order should nominate no dispenser, its performer is {p}"));
    }
    Ok(())
}

async fn valid_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (m, _) = request_of(w, a.get(1))?;
    let today = crate::support::clock::today();
    let (end, optional) = match a.get(2) {
        "6 months" => (crate::support::clock::add_months(today, 6), true),
        "12 months" => (crate::support::clock::add_months(today, 12), false),
        _ => (today + time::Duration::days(28), true),
    };
    let period = m.pointer("/dispenseRequest/validityPeriod").cloned().unwrap_or(Value::Null);
    let day = |k: &str| period.get(k).and_then(Value::as_str).and_then(|s| s.get(..10)).map(str::to_string);
    let (start_ok, end_ok) = (
        day("start") == Some(crate::support::clock::ymd(today)),
        day("end") == Some(crate::support::clock::ymd(end)) || (optional && day("end").is_none()),
    );
    if !start_ok || !end_ok {
        return fail_with(
            w,
            format!(
                "the order should be valid from {} to {} ({}), its validityPeriod is {period}",
                crate::support::clock::ymd(today),
                crate::support::clock::ymd(end),
                a.get(2)
            ),
        );
    }
    Ok(())
}

async fn is_kind(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (m, _) = request_of(w, a.get(1))?;
    let (course, intent) = match a.get(2) {
        "repeat" => ("continuous", "instance-order"),
        "repeat dispensing" => ("continuous-repeat-dispensing", "original-order"),
        _ => ("acute", "order"),
    };
    let repeat_info = m
        .get("basedOn")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|b| gpc::extension(b, "https://fhir.nhs.uk/StructureDefinition/Extension-EPS-RepeatInformation"))
        .and_then(|e| gpc::extension(e, "numberOfRepeatsAllowed"))
        .and_then(|e| e.get("valueInteger"))
        .and_then(Value::as_u64);
    let n = match a.get(2) {
        "repeat" => repeat_info,
        _ => m.pointer("/dispenseRequest/numberOfRepeatsAllowed").and_then(Value::as_u64),
    }
    .unwrap_or(0);
    let got = (
        m.pointer("/courseOfTherapyType/coding/0/code").and_then(Value::as_str).unwrap_or_default(),
        m.get("intent").and_then(Value::as_str).unwrap_or_default(),
    );
    if got != (course, intent) || n.to_string() != a.get(3) {
        return fail_with(
            w,
            format!(
                "the order should be {course} ({intent}) with {} further issues; it is {} ({}) with {n}",
                a.get(3),
                got.0,
                got.1
            ),
        );
    }
    Ok(())
}

async fn is_schedule(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (m, _) = request_of(w, a.get(1))?;
    let schedule = gpc::extension(&m, gpc::EPS_CONTROLLED_DRUG_EXTENSION)
        .and_then(|cd| gpc::extension(cd, "schedule"))
        .and_then(|x| x.get("valueCoding"));
    let want = format!("CD{}", a.get(2));
    let ok = schedule.and_then(|c| c.get("system")).and_then(Value::as_str) == Some(gpc::EPS_CONTROLLED_DRUG_SYSTEM)
        && schedule.and_then(|c| c.get("code")).and_then(Value::as_str) == Some(want.as_str());
    if !ok {
        return fail_with(
            w,
            format!(
                "the order should say it is a controlled drug of schedule {want} ({} `schedule`), it says {schedule:?}",
                gpc::EPS_CONTROLLED_DRUG_EXTENSION
            ),
        );
    }
    Ok(())
}

async fn cancel_because(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    act(w, "cancel-prescription", vec![("prescriptionId".into(), id), ("reason".into(), a.get(2).to_string())]).await
}

async fn cancel_without(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    act(w, "cancel-prescription", vec![("prescriptionId".into(), id)]).await
}

async fn cancelled_because(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(1))?.to_string();
    let reason = a.get(2);
    let found = cancellations_of(w, &id).into_iter().any(|(ok, m)| {
        ok && m.get("status").and_then(Value::as_str) == Some("cancelled")
            && m.pointer("/statusReason/coding").and_then(Value::as_array).into_iter().flatten().any(|c| {
                c.get("system").and_then(Value::as_str) == Some(gpc::STATUS_REASON_SYSTEM)
                    && c.get("code").and_then(Value::as_str) == Some(reason)
            })
    });
    if !found {
        return fail_with(
            w,
            format!(
                "the candidate should send EPS a prescription-order-update cancelling {id}: MedicationRequest status cancelled, statusReason {} `{reason}`, accepted by EPS; it sent:{}",
                gpc::STATUS_REASON_SYSTEM,
                listing(&inbound(w, Service::Eps))
            ),
        );
    }
    Ok(())
}

async fn cancellations(w: &mut RfaWorld, a: &Args) -> StepResult {
    let id = prescription(w, a.get(2))?.to_string();
    let n = cancellations_of(w, &id).len();
    let want = if a.get(1) == "no" { 0 } else { a.get(1).parse().unwrap_or(0) };
    if n != want {
        return fail_with(w, format!("the candidate should send EPS {want} cancellation(s) of {id}, it sent {n}"));
    }
    Ok(())
}
