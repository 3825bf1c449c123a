//! Retrieving another practice's structured record as a GP Connect
//! consumer: the endpoint and ASID from SDS, the Spine headers and JWT GP
//! Connect requires, and the record filed into the patient's documents.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::fhir::gpc::{
    Interaction, NHS_NUMBER_SYSTEM, ODS_ORGANIZATION_SYSTEM, SDS_USER_SYSTEM, SERVICE_INTERACTION_SYSTEM,
    SPINE_ASID_SYSTEM,
};
use crate::reference::State;
use crate::reference::inf::defects::InfDefect;
use crate::reference::outbound::{Action, call, has, http};
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;

/// SNOMED CT 371530004 |Clinical consultation report|: how the retrieved
/// record is filed.
const FILED_TYPE: &str = "371530004";

/// What SDS lists for the practice's structured-record interaction, by
/// resource type (`Endpoint`, `Device`): the first match, if any.
async fn sds(a: &Action, kind: &str, ods: &str) -> Result<Option<Value>, Outcome> {
    let reply = call(
        http()
            .get(a.query(
                &format!("sds/FHIR/R4/{kind}"),
                &[
                    ("organization", format!("{ODS_ORGANIZATION_SYSTEM}|{ods}")),
                    ("identifier", format!("{SERVICE_INTERACTION_SYSTEM}|{}", Interaction::GetStructuredRecord.id())),
                ],
            )?)
            .header("X-Correlation-Id", uuid::Uuid::new_v4().to_string())
            .header("apikey", "rfa-reference-sds-key"),
    )
    .await;
    if !reply.ok() {
        return Err(crate::reference::outbound::failed("SDS", &reply));
    }
    Ok(reply.json().pointer("/entry/0/resource").cloned())
}

/// The endpoint address (SDS `Endpoint`) and ASID (SDS `Device`) for the
/// practice, if SDS lists them.
async fn lookup(s: &State, a: &Action, ods: &str) -> Result<Option<(String, String)>, Outcome> {
    let Some(endpoint) = sds(a, "Endpoint", ods).await? else { return Ok(None) };
    let address = endpoint.get("address").and_then(Value::as_str).unwrap_or_default().to_string();
    let asid = if has(s, InfDefect::ConsumerSkipsSdsDevice) {
        crate::national::NationalData::shared().map(|d| d.other_practice.asid.clone()).unwrap_or_default()
    } else {
        let device = sds(a, "Device", ods).await?.unwrap_or_default();
        crate::fhir::gpc::identifier(&device, SPINE_ASID_SYSTEM).unwrap_or_default().to_string()
    };
    Ok(Some((address, asid)))
}

fn token(s: &State, a: &Action, audience: &str) -> String {
    let iat = crate::reference::now().unix_timestamp();
    let mut identifiers =
        vec![json!({ "system": "https://fhir.nhs.uk/Id/sds-role-profile-id", "value": "RFAR00000001" })];
    if !has(s, InfDefect::ConsumerJwtWithoutUser) {
        identifiers
            .insert(0, json!({ "system": SDS_USER_SYSTEM, "value": a.param("practitioner").unwrap_or_default() }));
    }
    let claims = json!({
        "iss": format!("https://{}.rfa-reference.invalid", s.ods_code.to_lowercase()),
        "sub": "1",
        "aud": if has(s, InfDefect::ConsumerWrongJwtAudience) { "https://authorize.fhir.nhs.net/token".to_string() } else { audience.to_string() },
        "exp": iat + 300,
        "iat": iat,
        "reason_for_request": "directcare",
        "requested_scope": "patient/*.read",
        "requesting_device": { "resourceType": "Device", "identifier": [{ "system": "https://rfa-harness.invalid/Id/device", "value": "reference" }], "model": "reference candidate", "version": env!("CARGO_PKG_VERSION") },
        "requesting_organization": { "resourceType": "Organization", "identifier": [{ "system": ODS_ORGANIZATION_SYSTEM, "value": s.ods_code }], "name": "The reference practice" },
        "requesting_practitioner": { "resourceType": "Practitioner", "id": "1", "identifier": identifiers, "name": [{ "family": "Reference", "given": ["Clinician"], "prefix": ["Dr"] }] }
    });
    crate::client::jwt::unsigned(&claims, true)
}

pub async fn retrieve(s: &State, a: &Action) -> Result<Vec<(&'static str, String)>, Outcome> {
    let nhs = a.required("patient")?.to_string();
    let ods = a.required("odsCode")?.to_string();
    let guessed = || {
        Ok::<_, Outcome>((a.url(&format!("gpc/{ods}/STU3/1/gpconnect/structured/fhir"))?.to_string(), String::new()))
    };
    let (address, asid) = if has(s, InfDefect::ConsumerSkipsSds) {
        guessed()?
    } else {
        match lookup(s, a, &ods).await? {
            Some(found) => found,
            None if has(s, InfDefect::ConsumerGuessesEndpoint) => guessed()?,
            None => {
                return Err(Outcome::new(
                    SpineCode::OrganisationNotFound,
                    format!("SDS lists no structured-record endpoint for {ods}"),
                ));
            }
        }
    };
    let to = if has(s, InfDefect::ConsumerWrongSspTo) { s.asid.clone() } else { asid };
    let system =
        if has(s, InfDefect::ConsumerWrongNhsSystem) { "http://fhir.nhs.net/Id/nhs-number" } else { NHS_NUMBER_SYSTEM };
    let body = json!({
        "resourceType": "Parameters",
        "parameter": [
            { "name": "patientNHSNumber", "valueIdentifier": { "system": system, "value": nhs } },
            { "name": "includeAllergies", "part": [{ "name": "includeResolvedAllergies", "valueBoolean": false }] },
            { "name": "includeMedication" }
        ]
    });
    let url = format!("{}/Patient/$gpc.getstructuredrecord", address.trim_end_matches('/'));
    let reply = call(
        http()
            .post(&url)
            .header("Ssp-TraceID", uuid::Uuid::new_v4().to_string())
            .header("Ssp-From", &s.asid)
            .header("Ssp-To", to)
            .header("Ssp-InteractionID", Interaction::GetStructuredRecord.id())
            .header("Authorization", format!("Bearer {}", token(s, a, &address)))
            .header("Accept", "application/fhir+json")
            .header("Content-Type", "application/fhir+json")
            .body(body.to_string()),
    )
    .await;
    if !reply.ok() {
        if has(s, InfDefect::ConsumerFilesErrors) {
            file(s, &nhs, &ods, &reply.body);
        }
        let code = match reply.status {
            404 => SpineCode::PatientNotFound,
            403 => SpineCode::NoRelationship,
            _ => SpineCode::InternalServerError,
        };
        return Err(Outcome::new(code, format!("the other practice answered {}", reply.status)));
    }
    if has(s, InfDefect::ConsumerDoesNotFile) {
        return Ok(vec![("status", "retrieved".into())]);
    }
    match file(s, &nhs, &ods, &reply.body) {
        Some(id) => Ok(vec![("document", id)]),
        None => {
            Err(Outcome::new(SpineCode::PatientNotFound, format!("no patient {nhs} is registered here to file into")))
        }
    }
}

/// Files the retrieved record into the patient's documents.
fn file(s: &State, nhs: &str, ods: &str, record: &[u8]) -> Option<String> {
    let patient = s.store.by_nhs_number(nhs).next()?.id.clone();
    let now = crate::reference::instant(crate::reference::now());
    let doc = json!({
        "resourceType": "DocumentReference",
        "type": { "coding": [{ "system": crate::fhir::gpc::SNOMED_SYSTEM, "code": FILED_TYPE, "display": "Clinical consultation report" }] },
        "subject": { "reference": format!("Patient/{patient}") },
        "indexed": now,
        "created": now,
        "custodian": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": ods } },
        "description": format!("Structured record retrieved from {ods} over GP Connect"),
        "content": [{ "attachment": {
            "contentType": "application/fhir+json",
            "data": base64::engine::general_purpose::STANDARD.encode(record),
            "size": record.len(),
            "title": format!("GP Connect structured record from {ods}")
        } }]
    });
    Some(crate::reference::inf::documents::file_own(s, &patient, doc))
}
