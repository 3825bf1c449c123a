//! Migrate a patient's structured record:
//! `POST [structured]/Patient/$gpc.migratestructuredrecord` (GP Connect
//! Access Record Structured 1.6, "Migrate a patient's structured record").
//! The whole record, every clinical area and the patient's documents, for a
//! new practice to take on: the same assembly as the structured record, with
//! confidential items left out unless the request asks for them under the
//! restricted-confidentiality scope.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::fixtures::PatientFlag;
use crate::reference::State;
use crate::reference::acc::guard;
use crate::reference::inf::defects::InfDefect;
use crate::reference::inf::documents;
use crate::reference::inf::structured::params::{self, Consultations, Immunisations, Medication, Period, Problems};
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::store::StoredPatient;

const FULL_RECORD: &str = "includeFullRecord";
const SENSITIVE: &str = "includeSensitiveInformation";

fn invalid_parameter(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidParameter, msg)
}

/// The request's includeSensitiveInformation, once the body holds only the
/// two parameters the operation defines (anything else is an unrecognised
/// parameter, refused with INVALID_PARAMETER by GP Connect's error table),
/// and the body reduced to patientNHSNumber for the structured record's
/// own NHS number checks.
fn read_body(body: &[u8], warn_unknown: bool) -> Result<(bool, Vec<u8>), Outcome> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| {
        Outcome::new(SpineCode::InvalidResource, format!("the request body is not a JSON FHIR resource: {e}"))
    })?;
    if doc.as_resource().resource_type() != Some("Parameters") {
        return Err(Outcome::new(SpineCode::InvalidResource, "the request body must be a Parameters resource"));
    }
    let params = doc.get("parameter").and_then(Value::as_array).cloned().unwrap_or_default();
    let name = |p: &Value| p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
    if let Some(extra) = params.iter().map(name).find(|n| n != "patientNHSNumber" && n != FULL_RECORD)
        && !warn_unknown
    {
        return Err(invalid_parameter(format!(
            "{extra} is an unrecognised parameter: a migration takes patientNHSNumber and {FULL_RECORD} only"
        )));
    }
    let full: Vec<&Value> = params.iter().filter(|p| name(p) == FULL_RECORD).collect();
    let [full] = full.as_slice() else {
        return Err(invalid_parameter(format!("{FULL_RECORD} is required, once")));
    };
    let sensitive = full
        .get("part")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| name(p) == SENSITIVE)
        .and_then(|p| p.get("valueBoolean"))
        .and_then(Value::as_bool)
        .ok_or_else(|| invalid_parameter(format!("{FULL_RECORD}.{SENSITIVE} needs a valueBoolean")))?;
    let nhs: Vec<Value> = params.into_iter().filter(|p| name(p) == "patientNHSNumber").collect();
    let reduced = json!({ "resourceType": "Parameters", "parameter": nhs });
    Ok((sensitive, reduced.to_string().into_bytes()))
}

/// The JWT says why and how confidentially the record is asked for: a
/// migration (`reason_for_request` migration), and a confidentiality scope
/// matching includeSensitiveInformation (`conf/R` to include sensitive
/// information; `conf/N`, or none, which GP Connect reads as `conf/N`, to
/// leave it out).
fn check_token(s: &State, claims: &guard::Claims, sensitive: bool) -> Result<(), Outcome> {
    let d = |x| s.defects.has(x);
    let reason = claims.get("reason_for_request").and_then(Value::as_str).unwrap_or_default();
    let reason_ok = reason == gpc::MIGRATION_REASON || (d(InfDefect::MigrateAnyReason) && reason == "directcare");
    if !reason_ok {
        return Err(Outcome::new(
            SpineCode::BadRequest,
            format!("reason_for_request must be {} to migrate a record, it is `{reason}`", gpc::MIGRATION_REASON),
        ));
    }
    if d(InfDefect::MigrateRequiresPractitioner) && !claims.contains_key("requesting_practitioner") {
        return Err(Outcome::new(SpineCode::BadRequest, "JWT claim requesting_practitioner is required"));
    }
    let scope = claims.get("requested_scope").and_then(Value::as_str).unwrap_or_default();
    let restricted = scope.split_whitespace().any(|s| s == gpc::CONF_RESTRICTED);
    if !restricted && d(InfDefect::MigrateRequiresRestricted) {
        return Err(Outcome::new(SpineCode::BadRequest, "a migration must be asked for with conf/R"));
    }
    if restricted != sensitive && !d(InfDefect::MigrateIgnoresConfidentialityScope) {
        return Err(Outcome::new(
            SpineCode::ConflictingValues,
            format!(
                "{SENSITIVE} is {sensitive}, but requested_scope `{scope}` asks for {} confidentiality",
                if restricted { "restricted (conf/R)" } else { "normal (conf/N)" }
            ),
        ));
    }
    Ok(())
}

/// The patient's record as a migration with sensitive information sees it:
/// nothing is held back as confidential.
fn unrestricted(patient: &StoredPatient) -> StoredPatient {
    let mut p = patient.clone();
    for r in &mut p.record {
        if let Some(meta) = r.get_mut("meta").and_then(Value::as_object_mut) {
            meta.remove("security");
        }
    }
    p
}

fn confidential(r: &Value) -> bool {
    r.pointer("/meta/security")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|c| c.get("code").and_then(Value::as_str) == Some("R")))
}

/// Every clinical area, whole: what getstructuredrecord serves area by area.
fn full_query(s: &State, nhs_number: String) -> params::Query {
    let partial = s.defects.has(InfDefect::MigratePartialRecord);
    params::Query {
        nhs_number,
        allergies: Some(true),
        medication: Some(Medication { prescription_issues: true, from: None }),
        problems: Some(Problems { pairs: vec![(None, None)] }),
        immunisations: Some(Immunisations { not_given: true }),
        consultations: Some(Consultations::default()),
        uncategorised: Some(Period::default()),
        investigations: Some(Period::default()),
        referrals: (!partial).then(Period::default),
        diary: (!partial).then_some(None),
        unknown: Vec::new(),
    }
}

/// Adds the patient's documents, as Access Document lists them (with the
/// URL a migrating practice retrieves each from), and the organisations and
/// practitioners they name.
fn add_documents(s: &State, headers: &HeaderMap, patient: &StoredPatient, sensitive: bool, bundle: &mut Value) {
    let docs: Vec<Value> = patient
        .record
        .iter()
        .chain(s.filed.of(&patient.id).iter())
        .filter(|r| r.as_resource().resource_type() == Some("DocumentReference"))
        .filter(|d| sensitive || !confidential(d))
        .map(|d| {
            let mut listed = documents::listed(s, headers, d);
            if let Some(meta) = listed.get_mut("meta").and_then(Value::as_object_mut) {
                meta.remove("security");
            }
            listed
        })
        .collect();
    let Some(entries) = bundle.get_mut("entry").and_then(Value::as_array_mut) else { return };
    let held = |entries: &Vec<Value>, ty: &str, id: &str| {
        entries.iter().any(|e| {
            e.pointer("/resource/resourceType").and_then(Value::as_str) == Some(ty)
                && e.pointer("/resource/id").and_then(Value::as_str) == Some(id)
        })
    };
    for d in &docs {
        let refs = ["/custodian/reference", "/author/0/reference"].into_iter().filter_map(|p| d.pointer(p));
        for r in refs.filter_map(Value::as_str) {
            let Some((ty, id)) = r.split_once('/') else { continue };
            let items = match ty {
                "Organization" => &s.store.organizations,
                "Practitioner" => &s.store.practitioners,
                _ => continue,
            };
            if !held(entries, ty, id)
                && let Some(item) = items.iter().find(|i| i.id == id)
            {
                entries.push(json!({ "resource": item.resource }));
            }
        }
    }
    entries.extend(docs.into_iter().map(|d| json!({ "resource": d })));
}

pub async fn migrate_structured_record(Extract(s): Extract<Arc<State>>, headers: HeaderMap, body: Bytes) -> Response {
    let claims = match guard::check(&s, &headers, Interaction::MigrateStructuredRecord) {
        Ok(c) => c,
        Err(o) => return o.into_response(),
    };
    let d = |x| s.defects.has(x);
    let (sensitive, nhs_only) = match read_body(&body, d(InfDefect::MigrateWarnsUnknownParameters)) {
        Ok(x) => x,
        Err(o) => return o.into_response(),
    };
    if let Err(o) = check_token(&s, &claims, sensitive) {
        return o.into_response();
    }
    let today = super::today();
    let q = match params::parse(&nhs_only, &today, &s.defects) {
        Ok(q) => full_query(&s, q.nhs_number),
        Err(o) => return o.into_response(),
    };
    let not_found =
        || Outcome::new(SpineCode::PatientNotFound, "no patient whose record can be migrated has that NHS number");
    let Some(patient) = s.store.by_nhs_number(&q.nhs_number).next() else {
        return not_found().into_response();
    };
    let refused = (!patient.is_active() && !d(InfDefect::MigrateServesDeceased))
        || !patient.verified()
        || patient.has(PatientFlag::Sensitive)
        || patient.has(PatientFlag::Temporary);
    if refused {
        return not_found().into_response();
    }
    let leak = !sensitive && d(InfDefect::MigrateLeaksConfidential);
    let withhold = sensitive && d(InfDefect::MigrateWithholdsConfidential);
    let include_confidential = (sensitive || leak) && !withhold;
    let shown = if include_confidential { unrestricted(patient) } else { patient.clone() };
    let trace = headers.get("Ssp-TraceID").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut bundle = super::record::build(&s, &shown, &q, trace, &today);
    add_documents(&s, &headers, patient, include_confidential, &mut bundle);
    Fhir::ok(bundle).into_response()
}
