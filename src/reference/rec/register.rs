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
use crate::fhir::gpc::{self, Interaction};
use crate::fixtures::{FixturePack, PdsPatient};
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::outcome::SpineCode;
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

    /// Puts back a registered patient (same id) with more detail.
    fn replace(&self, patient: &Value) {
        let id = patient.as_resource().id().map(str::to_string);
        self.with(|all| {
            if let Some(slot) = all.iter_mut().find(|p| p.as_resource().id().map(str::to_string) == id) {
                *slot = patient.clone();
            }
        });
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

/// The Patient of a registration's Parameters. `registerPatient` given
/// twice is 400 BAD_REQUEST, as the official suite's duplicate-parameter
/// scenario expects; missing or misnamed it is 422 INVALID_PARAMETER.
/// With `lax` (a defect) it takes the first parameter whatever its name;
/// with `any_type` (another) whatever resource types it is given.
fn patient_of(body: &Bytes, lax: bool, any_type: bool) -> Result<Value, Outcome> {
    let params: Value = serde_json::from_slice(body)
        .map_err(|_| Outcome::new(SpineCode::BadRequest, "the body is not a JSON Parameters resource"))?;
    if params.as_resource().resource_type() != Some("Parameters") && !any_type {
        return Err(invalid("the body must be a Parameters resource"));
    }
    let list = params.get("parameter").and_then(Value::as_array).cloned().unwrap_or_default();
    if let Some(other) = list
        .iter()
        .filter_map(|p| p.get("name").and_then(Value::as_str))
        .find(|n| *n != "registerPatient")
        .filter(|_| !lax)
    {
        return Err(Outcome::new(
            SpineCode::InvalidParameter,
            format!("`{other}` is not a parameter of gpc.registerpatient"),
        ));
    }
    let one = match &list[..] {
        [] => return Err(Outcome::new(SpineCode::InvalidParameter, "the registerPatient parameter is required")),
        [one] => one,
        [first, ..] if lax => first,
        _ => return Err(Outcome::new(SpineCode::BadRequest, "registerPatient may be given once")),
    };
    match one.get("resource") {
        Some(p) if any_type || p.as_resource().resource_type() == Some("Patient") => Ok(p.clone()),
        _ => Err(invalid("registerPatient must hold a Patient resource")),
    }
}

/// The Patient elements a consumer may send in a registration
/// (CareConnect-GPC-Patient-1 as GP Connect's register page uses it); any
/// other — `active`, `deceased`, `multipleBirth`, `maritalStatus`,
/// `contact`, `communication`, `photo`, `animal`, `generalPractitioner`,
/// `managingOrganization`, or a name FHIR does not know — is 422.
const SENDABLE: [&str; 12] = [
    "resourceType",
    "id",
    "meta",
    "language",
    "text",
    "extension",
    "identifier",
    "name",
    "telecom",
    "gender",
    "birthDate",
    "address",
];

pub const NHS_COMMUNICATION_EXTENSION: &str =
    "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-NHSCommunication-1";

fn array<'a>(p: &'a Value, key: &str) -> &'a [Value] {
    p.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

fn text_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|t| !t.is_empty())
}

/// The one name of use `official` (the spec: exactly one).
fn official_name(p: &Value) -> Option<&Value> {
    match array(p, "name").iter().filter(|n| text_of(n, "use") == Some("official")).collect::<Vec<_>>()[..] {
        [one] => Some(one),
        _ => None,
    }
}

/// What a registration may carry and must carry, before its NHS number
/// and PDS are looked at.
fn check_shape(p: &Value, d: &impl Fn(RecDefect) -> bool) -> Result<(), Outcome> {
    let unsendable = p.as_object().into_iter().flat_map(|o| o.keys()).find(|k| !SENDABLE.contains(&k.as_str()));
    if let Some(key) = unsendable.filter(|_| !d(RecDefect::RegisterAcceptsForbiddenElements)) {
        return Err(invalid(format!("Patient.{key} may not be sent to register a patient")));
    }
    let lax = d(RecDefect::RegisterAcceptsIncompletePatient);
    if !lax && array(p, "identifier").iter().any(|i| text_of(i, "system").is_none()) {
        return Err(Outcome::new(SpineCode::BadRequest, "every Patient.identifier must have a system"));
    }
    if nhs_number(p).is_none() && !d(RecDefect::RegisterAcceptsInvalidNhsNumber) {
        return Err(Outcome::new(SpineCode::InvalidNhsNumber, "Patient.identifier must carry the NHS number"));
    }
    if !lax {
        if text_of(p, "birthDate").is_none() {
            return Err(Outcome::new(SpineCode::BadRequest, "Patient.birthDate is required to trace the patient"));
        }
        let Some(name) = official_name(p) else {
            return Err(Outcome::new(SpineCode::BadRequest, "the Patient needs exactly one name of use official"));
        };
        if text_of(name, "family").is_none() {
            return Err(Outcome::new(SpineCode::BadRequest, "the official name has no family name"));
        }
    }
    if d(RecDefect::RegisterRequiresGender) && text_of(p, "gender").is_none() {
        return Err(invalid("Patient.gender is required to register a patient"));
    }
    if d(RecDefect::RegisterAcceptsRepeatedContacts) {
        return Ok(());
    }
    // An earlier GP Connect draft took temporary contact details only.
    let not_temp = ["address", "telecom"]
        .iter()
        .flat_map(|k| array(p, k))
        .filter_map(|c| text_of(c, "use"))
        .find(|u| *u != "temp");
    if let Some(u) = not_temp.filter(|_| d(RecDefect::RegisterRequiresTempContacts)) {
        return Err(invalid(format!("contact details of use `{u}` cannot be registered: temp only")));
    }
    let mut uses = Vec::new();
    for a in array(p, "address") {
        let u = text_of(a, "use").unwrap_or_default();
        if !matches!(u, "home" | "temp") {
            return Err(invalid(format!("an address of use `{u}` cannot be registered: home or temp only")));
        }
        if uses.contains(&u) {
            return Err(invalid(format!("only one address of use `{u}` may be sent")));
        }
        uses.push(u);
    }
    let mut kinds = Vec::new();
    for t in array(p, "telecom") {
        let kind = (text_of(t, "system").unwrap_or_default(), text_of(t, "use").unwrap_or_default());
        if kinds.contains(&kind) {
            return Err(Outcome::new(
                SpineCode::BadRequest,
                format!("only one {} telecom of use `{}` may be sent", kind.0, kind.1),
            ));
        }
        kinds.push(kind);
    }
    let communications =
        array(p, "extension").iter().filter(|e| text_of(e, "url") == Some(NHS_COMMUNICATION_EXTENSION)).count();
    if communications > 1 {
        return Err(invalid("only one nhsCommunication extension may be sent"));
    }
    Ok(())
}

pub async fn register(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    match register_patient(&s, &headers, &body) {
        Ok(r) => r,
        Err(o) => {
            keep_refused(&s, &headers, &body);
            o.into_response()
        }
    }
}

/// Under the `keeps-refused-registration` defect: an admitted registration
/// is written before it is checked, and a refusal does not take it out
/// again (a patient already held is not written twice).
fn keep_refused(s: &State, headers: &HeaderMap, body: &Bytes) {
    if !s.defects.has(RecDefect::KeepsRefusedRegistration)
        || guard::check(s, headers, Interaction::RegisterPatient).is_err()
    {
        return;
    }
    let Ok(patient) = patient_of(body, true, true) else { return };
    let number = nhs_number(&patient).unwrap_or_default().to_string();
    // Someone PDS knows, alive and not sensitive: the defect saves the
    // person and then finds fault with the registration's details.
    let traceable = s.registrations.pds.iter().any(|p| p.nhs_number == number && p.deceased.is_none() && !p.sensitive);
    if traceable {
        // Refused or not, what it answers is the refusal already made.
        let _ = enrol(s, &number, &patient);
    }
}

fn register_patient(s: &State, headers: &HeaderMap, body: &Bytes) -> Result<Response, Outcome> {
    let d = |x| s.defects.has(x);
    guard::check(s, headers, Interaction::RegisterPatient)?;
    let patient = patient_of(
        body,
        d(RecDefect::RegisterAcceptsIncompletePatient),
        d(RecDefect::RegisterAcceptsForbiddenElements),
    )?;
    check_shape(&patient, &d)?;
    let number = nhs_number(&patient).unwrap_or_default().to_string();
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
    let mut patient = patient;
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
        // The trace is by NHS number and birth date (GP Connect: "as a
        // minimum"); a different birth date is someone else.
        if text_of(&patient, "birthDate") != Some(traced.birth_date.as_str()) {
            return Err(demographics("the birth date does not match PDS"));
        }
        // Profile decision (RFA-REC-054): the official name and the
        // gender, where sent, must be PDS's too, compared without case.
        if !d(RecDefect::RegisterMatchesBirthDateOnly) {
            let same = |a: Option<&str>, b: &str| a.is_some_and(|a| a.eq_ignore_ascii_case(b));
            let name = official_name(&patient);
            let given = name.and_then(|n| n.pointer("/given/0")).and_then(Value::as_str);
            let names = same(name.and_then(|n| text_of(n, "family")), &traced.family) && same(given, &traced.given);
            let gender = text_of(&patient, "gender").is_none_or(|g| g.eq_ignore_ascii_case(&traced.gender));
            if !(names && gender) {
                return Err(demographics("the name or gender do not match PDS"));
            }
        }
        // Gender left out is PDS's: the returned Patient includes details
        // sourced from PDS.
        if text_of(&patient, "gender").is_none() {
            patient["gender"] = json!(traced.gender);
        }
    }
    let stored = enrol_details(s, &number, &patient)?;
    let id = stored.as_resource().id().unwrap_or_default();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let entry = json!({ "fullUrl": format!("http://{host}{}/Patient/{id}", s.base_path), "resource": stored });
    let resp = Fhir::ok(crate::reference::searchset(vec![entry], 1)).into_response();
    Ok(if d(RecDefect::RegisterCacheable) { crate::reference::cacheable(resp) } else { resp })
}

/// [`enrol`], keeping what the consumer sent beside the demographics: the
/// address and telecom (GP Connect: the provider SHOULD store them) and the
/// nhsCommunication extension.
fn enrol_details(s: &State, number: &str, patient: &Value) -> Result<Value, Outcome> {
    let d = |x| s.defects.has(x);
    let mut stored = enrol(s, number, patient)?;
    if d(RecDefect::RegisterSetsRegistrationStatus) {
        if let Some(parts) = stored.pointer_mut("/extension/0/extension").and_then(Value::as_array_mut) {
            parts.push(json!({ "url": "registrationStatus", "valueCodeableConcept": { "coding": [{
                "system": "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-RegistrationStatus-1", "code": "A", "display": "Active"
            }] } }));
        }
        s.registrations.replace(&stored);
    }
    let mut extra = serde_json::Map::new();
    if !d(RecDefect::RegisterDropsContactDetails) {
        for key in ["address", "telecom"] {
            if let Some(v) = patient.get(key) {
                extra.insert(key.to_string(), v.clone());
            }
        }
    }
    let communication: Vec<Value> = array(patient, "extension")
        .iter()
        .filter(|e| text_of(e, "url") == Some(NHS_COMMUNICATION_EXTENSION))
        .cloned()
        .collect();
    if !communication.is_empty() && !d(RecDefect::RegisterDropsNhsCommunication) {
        let mut ext = array(&stored, "extension").to_vec();
        ext.extend(communication);
        extra.insert("extension".into(), Value::Array(ext));
    }
    if extra.is_empty() {
        return Ok(stored);
    }
    if let Some(o) = stored.as_object_mut() {
        o.extend(extra);
    }
    s.registrations.replace(&stored);
    Ok(stored)
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
    // Without an NHS number (an untraced registration) there is nothing to duplicate.
    let duplicate = || {
        Outcome::new(SpineCode::DuplicateRejected, format!("a patient with NHS number {number} is already registered"))
    };
    let checks = !number.is_empty() && !d(RecDefect::RegisterAllowsDuplicates);
    if held && checks {
        return Err(duplicate());
    }
    let id = uuid::Uuid::new_v4().to_string();
    let today = &instant(now())[..10];
    let kind = if d(RecDefect::RegisterAsRegular) { ("R", "Regular") } else { ("T", "Temporary") };
    let org = s.store.organization.as_resource().id().unwrap_or_default();
    // The practice's main site is the temporary resident's preferred branch;
    // the defect names a site the practice does not have.
    let branch = if d(RecDefect::RegisterBranchUnknown) {
        uuid::Uuid::new_v4().to_string()
    } else {
        s.store.locations.first().map(|l| l.id.clone()).unwrap_or_default()
    };
    let mut stored = json!({
        "resourceType": "Patient",
        "id": id,
        "meta": { "versionId": "1", "profile": [gpc::PATIENT_PROFILE] },
        "extension": [{
            "url": REGISTRATION_EXTENSION,
            "extension": [
                { "url": "registrationPeriod", "valuePeriod": { "start": today } },
                { "url": "registrationType", "valueCodeableConcept": { "coding": [{ "system": REGISTRATION_TYPE_SYSTEM, "code": kind.0, "display": kind.1 }] } },
                { "url": "preferredBranchSurgery", "valueReference": { "reference": format!("Location/{branch}") } }
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
    // Checked and added under one lock: two registrations of one patient
    // at the same moment (concurrent scenarios) register them once.
    s.registrations.with(|all| {
        if checks && all.iter().any(|p| nhs_number(p) == Some(number)) {
            return Err(duplicate());
        }
        all.push(stored.clone());
        Ok(())
    })?;
    Ok(stored)
}
