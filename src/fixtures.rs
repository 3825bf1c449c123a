//! The accreditation test-data pack (`fixtures/`): the patients and practice a
//! candidate must hold. The reference candidate serves it; the harness uses
//! its keys and NHS numbers as the default identity map.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::support::embedded;

#[derive(Debug, thiserror::Error)]
#[error("fixtures/{file}: {message}")]
pub struct FixtureError {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct FixturePatient {
    pub nhs_number: String,
    /// The stored resource; `None` for keys that exist to be absent
    /// (e.g. `patientNotInSystem`).
    pub resource: Option<Value>,
    /// The clinical record as stored (FHIR STU3 resources; `meta.security`
    /// code R marks confidential items).
    pub record: Vec<Value>,
    pub flags: std::collections::BTreeSet<PatientFlag>,
    /// NHS numbers superseded or retired in a merge: they find nothing.
    pub former_nhs_numbers: Vec<String>,
    /// When the patient registered here (records still in transit).
    pub registered_on: Option<String>,
    pub purpose: String,
}

/// Facts about a patient that a FHIR Patient resource does not carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PatientFlag {
    /// PDS sensitive: never shared.
    Sensitive,
    /// Dissented from sharing their record.
    Dissent,
    /// Not a Regular/GMS registration (e.g. a temporary resident).
    Temporary,
    /// The record is still arriving from a previous practice.
    InTransit,
    /// A dispensing patient: the practice may dispense to them (they live
    /// over a mile from a pharmacy).
    Dispensing,
}

/// An organisation, practitioner or location of the pack: its business
/// identifier (ODS code, SDS user id; none for locations), the stored
/// resource (`None` for keys that exist to be absent) and why it is there.
#[derive(Debug, Clone)]
pub struct FixtureItem {
    pub business_id: Option<String>,
    pub resource: Option<Value>,
    pub purpose: String,
}

impl FixtureItem {
    /// The stored resource's logical id.
    pub fn logical_id(&self) -> Option<&str> {
        self.resource.as_ref()?.get("id")?.as_str()
    }
}

#[derive(Debug, Clone)]
pub struct FixturePack {
    pub organization: Value,
    pub ods_code: String,
    pub asid: String,
    pub patients: BTreeMap<String, FixturePatient>,
    pub organizations: BTreeMap<String, FixtureItem>,
    pub practitioners: BTreeMap<String, FixtureItem>,
    pub locations: BTreeMap<String, FixtureItem>,
    /// ODS codes of organisations, beyond the practice itself, with a
    /// legitimate relationship to its patients (sharing agreements).
    pub relationships: Vec<String>,
    /// Other care settings with a sharing agreement (XCS): each reads only
    /// the parts of the structured record its agreement names.
    pub care_settings: Vec<CareSetting>,
    /// Patients on Spine PDS but not registered at the practice, by key.
    pub pds: BTreeMap<String, PdsPatient>,
}

/// A care setting outside the practice and what its sharing agreement lets
/// it read: structured record parameter names (`includeMedication`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CareSetting {
    pub ods_code: String,
    /// hospital, community, out-of-hours, ...
    pub setting: String,
    pub parts: Vec<String>,
}

/// A patient as Spine PDS knows them: `fixtures/pds.json`, the PDS part of
/// `fixtures/national.json`, and the practice's own patients. One type for
/// the reference's registrations and the hosted PDS alike.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct PdsPatient {
    pub key: String,
    pub nhs_number: String,
    pub family: String,
    pub given: String,
    pub gender: String,
    pub birth_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// Date of death, if PDS records one.
    #[serde(default)]
    pub deceased: Option<String>,
    /// NHS numbers PDS retired in favour of this record's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<String>,
    /// Restricted ("S-flagged"): PDS withholds where they live.
    #[serde(default, alias = "restricted")]
    pub sensitive: bool,
    pub purpose: String,
}

impl FixturePack {
    /// Everyone PDS knows in the test environment: `pds.json`, and the
    /// practice's own patients with the demographics it holds.
    pub fn on_pds(&self) -> Vec<PdsPatient> {
        let mut all: Vec<PdsPatient> = self.pds.values().cloned().collect();
        for (key, p) in &self.patients {
            let Some(r) = &p.resource else { continue };
            let text = |ptr: &str| r.pointer(ptr).and_then(Value::as_str).unwrap_or_default().to_string();
            all.push(PdsPatient {
                key: key.clone(),
                nhs_number: p.nhs_number.clone(),
                family: text("/name/0/family"),
                given: text("/name/0/given/0"),
                gender: text("/gender"),
                birth_date: text("/birthDate"),
                postcode: None,
                deceased: r.get("deceasedDateTime").and_then(Value::as_str).map(str::to_string),
                superseded: p.former_nhs_numbers.clone(),
                sensitive: p.flags.contains(&PatientFlag::Sensitive),
                purpose: p.purpose.clone(),
            });
        }
        all
    }
}

impl PdsPatient {
    /// Pool patients are the ones a run may register (`pool1`, `pool2`, ...).
    pub fn in_pool(&self) -> bool {
        self.key.starts_with("pool")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PdsFile {
    #[serde(rename = "_comment", default)]
    _comment: String,
    patients: Vec<PdsPatient>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    pds: Option<String>,
    organization: ManifestOrg,
    patients: BTreeMap<String, ManifestPatient>,
    #[serde(default)]
    organizations: BTreeMap<String, ManifestItem>,
    #[serde(default)]
    practitioners: BTreeMap<String, ManifestItem>,
    #[serde(default)]
    locations: BTreeMap<String, ManifestItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestItem {
    ods_code: Option<String>,
    sds_user_id: Option<String>,
    resource: Option<String>,
    purpose: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestOrg {
    resource: String,
    ods_code: String,
    asid: String,
    #[serde(default)]
    relationships: Vec<String>,
    #[serde(default)]
    care_settings: Vec<CareSetting>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestPatient {
    nhs_number: String,
    resource: Option<String>,
    record: Option<String>,
    #[serde(default)]
    flags: std::collections::BTreeSet<PatientFlag>,
    #[serde(default)]
    former_nhs_numbers: Vec<String>,
    registered_on: Option<String>,
    purpose: String,
}

impl FixturePatient {
    /// Whether GP Connect patient search returns this patient: it is held,
    /// active and alive, and not sensitive. A temporary resident is active
    /// (GP Connect's glossary: "active" is a registration status, not a
    /// type), so search finds them.
    pub fn found_by_search(&self) -> bool {
        self.shareable() && !self.flags.contains(&PatientFlag::Sensitive)
    }

    /// Held, active, alive and with a verified NHS number: the conditions
    /// under which GP Connect serves anything about a patient.
    pub fn shareable(&self) -> bool {
        let Some(r) = &self.resource else { return false };
        let deceased =
            r.get("deceasedDateTime").is_some() || r.get("deceasedBoolean").and_then(Value::as_bool).unwrap_or(false);
        r.get("active").and_then(Value::as_bool).unwrap_or(true) && !deceased && nhs_number_verified(r)
    }
}

/// Whether a Patient's NHS number carries verification status 01 ("Number
/// present and verified"); a number without a status counts as verified.
pub fn nhs_number_verified(patient: &Value) -> bool {
    let status = patient
        .get("identifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|i| i.get("system").and_then(Value::as_str) == Some(crate::fhir::gpc::NHS_NUMBER_SYSTEM))
        .flat_map(|i| i.get("extension").and_then(Value::as_array).into_iter().flatten())
        .find_map(|e| e.pointer("/valueCodeableConcept/coding/0/code").and_then(Value::as_str));
    status.is_none_or(|c| c == "01")
}

impl FixturePack {
    /// The pack without these keys (of any kind): the data a candidate that
    /// failed to load them holds. Unknown keys are returned as the error.
    pub fn without(mut self, keys: &[String]) -> Result<Self, Vec<String>> {
        let mut unknown = Vec::new();
        for key in keys {
            let removed = self.patients.remove(key).is_some()
                | self.organizations.remove(key).is_some()
                | self.practitioners.remove(key).is_some()
                | self.locations.remove(key).is_some();
            if !removed {
                unknown.push(key.clone());
            }
        }
        if unknown.is_empty() { Ok(self) } else { Err(unknown) }
    }

    /// Every key, with its kind.
    pub fn keys(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.patients
            .keys()
            .map(|k| ("patient", k.as_str()))
            .chain(self.organizations.keys().map(|k| ("organisation", k.as_str())))
            .chain(self.practitioners.keys().map(|k| ("practitioner", k.as_str())))
            .chain(self.locations.keys().map(|k| ("location", k.as_str())))
    }

    /// The pack compiled into the binary.
    pub fn embedded() -> Result<Self, FixtureError> {
        let read = |path: &str| -> Result<&'static [u8], FixtureError> {
            embedded::find(embedded::FIXTURES, path)
                .ok_or_else(|| FixtureError { file: path.into(), message: "is missing".into() })
        };
        let json = |path: &str| -> Result<Value, FixtureError> {
            serde_json::from_slice(read(path)?)
                .map_err(|e| FixtureError { file: path.into(), message: format!("is not valid JSON: {e}") })
        };
        let text = std::str::from_utf8(read("manifest.toml")?)
            .map_err(|_| FixtureError { file: "manifest.toml".into(), message: "is not UTF-8".into() })?;
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| FixtureError { file: "manifest.toml".into(), message: e.to_string() })?;
        let mut patients = BTreeMap::new();
        for (key, p) in manifest.patients {
            if let Err(e) = crate::fhir::nhs::validate(&p.nhs_number) {
                return Err(FixtureError {
                    file: "manifest.toml".into(),
                    message: format!("[patients.{key}] nhs_number `{}`: {e}", p.nhs_number),
                });
            }
            for former in &p.former_nhs_numbers {
                crate::fhir::nhs::validate(former).map_err(|e| FixtureError {
                    file: "manifest.toml".into(),
                    message: format!("[patients.{key}] former_nhs_numbers `{former}`: {e}"),
                })?;
            }
            let resource = p.resource.as_deref().map(json).transpose()?;
            let record = match p.record.as_deref().map(json).transpose()? {
                None => Vec::new(),
                Some(Value::Array(items)) => items,
                Some(_) => {
                    return Err(FixtureError {
                        file: p.record.unwrap_or_default(),
                        message: "must be a JSON array of FHIR resources".into(),
                    });
                }
            };
            patients.insert(
                key,
                FixturePatient {
                    nhs_number: p.nhs_number,
                    resource,
                    record,
                    flags: p.flags,
                    former_nhs_numbers: p.former_nhs_numbers,
                    registered_on: p.registered_on,
                    purpose: p.purpose,
                },
            );
        }
        let items = |raw: BTreeMap<String, ManifestItem>| -> Result<BTreeMap<String, FixtureItem>, FixtureError> {
            raw.into_iter()
                .map(|(key, m)| {
                    let resource = m.resource.as_deref().map(json).transpose()?;
                    Ok((key, FixtureItem { business_id: m.ods_code.or(m.sds_user_id), resource, purpose: m.purpose }))
                })
                .collect()
        };
        let mut pds = BTreeMap::new();
        if let Some(path) = manifest.pds.as_deref() {
            let file: PdsFile = serde_json::from_slice(read(path)?)
                .map_err(|e| FixtureError { file: path.into(), message: format!("is not a PDS file: {e}") })?;
            for p in file.patients {
                crate::fhir::nhs::validate(&p.nhs_number).map_err(|e| FixtureError {
                    file: path.into(),
                    message: format!("{}: nhs_number `{}`: {e}", p.key, p.nhs_number),
                })?;
                pds.insert(p.key.clone(), p);
            }
        }
        Ok(Self {
            pds,
            organization: json(&manifest.organization.resource)?,
            ods_code: manifest.organization.ods_code,
            asid: manifest.organization.asid,
            relationships: manifest.organization.relationships,
            care_settings: manifest.organization.care_settings,
            patients,
            organizations: items(manifest.organizations)?,
            practitioners: items(manifest.practitioners)?,
            locations: items(manifest.locations)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_numbers_match_the_resources() {
        let pack = FixturePack::embedded().expect("embedded fixtures load");
        for (key, p) in &pack.patients {
            let Some(r) = &p.resource else { continue };
            let stored = r["identifier"][0]["value"].as_str();
            assert_eq!(stored, Some(p.nhs_number.as_str()), "{key}: manifest and resource disagree");
            assert_eq!(r["resourceType"], "Patient", "{key}");
        }
        assert!(pack.patients["patientNotInSystem"].resource.is_none());
    }

    #[test]
    fn directory_items_match_their_resources() {
        let pack = FixturePack::embedded().expect("load");
        for (key, o) in &pack.organizations {
            if let Some(r) = &o.resource {
                assert_eq!(r["identifier"][0]["value"].as_str(), o.business_id.as_deref(), "{key}");
            }
        }
        for (key, p) in &pack.practitioners {
            if let Some(r) = &p.resource {
                assert_eq!(r["identifier"][0]["value"].as_str(), p.business_id.as_deref(), "{key}");
            }
        }
        assert_eq!(pack.organizations["ORG1"].resource.as_ref(), Some(&pack.organization));
        assert!(pack.locations.values().all(|l| l.logical_id().is_some()));
    }

    #[test]
    fn readme_lists_every_key() {
        let readme =
            std::str::from_utf8(embedded::find(embedded::FIXTURES, "README.md").expect("README")).expect("utf8");
        let pack = FixturePack::embedded().expect("load");
        for (key, p) in &pack.patients {
            assert!(readme.contains(&format!("| `{key}` | {} |", p.nhs_number)), "README misses {key}");
        }
        for (key, item) in pack.organizations.iter().chain(&pack.practitioners) {
            let id = item.business_id.as_deref().unwrap_or_default();
            assert!(readme.contains(&format!("| `{key}` | {id} |")), "README misses {key}");
        }
        for key in pack.locations.keys() {
            assert!(readme.contains(&format!("| `{key}` |")), "README misses {key}");
        }
        assert!(pack.pds.values().filter(|p| p.in_pool()).count() >= 5, "a run registers five pool patients");
        for (key, p) in &pack.pds {
            assert!(readme.contains(&format!("| `{key}` | {} |", p.nhs_number)), "README misses {key}");
            let clash = pack
                .patients
                .values()
                .any(|q| q.nhs_number == p.nhs_number || q.former_nhs_numbers.contains(&p.nhs_number));
            assert!(!clash, "{key}: a PDS patient must not be registered at the practice");
        }
    }

    /// The README and the profile say in words how many patients a
    /// candidate loads: the number of records in `fixtures/patients/`.
    #[test]
    fn the_docs_count_the_patients_there_are() {
        let held = embedded::FIXTURES.iter().filter(|(p, _)| p.starts_with("patients/")).count();
        let n = u32::try_from(held).expect("a small number");
        let words = format!("{} patients", crate::medicines::in_words(n).replace(' ', "-"));
        for (doc, text) in
            [("README.md", include_str!("../README.md")), ("docs/profile.md", include_str!("../docs/profile.md"))]
        {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&words), "{doc} should say \"{words}\" (fixtures/patients/ holds {held})");
        }
    }

    #[test]
    fn directory_resources_conform_to_their_schemas() {
        let pack = FixturePack::embedded().expect("load");
        let schemas = crate::support::schemas::Schemas::embedded().expect("schemas");
        for (schema, items) in [
            ("organization", &pack.organizations),
            ("practitioner", &pack.practitioners),
            ("location", &pack.locations),
        ] {
            for (key, item) in items {
                if let Some(r) = &item.resource {
                    assert_eq!(schemas.check(schema, r), Ok(()), "{key}");
                }
            }
        }
    }
}
