//! Recorded entries as Access Record Structured shows them: a real GP
//! system's structured record holds what its clinicians record, so the
//! reference's does too. Each entry's current version is mapped onto its
//! GP Connect profile (problems, allergies, uncategorised data,
//! consultations): the time it is about becomes the clinical time
//! (`onsetDateTime`, `effectiveDateTime`, `period.start`) and the recording
//! provenance becomes GP Connect's own elements — a problem's `asserter` and
//! `assertedDate`, an allergy's `recorder` and `assertedDate`, an
//! observation's `issued`, a consultation's `REC` participant and
//! `serviceProvider` (GP Connect 1.6 resource pages).

use serde_json::{Map, Value, json};

use crate::fhir::gpc::{self, EntryType};
use crate::reference::State;
use crate::reference::entry_shape::Shape;
use crate::reference::rec::defects::RecDefect;

const PROFILE: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/";
const PARTICIPATION: &str = "http://hl7.org/fhir/v3/ParticipationType";

/// The patient's recorded entries (not entered in error), as GP Connect
/// profiles.
pub fn views(s: &State, patient_id: &str) -> Vec<Value> {
    let me = format!("Patient/{patient_id}");
    // Only the patient's entries are copied out of the lock: every
    // structured record request comes here, whoever it is for.
    let current: Vec<(EntryType, Value)> = s.entries.with(|all| {
        all.values()
            .filter(|e| e.current().pointer(Shape::of(e.ty).patient).and_then(Value::as_str) == Some(me.as_str()))
            .map(|e| (e.ty, e.current().clone()))
            .collect()
    });
    let mut out: Vec<Value> = current
        .into_iter()
        .filter(|(ty, r)| !Shape::of(*ty).is_entered_in_error(r) || s.defects.has(RecDefect::EnteredInErrorSearchable))
        .filter_map(|(ty, r)| view(s, ty, &r))
        .collect();
    // Entries live in a map: a stable order keeps the Bundle the same from
    // one request to the next.
    out.sort_by(|a, b| a.get("id").map(Value::to_string).cmp(&b.get("id").map(Value::to_string)));
    out
}

/// One provenance part of the profile's recording extension.
fn provenance<'a>(r: &'a Value, part: &str) -> Option<&'a Value> {
    r.get("extension")?
        .as_array()?
        .iter()
        .find(|e| e.get("url").and_then(Value::as_str) == Some(gpc::RECORDING_EXTENSION))?
        .get("extension")?
        .as_array()?
        .iter()
        .find(|x| x.get("url").and_then(Value::as_str) == Some(part))
}

fn view(s: &State, ty: EntryType, r: &Value) -> Option<Value> {
    let shape = Shape::of(ty);
    let id = r.get("id")?.as_str()?;
    let get = |p: &str| r.pointer(p).cloned();
    let recorded = provenance(r, "recorded").and_then(|x| x.get("valueDateTime")).cloned();
    let recorder = provenance(r, "recorder")
        .and_then(|x| x.pointer("/valueIdentifier/value"))
        .and_then(Value::as_str)
        .and_then(|sds| s.store.practitioners.iter().find(|p| p.business_id.as_deref() == Some(sds)))
        .map(|p| json!({ "reference": format!("Practitioner/{}", p.id) }));
    let recording_org = provenance(r, "organization")
        .and_then(|x| x.pointer("/valueIdentifier/value"))
        .and_then(Value::as_str)
        .and_then(|ods| organisation(s, ods));
    let author = get(shape.author).map(|a| json!({ "reference": a }));
    let when = get(shape.when);
    let mut v = Map::new();
    v.insert("resourceType".into(), json!(ty.name()));
    v.insert("id".into(), json!(id));
    let profile = match ty {
        EntryType::Condition => "CareConnect-GPC-ProblemHeader-Condition-1",
        EntryType::AllergyIntolerance => "CareConnect-GPC-AllergyIntolerance-1",
        EntryType::Observation => "CareConnect-GPC-Observation-1",
        EntryType::Encounter => "CareConnect-GPC-Encounter-1",
    };
    let mut meta = json!({ "profile": [format!("{PROFILE}{profile}")] });
    if let Some(security) = r.pointer("/meta/security") {
        meta["security"] = security.clone();
    }
    v.insert("meta".into(), meta);
    v.insert(
        "identifier".into(),
        json!([{ "system": "https://fhir.nhs.uk/Id/cross-care-setting-identifier", "value": id }]),
    );
    let fields: Vec<(&str, Option<Value>)> = match ty {
        EntryType::Condition => vec![
            // GP Connect: every problem is active or inactive.
            ("clinicalStatus", get("/clinicalStatus").map(|c| json!(problem_status(&c)))),
            (
                "category",
                Some(
                    json!([{ "coding": [{ "system": "http://hl7.org/fhir/condition-category", "code": "problem-list-item" }] }]),
                ),
            ),
            ("code", get("/code")),
            ("subject", get("/subject")),
            ("onsetDateTime", when),
            ("assertedDate", recorded),
            ("asserter", recorder),
        ],
        EntryType::AllergyIntolerance => vec![
            ("clinicalStatus", get("/clinicalStatus")),
            ("verificationStatus", get("/verificationStatus")),
            ("code", get("/code")),
            ("patient", get("/patient")),
            ("onsetDateTime", when),
            ("assertedDate", recorded),
            ("recorder", recorder),
            ("asserter", author),
        ],
        EntryType::Observation => vec![
            ("status", get("/status")),
            ("code", get("/code")),
            ("subject", get("/subject")),
            ("effectiveDateTime", when),
            ("issued", recorded),
            ("performer", author.map(|a| json!([a]))),
            ("valueQuantity", get("/valueQuantity")),
        ],
        EntryType::Encounter => {
            let mut participants = Vec::new();
            if let Some(rec) = recorder {
                participants.push(json!({ "type": [participation("REC", "recorder")], "individual": rec }));
            }
            if let Some(a) = author {
                participants.push(json!({ "type": [participation("PPRF", "primary performer")], "individual": a }));
            }
            vec![
                ("status", get("/status")),
                ("type", get("/type")),
                ("subject", get("/subject")),
                ("period", when.map(|w| json!({ "start": w }))),
                ("participant", (!participants.is_empty()).then(|| json!(participants))),
                ("serviceProvider", recording_org),
            ]
        }
    };
    v.extend(fields.into_iter().filter_map(|(k, x)| Some((k.to_string(), x?))));
    Some(Value::Object(v))
}

/// GP Connect's two problem statuses for FHIR's five clinical statuses.
fn problem_status(status: &Value) -> &'static str {
    match status.as_str() {
        Some("active" | "recurrence") => "active",
        _ => "inactive",
    }
}

fn participation(code: &str, display: &str) -> Value {
    json!({ "coding": [{ "system": PARTICIPATION, "code": code, "display": display }] })
}

/// The organisation an ODS code names, as a reference: the practice
/// itself or one held in the directory.
fn organisation(s: &State, ods: &str) -> Option<Value> {
    let practice = (ods == s.ods_code).then(|| s.store.organization.get("id").and_then(Value::as_str)).flatten();
    let id = practice.map(str::to_string).or_else(|| {
        s.store.organizations.iter().find(|o| o.business_id.as_deref() == Some(ods)).map(|o| o.id.clone())
    })?;
    Some(json!({ "reference": format!("Organization/{id}") }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_active_or_inactive() {
        for (fhir, gpc) in [
            ("active", "active"),
            ("recurrence", "active"),
            ("resolved", "inactive"),
            ("inactive", "inactive"),
            ("remission", "inactive"),
        ] {
            assert_eq!(problem_status(&json!(fhir)), gpc, "{fhir}");
        }
    }
}
