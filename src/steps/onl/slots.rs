//! Free slots (ONL): building free-slot searches relative to today and
//! judging the Slots, Schedules and actors that come back.

use std::collections::BTreeSet;

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::bundle::{entries, resources};
use crate::steps::common::stamps::at;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a free slot search with "([^"]*)"$"# => search_with, "Begins `GET [base]/Slot?…` with these parameters (`a=1&b=2`, percent-encoded when sent); `{today}`, `{today+N}` become dates, `{ods:KEY}` ODS codes."),
        step!(Given r#"^a free slot search for the next (\d+) days$"# => next_days, "Begins a free slot search from tomorrow (`start=ge`) to N days ahead (`end=le`), `status=free`, `_include=Slot:schedule`."),
        step!(Then r#"^the Bundle holds free slots$"# => holds_slots, "HTTP 200 and a searchset Bundle with at least one Slot; each has an id, a Schedule reference, start and end date-times with a zone (start before end), the GPConnect-Slot-1 profile, at most one identifier (with a value) and no specialty."),
        step!(Then r#"^every Slot in the Bundle is within the search window$"# => within_window, "The Bundle holds Slots (none is a failure). Each Slot starts at or after the search's start and ends at or before its end (a date means the whole day, UTC)."),
        step!(Then r#"^every Slot in the Bundle is free$"# => all_free, "The Bundle holds Slots (none is a failure). Each Slot's status is free."),
        step!(Then r#"^every Slot's delivery channel is one of "([^"]*)"$"# => channels, "The Bundle holds Slots (none is a failure). Each Slot carries the delivery-channel extension (Extension-GPConnect-DeliveryChannel-2) with one of these comma-separated codes."),
        step!(Then r#"^every Slot's Schedule is in the Bundle$"# => schedules_included, "The Bundle holds Slots (none is a failure). Each Slot's Schedule reference resolves to a Schedule in the Bundle (search mode include)."),
        step!(Then r#"^every Schedule's (Practitioner|Location) is in the Bundle$"# => actors_included, "Each Schedule in the Bundle has an actor of this type, and it is in the Bundle."),
        step!(Then r#"^a (Schedule|Slot) in the Bundle names its service (category|type)$"# => names_service, "At least one Schedule has `serviceCategory.text`, or one Slot a `serviceType` with `text` (the official suite's serviceCategory / serviceType checks)."),
        step!(Then r#"^the Bundle holds no resources$"# => holds_nothing, "HTTP 200 and a searchset Bundle with no entry: a search that finds no free slot returns no Schedule, Location or anything else either."),
        step!(Then r#"^the Bundle holds no (Practitioner|Location|Organization)$"# => holds_no_kind, "HTTP 200, and no entry of the Bundle is a resource of this type (it was not asked for)."),
        step!(Then r#"^every Location in the Bundle has its managing Organization in the Bundle$"# => managing_included, "At least one Location is in the Bundle, and each names a managingOrganization that is in the Bundle."),
        step!(Then r#"^no Practitioner in the Bundle has telecom, address, birthDate, photo or qualification$"# => practitioners_lean, "At least one Practitioner is in the Bundle, and none carries the elements GP Connect's free slot search leaves out."),
        step!(Then r#"^the Bundle holds slots that the same search without the organisation type does not$"# => type_gets_more, "Sends the search again without its organisation-type searchFilter (evidence kept): some Schedule whose slots the filtered search offered must be missing from it."),
    ]
}

fn begin(w: &mut RfaWorld, query: &str) -> StepResult {
    let text = crate::steps::common::stamps::dates(&keys::expand(w, query)?)?;
    let mut spec = RequestSpec::new(Interaction::SearchSlots, "Slot");
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        spec.query.push((k.to_string(), v.to_string()));
    }
    w.request = Some(spec);
    Ok(())
}

async fn search_with(w: &mut RfaWorld, a: &Args) -> StepResult {
    begin(w, a.get(1))
}

async fn next_days(w: &mut RfaWorld, a: &Args) -> StepResult {
    begin(w, &format!("start=ge{{today+1}}&end=le{{today+{}}}&status=free&_include=Slot:schedule", a.get(1)))
}

/// The free slot search's answer: HTTP 200 and a searchset Bundle.
fn searchset_answer(w: &RfaWorld) -> Result<Value, Failure> {
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("the free slot search should answer 200, it answered HTTP {status}"));
    }
    let b = match w.response()?.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    if b.get("type").and_then(Value::as_str) != Some("searchset") {
        return w.fail("the answer should be a searchset Bundle");
    }
    Ok(b)
}

fn slots(w: &RfaWorld) -> Result<Vec<Value>, Failure> {
    Ok(resources(&searchset_answer(w)?, "Slot").into_iter().cloned().collect())
}

/// The Slots of the answer, for a check on every one: none is a failure,
/// as "every slot is …" would otherwise hold of an empty Bundle.
fn found_slots(w: &RfaWorld) -> Result<Vec<Value>, Failure> {
    let all = slots(w)?;
    if all.is_empty() {
        return w.fail(
            "the search should return free slots to check (the test data has them every day), it returned no Slot",
        );
    }
    Ok(all)
}

fn id(r: &Value) -> &str {
    r.as_resource().id().unwrap_or("(no id)")
}

async fn holds_slots(w: &mut RfaWorld, _: &Args) -> StepResult {
    let all = slots(w)?;
    if all.is_empty() {
        return w.fail("the search returned no Slot; the test data has free slots every day for 14 days");
    }
    for s in &all {
        let profiled = s
            .pointer("/meta/profile")
            .and_then(Value::as_array)
            .is_some_and(|p| p.iter().any(|x| x == gpc::SLOT_PROFILE));
        let schedule =
            s.pointer("/schedule/reference").and_then(Value::as_str).is_some_and(|r| r.starts_with("Schedule/"));
        let (start, end) = (at(s.get("start")), at(s.get("end")));
        let problem = if s.as_resource().id().is_none_or(str::is_empty) {
            Some("has no id")
        } else if !profiled {
            Some("does not claim the GPConnect-Slot-1 profile")
        } else if !schedule {
            Some("has no Schedule reference")
        } else if !matches!((start, end), (Some(a), Some(b)) if a < b) {
            Some("needs start and end date-times with a zone, start first")
        } else if !identifiers_ok(s) {
            Some("has more than one identifier, or one without a value")
        } else if s.get("specialty").is_some_and(|x| x.as_array().is_none_or(|a| !a.is_empty())) {
            Some("has a specialty, which GP Connect's Slot leaves unused")
        } else {
            None
        };
        if let Some(p) = problem {
            return w.fail(format!("Slot {} {p}", id(s)));
        }
    }
    Ok(())
}

/// At most one identifier, and each with a value (the official suite's
/// "Slot Identifiers should be valid").
fn identifiers_ok(s: &Value) -> bool {
    match s.get("identifier") {
        None => true,
        Some(Value::Array(ids)) => {
            ids.len() <= 1 && ids.iter().all(|i| i.get("value").and_then(Value::as_str).is_some_and(|v| !v.is_empty()))
        }
        Some(_) => false,
    }
}

/// Every resource of the Bundle (GP Connect's examples carry no
/// `search.mode`, so an included resource is any entry).
fn bundle_resources(w: &RfaWorld) -> Result<Vec<Value>, Failure> {
    Ok(entries(&searchset_answer(w)?).into_iter().filter_map(|e| e.get("resource").cloned()).collect())
}

async fn names_service(w: &mut RfaWorld, a: &Args) -> StepResult {
    let kind = a.get(1);
    let all = bundle_resources(w)?;
    let of_kind: Vec<&Value> = all.iter().filter(|r| r.as_resource().resource_type() == Some(kind)).collect();
    if of_kind.is_empty() {
        return w.fail(format!("the Bundle holds no {kind}"));
    }
    let named = |r: &&Value| {
        let text = |v: &Value| v.get("text").and_then(Value::as_str).is_some_and(|t| !t.is_empty());
        if kind == "Schedule" {
            r.get("serviceCategory").is_some_and(text)
        } else {
            r.get("serviceType").and_then(Value::as_array).is_some_and(|a| a.iter().any(text))
        }
    };
    if !of_kind.iter().any(named) {
        let element = if kind == "Schedule" { "serviceCategory" } else { "serviceType" };
        return w.fail(format!("none of the {} {kind}s in the Bundle has a {element} with text", of_kind.len()));
    }
    Ok(())
}

async fn holds_nothing(w: &mut RfaWorld, _: &Args) -> StepResult {
    let all = bundle_resources(w)?;
    if let Some(r) = all.first() {
        return w.fail(format!(
            "the search found no free slot, yet the Bundle holds {} resource(s), the first a {}: a search with no match returns none",
            all.len(),
            r.as_resource().resource_type().unwrap_or("resource without a type")
        ));
    }
    Ok(())
}

async fn holds_no_kind(w: &mut RfaWorld, a: &Args) -> StepResult {
    let kind = a.get(1);
    let all = bundle_resources(w)?;
    if all.iter().all(|r| r.as_resource().resource_type() != Some("Slot")) {
        return w.fail("the Bundle holds no Slot, so it shows nothing about what was left out");
    }
    if let Some(r) = all.iter().find(|r| r.as_resource().resource_type() == Some(kind)) {
        return w.fail(format!("the Bundle holds {kind} {}, which the search did not ask for", id(r)));
    }
    Ok(())
}

async fn managing_included(w: &mut RfaWorld, _: &Args) -> StepResult {
    let all = bundle_resources(w)?;
    let locations: Vec<&Value> = all.iter().filter(|r| r.as_resource().resource_type() == Some("Location")).collect();
    if locations.is_empty() {
        return w.fail("the Bundle holds no Location");
    }
    for l in locations {
        match l.pointer("/managingOrganization/reference").and_then(Value::as_str) {
            Some(r) if has(&all, r) => {}
            Some(r) => return w.fail(format!("Location {}'s managing Organization {r} is not in the Bundle", id(l))),
            None => return w.fail(format!("Location {} names no managingOrganization", id(l))),
        }
    }
    Ok(())
}

async fn practitioners_lean(w: &mut RfaWorld, _: &Args) -> StepResult {
    let all = bundle_resources(w)?;
    let people: Vec<&Value> = all.iter().filter(|r| r.as_resource().resource_type() == Some("Practitioner")).collect();
    if people.is_empty() {
        return w.fail("the Bundle holds no Practitioner");
    }
    for p in people {
        if let Some(e) =
            ["telecom", "address", "birthDate", "photo", "qualification"].iter().find(|e| p.get(**e).is_some())
        {
            return w.fail(format!("Practitioner {} has {e}, which a free slot search leaves out", id(p)));
        }
    }
    Ok(())
}

/// The window the last request asked for, as instants.
fn window(w: &RfaWorld) -> Result<(OffsetDateTime, OffsetDateTime), Failure> {
    let spec = w.request.as_ref().ok_or_else(|| Failure::Harness("no search was built".into()))?;
    let get = |k: &str, prefix: &str| {
        spec.query.iter().find(|(n, _)| n == k).and_then(|(_, v)| v.strip_prefix(prefix)).map(str::to_string)
    };
    let bound = |v: Option<String>, end: bool| -> Option<OffsetDateTime> {
        let v = v?;
        if let Ok(t) = OffsetDateTime::parse(&v, &Rfc3339) {
            return Some(t);
        }
        let d = crate::support::clock::parse_date(&v)?;
        Some(if end { (d + time::Duration::days(1)).midnight().assume_utc() } else { d.midnight().assume_utc() })
    };
    match (bound(get("start", "ge"), false), bound(get("end", "le"), true)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(Failure::Harness("the search has no ge start and le end to check against".into())),
    }
}

async fn within_window(w: &mut RfaWorld, _: &Args) -> StepResult {
    let (from, to) = window(w)?;
    for s in found_slots(w)? {
        let (start, end) = (at(s.get("start")), at(s.get("end")));
        if !matches!((start, end), (Some(a), Some(b)) if a >= from && b <= to) {
            return w.fail(format!(
                "Slot {} ({} to {}) is outside the window {from} to {to}",
                id(&s),
                s.get("start").and_then(Value::as_str).unwrap_or("?"),
                s.get("end").and_then(Value::as_str).unwrap_or("?")
            ));
        }
    }
    Ok(())
}

async fn all_free(w: &mut RfaWorld, _: &Args) -> StepResult {
    for s in found_slots(w)? {
        let status = s.get("status").and_then(Value::as_str).unwrap_or("none");
        if status != "free" {
            return w.fail(format!("Slot {} is {status}; a search for free slots returns only free ones", id(&s)));
        }
    }
    Ok(())
}

async fn channels(w: &mut RfaWorld, a: &Args) -> StepResult {
    let allowed: Vec<&str> = a.get(1).split(',').map(str::trim).collect();
    for s in found_slots(w)? {
        let channel = s
            .get("extension")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|e| e.get("url").and_then(Value::as_str) == Some(crate::fhir::gpc::DELIVERY_CHANNEL_EXTENSION))
            .and_then(|e| e.get("valueCode").and_then(Value::as_str));
        match channel {
            Some(c) if allowed.contains(&c) => {}
            Some(c) => return w.fail(format!("Slot {} is delivered {c}, not {}", id(&s), a.get(1))),
            None => return w.fail(format!("Slot {} does not say its delivery channel", id(&s))),
        }
    }
    Ok(())
}

fn has(list: &[Value], reference: &str) -> bool {
    let (ty, rid) = reference.split_once('/').unwrap_or_default();
    list.iter().any(|r| r.as_resource().resource_type() == Some(ty) && r.as_resource().id() == Some(rid))
}

async fn schedules_included(w: &mut RfaWorld, _: &Args) -> StepResult {
    let inc = bundle_resources(w)?;
    for s in found_slots(w)? {
        let r = s.pointer("/schedule/reference").and_then(Value::as_str).unwrap_or_default();
        if !has(&inc, r) {
            return w.fail(format!("Slot {}'s Schedule {r} is not included in the Bundle", id(&s)));
        }
    }
    Ok(())
}

async fn actors_included(w: &mut RfaWorld, a: &Args) -> StepResult {
    let kind = a.get(1);
    let inc = bundle_resources(w)?;
    let schedules: Vec<&Value> = inc.iter().filter(|r| r.as_resource().resource_type() == Some("Schedule")).collect();
    if schedules.is_empty() {
        return w.fail("the Bundle includes no Schedule");
    }
    for sch in schedules {
        let actor = sch
            .get("actor")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_reference().reference())
            .find(|r| r.starts_with(&format!("{kind}/")));
        match actor {
            Some(r) if has(&inc, r) => {}
            Some(r) => return w.fail(format!("Schedule {}'s {kind} {r} is not included in the Bundle", id(sch))),
            None => return w.fail(format!("Schedule {} has no {kind} actor", id(sch))),
        }
    }
    Ok(())
}

async fn type_gets_more(w: &mut RfaWorld, _: &Args) -> StepResult {
    // Compared by Schedule, not by Slot: bookings other scenarios make
    // between the two searches change the slots, never the schedules.
    let schedules = |list: &[Value]| -> BTreeSet<String> {
        list.iter()
            .filter_map(|s| s.pointer("/schedule/reference").and_then(Value::as_str))
            .map(str::to_string)
            .collect()
    };
    let filtered = schedules(&slots(w)?);
    let mut spec = w.request.clone().ok_or_else(|| Failure::Harness("no search was built".into()))?;
    spec.query.retain(|(k, v)| !(k == "searchFilter" && v.starts_with(gpc::ORGANISATION_TYPE_SYSTEM)));
    let resp = w.send(&spec).await?;
    w.response = Some(resp);
    let plain = schedules(&slots(w)?);
    let kept: Vec<&String> = filtered.difference(&plain).collect();
    if kept.is_empty() {
        return w.fail(format!(
            "the search with the organisation type offered slots of {} schedules, and without it the same ones: slots kept for that type of organisation should be offered only to it",
            filtered.len()
        ));
    }
    Ok(())
}
