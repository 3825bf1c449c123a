//! Registering a patient (`$gpc.registerpatient`): trace them on PDS (the
//! fixture pack's `pds.json` and the practice's own patients), refuse what
//! PDS does not vouch for, refuse duplicates, register the rest as
//! temporary residents.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction, SpineCode};
use crate::fixtures::{FixturePack, PdsPatient};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::rec::defects::RecDefect;
use crate::reference::{instant, now};

pub const REGISTRATION_EXTENSION: &str =
    "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-RegistrationDetails-1";
pub const REGISTRATION_TYPE_SYSTEM: &str = "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-RegistrationType-1";

/// Patients registered through the API, and PDS as the practice sees it.
#[derive(Debug, Default)]
pub struct Registrations {
    patients: Mutex<Vec<Value>>,
    pds: Vec<PdsPatient>,
    /// NHS numbers PDS retired (superseded or merged away).
    retired: Vec<String>,
}

impl Registrations {
    pub fn from_fixtures(pack: &FixturePack) -> Self {
        let pds = pack.on_pds();
        let retired = pack.patients.values().flat_map(|p| p.former_nhs_numbers.clone()).collect();
        Self { patients: Mutex::default(), pds, retired }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Vec<Value>) -> T) -> T {
        let mut guard = crate::reference::locked(&self.patients);
        f(&mut guard)
    }

    /// The logical ids of patients registered through the API with this NHS
    /// number: those PDS restricts only with `restricted_too` (GP Connect
    /// does not find them).
    pub fn ids_for(&self, number: &str, restricted_too: bool) -> Vec<String> {
        self.with(|all| {
            all.iter()
                .filter(|p| nhs_number(p) == Some(number) && (restricted_too || !gpc::restricted(p)))
                .filter_map(|p| p.as_resource().id().map(str::to_string))
                .collect()
        })
    }

    /// A patient registered through the API, by logical id.
    pub fn by_id(&self, id: &str) -> Option<Value> {
        self.with(|all| all.iter().find(|p| p.as_resource().id() == Some(id)).cloned())
    }
}

fn nhs_number(p: &Value) -> Option<&str> {
    gpc::identifier(p, gpc::NHS_NUMBER_SYSTEM)
}

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

fn demographics(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidPatientDemographics, msg)
}

/// The Patient of a registration's Parameters.
fn patient_of(body: &Bytes) -> Result<Value, Outcome> {
    let params: Value = serde_json::from_slice(body)
        .map_err(|_| Outcome::new(SpineCode::BadRequest, "the body is not a JSON Parameters resource"))?;
    if params.as_resource().resource_type() != Some("Parameters") {
        return Err(invalid("the body must be a Parameters resource"));
    }
    let list = params.get("parameter").and_then(Value::as_array).cloned().unwrap_or_default();
    if let Some(other) =
        list.iter().filter_map(|p| p.get("name").and_then(Value::as_str)).find(|n| *n != "registerPatient")
    {
        return Err(Outcome::new(
            SpineCode::InvalidParameter,
            format!("`{other}` is not a parameter of gpc.registerpatient"),
        ));
    }
    match &list[..] {
        [one] => match one.get("resource") {
            Some(p) if p.as_resource().resource_type() == Some("Patient") => Ok(p.clone()),
            _ => Err(invalid("registerPatient must hold a Patient resource")),
        },
        [] => Err(Outcome::new(SpineCode::InvalidParameter, "the registerPatient parameter is required")),
        _ => Err(Outcome::new(SpineCode::InvalidParameter, "registerPatient may be given once")),
    }
}

pub async fn register(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    match register_patient(&s, &headers, &body) {
        Ok(r) => r,
        Err(o) => o.into_response(),
    }
}

fn register_patient(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    guard::check(s, headers, Interaction::RegisterPatient)?;
    let patient = patient_of(body)?;
    let text = |ptr: &str| patient.pointer(ptr).and_then(Value::as_str).filter(|v| !v.is_empty());
    let number =
        nhs_number(&patient).ok_or_else(|| invalid("Patient.identifier must carry the NHS number"))?.to_string();
    if !d(RecDefect::RegisterAcceptsIncompletePatient) {
        for (ptr, element) in [
            ("/name/0/family", "Patient.name.family"),
            ("/gender", "Patient.gender"),
            ("/birthDate", "Patient.birthDate"),
        ] {
            if text(ptr).is_none() {
                return Err(invalid(format!("{element} is required to register a patient")));
            }
        }
    }
    if !d(RecDefect::RegisterAcceptsInvalidNhsNumber) {
        if let Err(e) = crate::fhir::nhs::validate(&number) {
            return Err(Outcome::new(
                SpineCode::InvalidNhsNumber,
                format!("`{number}` is not a valid NHS number: {e}"),
            ));
        }
        if s.registrations.retired.contains(&number) {
            return Err(Outcome::new(SpineCode::InvalidNhsNumber, format!("PDS has retired NHS number {number}")));
        }
    }
    if !d(RecDefect::RegisterSkipsPdsTrace) {
        let Some(traced) = s.registrations.pds.iter().find(|p| p.nhs_number == number) else {
            return Err(demographics(format!("PDS has no patient with NHS number {number}")));
        };
        if traced.deceased.is_some() {
            return Err(demographics("PDS records this patient as deceased"));
        }
        if traced.sensitive {
            return Err(demographics("this patient is sensitive on PDS and cannot be registered through the API"));
        }
        let same = |a: Option<&str>, b: &str| a.is_some_and(|a| a.eq_ignore_ascii_case(b));
        let matches = same(text("/name/0/family"), &traced.family)
            && same(text("/name/0/given/0"), &traced.given)
            && same(text("/gender"), &traced.gender)
            && text("/birthDate") == Some(traced.birth_date.as_str());
        if !matches {
            return Err(demographics("the name, gender or birth date do not match PDS"));
        }
    }
    let stored = enrol(s, &number, &patient)?;
    let id = stored.as_resource().id().unwrap_or_default();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let entry = json!({ "fullUrl": format!("http://{host}{}/Patient/{id}", s.base_path), "resource": stored });
    Ok(Fhir::ok(crate::reference::searchset(vec![entry], 1)).into_response())
}

/// Registers a patient PDS vouched for under this NHS number, with the
/// name, gender and birth date of `patient`; a number already held is 409.
pub(in crate::reference) fn enrol(s: &State, number: &str, patient: &Value) -> Result<Value, Outcome> {
    enrol_as(s, number, patient, false)
}

/// [`enrol`], and a patient PDS restricts is kept labelled restricted
/// (`meta.security` R), so the API treats them as sensitive.
pub(in crate::reference) fn enrol_as(
    s: &State,
    number: &str,
    patient: &Value,
    restricted: bool,
) -> Result<Value, Outcome> {
    let d = |x| s.defects.has(x);
    let held = s.store.by_nhs_number(number).next().is_some();
    let registered = s.registrations.with(|all| all.iter().any(|p| nhs_number(p) == Some(number)));
    // Without an NHS number (an untraced registration) there is nothing to duplicate.
    if (held || registered) && !number.is_empty() && !d(RecDefect::RegisterAllowsDuplicates) {
        return Err(Outcome::new(
            SpineCode::DuplicateRejected,
            format!("a patient with NHS number {number} is already registered"),
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let today = &instant(now())[..10];
    let kind = if d(RecDefect::RegisterAsRegular) { ("R", "Regular") } else { ("T", "Temporary") };
    let org = s.store.organization.as_resource().id().unwrap_or_default();
    let mut stored = json!({
        "resourceType": "Patient",
        "id": id,
        "meta": { "versionId": "1", "profile": [gpc::PATIENT_PROFILE] },
        "extension": [{
            "url": REGISTRATION_EXTENSION,
            "extension": [
                { "url": "registrationPeriod", "valuePeriod": { "start": today } },
                { "url": "registrationType", "valueCodeableConcept": { "coding": [{ "system": REGISTRATION_TYPE_SYSTEM, "code": kind.0, "display": kind.1 }] } }
            ]
        }],
        "identifier": [{
            "extension": [{
                "url": gpc::NHS_NUMBER_VERIFICATION_EXTENSION,
                "valueCodeableConcept": { "coding": [{
                    "system": "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-NHSNumberVerificationStatus-1",
                    "code": "01",
                    "display": "Number present and verified"
                }] }
            }],
            "system": gpc::NHS_NUMBER_SYSTEM,
            "value": number
        }],
        "active": true,
        "name": patient.get("name").cloned().unwrap_or(json!([])),
        "gender": patient.get("gender").cloned().unwrap_or(Value::Null),
        "birthDate": patient.get("birthDate").cloned().unwrap_or(Value::Null),
        "managingOrganization": { "reference": format!("Organization/{org}") }
    });
    if restricted {
        stored["meta"]["security"] = json!([gpc::confidentiality_label(true)]);
    }
    s.registrations.with(|all| all.push(stored.clone()));
    Ok(stored)
}
