//! The reference candidate's in-memory record store, loaded from the
//! fixture pack.

use serde_json::Value;

use std::collections::BTreeSet;

use crate::fixtures::{FixturePack, PatientFlag};

/// Elements GP Connect says Patient search and read SHALL NOT populate,
/// although a GP system may store them.
pub const WITHHELD_PATIENT_FIELDS: [&str; 8] = [
    "maritalStatus",
    "multipleBirthBoolean",
    "multipleBirthInteger",
    "birthPlace",
    "ethnicCategory",
    "religiousAffiliation",
    "residentialStatus",
    "treatmentCategory",
];

#[derive(Debug, Clone)]
pub struct StoredPatient {
    pub key: String,
    pub id: String,
    pub nhs_number: String,
    pub version: String,
    /// The record as stored, including withheld fields.
    pub resource: Value,
    /// The clinical record as stored.
    pub record: Vec<Value>,
    pub flags: BTreeSet<PatientFlag>,
    pub registered_on: Option<String>,
}

impl StoredPatient {
    /// GP Connect's "active patient": registered (active) and not deceased.
    pub fn is_active(&self) -> bool {
        self.resource.get("active").and_then(Value::as_bool).unwrap_or(false)
            && self.resource.get("deceasedDateTime").is_none()
            && self.resource.get("deceasedBoolean").and_then(Value::as_bool) != Some(true)
    }

    pub fn has(&self, flag: PatientFlag) -> bool {
        self.flags.contains(&flag)
    }

    /// Whether the NHS number is "present and verified".
    pub fn verified(&self) -> bool {
        crate::fixtures::nhs_number_verified(&self.resource)
    }

    /// Not sensitive, a Regular/GMS registration, a verified NHS number:
    /// what patient search needs besides an active patient.
    /// Found by patient search: not sensitive, NHS number verified. A
    /// temporary resident is active (GP Connect's glossary: "active" is
    /// about registration status, not type), so search finds them.
    pub fn searchable(&self) -> bool {
        !self.has(PatientFlag::Sensitive) && self.verified()
    }

    /// The resource as the API shows it.
    pub fn public_view(&self, withhold: bool) -> Value {
        let mut r = self.resource.clone();
        if withhold && let Some(obj) = r.as_object_mut() {
            for f in WITHHELD_PATIENT_FIELDS {
                obj.remove(f);
            }
            // Extensions are filtered by URL for the same reason.
            if let Some(Value::Array(ext)) = obj.get_mut("extension") {
                ext.retain(|e| {
                    let url = e.get("url").and_then(Value::as_str).unwrap_or_default();
                    !WITHHELD_PATIENT_FIELDS.iter().any(|f| url.to_lowercase().contains(&f.to_lowercase()))
                });
            }
        }
        r
    }
}

/// An organisation, practitioner or location as stored.
#[derive(Debug, Clone)]
pub struct StoredItem {
    pub id: String,
    /// ODS code or SDS user id (none for locations).
    pub business_id: Option<String>,
    pub version: String,
    pub resource: Value,
}

#[derive(Debug, Clone)]
pub struct Store {
    pub patients: Vec<StoredPatient>,
    pub organization: Value,
    pub organizations: Vec<StoredItem>,
    pub practitioners: Vec<StoredItem>,
    pub locations: Vec<StoredItem>,
}

fn items(map: &std::collections::BTreeMap<String, crate::fixtures::FixtureItem>) -> Vec<StoredItem> {
    map.values()
        .filter_map(|f| {
            let r = f.resource.clone()?;
            Some(StoredItem {
                id: r.get("id")?.as_str()?.to_string(),
                business_id: f.business_id.clone(),
                version: r.pointer("/meta/versionId").and_then(Value::as_str).unwrap_or("1").to_string(),
                resource: r,
            })
        })
        .collect()
}

impl Store {
    pub fn from_fixtures(pack: &FixturePack) -> Self {
        let patients = pack
            .patients
            .iter()
            .filter_map(|(key, p)| {
                let r = p.resource.clone()?;
                Some(StoredPatient {
                    key: key.clone(),
                    id: r.get("id")?.as_str()?.to_string(),
                    version: r.pointer("/meta/versionId").and_then(Value::as_str).unwrap_or("1").to_string(),
                    nhs_number: p.nhs_number.clone(),
                    resource: r,
                    record: p.record.clone(),
                    flags: p.flags.clone(),
                    registered_on: p.registered_on.clone(),
                })
            })
            .collect();
        Self {
            patients,
            organization: pack.organization.clone(),
            organizations: items(&pack.organizations),
            practitioners: items(&pack.practitioners),
            locations: items(&pack.locations),
        }
    }

    pub fn by_id(&self, id: &str) -> Option<&StoredPatient> {
        self.patients.iter().find(|p| p.id == id)
    }

    pub fn by_nhs_number(&self, nhs: &str) -> impl Iterator<Item = &StoredPatient> {
        self.patients.iter().filter(move |p| p.nhs_number == nhs)
    }
}
