//! JSON Schemas for the GP Connect resources the harness checks, compiled once
//! per run from `schemas/fhir/` (embedded in the binary).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::embedded;

#[derive(Debug, thiserror::Error)]
#[error("schemas/fhir/{file}: {message}")]
pub struct SchemaError {
    pub file: String,
    pub message: String,
}

/// Compiled schemas by name (`patient` for `patient.schema.json`).
pub struct Schemas {
    validators: BTreeMap<String, jsonschema::Validator>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.validators.keys()).finish()
    }
}

impl Schemas {
    /// The embedded schemas, compiled once per process and shared.
    pub fn shared() -> Result<std::sync::Arc<Schemas>, SchemaError> {
        static SHARED: std::sync::OnceLock<Result<std::sync::Arc<Schemas>, (String, String)>> =
            std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| Self::embedded().map(std::sync::Arc::new).map_err(|e| (e.file, e.message)))
            .clone()
            .map_err(|(file, message)| SchemaError { file, message })
    }

    pub fn embedded() -> Result<Self, SchemaError> {
        let mut validators = BTreeMap::new();
        for (path, bytes) in embedded::SCHEMAS {
            let Some(file) = path.strip_prefix("fhir/") else { continue };
            let Some(name) = file.strip_suffix(".schema.json") else { continue };
            let err = |message: String| SchemaError { file: file.to_string(), message };
            let schema: Value = serde_json::from_slice(bytes).map_err(|e| err(format!("not JSON: {e}")))?;
            let v = jsonschema::validator_for(&schema).map_err(|e| err(format!("not a valid schema: {e}")))?;
            validators.insert(name.to_string(), v);
        }
        Ok(Self { validators })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.validators.keys().map(String::as_str)
    }

    /// Validates `instance`; `Err` lists each violation with its JSON path.
    pub fn check(&self, name: &str, instance: &Value) -> Result<(), Vec<String>> {
        let Some(v) = self.validators.get(name) else {
            let known: Vec<&str> = self.names().collect();
            return Err(vec![format!("no schema named `{name}` (known: {})", known.join(", "))]);
        };
        let errors: Vec<String> = v
            .iter_errors(instance)
            .map(|e| {
                let path = e.instance_path().to_string();
                let at = if path.is_empty() { "(document root)".to_string() } else { path };
                format!("at {at}: {}", e.masked())
            })
            .collect();
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> Schemas {
        Schemas::embedded().expect("embedded schemas compile")
    }

    #[test]
    fn operation_outcome_schema_enforces_the_spine_mapping() {
        let s = schemas();
        let oo = |issue_code: &str, spine: &str| {
            json!({
                "resourceType": "OperationOutcome",
                "meta": { "profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-OperationOutcome-1"] },
                "issue": [{ "severity": "error", "code": issue_code, "details": { "coding": [{
                    "system": "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1",
                    "code": spine, "display": "x" }] } }]
            })
        };
        assert_eq!(s.check("operation-outcome", &oo("value", "INVALID_NHS_NUMBER")), Ok(()));
        assert_eq!(s.check("operation-outcome", &oo("not-found", "PATIENT_NOT_FOUND")), Ok(()));
        let errs = s.check("operation-outcome", &oo("invalid", "INVALID_NHS_NUMBER")).expect_err("wrong issue type");
        assert!(errs.iter().any(|e| e.contains("/issue/0/code")), "{errs:?}");
        let mut no_profile = oo("invalid", "BAD_REQUEST");
        no_profile.as_object_mut().map(|o| o.remove("meta"));
        assert!(s.check("operation-outcome", &no_profile).is_err());
    }

    #[test]
    fn directory_schemas_refuse_what_gp_connect_forbids() {
        let s = Schemas::embedded().expect("compile");
        let pack = crate::fixtures::FixturePack::embedded().expect("fixtures");
        let org = pack.organizations["ORG1"].resource.clone().expect("ORG1");
        let mut no_meta = org.clone();
        no_meta.as_object_mut().expect("object").remove("meta");
        assert!(s.check("organization", &no_meta).is_err());
        let mut no_ods = org;
        no_ods["identifier"][0]["system"] = "https://fhir.nhs.uk/Id/sds-user-id".into();
        assert!(s.check("organization", &no_ods).is_err());
        let mut photo = pack.practitioners["practitioner1"].resource.clone().expect("practitioner1");
        photo["photo"] = serde_json::json!([{ "contentType": "image/png" }]);
        assert!(s.check("practitioner", &photo).is_err());
        let mut endpoint = pack.locations["location1"].resource.clone().expect("location1");
        endpoint["endpoint"] = serde_json::json!([{ "reference": "Endpoint/1" }]);
        assert!(s.check("location", &endpoint).is_err());
        let mut unmanaged = pack.locations["location1"].resource.clone().expect("location1");
        unmanaged.as_object_mut().expect("object").remove("managingOrganization");
        assert!(s.check("location", &unmanaged).is_err());
    }

    #[test]
    fn patient_schema_refuses_withheld_fields() {
        let s = schemas();
        let pack = crate::fixtures::FixturePack::embedded().expect("fixtures");
        let mut p = pack.patients["patient1"].resource.clone().expect("patient1 resource");
        assert_eq!(s.check("patient", &p), Ok(()));
        p["maritalStatus"] = json!({"text": "Married"});
        let errs = s.check("patient", &p).expect_err("withheld");
        assert!(errs.iter().any(|e| e.contains("/maritalStatus")), "{errs:?}");
    }

    #[test]
    fn unknown_schema_name_is_an_error_not_a_pass() {
        assert!(schemas().check("nope", &json!({})).is_err());
    }
}
