//! The reference's own reading of where each clinical entry type keeps the
//! elements the profile's write and search rules are about (FHIR STU3
//! resource definitions, profile §15–17). The harness has its reading in
//! `crate::entries`; the two are kept apart on purpose, so one misreading
//! cannot make the judge and the reference agree on a wrong answer, and a
//! unit test below names any place where they differ.

use serde_json::Value;

use crate::fhir::gpc::EntryType;

/// One entry type's elements, as JSON pointers, and its search parameters.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub ty: EntryType,
    pub patient: &'static str,
    pub author: &'static str,
    pub when: &'static str,
    pub code: &'static str,
    pub status: &'static str,
    /// Where `entered-in-error` is said: a Condition's and an
    /// AllergyIntolerance's `verificationStatus`, the others' `status`.
    pub error_status: &'static str,
    pub date_param: &'static str,
    pub status_param: &'static str,
    pub include: &'static str,
}

impl Shape {
    pub fn of(ty: EntryType) -> Shape {
        // (patient, author, when, code, status, error_status, date, status search, include)
        let (patient, author, when, code, status, error_status, date_param, status_param, include) = match ty {
            EntryType::Condition => (
                "/subject/reference",
                "/asserter/reference",
                "/assertedDate",
                "/code",
                "/clinicalStatus",
                "/verificationStatus",
                "asserted-date",
                "clinical-status",
                "Condition:asserter",
            ),
            EntryType::AllergyIntolerance => (
                "/patient/reference",
                "/asserter/reference",
                "/assertedDate",
                "/code",
                "/clinicalStatus",
                "/verificationStatus",
                "date",
                "clinical-status",
                "AllergyIntolerance:asserter",
            ),
            EntryType::Observation => (
                "/subject/reference",
                "/performer/0/reference",
                "/effectiveDateTime",
                "/code",
                "/status",
                "/status",
                "date",
                "status",
                "Observation:performer",
            ),
            EntryType::Encounter => (
                "/subject/reference",
                "/participant/0/individual/reference",
                "/period/start",
                "/type/0",
                "/status",
                "/status",
                "date",
                "status",
                "Encounter:practitioner",
            ),
        };
        Shape { ty, patient, author, when, code, status, error_status, date_param, status_param, include }
    }

    /// A pointer named as a FHIR element for diagnostics
    /// (`/performer/0/reference` of an Observation: `Observation.performer`).
    pub fn element(&self, pointer: &str) -> String {
        pointer
            .split('/')
            .filter(|p| !p.is_empty() && *p != "reference" && !p.bytes().all(|b| b.is_ascii_digit()))
            .fold(self.ty.name().to_string(), |acc, p| acc + "." + p)
    }

    /// The status codes of the STU3 value set bound to the status element.
    pub fn statuses(&self) -> &'static [&'static str] {
        const CONDITION: &[&str] = &["active", "recurrence", "inactive", "remission", "resolved"];
        const ALLERGY: &[&str] = &["active", "inactive", "resolved"];
        const OBSERVATION: &[&str] =
            &["registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"];
        const ENCOUNTER: &[&str] = &[
            "planned",
            "arrived",
            "triaged",
            "in-progress",
            "onleave",
            "finished",
            "cancelled",
            "entered-in-error",
            "unknown",
        ];
        match self.ty {
            EntryType::Condition => CONDITION,
            EntryType::AllergyIntolerance => ALLERGY,
            EntryType::Observation => OBSERVATION,
            EntryType::Encounter => ENCOUNTER,
        }
    }

    pub fn is_entered_in_error(&self, r: &Value) -> bool {
        r.pointer(self.error_status).and_then(Value::as_str) == Some("entered-in-error")
    }
}

/// The two readings held against each other.
#[cfg(test)]
mod readings {
    use super::Shape as Reference;
    use crate::entries::Shape as Judge;
    use crate::fhir::gpc::EntryType;

    #[test]
    fn judge_and_reference_place_every_element_alike() {
        for ty in EntryType::ALL {
            let (j, r) = (Judge::of(ty), Reference::of(ty));
            let judge = [
                j.patient,
                j.author,
                j.when,
                j.code,
                j.status,
                j.error_status,
                j.date_param,
                j.status_param,
                j.include,
            ];
            let reference = [
                r.patient,
                r.author,
                r.when,
                r.code,
                r.status,
                r.error_status,
                r.date_param,
                r.status_param,
                r.include,
            ];
            assert_eq!(judge, reference, "{ty:?}");
            assert_eq!(j.statuses(), r.statuses(), "{ty:?}");
            assert_eq!(j.element(j.author), r.element(r.author), "{ty:?}");
        }
    }
}
