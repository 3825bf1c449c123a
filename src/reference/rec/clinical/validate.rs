//! The profile's rules for a clinical entry a consumer sends: the elements
//! it must have, references that must resolve, coded data and times.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::fhir::Views as _;
use crate::fhir::gpc::{self, EntryType};
use crate::reference::State;
use crate::reference::entry_shape::Shape;
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;
use crate::reference::rec::defects::RecDefect;
use crate::terminology::{self, SctIdError};

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

/// Checks an entry of `shape`'s type; `now` bounds its time.
pub fn entry(s: &State, shape: &Shape, r: &Value, now: OffsetDateTime) -> Result<(), Outcome> {
    let name = |p: &str| shape.element(p);
    let ty = shape.ty.name();
    match r.as_resource().resource_type() {
        Some(t) if t == ty => {}
        other => {
            return Err(invalid(format!(
                "the body must be a {ty} resource, it is {}",
                other.unwrap_or("not a resource")
            )));
        }
    }
    let text = |p: &str| r.pointer(p).and_then(Value::as_str).filter(|v| !v.is_empty());
    for (pointer, what) in
        [(shape.patient, "the patient"), (shape.author, "the author"), (shape.when, "when it happened")]
    {
        if text(pointer).is_none() {
            return Err(invalid(format!("{} is required ({what})", name(pointer))));
        }
    }
    match text(shape.status) {
        Some(v) if shape.statuses().contains(&v) => {}
        None if shape.is_entered_in_error(r) => {}
        Some(v) => {
            return Err(invalid(format!("{} `{v}` is not one of {}", name(shape.status), shape.statuses().join(", "))));
        }
        None => return Err(invalid(format!("{} is required", name(shape.status)))),
    }
    references(s, shape, r, &name)?;
    when(s, shape, r, now, &name)?;
    code(s, shape, r, &name)?;
    if shape.ty == EntryType::Observation {
        quantity(s, r)?;
    }
    Ok(())
}

fn references(s: &State, shape: &Shape, r: &Value, name: &dyn Fn(&str) -> String) -> Result<(), Outcome> {
    if s.defects.has(RecDefect::AcceptsUnknownReferences) {
        return Ok(());
    }
    let reference = |p: &str| r.pointer(p).and_then(Value::as_str).unwrap_or_default();
    let patient = reference(shape.patient);
    let known_patient =
        patient.strip_prefix("Patient/").and_then(|id| s.store.by_id(id)).is_some_and(|p| p.is_active());
    if !known_patient {
        return Err(Outcome::new(
            SpineCode::ReferenceNotFound,
            format!("{} `{patient}` is not a patient registered here", name(shape.patient)),
        ));
    }
    let author = reference(shape.author);
    if author.is_empty() {
        return Ok(()); // only under accepts-missing-author
    }
    let known_author =
        author.strip_prefix("Practitioner/").is_some_and(|id| s.store.practitioners.iter().any(|p| p.id == id));
    if !known_author {
        return Err(Outcome::new(
            SpineCode::ReferenceNotFound,
            format!("{} `{author}` is not a practitioner held here", name(shape.author)),
        ));
    }
    Ok(())
}

/// The time an entry is about: to the second, with a zone, not in the
/// future (a minute's allowance for clock skew).
fn when(
    s: &State,
    shape: &Shape,
    r: &Value,
    now: OffsetDateTime,
    name: &dyn Fn(&str) -> String,
) -> Result<(), Outcome> {
    let v = r.pointer(shape.when).and_then(Value::as_str).unwrap_or_default();
    let at = match OffsetDateTime::parse(v, &Rfc3339) {
        Ok(t) => t,
        Err(_) => {
            return Err(invalid(format!(
                "{} `{v}` must be a date and time to the second with a time zone (e.g. 2001-06-01T10:30:17+01:00)",
                name(shape.when)
            )));
        }
    };
    if at > now + time::Duration::minutes(1) && !s.defects.has(RecDefect::AcceptsFutureTime) {
        return Err(invalid(format!("{} `{v}` is in the future", name(shape.when))));
    }
    Ok(())
}

fn code(s: &State, shape: &Shape, r: &Value, name: &dyn Fn(&str) -> String) -> Result<(), Outcome> {
    let codings: Vec<&Value> =
        r.pointer(shape.code).and_then(|c| c.get("coding")).and_then(Value::as_array).into_iter().flatten().collect();
    let snomed: Vec<&str> = codings
        .iter()
        .filter(|c| c.get("system").and_then(Value::as_str) == Some(gpc::SNOMED_SYSTEM))
        .filter_map(|c| c.get("code").and_then(Value::as_str))
        .collect();
    let Some(code) = snomed.first() else {
        if s.defects.has(RecDefect::AcceptsAnyCodeSystem) && !codings.is_empty() {
            return Ok(());
        }
        return Err(invalid(format!("{} needs a SNOMED CT coding (system {})", name(shape.code), gpc::SNOMED_SYSTEM)));
    };
    match terminology::check_concept_id(code) {
        Ok(()) => Ok(()),
        Err(SctIdError::CheckDigit) if s.defects.has(RecDefect::SnomedCheckDigitIgnored) => Ok(()),
        Err(e) => Err(invalid(format!("{} `{code}` is not a SNOMED CT concept id: {e}", name(shape.code)))),
    }
}

fn quantity(s: &State, r: &Value) -> Result<(), Outcome> {
    let Some(q) = r.get("valueQuantity") else {
        return Ok(());
    };
    let el = "Observation.valueQuantity";
    if q.get("value").and_then(Value::as_f64).is_none() {
        return Err(invalid(format!("{el}.value must be a number")));
    }
    let unit = q.get("code").and_then(Value::as_str).unwrap_or_default();
    if !s.defects.has(RecDefect::AcceptsInvalidUcum) {
        if q.get("system").and_then(Value::as_str) != Some(gpc::UCUM_SYSTEM) {
            return Err(invalid(format!("{el}.system must be {} (UCUM)", gpc::UCUM_SYSTEM)));
        }
        if let Err(e) = terminology::check_ucum(unit) {
            return Err(invalid(format!("{el}.code `{unit}` is not a UCUM unit: {e}")));
        }
    }
    let code = r.pointer("/code/coding/0/code").and_then(Value::as_str).unwrap_or_default();
    if let Some(expected) = terminology::expected_unit(code)
        && !s.defects.has(RecDefect::AcceptsUnitMismatch)
        && terminology::check_ucum(unit).is_ok()
        && (!terminology::same_dimension(unit, expected)
            || (s.defects.has(RecDefect::UnitMustBeExpected) && unit != expected))
    {
        return Err(invalid(format!("{el}.code `{unit}` does not measure what {code} measures (in {expected})")));
    }
    Ok(())
}
