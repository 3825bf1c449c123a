//! An SDS-like directory (Spine Directory Service FHIR R4): a practice's
//! `Endpoint` (its address) and `Device` (its ASID), each searched by
//! `organization=…|ODS&identifier=…|interaction`, shaped as SDS answers.

use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Hosted, Shared, Sid, fhir, fhir_error};
use crate::fhir::Views as _;
use crate::fhir::gpc::{MHS_PARTY_KEY_SYSTEM, ODS_ORGANIZATION_SYSTEM, SERVICE_INTERACTION_SYSTEM, SPINE_ASID_SYSTEM};

const INTERACTION_EXTENSION: &str = "https://fhir.nhs.uk/StructureDefinition/Extension-SDS-NhsServiceInteractionId";

/// Whether SDS lists the other practice for the searched organization and
/// interaction; `None` for a search without both, which SDS refuses.
fn listed(h: &Hosted, sid: &Sid, params: &[(String, String)]) -> Option<bool> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (org, interaction) = (get("organization")?, get("identifier")?);
    let ods = org.strip_prefix(&format!("{ODS_ORGANIZATION_SYSTEM}|")).unwrap_or_default();
    let interaction = interaction.strip_prefix(&format!("{SERVICE_INTERACTION_SYSTEM}|")).unwrap_or_default();
    Some(
        ods == h.data.other_practice.ods_code
            && interaction == crate::fhir::gpc::Interaction::GetStructuredRecord.id()
            && !h.with(sid, |s| s.sds_empty),
    )
}

fn missing() -> Response {
    fhir_error(
        StatusCode::BAD_REQUEST,
        "MISSING_VALUE",
        "organization (ods-organization-code|ODS) and identifier (nhsServiceInteractionId|interaction) are required",
    )
}

/// A searchset of at most one resource.
fn searchset(h: &Hosted, sid: &Sid, kind: &str, resource: Option<Value>) -> Response {
    let entry: Vec<Value> = resource
        .into_iter()
        .map(|r| {
            let id = r.as_resource().id().unwrap_or_default().to_string();
            json!({ "fullUrl": format!("{}sds/FHIR/R4/{kind}/{id}", h.base_of(sid)), "resource": r, "search": { "mode": "match" } })
        })
        .collect();
    fhir(
        StatusCode::OK,
        &crate::fhir::omit_empty(
            json!({ "resourceType": "Bundle", "type": "searchset", "total": entry.len(), "entry": entry }),
            &["entry"],
        ),
    )
}

fn party_key(h: &Hosted) -> String {
    format!("{}-800001", h.data.other_practice.ods_code)
}

fn interaction_extension() -> Value {
    json!({
        "url": INTERACTION_EXTENSION,
        "valueReference": { "identifier": { "system": SERVICE_INTERACTION_SYSTEM, "value": crate::fhir::gpc::Interaction::GetStructuredRecord.id() } }
    })
}

/// `GET Endpoint`: the address to call (no ASID: SDS lists that on the Device).
pub async fn endpoints(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let Some(listed) = listed(&h, &sid, &params) else { return missing() };
    let address = h.provider_root(&sid);
    let fqdn = reqwest::Url::parse(&address).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let endpoint = listed.then(|| {
        json!({
            "resourceType": "Endpoint",
            "id": h.route,
            "status": "active",
            "connectionType": { "system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "code": "hl7-fhir-rest" },
            "payloadType": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/endpoint-payload-type", "code": "any" }] }],
            "address": address,
            "managingOrganization": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": h.data.other_practice.ods_code } },
            "identifier": [
                { "system": "https://fhir.nhs.uk/Id/nhsMhsFQDN", "value": fqdn },
                { "system": MHS_PARTY_KEY_SYSTEM, "value": party_key(&h) }
            ],
            "extension": [interaction_extension()]
        })
    });
    searchset(&h, &sid, "Endpoint", endpoint)
}

/// `GET Device`: the accredited system behind the endpoint, with its ASID.
pub async fn devices(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let Some(listed) = listed(&h, &sid, &params) else { return missing() };
    let device = listed.then(|| {
        json!({
            "resourceType": "Device",
            "id": format!("{}-device", h.route),
            "identifier": [
                { "system": SPINE_ASID_SYSTEM, "value": h.asid },
                { "system": MHS_PARTY_KEY_SYSTEM, "value": party_key(&h) }
            ],
            "extension": [interaction_extension()],
            "owner": { "identifier": { "system": ODS_ORGANIZATION_SYSTEM, "value": h.data.other_practice.ods_code } }
        })
    });
    searchset(&h, &sid, "Device", device)
}
