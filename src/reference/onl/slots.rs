//! Free slots (`ONL`): schedules whose slots roll with the date — two with
//! every day from tomorrow for 14 days in 15-minute slots, the first of
//! each day busy (08:00–18:00 UTC open to all, 09:00–12:00 kept for urgent
//! care); and a sit-and-wait clinic with 1-minute slots
//! all of today (for patient arrival: three runs in a row book 60 of them,
//! which 5-minute slots had left after 19:00 UTC) — and GP Connect's
//! free-slot search over them.

use std::sync::Arc;

use axum::extract::{Query, State as Extract};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, Time};

use crate::fhir::gpc::{self, Interaction};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::onl::defects::OnlDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};

/// Days ahead slots exist for, and the longest window a search may ask for.
pub const HORIZON_DAYS: i64 = 14;

/// A schedule: where, with whom, how, and for which booking organisations.
struct Schedule {
    id: &'static str,
    location: usize,
    practitioner: usize,
    channel: &'static str,
    /// Only organisations of this type may book it (None: anyone).
    only_for: Option<&'static str>,
    /// Days from today it has slots for, and each day's slots.
    days: (i64, i64),
    first_hour: u8,
    per_day: i64,
    minutes: i64,
    /// Whether each day's first slot is busy.
    first_busy: bool,
    /// The service its slots are for (Schedule.serviceCategory and
    /// Slot.serviceType text), where the practice names one.
    service: Option<&'static str>,
}

const SCHEDULES: [Schedule; 3] = [
    Schedule {
        id: "schedule-main",
        location: 0,
        practitioner: 0,
        channel: "In-person",
        only_for: None,
        days: (1, HORIZON_DAYS),
        first_hour: 8,
        per_day: 40,
        minutes: 15,
        first_busy: true,
        service: Some("General practice appointments"),
    },
    Schedule {
        id: "schedule-branch",
        location: 1,
        practitioner: 1,
        channel: "Telephone",
        only_for: Some("urgent-care"),
        days: (1, HORIZON_DAYS),
        first_hour: 9,
        per_day: 12,
        minutes: 15,
        first_busy: true,
        service: Some("Urgent care appointments"),
    },
    // Sit-and-wait: bookable all day, for patients seen today.
    Schedule {
        id: "schedule-sitandwait",
        location: 0,
        practitioner: 2,
        channel: "In-person",
        only_for: None,
        days: (0, 0),
        first_hour: 0,
        per_day: 1440,
        minutes: 1,
        first_busy: false,
        service: None,
    },
];

/// The delivery channels a slot can have (Extension-GPConnect-DeliveryChannel-2).
const CHANNELS: [&str; 3] = ["In-person", "Telephone", "Video"];

#[derive(Clone)]
pub(in crate::reference) struct SlotRow {
    pub(in crate::reference) id: String,
    schedule: &'static Schedule,
    pub(in crate::reference) start: OffsetDateTime,
    pub(in crate::reference) end: OffsetDateTime,
    /// Free in the practice's schedule (booked ones are tracked apart).
    pub(in crate::reference) free: bool,
}

impl SlotRow {
    pub(in crate::reference) fn schedule_id(&self) -> &'static str {
        self.schedule.id
    }

    /// The service its schedule is for (Schedule.serviceCategory and
    /// Slot.serviceType text), where the practice names one.
    pub(in crate::reference) fn service(&self) -> Option<&'static str> {
        self.schedule.service
    }
}

/// The slots with these ids, as the schedules have them today (None: not
/// a slot here); the schedules are generated once for all of them.
pub(in crate::reference) fn find(today: time::Date, ids: &[String]) -> Vec<Option<SlotRow>> {
    let all = rows(today);
    ids.iter().map(|id| all.iter().find(|r| r.id == *id).cloned()).collect()
}

fn rows(today: time::Date) -> Vec<SlotRow> {
    let mut out = Vec::new();
    for schedule in &SCHEDULES {
        for day in schedule.days.0..=schedule.days.1 {
            let date = today + Duration::days(day);
            let Ok(first) = Time::from_hms(schedule.first_hour, 0, 0) else { continue };
            for k in 0..schedule.per_day {
                let start = date.with_time(first).assume_utc() + Duration::minutes(k * schedule.minutes);
                let end = start + Duration::minutes(schedule.minutes);
                let stamp = format!(
                    "{}{:02}{:02}",
                    crate::support::clock::ymd(date).replace('-', ""),
                    start.hour(),
                    start.minute()
                );
                let free = k != 0 || !schedule.first_busy;
                out.push(SlotRow { id: format!("{}-{stamp}", schedule.id), schedule, start, end, free });
            }
        }
    }
    out
}

fn instant(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn slot(r: &SlotRow) -> Value {
    json!({
        "resourceType": "Slot",
        "id": r.id,
        "meta": { "versionId": "1", "profile": [gpc::SLOT_PROFILE] },
        "extension": [{ "url": gpc::DELIVERY_CHANNEL_EXTENSION, "valueCode": r.schedule.channel }],
        "schedule": { "reference": format!("Schedule/{}", r.schedule.id) },
        "status": if r.free { "free" } else { "busy" },
        "start": instant(r.start),
        "end": instant(r.end)
    })
}

fn item_id(items: &[crate::reference::store::StoredItem], i: usize) -> String {
    items.get(i).map(|x| x.id.clone()).unwrap_or_default()
}

fn schedule(s: &State, sch: &Schedule, today: time::Date) -> Value {
    let mut v = json!({
        "resourceType": "Schedule",
        "id": sch.id,
        "meta": { "versionId": "1", "profile": [gpc::SCHEDULE_PROFILE] },
        "actor": [
            { "reference": format!("Location/{}", item_id(&s.store.locations, sch.location)) },
            { "reference": format!("Practitioner/{}", item_id(&s.store.practitioners, sch.practitioner)) }
        ],
        "planningHorizon": {
            "start": crate::support::clock::ymd(today + Duration::days(sch.days.0)),
            "end": crate::support::clock::ymd(today + Duration::days(sch.days.1))
        }
    });
    if let Some(service) = sch.service
        && !s.defects.has(OnlDefect::FreeSearchNoServiceKind)
    {
        v["serviceCategory"] = json!({ "text": service });
    }
    v
}

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidParameter, msg)
}

/// A window bound: a full date (the whole day) or a date-time; partial
/// dates are refused. `end_of_day` picks the day's end for a date.
fn bound(
    name: &str,
    v: &str,
    prefix: &str,
    (lenient, partial_ok): (bool, bool),
    end_of_day: bool,
) -> Result<OffsetDateTime, Outcome> {
    let value = match v.strip_prefix(prefix) {
        Some(rest) => rest,
        None if lenient => v.trim_start_matches(|c: char| c.is_ascii_alphabetic()),
        None => return Err(invalid(format!("{name} must use the `{prefix}` prefix: `{name}={prefix}2026-05-04`"))),
    };
    if let Ok(t) = OffsetDateTime::parse(value, &Rfc3339) {
        return Ok(t);
    }
    match crate::support::clock::parse_date(value) {
        Some(d) if end_of_day => Ok((d + Duration::days(1)).midnight().assume_utc()),
        Some(d) => Ok(d.midnight().assume_utc()),
        // What it cannot read it takes as its day part, or as tomorrow.
        None if partial_ok => {
            let day = value.get(..10).and_then(crate::support::clock::parse_date);
            let d = day.unwrap_or_else(|| crate::support::clock::today() + Duration::days(1));
            Ok(if end_of_day { (d + Duration::days(1)).midnight().assume_utc() } else { d.midnight().assume_utc() })
        }
        None => Err(invalid(format!("{name} `{value}` must be a full date (YYYY-MM-DD) or a date-time with a zone"))),
    }
}

pub async fn search(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    match search_slots(&s, &headers, &params) {
        Ok(r) => r,
        Err(o) => o.into_response(),
    }
}

fn search_slots(s: &State, headers: &HeaderMap, params: &[(String, String)]) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    guard::check(s, headers, Interaction::SearchSlots)?;
    let one = |name: &str| -> Result<Option<&str>, Outcome> {
        let all: Vec<&str> = params.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
        match all[..] {
            [] => Ok(None),
            [v] => Ok(Some(v)),
            _ => Err(invalid(format!("{name} may be given once"))),
        }
    };
    let lenient_bounds = d(OnlDefect::FreeSearchAcceptsLooseBounds);
    let leniency = (lenient_bounds, d(OnlDefect::FreeSearchAcceptsPartialDates));
    // A required parameter left out is a malformed request (400 BAD_REQUEST,
    // as the official suite's "missing parameters" cases expect); one given
    // with a wrong value or prefix is 422 INVALID_PARAMETER.
    let missing = |what: &str| {
        if d(OnlDefect::FreeSearchMissingIsInvalid) {
            invalid(format!("{what} is required"))
        } else {
            Outcome::new(SpineCode::BadRequest, format!("{what} is required"))
        }
    };
    let (start, end) = match (one("start")?, one("end")?) {
        (Some(a), Some(b)) => (bound("start", a, "ge", leniency, false)?, bound("end", b, "le", leniency, true)?),
        _ if lenient_bounds => {
            let today = crate::support::clock::today().midnight().assume_utc();
            (today, today + Duration::days(HORIZON_DAYS + 1))
        }
        _ => return Err(missing("start (ge) and end (le) are both required: start")),
    };
    if !d(OnlDefect::FreeSearchAcceptsAnyWindow) {
        // A window of no length (start = end) is a search, not an error;
        // exactly 14 days is the longest allowed.
        let too_short = if d(OnlDefect::FreeSearchWindowOffByOne) { end <= start } else { end < start };
        if too_short {
            return Err(invalid("end must not be before start"));
        }
        let longest = Duration::days(HORIZON_DAYS);
        let too_long =
            if d(OnlDefect::FreeSearchWindowOffByOne) { end - start >= longest } else { end - start > longest };
        if too_long {
            return Err(invalid(format!("the window may span at most {HORIZON_DAYS} days")));
        }
    }
    match one("status")? {
        Some("free") => {}
        _ if d(OnlDefect::FreeSearchWithoutStatus) => {}
        None => return Err(missing("status=free")),
        Some(other) => return Err(invalid(format!("status must be free, it is {other}"))),
    }
    let mut org_type = None;
    let mut channel = None;
    let mut include_schedule = false;
    let mut recurse = Vec::new();
    let mut managing_organisation = false;
    for (k, v) in params {
        match k.as_str() {
            "_include" if v == "Slot:schedule" => include_schedule = true,
            "_include:recurse" if v == "Schedule:actor:Practitioner" || v == "Schedule:actor:Location" => {
                recurse.push(v.trim_start_matches("Schedule:actor:").to_string());
            }
            "_include:recurse" if v == "Location:managingOrganization" => managing_organisation = true,
            // GP Connect: search filters a provider does not understand are
            // ignored, never refused (Search for free slots, "Enhanced slot
            // filtering"); so is an unknown delivery channel.
            "searchFilter" => match v.split_once('|') {
                Some((gpc::ORGANISATION_TYPE_SYSTEM, t)) => org_type = Some(t.to_string()),
                Some((gpc::DELIVERY_CHANNEL_SYSTEM, c)) if CHANNELS.contains(&c) => channel = Some(c.to_string()),
                // A defect takes the ODS code for one it must know; GP
                // Connect's is the consumer's, whoever that is.
                Some((gpc::ODS_ORGANIZATION_SYSTEM, code))
                    if d(OnlDefect::FreeSearchRefusesOtherOrganisation)
                        && !s.store.organizations.iter().any(|o| o.business_id.as_deref() == Some(code)) =>
                {
                    return Err(invalid(format!(
                        "searchFilter names the organisation {code}, which is not known here"
                    )));
                }
                _ if d(OnlDefect::FreeSearchRefusesUnknownFilter) && !v.starts_with(gpc::ODS_ORGANIZATION_SYSTEM) => {
                    return Err(invalid(format!("searchFilter `{v}` is not understood")));
                }
                _ => {}
            },
            // Other parameters (`_format`, ...) do not change the answer.
            _ => {}
        }
    }
    if d(OnlDefect::FreeSearchIncludesEveryActor) && include_schedule {
        recurse = vec!["Practitioner".to_string(), "Location".to_string()];
    }
    if d(OnlDefect::FreeSearchIgnoresInclude) {
        include_schedule = false;
        recurse.clear();
    }
    let today = crate::support::clock::today();
    // One snapshot of the booked slots, not a lock per slot.
    let taken = s.appointments.taken();
    let found: Vec<SlotRow> = rows(today)
        .into_iter()
        .filter(|r| {
            // The defect widens the window by a day each side (bounded, so
            // its answers stay the size of a real slip, not the whole diary).
            let slack = if d(OnlDefect::FreeSearchIgnoresWindow) { Duration::days(1) } else { Duration::ZERO };
            r.start >= start - slack && r.end <= end + slack
        })
        .filter(|r| r.free || d(OnlDefect::FreeSearchReturnsBusy))
        .filter(|r| d(OnlDefect::BookedSlotStillFree) || !taken.contains(&r.id))
        .filter(|r| match r.schedule.only_for {
            None => true,
            Some(t) => d(OnlDefect::FreeSearchIgnoresOrganisationType) || org_type.as_deref() == Some(t),
        })
        .filter(|r| {
            d(OnlDefect::FreeSearchIgnoresDeliveryChannel) || channel.as_deref().is_none_or(|c| c == r.schedule.channel)
        })
        .collect();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let base = format!("http://{host}{}", s.base_path);
    let mut entry: Vec<Value> = found
        .iter()
        .map(|r| {
            let mut resource = slot(r);
            if let Some(service) = r.schedule.service
                && !d(OnlDefect::FreeSearchNoServiceKind)
            {
                resource["serviceType"] = json!([{ "text": service }]);
            }
            if d(OnlDefect::FreeSearchSlotSpecialty) {
                // GP Connect's Slot leaves specialty unused; this fills it.
                resource["specialty"] =
                    json!([{ "coding": [{ "system": "http://snomed.info/sct", "code": "394814009" }] }]);
            }
            json!({ "fullUrl": format!("{base}/Slot/{}", r.id), "resource": resource, "search": { "mode": "match" } })
        })
        .collect();
    let used: Vec<&Schedule> = SCHEDULES.iter().filter(|sch| found.iter().any(|r| r.schedule.id == sch.id)).collect();
    if include_schedule {
        for sch in &used {
            entry.push(json!({ "fullUrl": format!("{base}/Schedule/{}", sch.id), "resource": schedule(s, sch, today), "search": { "mode": "include" } }));
        }
        for kind in &recurse {
            for sch in &used {
                let (items, i) = if kind == "Practitioner" {
                    (&s.store.practitioners, sch.practitioner)
                } else {
                    (&s.store.locations, sch.location)
                };
                if let Some(item) = items.get(i) {
                    let mut resource = item.resource.clone();
                    if kind == "Practitioner" && d(OnlDefect::FreeSearchPractitionerDetails) {
                        resource["telecom"] = json!([{ "system": "phone", "value": "01130000000", "use": "work" }]);
                        resource["birthDate"] = json!("1970-01-01");
                    }
                    entry.push(json!({ "fullUrl": format!("{base}/{kind}/{}", item.id), "resource": resource, "search": { "mode": "include" } }));
                }
            }
        }
        if managing_organisation && !d(OnlDefect::FreeSearchIgnoresInclude) {
            let mut orgs: Vec<&str> = used
                .iter()
                .filter_map(|sch| s.store.locations.get(sch.location))
                .filter_map(|l| l.resource.pointer("/managingOrganization/reference").and_then(Value::as_str))
                .collect();
            orgs.sort_unstable();
            orgs.dedup();
            for reference in orgs {
                let id = reference.trim_start_matches("Organization/");
                if let Some(org) = s.store.organizations.iter().find(|o| o.id == id) {
                    entry.push(json!({ "fullUrl": format!("{base}/Organization/{}", org.id), "resource": org.resource, "search": { "mode": "include" } }));
                }
            }
        }
    }
    if found.is_empty() && d(OnlDefect::FreeSearchEmptyHasResources) {
        for sch in &SCHEDULES {
            entry.push(json!({ "fullUrl": format!("{base}/Schedule/{}", sch.id), "resource": schedule(s, sch, today), "search": { "mode": "include" } }));
        }
    }
    Ok(super::appointments::cacheable(s, Fhir::ok(crate::reference::searchset(entry, found.len())).into_response()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_roll_with_the_date_and_the_first_of_each_day_is_busy() {
        let Some(today) = crate::support::clock::parse_date("2028-02-28") else { panic!("date") };
        let all = rows(today);
        let (ahead, same_day): (Vec<_>, Vec<_>) = all.iter().partition(|r| r.start.date() > today);
        assert_eq!(ahead.len() as i64, HORIZON_DAYS * (40 + 12));
        assert!(ahead.iter().all(|r| r.start.date() <= today + Duration::days(HORIZON_DAYS)));
        assert!(ahead.iter().any(|r| r.start.date().day() == 29), "a leap day has slots");
        assert_eq!(all.iter().filter(|r| !r.free).count() as i64, 2 * HORIZON_DAYS);
        assert_eq!(same_day.len(), 1440, "sit-and-wait: every minute of today");
        assert!(same_day.iter().all(|r| r.start.date() == today && r.end.date() <= today + Duration::days(1)));
    }

    #[test]
    fn bounds_need_their_prefix_and_a_full_date() {
        let strict = (false, false);
        assert!(bound("start", "ge2028-03-01", "ge", strict, false).is_ok());
        assert!(bound("end", "le2028-03-01T12:00:00Z", "le", strict, true).is_ok());
        for bad in ["2028-03-01", "gt2028-03-01", "ge2028-03", "ge2028", "ge2028-03-01T12", "ge"] {
            assert!(bound("start", bad, "ge", strict, false).is_err(), "{bad}");
        }
    }
}
