//! Builds the structured record Bundle: the patient, the practice and usual
//! GP, and for each clinical area asked for, its List and the resources the
//! List and those resources refer to — leaving out confidential items with a
//! warning on every list they would have been in.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc;
use crate::fixtures::PatientFlag;
use crate::reference::State;
use crate::reference::inf::defects::InfDefect;
use crate::reference::inf::structured::params::{Period, Query};
use crate::reference::store::StoredPatient;

const SCT: &str = "http://snomed.info/sct";
const LIST_PROFILE: &str = "https://fhir.nhs.uk/STU3/StructureDefinition/CareConnect-GPC-List-1";
const WARNING_EXTENSION: &str =
    "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ListWarningCode-1";
const CLINICAL_SETTING: &str =
    "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-ClinicalSetting-1";
const RELATED_CONTENT: &str =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedClinicalContent-1";
const RELATED_PROBLEM: &str =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-RelatedProblemHeader-1";
const SIGNIFICANCE: &str =
    "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-ProblemSignificance-1";
const ENCOUNTER_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/encounter-associatedEncounter";
const CONFIDENTIAL_NOTE: &str = "Items excluded due to confidentiality and/or patient preferences.";

/// Title, SNOMED code and display of each primary list (GP Connect's "List
/// and message structure" table).
pub const ALLERGIES: (&str, &str) = ("Allergies and adverse reactions", "886921000000105");
pub const ENDED_ALLERGIES: (&str, &str) = ("Ended allergies", "1103671000000101");
pub const MEDICATIONS: (&str, &str) = ("Medications and medical devices", "933361000000108");
pub const PROBLEMS: (&str, &str) = ("Problems", "717711000000103");
pub const IMMUNISATIONS: (&str, &str) = ("Immunisations", "1102181000000102");
pub const CONSULTATIONS: (&str, &str) = ("List of consultations", "1149501000000101");
pub const UNCATEGORISED: (&str, &str) = ("Uncategorised data", "826501000000100");
pub const INVESTIGATIONS: (&str, &str) = ("Investigations and results", "887191000000108");
pub const REFERRALS: (&str, &str) = ("Outbound referral", "792931000000107");
pub const DIARY: (&str, &str) = ("Patient recall administration", "714311000000108");
const LINKED_PROBLEMS: &str = "Problems - linked problems not relating to the primary query";

fn kind(r: &Value) -> &str {
    r.as_resource().resource_type().unwrap_or_default()
}

fn id(r: &Value) -> &str {
    r.as_resource().id().unwrap_or_default()
}

fn reference(r: &Value) -> String {
    format!("{}/{}", kind(r), id(r))
}

fn confidential(r: &Value) -> bool {
    r.pointer("/meta/security")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|c| c.get("code").and_then(Value::as_str) == Some("R")))
}

/// The resource as the API shows it: stored-only markings removed.
fn public(r: &Value) -> Value {
    let mut r = r.clone();
    if let Some(meta) = r.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("security");
    }
    if let Some(contents) = r.get_mut("content").and_then(Value::as_array_mut) {
        for c in contents {
            if let Some(a) = c.get_mut("attachment").and_then(Value::as_object_mut) {
                a.remove("data");
            }
        }
    }
    r
}

/// Every `reference` string inside a resource.
fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("reference", Value::String(s)) => out.push(s.clone()),
                    _ => references(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Warning {
    Confidential,
    InTransit,
}

/// The Bundle under construction.
struct Builder<'a> {
    state: &'a State,
    patient: &'a StoredPatient,
    today: &'a str,
    entries: Vec<Value>,
    included: BTreeSet<String>,
    /// Items of the primary lists (for finding linked problems).
    primary_items: Vec<String>,
}

impl<'a> Builder<'a> {
    fn d(&self, x: InfDefect) -> bool {
        self.state.defects.has(x)
    }

    fn find(&self, target: &str) -> Option<&'a Value> {
        self.patient.record.iter().find(|r| reference(r) == target)
    }

    fn of_kind(&self, ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.patient.record.iter().filter(move |r| kind(r) == ty)
    }

    fn add(&mut self, r: &Value) {
        if self.included.insert(reference(r)) {
            self.entries.push(public(r));
        }
    }

    /// Adds a clinical item with what it cannot be read without: a
    /// MedicationStatement's plan and Medication, a MedicationRequest's
    /// Medication and plan, a DiagnosticReport's results.
    fn add_item(&mut self, r: &'a Value) {
        self.add(r);
        let mut deps = Vec::new();
        match kind(r) {
            "MedicationStatement" | "MedicationRequest" => {
                for p in ["/medicationReference/reference", "/basedOn/0/reference"] {
                    deps.extend(r.pointer(p).and_then(Value::as_str).map(str::to_string));
                }
            }
            "DiagnosticReport" => {
                let results = r.get("result").and_then(Value::as_array).into_iter().flatten();
                deps.extend(results.filter_map(|x| x.as_reference().reference()).map(str::to_string));
            }
            _ => {}
        }
        for dep in deps {
            if let Some(x) = self.find(&dep) {
                if self.d(InfDefect::MedicationOmitsMedicationResource) && kind(x) == "Medication" {
                    continue;
                }
                self.add_item(x);
            }
        }
    }

    fn warnings(&self, excluded_confidential: bool) -> Vec<Warning> {
        let mut w = Vec::new();
        if excluded_confidential && !self.d(InfDefect::ConfidentialWarningMissing) {
            w.push(Warning::Confidential);
        }
        if self.patient.has(PatientFlag::InTransit) && !self.d(InfDefect::DataInTransitWarningMissing) {
            w.push(Warning::InTransit);
        }
        w
    }

    fn list(&self, (title, code): (&str, &str), items: &[String], warnings: &[Warning]) -> Value {
        let mut list = json!({
            "resourceType": "List",
            "meta": { "profile": [LIST_PROFILE] },
            "extension": [{
                "url": CLINICAL_SETTING,
                "valueCodeableConcept": { "coding": [{ "system": SCT, "code": "1060971000000108", "display": "General practice service" }] }
            }],
            "status": "current",
            "mode": "snapshot",
            "title": title,
            "code": { "coding": [{ "system": SCT, "code": code, "display": title }] },
            "subject": { "reference": format!("Patient/{}", self.patient.id) },
            "date": format!("{}T00:00:00+00:00", self.today),
            "orderedBy": { "coding": [{ "system": "http://hl7.org/fhir/list-order", "code": "system", "display": "Sorted by System" }] },
            "entry": items.iter().map(|r| json!({ "item": { "reference": r } })).collect::<Vec<_>>(),
        });
        let mut notes: Vec<String> = Vec::new();
        if items.is_empty() && !self.d(InfDefect::EmptyListWithoutReason) {
            list["emptyReason"] = json!({ "coding": [{
                "system": "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-ListEmptyReasonCode-1",
                "code": "no-content-recorded",
                "display": "No Content Recorded"
            }]});
            notes.push("Information not available".into());
        }
        for w in warnings {
            let (code, text) = match w {
                Warning::Confidential => ("confidential-items", CONFIDENTIAL_NOTE.to_string()),
                Warning::InTransit => ("data-in-transit", self.in_transit_note()),
            };
            if let Some(ext) = list["extension"].as_array_mut() {
                ext.push(json!({ "url": WARNING_EXTENSION, "valueCode": code }));
            }
            notes.push(text);
        }
        if !notes.is_empty() {
            list["note"] = json!([{ "text": notes.join(" ") }]);
        }
        if let Some(obj) = list.as_object_mut()
            && items.is_empty()
        {
            obj.remove("entry");
        }
        list
    }

    fn in_transit_note(&self) -> String {
        let since = self.patient.registered_on.as_deref().unwrap_or(self.today);
        format!(
            "Patient record transfer from previous GP practice not yet complete; information recorded before {} may be missing.",
            dd_mmm_yyyy(since)
        )
    }

    fn push_list(&mut self, list: Value) {
        self.entries.push(list);
    }

    /// Adds items for a primary list and the list itself.
    fn primary(&mut self, which: (&str, &str), chosen: Vec<&'a Value>, excluded_confidential: bool) {
        let refs: Vec<String> = chosen.iter().map(|r| reference(r)).collect();
        for r in chosen {
            self.add_item(r);
        }
        self.primary_items.extend(refs.iter().cloned());
        let warnings = self.warnings(excluded_confidential);
        let list = self.list(which, &refs, &warnings);
        self.push_list(list);
    }

    fn allergies(&mut self, include_resolved: bool) {
        let all: Vec<&Value> = self.of_kind("AllergyIntolerance").collect();
        let status = |r: &Value| r.get("clinicalStatus").and_then(Value::as_str).unwrap_or("active").to_string();
        let leak = self.d(InfDefect::ConfidentialItemsLeaked);
        let shown = |r: &&Value| leak || !confidential(r);
        let active: Vec<&Value> = all
            .iter()
            .copied()
            .filter(|r| status(r) == "active" || self.d(InfDefect::AllergiesListIncludesResolved))
            .filter(|r| !(self.d(InfDefect::NoKnownAllergyDropped) && no_known_allergy(r)))
            .collect();
        let hidden_active = active.iter().any(|r| !shown(r));
        self.primary(ALLERGIES, active.into_iter().filter(shown).collect(), hidden_active);
        if include_resolved || self.d(InfDefect::EndedAllergiesIgnoreFlag) {
            // Ended allergies are contained in their List (GP Connect).
            let resolved: Vec<&Value> = all.iter().copied().filter(|r| status(r) == "resolved").collect();
            let hidden = resolved.iter().any(|r| !shown(r));
            let resolved: Vec<&Value> = resolved.into_iter().filter(shown).collect();
            let refs: Vec<String> = resolved.iter().map(|r| format!("#{}", id(r))).collect();
            let warnings = self.warnings(hidden);
            let mut list = self.list(ENDED_ALLERGIES, &refs, &warnings);
            if !resolved.is_empty() {
                let legacy_dropped = self.d(InfDefect::LegacyEndReasonDropped);
                list["contained"] = Value::Array(
                    resolved
                        .iter()
                        .map(|r| if legacy_dropped { without_legacy_end_reason(r) } else { public(r) })
                        .collect(),
                );
            }
            self.push_list(list);
        }
    }

    fn medications(&mut self, issues: bool, from: Option<&str>) {
        let current_only = from.is_some() && self.d(InfDefect::MedicationFromDateCurrentOnly);
        let active_plans_only = self.d(InfDefect::IssuesOfEndedPlansDropped);
        let leak = self.d(InfDefect::ConfidentialItemsLeaked);
        let from = if self.d(InfDefect::MedicationSearchDateIgnored) { None } else { from };
        let statements: Vec<&Value> = self
            .of_kind("MedicationStatement")
            .filter(|s| {
                let elsewhere = s.to_string().contains("prescribed-by-another-organisation");
                let end = s.pointer("/effectivePeriod/end").and_then(Value::as_str);
                if current_only {
                    return s.get("status").and_then(Value::as_str) == Some("active");
                }
                elsewhere || from.is_none_or(|f| end.is_none_or(|e| e.get(..10).unwrap_or(e) >= f))
            })
            .collect();
        let hidden = statements.iter().any(|r| confidential(r)) && !leak;
        let chosen: Vec<&Value> = statements.into_iter().filter(|r| leak || !confidential(r)).collect();
        if issues || self.d(InfDefect::PrescriptionIssuesAlwaysIncluded) {
            let plans: Vec<String> = chosen
                .iter()
                .filter(|s| !active_plans_only || s.get("status").and_then(Value::as_str) == Some("active"))
                .filter_map(|s| s.pointer("/basedOn/0/reference").and_then(Value::as_str).map(str::to_string))
                .collect();
            let orders: Vec<&Value> = self
                .of_kind("MedicationRequest")
                .filter(|r| r.get("intent").and_then(Value::as_str) == Some("order"))
                .filter(|r| {
                    r.pointer("/basedOn/0/reference")
                        .and_then(Value::as_str)
                        .is_some_and(|p| plans.iter().any(|x| x == p))
                })
                .collect();
            for o in orders {
                self.add_item(o);
            }
        }
        self.primary(MEDICATIONS, chosen, hidden);
    }

    fn problems(&mut self, pairs: &[(Option<String>, Option<String>)]) {
        let ignore_status = self.d(InfDefect::ProblemFilterStatusIgnored);
        fn sig(r: &Value) -> Option<&str> {
            r.get("extension").and_then(Value::as_array).into_iter().flatten().find_map(|e| {
                (e.get("url").and_then(Value::as_str) == Some(SIGNIFICANCE))
                    .then(|| e.get("valueCode").and_then(Value::as_str))?
            })
        }
        // A confidential problem is withheld, with the warning on the list
        // (GP Connect 1.6, "Problems containing confidential items").
        let (all, hidden) = self.shareable(self.of_kind("Condition").collect());
        let chosen: Vec<&Value> = all
            .iter()
            .copied()
            .filter(|r| {
                pairs.iter().any(|(status, significance)| {
                    (ignore_status
                        || status.as_deref().is_none_or(|s| r.get("clinicalStatus").and_then(Value::as_str) == Some(s)))
                        && significance.as_deref().is_none_or(|s| sig(r) == Some(s))
                })
            })
            .collect();
        let chosen_refs: Vec<String> = chosen.iter().map(|r| reference(r)).collect();
        for p in &chosen {
            if self.d(InfDefect::ProblemLinkedItemsOmitted) {
                continue;
            }
            for linked in related(p, RELATED_CONTENT) {
                if let Some(x) = self.find(&linked)
                    && !confidential(x)
                {
                    self.add_item(x);
                }
            }
        }
        // Problems linked to the chosen ones but outside the filter.
        let mut linked_problems: Vec<&Value> = Vec::new();
        for p in &all {
            let r = reference(p);
            if chosen_refs.contains(&r) {
                continue;
            }
            let links_to_chosen = related(p, RELATED_PROBLEM).iter().any(|t| chosen_refs.contains(t))
                || chosen.iter().any(|c| related(c, RELATED_PROBLEM).contains(&r));
            if links_to_chosen {
                linked_problems.push(p);
            }
        }
        self.primary(PROBLEMS, chosen, hidden);
        self.linked_problems_list(linked_problems);
    }

    fn linked_problems_list(&mut self, problems: Vec<&'a Value>) {
        if problems.is_empty() {
            return;
        }
        let refs: Vec<String> = problems.iter().map(|r| reference(r)).collect();
        for p in problems {
            self.add(p);
        }
        let warnings = self.warnings(false);
        let mut list = self.list(
            (LINKED_PROBLEMS, "problems-linked-problems-not-relating-to-the-primary-query"),
            &refs,
            &warnings,
        );
        list["code"] = json!({ "coding": [{
            "system": "https://fhir.hl7.org.uk/STU3/CodeSystem/GPConnect-SecondaryListValues-1",
            "code": "problems-linked-problems-not-relating-to-the-primary-query",
            "display": LINKED_PROBLEMS
        }]});
        self.push_list(list);
    }

    /// The items that may be shared, and whether any was withheld as
    /// confidential (its list then carries the confidential-items warning).
    fn shareable(&self, items: Vec<&'a Value>) -> (Vec<&'a Value>, bool) {
        if self.d(InfDefect::ConfidentialItemsLeaked) {
            return (items, false);
        }
        let hidden = items.iter().any(|r| confidential(r));
        (items.into_iter().filter(|r| !confidential(r)).collect(), hidden)
    }

    fn immunisations(&mut self, not_given: bool) {
        let not_given =
            (not_given && !self.d(InfDefect::IncludeNotGivenIgnored)) || self.d(InfDefect::ImmunisationsNotGivenAlways);
        let chosen: Vec<&Value> = self
            .of_kind("Immunization")
            .filter(|r| not_given || !r.get("notGiven").and_then(Value::as_bool).unwrap_or(false))
            .collect();
        let (chosen, hidden) = self.shareable(chosen);
        self.primary(IMMUNISATIONS, chosen, hidden);
    }

    fn consultations(&mut self, period: Option<&Period>, most_recent: Option<usize>) {
        let start = |r: &Value| r.pointer("/period/start").and_then(Value::as_str).unwrap_or_default().to_string();
        let period = if self.d(InfDefect::ConsultationPeriodIgnored) { None } else { period };
        // A confidential consultation is withheld, with the warning on the
        // list (GP Connect 1.6, "Consultations containing confidential items").
        let (mut encounters, hidden) = self
            .shareable(self.of_kind("Encounter").filter(|e| period.is_none_or(|p| p.contains(&start(e)))).collect());
        encounters.sort_by_key(|e| std::cmp::Reverse(start(e)));
        if let Some(n) = most_recent
            && !self.d(InfDefect::MostRecentIgnored)
        {
            encounters.truncate(n);
        }
        let refs: Vec<String> = encounters.iter().map(|e| reference(e)).collect();
        for e in &encounters {
            self.add(e);
            if !self.d(InfDefect::ConsultationStructureMissing) {
                self.consultation_structure(e);
            }
        }
        let warnings = self.warnings(hidden);
        let list = self.list(CONSULTATIONS, &refs, &warnings);
        self.push_list(list);
    }

    /// A consultation's Consultation List and its one Topic List of the
    /// items recorded in it.
    fn consultation_structure(&mut self, encounter: &Value) {
        let enc = reference(encounter);
        let in_it = |r: &Value| {
            ["/context/reference", "/encounter/reference"]
                .iter()
                .any(|p| r.pointer(p).and_then(Value::as_str) == Some(&enc))
                || r.get("extension").and_then(Value::as_array).into_iter().flatten().any(|e| {
                    e.get("url").and_then(Value::as_str) == Some(ENCOUNTER_EXTENSION)
                        && e.pointer("/valueReference/reference").and_then(Value::as_str) == Some(&enc)
                })
        };
        let items: Vec<&Value> = self.patient.record.iter().filter(|r| in_it(r) && !confidential(r)).collect();
        let item_refs: Vec<String> = items.iter().map(|r| reference(r)).collect();
        for r in items {
            self.add_item(r);
        }
        let title = encounter.pointer("/type/0/text").and_then(Value::as_str).unwrap_or("Consultation");
        let (consultation_id, topic_id) =
            (format!("{}-consultation", id(encounter)), format!("{}-topic", id(encounter)));
        let structure = |list_id: &str, code: &str, display: &str, title: &str, entries: Vec<String>| {
            json!({
                "resourceType": "List",
                "id": list_id,
                "meta": { "profile": [LIST_PROFILE] },
                "status": "current",
                "mode": "snapshot",
                "title": title,
                "code": { "coding": [{ "system": SCT, "code": code, "display": display }] },
                "subject": { "reference": format!("Patient/{}", self.patient.id) },
                "encounter": { "reference": enc },
                "date": encounter.pointer("/period/start").cloned().unwrap_or(Value::Null),
                "orderedBy": { "coding": [{ "system": "http://hl7.org/fhir/list-order", "code": "system", "display": "Sorted by System" }] },
                "entry": entries.iter().map(|r| json!({ "item": { "reference": r } })).collect::<Vec<_>>(),
            })
        };
        let consultation =
            structure(&consultation_id, "325851000000107", "Consultation", title, vec![format!("List/{topic_id}")]);
        let mut topic = structure(&topic_id, "25851000000105", "Topic (EHR)", "Topic", item_refs);
        // A consultation recorded with nothing in it has an empty Topic:
        // FHIR allows no empty array, so the List has no entry element.
        if let Some(o) = topic.as_object_mut()
            && o.get("entry").and_then(Value::as_array).is_some_and(Vec::is_empty)
        {
            o.remove("entry");
        }
        self.push_list(consultation);
        self.push_list(topic);
    }

    fn dated(&mut self, which: (&str, &str), ty: &'a str, field: &str, period: &Period, undated_too: bool) {
        let results: BTreeSet<String> = self
            .of_kind("DiagnosticReport")
            .flat_map(|r| r.get("result").and_then(Value::as_array).into_iter().flatten())
            .filter_map(|x| x.as_reference().reference().map(str::to_string))
            .collect();
        let chosen: Vec<&Value> = self
            .of_kind(ty)
            .filter(|r| !results.contains(&reference(r)))
            .filter(|r| match r.get(field).and_then(Value::as_str) {
                Some(when) if self.d(InfDefect::SearchBoundsCompareDatetimes) => {
                    period.start.as_deref().is_none_or(|s| when >= s) && period.end.as_deref().is_none_or(|e| when <= e)
                }
                Some(when) => period.contains(when),
                None => undated_too && !self.d(InfDefect::UncategorisedUndatedDropped),
            })
            .collect();
        let (chosen, hidden) = self.shareable(chosen);
        self.primary(which, chosen, hidden);
    }

    fn diary(&mut self, until: Option<&str>) {
        let until = if self.d(InfDefect::DiaryDateIgnored) { None } else { until };
        let whole_datetime = self.d(InfDefect::SearchBoundsCompareDatetimes);
        let chosen: Vec<&Value> = self
            .of_kind("ProcedureRequest")
            .filter(|r| {
                let when = r.get("occurrenceDateTime").and_then(Value::as_str).unwrap_or_default();
                let day = when.get(..10).unwrap_or(when);
                let overdue = day < self.today && r.get("status").and_then(Value::as_str) == Some("active");
                overdue || until.is_none_or(|u| if whole_datetime { when <= u } else { day <= u })
            })
            .collect();
        let (chosen, hidden) = self.shareable(chosen);
        self.primary(DIARY, chosen, hidden);
    }

    /// Problems linked to items of non-problem lists, in the one list GP
    /// Connect allows for them.
    fn problems_linked_to_items(&mut self) {
        let items = self.primary_items.clone();
        let linked: Vec<&Value> = self
            .of_kind("Condition")
            .filter(|p| !self.included.contains(&reference(p)))
            .filter(|p| related(p, RELATED_CONTENT).iter().any(|t| items.contains(t)))
            .collect();
        self.linked_problems_list(linked);
    }

    /// Adds the Practitioners, Organizations and Locations the Bundle refers to.
    fn admin_closure(&mut self) {
        let usual_gp = self.patient.resource.pointer("/generalPractitioner/0/reference").and_then(Value::as_str);
        let mut refs = Vec::new();
        for e in &self.entries {
            references(e, &mut refs);
        }
        for r in refs {
            if self.included.contains(&r) {
                continue;
            }
            let Some((ty, id)) = r.split_once('/') else { continue };
            let store = &self.state.store;
            let items = match ty {
                "Practitioner" => &store.practitioners,
                "Organization" => &store.organizations,
                "Location" => &store.locations,
                _ => continue,
            };
            if let Some(item) = items.iter().find(|i| i.id == id) {
                if usual_gp == Some(r.as_str()) && self.d(InfDefect::StructuredOmitsUsualGp) {
                    continue;
                }
                let resource = item.resource.clone();
                self.add(&resource);
            }
        }
    }
}

/// An ended allergy as a defective provider shows it: the end reason GP
/// Connect gives legacy allergies ("No information available") left off.
fn without_legacy_end_reason(r: &Value) -> Value {
    let mut r = public(r);
    for ext in r.get_mut("extension").and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(parts) = ext.get_mut("extension").and_then(Value::as_array_mut) {
            parts.retain(|x| x.get("valueString").and_then(Value::as_str) != Some("No information available"));
        }
    }
    r
}

fn related(r: &Value, url: &str) -> Vec<String> {
    r.get("extension")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| e.get("url").and_then(Value::as_str) == Some(url))
        .filter_map(|e| {
            e.pointer("/valueReference/reference").and_then(Value::as_str).map(str::to_string).or_else(|| {
                e.get("extension")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .find(|x| x.get("url").and_then(Value::as_str) == Some("target"))
                    .and_then(|x| x.pointer("/valueReference/reference").and_then(Value::as_str))
                    .map(str::to_string)
            })
        })
        .collect()
}

/// `2025-09-15` → `15-Sep-2025` (GP Connect's dd-Mmm-yyyy).
fn dd_mmm_yyyy(date: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = date.get(5..7).and_then(|m| m.parse::<usize>().ok()).and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match (date.get(..4), month, date.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}-{m}-{y}"),
        _ => date.to_string(),
    }
}

/// The structured record Bundle for `q` (already validated) and a patient
/// who may be shared.
pub fn build(state: &State, patient: &StoredPatient, q: &Query, trace_id: &str, today: &str) -> Value {
    // What the practice's clinicians recorded is part of the record.
    let recorded = crate::reference::rec::clinical::structured::views(state, &patient.id);
    let with_recorded;
    let patient = if recorded.is_empty() {
        patient
    } else {
        let mut p = patient.clone();
        p.record.extend(recorded);
        with_recorded = p;
        &with_recorded
    };
    let mut b =
        Builder { state, patient, today, entries: Vec::new(), included: BTreeSet::new(), primary_items: Vec::new() };
    let patient_view = patient.public_view(true);
    b.add(&patient_view);
    b.add(&state.store.organization);
    if let Some(a) = q.allergies {
        b.allergies(a);
    }
    if let Some(m) = &q.medication {
        b.medications(m.prescription_issues, m.from.as_deref());
    }
    if let Some(p) = &q.problems {
        b.problems(&p.pairs);
    }
    if let Some(i) = &q.immunisations {
        b.immunisations(i.not_given);
    }
    if let Some(c) = &q.consultations {
        b.consultations(c.period.as_ref(), c.most_recent);
    }
    if let Some(p) = &q.uncategorised {
        let p = if state.defects.has(InfDefect::UncategorisedPeriodIgnored) { Period::default() } else { p.clone() };
        b.dated(UNCATEGORISED, "Observation", "effectiveDateTime", &p, true);
    }
    if let Some(p) = &q.investigations {
        let p = if state.defects.has(InfDefect::InvestigationPeriodIgnored) { Period::default() } else { p.clone() };
        b.dated(INVESTIGATIONS, "DiagnosticReport", "issued", &p, false);
    }
    if let Some(p) = &q.referrals {
        let p = if state.defects.has(InfDefect::ReferralPeriodIgnored) { Period::default() } else { p.clone() };
        b.dated(REFERRALS, "ReferralRequest", "authoredOn", &p, false);
    }
    if let Some(until) = &q.diary {
        b.diary(until.as_deref());
    }
    if q.problems.is_none() && !state.defects.has(InfDefect::LinkedProblemsOmitted) {
        b.problems_linked_to_items();
    }
    b.admin_closure();
    let mut entries = std::mem::take(&mut b.entries);
    if state.defects.has(InfDefect::ReferralStatusActive) {
        // Only the referrals of the Outbound referral list: the slip is in
        // the referrals area, not in items a problem brings along.
        let listed: Vec<String> = entries
            .iter()
            .filter(|r| kind(r) == "List" && r.get("title").and_then(Value::as_str) == Some(REFERRALS.0))
            .flat_map(|l| l.get("entry").and_then(Value::as_array).into_iter().flatten())
            .filter_map(|e| e.pointer("/item/reference").and_then(Value::as_str).map(str::to_string))
            .collect();
        for r in entries.iter_mut().filter(|r| listed.contains(&reference(r))) {
            r["status"] = json!("active");
        }
    }
    if state.defects.has(InfDefect::AllergyClinicalStatusOmitted) {
        // The current allergies, served as entries (the ended ones are contained in their List).
        for r in entries.iter_mut().filter(|r| kind(r) == "AllergyIntolerance") {
            if let Some(o) = r.as_object_mut() {
                o.remove("clinicalStatus");
            }
        }
    }
    if state.defects.has(InfDefect::AllergyMetaVersioned) {
        // The ended allergies only: they are built apart, contained in their List.
        let ended = entries
            .iter_mut()
            .filter(|r| kind(r) == "List" && r.get("title").and_then(Value::as_str) == Some(ENDED_ALLERGIES.0));
        for r in ended.flat_map(|l| l.get_mut("contained").and_then(Value::as_array_mut).into_iter().flatten()) {
            r["meta"]["versionId"] = json!("1");
        }
    }
    if state.defects.has(InfDefect::StructuredDuplicateResources)
        && let Some(gp) = entries.iter().find(|r| kind(r) == "Practitioner").cloned()
    {
        entries.push(gp);
    }
    if !q.unknown.is_empty() {
        entries.push(warnings(&q.unknown));
    }
    let bundle_id = if state.defects.has(InfDefect::StructuredBundleIdNotTraceId) {
        uuid::Uuid::new_v4().to_string()
    } else {
        trace_id.to_string()
    };
    json!({
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": { "profile": [gpc::STRUCTURED_BUNDLE_PROFILE] },
        "type": "collection",
        "entry": entries.into_iter().map(|r| json!({ "resource": r })).collect::<Vec<_>>(),
    })
}

/// A coded "no known allergy" (SNOMED 716186003): an allergy record, not an absence of one.
fn no_known_allergy(r: &Value) -> bool {
    r.pointer("/code/coding")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| c.get("code").and_then(Value::as_str) == Some("716186003"))
}

/// The OperationOutcome that tells a consumer which parameters were ignored.
fn warnings(unknown: &[String]) -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "id": uuid::Uuid::new_v4().to_string(),
        "meta": { "profile": [gpc::OPERATION_OUTCOME_PROFILE] },
        "issue": unknown.iter().map(|name| json!({
            "severity": "warning",
            "code": "not-supported",
            "details": {
                "coding": [{ "system": gpc::SPINE_ERROR_SYSTEM, "code": "NOT_IMPLEMENTED", "display": "Not implemented" }],
                "text": format!("{name} is an unrecognised parameter"),
            },
            "diagnostics": name,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_for_notes() {
        assert_eq!(dd_mmm_yyyy("2025-09-15"), "15-Sep-2025");
        assert_eq!(dd_mmm_yyyy("bad"), "bad");
    }
}
