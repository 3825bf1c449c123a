//! The reference's knowledge base (`KNW`, profile §30): what it says when a
//! medicine is prescribed — allergy, interaction and duplicate-therapy
//! alerts against the patient's active allergies and current medication —
//! and how it names a product, both from the test data's medicines subset
//! (`crate::medicines`). It serves no interaction of its own: what it says
//! shows in what the candidate sends EPS (profile §30).

pub mod defects;

use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc;
use crate::medicines::{self, Concept, Severity};
use crate::reference::State;
use crate::reference::knw::defects::KnwDefect;

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

/// How the knowledge base names a product it holds: its dm+d description
/// (the VMP's or AMP's name), which is what a prescriber picks and what the
/// order to EPS carries (profile §30, RFA-KNW-001).
pub fn name_of(s: &State, c: &Concept) -> String {
    match (&c.ingredient, s.defects.has(KnwDefect::OrderNamesIngredient)) {
        (Some(i), true) => i.clone(),
        _ => c.display.clone(),
    }
}
