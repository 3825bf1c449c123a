//! Electronic prescribing (`EPS`, profile §28): the practice prescribes a
//! dm+d product as a MedicationRequest; the reference checks it as EPS and
//! the Misuse of Drugs Regulations would, consults its knowledge base
//! (`knw`), gives it an EPS short-form prescription ID, and keeps it
//! for dispensing (`dsp`) and cancellation.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::Date;

use crate::fhir::gpc::{self, Interaction};
use crate::medicines::{self, Concept};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::eps::book::{Kind, Prescription, set_extension};
use crate::reference::eps::defects::EpsDefect;
use crate::reference::knw;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome, reference_id, resource_of, with_location};
use crate::support::clock;

pub(in crate::reference) fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

fn date_of(v: Option<&Value>) -> Option<Date> {
    v.and_then(Value::as_str).and_then(|t| t.get(..10)).and_then(clock::parse_date)
}

/// Whether an ODS code has the form ODS gives them: three to eight upper
/// case letters and digits.
fn ods_shaped(code: &str) -> bool {
    (3..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The patient's prescriptions still live, for the knowledge base's checks.
fn live(s: &State, patient: &str) -> Vec<knw::Issued> {
    let today = clock::today();
    crate::reference::locked(&s.prescriptions.inner)
        .of_patient(patient)
        .filter(|p| p.cancelled.is_none() && !p.fully_dispensed() && !p.expired(today))
        .map(|p| knw::Issued { id: p.id.clone(), code: p.code.clone() })
        .collect()
}

/// The medication a request names, checked against the knowledge base.
pub(in crate::reference) fn medication<'a>(s: &State, r: &Value) -> Result<&'a Concept, Outcome> {
    let d = |x| s.defects.has(x);
    let coding = r.pointer("/medicationCodeableConcept/coding/0");
    let system = coding.and_then(|c| c.get("system")).and_then(Value::as_str).unwrap_or_default();
    let code = coding.and_then(|c| c.get("code")).and_then(Value::as_str).unwrap_or_default();
    // Under `code-read-as-number` the code is read as a number, as a system
    // keeping concept ids in an integer column would: a leading zero falls
    // away, and what is left may be a concept it holds.
    let as_number = code.parse::<u64>().ok().filter(|_| d(EpsDefect::CodeReadAsNumber)).map(|n| n.to_string());
    let code = as_number.as_deref().unwrap_or(code);
    if system != gpc::SNOMED_SYSTEM && !d(EpsDefect::PrescribingNoCheckDigit) {
        return Err(invalid(format!("the medication must be coded in dm+d ({}), not `{system}`", gpc::SNOMED_SYSTEM)));
    }
    if let Err(e) = crate::terminology::check_concept_id(code)
        && !d(EpsDefect::PrescribingNoCheckDigit)
    {
        return Err(invalid(format!("`{code}` is not a dm+d code: {e}")));
    }
    let t = medicines::terminology();
    let lenient_unknown = d(EpsDefect::PrescribesUnknownCode);
    // A lenient candidate takes an unknown code for a product it knows.
    let fallback = || t.by_display("Paracetamol 500mg tablets");
    let Some(concept) = t.concept(code).or_else(|| if lenient_unknown { fallback() } else { None }) else {
        return Err(invalid(format!("`{code}` is not a dm+d product the knowledge base knows")));
    };
    if !concept.active && !d(EpsDefect::PrescribesInactiveCode) {
        return Err(invalid(format!("`{code}` ({}) is no longer valid in dm+d", concept.display)));
    }
    if !concept.class.prescribable() && !d(EpsDefect::PrescribesVtm) {
        return Err(invalid(format!(
            "`{code}` ({}) is a {}, not a product: prescribe a VMP or AMP",
            concept.display,
            concept.class.code()
        )));
    }
    Ok(concept)
}

pub async fn create(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    prescribe(&s, &headers, &body).unwrap_or_else(|o| {
        keep_refused(&s, &headers, &body);
        o.into_response()
    })
}

/// Under the `keeps-refused-prescription` defect: an admitted prescription
/// is written to the patient's prescriptions before it is checked, and a
/// refusal does not take it out again.
fn keep_refused(s: &State, headers: &HeaderMap, body: &Bytes) {
    if !s.defects.has(EpsDefect::KeepsRefusedPrescription)
        || guard::check(s, headers, Interaction::CreatePrescription).is_err()
    {
        return;
    }
    let Ok(sent) = resource_of(body, "MedicationRequest") else { return };
    let id = uuid::Uuid::new_v4().to_string();
    let today = clock::today();
    let mut r = sent.clone();
    r["id"] = json!(id);
    r["authoredOn"] = json!(crate::reference::instant(clock::now()));
    r["identifier"] = json!([{ "system": gpc::PRESCRIPTION_ITEM_SYSTEM, "value": uuid::Uuid::new_v4().to_string() }]);
    let text = |p: &str| sent.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    let p = Prescription {
        id,
        patient: reference_id(&sent, "/subject/reference", "Patient").unwrap_or_default().to_string(),
        code: text("/medicationCodeableConcept/coding/0/code"),
        quantity: sent.pointer("/dispenseRequest/quantity/value").and_then(Value::as_f64).unwrap_or(0.0),
        unit: text("/dispenseRequest/quantity/unit"),
        kind: gpc::extension_code(&sent, gpc::PRESCRIPTION_TYPE_EXTENSION).and_then(Kind::parse).unwrap_or(Kind::Acute),
        repeats: 0,
        nominated: None,
        valid_until: clock::add_months(today, 6),
        dispensed: Vec::new(),
        cancelled: None,
        version: 1,
        resource: r,
    };
    crate::reference::locked(&s.prescriptions.inner).push(p);
}

/// The daily dose in units of presentation, from the structured dose.
fn daily_dose(dosage: &Value) -> Option<f64> {
    let dose = dosage.pointer("/doseQuantity/value").and_then(Value::as_f64)?;
    let repeat = dosage.pointer("/timing/repeat")?;
    let frequency = repeat.get("frequency").and_then(Value::as_f64)?;
    let period = repeat.get("period").and_then(Value::as_f64)?;
    let days = match repeat.get("periodUnit").and_then(Value::as_str)? {
        "h" => period / 24.0,
        "d" => period,
        "wk" => period * 7.0,
        _ => return None,
    };
    (dose > 0.0 && frequency > 0.0 && days > 0.0).then(|| dose * frequency / days)
}

fn prescribe(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    guard::check(s, headers, Interaction::CreatePrescription)?;
    let sent = resource_of(body, "MedicationRequest")?;
    let (id, view) = admit(s, &sent, Via::Api)?;
    let resp = Fhir { status: StatusCode::CREATED, etag: Some("W/\"1\"".into()), body: view }.into_response();
    Ok(with_location(resp, headers, &s.base_path, "MedicationRequest", &id))
}

/// How a prescription came to be issued: through the extension's API, or
/// asked through the trigger (which reuses IDs, under the
/// `short-form-id-reused` defect, only among what it sent one EPS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::reference) enum Via {
    Api,
    Trigger,
}

/// Checks a prescription as EPS, the Misuse of Drugs Regulations and the
/// knowledge base would, and issues it: kept among the patient's
/// prescriptions, answered as its id and the resource as it now reads.
/// Both ways of prescribing come here: the extension's `POST
/// MedicationRequest` and the trigger's `issue-prescription` (which then
/// sends it to EPS), so the two judge a prescription alike.
pub(in crate::reference) fn admit(s: &State, sent: &Value, via: Via) -> Result<(String, Value), Outcome> {
    let d = |x| s.defects.has(x);
    if sent.get("intent").and_then(Value::as_str) != Some("order") {
        return Err(invalid("a prescription is a MedicationRequest with intent order"));
    }
    let patient_id = reference_id(sent, "/subject/reference", "Patient").unwrap_or_default().to_string();
    let registered = s.store.by_id(&patient_id).filter(|p| p.is_active());
    if registered.is_none() && !d(EpsDefect::PrescribesForUnknownPatient) {
        return Err(invalid(format!("Patient/{patient_id} is not a patient registered here")));
    }
    let concept = medication(s, sent)?;
    let dosage = sent.pointer("/dosageInstruction/0").cloned().unwrap_or(Value::Null);
    let text = dosage.get("text").and_then(Value::as_str).unwrap_or_default();
    if text.trim().is_empty() && !d(EpsDefect::AcceptsMissingDosageText) {
        return Err(invalid("dosageInstruction.text is required: the dosage as the patient's label reads"));
    }
    let per_day = daily_dose(&dosage);
    if per_day.is_none() && !d(EpsDefect::AcceptsUnstructuredDose) {
        return Err(invalid(
            "a structured dose is required: dosageInstruction.doseQuantity and timing.repeat (frequency, period, periodUnit h, d or wk)",
        ));
    }
    let quantity = sent.pointer("/dispenseRequest/quantity/value").and_then(Value::as_f64).unwrap_or(0.0);
    if quantity <= 0.0 && !d(EpsDefect::AcceptsMissingQuantity) {
        return Err(invalid("dispenseRequest.quantity must be a positive quantity"));
    }
    let unit = sent.pointer("/dispenseRequest/quantity/unit").and_then(Value::as_str).unwrap_or_default();
    let product_unit = concept.unit.as_deref().unwrap_or(unit);
    if unit != product_unit && !d(EpsDefect::AcceptsAnyQuantityUnit) {
        return Err(invalid(format!("{} is counted in `{product_unit}`, not `{unit}`", concept.display)));
    }
    let agent = sent.pointer("/requester/agent/identifier");
    let prescriber = (
        agent.and_then(|i| i.get("system")).and_then(Value::as_str),
        agent.and_then(|i| i.get("value")).and_then(Value::as_str).unwrap_or_default(),
    );
    let known = prescriber.0 == Some(gpc::SDS_USER_SYSTEM)
        && s.store.practitioners.iter().any(|p| p.business_id.as_deref() == Some(prescriber.1));
    if !known && !d(EpsDefect::AcceptsAnyPrescriber) {
        return Err(invalid(format!(
            "the prescriber must be named by the SDS user id ({}) of a practitioner here",
            gpc::SDS_USER_SYSTEM
        )));
    }
    let nomination = sent.pointer("/dispenseRequest/performer/identifier");
    let nominated = match nomination {
        None => None,
        Some(i) => {
            let system = i.get("system").and_then(Value::as_str);
            let code = i.get("value").and_then(Value::as_str).unwrap_or_default();
            if (system != Some(gpc::ODS_ORGANIZATION_SYSTEM) || !ods_shaped(code))
                && !d(EpsDefect::AcceptsMalformedNomination)
            {
                return Err(invalid(format!(
                    "the nominated dispenser must be an ODS code ({}), three to eight letters and digits; `{code}` is not",
                    gpc::ODS_ORGANIZATION_SYSTEM
                )));
            }
            Some(code.to_string())
        }
    };
    let nominated = nominated.filter(|_| !d(EpsDefect::NominationNotKept));
    let form =
        gpc::extension(sent, gpc::PRESCRIPTION_FORM_EXTENSION).and_then(|e| e.get("valueCode")).and_then(Value::as_str);
    let paper = form == Some("paper");
    if paper && !d(EpsDefect::AllowsPaperPrescriptions) {
        return Err(invalid(
            "the patient can receive electronic prescriptions (EPS): a paper-only prescription is refused",
        ));
    }
    if form.is_some_and(|f| f != "paper" && f != "electronic") {
        return Err(invalid("the prescription form is `electronic` or `paper`"));
    }
    let type_code = gpc::extension_code(sent, gpc::PRESCRIPTION_TYPE_EXTENSION);
    let kind = match type_code.and_then(Kind::parse) {
        Some(k) => k,
        None if d(EpsDefect::AcceptsMissingPrescriptionType) => Kind::Acute,
        None => {
            return Err(invalid(
                "the prescription type (acute, repeat or repeat-dispensing) is required in Extension-CareConnect-GPC-PrescriptionType-1",
            ));
        }
    };
    let repeats_sent = sent.pointer("/dispenseRequest/numberOfRepeatsAllowed");
    let repeats = repeats_sent.and_then(Value::as_u64).unwrap_or(0) as u32;
    match kind {
        Kind::Acute if repeats > 0 && !d(EpsDefect::AcuteWithRepeats) => {
            return Err(invalid("an acute prescription is issued once: numberOfRepeatsAllowed must be 0 or absent"));
        }
        Kind::Repeat if repeats == 0 && !d(EpsDefect::RepeatWithoutIssues) => {
            return Err(invalid("a repeat authorises one or more further issues: numberOfRepeatsAllowed ≥ 1"));
        }
        Kind::RepeatDispensing if repeats == 0 && !d(EpsDefect::RepeatDispensingUnbounded) => {
            return Err(invalid("a repeat-dispensing prescription has further issues: numberOfRepeatsAllowed ≥ 1"));
        }
        _ => {}
    }
    if concept.needs_words() || (concept.schedule.is_some() && d(EpsDefect::WordsForEveryDrug)) {
        let words = gpc::extension(sent, gpc::CONTROLLED_DRUG_EXTENSION)
            .and_then(|cd| gpc::extension(cd, "quantityWords"))
            .and_then(|x| x.get("valueString"))
            .and_then(Value::as_str);
        match words {
            None if !d(EpsDefect::CdWithoutWords) => {
                return Err(invalid(format!(
                    "{} is a Schedule {} controlled drug: the total quantity is required in words as well as figures",
                    concept.display,
                    concept.schedule.unwrap_or_default()
                )));
            }
            Some(w)
                if (quantity.fract() != 0.0
                    || medicines::normalise_words(w) != medicines::in_words(quantity as u32)
                    || (d(EpsDefect::CdWordsCaseSensitive) && w.chars().any(char::is_uppercase)))
                    && !d(EpsDefect::CdWordsUnchecked) =>
            {
                return Err(invalid(format!("the quantity in words `{w}` does not say {quantity}")));
            }
            _ => {}
        }
        if kind == Kind::RepeatDispensing && concept.needs_words() && !d(EpsDefect::CdRepeatDispensing) {
            return Err(invalid(format!(
                "{} is a Schedule {} controlled drug: it cannot be prescribed on a repeatable (repeat-dispensing) prescription",
                concept.display,
                concept.schedule.unwrap_or_default()
            )));
        }
    }
    if concept.short_validity()
        && let Some(per_day) = per_day
        && quantity / per_day > 30.0 + 1e-9
        && !d(EpsDefect::CdAnySupply)
    {
        return Err(invalid(format!(
            "{} is a Schedule {} controlled drug: at most 30 days' supply; {quantity} {unit} at this dose lasts {:.0} days",
            concept.display,
            concept.schedule.unwrap_or_default(),
            quantity / per_day
        )));
    }
    let today = clock::today();
    let start = date_of(sent.pointer("/dispenseRequest/validityPeriod/start")).unwrap_or(today);
    if start < today && !d(EpsDefect::AcceptsLongValidity) {
        return Err(invalid("a prescription's validity cannot start before today (it would be issued part-spent)"));
    }
    let sent_end = date_of(sent.pointer("/dispenseRequest/validityPeriod/end"));
    let short = concept.short_validity() && !d(EpsDefect::CdLongValidity);
    let (limit, what) = match kind {
        Kind::RepeatDispensing => (clock::add_months(start, 12), "12 months (repeat dispensing)"),
        _ if short => (start + time::Duration::days(28), "28 days (Schedule 2, 3 and 4 controlled drugs)"),
        _ => (clock::add_months(start, 6), "6 months"),
    };
    let end = match (kind, sent_end) {
        (Kind::RepeatDispensing, None) if !d(EpsDefect::RepeatDispensingUnbounded) => {
            return Err(invalid("a repeat-dispensing prescription needs dispenseRequest.validityPeriod.end"));
        }
        (_, Some(end)) if end < start => return Err(invalid("the validity period ends before it starts")),
        (k, Some(end))
            if end > limit
                && !d(EpsDefect::AcceptsLongValidity)
                && !(k == Kind::RepeatDispensing && d(EpsDefect::RepeatDispensingUnbounded)) =>
        {
            return Err(invalid(format!("a prescription is valid for at most {what} from its start")));
        }
        (_, Some(end)) => end,
        (_, None) => limit,
    };
    let override_reason = gpc::extension(sent, gpc::ALERT_OVERRIDE_EXTENSION)
        .map(|e| e.get("valueString").and_then(Value::as_str).unwrap_or_default());
    if override_reason.is_some_and(|r| r.trim().is_empty()) && !d(EpsDefect::OverrideWithoutReason) {
        return Err(invalid("overriding an alert needs the prescriber's reason (a non-empty valueString)"));
    }
    let alerts = knw::alerts(s, &patient_id, concept, &live(s, &patient_id));
    let blocking: Vec<&knw::Alert> = alerts.iter().filter(|a| a.blocks(s)).collect();
    if !blocking.is_empty()
        && override_reason.is_none_or(|r| r.trim().is_empty() && !d(EpsDefect::OverrideWithoutReason))
    {
        let mut o = invalid(format!(
            "the knowledge base stops this prescription: {} (override with a reason to go ahead)",
            blocking.iter().map(|a| a.detail.as_str()).collect::<Vec<_>>().join("; ")
        ));
        let none = json!(null);
        o.contained = blocking
            .iter()
            .enumerate()
            .map(|(i, a)| a.detected_issue(&format!("alert{}", i + 1), &patient_id, None, &none))
            .collect();
        return Err(o);
    }

    let id = uuid::Uuid::new_v4().to_string();
    let mut r = sent.clone();
    if d(EpsDefect::PrescriptionTypeNotShown)
        && let Some(list) = r.get_mut("extension").and_then(Value::as_array_mut)
    {
        list.retain(|x| x.get("url").and_then(Value::as_str) != Some(gpc::PRESCRIPTION_TYPE_EXTENSION));
    }
    if d(EpsDefect::NominationNotKept)
        && let Some(request) = r.get_mut("dispenseRequest").and_then(Value::as_object_mut)
    {
        request.remove("performer");
    }
    r["id"] = json!(id);
    r["status"] = json!("active");
    r["authoredOn"] =
        if d(EpsDefect::OmitsAuthoredOn) { Value::Null } else { json!(crate::reference::instant(clock::now())) };
    let group = if nominated.is_none() && d(EpsDefect::UnnominatedGoesPaper) {
        None
    } else {
        Some(prescription_group_id(s, &patient_id, via))
    };
    if let Some(g) = group {
        r["groupIdentifier"] = json!({ "system": gpc::PRESCRIPTION_ORDER_SYSTEM, "value": g });
    }
    if d(EpsDefect::PrescriptionDropsDosage)
        && let Some(o) = r.pointer_mut("/dosageInstruction/0").and_then(Value::as_object_mut)
    {
        o.remove("text");
    }
    let item = uuid::Uuid::new_v4().to_string();
    r["identifier"] = json!([{ "system": gpc::PRESCRIPTION_ITEM_SYSTEM, "value": item }]);
    r["dispenseRequest"]["validityPeriod"] = json!({ "start": clock::ymd(start) });
    if !d(EpsDefect::NoExpiry) {
        r["dispenseRequest"]["validityPeriod"]["end"] = json!(clock::ymd(end));
    }
    let paper_form = paper || (nominated.is_none() && d(EpsDefect::UnnominatedGoesPaper));
    set_extension(
        &mut r,
        gpc::PRESCRIPTION_FORM_EXTENSION,
        json!({ "valueCode": if paper_form { "paper" } else { "electronic" } }),
    );
    if let Some(schedule) = concept.schedule {
        let mut cd = gpc::extension(sent, gpc::CONTROLLED_DRUG_EXTENSION).cloned().unwrap_or_else(|| json!({}));
        let mut sub: Vec<Value> = cd.get("extension").and_then(Value::as_array).cloned().unwrap_or_default();
        sub.retain(|x| x.get("url").and_then(Value::as_str) != Some("schedule"));
        sub.push(json!({ "url": "schedule", "valueCode": format!("CD{schedule}") }));
        cd["extension"] = json!(sub);
        cd.as_object_mut().map(|o| o.remove("url"));
        set_extension(&mut r, gpc::CONTROLLED_DRUG_EXTENSION, cd);
    }
    if let Some(o) = r.as_object_mut() {
        o.retain(|k, v| !(k == "authoredOn" && v.is_null()));
        if let Some(Value::Array(ext)) = o.get_mut("extension") {
            ext.retain(|e| e.get("url").and_then(Value::as_str) != Some(gpc::ALERT_OVERRIDE_EXTENSION));
        }
    }
    let recorded: Vec<&knw::Alert> = if d(EpsDefect::OverrideNotRecorded) {
        alerts.iter().filter(|a| !a.blocks(s)).collect()
    } else {
        alerts.iter().collect()
    };
    if !recorded.is_empty() {
        let author = json!({ "identifier": { "system": gpc::SDS_USER_SYSTEM, "value": prescriber.1 } });
        let contained: Vec<Value> = recorded
            .iter()
            .enumerate()
            .map(|(i, a)| a.detected_issue(&format!("alert{}", i + 1), &patient_id, override_reason, &author))
            .collect();
        r["detectedIssue"] =
            json!((1..=contained.len()).map(|i| json!({ "reference": format!("#alert{i}") })).collect::<Vec<_>>());
        r["contained"] = json!(contained);
    }
    let p = Prescription {
        id: id.clone(),
        patient: patient_id,
        code: concept.code.clone(),
        quantity,
        unit: unit.to_string(),
        kind,
        repeats,
        nominated,
        valid_until: end,
        dispensed: Vec::new(),
        cancelled: None,
        version: 1,
        resource: r,
    };
    let view = p.view(s);
    crate::reference::locked(&s.prescriptions.inner).push(p);
    Ok((id, view))
}

/// The short-form ID for a new prescription, or (defects) a worse one.
fn prescription_group_id(s: &State, patient: &str, via: Via) -> String {
    let d = |x| s.defects.has(x);
    if d(EpsDefect::ShortFormIdReused)
        && via == Via::Api
        && let Some(first) = crate::reference::locked(&s.prescriptions.inner)
            .of_patient(patient)
            .find(|p| !p.id.starts_with("expired-"))
            .and_then(|p| p.resource.pointer("/groupIdentifier/value").and_then(Value::as_str).map(str::to_string))
    {
        return first;
    }
    let ods = if d(EpsDefect::ShortFormIdWithoutOds) { "A1B2C3" } else { s.ods_code.as_str() };
    let id = s.prescriptions.short_form_id(ods);
    if d(EpsDefect::ShortFormIdBadCheck) {
        let mut chars: Vec<char> = id.chars().collect();
        if let Some(last) = chars.last_mut() {
            *last = if *last == 'X' { 'Y' } else { 'X' };
        }
        return chars.into_iter().collect();
    }
    id
}

pub async fn read(Extract(s): Extract<Arc<State>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::ReadPrescription) {
        return o.into_response();
    }
    let found = crate::reference::locked(&s.prescriptions.inner)
        .get(&id)
        .filter(|_| !s.defects.has(EpsDefect::PrescriptionsNotReadable))
        .map(|p| (p.read_view(&s), p.version));
    match found {
        Some((body, v)) => Fhir { status: StatusCode::OK, body, etag: Some(format!("W/\"{v}\"")) }.into_response(),
        None => {
            Outcome::new(SpineCode::NoRecordFound, format!("no prescription MedicationRequest/{id}")).into_response()
        }
    }
}

pub async fn search(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(o) = guard::check(&s, &headers, Interaction::SearchPrescriptions) {
        return o.into_response();
    }
    match find(&s, &params) {
        Ok(found) => {
            let total = found.len();
            Fhir::ok(crate::reference::searchset(found, total)).into_response()
        }
        Err(o) => o.into_response(),
    }
}

/// A search's date condition on authoredOn: `ge`, `gt`, `le`, `lt`, `eq`
/// or no prefix, then a date.
fn date_condition(v: &str) -> Option<(&str, Date)> {
    let (prefix, date) = match v.get(..2) {
        Some(p @ ("ge" | "gt" | "le" | "lt" | "eq")) => (p, &v[2..]),
        _ => ("eq", v),
    };
    clock::parse_date(date.get(..10)?).map(|d| (prefix, d))
}

/// The patient's prescriptions a search asks for: `patient` (required),
/// `identifier` (the short-form ID or the item's UUID, `system|value`) and
/// `authoredon` (repeatable, with prefixes).
fn find(s: &State, params: &[(String, String)]) -> Result<Vec<Value>, Outcome> {
    let search = "prescription search";
    let patient = crate::reference::search_params(
        params,
        search,
        &["patient", "identifier", "authoredon"],
        ("patient", "Patient"),
    )?;
    let values = |name: &'static str| params.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str());
    let identifier = values("identifier").next_back().map(|v| v.split_once('|').map_or(v, |(_, id)| id));
    let dates = values("authoredon")
        .map(|v| {
            date_condition(v).ok_or_else(|| {
                Outcome::new(SpineCode::InvalidParameter, format!("authoredon `{v}` is not [prefix]YYYY-MM-DD"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if s.defects.has(EpsDefect::PrescriptionsNotListed) {
        return Ok(Vec::new());
    }
    let book = crate::reference::locked(&s.prescriptions.inner);
    let wanted = |p: &&Prescription| {
        let ids = [p.resource.pointer("/groupIdentifier/value"), p.resource.pointer("/identifier/0/value")];
        let by_id = identifier.is_none_or(|want| ids.iter().flatten().any(|v| v.as_str() == Some(want)));
        let authored = date_of(p.resource.get("authoredOn"));
        let by_date = dates.iter().all(|(prefix, d)| {
            authored.is_some_and(|a| match *prefix {
                "ge" => a >= *d,
                "gt" => a > *d,
                "le" => a <= *d,
                "lt" => a < *d,
                _ => a == *d,
            })
        });
        by_id && by_date
    };
    Ok(book
        .of_patient(patient)
        .filter(wanted)
        .map(|p| json!({ "fullUrl": format!("MedicationRequest/{}", p.id), "resource": p.read_view(s), "search": { "mode": "match" } }))
        .collect())
}

/// EPS's cancellation reasons.
pub(in crate::reference) const CANCEL_REASONS: [(&str, &str); 8] = [
    ("0001", "Prescribing Error"),
    ("0002", "Clinical contra-indication"),
    ("0003", "Change to medication treatment regime"),
    ("0004", "Clinical grounds"),
    ("0005", "At the Patient's request"),
    ("0006", "At the Pharmacist's request"),
    ("0007", "Notification of Death"),
    ("0008", "Patient deceased"),
];

pub async fn cancel(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    cancelled(&s, &headers, &id, &body).unwrap_or_else(|o| {
        keep_refused_cancellation(&s, &headers, &id, &body);
        o.into_response()
    })
}

/// Under the `keeps-refused-cancellation` defect: an admitted cancellation
/// is written to the prescription (with the reason sent, known or not)
/// before it is checked, and a refusal does not undo it.
fn keep_refused_cancellation(s: &State, headers: &HeaderMap, id: &str, body: &Bytes) {
    if !s.defects.has(EpsDefect::KeepsRefusedCancellation)
        || guard::check(s, headers, Interaction::CancelPrescription).is_err()
    {
        return;
    }
    let Ok(sent) = resource_of(body, "Parameters") else { return };
    let reason = sent
        .get("parameter")
        .and_then(Value::as_array)
        .and_then(|ps| ps.iter().find(|p| p.get("name").and_then(Value::as_str) == Some("reason")))
        .and_then(|p| p.get("valueCoding"))
        .cloned()
        .unwrap_or_else(|| json!({ "system": gpc::STATUS_REASON_SYSTEM }));
    if let Some(p) = crate::reference::locked(&s.prescriptions.inner).get_mut(id) {
        p.cancelled = Some(reason);
        p.version += 1;
    }
}

fn cancelled(s: &State, headers: &HeaderMap, id: &str, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    guard::check(s, headers, Interaction::CancelPrescription)?;
    let sent = resource_of(body, "Parameters")?;
    let coding = sent
        .get("parameter")
        .and_then(Value::as_array)
        .and_then(|ps| ps.iter().find(|p| p.get("name").and_then(Value::as_str) == Some("reason")))
        .and_then(|p| p.get("valueCoding"));
    let code = coding
        .filter(|c| c.get("system").and_then(Value::as_str) == Some(gpc::STATUS_REASON_SYSTEM))
        .and_then(|c| c.get("code"))
        .and_then(Value::as_str);
    let reason = match code.and_then(|c| CANCEL_REASONS.iter().find(|(k, _)| *k == c)) {
        Some((code, display)) => json!({ "system": gpc::STATUS_REASON_SYSTEM, "code": code, "display": display }),
        None if d(EpsDefect::CancelsWithoutReason) => {
            json!({ "system": gpc::STATUS_REASON_SYSTEM, "code": "0001", "display": "Prescribing Error" })
        }
        None => {
            return Err(invalid(format!(
                "a cancellation needs a `reason` (valueCoding, {}: one of 0001–0008)",
                gpc::STATUS_REASON_SYSTEM
            )));
        }
    };
    let mut all = crate::reference::locked(&s.prescriptions.inner);
    let p = all
        .get_mut(id)
        .ok_or_else(|| Outcome::new(SpineCode::NoRecordFound, format!("no prescription MedicationRequest/{id}")))?;
    if p.cancelled.is_some() && !d(EpsDefect::CancelNotKept) {
        return Err(invalid("the prescription is already cancelled"));
    }
    if !p.dispensed.is_empty() && !d(EpsDefect::CancelsDispensed) {
        return Err(invalid("the prescription has been dispensed (with dispenser): it can no longer be cancelled"));
    }
    p.cancelled = Some(reason);
    p.version += 1;
    let version = p.version;
    let mut view = p.view(s);
    if d(EpsDefect::CancelNotKept) {
        // The answer says cancelled; the prescription stays as it was.
        view["status"] = json!("cancelled");
        p.cancelled = None;
    }
    Ok(Fhir { status: StatusCode::OK, body: view, etag: Some(format!("W/\"{version}\"")) }.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_daily_dose_from_the_structured_dose() {
        let dose = |d: f64, f: f64, p: f64, unit: &str| json!({ "doseQuantity": { "value": d }, "timing": { "repeat": { "frequency": f, "period": p, "periodUnit": unit } } });
        assert_eq!(daily_dose(&dose(1.0, 3.0, 1.0, "d")), Some(3.0));
        assert_eq!(daily_dose(&dose(2.0, 1.0, 12.0, "h")), Some(4.0));
        assert_eq!(daily_dose(&dose(1.0, 1.0, 1.0, "wk")), Some(1.0 / 7.0));
        assert_eq!(daily_dose(&dose(0.0, 3.0, 1.0, "d")), None);
        assert_eq!(daily_dose(&dose(1.0, 3.0, 1.0, "mo")), None);
        assert_eq!(daily_dose(&json!({ "text": "as directed" })), None);
    }

    #[test]
    fn ods_codes_and_search_dates() {
        assert!(ods_shaped("FA565") && ods_shaped("GPC001") && ods_shaped("Y12"));
        assert!(!ods_shaped("fa565") && !ods_shaped("F!565") && !ods_shaped("") && !ods_shaped("FA565FA565"));
        let d = |s: &str| clock::parse_date(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(date_condition("lt2026-05-01"), Some(("lt", d("2026-05-01"))));
        assert_eq!(date_condition("2026-05-01"), Some(("eq", d("2026-05-01"))));
        assert_eq!(date_condition("ge2026-05-01T10:00:00Z"), Some(("ge", d("2026-05-01"))));
        assert_eq!(date_condition("xx2026"), None);
    }
}
