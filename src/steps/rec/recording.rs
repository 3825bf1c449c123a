//! Recording by the candidate itself (REC, profile §15): the candidate is
//! asked to record an entry as its clinician would (trigger action
//! `record-entry`, or the tester), and what it recorded is read back through
//! Access Record Structured — the national interface every other GP system
//! and consumer reads the record with.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, EntryType, Interaction};
use crate::steps::common::keys;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

/// The fixture practitioner who makes and records entries unless a step
/// says otherwise.
pub(crate) const CLINICIAN: &str = "practitioner1";
/// The practice itself in the test data.
const PRACTICE: &str = "ORG1";

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^an? (Condition|Observation|AllergyIntolerance|Encounter) to record for "([^"]+)"$"# => to_record, "Begins an entry for the candidate to record (trigger action `record-entry`): a problem (asthma), an observation (body weight 72.5 kg), an allergy (penicillin) or a consultation (telephone), for this fixture patient (by NHS number), made and recorded by `practitioner1`, at a time to the second in a +01:00 zone that is this scenario's own (so the read-back finds this entry and no other)."),
        step!(Given r#"^the (code|code system|display|time|status|clinician|recorder|value|unit|unit system|patient) to record is "([^"]*)"$"# => set_param, "Sets what the user enters: a fixture practitioner or patient key is sent as its SDS user id or NHS number, anything else as written."),
        step!(Given r#"^the (code|display|time|status|clinician|patient|value) to record is left out$"# => leave_out, "Sends the action without this parameter."),
        step!(Given r#"^the concept to record is "([^"]+)" by its code alone$"# => concept_by_code, "The user picks this concept of the test data's terminology (fixtures/terminology.json) by its SNOMED CT code: the action sends the code and no display."),
        step!(Given r#"^the time to record is (in UTC|yesterday|in the future)$"# => shift_time, "Moves the entry's own time: the same instant written in UTC (`Z`); the same time of day yesterday (in +01:00); or the same time 998 years on."),
        step!(Given r#"^the entry to record is restricted$"# => restricted, "The user marks the entry confidential (`restricted`: true)."),
        step!(When r#"^the candidate is asked to record the entry$"# => ask, "Asks the candidate (trigger action `record-entry`, or the tester) to record the entry as its clinician would enter it (profile §15, §37.1)."),
        step!(When r#"^the candidate is asked to amend the entry's (status|value|code) to "([^"]*)"$"# => ask_amend, "Asks the candidate (trigger action `amend-entry`, or the tester) to amend the entry it recorded, found as a user finds it on screen (its patient, kind and time): this element becomes this value, and the entry should then read back so."),
        step!(When r#"^the candidate is asked to mark the entry entered in error$"# => ask_in_error, "Asks the candidate (trigger action `amend-entry` with `enteredInError` true, or the tester) to mark the entry it recorded as entered in error."),
        step!(Then r#"^the structured record of "([^"]+)" shows the entry as entered$"# => shows, "Reads the patient's record through Access Record Structured (the entry's clinical area; evidence kept) and finds the entry by its time: its code, its time (the same instant), its status as GP Connect gives it (a problem active or inactive) and, for a measurement, its value and unit."),
        step!(Then r#"^the entry shows who recorded it, and when$"# => provenance, "In the entry found: who recorded it — a problem's asserter, an allergy's recorder, a consultation's REC participant — is the Practitioner with the recorder's SDS user id; the clinician — an allergy's asserter, an observation's performer, a consultation's PPRF participant — the clinician's; when it was recorded (assertedDate, issued) is to the second with a zone, within the action's time; a consultation's serviceProvider is the practice."),
        step!(Then r#"^the entry is named as SNOMED CT names it$"# => named_as_snomed, "In the entry found: the SNOMED CT coding of the code entered carries the display the test data's terminology gives that concept."),
        step!(Then r#"^the structured record of "([^"]+)" does not show the entry$"# => not_shown, "Reads the patient's record through Access Record Structured (evidence kept): no entry of the type is at the entry's time."),
        step!(Then r#"^the structured record of "([^"]+)" withholds the entry as confidential$"# => withheld, "Reads the patient's record through Access Record Structured (evidence kept): the entry is not there, and the list it belongs in carries the confidential-items warning (GP Connect's ListWarningCode) and the note text GP Connect pairs with it."),
    ]
}

fn asked(w: &RfaWorld) -> Result<&crate::steps::world::AskedEntry, Failure> {
    w.rec.asked.as_ref().ok_or_else(|| {
        Failure::Harness(
            "no entry to record was begun earlier in this scenario (use `Given a Condition to record for ...`)".into(),
        )
    })
}

fn asked_mut(w: &mut RfaWorld) -> Result<&mut crate::steps::world::AskedEntry, Failure> {
    w.rec.asked.as_mut().ok_or_else(|| Failure::Harness("no entry to record was begun earlier in this scenario".into()))
}

/// The clinician's word for each type, as the trigger's `kind` says it.
fn kind(ty: EntryType) -> &'static str {
    match ty {
        EntryType::Condition => "problem",
        EntryType::Observation => "observation",
        EntryType::AllergyIntolerance => "allergy",
        EntryType::Encounter => "consultation",
    }
}

/// A time no other scenario records at: a second in 2001 (in +01:00),
/// chosen by the scenario's fresh identifier, so that a candidate holding
/// entries of earlier runs still shows exactly one entry at it — and
/// re-judging, which rebuilds the identifier, chooses the same second.
pub(crate) fn own_time(w: &mut RfaWorld) -> String {
    let id = keys::fresh_identifier(w);
    let digest = Sha256::digest(id.as_bytes());
    let n = digest.iter().take(8).fold(0u64, |a, b| (a << 8) | u64::from(*b));
    let offset = time::UtcOffset::from_hms(1, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let start = time::macros::datetime!(2001-01-01 00:00:00 +01:00);
    let at = (start + time::Duration::seconds((n % (364 * 86_400)) as i64)).to_offset(offset);
    at.format(&Rfc3339).unwrap_or_else(|_| "2001-06-01T10:30:17+01:00".into())
}

async fn to_record(w: &mut RfaWorld, a: &Args) -> StepResult {
    let ty = EntryType::from_name(a.get(1)).unwrap_or(EntryType::Condition);
    let patient = a.get(2).to_string();
    let nhs = keys::nhs(w, &patient)?;
    // Looking the patient up first, as a clinician opens the record, also
    // gives the scenario the trace id its own time is drawn from.
    keys::logical_id(w, &patient).await?;
    let clinician = keys::sds(w, CLINICIAN)?;
    let (code, display, status) = match ty {
        EntryType::Condition => ("195967001", "Asthma", "active"),
        EntryType::Observation => ("27113001", "Body weight", "final"),
        EntryType::AllergyIntolerance => ("91936005", "Allergy to penicillin", "active"),
        EntryType::Encounter => ("185317003", "Telephone encounter", "finished"),
    };
    let mut params: Vec<(String, String)> = vec![
        ("kind".into(), kind(ty).into()),
        ("patient".into(), nhs),
        ("code".into(), code.into()),
        ("display".into(), display.into()),
        ("time".into(), own_time(w)),
        ("status".into(), status.into()),
        ("clinician".into(), clinician.clone()),
        ("recorder".into(), clinician),
    ];
    if ty == EntryType::Observation {
        params.push(("value".into(), "72.5".into()));
        params.push(("unit".into(), "kg".into()));
    }
    w.rec.asked = Some(crate::steps::world::AskedEntry { ty, patient, params, trigger: None, found: None });
    Ok(())
}

/// The trigger's name for a parameter the feature names in words.
fn param_name(words: &str) -> &str {
    match words {
        "code system" => "codeSystem",
        "unit system" => "unitSystem",
        other => other,
    }
}

fn set(entry: &mut crate::steps::world::AskedEntry, name: &str, value: String) {
    entry.params.retain(|(k, _)| k != name);
    entry.params.push((name.to_string(), value));
}

async fn set_param(w: &mut RfaWorld, a: &Args) -> StepResult {
    let name = param_name(a.get(1));
    let raw = a.get(2);
    let value = match name {
        "clinician" | "recorder" => keys::sds(w, raw).unwrap_or_else(|_| raw.to_string()),
        "patient" => keys::nhs(w, raw).unwrap_or_else(|_| raw.to_string()),
        _ => raw.to_string(),
    };
    set(asked_mut(w)?, name, value);
    Ok(())
}

async fn shift_time(w: &mut RfaWorld, a: &Args) -> StepResult {
    let entry = asked_mut(w)?;
    let own = param(entry, "time").unwrap_or_default().to_string();
    let at = OffsetDateTime::parse(&own, &Rfc3339)
        .map_err(|_| Failure::Harness(format!("the time to record `{own}` is not one the harness chose")))?;
    let moved = match a.get(1) {
        "in UTC" => at.to_offset(time::UtcOffset::UTC),
        "yesterday" => {
            let yesterday = crate::support::clock::today() - time::Duration::days(1);
            at.replace_date(yesterday)
        }
        _ => at.replace_year(at.year() + 998).map_err(|e| Failure::Harness(format!("{e}")))?,
    };
    let text = moved.format(&Rfc3339).map_err(|e| Failure::Harness(format!("{e}")))?;
    set(entry, "time", text);
    Ok(())
}

async fn concept_by_code(w: &mut RfaWorld, a: &Args) -> StepResult {
    let concept = crate::medicines::terminology().by_display(a.get(1)).ok_or_else(|| {
        Failure::Harness(format!(
            "`{}` is not a concept of the test data's terminology (fixtures/terminology.json)",
            a.get(1)
        ))
    })?;
    let entry = asked_mut(w)?;
    set(entry, "code", concept.code.clone());
    entry.params.retain(|(k, _)| k != "display" && k != "codeSystem");
    Ok(())
}

async fn leave_out(w: &mut RfaWorld, a: &Args) -> StepResult {
    let name = param_name(a.get(1)).to_string();
    asked_mut(w)?.params.retain(|(k, _)| *k != name);
    Ok(())
}

async fn restricted(w: &mut RfaWorld, _: &Args) -> StepResult {
    set(asked_mut(w)?, "restricted", "true".into());
    Ok(())
}

async fn ask(w: &mut RfaWorld, _: &Args) -> StepResult {
    let params = asked(w)?.params.clone();
    crate::steps::consumer::act_in_record(w, "record-entry", params).await?;
    let index = w.exchanges.len().checked_sub(1);
    asked_mut(w)?.trigger = index;
    Ok(())
}

/// What identifies the recorded entry on screen, and who acts.
fn finding(entry: &crate::steps::world::AskedEntry) -> Vec<(String, String)> {
    ["kind", "patient", "time", "recorder"]
        .iter()
        .filter_map(|k| param(entry, k).map(|v| (k.to_string(), v.to_string())))
        .collect()
}

async fn ask_amend(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, value) = (a.get(1).to_string(), a.get(2).to_string());
    let entry = asked_mut(w)?;
    let mut params = finding(entry);
    params.push((name.clone(), value.clone()));
    set(entry, &name, value);
    crate::steps::consumer::act_in_record(w, "amend-entry", params).await
}

async fn ask_in_error(w: &mut RfaWorld, _: &Args) -> StepResult {
    let mut params = finding(asked(w)?);
    params.push(("enteredInError".into(), "true".into()));
    crate::steps::consumer::act_in_record(w, "amend-entry", params).await
}

fn param<'a>(entry: &'a crate::steps::world::AskedEntry, name: &str) -> Option<&'a str> {
    entry.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The request for the part of the record the type lives in.
fn section_request(nhs: &str, ty: EntryType) -> RequestSpec {
    let part = match ty {
        EntryType::Condition => json!({ "name": "includeProblems" }),
        EntryType::Observation => json!({ "name": "includeUncategorisedData" }),
        EntryType::AllergyIntolerance => json!({
            "name": "includeAllergies",
            "part": [{ "name": "includeResolvedAllergies", "valueBoolean": true }]
        }),
        EntryType::Encounter => json!({ "name": "includeConsultations" }),
    };
    let body = json!({
        "resourceType": "Parameters",
        "parameter": [
            { "name": "patientNHSNumber", "valueIdentifier": { "system": gpc::NHS_NUMBER_SYSTEM, "value": nhs } },
            part
        ]
    });
    RequestSpec::post(Interaction::GetStructuredRecord, "Patient/$gpc.getstructuredrecord", body.to_string())
}

/// Where GP Connect puts the time an entry is about.
fn clinical_time(ty: EntryType) -> &'static str {
    match ty {
        EntryType::Condition | EntryType::AllergyIntolerance => "/onsetDateTime",
        EntryType::Observation => "/effectiveDateTime",
        EntryType::Encounter => "/period/start",
    }
}

/// Every resource of the Bundle, those contained in its Lists too (GP
/// Connect contains ended allergies in their List).
fn resources(bundle: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for r in bundle.get("entry").and_then(Value::as_array).into_iter().flatten().filter_map(|e| e.get("resource")) {
        out.push(r);
        out.extend(r.get("contained").and_then(Value::as_array).into_iter().flatten());
    }
    out
}

fn same_instant(a: Option<&str>, b: Option<&str>) -> bool {
    match (a.map(|x| OffsetDateTime::parse(x, &Rfc3339)), b.map(|x| OffsetDateTime::parse(x, &Rfc3339))) {
        (Some(Ok(x)), Some(Ok(y))) => x == y,
        _ => false,
    }
}

/// Reads the patient's record for the entry's type; the Bundle and the
/// resources of the type at the entry's time.
pub(crate) async fn read_back(w: &mut RfaWorld, key: &str) -> Result<(Value, Vec<Value>), Failure> {
    let entry = asked(w)?.clone();
    let nhs = keys::nhs(w, key)?;
    let resp = w.send_as_practice(&section_request(&nhs, entry.ty)).await?;
    let bundle = match (resp.status, resp.json()) {
        (200, Ok(b)) if b.as_resource().resource_type() == Some("Bundle") => b,
        (status, _) => {
            return w.fail(format!(
                "reading the structured record of \"{key}\" should answer 200 with a Bundle, it answered HTTP {status}"
            ));
        }
    };
    let time = param(&entry, "time");
    let at: Vec<Value> = resources(&bundle)
        .into_iter()
        .filter(|r| r.as_resource().resource_type() == Some(entry.ty.name()))
        .filter(|r| same_instant(r.pointer(clinical_time(entry.ty)).and_then(Value::as_str), time))
        .cloned()
        .collect();
    Ok((bundle, at))
}

fn coded(r: &Value, ty: EntryType) -> Option<(String, String)> {
    let concept = if ty == EntryType::Encounter { r.pointer("/type/0") } else { r.get("code") };
    let c = concept?.pointer("/coding/0")?;
    Some((c.get("system")?.as_str()?.to_string(), c.get("code")?.as_str()?.to_string()))
}

/// The status GP Connect gives for what was entered: a problem is active or
/// inactive (GP Connect 1.6, Problems: clinicalStatus).
fn status_shown(ty: EntryType, entered: &str) -> String {
    match (ty, entered) {
        (EntryType::Condition, "active" | "recurrence") => "active".into(),
        (EntryType::Condition, _) => "inactive".into(),
        (_, s) => s.to_string(),
    }
}

async fn shows(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (bundle, at) = read_back(w, a.get(1)).await?;
    let entry = asked(w)?.clone();
    let time = param(&entry, "time").unwrap_or_default().to_string();
    let ty = entry.ty;
    let found = match at.as_slice() {
        [one] => one.clone(),
        [] => {
            return w.fail(format!(
                "the structured record of \"{}\" shows no {} at {time} (the time the entry was entered for)",
                a.get(1),
                ty.name()
            ));
        }
        many => {
            return w.fail(format!(
                "the structured record shows {} {}s at {time}; one was entered",
                many.len(),
                ty.name()
            ));
        }
    };
    let want_code = (
        param(&entry, "codeSystem").unwrap_or(gpc::SNOMED_SYSTEM).to_string(),
        param(&entry, "code").unwrap_or_default().to_string(),
    );
    if coded(&found, ty).as_ref() != Some(&want_code) {
        return w.fail(format!(
            "the {} at {time} should be coded {}|{}, it is {:?}",
            ty.name(),
            want_code.0,
            want_code.1,
            coded(&found, ty)
        ));
    }
    let status_path =
        if ty == EntryType::Condition || ty == EntryType::AllergyIntolerance { "/clinicalStatus" } else { "/status" };
    let want_status = status_shown(ty, param(&entry, "status").unwrap_or_default());
    let got_status = found.pointer(status_path).and_then(Value::as_str).unwrap_or_default();
    if got_status != want_status {
        return w.fail(format!("the {} at {time} should be {want_status}, it is `{got_status}`", ty.name()));
    }
    if let Some(value) = param(&entry, "value") {
        let want: f64 = value.parse().map_err(|_| Failure::Harness(format!("the value `{value}` is not a number")))?;
        let q = found.get("valueQuantity").cloned().unwrap_or(Value::Null);
        let unit = param(&entry, "unit").unwrap_or_default();
        if q.get("value").and_then(Value::as_f64) != Some(want)
            || q.get("code").and_then(Value::as_str) != Some(unit)
            || q.get("system").and_then(Value::as_str) != Some(gpc::UCUM_SYSTEM)
        {
            return w.fail(format!("the measurement should be {value} {unit} (UCUM), it is {q}"));
        }
    }
    asked_mut(w)?.found = Some((found, bundle));
    Ok(())
}

/// The business identifier (of this system) of the resource a reference
/// points at in the Bundle.
fn identifier_of(bundle: &Value, reference: Option<&str>, system: &str) -> Option<String> {
    let reference = reference?;
    let target = resources(bundle).into_iter().find(|r| {
        r.as_resource().resource_type().zip(r.as_resource().id()).map(|(t, i)| format!("{t}/{i}")).as_deref()
            == Some(reference)
    })?;
    target.as_resource().identifier_values(system).first().map(|v| v.to_string())
}

/// The individual of the consultation's participant of this type.
fn participant<'a>(r: &'a Value, code: &str) -> Option<&'a str> {
    r.get("participant")?.as_array()?.iter().find_map(|p| {
        let typed = p
            .pointer("/type/0/coding")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|c| c.get("code").and_then(Value::as_str) == Some(code));
        typed.then(|| p.pointer("/individual/reference").and_then(Value::as_str)).flatten()
    })
}

async fn provenance(w: &mut RfaWorld, _: &Args) -> StepResult {
    let entry = asked(w)?.clone();
    let Some((found, bundle)) = entry.found.clone() else {
        return Err(Failure::Harness("no entry was found in the structured record before this check".into()));
    };
    let ty = entry.ty;
    let sds = |r: Option<&str>| identifier_of(&bundle, r, gpc::SDS_USER_SYSTEM);
    let text = |p: &str| found.pointer(p).and_then(Value::as_str);
    // Who GP Connect shows for each type: a problem names only its recorder
    // (asserter), an observation only its clinician (performer).
    let (people, recorded_at) = match ty {
        EntryType::Condition => (vec![("recorder", text("/asserter/reference"))], Some("/assertedDate")),
        EntryType::AllergyIntolerance => (
            vec![("recorder", text("/recorder/reference")), ("clinician", text("/asserter/reference"))],
            Some("/assertedDate"),
        ),
        EntryType::Observation => (vec![("clinician", text("/performer/0/reference"))], Some("/issued")),
        EntryType::Encounter => {
            (vec![("recorder", participant(&found, "REC")), ("clinician", participant(&found, "PPRF"))], None)
        }
    };
    for (role, at) in people {
        let want = param(&entry, role).unwrap_or_default();
        if sds(at).as_deref() != Some(want) {
            let what = if role == "recorder" { "who recorded" } else { "the clinician of" };
            return w.fail(format!(
                "{what} the {} should be the Practitioner with SDS user id {want}; it is {at:?} ({:?})",
                ty.name(),
                sds(at)
            ));
        }
    }
    if let Some(p) = recorded_at {
        let when = text(p).unwrap_or_default().to_string();
        let Ok(stamp) = OffsetDateTime::parse(&when, &Rfc3339) else {
            return w.fail(format!(
                "{}{} should be when it was recorded, to the second with a zone; it is `{when}`",
                ty.name(),
                p.replace('/', ".")
            ));
        };
        let sent = entry
            .trigger
            .and_then(|i| w.exchanges.get(i))
            .map(|x| x.started.clone())
            .ok_or_else(|| Failure::Harness("the action's request was not recorded".into()))?;
        if let Err(why) = crate::steps::common::stamps::stamped_near(&sent, stamp) {
            return w.fail(format!(
                "{}{} should be when the entry was recorded: {why}",
                ty.name(),
                p.replace('/', ".")
            ));
        }
    }
    if ty == EntryType::Encounter {
        let practice = keys::ods(w, PRACTICE)?;
        let provider = text("/serviceProvider/reference");
        let ods = identifier_of(&bundle, provider, gpc::ODS_ORGANIZATION_SYSTEM);
        if ods.as_deref() != Some(practice.as_str()) {
            return w.fail(format!(
                "the consultation's serviceProvider should be the practice ({practice}); it is {provider:?} ({ods:?})"
            ));
        }
    }
    Ok(())
}

async fn named_as_snomed(w: &mut RfaWorld, _: &Args) -> StepResult {
    let entry = asked(w)?.clone();
    let Some((found, _)) = entry.found.clone() else {
        return Err(Failure::Harness("no entry was found in the structured record before this check".into()));
    };
    let code = param(&entry, "code").unwrap_or_default();
    let want = crate::medicines::terminology()
        .concept(code)
        .map(|c| c.display.clone())
        .ok_or_else(|| Failure::Harness(format!("{code} is not a concept of the test data's terminology")))?;
    let concept = if entry.ty == EntryType::Encounter { found.pointer("/type/0") } else { found.get("code") };
    let display = concept
        .and_then(|c| c.get("coding"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| {
            c.get("system").and_then(Value::as_str) == Some(gpc::SNOMED_SYSTEM)
                && c.get("code").and_then(Value::as_str) == Some(code)
        })
        .and_then(|c| c.get("display"))
        .and_then(Value::as_str);
    if display != Some(want.as_str()) {
        return w.fail(format!(
            "the {} coded {code} should be named `{want}`, as SNOMED CT names it; it is named {display:?}",
            entry.ty.name()
        ));
    }
    Ok(())
}

async fn not_shown(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, at) = read_back(w, a.get(1)).await?;
    let entry = asked(w)?;
    if let Some(r) = at.first() {
        let (ty, time) = (entry.ty.name(), param(entry, "time").unwrap_or_default().to_string());
        let id = r.as_resource().id().unwrap_or_default().to_string();
        return w.fail(format!(
            "the structured record of \"{}\" shows {ty}/{id} at {time}, where it should show nothing",
            a.get(1)
        ));
    }
    Ok(())
}

/// The primary list each type is listed in (GP Connect's list codes).
fn list_code(ty: EntryType) -> &'static str {
    match ty {
        EntryType::Condition => "717711000000103",
        EntryType::Observation => "826501000000100",
        EntryType::AllergyIntolerance => "886921000000105",
        EntryType::Encounter => "1149501000000101",
    }
}

async fn withheld(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (bundle, at) = read_back(w, a.get(1)).await?;
    let ty = asked(w)?.ty;
    if !at.is_empty() {
        return w.fail(format!("the restricted {} is shown in the structured record", ty.name()));
    }
    // The list it belongs in warns, as GP Connect words the warning (the
    // same check as the structured record's own rules).
    let list = resources(&bundle)
        .into_iter()
        .filter(|r| r.as_resource().resource_type() == Some("List"))
        .find(|l| l.pointer("/code/coding/0/code").and_then(Value::as_str) == Some(list_code(ty)))
        .cloned();
    match list {
        Some(l) => crate::steps::inf::record::check_warning(w, &l, "confidential-items")?,
        None => return w.fail(format!("the structured record holds no list of the patient's {}s", ty.name())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_instant_in_another_zone_is_the_same_time() {
        assert!(same_instant(Some("2001-06-01T10:30:17+01:00"), Some("2001-06-01T09:30:17Z")));
        assert!(!same_instant(Some("2001-06-01T10:30:17+01:00"), Some("2001-06-01T10:30:17Z")));
        assert!(!same_instant(Some("2001-06-01"), Some("2001-06-01")));
        assert!(!same_instant(None, Some("2001-06-01T09:30:17Z")));
    }

    #[test]
    fn a_problem_entered_resolved_reads_back_inactive() {
        assert_eq!(status_shown(EntryType::Condition, "resolved"), "inactive");
        assert_eq!(status_shown(EntryType::Condition, "active"), "active");
        assert_eq!(status_shown(EntryType::AllergyIntolerance, "resolved"), "resolved");
    }
}
