//! The accreditation test-data pack (`fixtures/`): the patients and practice a
//! candidate must hold. The reference candidate serves it; the harness uses
//! its keys and NHS numbers as the default identity map.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::config::PatientIdentity;
use crate::embedded;

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
    pub purpose: String,
}

#[derive(Debug, Clone)]
pub struct FixturePack {
    pub organization: Value,
    pub ods_code: String,
    pub asid: String,
    pub patients: BTreeMap<String, FixturePatient>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    organization: ManifestOrg,
    patients: BTreeMap<String, ManifestPatient>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestOrg {
    resource: String,
    ods_code: String,
    asid: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestPatient {
    nhs_number: String,
    resource: Option<String>,
    purpose: String,
}

impl FixturePack {
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
            if let Err(e) = crate::nhs::validate(&p.nhs_number) {
                return Err(FixtureError {
                    file: "manifest.toml".into(),
                    message: format!("[patients.{key}] nhs_number `{}`: {e}", p.nhs_number),
                });
            }
            let resource = p.resource.as_deref().map(json).transpose()?;
            patients.insert(key, FixturePatient { nhs_number: p.nhs_number, resource, purpose: p.purpose });
        }
        Ok(Self {
            organization: json(&manifest.organization.resource)?,
            ods_code: manifest.organization.ods_code,
            asid: manifest.organization.asid,
            patients,
        })
    }

    /// Fixture key → identifiers, as the pack itself assigns them.
    pub fn default_identities(&self) -> BTreeMap<String, PatientIdentity> {
        self.patients.iter().map(|(k, p)| (k.clone(), PatientIdentity { nhs_number: p.nhs_number.clone() })).collect()
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
    fn readme_lists_every_key() {
        let readme =
            std::str::from_utf8(embedded::find(embedded::FIXTURES, "README.md").expect("README")).expect("utf8");
        let pack = FixturePack::embedded().expect("load");
        for (key, p) in &pack.patients {
            assert!(readme.contains(&format!("| `{key}` | {} |", p.nhs_number)), "README misses {key}");
        }
    }
}
