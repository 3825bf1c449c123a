//! Registering a new patient as a GP system does: trace them on PDS, and
//! register only a unique, living match, under PDS's NHS number and with
//! PDS's demographics.

use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::NHS_NUMBER_SYSTEM;
use crate::reference::State;
use crate::reference::outbound::{Action, Reply, call, failed, has, http};
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;
use crate::reference::rec::defects::RecDefect;

/// The X-Request-ID a broken practice sends with every trace.
const STUCK_REQUEST_ID: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

async fn pds(s: &State, req: reqwest::RequestBuilder) -> Reply {
    let id = if has(s, RecDefect::ReusesPdsRequestId) {
        STUCK_REQUEST_ID.to_string()
    } else {
        uuid::Uuid::new_v4().to_string()
    };
    call(
        req.header("X-Request-ID", id)
            .header("X-Correlation-ID", uuid::Uuid::new_v4().to_string())
            .header("NHSD-End-User-Organisation-ODS", &s.ods_code)
            .header("Authorization", "Bearer rfa-reference-pds-access-token")
            .header("Accept", "application/fhir+json"),
    )
    .await
}

fn demographics(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidPatientDemographics, msg)
}

pub async fn register(s: &State, a: &Action) -> Result<Vec<(&'static str, String)>, Outcome> {
    let typed = json!({
        "name": [{ "family": a.param("family").unwrap_or_default(), "given": [a.param("given").unwrap_or_default()] }],
        "gender": a.param("gender").unwrap_or_default(),
        "birthDate": a.param("birthDate").unwrap_or_default(),
    });
    if has(s, RecDefect::ConsumerSkipsPdsTrace) {
        let stored = crate::reference::rec::register::enrol(s, a.param("nhsNumber").unwrap_or_default(), &typed)?;
        return Ok(vec![("patient", id_of(&stored))]);
    }
    let record = match a.param("nhsNumber").filter(|n| !n.is_empty()) {
        Some(n) => {
            let reply = pds(s, http().get(a.url(&format!("pds/FHIR/R4/Patient/{n}"))?)).await;
            match reply.status {
                200 => reply.json(),
                404 => return Err(demographics(format!("PDS holds no patient {n}"))),
                _ => return Err(failed("PDS", &reply)),
            }
        }
        None => {
            let birth = a.required("birthDate")?;
            let mut query = vec![("family", a.required("family")?.to_string()), ("birthdate", format!("eq{birth}"))];
            // PDS matches a given name whole unless it ends in a wildcard
            // (taken after the first two characters); what was typed may be
            // shortened or spelt otherwise, so the trace asks for its first
            // three characters, as PDS advises.
            let start: String =
                a.param("given").unwrap_or_default().trim().chars().filter(|c| *c != '*').take(3).collect();
            if start.chars().count() >= 2 {
                query.push(("given", format!("{start}*")));
            }
            let gender = if has(s, RecDefect::PdsUnknownParameter) { "sex" } else { "gender" };
            if let Some(v) = a.param("gender").filter(|v| !v.is_empty()) {
                query.push((gender, v.to_string()));
            }
            let reply = pds(s, http().get(a.query("pds/FHIR/R4/Patient", &query)?)).await;
            if !reply.ok() {
                if has(s, RecDefect::RegistersWhenPdsFails) {
                    let stored = crate::reference::rec::register::enrol(s, "", &typed)?;
                    return Ok(vec![("patient", id_of(&stored))]);
                }
                return Err(failed("PDS", &reply));
            }
            let answer = reply.json();
            if answer.as_resource().resource_type() != Some("Bundle") {
                if has(s, RecDefect::RegistersOnTooManyMatches) {
                    let stored = crate::reference::rec::register::enrol(s, "", &typed)?;
                    return Ok(vec![("patient", id_of(&stored))]);
                }
                return Err(match answer.as_outcome().first_code() {
                    Some("TOO_MANY_MATCHES") => demographics(
                        "PDS found too many patients with these demographics: the patient must be identified before registering",
                    ),
                    _ => failed("PDS", &reply),
                });
            }
            let found: Vec<Value> = answer
                .get("entry")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e.get("resource").cloned())
                .collect();
            match &found[..] {
                [] => return Err(demographics("PDS found no patient with these demographics")),
                [one] => one.clone(),
                [first, ..] if has(s, RecDefect::RegistersAmbiguousTrace) => first.clone(),
                many => {
                    return Err(demographics(format!(
                        "PDS found {} patients with these demographics: the patient must be identified before registering",
                        many.len()
                    )));
                }
            }
        }
    };
    if record.get("deceasedDateTime").is_some() && !has(s, RecDefect::RegistersDeceasedTrace) {
        return Err(demographics("PDS records this patient as deceased"));
    }
    let number = if has(s, RecDefect::KeepsSupersededNhsNumber) {
        a.param("nhsNumber").filter(|n| !n.is_empty()).map(str::to_string)
    } else {
        None
    }
    .or_else(|| crate::fhir::gpc::identifier(&record, NHS_NUMBER_SYSTEM).map(str::to_string))
    .ok_or_else(|| demographics("PDS's record carries no NHS number"))?;
    let patient = if has(s, RecDefect::KeepsTypedDemographics) && a.param("family").is_some() {
        typed
    } else {
        let name = record.pointer("/name/0").cloned().unwrap_or(Value::Null);
        json!({
            "name": [{ "use": "official", "family": name.get("family"), "given": name.get("given") }],
            "gender": record.get("gender"),
            "birthDate": record.get("birthDate"),
        })
    };
    let restricted = crate::fhir::gpc::restricted(&record);
    if restricted && has(s, RecDefect::ClaimsRestrictedHeld) {
        return Err(Outcome::new(SpineCode::DuplicateRejected, "this patient is registered here already"));
    }
    if restricted && has(s, RecDefect::RefusesRestrictedTrace) {
        return Err(demographics("PDS restricts this patient"));
    }
    let restricted = restricted && !has(s, RecDefect::RegistersRestrictedAsOrdinary);
    let stored = crate::reference::rec::register::enrol_as(s, &number, &patient, restricted)?;
    Ok(vec![("patient", id_of(&stored)), ("nhsNumber", number)])
}

fn id_of(p: &Value) -> String {
    p.as_resource().id().unwrap_or_default().to_string()
}
