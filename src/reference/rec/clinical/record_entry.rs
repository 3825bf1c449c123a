//! `record-entry`: the reference records a clinical entry as its clinician
//! would enter it (trigger action, profile §15 and §37.1). What the user
//! names (the patient by NHS number, the clinician and the user by SDS user
//! id) is resolved first; the entry then goes through the same admission
//! as the profile's `POST`, stamped with the user and the practice as its
//! recording provenance. It shows through Access Record Structured
//! (`super::structured`).

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::fhir::gpc::{self, EntryType};
use crate::reference::State;
use crate::reference::acc::guard::Claims;
use crate::reference::entry_shape::Shape;
use crate::reference::outbound::Action;
use crate::reference::outcome::{Outcome, SpineCode};

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidParameter, msg)
}

/// The entry type a clinician's word names.
fn kind(action: &Action) -> Result<EntryType, Outcome> {
    match action.required("kind")? {
        "problem" => Ok(EntryType::Condition),
        "observation" => Ok(EntryType::Observation),
        "allergy" => Ok(EntryType::AllergyIntolerance),
        "consultation" => Ok(EntryType::Encounter),
        other => {
            Err(invalid(format!("`{other}` is not a kind of entry (problem, observation, allergy, consultation)")))
        }
    }
}

/// The practitioner held under an SDS user id, as a reference; one not held
/// keeps a reference that resolves to nothing, so admission refuses it as
/// it refuses an unknown author sent to the `POST`.
pub(crate) fn practitioner(s: &State, sds: &str) -> String {
    match s.store.practitioners.iter().find(|p| p.business_id.as_deref() == Some(sds)) {
        Some(p) => format!("Practitioner/{}", p.id),
        None => format!("Practitioner/sds-{sds}"),
    }
}

/// The entry as the user entered it, in the profile's shape.
fn entry(s: &State, action: &Action, ty: EntryType) -> Result<Value, Outcome> {
    let p = |n: &str| action.param(n).filter(|v| !v.is_empty());
    let nhs = action.required("patient")?;
    let patient = match s.store.by_nhs_number(nhs).next() {
        Some(found) => format!("Patient/{}", found.id),
        None => format!("Patient/nhs-{nhs}"),
    };
    let mut r = Map::new();
    r.insert("resourceType".into(), json!(ty.name()));
    if let Some(code) = p("code") {
        let system = p("codeSystem").unwrap_or(gpc::SNOMED_SYSTEM);
        let mut coding = json!({ "system": system, "code": code });
        let display = match p("display") {
            Some(d) => Some(d.to_string()),
            // Picked by its code alone, a SNOMED CT concept is named as the
            // knowledge base names it (RFA-KNW-002).
            None if system == gpc::SNOMED_SYSTEM => crate::medicines::terminology().concept(code).map(|c| {
                if s.defects.has(crate::reference::knw::defects::KnwDefect::RecordedConceptByCode) {
                    code.to_string()
                } else {
                    c.display.clone()
                }
            }),
            None => None,
        };
        if let Some(display) = display {
            coding["display"] = json!(display);
        }
        let concept = json!({ "coding": [coding] });
        match ty {
            EntryType::Encounter => r.insert("type".into(), json!([concept])),
            _ => r.insert("code".into(), concept),
        };
    }
    let author = p("clinician").map(|sds| json!({ "reference": practitioner(s, sds) }));
    let status = p("status").map(|v| json!(v));
    let when = p("time").map(|v| json!(v));
    let confirmed = json!("confirmed");
    let fields: Vec<(&str, Option<Value>)> = match ty {
        EntryType::Condition => vec![
            ("clinicalStatus", status),
            ("verificationStatus", Some(confirmed)),
            ("subject", Some(json!({ "reference": patient }))),
            ("assertedDate", when),
            ("asserter", author),
        ],
        EntryType::AllergyIntolerance => vec![
            ("clinicalStatus", status),
            ("verificationStatus", Some(confirmed)),
            ("patient", Some(json!({ "reference": patient }))),
            ("assertedDate", when),
            ("asserter", author),
        ],
        EntryType::Observation => vec![
            ("status", status),
            ("subject", Some(json!({ "reference": patient }))),
            ("effectiveDateTime", when),
            ("performer", author.map(|a| json!([a]))),
            ("valueQuantity", quantity(action)?),
        ],
        EntryType::Encounter => vec![
            ("status", status),
            ("subject", Some(json!({ "reference": patient }))),
            ("period", when.map(|w| json!({ "start": w }))),
            ("participant", author.map(|a| json!([{ "individual": a }]))),
        ],
    };
    r.extend(fields.into_iter().filter_map(|(k, v)| Some((k.to_string(), v?))));
    if p("restricted") == Some("true") {
        r.insert("meta".into(), json!({ "security": [{ "system": gpc::CONFIDENTIALITY_SYSTEM, "code": "R" }] }));
    }
    Ok(Value::Object(r))
}

/// A measurement's value and unit (UCUM unless `unitSystem` says otherwise).
fn quantity(action: &Action) -> Result<Option<Value>, Outcome> {
    let Some(value) = action.param("value").filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let number: f64 = value.parse().map_err(|_| invalid(format!("value `{value}` is not a number")))?;
    let unit = action.param("unit").unwrap_or_default();
    let system = action.param("unitSystem").filter(|v| !v.is_empty()).unwrap_or(gpc::UCUM_SYSTEM);
    Ok(Some(json!({ "value": number, "unit": unit, "system": system, "code": unit })))
}

/// The recording provenance of the action: the user named as `recorder`,
/// at this practice.
pub(crate) fn claims(s: &State, recorder: &str) -> Claims {
    let mut c = Claims::new();
    c.insert(
        "requesting_practitioner".into(),
        json!({ "resourceType": "Practitioner", "identifier": [{ "system": gpc::SDS_USER_SYSTEM, "value": recorder }] }),
    );
    c.insert(
        "requesting_organization".into(),
        json!({ "resourceType": "Organization", "identifier": [{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": s.ods_code }] }),
    );
    c
}

/// The user the action names as `recorder`: one the practice holds.
pub(crate) fn user(s: &State, action: &Action) -> Result<Claims, Outcome> {
    let recorder = action.required("recorder")?;
    if !s.store.practitioners.iter().any(|p| p.business_id.as_deref() == Some(recorder)) {
        return Err(Outcome::new(
            SpineCode::ReferenceNotFound,
            format!("the user {recorder} is not a practitioner held here"),
        ));
    }
    Ok(claims(s, recorder))
}

/// `record-entry`: records the entry, or refuses it as the `POST` would.
/// What the user does is stamped by the run's clock (RFA_TODAY), as the
/// run's other stamps are, so dated runs judge it alike.
pub(crate) fn record(s: &State, action: &Action) -> Result<Vec<(&'static str, String)>, Outcome> {
    let ty = kind(action)?;
    let by = user(s, action)?;
    let r = entry(s, action, ty)?;
    let (id, _) = super::admit_entry(s, ty, r, &by, crate::support::clock::now())?;
    Ok(vec![("entry", format!("{}/{id}", ty.name()))])
}

/// The entry a user finds on screen: of this kind, in this patient's
/// record, at this time, not entered in error.
fn on_screen(s: &State, action: &Action, ty: EntryType) -> Result<(String, Value), Outcome> {
    let not_found = |why: String| Outcome::new(SpineCode::NoRecordFound, why);
    let nhs = action.required("patient")?;
    let when = action.required("time")?;
    let at = OffsetDateTime::parse(when, &Rfc3339).map_err(|_| invalid(format!("time `{when}` is not a date-time")))?;
    let patient = s.store.by_nhs_number(nhs).next().ok_or_else(|| not_found(format!("no patient {nhs} here")))?;
    let (shape, me) = (Shape::of(ty), format!("Patient/{}", patient.id));
    let same_time = |r: &Value| {
        r.pointer(shape.when).and_then(Value::as_str).and_then(|w| OffsetDateTime::parse(w, &Rfc3339).ok()) == Some(at)
    };
    s.entries
        .with(|all| {
            all.values().filter(|e| e.ty == ty).map(|e| (e.id.clone(), e.current().clone())).find(|(_, r)| {
                r.pointer(shape.patient).and_then(Value::as_str) == Some(me.as_str())
                    && !shape.is_entered_in_error(r)
                    && same_time(r)
            })
        })
        .ok_or_else(|| not_found(format!("no {} of patient {nhs} at {when}", ty.name())))
}

/// `amend-entry`: the user changes what the action names (`status`,
/// `code`, `value`, `unit`) or marks the entry entered in error
/// (`enteredInError` true); the amendment is checked as a new entry is.
pub(crate) fn amend(s: &State, action: &Action) -> Result<Vec<(&'static str, String)>, Outcome> {
    let ty = kind(action)?;
    let by = user(s, action)?;
    let (id, mut r) = on_screen(s, action, ty)?;
    let shape = Shape::of(ty);
    let p = |n: &str| action.param(n).filter(|v| !v.is_empty());
    if let Some(status) = p("status") {
        crate::entries::set_pointer(&mut r, shape.status, json!(status));
    }
    if let Some(code) = p("code") {
        crate::entries::set_pointer(&mut r, &format!("{}/coding/0/code", shape.code), json!(code));
    }
    if p("value").is_some() {
        let unit = r.pointer("/valueQuantity/code").and_then(Value::as_str).unwrap_or_default().to_string();
        let (value, unit) = (p("value"), p("unit").map(str::to_string).unwrap_or(unit));
        let number: f64 = value.unwrap_or_default().parse().map_err(|_| invalid("value is not a number"))?;
        r["valueQuantity"] = json!({ "value": number, "unit": unit, "system": gpc::UCUM_SYSTEM, "code": unit });
    }
    if p("enteredInError") == Some("true") {
        crate::entries::set_pointer(&mut r, shape.error_status, json!("entered-in-error"));
        // FHIR ait-2: an allergy in error has no clinical status.
        if ty == EntryType::AllergyIntolerance
            && let Some(o) = r.as_object_mut()
        {
            o.remove("clinicalStatus");
        }
    }
    super::amend_current(s, ty, &id, r, &by, crate::support::clock::now())?;
    Ok(vec![("entry", format!("{}/{id}", ty.name()))])
}
