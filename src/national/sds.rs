//! An SDS-like endpoint directory (Spine Directory Service FHIR R4
//! `GET Endpoint?organization=…|ODS&identifier=…|interaction`). One
//! simplification, named in the profile: the Endpoint carries the
//! provider's ASID as well as its address, where real SDS lists the ASID on
//! a Device.

use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Shared, Sid, fhir, fhir_error};
use crate::gpc::{MHS_PARTY_KEY_SYSTEM, ODS_ORGANIZATION_SYSTEM, SERVICE_INTERACTION_SYSTEM, SPINE_ASID_SYSTEM};

pub async fn endpoints(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (Some(org), Some(interaction)) = (get("organization"), get("identifier")) else {
        return fhir_error(
            StatusCode::BAD_REQUEST,
            "MISSING_VALUE",
            "organization (ods-organization-code|ODS) and identifier (nhsServiceInteractionId|interaction) are required",
        );
    };
    let ods = org.strip_prefix(&format!("{ODS_ORGANIZATION_SYSTEM}|")).unwrap_or_default();
    let interaction = interaction.strip_prefix(&format!("{SERVICE_INTERACTION_SYSTEM}|")).unwrap_or_default();
    let practice = &h.data.other_practice;
    let listed = ods == practice.ods_code
        && interaction == crate::gpc::Interaction::GetStructuredRecord.id()
        && !h.with(&sid, |s| s.sds_empty);
    let entry: Vec<Value> = if listed {
        vec![json!({
            "fullUrl": format!("{}sds/FHIR/R4/Endpoint/{}", h.base_of(&sid), h.route),
            "resource": {
                "resourceType": "Endpoint",
                "id": h.route,
                "status": "active",
                "connectionType": { "system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "code": "hl7-fhir-rest" },
                "payloadType": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/endpoint-payload-type", "code": "any" }] }],
                "address": h.provider_root(&sid),
                "managingOrganization": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": practice.ods_code } },
                "identifier": [
                    { "system": SERVICE_INTERACTION_SYSTEM, "value": interaction },
                    { "system": MHS_PARTY_KEY_SYSTEM, "value": format!("{}-800001", practice.ods_code) },
                    { "system": SPINE_ASID_SYSTEM, "value": practice.asid }
                ]
            }
        })]
    } else {
        vec![]
    };
    fhir(
        StatusCode::OK,
        &json!({ "resourceType": "Bundle", "type": "searchset", "total": entry.len(), "entry": entry }),
    )
}
