//! Where each clinical entry type keeps the elements the profile's write
//! and search rules are about (`REC`): the harness's reading, with which it
//! builds and judges entries. The reference candidate keeps its own reading
//! (`reference::entry_shape`), so one misreading cannot pass both;
//! a unit test there holds the two against each other.

use serde_json::{Value, json};

use crate::fhir::gpc::{self, EntryType};

/// The elements of one entry type, as JSON pointers into the resource, and
/// its search parameters.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub ty: EntryType,
    /// The patient reference (`Patient/[id]`).
    pub patient: &'static str,
    /// The author: the clinician who made the entry (a `Practitioner/[id]`).
    pub author: &'static str,
    /// When it happened: a dateTime to the second with a time zone.
    pub when: &'static str,
    /// The SNOMED CT coded concept (a CodeableConcept).
    pub code: &'static str,
    /// The status element and the value that marks an entry entered in error.
    pub status: &'static str,
    pub error_status: &'static str,
    pub date_param: &'static str,
    pub status_param: &'static str,
    /// The `_include` that brings in the author.
    pub include: &'static str,
}

impl Shape {
    pub fn of(ty: EntryType) -> Shape {
        match ty {
            EntryType::Condition => Shape {
                ty,
                patient: "/subject/reference",
                author: "/asserter/reference",
                when: "/assertedDate",
                code: "/code",
                status: "/clinicalStatus",
                error_status: "/verificationStatus",
                date_param: "asserted-date",
                status_param: "clinical-status",
                include: "Condition:asserter",
            },
            EntryType::Observation => Shape {
                ty,
                patient: "/subject/reference",
                author: "/performer/0/reference",
                when: "/effectiveDateTime",
                code: "/code",
                status: "/status",
                error_status: "/status",
                date_param: "date",
                status_param: "status",
                include: "Observation:performer",
            },
            EntryType::AllergyIntolerance => Shape {
                ty,
                patient: "/patient/reference",
                author: "/asserter/reference",
                when: "/assertedDate",
                code: "/code",
                status: "/clinicalStatus",
                error_status: "/verificationStatus",
                date_param: "date",
                status_param: "clinical-status",
                include: "AllergyIntolerance:asserter",
            },
            EntryType::Encounter => Shape {
                ty,
                patient: "/subject/reference",
                author: "/participant/0/individual/reference",
                when: "/period/start",
                code: "/type/0",
                status: "/status",
                error_status: "/status",
                date_param: "date",
                status_param: "status",
                include: "Encounter:practitioner",
            },
        }
    }

    /// A pointer as a FHIR element path for messages: `/performer/0/reference`
    /// of an Observation is `Observation.performer`.
    pub fn element(&self, pointer: &str) -> String {
        let parts: Vec<&str> =
            pointer.split('/').filter(|p| !p.is_empty() && *p != "reference" && p.parse::<usize>().is_err()).collect();
        format!("{}.{}", self.ty.name(), parts.join("."))
    }

    /// The status values the profile allows (FHIR STU3 value sets).
    pub fn statuses(&self) -> &'static [&'static str] {
        match self.ty {
            EntryType::Condition => &["active", "recurrence", "inactive", "remission", "resolved"],
            EntryType::AllergyIntolerance => &["active", "inactive", "resolved"],
            EntryType::Observation => &[
                "registered",
                "preliminary",
                "final",
                "amended",
                "corrected",
                "cancelled",
                "entered-in-error",
                "unknown",
            ],
            EntryType::Encounter => &[
                "planned",
                "arrived",
                "triaged",
                "in-progress",
                "onleave",
                "finished",
                "cancelled",
                "entered-in-error",
                "unknown",
            ],
        }
    }

    /// Whether an entry is marked entered in error.
    pub fn is_entered_in_error(&self, r: &Value) -> bool {
        r.pointer(self.error_status).and_then(Value::as_str) == Some("entered-in-error")
    }

    /// Marks an entry entered in error (an AllergyIntolerance in error has no
    /// clinicalStatus: FHIR invariant ait-2).
    pub fn mark_entered_in_error(&self, r: &mut Value) {
        set_pointer(r, self.error_status, json!("entered-in-error"));
        if self.ty == EntryType::AllergyIntolerance
            && let Some(o) = r.as_object_mut()
        {
            o.remove("clinicalStatus");
        }
    }
}

/// A valid entry of this type, as a consumer would send it: for the patient
/// and author logical ids, at `when`, with a fresh business identifier.
pub fn template(ty: EntryType, patient: &str, author: &str, when: &str, identifier: &str) -> Value {
    let snomed = |code: &str, display: &str| json!({ "coding": [{ "system": gpc::SNOMED_SYSTEM, "code": code, "display": display }] });
    let id = json!([{ "system": gpc::ENTRY_IDENTIFIER_SYSTEM, "value": identifier }]);
    let patient = json!({ "reference": format!("Patient/{patient}") });
    let author = json!({ "reference": format!("Practitioner/{author}") });
    match ty {
        EntryType::Condition => json!({
            "resourceType": "Condition",
            "identifier": id,
            "clinicalStatus": "active",
            "verificationStatus": "confirmed",
            "code": snomed("195967001", "Asthma"),
            "subject": patient,
            "assertedDate": when,
            "asserter": author
        }),
        EntryType::Observation => json!({
            "resourceType": "Observation",
            "identifier": id,
            "status": "final",
            "code": snomed("27113001", "Body weight"),
            "subject": patient,
            "effectiveDateTime": when,
            "performer": [author],
            "valueQuantity": { "value": 72.5, "unit": "kg", "system": gpc::UCUM_SYSTEM, "code": "kg" }
        }),
        EntryType::AllergyIntolerance => json!({
            "resourceType": "AllergyIntolerance",
            "identifier": id,
            "clinicalStatus": "active",
            "verificationStatus": "confirmed",
            "code": snomed("91936005", "Allergy to penicillin"),
            "patient": patient,
            "assertedDate": when,
            "asserter": author
        }),
        EntryType::Encounter => json!({
            "resourceType": "Encounter",
            "identifier": id,
            "status": "finished",
            "type": [snomed("185317003", "Telephone encounter")],
            "subject": patient,
            "period": { "start": when },
            "participant": [{ "individual": author }]
        }),
    }
}

/// Sets the value at a JSON pointer, creating objects on the way (array
/// indices must exist).
pub fn set_pointer(v: &mut Value, pointer: &str, new: Value) {
    let mut cur = v;
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, p) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        cur = match cur {
            Value::Object(o) => {
                if last {
                    o.insert((*p).to_string(), new);
                    return;
                }
                o.entry((*p).to_string()).or_insert_with(|| json!({}))
            }
            Value::Array(a) => match p.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(x) if last => {
                    *x = new;
                    return;
                }
                Some(x) => x,
                None => return,
            },
            _ => return,
        };
    }
}

/// A dotted path (`valueQuantity.code`, `name.0.family`, array indices as
/// numbers) as a JSON pointer under `prefix`.
pub fn dotted_pointer(prefix: &str, path: &str) -> String {
    path.split('.').fold(prefix.to_string(), |acc, p| format!("{acc}/{p}"))
}

/// Removes the value at a JSON pointer (no-op when absent).
pub fn remove_pointer(v: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    match v.pointer_mut(parent) {
        Some(Value::Object(o)) => {
            o.remove(last);
        }
        Some(Value::Array(a)) => {
            if let Ok(i) = last.parse::<usize>()
                && i < a.len()
            {
                a.remove(i);
            }
        }
        _ => {}
    }
}

/// Removes `pointer`, and the arrays and objects the removal left empty
/// (never `floor` or above it): FHIR JSON has no empty ones, so "the
/// Encounter without its participant" drops `participant`, not leaves `[]`.
pub fn remove_pruned(v: &mut Value, pointer: &str, floor: &str) {
    remove_pointer(v, pointer);
    let mut at = pointer;
    while let Some((parent, _)) = at.rsplit_once('/') {
        let emptied = match v.pointer(parent) {
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Object(o)) => o.is_empty(),
            _ => false,
        };
        if parent.len() <= floor.len() || !emptied {
            break;
        }
        remove_pointer(v, parent);
        at = parent;
    }
}

/// The identifiers (`system`, `value`) an entry carries.
pub fn identifiers(r: &Value) -> Vec<(String, String)> {
    r.get("identifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| Some((i.get("system")?.as_str()?.to_string(), i.get("value")?.as_str()?.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminology::check_concept_id;

    #[test]
    fn templates_hold_every_element_their_shape_names() {
        for ty in EntryType::ALL {
            let s = Shape::of(ty);
            let r = template(ty, "p1", "a1", "2001-06-01T10:30:00+00:00", "x");
            assert_eq!(r.pointer(s.patient).and_then(Value::as_str), Some("Patient/p1"), "{ty:?}");
            assert_eq!(r.pointer(s.author).and_then(Value::as_str), Some("Practitioner/a1"), "{ty:?}");
            assert!(r.pointer(s.when).is_some(), "{ty:?}");
            let code = r.pointer(s.code).and_then(|c| c.pointer("/coding/0/code")).and_then(Value::as_str);
            assert_eq!(code.map(check_concept_id), Some(Ok(())), "{ty:?}");
            let status = r.pointer(s.status).and_then(Value::as_str).unwrap_or_default();
            assert!(s.statuses().contains(&status), "{ty:?} {status}");
        }
    }

    #[test]
    fn element_names_read_like_fhir_paths() {
        assert_eq!(Shape::of(EntryType::Observation).element("/performer/0/reference"), "Observation.performer");
        assert_eq!(Shape::of(EntryType::Encounter).element("/period/start"), "Encounter.period.start");
    }

    #[test]
    fn pointers_set_and_remove() {
        let mut v = json!({ "a": [{ "b": 1 }] });
        set_pointer(&mut v, "/a/0/b", json!(2));
        set_pointer(&mut v, "/c/d", json!(3));
        assert_eq!(v, json!({ "a": [{ "b": 2 }], "c": { "d": 3 } }));
        remove_pointer(&mut v, "/a/0/b");
        remove_pointer(&mut v, "/zz/y");
        assert_eq!(v, json!({ "a": [{}], "c": { "d": 3 } }));
        let mut e = template(EntryType::AllergyIntolerance, "p", "a", "t", "i");
        Shape::of(EntryType::AllergyIntolerance).mark_entered_in_error(&mut e);
        assert!(e.get("clinicalStatus").is_none());
        assert!(Shape::of(EntryType::AllergyIntolerance).is_entered_in_error(&e));
    }
}
