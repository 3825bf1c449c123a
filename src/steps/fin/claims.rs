//! Practice finance (FIN): claims for services a scenario recorded (an
//! Encounter recorded with the REC steps), priced by the test data's fee
//! schedule, one field changed at a time.

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::finance;
use crate::steps::common::keys::logical_id;
use crate::steps::eps::prescribing::put;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a claim for "([^"]+)" of "([^"]+)" at the encounter "([^"]+)"$"# => claim_for, "Begins `POST [base]/Claim`: one item of this fee-schedule service (`fixtures/fee-schedule.json`) for an Encounter recorded earlier in the scenario, on its date, at the schedule's fee in GBP, quantity 1; the total its net; an identifier no run has used (derived from the scenario's first trace id, so a re-judged run rebuilds it)."),
        step!(Given r#"^the claim also claims "([^"]+)" at the encounter "([^"]+)"$"# => add_item, "Adds another item, the total following."),
        step!(Given r#"^the claim's (unit price|net|total|quantity|currency|service date|service code|service system|encounter id|patient id) is "([^"]*)"$"# => set_field, "Changes one field of the claim (of its first item, but the total): amounts in pounds, `{today+N}` in the service date."),
        step!(Given r#"^a claim "([^"]+)" made for "([^"]+)" of "([^"]+)" at the encounter "([^"]+)"$"# => made, "Setup: makes such a claim and expects 201; it is known by this label."),
        step!(Given r#"^a search for the claims of "([^"]+)" with the identifier of "([^"]+)"$"# => search_for, "Begins `GET [base]/Claim?patient=[id]&identifier=…` for a claim made in this scenario."),
        step!(Then r#"^the claim is accepted as "([^"]+)"$"# => accepted, "HTTP 201 and a Claim with an id; known by this label."),
        step!(Then r#"^the claim "([^"]+)" is as it was sent$"# => as_sent, "A Location naming it, status active, and the patient, items (service, encounter, date, quantity, unit price, net) and total that were sent."),
        step!(Then r#"^the Bundle holds the claim "([^"]+)" totalling "([^"]+)"$"# => bundle_holds, "A searchset Bundle holding that Claim with this total (GBP)."),
    ]
}

fn draft(w: &mut RfaWorld) -> Result<&mut Value, Failure> {
    w.fin.claim.as_mut().ok_or_else(|| Failure::Harness("begin a claim first".into()))
}

fn gbp(pounds: f64) -> Value {
    json!({ "value": (pounds * 100.0).round() / 100.0, "code": "GBP", "system": "urn:iso:std:iso:4217" })
}

/// A claim item for a service at an encounter recorded in this scenario.
fn item(w: &RfaWorld, sequence: usize, service: &str, encounter: &str) -> Result<Value, Failure> {
    let schedule = finance::schedule();
    let sv = schedule
        .service(service)
        .ok_or_else(|| Failure::Harness(format!("`{service}` is not a service of fixtures/fee-schedule.json")))?;
    let e = w.rec.recorded.get(encounter).ok_or_else(|| {
        Failure::Harness(format!("no Encounter \"{encounter}\" was recorded in this scenario (`Given an Encounter \"{encounter}\" recorded for …`)"))
    })?;
    let date =
        e.expected.pointer("/period/start").and_then(Value::as_str).and_then(|t| t.get(..10)).unwrap_or_default();
    Ok(json!({
        "sequence": sequence,
        "service": { "coding": [{ "system": schedule.system, "code": sv.code, "display": sv.display }] },
        "servicedDate": date,
        "encounter": [{ "reference": format!("Encounter/{}", e.id) }],
        "quantity": { "value": 1 },
        "unitPrice": gbp(sv.fee),
        "net": gbp(sv.fee)
    }))
}

fn retotal(claim: &mut Value) {
    let sum: i64 = claim
        .get("item")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.pointer("/net/value").and_then(Value::as_f64))
        .map(finance::pennies)
        .sum();
    put(claim, &["total"], gbp(sum as f64 / 100.0));
}

async fn build(w: &mut RfaWorld, patient: &str, service: &str, encounter: &str) -> Result<Value, Failure> {
    let id = logical_id(w, patient).await?;
    let ods = w.ctx()?.client.config().spine.provider_ods.clone();
    // Derived from the evidence, so a re-judged run rebuilds the same claim.
    let identifier = crate::steps::common::keys::fresh_identifier(w);
    let mut claim = json!({
        "resourceType": "Claim",
        "identifier": [{ "system": gpc::CLAIM_IDENTIFIER_SYSTEM, "value": identifier }],
        "status": "active",
        "type": { "coding": [{ "system": "http://hl7.org/fhir/ex-claimtype", "code": "professional" }] },
        "use": "complete",
        "patient": { "reference": format!("Patient/{id}") },
        "created": crate::support::clock::now().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "organization": { "identifier": { "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods } },
        "insurer": { "display": "NHS England" },
        "item": [item(w, 1, service, encounter)?]
    });
    retotal(&mut claim);
    Ok(claim)
}

fn spec_for(claim: &Value) -> RequestSpec {
    RequestSpec::post(Interaction::CreateClaim, "Claim", claim.to_string())
}

fn rebuild(w: &mut RfaWorld) -> StepResult {
    let spec = spec_for(draft(w)?);
    w.request = Some(spec);
    Ok(())
}

async fn claim_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let claim = build(w, a.get(1), a.get(2), a.get(3)).await?;
    w.fin.claim = Some(claim);
    rebuild(w)
}

async fn add_item(w: &mut RfaWorld, a: &Args) -> StepResult {
    let n = draft(w)?.get("item").and_then(Value::as_array).map_or(0, Vec::len);
    let extra = item(w, n + 1, a.get(1), a.get(2))?;
    let claim = draft(w)?;
    if let Some(items) = claim.get_mut("item").and_then(Value::as_array_mut) {
        items.push(extra);
    }
    retotal(claim);
    rebuild(w)
}

fn pounds(field: &str, v: &str) -> Result<f64, Failure> {
    v.parse().map_err(|_| Failure::Harness(format!("the claim's {field} is an amount, not `{v}`")))
}

async fn set_field(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (field, v) = (a.get(1), a.get(2));
    let patient = if field == "patient id" { v.to_string() } else { String::new() };
    let date = if field == "service date" { crate::steps::eps::prescribing::date_arg(v)? } else { String::new() };
    let claim = draft(w)?;
    match field {
        "unit price" => put(claim, &["item", "0", "unitPrice", "value"], json!(pounds(field, v)?)),
        "net" => put(claim, &["item", "0", "net", "value"], json!(pounds(field, v)?)),
        "total" => put(claim, &["total", "value"], json!(pounds(field, v)?)),
        "quantity" => put(claim, &["item", "0", "quantity", "value"], json!(pounds(field, v)?)),
        "currency" => {
            put(claim, &["item", "0", "unitPrice", "code"], json!(v));
            put(claim, &["item", "0", "net", "code"], json!(v));
            put(claim, &["total", "code"], json!(v));
        }
        "service date" => put(claim, &["item", "0", "servicedDate"], json!(date)),
        "service code" => put(claim, &["item", "0", "service", "coding", "0", "code"], json!(v)),
        "service system" => put(claim, &["item", "0", "service", "coding", "0", "system"], json!(v)),
        "encounter id" => put(claim, &["item", "0", "encounter", "0", "reference"], json!(format!("Encounter/{v}"))),
        _ => put(claim, &["patient", "reference"], json!(format!("Patient/{patient}"))),
    }
    rebuild(w)
}

async fn made(w: &mut RfaWorld, a: &Args) -> StepResult {
    let label = a.get(1);
    let claim = build(w, a.get(2), a.get(3), a.get(4)).await?;
    let resp = w.send_as_practice(&spec_for(&claim)).await?;
    match (resp.status, resp.json()) {
        (201, Ok(got)) if got.as_resource().id().is_some() => {
            w.fin.claims.insert(label.to_string(), (claim, got));
            Ok(())
        }
        (status, _) => {
            w.fail(format!("setup: the claim \"{label}\" should be accepted (201), it answered HTTP {status}"))
        }
    }
}

fn claim_as(w: &RfaWorld, label: &str) -> Result<(Value, Value), Failure> {
    w.fin
        .claims
        .get(label)
        .cloned()
        .ok_or_else(|| Failure::Harness(format!("no claim \"{label}\" was made in this scenario")))
}

async fn search_for(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (sent, _) = claim_as(w, a.get(2))?;
    let identifier = sent.pointer("/identifier/0/value").and_then(Value::as_str).unwrap_or_default().to_string();
    let patient = logical_id(w, a.get(1)).await?;
    let mut spec = RequestSpec::new(Interaction::SearchClaims, "Claim");
    spec.query.push(("patient".into(), patient));
    spec.query.push(("identifier".into(), format!("{}|{identifier}", gpc::CLAIM_IDENTIFIER_SYSTEM)));
    w.request = Some(spec);
    Ok(())
}

async fn accepted(w: &mut RfaWorld, a: &Args) -> StepResult {
    let sent = w.fin.claim.clone().ok_or_else(|| Failure::Harness("no claim was sent".into()))?;
    let got = crate::steps::common::http::answered(w, 201, "Claim", "the claim (accepted)")?;
    if got.as_resource().id().is_none() {
        return w.fail("the claim should be answered with its id");
    }
    w.fin.claims.insert(a.get(1).to_string(), (sent, got));
    Ok(())
}

async fn as_sent(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (sent, got) = claim_as(w, a.get(1))?;
    let id = got.as_resource().id().unwrap_or_default();
    let location = w.response()?.header("Location").unwrap_or_default().to_string();
    if !location.contains(&format!("/Claim/{id}")) {
        return w.fail(format!("the Location `{location}` should name the claim, Claim/{id}"));
    }
    if got.get("status").and_then(Value::as_str) != Some("active") {
        return w.fail(format!("the claim should be active, it is {:?}", got.get("status")));
    }
    let amount = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_f64).map(finance::pennies);
    for p in ["/patient/reference", "/identifier/0/value"] {
        if got.pointer(p) != sent.pointer(p) {
            return w.fail(format!(
                "the claim's {p} should be {:?} as sent, it is {:?}",
                sent.pointer(p),
                got.pointer(p)
            ));
        }
    }
    if amount(&got, "/total/value") != amount(&sent, "/total/value") {
        return w.fail(format!(
            "the claim's total should be {:?} as sent, it is {:?}",
            sent.pointer("/total"),
            got.pointer("/total")
        ));
    }
    let n = sent.get("item").and_then(Value::as_array).map_or(0, Vec::len);
    for i in 0..n {
        for p in ["/service/coding/0/code", "/encounter/0/reference", "/servicedDate"] {
            let p = format!("/item/{i}{p}");
            if got.pointer(&p) != sent.pointer(&p) {
                return w.fail(format!(
                    "the claim's {p} should be {:?} as sent, it is {:?}",
                    sent.pointer(&p),
                    got.pointer(&p)
                ));
            }
        }
        for p in ["/unitPrice/value", "/net/value"] {
            let p = format!("/item/{i}{p}");
            if amount(&got, &p) != amount(&sent, &p) {
                return w.fail(format!(
                    "the claim's {p} should be {:?} as sent, it is {:?}",
                    sent.pointer(&p),
                    got.pointer(&p)
                ));
            }
        }
    }
    Ok(())
}

async fn bundle_holds(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (_, got) = claim_as(w, a.get(1))?;
    let id = got.as_resource().id().unwrap_or_default().to_string();
    let want = pounds("total", a.get(2)).map(finance::pennies)?;
    let b = crate::steps::common::bundle::searchset(w)?;
    let found = crate::steps::common::bundle::resources(&b, "Claim")
        .into_iter()
        .find(|c| c.as_resource().id() == Some(id.as_str()))
        .cloned();
    match found {
        Some(c) if c.pointer("/total/value").and_then(Value::as_f64).map(finance::pennies) == Some(want) => Ok(()),
        Some(c) => w.fail(format!("claim {id} should total £{}, it totals {:?}", a.get(2), c.get("total"))),
        None => w.fail(format!("the Bundle should hold claim {id}")),
    }
}
