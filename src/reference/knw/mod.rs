//! The reference's knowledge base (`KNW`, profile §30): what it says when a
//! medicine is prescribed — allergy, interaction and duplicate-therapy
//! alerts against the patient's active allergies and current medication —
//! and a terminology look-up (`CodeSystem/$lookup`), both from the test
//! data's medicines subset (`crate::medicines`).

pub mod defects;

use std::sync::Arc;

use axum::extract::{Query, State as Extract};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::medicines::{self, Concept, Severity};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::acc::methods::Methods;
use crate::reference::knw::defects::KnwDefect;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::roots::Roots;

pub fn routes(m: Methods) -> Roots {
    Roots::api(axum::Router::new().route("/CodeSystem/$lookup", m.read(lookup)))
}

/// What an alert is about, as DetectedIssue.category (v3 ActCode) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Allergy,
    Interaction,
    Duplicate,
}

impl Category {
    fn code(self) -> (&'static str, &'static str) {
        match self {
            Self::Allergy => ("ALGY", "Allergy Alert"),
            Self::Interaction => ("DRG", "Drug Interaction Alert"),
            Self::Duplicate => ("DUPTHPY", "Duplicate Therapy Alert"),
        }
    }
}

/// One thing the knowledge base has to say about a prescription.
#[derive(Debug, Clone)]
pub struct Alert {
    pub category: Category,
    pub severity: Severity,
    pub detail: String,
    /// What the new medicine clashes with (a record entry or prescription).
    pub implicated: Value,
}

impl Alert {
    /// Whether it stops the prescription unless overridden.
    pub fn blocks(&self, s: &State) -> bool {
        self.severity == Severity::High || s.defects.has(KnwDefect::ModerateBlocks)
    }

    /// The DetectedIssue kept with the prescription.
    pub fn detected_issue(&self, id: &str, patient: &str, override_reason: Option<&str>, author: &Value) -> Value {
        let (code, display) = self.category.code();
        let mut issue = json!({
            "resourceType": "DetectedIssue",
            "id": id,
            "status": "final",
            "category": { "coding": [{ "system": gpc::ACT_CODE_SYSTEM, "code": code, "display": display }] },
            "severity": self.severity.code(),
            "patient": { "reference": format!("Patient/{patient}") },
            "implicated": [self.implicated],
            "detail": self.detail,
            "date": crate::reference::instant(crate::support::clock::now())
        });
        if let Some(reason) = override_reason.filter(|r| !r.trim().is_empty()) {
            issue["mitigation"] = json!([{
                "action": { "text": format!("Prescribed despite the alert: {reason}") },
                "date": crate::reference::instant(crate::support::clock::now()),
                "author": author
            }]);
        }
        issue
    }
}

/// The record's entries of a type.
fn entries<'a>(record: &'a [Value], ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    record.iter().filter(move |r| r.as_resource().resource_type() == Some(ty))
}

fn code_of(v: Option<&Value>) -> Option<&str> {
    v?.pointer("/coding/0/code")?.as_str()
}

/// A prescription this system issued that is still live (not cancelled,
/// dispensed or expired). The prescribing side says which they are, so the
/// knowledge base needs no view of how prescriptions are kept.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: String,
    /// Its dm+d code.
    pub code: String,
}

/// The patient's current medication: (ingredient, display, what to cite,
/// whether it is a repeat of the record).
fn current_medication(s: &State, patient_id: &str, issued: &[Issued]) -> Vec<(String, String, Value, bool)> {
    let t = medicines::terminology();
    let mut out = Vec::new();
    if let Some(p) = s.store.by_id(patient_id) {
        for plan in entries(&p.record, "MedicationRequest") {
            let current = plan.get("intent").and_then(Value::as_str) == Some("plan")
                && (plan.get("status").and_then(Value::as_str) == Some("active")
                    || s.defects.has(KnwDefect::StoppedMedicationCurrent));
            if !current {
                continue;
            }
            let med_ref = plan.pointer("/medicationReference/reference").and_then(Value::as_str).unwrap_or_default();
            let med = entries(&p.record, "Medication")
                .find(|m| m.as_resource().id().is_some_and(|id| med_ref == format!("Medication/{id}")));
            let Some(c) = code_of(med.and_then(|m| m.get("code"))).and_then(|c| t.concept(c)) else { continue };
            let id = plan.as_resource().id().unwrap_or_default();
            let repeat = gpc::extension_code(plan, gpc::PRESCRIPTION_TYPE_EXTENSION) == Some("repeat");
            if let Some(i) = &c.ingredient {
                out.push((
                    i.clone(),
                    c.display.clone(),
                    json!({ "reference": format!("MedicationRequest/{id}") }),
                    repeat,
                ));
            }
        }
    }
    if !s.defects.has(KnwDefect::KbIgnoresNewPrescriptions) {
        for p in issued {
            if let Some(c) = t.concept(&p.code)
                && let Some(i) = &c.ingredient
            {
                out.push((
                    i.clone(),
                    c.display.clone(),
                    json!({ "reference": format!("MedicationRequest/{}", p.id) }),
                    false,
                ));
            }
        }
    }
    out
}

/// Everything the knowledge base says about prescribing `drug` for the
/// patient, who has the `issued` prescriptions live.
pub fn alerts(s: &State, patient_id: &str, drug: &Concept, issued: &[Issued]) -> Vec<Alert> {
    let d = |x| s.defects.has(x);
    let t = medicines::terminology();
    let mut out: Vec<Alert> = Vec::new();
    if let Some(p) = s.store.by_id(patient_id)
        && !d(KnwDefect::NoAllergyCheck)
    {
        for allergy in entries(&p.record, "AllergyIntolerance") {
            let active = allergy.get("clinicalStatus").and_then(Value::as_str) == Some("active");
            if !active && !d(KnwDefect::AlertsOnResolvedAllergy) {
                continue;
            }
            let Some(a) = code_of(allergy.get("code")).and_then(|c| t.concept(c)) else { continue };
            if a.groups.iter().any(|g| drug.groups.contains(g)) {
                let id = allergy.as_resource().id().unwrap_or_default();
                out.push(Alert {
                    category: Category::Allergy,
                    severity: Severity::High,
                    detail: format!("{}: the patient has {} recorded", drug.display, a.display.to_lowercase()),
                    implicated: json!({ "reference": format!("AllergyIntolerance/{id}") }),
                });
            }
        }
    }
    if d(KnwDefect::AlertsOnNoAllergyRecord)
        && s.store.by_id(patient_id).is_some_and(|p| entries(&p.record, "AllergyIntolerance").next().is_none())
    {
        out.push(Alert {
            category: Category::Allergy,
            severity: Severity::Moderate,
            detail: format!("{}: no allergy information is recorded for the patient", drug.display),
            implicated: json!({ "reference": format!("Patient/{patient_id}") }),
        });
    }
    let Some(ingredient) = &drug.ingredient else { return out };
    for (other, display, cite, repeat) in current_medication(s, patient_id, issued) {
        if let Some(i) = t.interaction(ingredient, &other)
            && !d(KnwDefect::NoInteractionCheck)
            && !out.iter().any(|a| a.category == Category::Interaction && a.detail == i.detail)
        {
            out.push(Alert {
                category: Category::Interaction,
                severity: i.severity,
                detail: format!("{} with {display}: {}", drug.display, i.detail),
                implicated: cite.clone(),
            });
        }
        if &other == ingredient
            && repeat
            && !d(KnwDefect::NoDuplicateCheck)
            && !out.iter().any(|a| a.category == Category::Duplicate)
        {
            out.push(Alert {
                category: Category::Duplicate,
                severity: Severity::Moderate,
                detail: format!("{}: the patient already has {display} on repeat", drug.display),
                implicated: cite,
            });
        }
    }
    out
}

/// `GET [base]/CodeSystem/$lookup?system=…&code=…`: display, status and
/// class of a SNOMED CT / dm+d concept.
pub async fn lookup(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    looked_up(&s, &headers, &params).unwrap_or_else(IntoResponse::into_response)
}

fn looked_up(s: &State, headers: &HeaderMap, params: &[(String, String)]) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    guard::check(s, headers, Interaction::LookupCode)?;
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let bad = |msg: String| Outcome::new(SpineCode::InvalidParameter, msg);
    if let Some((k, _)) = params.iter().find(|(k, _)| k != "system" && k != "code") {
        return Err(bad(format!("`{k}` is not a parameter of $lookup (system, code)")));
    }
    let (Some(system), Some(code)) = (param("system"), param("code")) else {
        return Err(bad("$lookup needs both system and code".into()));
    };
    if system != gpc::SNOMED_SYSTEM {
        return Err(bad(format!(
            "this knowledge base answers for {} (SNOMED CT and dm+d), not `{system}`",
            gpc::SNOMED_SYSTEM
        )));
    }
    let not_found =
        || Outcome::new(SpineCode::NoRecordFound, format!("`{code}` is not a concept the knowledge base holds"));
    if let Err(e) = crate::terminology::check_concept_id(code) {
        if d(KnwDefect::LookupNoCheckDigit) {
            return Err(not_found());
        }
        return Err(bad(format!("`{code}` is not a SNOMED CT concept id: {e}")));
    }
    let t = medicines::terminology();
    let dmd = |c: &medicines::Concept| c.class.prescribable() || c.class == medicines::ConceptClass::Vtm;
    let concept = t
        .concept(code)
        .filter(|c| dmd(c) || !d(KnwDefect::LookupProductsOnly))
        .filter(|c| !dmd(c) || !d(KnwDefect::LookupSnomedOnly));
    let (display, active, class) = match concept {
        Some(c) => {
            let display = match (&c.ingredient, d(KnwDefect::LookupWrongDisplay)) {
                (Some(i), true) => i.clone(),
                _ => c.display.clone(),
            };
            (display, c.active || d(KnwDefect::LookupHidesInactive), c.class.code())
        }
        None if d(KnwDefect::LookupInventsUnknown) => (format!("Concept {code}"), true, "VMP"),
        None => return Err(not_found()),
    };
    let property = |name: &str, value: Value| json!({ "name": "property", "part": [{ "name": "code", "valueCode": name }, value] });
    let body = json!({
        "resourceType": "Parameters",
        "parameter": [
            { "name": "name", "valueString": "SNOMED CT (with the dm+d extension)" },
            { "name": "display", "valueString": display },
            property("inactive", json!({ "name": "value", "valueBoolean": !active })),
            property("concept-class", json!({ "name": "value", "valueCode": class }))
        ]
    });
    Ok(Fhir::ok(body).into_response())
}
