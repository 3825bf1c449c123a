//! Retrieving another practice's record as a GP Connect consumer (INF,
//! profile §37.4): the SDS lookup, the Spine headers and JWT the candidate
//! sends the hosted provider, and the record filed into its own patient's
//! documents, judged through its Access Document API.

use base64::Engine as _;
use serde_json::Value;

use crate::client::RequestSpec;
use crate::evidence::Exchange;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction, SERVICE_INTERACTION_SYSTEM, SPINE_ASID_SYSTEM};
use crate::national::Service;
use crate::steps::consumer::{act, answer_json, body_json, fail_with, national, succeeded};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

const RECORD_TYPE: &str = "application/fhir+json";

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(When r#"^the candidate is asked to retrieve the record of "(patient\d+)" from the other practice$"# => retrieve, "Asks the candidate to retrieve this fixture patient's structured record from the other practice (ODS code in `fixtures/national.json`) as practitioner1, and file it."),
        step!(Given r#"^the retrieved records in "(patient\d+)"'s documents are counted$"# => count_documents, "Counts the patient's documents of type application/fhir+json through the candidate's Access Document search (evidence kept)."),
        step!(Then r#"^the candidate looked the other practice up in SDS before calling it$"# => looked_up, "An SDS Endpoint search by the other practice's ODS code and the structured-record interaction, answered with its endpoint, before any GP Connect request."),
        step!(Then r#"^the candidate called the endpoint SDS gave$"# => called_endpoint, "Every GP Connect request went to `$gpc.getstructuredrecord` under the address SDS answered."),
        step!(Then r#"^the GP Connect request carried the Spine headers for the other practice$"# => spine_headers, "Ssp-TraceID a UUID, Ssp-From the candidate's ASID, Ssp-To the ASID SDS gave, Ssp-InteractionID the structured-record interaction."),
        step!(Then r#"^the GP Connect request's token was for the other practice's endpoint$"# => token_audience, "The bearer JWT's aud is the endpoint address SDS gave; exp is iat + 300; iat is not after the request."),
        step!(Then r#"^the GP Connect request's token named the user and the practice$"# => token_identity, "reason_for_request directcare; requested_scope patient/*.read; requesting_organization with the practice's ODS code; requesting_practitioner with practitioner1's SDS user id and an id equal to sub; requesting_device a Device."),
        step!(Then r#"^the GP Connect request asked for "(patient\d+)"'s record$"# => asked_for, "The body is a Parameters whose patientNHSNumber is the patient's NHS number in https://fhir.nhs.uk/Id/nhs-number, with at least one include parameter."),
        step!(Then r#"^the retrieved record is filed in "(patient\d+)"'s documents$"# => filed, "The candidate's Access Document search lists a document of type application/fhir+json whose Binary is the record the provider answered (same JSON) (evidence kept)."),
        step!(Then r#"^no retrieved record was added to "(patient\d+)"'s documents$"# => nothing_filed, "The patient has as many application/fhir+json documents as were counted before (evidence kept)."),
    ]
}

async fn retrieve(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = crate::steps::common::keys::nhs(w, a.get(1))?;
    let practitioner = crate::steps::common::keys::sds(w, "practitioner1")?;
    let ods = national()?.other_practice.ods_code.clone();
    act(
        w,
        "retrieve-record",
        vec![("patient".into(), nhs), ("odsCode".into(), ods), ("practitioner".into(), practitioner)],
    )
    .await
}

/// The first successful SDS search for the other practice's
/// structured-record `kind` (`Endpoint`, `Device`): its position among all
/// requests and the resource SDS answered.
fn sds_answer(w: &RfaWorld, kind: &str) -> Option<(usize, Value)> {
    let ods = national().ok()?.other_practice.ods_code.clone();
    w.consumer.inbound.iter().enumerate().find_map(|(i, x)| {
        if Service::of_url(&x.request.url) != Some(Service::Sds) || !succeeded(x) {
            return None;
        }
        let url = reqwest::Url::parse(&x.request.url).ok()?;
        let q = |k: &str| url.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.into_owned()).unwrap_or_default();
        let asks = url.path().ends_with(&format!("/{kind}"))
            && q("organization") == format!("{}|{ods}", gpc::ODS_ORGANIZATION_SYSTEM)
            && q("identifier") == format!("{SERVICE_INTERACTION_SYSTEM}|{}", Interaction::GetStructuredRecord.id());
        let resource = answer_json(x).pointer("/entry/0/resource").cloned()?;
        asks.then_some((i, resource))
    })
}

/// The SDS Endpoint lookup for the other practice and the address it
/// answered, if any.
fn lookup(w: &RfaWorld) -> Option<(usize, String)> {
    let (i, endpoint) = sds_answer(w, "Endpoint")?;
    Some((i, endpoint.get("address")?.as_str()?.to_string()))
}

/// The ASID SDS lists on the other practice's Device, if the candidate
/// looked it up (it is new every run).
fn device_asid(w: &RfaWorld) -> Option<String> {
    let (_, device) = sds_answer(w, "Device")?;
    gpc::identifier(&device, SPINE_ASID_SYSTEM).map(str::to_string)
}

/// The GP Connect requests, with their position among all requests.
fn calls(w: &RfaWorld) -> Vec<(usize, &Exchange)> {
    w.consumer
        .inbound
        .iter()
        .enumerate()
        .filter(|(_, x)| Service::of_url(&x.request.url) == Some(Service::GpConnect))
        .collect()
}

fn first_call(w: &RfaWorld) -> Result<&Exchange, Failure> {
    match calls(w).first() {
        Some((_, x)) => Ok(x),
        None => fail_with(w, "the candidate made no GP Connect request of the other practice"),
    }
}

fn endpoint(w: &RfaWorld) -> Result<(usize, String), Failure> {
    lookup(w).map_or_else(
        || fail_with(w, "the candidate should look the other practice's structured-record endpoint up in SDS (Endpoint?organization=…|ODS&identifier=…|interaction)"),
        Ok,
    )
}

async fn looked_up(w: &mut RfaWorld, _: &Args) -> StepResult {
    let (at, _) = endpoint(w)?;
    if let Some((first, _)) = calls(w).first()
        && *first < at
    {
        return fail_with(w, "the candidate called the provider before looking its endpoint up in SDS");
    }
    Ok(())
}

async fn called_endpoint(w: &mut RfaWorld, _: &Args) -> StepResult {
    let (_, address) = endpoint(w)?;
    let want = format!("{}/Patient/$gpc.getstructuredrecord", address.trim_end_matches('/'));
    first_call(w)?;
    for (_, x) in calls(w) {
        let path = x.request.url.split('?').next().unwrap_or_default();
        if path != want {
            return fail_with(w, format!("the candidate should call {want} (the address SDS gave), it called {path}"));
        }
    }
    Ok(())
}

async fn spine_headers(w: &mut RfaWorld, _: &Args) -> StepResult {
    endpoint(w)?;
    let asid = device_asid(w);
    let own = {
        let ctx = w.ctx()?;
        let c = ctx.client.config();
        let settings =
            c.consumer.as_ref().ok_or_else(|| Failure::Harness("the config has no [consumer] section".into()))?;
        settings.consumer_asid(&c.spine.provider_asid).to_string()
    };
    let x = first_call(w)?;
    let h = |n: &str| x.request.header(n).unwrap_or_default().to_string();
    let mut wrong = Vec::new();
    if uuid::Uuid::parse_str(&h("Ssp-TraceID")).is_err() {
        wrong.push(format!("Ssp-TraceID should be a UUID, it is `{}`", h("Ssp-TraceID")));
    }
    if h("Ssp-From") != own {
        wrong.push(format!("Ssp-From should be the candidate's ASID {own}, it is `{}`", h("Ssp-From")));
    }
    match asid {
        Some(asid) if h("Ssp-To") != asid => {
            wrong.push(format!("Ssp-To should be the ASID SDS lists on the provider's Device ({asid}), it is `{}`", h("Ssp-To")))
        }
        Some(_) => {}
        None => wrong.push(format!(
            "Ssp-To should be the ASID SDS lists on the provider's Device (new every run), and the candidate did not look the Device up (Device?organization=…|ODS&identifier=…|interaction); it sent `{}`",
            h("Ssp-To")
        )),
    }
    if h("Ssp-InteractionID") != Interaction::GetStructuredRecord.id() {
        wrong.push(format!(
            "Ssp-InteractionID should be {}, it is `{}`",
            Interaction::GetStructuredRecord.id(),
            h("Ssp-InteractionID")
        ));
    }
    if !wrong.is_empty() {
        return fail_with(w, wrong.join("; "));
    }
    Ok(())
}

fn claims(w: &RfaWorld) -> Result<Value, Failure> {
    let x = first_call(w)?;
    match &x.request.jwt_claims {
        Some(c) => Ok(c.clone()),
        None => fail_with(w, "the GP Connect request should carry a bearer JWT in Authorization"),
    }
}

async fn token_audience(w: &mut RfaWorld, _: &Args) -> StepResult {
    let (_, address) = endpoint(w)?;
    let c = claims(w)?;
    let started = first_call(w)?.started.clone();
    let sent = time::OffsetDateTime::parse(&started, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .unwrap_or(i64::MAX);
    let (iat, exp) = (c.get("iat").and_then(Value::as_i64), c.get("exp").and_then(Value::as_i64));
    let mut wrong = Vec::new();
    if c.get("aud").and_then(Value::as_str) != Some(address.as_str()) {
        wrong.push(format!(
            "aud should be the endpoint SDS gave ({address}), it is {}",
            c.get("aud").unwrap_or(&Value::Null)
        ));
    }
    match (iat, exp) {
        (Some(i), Some(e)) if e - i == 300 && i <= sent + 5 => {}
        _ => wrong.push(format!("exp should be iat + 300 with iat not in the future (iat {iat:?}, exp {exp:?})")),
    }
    if !wrong.is_empty() {
        return fail_with(w, wrong.join("; "));
    }
    Ok(())
}

async fn token_identity(w: &mut RfaWorld, _: &Args) -> StepResult {
    let c = claims(w)?;
    let practice = w.ctx()?.client.config().spine.provider_ods.clone();
    let user = crate::steps::common::keys::sds(w, "practitioner1")?;
    let s = |p: &str| c.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    let mut wrong = Vec::new();
    if s("/reason_for_request") != "directcare" {
        wrong.push(format!("reason_for_request should be directcare, it is `{}`", s("/reason_for_request")));
    }
    if s("/requested_scope") != "patient/*.read" {
        wrong.push(format!("requested_scope should be patient/*.read, it is `{}`", s("/requested_scope")));
    }
    let org = c.get("requesting_organization").cloned().unwrap_or(Value::Null);
    if !crate::steps::common::bundle::identifiers(&org, gpc::ODS_ORGANIZATION_SYSTEM).contains(&practice.as_str()) {
        wrong.push(format!("requesting_organization should carry the practice's ODS code {practice}"));
    }
    let who = c.get("requesting_practitioner").cloned().unwrap_or(Value::Null);
    if !crate::steps::common::bundle::identifiers(&who, gpc::SDS_USER_SYSTEM).contains(&user.as_str()) {
        wrong.push(format!("requesting_practitioner should carry the user's SDS user id {user}"));
    }
    if who.as_resource().id().is_none_or(|id| id != s("/sub")) {
        wrong.push("sub should equal requesting_practitioner.id".into());
    }
    if s("/requesting_device/resourceType") != "Device" {
        wrong.push("requesting_device should be a Device".into());
    }
    if !wrong.is_empty() {
        return fail_with(w, wrong.join("; "));
    }
    Ok(())
}

async fn asked_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = crate::steps::common::keys::nhs(w, a.get(1))?;
    let b = body_json(first_call(w)?);
    let params: Vec<Value> = b.get("parameter").and_then(Value::as_array).cloned().unwrap_or_default();
    let number = params.iter().find(|p| p.get("name").and_then(Value::as_str) == Some("patientNHSNumber"));
    let ok_number = number.is_some_and(|p| {
        p.pointer("/valueIdentifier/system").and_then(Value::as_str) == Some(gpc::NHS_NUMBER_SYSTEM)
            && p.pointer("/valueIdentifier/value").and_then(Value::as_str) == Some(nhs.as_str())
    });
    let includes =
        params.iter().any(|p| p.get("name").and_then(Value::as_str).is_some_and(|n| n.starts_with("include")));
    if b.as_resource().resource_type() != Some("Parameters") || !ok_number || !includes {
        return fail_with(
            w,
            format!(
                "the request should be a Parameters with patientNHSNumber {{system {}, value {nhs}}} and at least one include parameter; it was {}",
                gpc::NHS_NUMBER_SYSTEM,
                b
            ),
        );
    }
    Ok(())
}

/// The patient's documents of the retrieved-record type, with their Binary
/// paths (evidence kept).
async fn records(w: &mut RfaWorld, key: &str) -> Result<Vec<String>, Failure> {
    let patient = crate::steps::inf::documents::patient_id(w, key).await?;
    let bundle = crate::steps::common::http::fetch(
        w,
        &crate::steps::inf::documents::document_spec(&patient, true),
        200,
        "Bundle",
        "the patient's document search",
    )
    .await?;
    let root = w.ctx()?.client.config().documents_url.as_str().trim_end_matches('/').to_string();
    Ok(crate::steps::common::bundle::resources(&bundle, "DocumentReference")
        .iter()
        .filter(|d| d.pointer("/content/0/attachment/contentType").and_then(Value::as_str) == Some(RECORD_TYPE))
        .filter_map(|d| d.pointer("/content/0/attachment/url").and_then(Value::as_str))
        .map(|u| u.strip_prefix(&format!("{root}/")).unwrap_or(u).to_string())
        .collect())
}

async fn count_documents(w: &mut RfaWorld, a: &Args) -> StepResult {
    crate::steps::consumer::own(w).await?;
    let n = records(w, a.get(1)).await?.len();
    w.consumer.documents_before = Some(n);
    Ok(())
}

async fn filed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let Some((_, served)) = calls(w).into_iter().rev().find(|(_, x)| succeeded(x)) else {
        return fail_with(w, "the candidate retrieved no record from the other practice");
    };
    let want = answer_json(served);
    for path in records(w, a.get(1)).await? {
        let binary = crate::steps::common::http::fetch(
            w,
            &RequestSpec::new(Interaction::ReadBinary, path),
            200,
            "Binary",
            "retrieving a filed record",
        )
        .await?;
        let content = binary.get("content").and_then(Value::as_str).unwrap_or_default();
        let bytes = base64::engine::general_purpose::STANDARD.decode(content).unwrap_or_default();
        if serde_json::from_slice::<Value>(&bytes).ok().as_ref() == Some(&want) {
            return Ok(());
        }
    }
    fail_with(
        w,
        format!(
            "the patient's documents should include the retrieved record ({RECORD_TYPE}, the provider's answer); none does"
        ),
    )
}

async fn nothing_filed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let before = w
        .consumer
        .documents_before
        .ok_or_else(|| Failure::Harness("count the patient's retrieved records first".into()))?;
    let now = records(w, a.get(1)).await?.len();
    if now != before {
        return fail_with(
            w,
            format!(
                "nothing should be filed when the retrieval fails; the patient had {before} retrieved record(s), now {now}"
            ),
        );
    }
    Ok(())
}
