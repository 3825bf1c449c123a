//! The test data that is relative to the run date, and so cannot be a file
//! (profile §21, §23): free slots every day of the next 14, slots kept for
//! urgent care, sit-and-wait slots today, and a booked appointment of
//! today that has already begun (00:00 UTC) for patient20.

use serde_json::Value;

use super::{KeyReport, Status, fetch, outcome_code, report, resources};
use crate::client::{Client, RequestSpec};
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::fixtures::FixturePack;

/// The patients the test data gives an appointment of today that has begun.
const PAST: [&str; 1] = ["patient20"];

/// The dispensing patient with an expired prescription (profile §23).
const EXPIRED: &str = "patient6";

pub async fn check(client: &Client, pack: &FixturePack) -> Vec<KeyReport> {
    // Each search once, all at once: two of the checks read the fortnight's.
    let (plain, kept, same_day) = futures::future::join3(
        slots(client, &slot_search(1, 14, None)),
        slots(client, &slot_search(1, 14, Some("urgent-care"))),
        slots(client, &slot_search(0, 0, None)),
    )
    .await;
    let mut out = vec![fortnight(&plain), urgent_care(&plain, &kept), today(same_day)];
    for key in PAST {
        if let Some(r) = past_appointment(client, pack, key).await {
            out.push(r);
        }
    }
    out.extend(expired_prescription(client, pack, EXPIRED).await);
    out
}

fn day(offset: i64) -> time::Date {
    crate::support::clock::today() + time::Duration::days(offset)
}

fn slot_search(from: i64, to: i64, org_type: Option<&str>) -> RequestSpec {
    let mut spec = RequestSpec::new(Interaction::SearchSlots, "Slot");
    spec.query.push(("start".into(), format!("ge{}", crate::support::clock::ymd(day(from)))));
    spec.query.push(("end".into(), format!("le{}", crate::support::clock::ymd(day(to)))));
    spec.query.push(("status".into(), "free".into()));
    if let Some(t) = org_type {
        spec.query.push(("searchFilter".into(), format!("{}|{t}", gpc::ORGANISATION_TYPE_SYSTEM)));
    }
    spec
}

/// The free slots a search answers (id, start date), or the report line.
async fn slots(client: &Client, spec: &RequestSpec) -> Found {
    match fetch(client, spec).await {
        Ok((200, body)) => Ok(resources(&body, "Slot")
            .map(|s| {
                let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                (text("id"), text("start").chars().take(10).collect())
            })
            .collect()),
        Ok((status, body)) => Err(format!("the free slot search answered HTTP {status} {}", outcome_code(&body))),
        Err(e) => Err(e),
    }
}

fn verdict(label: &str, looked_up: &str, missing: Vec<String>) -> KeyReport {
    let status = if missing.is_empty() { Status::Ok } else { Status::Missing };
    report("setup", label, looked_up, status, missing)
}

/// Free slots (id, start date) a search answered, or why it did not.
type Found = Result<Vec<(String, String)>, String>;

fn fortnight(plain: &Found) -> KeyReport {
    let (label, looked_up) = ("free slots", "next 14 days");
    let found = match plain {
        Ok(f) => f,
        Err(e) => return report("setup", label, looked_up, Status::Error, vec![e.clone()]),
    };
    let empty: Vec<String> = (1..=14)
        .map(|d| crate::support::clock::ymd(day(d)))
        .filter(|d| !found.iter().any(|(_, start)| start == d))
        .map(|d| format!("no free slot on {d}: the ONL requirements book on any of the next 14 days"))
        .collect();
    verdict(label, looked_up, empty)
}

fn urgent_care(plain: &Found, kept: &Found) -> KeyReport {
    let (label, looked_up) = ("slots kept for urgent care", "next 14 days");
    match (plain, kept) {
        (Ok(plain), Ok(kept)) => {
            let only_kept = kept.iter().any(|(id, _)| !plain.iter().any(|(p, _)| p == id));
            let missing = (!only_kept).then(|| {
                "no slot is offered only to organisation type urgent-care: RFA-ONL-008 and RFA-ONL-016 need one schedule kept for it".to_string()
            });
            verdict(label, looked_up, missing.into_iter().collect())
        }
        (Err(e), _) | (_, Err(e)) => report("setup", label, looked_up, Status::Error, vec![e.clone()]),
    }
}

fn today(same_day: Found) -> KeyReport {
    let (label, looked_up) = ("sit-and-wait slots", "today");
    match same_day {
        Ok(found) if found.is_empty() => verdict(
            label,
            looked_up,
            vec!["no free slot today: patient arrival (ARR) books today's slots of a sit-and-wait schedule".into()],
        ),
        Ok(_) => verdict(label, looked_up, vec![]),
        Err(e) => report("setup", label, looked_up, Status::Error, vec![e]),
    }
}

/// The patient's logical id, by NHS number (`Ok(None)`: not found).
pub async fn logical_id(client: &Client, nhs: &str) -> Result<Option<String>, String> {
    let mut spec = RequestSpec::new(Interaction::SearchPatients, "Patient");
    spec.query.push(("identifier".into(), format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
    match fetch(client, &spec).await {
        Ok((200, body)) => Ok(super::matches(&body, "Patient", gpc::NHS_NUMBER_SYSTEM, nhs)
            .first()
            .and_then(|r| r.as_resource().id())
            .map(str::to_string)),
        Ok((status, body)) => Err(format!("patient search answered HTTP {status} {}", outcome_code(&body))),
        Err(e) => Err(e),
    }
}

/// The fixture patient's logical id on the candidate, or the report line
/// saying why there is none.
async fn patient_id(
    client: &Client,
    pack: &FixturePack,
    key: &str,
    label: &str,
    looked_up: &str,
) -> Option<Result<String, KeyReport>> {
    let p = pack.patients.get(key)?;
    let cfg = client.config();
    let nhs = cfg.patients.get(key).map_or_else(|| p.nhs_number.clone(), |i| i.nhs_number.clone());
    let error = |e: String| report("setup", label, looked_up, Status::Error, vec![e]);
    Some(match logical_id(client, &nhs).await {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(error(format!("{key} was not found, so its {looked_up} could not be checked"))),
        Err(e) => Err(error(e)),
    })
}

async fn expired_prescription(client: &Client, pack: &FixturePack, key: &str) -> Option<KeyReport> {
    let label = format!("{key}'s expired prescription");
    let looked_up = "prescriptions";
    let id = match patient_id(client, pack, key, &label, looked_up).await? {
        Ok(id) => id,
        Err(r) => return Some(r),
    };
    let mut spec = RequestSpec::new(Interaction::SearchPrescriptions, "MedicationRequest");
    spec.query.push(("patient".into(), id));
    spec.query.push(gpc::authored_long_ago());
    let today = crate::support::clock::ymd(crate::support::clock::today());
    Some(match fetch(client, &spec).await {
        Ok((200, body)) => {
            let expired = resources(&body, "MedicationRequest").any(|r| {
                r.pointer("/dispenseRequest/validityPeriod/end")
                    .and_then(Value::as_str)
                    .and_then(|e| e.get(..10))
                    .is_some_and(|e| e < today.as_str())
            });
            let missing = (!expired).then(|| {
                format!("{key} has no prescription whose validity ended before today: RFA-DSP-006 needs one (issued 200 days back)")
            });
            verdict(&label, looked_up, missing.into_iter().collect())
        }
        Ok((status, body)) => report(
            "setup",
            &label,
            looked_up,
            Status::Error,
            vec![format!("the prescription search answered HTTP {status} {}", outcome_code(&body))],
        ),
        Err(e) => report("setup", &label, looked_up, Status::Error, vec![e]),
    })
}

async fn past_appointment(client: &Client, pack: &FixturePack, key: &str) -> Option<KeyReport> {
    let label = format!("{key}'s begun appointment");
    let looked_up = "today, begun";
    let error = |e: String| report("setup", &label, looked_up, Status::Error, vec![e]);
    let id = match patient_id(client, pack, key, &label, "appointments").await? {
        Ok(id) => id,
        Err(r) => return Some(r),
    };
    // GP Connect refuses a search reaching into the past, but answers all
    // of today's appointments, begun or not.
    let mut spec = RequestSpec::new(Interaction::SearchPatientAppointments, format!("Patient/{id}/Appointment"));
    spec.query.push(("start".into(), format!("ge{}", crate::support::clock::ymd(day(0)))));
    spec.query.push(("start".into(), format!("le{}", crate::support::clock::ymd(day(0)))));
    let now = crate::support::clock::now();
    Some(match fetch(client, &spec).await {
        Ok((200, body)) => {
            let begun = resources(&body, "Appointment").any(|a| {
                a.get("status").and_then(Value::as_str) == Some("booked")
                    && a.get("start")
                        .and_then(Value::as_str)
                        .and_then(|t| {
                            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
                        })
                        .is_some_and(|t| t <= now)
            });
            let missing = (!begun).then(|| {
                format!(
                    "{key} has no booked appointment of today that has begun: RFA-ONL-022 needs one (00:00 UTC today)"
                )
            });
            verdict(&label, looked_up, missing.into_iter().collect())
        }
        Ok((status, body)) => error(format!("the appointment search answered HTTP {status} {}", outcome_code(&body))),
        Err(e) => error(e),
    })
}
