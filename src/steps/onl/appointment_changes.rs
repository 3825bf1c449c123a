//! Changing booked appointments (ONL, ARR): amendments, cancellations
//! against a version, the test data's past appointment, arrival and
//! did-not-attend, and reading an appointment back to see what the
//! candidate kept.

use serde_json::Value;

use crate::client::RequestSpec;
use crate::entries;
use crate::fhir::Views as _;
use crate::fhir::gpc::Interaction;
use crate::steps::common::keys::logical_id;
use crate::steps::common::stamps::at;
use crate::steps::common::stamps::json_arg;
use crate::steps::onl::appointments::{booked, cancelled, put, slot_of};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^an amendment of the appointment "([^"]+)" setting "([^"]+)" to (.+?)( without If-Match| naming version \d+)?$"# => amendment, "Begins `PUT [base]/Appointment/[id]` (amend interaction) with the appointment as last answered, one element (a dotted path) set to a JSON value, and `If-Match: W/\"[version]\"` (or none, or another version)."),
        step!(Given r#"^a cancellation of "([^"]+)" with the reason "([^"]*)" naming version (\d+)$"# => cancellation_at, "Begins a cancellation with this reason and `If-Match: W/\"[version]\"`."),
        step!(Given r#"^the begun appointment of "([^"]+)" as "([^"]+)"$"# => past_appointment, "Finds (evidence kept, searching today's appointments as the practice) a booked appointment of the patient whose start time has passed — the test data holds one at 00:00 UTC today — and labels it."),
        step!(When r#"^the candidate is asked to mark "([^"]+)" arrived(?: naming "([^"]+)")?$"# => arrival, "Asks the candidate (trigger action `mark-arrived`, or the tester) to mark the appointment arrived, naming the NHS number of its patient (or of another fixture patient) as a check-in screen would (profile §27)."),
        step!(When r#"^the candidate is asked to mark "([^"]+)" arrived naming the NHS number "([^"]*)"$"# => arrival_naming_number, "The same with this literal NHS number (empty: no `patient` parameter)."),
        step!(When r#"^the candidate is asked to mark the appointment id "([^"]*)" arrived naming "([^"]+)"$"# => arrival_for_id, "The same for a literal appointment id."),
        step!(When r#"^the candidate is asked to mark "([^"]+)" did-not-attend$"# => did_not_attend, "Asks the candidate (trigger action `mark-did-not-attend`, or the tester) to mark the appointment did-not-attend."),
        step!(When r#"^the candidate is asked to mark the appointment id "([^"]*)" did-not-attend$"# => did_not_attend_id, "The same for a literal appointment id."),
        step!(Then r#"^the appointment in the response has "([^"]+)" set to (.+) at version (\d+)$"# => answered_with, "HTTP 200, an Appointment whose element (a dotted path) is this JSON value, meta.versionId and ETag this version; the scenario now knows the appointment so."),
        step!(Then r#"^the appointment "([^"]+)" reads back with "([^"]+)" set to (.+?)(?: at version (\d+))?$"# => reads_back_with, "Reads the appointment (evidence kept, as the practice): HTTP 200 and the element is this JSON value (and the version this one)."),
        step!(Then r#"^the appointment "([^"]+)" reads back as booked, at version (\d+)$"# => reads_back_booked, "Reads the appointment (evidence kept, as the practice): HTTP 200, status booked, at this version, with the start, end, slot, participants and description it was booked with."),
        step!(Then r#"^the appointment "([^"]+)" reads back (arrived|noshow)$"# => reads_back_marked, "Reads the appointment through GP Connect (evidence kept, as the practice): HTTP 200, this status, at a later version than the scenario knew, and nothing else changed (start, end, slots, participants, description, comment); the scenario now knows it so."),
        step!(Then r#"^the appointment "([^"]+)" reads back unchanged$"# => reads_back_unchanged, "Reads the appointment through GP Connect (evidence kept, as the practice): as the scenario last knew it, at the same version."),
        step!(Then r#"^the Bundle holds the appointment "([^"]+)" with status "([^"]+)"$"# => bundle_status, "A searchset Bundle holding the appointment with this status."),
    ]
}

fn version(a: &Value) -> String {
    a.pointer("/meta/versionId").and_then(Value::as_str).unwrap_or("1").to_string()
}

/// A consumer amends what it has just read: the appointment as the
/// candidate holds it now (evidence kept), or as last answered if the read
/// fails.
async fn amendment(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, known) = booked(w, a.get(1))?.clone();
    let current = match read_back(w, a.get(1)).await {
        Ok(read) if read.as_resource().resource_type() == Some("Appointment") => read,
        _ => known,
    };
    let mut body = current.clone();
    entries::set_pointer(&mut body, &entries::dotted_pointer("", a.get(2)), json_arg(a.get(3))?);
    let tag = match a.get(4).trim() {
        "without If-Match" => None,
        "" => Some(format!("W/\"{}\"", version(&current))),
        other => Some(format!("W/\"{}\"", other.trim_start_matches("naming version "))),
    };
    put(w, a.get(1), Interaction::AmendAppointment, &body, tag)
}

async fn cancellation_at(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, current) = booked(w, a.get(1))?.clone();
    let body = cancelled(current, Some(a.get(2)));
    put(w, a.get(1), Interaction::CancelAppointment, &body, Some(format!("W/\"{}\"", a.get(3))))
}

async fn past_appointment(w: &mut RfaWorld, a: &Args) -> StepResult {
    let patient = logical_id(w, a.get(1)).await?;
    let mut spec = RequestSpec::new(Interaction::SearchPatientAppointments, format!("Patient/{patient}/Appointment"));
    // A search may not reach into the past (GP Connect), but today's
    // appointments are all answered, begun or not.
    let q = crate::steps::common::stamps::dates("start=ge{today}&start=le{today}")?;
    for pair in q.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or_default();
        spec.query.push((k.into(), v.into()));
    }
    let resp = w.send_as_practice(&spec).await?;
    let now = crate::support::clock::now();
    let found = resp.json().ok().and_then(|b| {
        crate::steps::common::bundle::resources(&b, "Appointment")
            .into_iter()
            .find(|r| {
                r.get("status").and_then(Value::as_str) == Some("booked")
                    && at(r.get("start")).is_some_and(|t| t <= now)
            })
            .cloned()
    });
    let Some(appt) = found else {
        return Err(Failure::Assert(format!(
            "setup: {} has no booked appointment of today that has begun; the test data keeps one at 00:00 UTC today (profile §23)\n    exchange: {}",
            a.get(1),
            w.last_exchange()
        )));
    };
    let id = appt.as_resource().id().unwrap_or_default().to_string();
    w.onl.appointments.insert(a.get(2).to_string(), (id, appt));
    Ok(())
}

/// Asks the candidate to mark the appointment; what a tester needs to find
/// it on screen (the patient and the start) goes with its id.
async fn mark(w: &mut RfaWorld, action: &str, id: &str, label: Option<&str>, nhs: Option<String>) -> StepResult {
    let mut params = vec![("appointment".to_string(), id.to_string())];
    if let Some(start) = label.and_then(|l| w.onl.appointments.get(l)).and_then(|(_, a)| a.get("start")?.as_str()) {
        params.push(("start".into(), start.to_string()));
    }
    if let Some(n) = nhs.filter(|n| !n.is_empty()) {
        params.push(("patient".into(), n));
    }
    w.onl.changing = label.map(str::to_string);
    crate::steps::consumer::act_in_record(w, action, params).await
}

/// The NHS number of the patient an appointment is for (by its logical id).
fn nhs_of(w: &RfaWorld, appt: &Value) -> Result<String, Failure> {
    let id = appt.pointer("/participant/0/actor/reference").and_then(Value::as_str).unwrap_or_default();
    let id = id.trim_start_matches("Patient/");
    let key = w.shared.ids.iter().find(|(_, v)| v.as_str() == id).map(|(k, _)| k.clone());
    match key {
        Some(k) => crate::steps::common::keys::nhs(w, &k),
        None => Err(Failure::Harness(format!(
            "the appointment is for Patient/{id}, a patient this scenario did not look up"
        ))),
    }
}

async fn arrival(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, appt) = booked(w, a.get(1))?.clone();
    let nhs = if a.get(2).is_empty() { nhs_of(w, &appt)? } else { crate::steps::common::keys::nhs(w, a.get(2))? };
    mark(w, "mark-arrived", &id, Some(a.get(1)), Some(nhs)).await
}

async fn arrival_naming_number(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _) = booked(w, a.get(1))?.clone();
    mark(w, "mark-arrived", &id, Some(a.get(1)), Some(a.get(2).to_string())).await
}

async fn arrival_for_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = crate::steps::common::keys::nhs(w, a.get(2))?;
    mark(w, "mark-arrived", a.get(1), None, Some(nhs)).await
}

async fn did_not_attend(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _) = booked(w, a.get(1))?.clone();
    mark(w, "mark-did-not-attend", &id, Some(a.get(1)), None).await
}

async fn did_not_attend_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    mark(w, "mark-did-not-attend", a.get(1), None, None).await
}

/// The Appointment of a 200 response; the scenario then knows the
/// appointment it changed as answered.
fn answered(w: &mut RfaWorld, what: &str) -> Result<Value, Failure> {
    let resp = w.response()?;
    if resp.status != 200 {
        return w.fail(format!("{what} should answer 200, it answered HTTP {}", resp.status));
    }
    let body = match resp.json() {
        Ok(b) if b.as_resource().resource_type() == Some("Appointment") => b,
        _ => return w.fail(format!("{what} should answer the Appointment")),
    };
    if let Some(label) = w.onl.changing.clone()
        && let Some(entry) = w.onl.appointments.get_mut(&label)
    {
        entry.1 = body.clone();
    }
    Ok(body)
}

/// The first of these elements (dotted paths) in which two readings of an
/// appointment differ.
fn first_difference<'p>(got: &Value, was: &Value, paths: &[&'p str]) -> Option<&'p str> {
    paths.iter().copied().find(|p| element(got, p) != element(was, p))
}

fn element<'a>(a: &'a Value, path: &str) -> &'a Value {
    a.pointer(&entries::dotted_pointer("", path)).unwrap_or(&Value::Null)
}

async fn answered_with(w: &mut RfaWorld, a: &Args) -> StepResult {
    let body = answered(w, "the amendment")?;
    let want = json_arg(a.get(2))?;
    let got = element(&body, a.get(1));
    if *got != want {
        return w.fail(format!("`{}` should be {want}, it is {got}", a.get(1)));
    }
    let tag = w.response()?.header("ETag").unwrap_or_default();
    let v = a.get(3);
    if version(&body) != v || tag != format!("W/\"{v}\"") {
        return w.fail(format!(
            "the amended appointment should be version {v} with ETag W/\"{v}\"; it is version {} with ETag `{tag}`",
            version(&body)
        ));
    }
    Ok(())
}

/// Reads a labelled appointment as the practice (evidence kept).
async fn read_back(w: &mut RfaWorld, label: &str) -> Result<Value, Failure> {
    let (id, _) = booked(w, label)?.clone();
    let resp = w.send_as_practice(&RequestSpec::new(Interaction::ReadAppointment, format!("Appointment/{id}"))).await?;
    match (resp.status, resp.json()) {
        (200, Ok(b)) => Ok(b),
        (status, _) => w.fail(format!("reading appointment {id} back should answer 200, it answered HTTP {status}")),
    }
}

async fn reads_back_with(w: &mut RfaWorld, a: &Args) -> StepResult {
    let got = read_back(w, a.get(1)).await?;
    let want = json_arg(a.get(3))?;
    let have = element(&got, a.get(2));
    if *have != want {
        return w.fail(format!(
            "appointment \"{}\" should read back with `{}` {want}, it has {have}",
            a.get(1),
            a.get(2)
        ));
    }
    if !a.get(4).is_empty() && version(&got) != a.get(4) {
        return w.fail(format!(
            "appointment \"{}\" should be at version {}, it is at {}",
            a.get(1),
            a.get(4),
            version(&got)
        ));
    }
    Ok(())
}

async fn reads_back_booked(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, was) = booked(w, a.get(1))?.clone();
    let got = read_back(w, a.get(1)).await?;
    for path in ["status", "start", "end", "slot", "participant", "description", "priority", "comment"] {
        if element(&got, path) != element(&was, path) {
            return w.fail(format!(
                "appointment \"{}\" should be unchanged, but its `{path}` is {} where it was {}",
                a.get(1),
                element(&got, path),
                element(&was, path)
            ));
        }
    }
    if version(&got) != a.get(2) {
        return w.fail(format!(
            "appointment \"{}\" should still be at version {}, it is at {}",
            a.get(1),
            a.get(2),
            version(&got)
        ));
    }
    if slot_of(&got) != slot_of(&was) {
        return w.fail("the appointment's slot changed");
    }
    Ok(())
}

/// The appointment, read back through GP Connect, shows the mark: the new
/// status at a later version, and nothing else changed.
async fn reads_back_marked(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (label, want) = (a.get(1), a.get(2));
    let (_, known) = booked(w, label)?.clone();
    let got = read_back(w, label).await?;
    if got.get("status").and_then(Value::as_str) != Some(want) {
        return w.fail(format!(
            "appointment \"{label}\" should read back {want} through GP Connect, it reads back {}",
            element(&got, "status")
        ));
    }
    // FHIR: a resource's versionId changes whenever its content does.
    if version(&got) == version(&known) {
        return w.fail(format!(
            "appointment \"{label}\" is {want} yet still at version {}: a change makes a new version",
            version(&got)
        ));
    }
    if let Some(path) =
        first_difference(&got, &known, &["start", "end", "slot", "participant", "description", "comment"])
    {
        return w.fail(format!(
            "marking appointment \"{label}\" {want} changed its `{path}`: {} where it was {}",
            element(&got, path),
            element(&known, path)
        ));
    }
    if let Some(entry) = w.onl.appointments.get_mut(label) {
        entry.1 = got;
    }
    Ok(())
}

async fn reads_back_unchanged(w: &mut RfaWorld, a: &Args) -> StepResult {
    booked(w, a.get(1))?;
    w.onl.changing = Some(a.get(1).to_string());
    unchanged(w).await
}

async fn bundle_status(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _) = booked(w, a.get(1))?.clone();
    let b = crate::steps::common::bundle::searchset(w)?;
    let status = crate::steps::common::bundle::resources(&b, "Appointment")
        .into_iter()
        .find(|r| r.as_resource().id() == Some(id.as_str()))
        .and_then(|r| r.get("status").and_then(Value::as_str).map(str::to_string));
    match status {
        Some(s) if s == a.get(2) => Ok(()),
        Some(s) => w.fail(format!("appointment {id} should have status {}, it has {s}", a.get(2))),
        None => w.fail(format!("the Bundle should hold appointment {id}")),
    }
}

/// An appointment change: the appointment reads back as the scenario last
/// knew it (status, times, slots, participants, description, comment) at
/// the same version.
pub(crate) async fn unchanged(w: &mut RfaWorld) -> StepResult {
    let label = w.onl.changing.clone().ok_or_else(|| {
        Failure::Harness("the refused change names no appointment the scenario booked or found".into())
    })?;
    let (id, was) = w
        .onl
        .appointments
        .get(&label)
        .cloned()
        .ok_or_else(|| Failure::Harness(format!("no appointment \"{label}\" in this scenario")))?;
    let resp = w.send_as_practice(&RequestSpec::new(Interaction::ReadAppointment, format!("Appointment/{id}"))).await?;
    let got = match (resp.status, resp.json()) {
        (200, Ok(b)) if b.as_resource().resource_type() == Some("Appointment") => b,
        (status, _) => {
            return w.fail(format!(
                "reading appointment {id} back after the refused change should answer 200 with it, it answered HTTP {status}: so it cannot be shown that nothing was changed"
            ));
        }
    };
    let kept = ["status", "start", "end", "slot", "participant", "description", "priority", "comment"];
    if let Some(path) = first_difference(&got, &was, &kept) {
        return w.fail(format!(
            "the change was refused, yet appointment \"{label}\" changed: its `{path}` is {} where it was {}",
            element(&got, path),
            element(&was, path)
        ));
    }
    let version = |a: &Value| a.pointer("/meta/versionId").and_then(Value::as_str).map(str::to_string);
    if let (Some(before), Some(now)) = (version(&was), version(&got))
        && before != now
    {
        return w
            .fail(format!("the change was refused, yet appointment \"{label}\" moved from version {before} to {now}"));
    }
    Ok(())
}
