//! Booking, reading and cancelling appointments (ONL). Slots are shared by
//! every scenario running at once, so a booking that loses its slot to
//! another scenario (409, and the slot no longer offered) picks another;
//! the choice of slot follows from the recorded search, so re-judging
//! rebuilds the same requests.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::client::RequestSpec;
use crate::entries;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::drafts;
use crate::steps::common::keys::logical_id;
use crate::steps::common::stamps::at;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

/// How many slots a booking tries before it gives up on races.
const ATTEMPTS: usize = 5;

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a booking of a free slot for "([^"]+)"$"# => booking, "Searches free slots on one of the next 14 days (which one follows from the scenario's first trace id; evidence kept), picks one, and begins `POST [base]/Appointment`: status booked, the slot's start and end, the Slot, the Patient as participant, and the booking organisation (the consumer's ODS code)."),
        step!(Given r#"^a booking of a free slot today for "([^"]+)"$"# => booking_today, "Like a booking of a free slot, on a slot of today (the test data's sit-and-wait schedule); a lost slot is replaced by another of today."),
        step!(Given r#"^a booking of (two|three) adjacent free slots for "([^"]+)"$"# => booking_adjacent, "Like a booking of a free slot, of two or three slots of one schedule each starting as the one before ends: start of the first, end of the last, every Slot referenced."),
        step!(Given r#"^the booking also takes a free slot that does not follow on$"# => booking_gap, "Adds to the booking a free slot of the same schedule that is not next to it — after its end if the window has one, else before its start — and stretches the booking's end (or start) to it."),
        step!(Then r#"^every slot of "([^"]+)" is no longer offered$"# => all_slots_taken, "A free slot search over the booking's window (evidence kept) offers none of the appointment's slots."),
        step!(Given r#"^a booking of a free slot kept for urgent care for "([^"]+)"$"# => booking_kept_slot, "Like a booking of a free slot, on a slot offered only to organisation type urgent-care (searchFilter), which no other scenario books; later slot checks search as urgent care too."),
        step!(Given r#"^the booking's "([^"]+)" is set to (.+)$"# => set_field, "Sets an element of the Appointment being booked (a dotted path) to a JSON value."),
        step!(Given r#"^the booking's "([^"]+)" is removed$"# => remove_field, "Leaves an element of the Appointment being booked out."),
        step!(Given r#"^the booking is made by the organisation "([^"]+)"$"# => booking_by, "The booking is made by this fixture organisation: its ODS code is the booking organisation's and the JWT's requesting_organization's."),
        step!(Given r#"^the booking's (Patient|Location) participant is removed$"# => remove_participant, "Leaves out the participants whose actor is a Patient, or a Location."),
        step!(Given r#"^the booking carries the slot's delivery channel and the practitioner role "([^"]+)"$"# => optional_extensions, "Adds to the booking the delivery channel extension (the first slot's channel) and the practitioner role extension with this SDS job role code, as GP Connect's own suite books with them."),
        step!(Then r#"^the appointment "([^"]+)" as answered and as read has "([^"]+)" set to (.+)$"# => answered_and_read, "The booking's answer (if it had a body) and a read of the appointment (evidence kept, as the practice) both hold this element (a dotted path) as this JSON value (`null`: absent)."),
        step!(Then r#"^the appointment "([^"]+)" as answered and as read names its booking organisation with the ODS code, name and telecom it was booked with$"# => organisation_kept, "The booking's answer and a read of the appointment (evidence kept, as the practice) each carry the booking organisation extension referencing a contained Organization with the ODS code, name and telecom the booking sent."),
        step!(Then r#"^the appointment "([^"]+)" as answered and as read carries every extension it was booked with$"# => extensions_kept, "The booking's answer and a read of the appointment (evidence kept, as the practice) each carry every extension the booking sent but the booking organisation's (whose contained id may be renamed), by url, with the same value."),
        step!(Given r#"^a booking of the slot of "([^"]+)" for "([^"]+)"$"# => booking_same_slot, "Begins a booking, for this patient, of the slot a booked appointment holds."),
        step!(Given r#"^a read of the appointment "([^"]+)"$"# => read_appointment, "Begins `GET [base]/Appointment/[id]` of a booked appointment."),
        step!(Given r#"^a read of the appointment id "([^"]*)"$"# => read_appointment_id, "Begins `GET [base]/Appointment/[id]` for this literal id."),
        step!(Given r#"^a cancellation of "([^"]+)"( with the reason "([^"]*)")?$"# => cancellation, "Begins `PUT [base]/Appointment/[id]` (cancel interaction): the appointment as booked, status cancelled, with the cancellation reason extension if a reason is given (an empty reason is sent as an empty `valueString`)."),
        step!(Given r#"^a cancellation of "([^"]+)" with the reason "([^"]*)" under the extension url "([^"]*)"$"# => cancellation_url, "Like a cancellation with a reason, the reason's extension under this url instead of the cancellation reason's."),
        step!(Given r#"^the (?:cancellation|amendment) also sets "([^"]+)" to (.+)$"# => cancellation_also, "Changes one more element (a dotted path) of the cancellation or amendment being built to a JSON value; `participant.+` (any list) appends to the list."),
        step!(Given r#"^a booking of a slot of today that has begun for "([^"]+)"$"# => booking_begun, "Like a booking of a free slot today, of a slot of today (sit-and-wait) whose start time has passed: the search runs from midnight to the scenario's first request."),
        step!(Given r#"^a search for the appointments of "([^"]+)" with "([^"]*)"$"# => patient_search, "Begins `GET [base]/Patient/[id]/Appointment?…` with these parameters; `{today+N}` become dates."),
        step!(When r#"^the booking is sent$"# => send_booking, "Sends the booking; if it loses its slot to another scenario (409 and the slot no longer offered), books another, up to five times. Every attempt is evidence."),
        step!(When r#"^the booking is sent twice at once$"# => send_twice, "Sends the same booking twice concurrently (on another slot if both lost it to another scenario) and records both exchanges."),
        step!(Then r#"^the appointment is booked as "([^"]+)"$"# => is_booked, "HTTP 201, a Location naming the appointment, and a body (if any) with an id, status booked and the Slot booked. The appointment is then known by this label."),
        step!(Then r#"^the response has the ETag W/"(\d+)"$"# => has_etag, "The ETag header is exactly `W/\"[n]\"`."),
        step!(Then r#"^the slot of "([^"]+)" is (no longer|again) offered$"# => slot_offered, "A free slot search of that slot's day (evidence kept) leaves the slot out, or lists it."),
        step!(Then r#"^exactly one of the two bookings succeeded and the other was refused with 409 "DUPLICATE_REJECTED"$"# => one_booking_wins, "Of the two concurrent bookings, one answered 201 and the other 409 with a GPConnect-OperationOutcome-1 carrying DUPLICATE_REJECTED, checked in full as every refusal is."),
        step!(Then r#"^the response is the appointment "([^"]+)"$"# => is_appointment, "HTTP 200, ETag `W/\"[version]\"`, and the appointment: its id, status and Slot."),
        step!(Then r#"^the appointment is cancelled with the reason "([^"]*)"$"# => is_cancelled, "HTTP 200, status cancelled, and the cancellation reason extension holds this reason."),
        step!(Then r#"^the cancelled appointment is otherwise as it was, at the next version$"# => cancelled_otherwise_same, "The cancellation's answer keeps the appointment's id, description, start, end, slots, participants, created and every extension but the cancellation reason as they were before, and its meta.versionId and ETag are the next version."),
        step!(Then r#"^the Bundle (includes|does not include) the appointment "([^"]+)"$"# => bundle_has, "The searchset Bundle holds, or does not hold, this appointment."),
        step!(Then r#"^every appointment in the response is a valid GP Connect appointment$"# => valid_appointments, "The response (2xx) is an Appointment, or a Bundle holding those this scenario booked (none is a failure), and each is valid as GP Connect's own suite checks: one meta.profile, GPConnect-Appointment-1, and a versionId; an id, a status, a start (today or later) and an end; Slots referenced as `Slot/[id]`; a description and created; no reason or specialty; identifiers with values; a priority of 0 to 9 if any; at least a Patient and a Location participant, every actor a `Patient/`, `Practitioner/` or `Location/` reference that reads back as one (evidence kept), every participant type with at most one coding; the booking organisation extension referencing a contained Organization with an id, a name and a telecom (and no type when the booking sent none)."),
        step!(Then r#"^the appointment in the response names its service (category|type)$"# => names_service, "The response's Appointment (or one of the Bundle's) has `serviceCategory.text` (category), or a `serviceType` with a `text` (type), not empty."),
        step!(Given r#"^the (?:cancellation|amendment) leaves out "([^"]+)"$"# => change_leaves_out, "Leaves a top-level element out of the cancellation or amendment being built."),
        step!(Given r#"^the amendment's body is an empty Appointment$"# => change_emptied, "Replaces the body of the amendment being built with `{\"resourceType\": \"Appointment\"}` (headers and If-Match stay)."),
    ]
}

/// A free slot search over whole days, or, with `times`, between these two
/// instants of today; with the Schedules included, whose actors name the
/// Location a booking must name (GP Connect's own default booking takes it
/// from the Schedule).
fn free_slot_search(
    (day_from, day_to): (i64, i64),
    times: Option<(OffsetDateTime, OffsetDateTime)>,
    org_type: Option<&str>,
) -> Result<RequestSpec, Failure> {
    let mut spec = RequestSpec::new(Interaction::SearchSlots, "Slot");
    let q = match times {
        Some((from, to)) => format!("start=ge{}&end=le{}", stamp(from), stamp(to)),
        None => crate::steps::common::stamps::dates(&format!("start=ge{{today+{day_from}}}&end=le{{today+{day_to}}}"))?,
    };
    for pair in q.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or_default();
        spec.query.push((k.into(), v.into()));
    }
    spec.query.push(("status".into(), "free".into()));
    // GP Connect has a provider refuse a free slot search without it.
    spec.query.push(("_include".into(), "Slot:schedule".into()));
    if let Some(t) = org_type {
        spec.query.push(("searchFilter".into(), format!("{}|{t}", gpc::ORGANISATION_TYPE_SYSTEM)));
    }
    Ok(spec)
}

/// The free slots of the scenario's booking window (evidence kept), as offered to the
/// organisation type the scenario books as, if any.
async fn free_slots(w: &mut RfaWorld) -> Result<Vec<Value>, Failure> {
    let org_type = w.onl.booking_org_type.clone();
    search_slots(w, org_type.as_deref()).await
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!("{}T{:02}:{:02}:{:02}Z", crate::support::clock::ymd(t.date()), t.hour(), t.minute(), t.second())
}

/// The moment a scenario's choices of today's slots are made from: when its
/// first request was sent (recorded, so re-judging makes the same choice),
/// or now.
fn anchor(w: &RfaWorld) -> OffsetDateTime {
    w.exchanges
        .first()
        .and_then(|x| OffsetDateTime::parse(&x.started, &time::format_description::well_known::Rfc3339).ok())
        .map(|t| t.replace_date(crate::support::clock::today()))
        .unwrap_or_else(crate::support::clock::now)
}

/// The stretch of today a booking for today searches: a slot still to
/// start, at least `LEAD` minutes on (GP Connect refuses to book what has
/// begun), in two hours of what is left of the day (which two follows from
/// the scenario); or, for a booking of a slot that has begun, from midnight
/// to now.
fn today_window(w: &RfaWorld) -> (OffsetDateTime, OffsetDateTime) {
    let now = anchor(w);
    let midnight = now.date().midnight().assume_utc();
    if w.onl.booking_begun {
        return (midnight, now);
    }
    let end_of_day = midnight + time::Duration::days(1) - time::Duration::seconds(1);
    let from = now + time::Duration::minutes(LEAD);
    let left_hours = ((end_of_day - from).whole_hours() - 1).max(1) as usize;
    let from = from + time::Duration::hours((seed(w) / 11 % left_hours) as i64);
    (from.min(end_of_day), (from + time::Duration::hours(2)).min(end_of_day))
}

/// Minutes ahead of now the first slot a booking for today may take starts.
const LEAD: i64 = 10;

async fn search_slots(w: &mut RfaWorld, org_type: Option<&str>) -> Result<Vec<Value>, Failure> {
    let (from, to) = window(w);
    // Today's slots run all day: a booking for today looks at two hours of
    // it still to come, not at every slot of the day.
    let today_only = (from, to) == (0, 0) && w.onl.booking_days.is_some();
    let times = today_only.then(|| today_window(w));
    let resp = w.send(&free_slot_search((from, to), times, org_type)?).await?;
    let status = resp.status;
    let body = resp.json().ok();
    // Only slots of the window asked for: whether the search keeps to its
    // window is ONL-001's to judge, not something a booking should trip on.
    let today = crate::support::clock::today();
    let (first, last) = (today + time::Duration::days(from), today + time::Duration::days(to));
    let in_window = |s: &&Value| {
        at(s.get("start")).is_some_and(|t| match times {
            Some((lo, hi)) => t >= lo && t < hi,
            None => t.date() >= first && t.date() <= last,
        })
    };
    match body {
        Some(b) if status == 200 => {
            for sch in crate::steps::common::bundle::resources(&b, "Schedule") {
                let location = sch
                    .get("actor")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_reference().reference())
                    .find(|r| r.starts_with("Location/"));
                if let (Some(id), Some(loc)) = (sch.as_resource().id(), location) {
                    w.onl.schedule_locations.insert(format!("Schedule/{id}"), loc.to_string());
                }
            }
            Ok(crate::steps::common::bundle::resources(&b, "Slot").into_iter().filter(in_window).cloned().collect())
        }
        _ => Err(Failure::Assert(format!(
            "setup: the free slot search answered HTTP {status}, so no slot can be booked\n    exchange: {}",
            w.last_exchange()
        ))),
    }
}

/// Free slots to book, not lost to another scenario: from the scenario's
/// day, or — when that day has none left that fit (a candidate that kept
/// earlier runs fills its diary a day at a time) and the scenario did not
/// ask for a day of its own — from the next day that has, the scenario then
/// keeping to that day. `None` when no day of the fortnight has any.
async fn free_run(w: &mut RfaWorld, skip: usize) -> Result<Option<Vec<Value>>, Failure> {
    let chosen_day = w.onl.booking_days.is_some();
    let (first, _) = window(w);
    let lost = w.onl.lost_slots.clone();
    for shift in 0..14 {
        if shift > 0 {
            if chosen_day {
                break;
            }
            let day = 1 + (first - 1 + shift) % 14;
            w.onl.booking_days = Some((day, day));
        }
        let mut slots = free_slots(w).await?;
        slots.retain(|s| s.as_resource().id().is_none_or(|id| !lost.iter().any(|l| l == id)));
        if let Some(run) = pick(w, &slots, skip) {
            return Ok(Some(run));
        }
    }
    if !chosen_day {
        w.onl.booking_days = None;
    }
    Ok(None)
}

/// Slots for this scenario — as many adjacent ones as it books (one
/// schedule, each starting as the one before ends) — at a position that
/// follows from its first trace id (random per run, the same when
/// re-judged), skipping `skip` choices.
fn pick(w: &RfaWorld, slots: &[Value], skip: usize) -> Option<Vec<Value>> {
    let span = w.onl.booking_span.max(1);
    let text = |s: &Value, p: &str| s.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    let follows = |a: &Value, b: &Value| {
        let end = at(a.get("end"));
        text(a, "/schedule/reference") == text(b, "/schedule/reference") && end.is_some() && end == at(b.get("start"))
    };
    // In schedule and time order, whatever order the candidate answered in.
    let mut slots = slots.to_vec();
    slots.sort_by_key(|s| (text(s, "/schedule/reference"), at(s.get("start"))));
    let runs: Vec<usize> = (0..slots.len())
        .filter(|&i| i + span <= slots.len() && slots[i..i + span].windows(2).all(|p| follows(&p[0], &p[1])))
        .collect();
    let first = *runs.get((seed(w) + skip * 7) % runs.len().max(1))?;
    Some(slots[first..first + span].to_vec())
}

/// A number that follows from the scenario's first trace id.
fn seed(w: &RfaWorld) -> usize {
    let id = w.exchanges.first().and_then(|x| x.request.header("Ssp-TraceID")).unwrap_or_default();
    id.bytes().fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
}

/// The days a booking looks for a slot in: one day of the next 14,
/// spread over scenarios, so each search answers a few dozen slots rather
/// than every slot of the fortnight (the answers are evidence, and were
/// most of a run's bytes).
pub(in crate::steps) fn window(w: &RfaWorld) -> (i64, i64) {
    const DAYS: i64 = 1;
    w.onl.booking_days.unwrap_or_else(|| {
        let first = 1 + (seed(w) / 7 % (14 - DAYS + 1) as usize) as i64;
        (first, first + DAYS - 1)
    })
}

/// The booking GP Connect's own suite sends by default
/// (DefaultAppointmentBuilder): the Appointment profile, status booked, the
/// slots' start and end, the Patient and the Location of the slot's
/// Schedule as participants (each with a status and type PART), the
/// booking organisation as a contained Organization with its ODS code, a
/// name and a telecom (and its type when the slots were searched as one),
/// a description and the time it was created.
fn appointment_for(w: &RfaWorld, slots: &[Value], patient: &str) -> Value {
    let ods = w
        .onl
        .booking_ods
        .clone()
        .unwrap_or_else(|| w.ctx().map(|c| c.client.config().spine.consumer_ods.clone()).unwrap_or_default());
    let refs: Vec<Value> = slots
        .iter()
        .map(|s| json!({ "reference": format!("Slot/{}", s.as_resource().id().unwrap_or_default()) }))
        .collect();
    let (first, last) = (slots.first().unwrap_or(&Value::Null), slots.last().unwrap_or(&Value::Null));
    let part =
        json!([{ "coding": [{ "system": ENCOUNTER_PARTICIPANT_TYPE, "code": "PART", "display": "Participation" }] }]);
    let mut participants =
        vec![json!({ "actor": { "reference": format!("Patient/{patient}") }, "status": "accepted", "type": part })];
    let schedule = first.pointer("/schedule/reference").and_then(Value::as_str).unwrap_or_default();
    // The Location of the slot's Schedule; if the search left the Schedule
    // out (ONL-006 judges that), the test data's first location, so a
    // candidate's _include is judged once and not by every booking.
    let location = w
        .onl
        .schedule_locations
        .get(schedule)
        .cloned()
        .or_else(|| crate::steps::common::keys::location(w, "location1").ok().map(|id| format!("Location/{id}")));
    if let Some(location) = location {
        participants.push(json!({ "actor": { "reference": location }, "status": "accepted", "type": part }));
    }
    let mut org = json!({
        "resourceType": "Organization",
        "id": "booking-org",
        "meta": { "profile": [gpc::ORGANIZATION_PROFILE] },
        "identifier": [{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods }],
        "name": "rfa-harness consumer",
        "telecom": [{ "system": "phone", "value": "01234 567890", "use": "temp" }]
    });
    // GP Connect: the booking organisation's type is the organisation type
    // the slots were searched as, and absent when none was.
    if let Some(kind) = &w.onl.booking_org_type {
        org["type"] = json!([{ "coding": [{ "system": gpc::ORGANISATION_TYPE_SYSTEM, "code": kind }] }]);
    }
    json!({
        "resourceType": "Appointment",
        "meta": { "profile": [gpc::APPOINTMENT_PROFILE] },
        "contained": [org],
        "extension": [{ "url": gpc::BOOKING_ORGANISATION_EXTENSION, "valueReference": { "reference": "#booking-org" } }],
        "status": "booked",
        "description": crate::steps::common::keys::booking_marker(w),
        "start": first.get("start").cloned().unwrap_or(Value::Null),
        "end": last.get("end").cloned().unwrap_or(Value::Null),
        "slot": refs,
        "created": stamp(crate::support::clock::now()),
        "participant": participants
    })
}

/// The participant type code system GP Connect's bookings use.
const ENCOUNTER_PARTICIPANT_TYPE: &str = "http://hl7.org/fhir/encounter-participant-type";

fn begin(w: &mut RfaWorld, body: Value) {
    let spec = RequestSpec::post(Interaction::BookAppointment, "Appointment", body.to_string());
    w.request = Some(spec);
    w.onl.booking = Some(body);
}

async fn booking_today(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.onl.booking_days = Some((0, 0));
    start_booking(w, a.get(1), "no free slot today (the test data keeps a sit-and-wait schedule with slots all day)")
        .await
}

/// Begins a booking of a free slot (of the scenario's window) for a patient.
async fn start_booking(w: &mut RfaWorld, key: &str, none: &str) -> StepResult {
    let patient = logical_id(w, key).await?;
    let Some(chosen) = free_run(w, 0).await? else {
        return Err(Failure::Assert(format!("setup: {none}\n    exchange: {}", w.last_exchange())));
    };
    w.onl.booking_patient = Some(patient.clone());
    let body = appointment_for(w, &chosen, &patient);
    w.onl.booking_schedule = chosen.first().and_then(|s| s.pointer("/schedule/reference")).cloned();
    begin(w, body);
    Ok(())
}

async fn booking_adjacent(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.onl.booking_span = if a.get(1) == "three" { 3 } else { 2 };
    start_booking(w, a.get(2), "the free slot search returned no adjacent free slots to book").await
}

/// Adds a free slot of the same schedule that is not next to the booking's:
/// after its end if there is one in the window, else before its start.
async fn booking_gap(w: &mut RfaWorld, _: &Args) -> StepResult {
    let body = w.onl.booking.clone().ok_or_else(|| Failure::Harness("begin a booking first".into()))?;
    let (Some(start), Some(end)) = (at(body.get("start")), at(body.get("end"))) else {
        return Err(Failure::Harness("the booking has no start and end to keep a gap from".into()));
    };
    // The schedule as first found: the slot may be taken by now.
    let schedule = w.onl.booking_schedule.clone();
    let slots = free_slots(w).await?;
    let same: Vec<&Value> = slots.iter().filter(|s| s.pointer("/schedule/reference") == schedule.as_ref()).collect();
    let after = same.iter().find(|s| at(s.get("start")).is_some_and(|t| t > end));
    let before = same.iter().rev().find(|s| at(s.get("end")).is_some_and(|t| t < start));
    let (other, later) = match (after, before) {
        (Some(s), _) => ((*s).clone(), true),
        (None, Some(s)) => ((*s).clone(), false),
        (None, None) => {
            return Err(Failure::Assert(format!(
                "setup: no other free slot of the same schedule to leave a gap to\n    exchange: {}",
                w.last_exchange()
            )));
        }
    };
    let reference = json!({ "reference": format!("Slot/{}", other.as_resource().id().unwrap_or_default()) });
    edit(w, |b| {
        if let Some(list) = b.get_mut("slot").and_then(Value::as_array_mut) {
            if later { list.push(reference) } else { list.insert(0, reference) }
        }
        let (key, value) = if later { ("end", other.get("end")) } else { ("start", other.get("start")) };
        b[key] = value.cloned().unwrap_or(Value::Null);
    })
}

async fn all_slots_taken(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, appt) = booked(w, a.get(1))?.clone();
    let held = slots_of(&appt);
    let free = free_slots(w).await?;
    let offered: Vec<&String> =
        held.iter().filter(|id| free.iter().any(|s| s.as_resource().id() == Some(id.as_str()))).collect();
    if held.len() < 2 {
        return w.fail(format!("appointment \"{}\" should hold several slots, it holds {}", a.get(1), held.len()));
    }
    match offered.first() {
        Some(id) => {
            w.fail(format!("Slot/{id} is booked by a several-slot appointment, yet a free slot search still offers it"))
        }
        None => Ok(()),
    }
}

async fn booking(w: &mut RfaWorld, a: &Args) -> StepResult {
    start_booking(w, a.get(1), "the free slot search returned no slot to book").await
}

fn edit(w: &mut RfaWorld, f: impl FnOnce(&mut Value)) -> StepResult {
    let mut body = w.onl.booking.clone().ok_or_else(|| Failure::Harness("begin a booking first".into()))?;
    f(&mut body);
    begin(w, body);
    Ok(())
}

async fn set_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let value = drafts::json_value(a.get(2))?;
    edit(w, |b| drafts::set(b, "", a.get(1), value))
}

async fn remove_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    edit(w, |b| drafts::remove(b, "", a.get(1)))
}

async fn remove_participant(w: &mut RfaWorld, a: &Args) -> StepResult {
    let prefix = format!("{}/", a.get(1));
    edit(w, |b| {
        if let Some(list) = b.get_mut("participant").and_then(Value::as_array_mut) {
            list.retain(|p| {
                !p.pointer("/actor/reference").and_then(Value::as_str).is_some_and(|r| r.starts_with(&prefix))
            });
        }
    })
}

pub(in crate::steps) fn booked<'a>(w: &'a RfaWorld, label: &str) -> Result<&'a (String, Value), Failure> {
    w.onl
        .appointments
        .get(label)
        .ok_or_else(|| Failure::Harness(format!("no appointment \"{label}\" was booked in this scenario")))
}

/// Every slot an appointment holds (ids).
pub(in crate::steps) fn slots_of(a: &Value) -> Vec<String> {
    a.get("slot")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_reference().reference())
        .map(|r| r.trim_start_matches("Slot/").to_string())
        .collect()
}

pub(in crate::steps) fn slot_of(a: &Value) -> String {
    a.pointer("/slot/0/reference").and_then(Value::as_str).unwrap_or_default().trim_start_matches("Slot/").to_string()
}

/// Books where no other scenario does: a slot kept for urgent care, which
/// a search without that organisation type never offers, so no other
/// scenario can take it between this scenario's steps.
async fn booking_kept_slot(w: &mut RfaWorld, a: &Args) -> StepResult {
    const KIND: &str = "urgent-care";
    let patient = logical_id(w, a.get(1)).await?;
    let plain: Vec<String> =
        search_slots(w, None).await?.iter().filter_map(|s| s.as_resource().id().map(str::to_string)).collect();
    w.onl.booking_org_type = Some(KIND.into());
    let mut kept = free_slots(w).await?;
    kept.retain(|s| s.as_resource().id().is_some_and(|id| !plain.iter().any(|p| p == id)));
    let Some(chosen) = pick(w, &kept, 0) else {
        return Err(Failure::Assert(format!(
            "setup: no slot is kept for {KIND} organisations (the test data keeps one schedule for them)"
        )));
    };
    w.onl.booking_patient = Some(patient.clone());
    let body = appointment_for(w, &chosen, &patient);
    begin(w, body);
    Ok(())
}

async fn booking_same_slot(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, first) = booked(w, a.get(1))?.clone();
    let patient = logical_id(w, a.get(2)).await?;
    // The booking as sent for that slot (what the candidate answered may
    // differ, which ONL-042 judges, not this), else as answered.
    let sent = w.onl.booking.clone().filter(|b| slot_of(b) == slot_of(&first));
    let mut body = sent.unwrap_or(first);
    entries::set_pointer(&mut body, "/participant/0/actor/reference", json!(format!("Patient/{patient}")));
    if let Some(o) = body.as_object_mut() {
        for k in ["id", "meta", "created"] {
            o.remove(k);
        }
    }
    begin(w, body);
    Ok(())
}

async fn read_appointment(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _) = booked(w, a.get(1))?;
    w.request = Some(RequestSpec::new(Interaction::ReadAppointment, format!("Appointment/{id}")));
    Ok(())
}

async fn read_appointment_id(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(RequestSpec::new(Interaction::ReadAppointment, format!("Appointment/{}", a.get(1))));
    Ok(())
}

async fn cancellation(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, current) = booked(w, a.get(1))?.clone();
    let body = cancelled(current, Some(a.get(3)).filter(|_| !a.get(2).is_empty()));
    put(w, a.get(1), Interaction::CancelAppointment, &body, None)
}

async fn cancellation_url(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, current) = booked(w, a.get(1))?.clone();
    let mut body = cancelled(current, None);
    let mut ext = body.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
    ext.push(json!({ "url": a.get(3), "valueString": a.get(2) }));
    body["extension"] = Value::Array(ext);
    put(w, a.get(1), Interaction::CancelAppointment, &body, None)
}

/// Changes the body of the cancellation (or amendment) being built.
async fn cancellation_also(w: &mut RfaWorld, a: &Args) -> StepResult {
    let value = drafts::json_value(a.get(2))?;
    edit_body(w, "begin a cancellation first", |body| match a.get(1).strip_suffix(".+") {
        Some(list) => {
            let mut items = body.get(list).and_then(Value::as_array).cloned().unwrap_or_default();
            items.push(value);
            body[list] = Value::Array(items);
        }
        None => drafts::set(body, "", a.get(1), value),
    })
}

/// Edits the JSON body of the request being built, in place.
fn edit_body(w: &mut RfaWorld, begin_first: &str, f: impl FnOnce(&mut Value)) -> StepResult {
    let spec = w.request.as_mut().ok_or_else(|| Failure::Harness(begin_first.into()))?;
    let mut body: Value = spec
        .body
        .as_deref()
        .and_then(|b| serde_json::from_slice(b).ok())
        .ok_or_else(|| Failure::Harness("the request being built has no JSON body".into()))?;
    f(&mut body);
    spec.body = Some(body.to_string().into_bytes());
    Ok(())
}

async fn booking_begun(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.onl.booking_days = Some((0, 0));
    w.onl.booking_begun = true;
    start_booking(w, a.get(1), "no slot of today has begun yet (the test data keeps a sit-and-wait schedule with slots all day, from midnight)").await
}

/// The appointment with status cancelled and, if given, the reason.
pub(in crate::steps) fn cancelled(mut body: Value, reason: Option<&str>) -> Value {
    body["status"] = json!("cancelled");
    if let Some(reason) = reason {
        let mut ext = body.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
        ext.push(json!({ "url": gpc::CANCELLATION_REASON_EXTENSION, "valueString": reason }));
        body["extension"] = Value::Array(ext);
    }
    body
}

/// Begins `PUT [base]/Appointment/[id]` of a labelled appointment with this
/// body (amend or cancel), with `If-Match` if a tag is given.
pub(in crate::steps) fn put(
    w: &mut RfaWorld,
    label: &str,
    interaction: Interaction,
    body: &Value,
    tag: Option<String>,
) -> StepResult {
    let (id, before) = booked(w, label)?.clone();
    w.onl.before_change = Some(before);
    let mut spec = RequestSpec::new(interaction, format!("Appointment/{id}"));
    spec.method = reqwest::Method::PUT;
    spec.body = Some(body.to_string().into_bytes());
    if let Some(t) = tag {
        spec.header_edits.push(("If-Match".into(), crate::client::HeaderEdit::Set(t)));
    }
    w.request = Some(spec);
    w.onl.changing = Some(label.to_string());
    Ok(())
}

async fn patient_search(w: &mut RfaWorld, a: &Args) -> StepResult {
    let patient = logical_id(w, a.get(1)).await?;
    appointments_search(w, patient, a.get(2))
}

fn appointments_search(w: &mut RfaWorld, patient: String, query: &str) -> StepResult {
    let q = crate::steps::common::stamps::dates(query)?;
    let mut spec = RequestSpec::new(Interaction::SearchPatientAppointments, format!("Patient/{patient}/Appointment"));
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        spec.query.push((k.into(), v.into()));
    }
    w.request = Some(spec);
    Ok(())
}

/// After a 409 the slot was most likely taken by another scenario running
/// at the same time: book another one. The caller bounds the attempts, so a
/// candidate that refuses every booking still fails.
async fn rebook(w: &mut RfaWorld, attempt: usize) -> Result<(), Failure> {
    let (Some(body), Some(patient)) = (w.onl.booking.clone(), w.onl.booking_patient.clone()) else { return Ok(()) };
    w.onl.lost_slots.extend(slots_of(&body));
    let Some(chosen) = free_run(w, attempt).await? else { return Ok(()) };
    let mut next = appointment_for(w, &chosen, &patient);
    // Everything the scenario set stays (description, comment, the booking
    // organisation, extensions...), or a rebooked request would judge a
    // booking the scenario did not make: a lost slot let RFA-ONL-042 pass
    // against a provider that drops extensions. What follows from the slot
    // is the new slot's: its reference, times, Location and delivery channel.
    for (k, v) in body.as_object().into_iter().flatten() {
        if !["slot", "start", "end", "participant", "extension"].contains(&k.as_str()) {
            next[k] = v.clone();
        }
    }
    let url = |e: &Value| e.get("url").and_then(Value::as_str).unwrap_or_default().to_string();
    let mut ext = next.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
    let fresh: Vec<String> = ext.iter().map(url).collect();
    let channel = chosen
        .first()
        .and_then(|s| gpc::extension(s, gpc::DELIVERY_CHANNEL_EXTENSION).and_then(|e| e.get("valueCode")).cloned());
    for e in body.get("extension").and_then(Value::as_array).into_iter().flatten() {
        match (url(e), &channel) {
            (u, _) if fresh.contains(&u) => {}
            (u, Some(c)) if u == gpc::DELIVERY_CHANNEL_EXTENSION => ext.push(json!({ "url": u, "valueCode": c })),
            _ => ext.push(e.clone()),
        }
    }
    next["extension"] = Value::Array(ext);
    // The same request with another slot: headers and token edits stay.
    let mut spec = w.request.clone().ok_or_else(|| Failure::Harness("no booking".into()))?;
    spec.body = Some(next.to_string().into_bytes());
    w.request = Some(spec);
    w.onl.booking = Some(next);
    Ok(())
}

async fn send_booking(w: &mut RfaWorld, _: &Args) -> StepResult {
    for attempt in 1..=ATTEMPTS {
        let spec = w.request.clone().ok_or_else(|| Failure::Harness("begin a booking first".into()))?;
        let resp = w.send(&spec).await?;
        let status = resp.status;
        w.response = Some(resp);
        if status != 409 || attempt == ATTEMPTS {
            break;
        }
        rebook(w, attempt).await?;
    }
    Ok(())
}

async fn send_twice(w: &mut RfaWorld, _: &Args) -> StepResult {
    for attempt in 1..=ATTEMPTS {
        let spec = w.request.clone().ok_or_else(|| Failure::Harness("begin a booking first".into()))?;
        w.send_twice(&spec).await?;
        if w.shared.together != [409, 409] || attempt == ATTEMPTS {
            break;
        }
        rebook(w, attempt).await?;
    }
    Ok(())
}

async fn is_booked(w: &mut RfaWorld, a: &Args) -> StepResult {
    let sent = w.onl.booking.clone().ok_or_else(|| Failure::Harness("no booking was sent".into()))?;
    let resp = w.response()?;
    if resp.status != 201 {
        return w.fail(format!("the booking should answer 201, it answered HTTP {}", resp.status));
    }
    let location = resp.header("Location").unwrap_or_default();
    let id = location
        .split("/Appointment/")
        .nth(1)
        .map(|t| t.split('/').next().unwrap_or_default().to_string())
        .unwrap_or_default();
    let body = resp.json().ok().filter(|b| b.get("resourceType").is_some());
    if id.is_empty() {
        return w.fail(format!("the booking should answer a Location naming the appointment, it is `{location}`"));
    }
    let stored = match body {
        Some(b) => {
            if b.as_resource().id() != Some(id.as_str()) {
                return w.fail(format!("the body's id should be {id}, the id in Location"));
            }
            if b.get("status").and_then(Value::as_str) != Some("booked") || slot_of(&b) != slot_of(&sent) {
                return w.fail(format!("the appointment should be booked on Slot/{}", slot_of(&sent)));
            }
            b
        }
        None => {
            let mut b = sent;
            b["id"] = json!(id);
            b
        }
    };
    w.onl.appointments.insert(a.get(1).to_string(), (id, stored));
    Ok(())
}

async fn has_etag(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want = format!("W/\"{}\"", a.get(1));
    let tag = w.response()?.header("ETag").unwrap_or_default();
    if tag != want {
        return w.fail(format!("the ETag should be {want}, it is `{tag}`"));
    }
    Ok(())
}

async fn slot_offered(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, appt) = booked(w, a.get(1))?.clone();
    let slot = slot_of(&appt);
    let free = free_slots(w).await?;
    // An empty answer would show any slot "gone": the search must still
    // offer something for its silence on this slot to mean anything.
    if a.get(2) == "no longer" && free.is_empty() {
        return w.fail(format!(
            "a free slot search after the booking offers no slot at all, so it cannot show that Slot/{slot} is no longer offered"
        ));
    }
    let is_offered = free.iter().any(|s| s.as_resource().id() == Some(slot.as_str()));
    match (a.get(2), is_offered) {
        ("no longer", true) => w.fail(format!("Slot/{slot} is booked, yet a free slot search still offers it")),
        ("again", false) => w.fail(format!(
            "the appointment on Slot/{slot} was cancelled, yet a free slot search does not offer the slot again"
        )),
        _ => Ok(()),
    }
}

async fn one_booking_wins(w: &mut RfaWorld, _: &Args) -> StepResult {
    let mut got = w.shared.together.clone();
    got.sort_unstable();
    if got != [201, 409] {
        let shown: Vec<String> = w.shared.together.iter().map(u16::to_string).collect();
        return w.fail(format!("two bookings of one slot at once: exactly one should be booked (201) and the other refused (409); the answers were {}", shown.join(" and ")));
    }
    crate::steps::common::http::check_refusal(w, Some(409), &["DUPLICATE_REJECTED"])
}

async fn is_appointment(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, want) = booked(w, a.get(1))?.clone();
    let resp = w.response()?;
    if resp.status != 200 {
        return w.fail(format!("the read should answer 200, it answered HTTP {}", resp.status));
    }
    let got = match resp.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    let version = got.pointer("/meta/versionId").and_then(Value::as_str).unwrap_or_default();
    let tag = resp.header("ETag").unwrap_or_default();
    if tag != format!("W/\"{version}\"") || version.is_empty() {
        return w.fail(format!("the ETag should be W/\"[meta.versionId]\", it is `{tag}` (versionId `{version}`)"));
    }
    if got.as_resource().id() != Some(id.as_str()) || slot_of(&got) != slot_of(&want) {
        return w.fail(format!("the read should return appointment {id} on Slot/{}", slot_of(&want)));
    }
    Ok(())
}

async fn is_cancelled(w: &mut RfaWorld, a: &Args) -> StepResult {
    let resp = w.response()?;
    if resp.status != 200 {
        return w.fail(format!("the cancellation should answer 200, it answered HTTP {}", resp.status));
    }
    let got = match resp.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    let reason = got
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|e| e.get("url").and_then(Value::as_str) == Some(gpc::CANCELLATION_REASON_EXTENSION))
        .and_then(|e| e.get("valueString").and_then(Value::as_str));
    if got.get("status").and_then(Value::as_str) != Some("cancelled") || reason != Some(a.get(1)) {
        return w.fail(format!(
            "the appointment should be cancelled with the reason `{}`, it has status {} and reason {}",
            a.get(1),
            got.get("status").unwrap_or(&Value::Null),
            reason.unwrap_or("none")
        ));
    }
    // Later steps change the appointment as now cancelled.
    if let Some(label) = w.onl.changing.clone()
        && let Some(entry) = w.onl.appointments.get_mut(&label)
    {
        entry.1 = got;
    }
    Ok(())
}

async fn bundle_has(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (id, _) = booked(w, a.get(2))?.clone();
    let b = crate::steps::common::bundle::searchset(w)?;
    let found = crate::steps::common::bundle::resources(&b, "Appointment")
        .iter()
        .any(|r| r.as_resource().id() == Some(id.as_str()));
    match (a.get(1), found) {
        ("includes", false) => w.fail(format!("the Bundle should hold appointment {id}")),
        ("does not include", true) => w.fail(format!("the Bundle should not hold appointment {id}")),
        _ => Ok(()),
    }
}

/// The SDS job role name code system GP Connect's practitioner role uses.
const SDS_JOB_ROLE_SYSTEM: &str = "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1";
/// GP Connect's practitioner role extension.
const PRACTITIONER_ROLE_EXTENSION: &str =
    "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-PractitionerRole-1";

async fn optional_extensions(w: &mut RfaWorld, a: &Args) -> StepResult {
    let body = w.onl.booking.clone().ok_or_else(|| Failure::Harness("begin a booking first".into()))?;
    // The channel of the first slot booked, as the search answered it.
    let slot = slot_of(&body);
    let channel = free_slots(w)
        .await?
        .iter()
        .find(|s| s.as_resource().id() == Some(slot.as_str()))
        .and_then(|s| gpc::extension(s, gpc::DELIVERY_CHANNEL_EXTENSION).and_then(|e| e.get("valueCode")).cloned())
        .unwrap_or_else(|| json!("In-person"));
    let role = json!({ "coding": [{ "system": SDS_JOB_ROLE_SYSTEM, "code": a.get(1) }] });
    edit(w, |b| {
        let mut ext = b.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
        ext.push(json!({ "url": gpc::DELIVERY_CHANNEL_EXTENSION, "valueCode": channel }));
        ext.push(json!({ "url": PRACTITIONER_ROLE_EXTENSION, "valueCodeableConcept": role }));
        b["extension"] = Value::Array(ext);
    })
}

/// The appointment as the booking answered it (if with a body) and as it
/// reads back now (evidence kept).
async fn answered_and_read_back(w: &mut RfaWorld, label: &str) -> Result<Vec<(&'static str, Value)>, Failure> {
    let (id, _) = booked(w, label)?.clone();
    let mut out = Vec::new();
    if let Some(body) = w.response.as_ref().and_then(|r| r.json().ok()).filter(|b| b.get("resourceType").is_some()) {
        out.push(("the booking's answer", body));
    }
    let resp = w.send_as_practice(&RequestSpec::new(Interaction::ReadAppointment, format!("Appointment/{id}"))).await?;
    match (resp.status, resp.json()) {
        (200, Ok(b)) => out.push(("the appointment read back", b)),
        (status, _) => {
            return w.fail(format!("reading appointment {id} back should answer 200, it answered HTTP {status}"));
        }
    }
    Ok(out)
}

async fn answered_and_read(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want = crate::steps::common::stamps::json_arg(a.get(3))?;
    let pointer = entries::dotted_pointer("", a.get(2));
    for (what, body) in answered_and_read_back(w, a.get(1)).await? {
        let got = body.pointer(&pointer).cloned().unwrap_or(Value::Null);
        if got != want {
            return w.fail(format!("`{}` should be {want} in {what}, it is {got}", a.get(2)));
        }
    }
    Ok(())
}

async fn extensions_kept(w: &mut RfaWorld, a: &Args) -> StepResult {
    let sent = w.onl.booking.clone().ok_or_else(|| Failure::Harness("no booking was sent".into()))?;
    // The booking organisation's reference may be renamed with its
    // contained resource; the other extensions are kept as sent.
    let wanted: Vec<Value> = sent
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| e.get("url").and_then(Value::as_str) != Some(gpc::BOOKING_ORGANISATION_EXTENSION))
        .cloned()
        .collect();
    for (what, body) in answered_and_read_back(w, a.get(1)).await? {
        for e in &wanted {
            let url = e.get("url").and_then(Value::as_str).unwrap_or_default();
            let value = |x: &Value| {
                x.as_object().map(|o| {
                    o.iter()
                        .filter(|(k, _)| k.starts_with("value"))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect::<Vec<_>>()
                })
            };
            let got = gpc::extension(&body, url);
            if got.map(value) != Some(value(e)) {
                return w.fail(format!(
                    "{what} should carry the extension {url} as booked ({e}), it has {}",
                    got.cloned().unwrap_or(Value::Null)
                ));
            }
        }
    }
    Ok(())
}

async fn cancelled_otherwise_same(w: &mut RfaWorld, _: &Args) -> StepResult {
    let before = w.onl.before_change.clone().ok_or_else(|| Failure::Harness("no cancellation was built".into()))?;
    let resp = w.response()?;
    let tag = resp.header("ETag").unwrap_or_default();
    let Ok(got) = resp.json() else { return w.fail("the cancellation should answer the Appointment") };
    let others = |a: &Value| -> Vec<Value> {
        a.get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e.get("url").and_then(Value::as_str) != Some(gpc::CANCELLATION_REASON_EXTENSION))
            .cloned()
            .collect()
    };
    for path in ["id", "description", "start", "end", "slot", "participant", "created"] {
        if got.get(path) != before.get(path) {
            return w.fail(format!(
                "the cancelled appointment's `{path}` should be as it was ({}), it is {}",
                before.get(path).unwrap_or(&Value::Null),
                got.get(path).unwrap_or(&Value::Null)
            ));
        }
    }
    if others(&got) != others(&before) {
        return w.fail("the cancelled appointment should keep every extension it had, and add only the reason");
    }
    let version = |a: &Value| a.pointer("/meta/versionId").and_then(Value::as_str).and_then(|v| v.parse::<u64>().ok());
    let next = version(&before).unwrap_or(1) + 1;
    if version(&got) != Some(next) || tag != format!("W/\"{next}\"") {
        return w.fail(format!(
            "the cancelled appointment should be version {next} with ETag W/\"{next}\"; it is version {} with ETag `{tag}`",
            got.pointer("/meta/versionId").unwrap_or(&Value::Null)
        ));
    }
    Ok(())
}

/// The booking organisation an appointment names: the contained
/// Organization its extension references.
fn booking_org(a: &Value) -> Option<&Value> {
    let reference =
        gpc::extension(a, gpc::BOOKING_ORGANISATION_EXTENSION)?.pointer("/valueReference/reference")?.as_str()?;
    let local = reference.strip_prefix('#')?;
    a.get("contained")?.as_array()?.iter().find(|c| c.as_resource().id() == Some(local))
}

async fn organisation_kept(w: &mut RfaWorld, a: &Args) -> StepResult {
    let sent = w.onl.booking.clone().ok_or_else(|| Failure::Harness("no booking was sent".into()))?;
    let want = booking_org(&sent).cloned().unwrap_or(Value::Null);
    let ods = |o: &Value| gpc::identifier(o, gpc::ODS_ORGANIZATION_SYSTEM).map(str::to_string);
    for (what, body) in answered_and_read_back(w, a.get(1)).await? {
        let Some(got) = booking_org(&body) else {
            return w.fail(format!("{what} should name its booking organisation as a contained Organization"));
        };
        if ods(got) != ods(&want) || got.get("name") != want.get("name") || got.get("telecom") != want.get("telecom") {
            return w.fail(format!(
                "{what} should name the booking organisation it was booked with (ODS code, name, telecom {}), it has {got}",
                want
            ));
        }
    }
    Ok(())
}

async fn booking_by(w: &mut RfaWorld, a: &Args) -> StepResult {
    let ods = crate::steps::common::keys::ods(w, a.get(1))?;
    w.onl.booking_ods = Some(ods.clone());
    edit(w, |b| {
        if let Some(list) = b.pointer_mut("/contained/0/identifier/0") {
            list["value"] = json!(ods);
        }
    })?;
    let org = json!({
        "resourceType": "Organization",
        "name": format!("Organisation {ods}"),
        "identifier": [{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods }]
    });
    w.request_mut()?.jwt.claim_edits.push(("requesting_organization".into(), crate::client::ClaimEdit::Set(org)));
    Ok(())
}

/// The Appointments of the response: the resource itself, or a Bundle's.
fn appointments_answered(w: &RfaWorld) -> Result<Vec<Value>, Failure> {
    let resp = w.response()?;
    if !(200..300).contains(&resp.status) {
        return w.fail(format!("the request should succeed, it answered HTTP {}", resp.status));
    }
    let body = match resp.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    let list: Vec<Value> = match body.as_resource().resource_type() {
        Some("Appointment") => vec![body.clone()],
        Some("Bundle") => crate::steps::common::bundle::resources(&body, "Appointment").into_iter().cloned().collect(),
        other => {
            return w
                .fail(format!("expected an Appointment or a Bundle of them, got {}", other.unwrap_or("no resource")));
        }
    };
    if list.is_empty() {
        return w.fail("the Bundle should hold at least one Appointment");
    }
    Ok(list)
}

/// What GP Connect's own suite finds wrong in an Appointment (its
/// AppointmentRead, AppointmentRetrieve, BookAppointment and
/// CancelAppointment steps: metadata, id, status, start, end, slots,
/// description, created, reason, "Not In Use", identifiers, priority,
/// participant type and actor, booking organisation), short of reading the
/// participants back; `typeless`: the booking sent its organisation
/// without a type, so the answer should carry none.
fn appointment_problem(a: &Value, today: time::Date, typeless: bool) -> Option<String> {
    let text = |p: &str| a.pointer(p).and_then(Value::as_str).filter(|t| !t.is_empty());
    let list = |k: &str| a.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
    let profiles = list_at(a, "/meta/profile");
    if profiles != [json!(gpc::APPOINTMENT_PROFILE)] {
        return Some(format!("meta.profile should be exactly [{}], it is {profiles:?}", gpc::APPOINTMENT_PROFILE));
    }
    for (p, what) in
        [("/meta/versionId", "meta.versionId"), ("/id", "an id"), ("/status", "a status"), ("/created", "created")]
    {
        if text(p).is_none() {
            return Some(format!("it has no {what}"));
        }
    }
    if a.get("description").is_none_or(Value::is_null) {
        return Some("it has no description".into());
    }
    let (Some(start), Some(_)) = (at(a.get("start")), at(a.get("end"))) else {
        return Some("it needs a start and an end".into());
    };
    if start.to_offset(time::UtcOffset::UTC).date() < today {
        return Some(format!("it starts on {}, before today", start.date()));
    }
    let slots = list("slot");
    if slots.is_empty() || slots.iter().any(|s| !s.as_reference().reference().is_some_and(|r| r.starts_with("Slot/"))) {
        return Some(format!("its slot should be one or more `Slot/[id]` references, it is {slots:?}"));
    }
    for k in ["reason", "specialty"] {
        if !list(k).is_empty() || a.get(k).is_some_and(|v| !v.is_array()) {
            return Some(format!("it carries {k}, which GP Connect leaves unused"));
        }
    }
    if list("identifier").iter().any(|i| i.get("value").and_then(Value::as_str).is_none_or(str::is_empty)) {
        return Some("an identifier has no value".into());
    }
    if let Some(p) = a.get("priority")
        && p.as_u64().is_none_or(|n| n > 9)
    {
        return Some(format!("its priority should be 0 to 9, it is {p}"));
    }
    let participants = list("participant");
    let refs: Vec<&str> =
        participants.iter().filter_map(|p| p.pointer("/actor/reference").and_then(Value::as_str)).collect();
    if refs.len() != participants.len() {
        return Some("every participant needs an actor reference".into());
    }
    if let Some(r) = refs.iter().find(|r| !["Patient/", "Practitioner/", "Location/"].iter().any(|k| r.starts_with(k)))
    {
        return Some(format!("a participant's actor is `{r}`, not a Patient, Practitioner or Location reference"));
    }
    for kind in ["Patient/", "Location/"] {
        if !refs.iter().any(|r| r.starts_with(kind)) {
            return Some(format!("it needs a {} participant", kind.trim_end_matches('/')));
        }
    }
    let codings = |t: &Value| t.get("coding").and_then(Value::as_array).map_or(0, Vec::len);
    if participants.iter().flat_map(|p| list_at(p, "/type")).any(|t| codings(&t) > 1) {
        return Some("a participant type has more than one coding".into());
    }
    let Some(org) = booking_org(a) else {
        return Some("it should name its booking organisation as a contained Organization".into());
    };
    for k in ["id", "name", "telecom"] {
        if org.get(k).is_none_or(Value::is_null) {
            return Some(format!("its booking organisation has no {k}"));
        }
    }
    if typeless && org.get("type").is_some() {
        return Some("its booking organisation has a type, though it was booked without one".into());
    }
    None
}

/// The array at a JSON pointer (empty when absent).
fn list_at(v: &Value, pointer: &str) -> Vec<Value> {
    v.pointer(pointer).and_then(Value::as_array).cloned().unwrap_or_default()
}

async fn valid_appointments(w: &mut RfaWorld, _: &Args) -> StepResult {
    let mut list = appointments_answered(w)?;
    if list.is_empty() {
        return w.fail("the response should hold the appointments this scenario booked, it holds no Appointment");
    }
    // Of a Bundle, the appointments this scenario booked: others of the
    // same patient are other scenarios' (some deliberately odd, and kept
    // by a candidate's defect that requirement is there to catch).
    let mine: Vec<String> = w.onl.appointments.values().map(|(id, _)| id.clone()).collect();
    if list.len() > 1 || list.first().is_some_and(|a| !mine.iter().any(|m| Some(m.as_str()) == a.as_resource().id())) {
        list.retain(|a| mine.iter().any(|m| Some(m.as_str()) == a.as_resource().id()));
        if list.is_empty() {
            return w.fail("the Bundle should hold the appointments this scenario booked");
        }
    }
    let today = crate::support::clock::today();
    // Booked by this scenario without an organisation type (a Bundle may
    // hold others' bookings, made as other types).
    let typeless = w.onl.booking.as_ref().and_then(booking_org).is_some_and(|o| o.get("type").is_none());
    let mut actors: Vec<(String, String)> = Vec::new();
    for a in &list {
        let id = a.as_resource().id().unwrap_or_default().to_string();
        if let Some(why) = appointment_problem(a, today, typeless && mine.contains(&id)) {
            return w.fail(format!("appointment {id} is not a valid GP Connect appointment: {why}"));
        }
        for p in list_at(a, "/participant") {
            if let Some(r) = p.pointer("/actor/reference").and_then(Value::as_str)
                && !actors.iter().any(|(_, seen)| seen == r)
            {
                actors.push((id.clone(), r.to_string()));
            }
        }
    }
    // GP Connect's own suite reads each participant back.
    for (id, r) in actors {
        let target = r.split('/').next().unwrap_or_default().to_string();
        crate::steps::common::http::reads_back(w, &format!("appointment {id}"), "participant", &r, &target).await?;
    }
    Ok(())
}

async fn names_service(w: &mut RfaWorld, a: &Args) -> StepResult {
    let list = appointments_answered(w)?;
    let text = |v: &Value| v.get("text").and_then(Value::as_str).is_some_and(|t| !t.is_empty());
    let found = list.iter().any(|x| match a.get(1) {
        "category" => x.get("serviceCategory").is_some_and(text),
        _ => list_at(x, "/serviceType").iter().any(text),
    });
    if !found {
        let element = if a.get(1) == "category" { "serviceCategory" } else { "serviceType" };
        return w.fail(format!(
            "the appointment should name its service ({element} with a text, from its schedule and slot, which carry one)"
        ));
    }
    Ok(())
}

async fn change_leaves_out(w: &mut RfaWorld, a: &Args) -> StepResult {
    edit_body(w, "begin a cancellation or amendment first", |body| {
        if let Some(o) = body.as_object_mut() {
            o.remove(a.get(1));
        }
    })
}

async fn change_emptied(w: &mut RfaWorld, _: &Args) -> StepResult {
    let spec = w.request.as_mut().ok_or_else(|| Failure::Harness("begin an amendment first".into()))?;
    spec.body = Some(json!({ "resourceType": "Appointment" }).to_string().into_bytes());
    Ok(())
}
