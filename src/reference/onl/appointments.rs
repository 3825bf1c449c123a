//! Appointments (`ONL`): booking a free slot (once — the check and
//! the booking are one step), reading, amending the description and comment,
//! cancelling with a reason (which frees the slot), a patient's appointments
//! in a date range, and marking arrival or did-not-attend on the day. A
//! patient-scoped token reaches only that patient's appointments.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::reference::acc::guard::{self, Claims};
use crate::reference::onl::defects::OnlDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::{Shared, State};

#[derive(Debug, Default)]
struct Book {
    by_id: HashMap<String, Value>,
    /// Slots taken by booked (not cancelled) appointments, with how many
    /// hold each: a double booking (only under a defect) cancelled on one
    /// side leaves the slot taken by the other, so the defect's harm stays
    /// with the requirement it is for.
    taken: HashMap<String, usize>,
}

/// The appointments the reference holds.
#[derive(Debug, Default)]
pub struct Appointments {
    inner: Mutex<Book>,
}

impl Appointments {
    fn with<T>(&self, f: impl FnOnce(&mut Book) -> T) -> T {
        let mut guard = crate::reference::locked(&self.inner);
        f(&mut guard)
    }

    /// Changes one appointment under the book's lock, so the check and the
    /// change are one step: `f` sees the current version (None if unknown)
    /// and answers the version to keep, if any, with its result.
    pub fn change<T>(
        &self,
        id: &str,
        f: impl FnOnce(Option<&Value>) -> Result<(Option<Value>, T), Outcome>,
    ) -> Result<T, Outcome> {
        self.with(|b| {
            let (keep, out) = f(b.by_id.get(id))?;
            if let Some(next) = keep {
                b.by_id.insert(id.to_string(), next);
            }
            Ok(out)
        })
    }

    /// The slots booked appointments hold, as one snapshot.
    pub fn taken(&self) -> HashSet<String> {
        self.with(|b| b.taken.keys().cloned().collect())
    }

    /// The test data's begun appointment (profile §23): patient20 booked
    /// today from 00:00 to 00:05 UTC, so its start time has passed whenever
    /// a run is made, yet it is found by a search of today (GP Connect
    /// returns today's appointments even once begun). Its sit-and-wait slot
    /// is taken.
    pub fn seeded(store: &crate::reference::store::Store, today: time::Date) -> Self {
        let book = Self::default();
        let begins = today.midnight().assume_utc();
        let stamp = crate::support::clock::ymd(today).replace('-', "");
        let Some(patient) = store.patients.iter().find(|p| p.key == "patient20") else { return book };
        let location = store.locations.first().map(|l| l.id.clone()).unwrap_or_default();
        let id = format!("appointment-begun-{stamp}-patient20");
        let slot = format!("schedule-sitandwait-{stamp}0000");
        let a = json!({
            "resourceType": "Appointment",
            "id": id,
            "meta": { "versionId": "1", "profile": [gpc::APPOINTMENT_PROFILE] },
            "extension": [{ "url": gpc::BOOKING_ORGANISATION_EXTENSION, "valueReference": { "reference": "#booking-org" } }],
            "contained": [{
                "resourceType": "Organization",
                "id": "booking-org",
                "name": "The practice",
                "telecom": [{ "system": "phone", "value": "01234 567890", "use": "work" }]
            }],
            "status": "booked",
            "description": "Blood pressure review",
            "start": crate::reference::instant(begins),
            "end": crate::reference::instant(begins + time::Duration::minutes(5)),
            "slot": [{ "reference": format!("Slot/{slot}") }],
            "created": crate::reference::instant(begins - time::Duration::days(7)),
            "participant": [
                { "actor": { "reference": format!("Patient/{}", patient.id) }, "status": "accepted" },
                { "actor": { "reference": format!("Location/{location}") }, "status": "accepted" }
            ]
        });
        book.with(|b| {
            b.by_id.insert(id, a);
            b.taken.insert(slot, 1);
        });
        book
    }
}

pub(in crate::reference) fn status_of(a: &Value) -> &str {
    a.get("status").and_then(Value::as_str).unwrap_or_default()
}

pub(in crate::reference) fn start_of(a: &Value) -> Option<OffsetDateTime> {
    instant(a.get("start"))
}

fn instant(v: Option<&Value>) -> Option<OffsetDateTime> {
    v.and_then(Value::as_str).and_then(|v| OffsetDateTime::parse(v, &Rfc3339).ok())
}

/// The appointment has begun: its start time has passed (GP Connect Book,
/// Amend and Cancel: "appointment start dateTime is before the current
/// date and time"). A defect judges by the day instead, as the profile
/// once did.
fn is_past(s: &State, a: &Value) -> bool {
    let now = crate::support::clock::now();
    if s.defects.has(OnlDefect::PastJudgedByDay) {
        return start_of(a).is_some_and(|t| t.date() < now.date());
    }
    start_of(a).is_some_and(|t| t <= now)
}

fn version_of(a: &Value) -> u32 {
    a.pointer("/meta/versionId").and_then(Value::as_str).and_then(|v| v.parse().ok()).unwrap_or(1)
}

/// The next version of `current` with `change` applied.
pub(in crate::reference) fn next_version(current: &Value, change: impl FnOnce(&mut Value)) -> Value {
    let mut next = current.clone();
    change(&mut next);
    next["meta"]["versionId"] = json!((version_of(current) + 1).to_string());
    next
}

/// A patient-scoped token reaches only that patient's appointments; an
/// appointment it may not see, or that does not exist, gets one answer.
fn visible(s: &State, claims: &Claims, a: Option<&Value>) -> Result<(), Outcome> {
    if guard::acting_patient(claims).is_none() {
        return Ok(());
    }
    match a.and_then(patient_of) {
        Some(p) => guard::own_patient(s, claims, &p),
        None if s.defects.has(OnlDefect::PatientAccessLeaksExistence) => Ok(()),
        None => Err(guard::denied()),
    }
}

pub(in crate::reference) fn not_found(id: &str) -> Outcome {
    Outcome::new(SpineCode::NoRecordFound, format!("no appointment with id {id}"))
}

pub(in crate::reference) fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

fn parse(body: &Bytes) -> Result<Value, Outcome> {
    let v: Value =
        serde_json::from_slice(body).map_err(|_| Outcome::new(SpineCode::BadRequest, "the body is not JSON"))?;
    if v.as_resource().resource_type() != Some("Appointment") {
        return Err(invalid("the body must be an Appointment"));
    }
    Ok(v)
}

fn slot_ids(a: &Value) -> Vec<String> {
    a.get("slot")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_reference().reference())
        .filter_map(|r| r.strip_prefix("Slot/"))
        .map(str::to_string)
        .collect()
}

pub(in crate::reference) fn patient_of(a: &Value) -> Option<String> {
    a.get("participant")?
        .as_array()?
        .iter()
        .filter_map(|p| p.pointer("/actor/reference").and_then(Value::as_str))
        .find_map(|r| r.strip_prefix("Patient/"))
        .map(str::to_string)
}

/// The actor references of every participant.
fn participant_refs(a: &Value) -> Vec<String> {
    a.get("participant")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.pointer("/actor/reference").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// GP Connect's booking organisation: the extension references, by a local
/// `#id`, a contained Organization with its ODS code, a name and a telecom
/// (Book an appointment, "contained organization resource SHALL contain at
/// least name and telecom"; the official AppointmentBook refuses an
/// absolute reference and an organisation without name or telecom).
fn booking_organisation(a: &Value) -> Result<(), Outcome> {
    let reference = gpc::extension(a, gpc::BOOKING_ORGANISATION_EXTENSION)
        .and_then(|e| e.pointer("/valueReference/reference"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(local) = reference.strip_prefix('#') else {
        return Err(invalid(format!(
            "the booking organisation must reference a contained Organization (#id), not `{reference}`"
        )));
    };
    let org = a
        .get("contained")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| c.as_resource().resource_type() == Some("Organization") && c.as_resource().id() == Some(local))
        .ok_or_else(|| invalid(format!("no contained Organization #{local} for the booking organisation")))?;
    let text = |k: &str| org.get(k).and_then(Value::as_str).is_some_and(|v| !v.trim().is_empty());
    let listed = |k: &str| org.get(k).and_then(Value::as_array).is_some_and(|l| !l.is_empty());
    let ods = org.get("identifier").and_then(Value::as_array).into_iter().flatten().any(|i| {
        i.get("system").and_then(Value::as_str) == Some(gpc::ODS_ORGANIZATION_SYSTEM) && i.get("value").is_some()
    });
    if !(text("name") && listed("telecom") && ods) {
        return Err(invalid("the booking organisation needs its ODS code, a name and a telecom"));
    }
    Ok(())
}

/// The ODS code of the organisation that booked an appointment, if its
/// contained booking organisation has one.
fn booking_ods(a: &Value) -> Option<String> {
    let local = gpc::extension(a, gpc::BOOKING_ORGANISATION_EXTENSION)?
        .pointer("/valueReference/reference")?
        .as_str()?
        .strip_prefix('#')?
        .to_string();
    let org = a.get("contained")?.as_array()?.iter().find(|c| c.as_resource().id() == Some(local.as_str()))?;
    gpc::identifier(org, gpc::ODS_ORGANIZATION_SYSTEM).map(str::to_string)
}

/// The elements of an STU3 Appointment.
const APPOINTMENT_ELEMENTS: [&str; 29] = [
    "resourceType",
    "id",
    "meta",
    "implicitRules",
    "language",
    "text",
    "contained",
    "extension",
    "modifierExtension",
    "identifier",
    "status",
    "serviceCategory",
    "serviceType",
    "specialty",
    "appointmentType",
    "reason",
    "indication",
    "priority",
    "description",
    "supportingInformation",
    "start",
    "end",
    "minutesDuration",
    "slot",
    "created",
    "comment",
    "incomingReferral",
    "participant",
    "requestedPeriod",
];

/// What GP Connect refuses in a booking (Book an appointment; official
/// AppointmentBook): `reason` or `specialty`, an element an Appointment does
/// not have, an identifier without a value, a participant without a status.
fn forbidden_elements(a: &Value) -> Result<(), Outcome> {
    let Some(o) = a.as_object() else { return Err(invalid("the Appointment is not an object")) };
    if let Some(k) = o.keys().find(|k| !APPOINTMENT_ELEMENTS.contains(&k.as_str())) {
        return Err(invalid(format!("`{k}` is not an element of Appointment")));
    }
    if let Some(k) = ["reason", "specialty"].into_iter().find(|k| o.contains_key(*k)) {
        return Err(invalid(format!("Appointment.{k} must not be sent")));
    }
    let list = |k: &str| o.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
    if list("identifier").iter().any(|i| i.get("value").and_then(Value::as_str).is_none_or(str::is_empty)) {
        return Err(invalid("an Appointment.identifier needs a value"));
    }
    if list("participant").iter().any(|p| p.get("status").and_then(Value::as_str).is_none_or(str::is_empty)) {
        return Err(invalid("every Appointment.participant needs a status"));
    }
    Ok(())
}

fn same_instant(a: Option<&Value>, b: OffsetDateTime) -> bool {
    instant(a) == Some(b)
}

/// The profile's rules for a booking; returns the slots it books.
fn validate(s: &State, a: &Value) -> Result<Vec<crate::reference::onl::slots::SlotRow>, Outcome> {
    let lenient = s.defects.has(OnlDefect::BookingWithoutValidation);
    if a.get("status").and_then(Value::as_str) != Some("booked") && !lenient {
        return Err(invalid("Appointment.status must be booked"));
    }
    let has_org = a
        .get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|e| e.get("url").and_then(Value::as_str) == Some(gpc::BOOKING_ORGANISATION_EXTENSION));
    if !has_org && !lenient {
        return Err(invalid(
            "Appointment.extension needs the booking organisation (Extension-GPConnect-BookingOrganisation-1)",
        ));
    }
    let patient = patient_of(a).filter(|id| s.store.by_id(id).is_some_and(|p| p.is_active()));
    if patient.is_none() && !lenient {
        return Err(invalid("Appointment.participant needs the Patient, registered here"));
    }
    if !s.defects.has(OnlDefect::BookingWithoutLocation) {
        let here = |r: &str| r.strip_prefix("Location/").is_some_and(|id| s.store.locations.iter().any(|l| l.id == id));
        if !participant_refs(a).iter().any(|r| here(r)) {
            return Err(invalid("Appointment.participant needs the Location where the appointment takes place"));
        }
    }
    if !s.defects.has(OnlDefect::BookingOrganisationUnchecked) {
        booking_organisation(a)?;
    }
    if !s.defects.has(OnlDefect::BookingAcceptsForbiddenElements) {
        forbidden_elements(a)?;
    }
    let ids = slot_ids(a);
    if ids.is_empty() {
        return Err(invalid("Appointment.slot must name the Slot (or adjacent Slots) it books"));
    }
    let today = crate::support::clock::today();
    let rows = crate::reference::onl::slots::find(today, &ids)
        .into_iter()
        .zip(&ids)
        .map(|(row, id)| row.ok_or_else(|| invalid(format!("Slot/{id} is not a slot of this practice"))))
        .collect::<Result<Vec<_>, _>>()?;
    let adjacent = rows.windows(2).all(|p| p[0].schedule_id() == p[1].schedule_id() && p[0].end == p[1].start);
    if !adjacent && !s.defects.has(OnlDefect::BookingAcceptsGaps) {
        return Err(invalid("the Slots of one appointment must follow one another on one schedule"));
    }
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Err(invalid("Appointment.slot is empty"));
    };
    let times = same_instant(a.get("start"), first.start) && same_instant(a.get("end"), last.end);
    if !times && !lenient {
        return Err(invalid("Appointment.start and end must be the first slot's start and the last slot's end"));
    }
    if first.start <= crate::support::clock::now() && !s.defects.has(OnlDefect::BooksStartedSlots) {
        return Err(invalid("the slot has begun; only appointments still to start can be booked"));
    }
    if let Some(busy) = rows.iter().find(|r| !r.free) {
        return Err(Outcome::new(SpineCode::DuplicateRejected, format!("Slot/{} is not free", busy.id)));
    }
    Ok(rows)
}

pub(in crate::reference) fn etag(v: &Value) -> String {
    format!("W/\"{}\"", v.pointer("/meta/versionId").and_then(Value::as_str).unwrap_or("1"))
}

/// Under the `keeps-refused-booking` defect: the appointment is written
/// before it is checked, and a refusal does not take it out again (its
/// slots stay free).
fn keep_refused(s: &State, a: &Value) {
    if !s.defects.has(OnlDefect::KeepsRefusedBooking) || !a.is_object() {
        return;
    }
    let id = uuid::Uuid::new_v4().to_string();
    let mut stored = a.clone();
    stored["id"] = json!(id);
    stored["meta"] = json!({ "versionId": "1", "profile": [gpc::APPOINTMENT_PROFILE] });
    s.appointments.with(|b| b.by_id.insert(id, stored));
}

pub async fn book(Extract(s): Extract<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    match book_slot(&s, &headers, &body).await {
        Ok(r) => r,
        Err(o) => o.into_response(),
    }
}

async fn book_slot(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    let claims = guard::check(s, headers, Interaction::BookAppointment)?;
    patient_write(s, &claims)?;
    let a = parse(body)?;
    if let Some(p) = patient_of(&a) {
        guard::own_patient(s, &claims, &p)?;
    }
    let rows = match validate(s, &a) {
        Ok(rows) => rows,
        Err(o) => {
            keep_refused(s, &a);
            return Err(o);
        }
    };
    // The first of the slots already booked, if any.
    let taken = |b: &Book| {
        rows.iter()
            .find(|r| b.taken.contains_key(&r.id) && !d(OnlDefect::BookingAllowsDoubleBooking))
            .map(|r| r.id.clone())
    };
    let refused = |slot: String| Outcome::new(SpineCode::DuplicateRejected, format!("Slot/{slot} is already booked"));
    if d(OnlDefect::BookingRace) {
        // Checks, lets go, books: two bookings at once can both pass.
        if let Some(slot) = s.appointments.with(|b| taken(b)) {
            return Err(refused(slot));
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let id = uuid::Uuid::new_v4().to_string();
    let mut stored = a;
    stored["id"] = json!(id);
    stored["meta"] = json!({ "versionId": "1", "profile": [gpc::APPOINTMENT_PROFILE] });
    if d(OnlDefect::BookingDropsOrganisationTelecom)
        && let Some(list) = stored.get_mut("contained").and_then(Value::as_array_mut)
    {
        for c in list.iter_mut().filter_map(Value::as_object_mut) {
            c.remove("telecom");
        }
    }
    if d(OnlDefect::BookingDefaultComment) && stored.get("comment").is_none() {
        stored["comment"] = json!("Booked online");
    }
    if d(OnlDefect::BookingDropsOptional) {
        if let Some(o) = stored.as_object_mut() {
            o.remove("comment");
        }
        let kept: Vec<Value> = stored
            .get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e.get("url").and_then(Value::as_str) == Some(gpc::BOOKING_ORGANISATION_EXTENSION))
            .cloned()
            .collect();
        stored["extension"] = Value::Array(kept);
    }
    // The service is the practice's to say, from the slot's schedule
    // (official AppointmentBook: serviceCategory and serviceType sent by a
    // consumer are ignored, and answered as the provider holds them).
    if let Some(o) = stored.as_object_mut() {
        o.remove("serviceCategory");
        o.remove("serviceType");
    }
    if let Some(service) = rows.first().and_then(|r| r.service())
        && !d(OnlDefect::BookingDropsServiceKind)
    {
        stored["serviceCategory"] = json!({ "text": service });
        stored["serviceType"] = json!([{ "text": service }]);
    }
    if d(OnlDefect::AppointmentParticipantsUnresolvable)
        && let Some(list) = stored.get_mut("participant").and_then(Value::as_array_mut)
    {
        // Its own site ids rather than the Location's logical id.
        for p in list.iter_mut() {
            let site = p
                .pointer("/actor/reference")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("Location/"))
                .map(|id| format!("Location/site-{id}"));
            if let Some(site) = site {
                p["actor"]["reference"] = json!(site);
            }
        }
    }
    // The consumer says when it created the booking (GP Connect Book); the
    // reference stamps its own time only when it did not.
    if stored.get("created").is_none() {
        stored["created"] = json!(crate::reference::instant(crate::reference::now()));
    }
    s.appointments.with(|b| {
        if !d(OnlDefect::BookingRace)
            && let Some(slot) = taken(b)
        {
            if d(OnlDefect::KeepsRefusedBooking) {
                b.by_id.insert(id.clone(), stored.clone());
            }
            return Err(refused(slot));
        }
        // A defect keeps only the first slot of several.
        let held = if d(OnlDefect::BookingKeepsFirstSlotOnly) { &rows[..1] } else { &rows[..] };
        for r in held {
            *b.taken.entry(r.id.clone()).or_default() += 1;
        }
        b.by_id.insert(id.clone(), stored.clone());
        Ok(())
    })?;
    let minimal = d(OnlDefect::BookingAnswersMinimal) || wants_minimal(headers);
    let tag = (!d(OnlDefect::BookingWithoutEtag)).then(|| etag(&stored));
    let resp = if minimal {
        let mut r = (StatusCode::CREATED, [(header::CONTENT_TYPE, gpc::FHIR_JSON)]).into_response();
        if let Some(t) = tag.as_deref().and_then(|t| HeaderValue::from_str(t).ok()) {
            r.headers_mut().insert(header::ETAG, t);
        }
        r
    } else {
        Fhir { status: StatusCode::CREATED, body: stored, etag: tag }.into_response()
    };
    Ok(cacheable(s, crate::reference::outcome::with_location(resp, headers, &s.base_path, "Appointment", &id)))
}

/// Under the `appointment-answers-cacheable` defect, an answer consumers
/// may cache for five minutes; else the answer as it is (the profile's
/// `no-store` is added on the way out).
pub(super) fn cacheable(s: &State, mut resp: Response) -> Response {
    if s.defects.has(OnlDefect::AppointmentAnswersCacheable) {
        resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    }
    resp
}

pub async fn read(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let result = guard::check(&s, &headers, Interaction::ReadAppointment).and_then(|claims| {
        let found = s.appointments.with(|b| b.by_id.get(&id).cloned());
        visible(&s, &claims, found.as_ref())?;
        // A defect shows a consumer only the appointments its own
        // organisation booked (GP Connect: any appointment "irrespective of
        // booking organisation").
        let booker = found.as_ref().and_then(booking_ods);
        // A patient reads their own appointments, whoever booked them.
        if guard::acting_patient(&claims).is_none()
            && s.defects.has(OnlDefect::ReadsOwnBookingsOnly)
            && booker.is_some()
            && booker.as_deref() != guard::requesting_ods(&claims)
        {
            return Err(not_found(&id));
        }
        found.ok_or_else(|| {
            if s.defects.has(OnlDefect::AppointmentReadUnknownBadRequest) {
                Outcome::new(SpineCode::BadRequest, format!("no appointment with id {id}"))
            } else {
                not_found(&id)
            }
        })
    });
    match result {
        Ok(a) => {
            let tag = (!s.defects.has(OnlDefect::BookingWithoutEtag)).then(|| etag(&a));
            cacheable(&s, Fhir { status: StatusCode::OK, etag: tag, body: a }.into_response())
        }
        Err(o) => o.into_response(),
    }
}

/// `PUT Appointment/{id}` is two interactions: amend and cancel, told apart
/// by `Ssp-InteractionID` as GP Connect does.
pub async fn update(Extract(s): Extract<Shared>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let amend =
        headers.get("Ssp-InteractionID").and_then(|v| v.to_str().ok()) == Some(Interaction::AmendAppointment.id());
    let result =
        if amend { amend_appointment(&s, &headers, &id, &body) } else { cancel_appointment(&s, &headers, &id, &body) };
    result.unwrap_or_else(|o| {
        keep_refused_change(&s, &id, &body);
        o.into_response()
    })
}

/// Under the `keeps-refused-change` defect: an amendment or cancellation
/// is written before it is checked, and a refusal does not undo it. (Not
/// of an appointment that has begun: the test data's begun appointment is
/// shared by scenarios running at the same time.)
fn keep_refused_change(s: &State, id: &str, body: &Bytes) {
    if !s.defects.has(OnlDefect::KeepsRefusedChange) {
        return;
    }
    let Ok(sent) = parse(body) else { return };
    s.appointments.with(|b| {
        let Some(current) = b.by_id.get(id).cloned() else { return };
        if is_past(s, &current) {
            return;
        }
        let next = next_version(&current, |n| {
            *n = sent;
            n["id"] = current["id"].clone();
            n["meta"] = current["meta"].clone();
        });
        b.by_id.insert(id.to_string(), next);
    });
}

fn if_match(headers: &HeaderMap) -> Option<String> {
    headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// The appointment a change is made to: one the requester may see, at
/// the version If-Match names (unless `any_version`).
fn current_version(
    s: &State,
    b: &Book,
    claims: &Claims,
    id: &str,
    wanted: Option<&str>,
    any_version: bool,
) -> Result<Value, Outcome> {
    let current = b.by_id.get(id).cloned();
    visible(s, claims, current.as_ref())?;
    let current = current.ok_or_else(|| not_found(id))?;
    match wanted {
        Some(tag) if tag != etag(&current) && !any_version => Err(Outcome::new(
            SpineCode::FhirConstraintViolation,
            format!("If-Match {tag} is not the current version {}", etag(&current)),
        )),
        _ => Ok(current),
    }
}

/// What an amendment may change (GP Connect: description and comment).
const AMENDABLE: [&str; 2] = ["description", "comment"];

fn without_amendable(a: &Value, keep_service: bool) -> Value {
    let mut v = a.clone();
    if let Some(o) = v.as_object_mut() {
        let service: &[&str] = if keep_service { &[] } else { &SERVICE_KIND };
        for k in AMENDABLE.iter().chain(&["meta", "id"]).chain(service) {
            o.remove(*k);
        }
    }
    v
}

/// What the provider, not the consumer, says of an appointment: its
/// service category and type, from the slot's schedule. A consumer that
/// leaves them out of an amendment or cancellation changes nothing
/// (official AppointmentAmend and AppointmentCancel: "backwards
/// compatibility with consumers that do not send ServiceCategory and
/// serviceType").
const SERVICE_KIND: [&str; 2] = ["serviceCategory", "serviceType"];

/// The appointment without what a cancellation may change: its status
/// and cancellation reason (and the id and meta the server keeps, and the
/// service kind, which is the provider's).
fn without_cancellation(a: &Value, keep_service: bool) -> Value {
    let mut v = a.clone();
    if let Some(o) = v.as_object_mut() {
        let service: &[&str] = if keep_service { &[] } else { &SERVICE_KIND };
        for k in ["status", "meta", "id"].iter().chain(service) {
            o.remove(*k);
        }
        let kept: Vec<Value> = o
            .get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|e| e.get("url").and_then(Value::as_str) != Some(gpc::CANCELLATION_REASON_EXTENSION))
            .cloned()
            .collect();
        if kept.is_empty() {
            o.remove("extension");
        } else {
            o.insert("extension".into(), Value::Array(kept));
        }
    }
    v
}

/// The answer to an amendment or cancellation: 200 with the new version's
/// ETag and the Appointment, or no body when `Prefer: return=minimal` asks
/// (GP Connect: `return=representation` is the default; official
/// AppointmentAmend and AppointmentCancel "prefer header set to minimal").
fn changed(s: &State, headers: &HeaderMap, next: Value) -> Response {
    let tag = etag(&next);
    let minimal =
        wants_minimal(headers) || (s.defects.has(OnlDefect::PreferReadAsMinimal) && headers.contains_key("Prefer"));
    if minimal && !s.defects.has(OnlDefect::ChangeIgnoresPreferMinimal) {
        let mut r = (StatusCode::OK, [(header::CONTENT_TYPE, gpc::FHIR_JSON)]).into_response();
        if let Ok(t) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, t);
        }
        return cacheable(s, r);
    }
    cacheable(s, Fhir { status: StatusCode::OK, etag: Some(tag), body: next }.into_response())
}

fn wants_minimal(headers: &HeaderMap) -> bool {
    headers.get("Prefer").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("return=minimal"))
}

/// The patient-appointment-writes-refused defect: a patient-scoped token
/// may not book, amend or cancel.
fn patient_write(s: &State, claims: &Claims) -> Result<(), Outcome> {
    if s.defects.has(OnlDefect::PatientAppointmentWritesRefused) && claims.contains_key(gpc::REQUESTING_PATIENT_CLAIM) {
        return Err(guard::denied());
    }
    Ok(())
}

fn amend_appointment(s: &State, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    let claims = guard::check(s, headers, Interaction::AmendAppointment)?;
    patient_write(s, &claims)?;
    let sent = parse(body)?;
    let wanted = if_match(headers);
    if wanted.is_none() && !d(OnlDefect::AmendWithoutIfMatch) {
        return Err(Outcome::new(SpineCode::BadRequest, "an amendment needs If-Match with the version it amends"));
    }
    s.appointments.with(|b| {
        let current = current_version(s, b, &claims, id, wanted.as_deref(), d(OnlDefect::AmendWithoutIfMatch))?;
        if status_of(&current) != "booked" && !d(OnlDefect::AmendAnyStatus) {
            return Err(invalid(format!("an appointment that is {} cannot be amended", status_of(&current))));
        }
        if is_past(s, &current) && !d(OnlDefect::PastAppointmentsChange) {
            return Err(invalid("the appointment has begun; it cannot be amended"));
        }
        let strict = d(OnlDefect::ChangeRequiresServiceKind);
        if without_amendable(&sent, strict) != without_amendable(&current, strict) && !d(OnlDefect::AmendAnything) {
            return Err(invalid("only the description and the comment of an appointment can be amended"));
        }
        let next = next_version(&current, |n| {
            let source = if d(OnlDefect::AmendAnything) { sent.clone() } else { current.clone() };
            *n = source;
            n["id"] = current["id"].clone();
            n["meta"] = current["meta"].clone();
            for k in AMENDABLE {
                match sent.get(k) {
                    Some(v) => n[k] = v.clone(),
                    None => {
                        if let Some(o) = n.as_object_mut() {
                            o.remove(k);
                        }
                    }
                }
            }
        });
        if !d(OnlDefect::AmendNotKept) {
            b.by_id.insert(id.to_string(), next.clone());
        }
        Ok(changed(s, headers, next))
    })
}

fn cancel_appointment(s: &State, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    let claims = guard::check(s, headers, Interaction::CancelAppointment)?;
    patient_write(s, &claims)?;
    let sent = parse(body)?;
    if sent.get("status").and_then(Value::as_str) != Some("cancelled") {
        return Err(invalid("an appointment is cancelled with status cancelled; no other change is accepted here"));
    }
    // No reason extension at all (or one under another url, which the
    // official AppointmentCancel refuses as INVALID_RESOURCE) is an invalid
    // resource; the extension with an empty reason is an invalid parameter
    // (official AppointmentCancel: "missing cancellation extension reason").
    let extension = gpc::extension(&sent, gpc::CANCELLATION_REASON_EXTENSION);
    let reason = extension
        .and_then(|e| e.get("valueString").and_then(Value::as_str))
        .filter(|r| !r.trim().is_empty())
        .map(str::to_string);
    if reason.is_none() && !d(OnlDefect::CancelWithoutReason) {
        let code = if extension.is_some() && !d(OnlDefect::CancelEmptyReasonInvalidResource) {
            SpineCode::InvalidParameter
        } else {
            SpineCode::InvalidResource
        };
        return Err(Outcome::new(
            code,
            "a cancellation needs its reason (Extension-GPConnect-AppointmentCancellationReason-1 with a valueString)",
        ));
    }
    let wanted = if_match(headers);
    s.appointments.with(|b| {
        // The cancel-if-match-bare-version defect strips the weak-tag form
        // from the stored side only: `W/"1"` is compared with `1`.
        let wanted = match wanted.as_deref() {
            Some(t) if d(OnlDefect::CancelIfMatchBareVersion) => Some(format!("{t}#bare")),
            _ => wanted.clone(),
        };
        let current = current_version(s, b, &claims, id, wanted.as_deref(), d(OnlDefect::CancelIgnoresIfMatch))?;
        let status = status_of(&current);
        if status == "cancelled" || (status != "booked" && !d(OnlDefect::CancelAnyStatus)) {
            return Err(invalid(format!("an appointment that is {status} cannot be cancelled")));
        }
        if is_past(s, &current) && !d(OnlDefect::PastAppointmentsChange) {
            return Err(invalid("the appointment has begun; it cannot be cancelled"));
        }
        // A cancellation changes the status and adds the reason, nothing
        // else (GP Connect Cancel: "If any content other than the
        // appointment cancellation reason or appointment status is updated
        // the server SHALL reject").
        let strict = d(OnlDefect::ChangeRequiresServiceKind);
        if without_cancellation(&sent, strict) != without_cancellation(&current, strict)
            && !d(OnlDefect::CancelAcceptsOtherChanges)
        {
            return Err(invalid("a cancellation may change only the status and the cancellation reason"));
        }
        let mut next = next_version(&current, |n| n["status"] = json!("cancelled"));
        if d(OnlDefect::CancelDropsDetails)
            && let Some(o) = next.as_object_mut()
        {
            o.remove("description");
            o.remove("created");
        }
        let mut ext: Vec<Value> = next.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
        ext.retain(|e| e.get("url").and_then(Value::as_str) != Some(gpc::CANCELLATION_REASON_EXTENSION));
        ext.push(
            json!({ "url": gpc::CANCELLATION_REASON_EXTENSION, "valueString": reason.clone().unwrap_or_default() }),
        );
        next["extension"] = Value::Array(ext);
        if !d(OnlDefect::CancelKeepsSlot) {
            for slot in slot_ids(&current) {
                if let Some(n) = b.taken.get_mut(&slot) {
                    *n -= 1;
                    if *n == 0 {
                        b.taken.remove(&slot);
                    }
                }
            }
        }
        b.by_id.insert(id.to_string(), next.clone());
        Ok(changed(s, headers, next))
    })
}

/// The range of a search for a patient's appointments (GP Connect Retrieve
/// a patient's appointments): exactly two `start` parameters, one `ge` and
/// one `le`, each a full date without a time, the end not before the start,
/// and no part of the range in the past; anything else is 422
/// INVALID_PARAMETER.
fn range(s: &State, params: &[(String, String)]) -> Result<(time::Date, time::Date), Outcome> {
    let bad = |m: &str| Outcome::new(SpineCode::InvalidParameter, m.to_string());
    let loose = s.defects.has(OnlDefect::PatientAppointmentsLooseDates);
    let starts: Vec<&str> = params.iter().filter(|(k, _)| k == "start").map(|(_, v)| v.as_str()).collect();
    // The defect takes the first start as the beginning and the last as
    // the end, whatever their prefixes, reading the date part of each.
    let lax = |v: Option<&&str>| {
        v.and_then(|v| v.trim_start_matches(|c: char| c.is_ascii_alphabetic()).get(..10))
            .and_then(crate::support::clock::parse_date)
    };
    let bound = |prefix: &str| -> Option<time::Date> {
        starts.iter().find_map(|v| v.strip_prefix(prefix).and_then(crate::support::clock::parse_date))
    };
    let (from, to) = if loose { (lax(starts.first()), lax(starts.last())) } else { (bound("ge"), bound("le")) };
    let (Some(from), Some(to)) = (from, to) else {
        return Err(bad("start=ge[YYYY-MM-DD] and start=le[YYYY-MM-DD] are both required, dates without a time"));
    };
    if starts.len() != 2 && !loose {
        return Err(bad("exactly two start parameters are allowed: start=ge[date] and start=le[date]"));
    }
    if to < from {
        return Err(bad("the range ends before it starts"));
    }
    if to - from > time::Duration::days(7) && s.defects.has(OnlDefect::PatientAppointmentsRangeCapped) {
        return Err(bad("the range may span at most 7 days"));
    }
    if from < crate::support::clock::today() && !s.defects.has(OnlDefect::PatientAppointmentsAllowPast) {
        return Err(bad("the search cannot ask for appointments in the past: the range must start today or later"));
    }
    Ok((from, to))
}

pub async fn for_patient(
    Extract(s): Extract<Shared>,
    headers: HeaderMap,
    Path(patient): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let claims = match guard::check(&s, &headers, Interaction::SearchPatientAppointments) {
        Ok(c) => c,
        Err(o) => return o.into_response(),
    };
    let leaks = s.defects.has(OnlDefect::PatientAccessLeaksExistence) && s.store.by_id(&patient).is_none();
    if !leaks && let Err(o) = guard::own_patient(&s, &claims, &patient) {
        return o.into_response();
    }
    let (from, to) = match range(&s, &params) {
        Ok(r) => r,
        Err(o) => return o.into_response(),
    };
    if s.store.by_id(&patient).is_none() && !s.defects.has(OnlDefect::PatientAppointmentsUnknownPatientEmpty) {
        return Outcome::new(SpineCode::PatientNotFound, format!("no patient with id {patient}")).into_response();
    }
    let (lo, hi) = (from.midnight().assume_utc(), (to + time::Duration::days(1)).midnight().assume_utc());
    let ignore_range = s.defects.has(OnlDefect::PatientAppointmentsIgnoreRange);
    // The patient-appointments-by-nhs-number defect matches the appointments'
    // patient references against the NHS number instead of the logical id.
    let nhs_of_patient = s.store.by_id(&patient).map(|p| p.nhs_number.clone()).unwrap_or_default();
    let key = if s.defects.has(OnlDefect::PatientAppointmentsByNhsNumber) {
        nhs_of_patient.as_str()
    } else {
        patient.as_str()
    };
    let found: Vec<Value> = s.appointments.with(|b| {
        b.by_id
            .values()
            .filter(|a| patient_of(a).as_deref() == Some(key))
            .filter(|a| ignore_range || start_of(a).is_some_and(|t| t >= lo && t < hi))
            .cloned()
            .collect()
    });
    let entries: Vec<Value> = found.iter().map(|a| json!({ "resource": a, "search": { "mode": "match" } })).collect();
    let total = entries.len();
    cacheable(&s, Fhir::ok(crate::reference::searchset(entries, total)).into_response())
}
