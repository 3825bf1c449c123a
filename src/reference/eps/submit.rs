//! Prescribing through EPS as a GP system does: a signed prescription-order
//! message, resent unchanged (same message identifier, prescription ID and
//! X-Request-ID) while EPS is briefly unavailable, at most [`ATTEMPTS`]
//! times; held when EPS stays down, sent later, and never sent once
//! cancelled.

use std::sync::Mutex;

use base64::Engine as _;
use serde_json::{Value, json};

use crate::fhir::gpc::{
    self, MESSAGE_EVENT_SYSTEM, NHS_NUMBER_SYSTEM, ODS_ORGANIZATION_SYSTEM, PRESCRIPTION_ORDER_SYSTEM,
    SDS_ROLE_PROFILE_SYSTEM, SDS_USER_SYSTEM, SNOMED_SYSTEM,
};
use crate::reference::State;
use crate::reference::eps::defects::EpsDefect;
use crate::reference::eps::prescribing::{CANCEL_REASONS, Via, admit, invalid};
use crate::reference::outbound::{Action, Reply, call, failed, has, http};
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;

/// EPS's record of what became of a prescription, on its cancel response.
pub const STATUS_HISTORY_EXTENSION: &str =
    "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionStatusHistory";

/// What the practice remembers of its dealings with EPS.
#[derive(Debug, Default)]
pub struct Submissions {
    /// Prescriptions EPS accepted: prescription ID ([`scoped`]) → the
    /// order message.
    issued: Mutex<Vec<(String, Value)>>,
    /// Prescriptions held while EPS was unavailable: (scoped ID, message,
    /// cancelled).
    held: Mutex<Vec<(String, Value, bool)>>,
    /// Scoped prescription IDs → the prescription as issued (its local
    /// id), for cancelling it.
    local: Mutex<Vec<(String, String)>>,
}

/// Attempts at one submission before it is held (profile §37).
pub const ATTEMPTS: usize = 3;

type Parts = Vec<(&'static str, String)>;

/// A prescription ID as the practice files it: with the EPS it was sent to
/// (the `nationalServices` address; one per scenario when the harness
/// gives each its own), so that what one EPS holds never answers for
/// another's.
pub(in crate::reference) fn scoped(a: &Action, id: &str) -> String {
    format!("{} {id}", scope(a))
}

fn scope(a: &Action) -> &str {
    a.services.as_ref().map_or("", |u| u.as_str())
}

/// A prescription ID EPS has never seen (a defect's "new" ID).
fn fresh_id(s: &State) -> String {
    let random = uuid::Uuid::new_v4().as_u128() as u32;
    crate::fhir::prescription_id::generate(random, &s.ods_code, random % 0xFFFF).unwrap_or_default()
}

/// The same ID with another check character.
fn bad_check(id: &str) -> String {
    let last = if id.ends_with('A') { 'B' } else { 'A' };
    format!("{}{last}", &id[..id.len().saturating_sub(1)])
}

/// The SNOMED CT unit of measure EPS expects with a quantity (dm+d's units
/// of presentation; EPS's examples use these codes).
fn unit_code(unit: &str) -> &'static str {
    match unit {
        "tablet" => "428673006",
        "capsule" => "428641000",
        "ml" => "258773002",
        _ => "",
    }
}

/// The prescription the trigger's parameters describe, as the extension's
/// MedicationRequest, so that [`admit`] judges it as it judges one sent to
/// `POST MedicationRequest`: what the prescriber chose, nothing filled in.
fn prescription_of(s: &State, a: &Action) -> Result<Value, Outcome> {
    // Numbers keep the form they were given in (28, not 28.0).
    let number = |name: &str| -> Result<Option<Value>, Outcome> {
        a.param(name)
            .map(|v| {
                serde_json::from_str::<serde_json::Number>(v.trim())
                    .map(Value::Number)
                    .map_err(|_| invalid(format!("`{name}` must be a number, not `{v}`")))
            })
            .transpose()
    };
    let nhs = a.required("patient")?;
    let patient = s.store.by_nhs_number(nhs).next().map_or_else(|| format!("nhs-{nhs}"), |p| p.id.clone());
    let code = a.param("medication").unwrap_or_default();
    let concept = crate::medicines::terminology().concept(code);
    let mut rx = json!({
        "resourceType": "MedicationRequest",
        "intent": "order",
        "status": "active",
        "medicationCodeableConcept": { "coding": [{
            "system": a.param("medicationSystem").unwrap_or(SNOMED_SYSTEM),
            "code": code,
            // The prescriber's pick names the product when the trigger
            // gives its name; picked by code alone, the knowledge base
            // names it (RFA-KNW-001).
            "display": a.param("medicationDisplay").map(str::to_string).or_else(|| concept.map(|c| crate::reference::knw::name_of(s, c))).unwrap_or_default()
        }] },
        "subject": { "reference": format!("Patient/{patient}") },
    });
    let mut extension = Vec::new();
    if let Some(t) = a.param("type") {
        extension.push(json!({ "url": gpc::PRESCRIPTION_TYPE_EXTENSION, "valueCodeableConcept": { "coding": [{ "system": gpc::PRESCRIPTION_TYPE_SYSTEM, "code": t }] } }));
    }
    if let Some(f) = a.param("form") {
        extension.push(json!({ "url": gpc::PRESCRIPTION_FORM_EXTENSION, "valueCode": f }));
    }
    if let Some(w) = a.param("quantityWords") {
        extension.push(json!({ "url": gpc::CONTROLLED_DRUG_EXTENSION, "extension": [{ "url": "quantityWords", "valueString": w }] }));
    }
    if let Some(r) = a.param("overrideReason") {
        extension.push(json!({ "url": gpc::ALERT_OVERRIDE_EXTENSION, "valueString": r }));
    }
    if !extension.is_empty() {
        rx["extension"] = json!(extension);
    }
    if let Some(p) = a.param("prescriber") {
        rx["requester"] = json!({ "agent": { "identifier": { "system": SDS_USER_SYSTEM, "value": p } } });
    }
    let mut dosage = serde_json::Map::new();
    if let Some(t) = a.param("dosage") {
        dosage.insert("text".into(), json!(t));
    }
    let unit = a.param("quantityUnit").or(concept.and_then(|c| c.unit.as_deref())).unwrap_or("tablet");
    if let Some(d) = number("dose")? {
        dosage.insert("doseQuantity".into(), json!({ "value": d, "unit": unit }));
    }
    if let Some(f) = number("frequency")? {
        dosage.insert("timing".into(), json!({ "repeat": { "frequency": f, "period": 1, "periodUnit": "d" } }));
    }
    if !dosage.is_empty() {
        rx["dosageInstruction"] = json!([dosage]);
    }
    let mut dispense = serde_json::Map::new();
    if let Some(q) = number("quantity")? {
        dispense.insert("quantity".into(), json!({ "value": q, "unit": unit }));
    }
    if let Some(n) = number("repeats")? {
        dispense.insert("numberOfRepeatsAllowed".into(), n);
    }
    let mut validity = serde_json::Map::new();
    for (param, key) in [("validFrom", "start"), ("validUntil", "end")] {
        if let Some(v) = a.param(param) {
            validity.insert(key.into(), json!(v));
        }
    }
    if !validity.is_empty() {
        dispense.insert("validityPeriod".into(), Value::Object(validity));
    }
    if let Some(o) = a.param("nominatedPharmacy") {
        dispense.insert("performer".into(), json!({ "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": o } }));
    }
    if !dispense.is_empty() {
        rx["dispenseRequest"] = Value::Object(dispense);
    }
    Ok(rx)
}

/// EPS's course of therapy and intent for each kind of prescription: an
/// acute is an order; a repeat's issue an instance of its authorisation; a
/// repeat-dispensing prescription the original of its issues.
fn course(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "repeat" => ("continuous", "instance-order"),
        "repeat-dispensing" => ("continuous-repeat-dispensing", "original-order"),
        _ => ("acute", "order"),
    }
}

/// The days a quantity lasts at the structured dose (STU3 dosage), rounded
/// up; EPS asks it of repeat dispensing.
fn supply_days(rx: &Value) -> u64 {
    let q = rx.pointer("/dispenseRequest/quantity/value").and_then(Value::as_f64).unwrap_or(0.0);
    let dose = rx.pointer("/dosageInstruction/0/doseQuantity/value").and_then(Value::as_f64).unwrap_or(0.0);
    let f = rx.pointer("/dosageInstruction/0/timing/repeat/frequency").and_then(Value::as_f64).unwrap_or(0.0);
    if dose * f > 0.0 { (q / (dose * f)).ceil() as u64 } else { 0 }
}

/// The prescription-order message for a prescription as issued (`rx`, the
/// extension's MedicationRequest as [`admit`] answers it), shaped as EPS
/// FHIR R4's own examples (`examples/primary-care/…/1-Process-Request-Send-200_OK.json`
/// in NHSDigital/electronic-prescription-service-api): the medicine coded in
/// SNOMED CT (dm+d codes are SNOMED CT concepts), the requester a
/// PractitionerRole naming the prescriber and the practice, the
/// prescription's short-form ID with its long-form UUID beside it, a
/// controlled drug's schedule and quantity in words in EPS's
/// `Extension-DM-ControlledDrug`.
fn message(s: &State, rx: &Value, nhs: &str) -> Value {
    let now = crate::reference::instant(crate::reference::now());
    let at = |p: &str| rx.pointer(p).cloned().unwrap_or(Value::Null);
    let text = |p: &str| rx.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    let prescriber = text("/requester/agent/identifier/value");
    let kind = gpc::extension_code(rx, gpc::PRESCRIPTION_TYPE_EXTENSION).unwrap_or("acute").to_string();
    let (therapy, intent) = course(&kind);
    let unit = text("/dispenseRequest/quantity/unit");
    let mut extension = vec![json!({
        "url": "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionType",
        "valueCoding": { "system": "https://fhir.nhs.uk/CodeSystem/prescription-type", "code": "0101", "display": "Primary Care Prescriber - Medical Prescriber" }
    })];
    if let Some(cd) = gpc::extension(rx, gpc::CONTROLLED_DRUG_EXTENSION) {
        let sub = |name: &str| gpc::extension(cd, name);
        let mut parts = Vec::new();
        if let Some(w) = sub("quantityWords").and_then(|x| x.get("valueString")) {
            parts.push(json!({ "url": "quantityWords", "valueString": w }));
        }
        if let Some(code) = sub("schedule").and_then(|x| x.get("valueCode")).and_then(Value::as_str) {
            let display = format!("Schedule {}", code.trim_start_matches("CD"));
            parts.push(json!({ "url": "schedule", "valueCoding": { "system": gpc::EPS_CONTROLLED_DRUG_SYSTEM, "code": code, "display": display } }));
        }
        extension.push(json!({ "url": gpc::EPS_CONTROLLED_DRUG_EXTENSION, "extension": parts }));
    }
    let mut request = json!({
        "resourceType": "MedicationRequest",
        "extension": extension,
        "identifier": at("/identifier"),
        "status": "active",
        "intent": intent,
        "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category", "code": "community" }] }],
        "medicationCodeableConcept": at("/medicationCodeableConcept"),
        "subject": { "reference": "urn:uuid:patient-1" },
        "requester": { "reference": "urn:uuid:practitioner-role-1" },
        "authoredOn": at("/authoredOn"),
        "courseOfTherapyType": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy", "code": therapy }] },
        "dispenseRequest": {
            "extension": [{
                "url": "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PerformerSiteType",
                "valueCoding": { "system": "https://fhir.nhs.uk/CodeSystem/dispensing-site-preference", "code": if rx.pointer("/dispenseRequest/performer").is_some() { "P1" } else { "0004" } }
            }],
            "validityPeriod": at("/dispenseRequest/validityPeriod"),
            "quantity": { "value": at("/dispenseRequest/quantity/value"), "unit": unit, "system": SNOMED_SYSTEM, "code": unit_code(&unit) },
            "performer": at("/dispenseRequest/performer")
        },
        "substitution": { "allowedBoolean": false }
    });
    if let Some(g) = rx.pointer("/groupIdentifier/value").and_then(Value::as_str) {
        let g = if has(s, EpsDefect::EpsBadCheckCharacter) { bad_check(g) } else { g.to_string() };
        request["groupIdentifier"] = json!({
            "extension": [{
                "url": "https://fhir.nhs.uk/StructureDefinition/Extension-DM-PrescriptionId",
                "valueIdentifier": { "system": "https://fhir.nhs.uk/Id/prescription", "value": uuid::Uuid::new_v4().to_string() }
            }],
            "system": PRESCRIPTION_ORDER_SYSTEM,
            "value": g
        });
    }
    if let Some(d) = rx.pointer("/dosageInstruction/0") {
        // STU3's doseQuantity is R4's doseAndRate.
        let mut dose = json!({});
        for key in ["text", "timing"] {
            if let Some(v) = d.get(key) {
                dose[key] = v.clone();
            }
        }
        if let Some(q) = d.get("doseQuantity") {
            dose["doseAndRate"] = json!([{ "doseQuantity": q }]);
        }
        request["dosageInstruction"] = json!([dose]);
    }
    let repeats = rx.pointer("/dispenseRequest/numberOfRepeatsAllowed").cloned();
    match (kind.as_str(), repeats) {
        ("repeat", Some(n)) => {
            request["basedOn"] = json!([{
                "extension": [{ "url": "https://fhir.nhs.uk/StructureDefinition/Extension-EPS-RepeatInformation", "extension": [{ "url": "numberOfRepeatsAllowed", "valueInteger": n }] }],
                "identifier": { "system": gpc::PRESCRIPTION_ITEM_SYSTEM, "value": uuid::Uuid::new_v4().to_string() }
            }]);
        }
        ("repeat-dispensing", Some(n)) => {
            request["dispenseRequest"]["numberOfRepeatsAllowed"] = n;
            request["dispenseRequest"]["expectedSupplyDuration"] =
                json!({ "value": supply_days(rx), "unit": "day", "system": "http://unitsofmeasure.org", "code": "d" });
        }
        _ => {}
    }
    prune_nulls(&mut request);
    if has(s, EpsDefect::EpsOrderWithoutDmdCode) {
        request["medicationCodeableConcept"] = json!({ "text": text("/medicationCodeableConcept/coding/0/display") });
    }
    if has(s, EpsDefect::EpsDmdSystem) {
        request["medicationCodeableConcept"]["coding"][0]["system"] = json!("https://dmd.nhs.uk");
    }
    if has(s, EpsDefect::EpsRequesterPractitioner) {
        request["requester"] = json!({ "reference": "urn:uuid:practitioner-1" });
    }
    let mut practitioner = json!({
        "resourceType": "Practitioner",
        "identifier": [
            { "system": SDS_USER_SYSTEM, "value": prescriber },
            { "system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": "C1234567" }
        ],
        "name": [{ "family": "Prescriber", "prefix": ["Dr"] }]
    });
    if has(s, EpsDefect::EpsMissingPrescriberId) {
        practitioner["identifier"] =
            json!([{ "system": "https://fhir.hl7.org.uk/Id/gmc-number", "value": "C1234567" }]);
    }
    let id = request.pointer("/groupIdentifier/value").and_then(Value::as_str).unwrap_or_default();
    let signed = format!("{id}|{prescriber}|{now}");
    let mut entries = vec![
        json!({ "fullUrl": "urn:uuid:message-header-1", "resource": {
            "resourceType": "MessageHeader",
            "eventCoding": { "system": MESSAGE_EVENT_SYSTEM, "code": "prescription-order" },
            "sender": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": s.ods_code } },
            "source": { "endpoint": format!("urn:nhs-uk:addressing:ods:{}", s.ods_code) },
            "focus": [{ "reference": "urn:uuid:patient-1" }, { "reference": "urn:uuid:practitioner-role-1" }]
        } }),
        json!({ "fullUrl": "urn:uuid:medication-request-1", "resource": request }),
        json!({ "fullUrl": "urn:uuid:patient-1", "resource": {
            "resourceType": "Patient",
            "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": nhs }]
        } }),
        json!({ "fullUrl": "urn:uuid:practitioner-role-1", "resource": {
            "resourceType": "PractitionerRole",
            "identifier": [{ "system": SDS_ROLE_PROFILE_SYSTEM, "value": "555254242106" }],
            "practitioner": { "reference": "urn:uuid:practitioner-1" },
            "organization": { "reference": "urn:uuid:organization-1" }
        } }),
        json!({ "fullUrl": "urn:uuid:practitioner-1", "resource": practitioner }),
        json!({ "fullUrl": "urn:uuid:organization-1", "resource": {
            "resourceType": "Organization",
            "identifier": [{ "system": ODS_ORGANIZATION_SYSTEM, "value": s.ods_code }]
        } }),
    ];
    if !has(s, EpsDefect::EpsUnsigned) {
        entries.push(json!({ "fullUrl": "urn:uuid:provenance-1", "resource": {
            "resourceType": "Provenance",
            "target": [{ "reference": "urn:uuid:medication-request-1" }],
            "recorded": now,
            "agent": [{ "who": { "reference": "urn:uuid:practitioner-role-1" } }],
            "signature": [{
                "type": [{ "system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.1", "display": "Author's Signature" }],
                "when": now,
                "who": { "reference": "urn:uuid:practitioner-role-1" },
                "data": base64::engine::general_purpose::STANDARD.encode(signed.as_bytes())
            }]
        } }));
    }
    message_bundle(&now, json!(entries))
}

/// An EPS message: a Bundle of type message, identified by a new UUID.
pub(in crate::reference) fn message_bundle(now: &str, entries: Value) -> Value {
    json!({
        "resourceType": "Bundle",
        "id": uuid::Uuid::new_v4().to_string(),
        "identifier": { "system": "https://tools.ietf.org/html/rfc4122", "value": uuid::Uuid::new_v4().to_string() },
        "type": "message",
        "timestamp": now,
        "entry": entries
    })
}

/// Leaves out what a prescription did not have (JSON nulls), as FHIR JSON
/// has no nulls.
fn prune_nulls(v: &mut Value) {
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !x.is_null());
        o.values_mut().for_each(prune_nulls);
    }
}

/// What came of sending EPS a message.
pub(in crate::reference) enum Sent {
    Accepted,
    /// EPS refused it (4xx other than 429): sending it again changes nothing.
    Rejected(Reply),
    /// EPS stayed unavailable through every attempt.
    Unavailable(Reply),
}

/// Submits a message, retrying what is worth retrying.
pub(in crate::reference) async fn submit(s: &State, a: &Action, mut msg: Value) -> Result<Sent, Outcome> {
    let url = a.url("eps/FHIR/R4/$process-message")?;
    let attempts = if has(s, EpsDefect::EpsNoRetry) {
        1
    } else if has(s, EpsDefect::EpsRetriesForever) {
        12
    } else {
        ATTEMPTS
    };
    let mut request_id = uuid::Uuid::new_v4().to_string();
    let mut last = Reply::default();
    for attempt in 0..attempts {
        if attempt > 0 && has(s, EpsDefect::EpsRetryNewIdentifiers) {
            msg["identifier"]["value"] = json!(uuid::Uuid::new_v4().to_string());
            if let Some(g) = msg.pointer_mut("/entry/1/resource/groupIdentifier/value") {
                *g = json!(fresh_id(s));
            }
            request_id = uuid::Uuid::new_v4().to_string();
        }
        let mut req = http()
            .post(url.clone())
            .header("X-Request-ID", &request_id)
            .header("X-Correlation-ID", uuid::Uuid::new_v4().to_string())
            .header("Authorization", "Bearer rfa-reference-eps-access-token")
            .header("Content-Type", "application/fhir+json")
            .body(msg.to_string());
        if !has(s, EpsDefect::EpsMissingSessionUrid) {
            req = req.header("NHSD-Session-URID", "555254242106");
        }
        last = call(req).await;
        if last.ok() {
            return Ok(Sent::Accepted);
        }
        if !last.transient() && !has(s, EpsDefect::EpsRetriesRejections) {
            return Ok(Sent::Rejected(last));
        }
    }
    Ok(Sent::Unavailable(last))
}

/// What EPS said, for the prescriber: its cancel response's status
/// history (R-0004 …), else its OperationOutcome's diagnostics.
pub(in crate::reference) fn eps_says(reply: &Reply) -> String {
    let b = reply.json();
    let history = b.get("entry").and_then(Value::as_array).into_iter().flatten().find_map(|e| {
        gpc::extension(e.get("resource")?, STATUS_HISTORY_EXTENSION)
            .and_then(|h| gpc::extension(h, "status"))
            .and_then(|st| st.pointer("/valueCoding/display"))
            .and_then(Value::as_str)
    });
    let said = history.or_else(|| b.pointer("/issue/0/diagnostics").and_then(Value::as_str));
    format!("EPS answered {}{}", reply.status, said.map(|t| format!(": {t}")).unwrap_or_default())
}

/// `issue-prescription`: the prescription is judged as the prescriber
/// entered it ([`admit`]: refused there, nothing reaches EPS), issued, and
/// sent to EPS; held if EPS stays unavailable.
pub async fn issue(s: &State, a: &Action) -> Result<Parts, Outcome> {
    let nhs = a.required("patient")?.to_string();
    let rx = prescription_of(s, a)?;
    let (local, mut issued) = match admit(s, &rx, Via::Trigger) {
        Ok(x) => x,
        Err(refusal) if has(s, EpsDefect::KeepsRefusedPrescription) => {
            // The defect sends EPS what it then tells the prescriber it refused.
            let mut sent = rx.clone();
            sent["groupIdentifier"] = json!({ "system": PRESCRIPTION_ORDER_SYSTEM, "value": fresh_id(s) });
            sent["identifier"] =
                json!([{ "system": gpc::PRESCRIPTION_ITEM_SYSTEM, "value": uuid::Uuid::new_v4().to_string() }]);
            let _ = submit(s, a, message(s, &sent, &nhs)).await;
            return Err(refusal);
        }
        Err(refusal) => return Err(refusal),
    };
    if has(s, EpsDefect::ShortFormIdReused)
        && let Some(first) = first_id_for(s, a, &nhs)
    {
        issued["groupIdentifier"]["value"] = json!(first);
    }
    let msg = message(s, &issued, &nhs);
    let id =
        msg.pointer("/entry/1/resource/groupIdentifier/value").and_then(Value::as_str).unwrap_or_default().to_string();
    crate::reference::locked(&s.submissions.local).push((scoped(a, &id), local));
    match submit(s, a, msg.clone()).await? {
        Sent::Accepted => {
            crate::reference::locked(&s.submissions.issued).push((scoped(a, &id), msg));
            Ok(vec![("prescriptionId", id), ("status", "sent".into())])
        }
        Sent::Rejected(reply) => {
            Err(Outcome::new(SpineCode::BadRequest, format!("EPS rejected the prescription: {}", eps_says(&reply))))
        }
        Sent::Unavailable(reply) => {
            crate::reference::locked(&s.submissions.held).push((scoped(a, &id), msg, false));
            tracing::debug!(target: "rfa::reference", "holding {id}: {}", reply.status);
            Ok(vec![("prescriptionId", id), ("status", "held".into())])
        }
    }
}

/// `cancel-prescription`: with one of EPS's reasons, the cancellation goes
/// to EPS, and only EPS's yes cancels it; one held, never sent, is simply
/// not sent; one already cancelled is not cancelled again.
pub async fn cancel(s: &State, a: &Action) -> Result<Parts, Outcome> {
    let id = a.required("prescriptionId")?.to_string();
    let reason = a.param("reason").and_then(|r| CANCEL_REASONS.iter().find(|(k, _)| *k == r));
    let reason = match reason {
        Some(r) => *r,
        None if has(s, EpsDefect::CancelsWithoutReason) => CANCEL_REASONS[0],
        None => {
            let refusal = invalid(format!(
                "a cancellation needs one of EPS's reasons (0001 … 0008), not `{}`",
                a.param("reason").unwrap_or_default()
            ));
            if has(s, EpsDefect::KeepsRefusedCancellation)
                && let Some(order) = order_of(s, a, &id)
            {
                let _ = submit(s, a, cancellation(order, &id, None)).await;
            }
            return Err(refusal);
        }
    };
    let held = {
        let mut held = crate::reference::locked(&s.submissions.held);
        match held.iter_mut().find(|(h, _, _)| *h == scoped(a, &id)) {
            Some(h) => {
                h.2 = true;
                true
            }
            None => false,
        }
    };
    if held {
        // Never reached EPS: there is nothing to cancel there.
        return Ok(vec![("prescriptionId", id), ("status", "cancelled".into())]);
    }
    let Some(order) = order_of(s, a, &id) else {
        return Err(Outcome::new(SpineCode::ReferenceNotFound, format!("no prescription {id} was issued here")));
    };
    let local = local_of(s, a, &id);
    let already = local.as_deref().is_some_and(|l| {
        crate::reference::locked(&s.prescriptions.inner).get_mut(l).is_some_and(|p| p.cancelled.is_some())
    });
    if already && !has(s, EpsDefect::CancelNotKept) {
        return Err(invalid(format!("prescription {id} is already cancelled")));
    }
    let cancel_id = if has(s, EpsDefect::EpsCancelWrongPrescription) { fresh_id(s) } else { id.clone() };
    let reason = (!has(s, EpsDefect::CancelDropsReason)).then_some(reason);
    match submit(s, a, cancellation(order, &cancel_id, reason)).await? {
        Sent::Accepted => {}
        Sent::Rejected(_) if has(s, EpsDefect::CancelsDispensed) => {}
        Sent::Rejected(reply) => {
            return Err(invalid(format!("prescription {id} was not cancelled: {}", eps_says(&reply))));
        }
        Sent::Unavailable(reply) => return Err(failed("EPS", &reply)),
    }
    if let Some(l) = local
        && !has(s, EpsDefect::CancelNotKept)
        && let Some(p) = crate::reference::locked(&s.prescriptions.inner).get_mut(&l)
    {
        let (code, display) = reason.unwrap_or(CANCEL_REASONS[0]);
        p.cancelled = Some(json!({ "system": gpc::STATUS_REASON_SYSTEM, "code": code, "display": display }));
        p.version += 1;
    }
    Ok(vec![("prescriptionId", id), ("status", "cancelled".into())])
}

/// The prescription (its local id) issued under this prescription ID and
/// sent to this EPS.
pub(in crate::reference) fn local_of(s: &State, a: &Action, id: &str) -> Option<String> {
    let key = scoped(a, id);
    crate::reference::locked(&s.submissions.local).iter().find(|(i, _)| *i == key).map(|(_, l)| l.clone())
}

/// The order this EPS accepted under this prescription ID.
pub(in crate::reference) fn order_of(s: &State, a: &Action, id: &str) -> Option<Value> {
    let key = scoped(a, id);
    crate::reference::locked(&s.submissions.issued).iter().find(|(i, _)| *i == key).map(|(_, m)| m.clone())
}

/// The ID of the first prescription this EPS accepted for a patient (the
/// `short-form-id-reused` defect gives it again).
fn first_id_for(s: &State, a: &Action, nhs: &str) -> Option<String> {
    let prefix = format!("{} ", scope(a));
    crate::reference::locked(&s.submissions.issued)
        .iter()
        .filter(|(key, _)| key.starts_with(&prefix))
        .find(|(_, m)| {
            crate::fhir::views::Bundle(m)
                .resources_of("Patient")
                .any(|p| p.identifier_values(NHS_NUMBER_SYSTEM).contains(&nhs))
        })
        .and_then(|(key, _)| key.strip_prefix(&prefix).map(str::to_string))
}

/// The prescription-order-update that cancels an order: the order as sent,
/// its MedicationRequest cancelled with a reason, as a new message.
fn cancellation(mut order: Value, id: &str, reason: Option<(&str, &str)>) -> Value {
    order["id"] = json!(uuid::Uuid::new_v4().to_string());
    order["identifier"]["value"] = json!(uuid::Uuid::new_v4().to_string());
    order["entry"][0]["resource"]["eventCoding"]["code"] = json!("prescription-order-update");
    let request = &mut order["entry"][1]["resource"];
    request["status"] = json!("cancelled");
    if let Some((code, display)) = reason {
        request["statusReason"] =
            json!({ "coding": [{ "system": gpc::STATUS_REASON_SYSTEM, "code": code, "display": display }] });
    }
    request["groupIdentifier"]["value"] = json!(id);
    order
}

pub async fn send_held(s: &State, a: &Action) -> Result<Parts, Outcome> {
    let waiting: Vec<(String, Value)> = {
        let held = crate::reference::locked(&s.submissions.held);
        let prefix = format!("{} ", scope(a));
        held.iter()
            .filter(|(key, _, cancelled)| {
                key.starts_with(&prefix) && (!cancelled || has(s, EpsDefect::EpsResubmitsCancelled))
            })
            .map(|(id, m, _)| (id.clone(), m.clone()))
            .collect()
    };
    let mut sent = 0;
    for (id, msg) in waiting {
        if let Sent::Accepted = submit(s, a, msg.clone()).await? {
            crate::reference::locked(&s.submissions.held).retain(|(h, _, _)| *h != id);
            crate::reference::locked(&s.submissions.issued).push((id, msg));
            sent += 1;
        }
    }
    Ok(vec![("sent", sent.to_string())])
}
