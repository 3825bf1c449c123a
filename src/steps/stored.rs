//! "Nothing was stored": after a refused write, read back through the
//! candidate's own read and search interactions what the write would have
//! created or changed, and fail with the evidence if it is there. A refusal
//! that still keeps the entry, the booking or the registration is the worst
//! kind of wrong answer: the consumer is told the data is not there while
//! the record holds it.
//!
//! The step knows the write from the request the scenario built (its
//! interaction) and the draft the area's steps keep, and dispatches to one
//! read-back per kind of write. Scenarios run concurrently, so each read-back
//! looks only for what this scenario could have made: an entry carrying the
//! business identifier fresh to this scenario, an appointment carrying this
//! scenario's booking marker (or, when the scenario removed it, on the slot
//! it picked), a repeat request for this patient and medication that this
//! scenario did not have accepted, an appointment the scenario itself holds,
//! a prescription carrying the note fresh to the refused one, a prescription
//! the scenario itself issued (read just before its cancellation), a
//! message carrying its fresh identifier in its addressees' inboxes.
//! A read-back that does not answer is a failure, never a pass. A device
//! registration has none: the profile defines no Device search, and a
//! refusal gives no id to read.

use serde_json::Value;

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, EntryType, Interaction};
use crate::steps::common::bundle;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Then r#"^nothing was stored$"# => nothing_stored, "After a refused write, reads back (evidence kept, as the practice) what it would have made or changed, and fails if it is there: an entry (a device reading too) — the patient's entries of its type (and of the body's type) searched by the entry's fresh business identifier; a registration — the Patient search by the NHS number sent; a booking — the patient's appointments over the scenario's booking window, none but the scenario's own carrying its marker or on its slots; a repeat request — the patient's repeat requests, none but the scenario's own for that medication; a claim — the claims of each patient the scenario looked up, searched by the claim's fresh identifier; a dispense — the dispenses of the scenario's own prescription, no more than it had accepted; a prescription — the prescriptions of each patient the scenario looked up, none but the scenario's own carrying the refused one's note (`Prescribed by rfa-harness [fresh identifier]`); a message — the inbox of each addressee it names that the scenario looked up, searched as that addressee by the message's fresh identifier; an appointment change (amend, cancel, arrival, did-not-attend) — the appointment reads back as the scenario last knew it, at the same version. A read-back that does not answer 200 fails the step."),
    ]
}

async fn nothing_stored(w: &mut RfaWorld, _: &Args) -> StepResult {
    let spec = w.request.clone().ok_or_else(|| {
        Failure::Harness("`nothing was stored` follows a refused write, but no request was built".into())
    })?;
    match spec.interaction {
        Interaction::CreateEntry(ty) => entry_not_stored(w, ty).await,
        Interaction::RegisterPatient => registration_not_stored(w).await,
        Interaction::BookAppointment => booking_not_stored(w).await,
        Interaction::RequestRepeat => repeat_not_stored(w).await,
        Interaction::CreateClaim => claim_not_stored(w).await,
        Interaction::CreatePrescription => prescription_not_stored(w).await,
        Interaction::SendMessage => message_not_stored(w).await,
        Interaction::RecordDispense => dispense_not_stored(w).await,
        Interaction::AmendAppointment | Interaction::CancelAppointment => {
            crate::steps::onl::appointment_changes::unchanged(w).await
        }
        other => Err(Failure::Harness(format!(
            "`nothing was stored` has no read-back for {other:?} (use the area's own read-back step)"
        ))),
    }
}

/// Sends a read-back as the practice (whoever is signed in: a patient
/// cannot search what a practice records) and expects a searchset Bundle.
async fn search(w: &mut RfaWorld, spec: &RequestSpec, what: &str) -> Result<Value, Failure> {
    let resp = w.send_as_practice(spec).await?;
    match (resp.status, resp.json()) {
        (200, Ok(b)) if b.as_resource().resource_type() == Some("Bundle") => Ok(b),
        (status, _) => w.fail(format!(
            "the read-back of the refused write ({what}) should answer 200 with a Bundle, it answered HTTP {status}: so it cannot be shown that nothing was stored"
        )),
    }
}

/// The resources of a Bundle that are matches (not `_include`d).
fn matches(b: &Value) -> Vec<&Value> {
    bundle::entries(b)
        .into_iter()
        .filter(|e| e.pointer("/search/mode").and_then(Value::as_str) != Some("include"))
        .filter_map(|e| e.get("resource"))
        .collect()
}

fn id_of(r: &Value) -> String {
    r.as_resource().id().unwrap_or_default().to_string()
}

/// An entry: searched by its fresh business identifier among the entries of
/// each patient the scenario looked up (the body may name none, or one the
/// candidate does not hold), of the endpoint's type and of the body's.
async fn entry_not_stored(w: &mut RfaWorld, ty: EntryType) -> StepResult {
    let Some((_, _, draft)) = w.rec.entry.clone() else {
        return Err(Failure::Harness("the refused entry was not sent as JSON: nothing to read back by".into()));
    };
    let Some((system, value)) = crate::entries::identifiers(&draft).into_iter().next() else {
        return Err(Failure::Harness("the refused entry carries no identifier to read back by".into()));
    };
    let mut types = vec![ty];
    if let Some(t) = draft.as_resource().resource_type().and_then(EntryType::from_name)
        && t != ty
    {
        types.push(t);
    }
    let patients = looked_up_patients(w)?;
    let ours: Vec<String> = w.rec.recorded.values().map(|r| r.id.clone()).collect();
    for t in types {
        for patient in &patients {
            let mut spec = RequestSpec::new(Interaction::SearchEntries(t), t.name());
            spec.query.push(("patient".into(), format!("Patient/{patient}")));
            spec.query.push(("identifier".into(), format!("{system}|{value}")));
            let b = search(w, &spec, &format!("{} search by identifier", t.name())).await?;
            // Judged on the identifier itself: a search that ignores the
            // parameter must not pass entries of other scenarios off as kept.
            let kept = matches(&b)
                .into_iter()
                .find(|r| {
                    crate::entries::identifiers(r).iter().any(|(s, v)| *s == system && *v == value)
                        && !ours.contains(&id_of(r))
                })
                .map(id_of);
            if let Some(id) = kept {
                return w.fail(format!(
                    "the entry was refused, yet the record keeps it: {} {id} carries the refused entry's identifier {system}|{value}",
                    t.name()
                ));
            }
        }
    }
    Ok(())
}

/// The patients the scenario looked up (the fixture keys that are not
/// practitioners), whose records a read-back can search.
fn looked_up_patients(w: &RfaWorld) -> Result<Vec<String>, Failure> {
    let patients: Vec<String> =
        w.shared.ids.iter().filter(|(k, _)| !k.starts_with("practitioner")).map(|(_, v)| v.clone()).collect();
    if patients.is_empty() {
        return Err(Failure::Harness("the scenario looked up no patient whose record could be searched".into()));
    }
    Ok(patients)
}

/// A prescription: among the prescriptions of each patient the scenario
/// looked up (the body may name one the candidate does not hold), none
/// but the scenario's own carries the refused prescription's note, which
/// holds an identifier fresh to it.
async fn prescription_not_stored(w: &mut RfaWorld) -> StepResult {
    let draft = w.eps.prescription.clone().ok_or_else(|| Failure::Harness("no prescription was built".into()))?;
    let Some(marker) = crate::steps::eps::prescribing::marker(&draft).map(str::to_string) else {
        return Err(Failure::Harness("the refused prescription carries no harness note to read back by".into()));
    };
    let ours: Vec<String> = w.eps.prescribed.values().map(|(_, got)| id_of(got)).collect();
    for patient in looked_up_patients(w)? {
        let mut spec = RequestSpec::new(Interaction::SearchPrescriptions, "MedicationRequest");
        spec.query.push(("patient".into(), patient.clone()));
        let b = search(w, &spec, "the patient's prescriptions").await?;
        let kept = matches(&b)
            .into_iter()
            .filter(|r| r.as_resource().resource_type() == Some("MedicationRequest"))
            .find(|r| crate::steps::eps::prescribing::marker(r) == Some(marker.as_str()) && !ours.contains(&id_of(r)))
            .map(id_of);
        if let Some(id) = kept {
            return w.fail(format!(
                "the prescription was refused, yet Patient/{patient}'s prescriptions keep it: MedicationRequest {id} carries the refused prescription's note \"{marker}\""
            ));
        }
    }
    Ok(())
}

/// A message: searched by its fresh business identifier in the inbox of
/// each addressee it names that the scenario looked up, as that addressee
/// (only the addressee may search their inbox). A message addressed to no
/// practitioner held here is in no inbox, so it cannot be read back.
async fn message_not_stored(w: &mut RfaWorld) -> StepResult {
    let (_, draft) = w.com.message.clone().ok_or_else(|| Failure::Harness("no message was built".into()))?;
    let Some((system, value)) = crate::entries::identifiers(&draft).into_iter().next() else {
        return Err(Failure::Harness("the refused message carries no identifier to read back by".into()));
    };
    let addressees: Vec<(String, String)> = draft
        .get("recipient")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("reference").and_then(Value::as_str))
        .filter_map(|r| r.strip_prefix("Practitioner/"))
        .filter_map(|id| {
            w.shared
                .ids
                .iter()
                .find(|(k, v)| k.starts_with("practitioner") && v.as_str() == id)
                .map(|(k, v)| (k.clone(), v.clone()))
        })
        .collect();
    if addressees.is_empty() {
        return Err(Failure::Harness(
            "the refused message names no addressee the scenario looked up: there is no inbox to read it back from"
                .into(),
        ));
    }
    let ours: Vec<String> = w.com.messages.values().map(|(id, _)| id.clone()).collect();
    for (key, id) in addressees {
        let mut spec = RequestSpec::new(Interaction::SearchMessages, "Communication");
        spec.query.push(("recipient".into(), format!("Practitioner/{id}")));
        spec.query.push(("identifier".into(), format!("{system}|{value}")));
        crate::steps::rec::entries::act_as(w, &mut spec, &key)?;
        let b = search(w, &spec, &format!("{key}'s inbox searched by identifier")).await?;
        let kept = matches(&b)
            .into_iter()
            .find(|m| {
                crate::entries::identifiers(m).iter().any(|(s, v)| *s == system && *v == value)
                    && !ours.contains(&id_of(m))
            })
            .map(id_of);
        if let Some(found) = kept {
            return w.fail(format!(
                "the message was refused, yet {key}'s inbox holds it: Communication {found} carries the refused message's identifier {system}|{value}"
            ));
        }
    }
    Ok(())
}

/// A claim: searched by its fresh business identifier among the claims of
/// each patient the scenario looked up (the body may name one the candidate
/// does not hold).
async fn claim_not_stored(w: &mut RfaWorld) -> StepResult {
    let draft = w.fin.claim.clone().ok_or_else(|| Failure::Harness("no claim was built".into()))?;
    let Some((system, value)) = crate::entries::identifiers(&draft).into_iter().next() else {
        return Err(Failure::Harness("the refused claim carries no identifier to read back by".into()));
    };
    let ours: Vec<String> = w.fin.claims.values().map(|(_, got)| id_of(got)).collect();
    for patient in looked_up_patients(w)? {
        let mut spec = RequestSpec::new(Interaction::SearchClaims, "Claim");
        spec.query.push(("patient".into(), patient.clone()));
        spec.query.push(("identifier".into(), format!("{system}|{value}")));
        let b = search(w, &spec, "Claim search by identifier").await?;
        let kept = matches(&b)
            .into_iter()
            .find(|c| {
                crate::entries::identifiers(c).iter().any(|(s, v)| *s == system && *v == value)
                    && !ours.contains(&id_of(c))
            })
            .map(id_of);
        if let Some(id) = kept {
            return w.fail(format!(
                "the claim was refused, yet Patient/{patient}'s claims keep it: Claim {id} carries the refused claim's identifier {system}|{value}"
            ));
        }
    }
    Ok(())
}

/// A dispense: the dispenses of the prescription it names number no more
/// than the dispenses this scenario had accepted (201). The prescription is
/// the scenario's own, issued by it, so no other scenario dispenses it.
async fn dispense_not_stored(w: &mut RfaWorld) -> StepResult {
    let draft = w.dsp.dispense.clone().ok_or_else(|| Failure::Harness("no dispense was built".into()))?;
    let rx = draft
        .pointer("/authorizingPrescription/0/reference")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("MedicationRequest/"))
        .map(str::to_string)
        .ok_or_else(|| Failure::Harness("the refused dispense names no prescription to read back by".into()))?;
    let accepted = w
        .exchanges
        .iter()
        .filter(|x| x.request.header("Ssp-InteractionID") == Some(Interaction::RecordDispense.id()))
        .filter(|x| x.response.as_ref().is_some_and(|r| r.status == 201))
        .count();
    let mut spec = RequestSpec::new(Interaction::SearchDispenses, "MedicationDispense");
    spec.query.push(("prescription".into(), rx.clone()));
    let b = search(w, &spec, "the prescription's dispenses").await?;
    let found = bundle::resources(&b, "MedicationDispense").len();
    if found > accepted {
        return w.fail(format!(
            "the dispense was refused, yet MedicationRequest/{rx} has {found} dispenses where this scenario had {accepted} accepted"
        ));
    }
    Ok(())
}

/// A registration: the Patient search by the NHS number sent finds no one.
/// (Only for a PDS patient no other scenario names — the test data's
/// `refusedN`, one per refusal — so no other scenario's registration can be
/// taken for this one's.)
async fn registration_not_stored(w: &mut RfaWorld) -> StepResult {
    let body = w.rec.registration.clone().ok_or_else(|| Failure::Harness("no registration was built".into()))?;
    let nhs = body
        .pointer("/parameter/0/resource")
        .and_then(|p| bundle::identifiers(p, gpc::NHS_NUMBER_SYSTEM).first().map(|v| v.to_string()))
        .ok_or_else(|| Failure::Harness("the refused registration names no NHS number to read back by".into()))?;
    let mut spec = RequestSpec::new(Interaction::SearchPatients, "Patient");
    spec.query.push(("identifier".into(), format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
    let b = search(w, &spec, "Patient search by NHS number").await?;
    let found: Vec<String> = bundle::resources(&b, "Patient")
        .into_iter()
        .filter(|p| bundle::identifiers(p, gpc::NHS_NUMBER_SYSTEM).contains(&nhs.as_str()))
        .map(id_of)
        .collect();
    if !found.is_empty() {
        return w.fail(format!(
            "the registration was refused, yet the candidate holds NHS number {nhs} now: Patient {}",
            found.join(", ")
        ));
    }
    Ok(())
}

/// A booking: the patient's appointments over the scenario's booking window hold none but the
/// scenario's own that carries the booking's marker description, or, when
/// the scenario took the description out, that holds one of its slots.
async fn booking_not_stored(w: &mut RfaWorld) -> StepResult {
    let draft = w.onl.booking.clone().ok_or_else(|| Failure::Harness("no booking was built".into()))?;
    // The patient the body names (the scenario may have changed it), and
    // the one the booking was begun for.
    let mut patients: Vec<String> = draft
        .get("participant")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.pointer("/actor/reference").and_then(Value::as_str))
        .filter_map(|r| r.strip_prefix("Patient/"))
        // Only patients the scenario looked up: an unknown one has no
        // appointments to search.
        .filter(|id| w.shared.ids.values().any(|known| known == id))
        .map(str::to_string)
        .collect();
    if let Some(p) = w.onl.booking_patient.clone() {
        patients.push(p);
    }
    patients.dedup();
    if patients.is_empty() {
        return Err(Failure::Harness("the booking names no patient".into()));
    }
    // The scenario's window, not the body's start: a refused body may carry
    // a start anywhere (or none), while the slots it could take are there.
    let (from, to) = crate::steps::onl::appointments::window(w);
    let query = crate::steps::common::stamps::dates(&format!("start=ge{{today+{from}}}&start=le{{today+{to}}}"))?;
    let ours: Vec<String> = w.onl.appointments.values().map(|(id, _)| id.clone()).collect();
    let marker = draft.get("description").and_then(Value::as_str).map(str::to_string);
    let slots = crate::steps::onl::appointments::slots_of(&draft);
    for patient in patients {
        let mut spec =
            RequestSpec::new(Interaction::SearchPatientAppointments, format!("Patient/{patient}/Appointment"));
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            spec.query.push((k.into(), v.into()));
        }
        let b = search(w, &spec, "the patient's appointments").await?;
        let kept = bundle::resources(&b, "Appointment").into_iter().find(|a| {
            !ours.contains(&id_of(a))
                && match &marker {
                    Some(m) => a.get("description").and_then(Value::as_str) == Some(m.as_str()),
                    None => crate::steps::onl::appointments::slots_of(a).iter().any(|s| slots.contains(s)),
                }
        });
        if let Some(a) = kept {
            return w.fail(format!(
                "the booking was refused, yet Patient/{patient} has it: Appointment {} on Slot/{}",
                id_of(a),
                crate::steps::onl::appointments::slots_of(a).join(", Slot/")
            ));
        }
    }
    Ok(())
}

/// A repeat request: the patient's repeat requests hold none for the
/// medication asked for but those this scenario had accepted.
async fn repeat_not_stored(w: &mut RfaWorld) -> StepResult {
    let task = w.onl.booking.clone().ok_or_else(|| Failure::Harness("no repeat request was built".into()))?;
    let text = |p: &str| task.pointer(p).and_then(Value::as_str).map(str::to_string);
    let (Some(patient), Some(focus)) = (text("/for/reference"), text("/focus/reference")) else {
        return Err(Failure::Harness("the refused repeat request names no patient or medication".into()));
    };
    let mut spec = RequestSpec::new(Interaction::SearchRepeatRequests, "Task");
    spec.query.push(("patient".into(), patient.trim_start_matches("Patient/").to_string()));
    spec.query.push(("code".into(), format!("{}|{}", gpc::TASK_TYPE_SYSTEM, gpc::REPEAT_REQUEST_CODE)));
    let b = search(w, &spec, "the patient's repeat requests").await?;
    let ours: Vec<String> = w.onl.repeat_requests.values().map(id_of).collect();
    let kept = bundle::resources(&b, "Task").into_iter().find(|t| {
        t.pointer("/focus/reference").and_then(Value::as_str) == Some(focus.as_str()) && !ours.contains(&id_of(t))
    });
    if let Some(t) = kept {
        return w.fail(format!(
            "the repeat request was refused, yet the patient's requests hold it: Task {} for {focus}",
            id_of(t)
        ));
    }
    Ok(())
}
