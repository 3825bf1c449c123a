//! Knowledge bases at the point of care (KNW): the alerts a candidate
//! raises while prescribing — stopping the prescription, or kept with it as
//! DetectedIssues — and terminology look-ups.

use serde_json::Value;

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Then r#"^the prescription is stopped by an? (allergy|interaction) alert$"# => stopped_by, "HTTP 422 INVALID_RESOURCE (a GPConnect-OperationOutcome-1) carrying, contained, a high-severity DetectedIssue of category v3 ActCode ALGY (allergy) or DRG (drug interaction)."),
        step!(Then r#"^the prescription "([^"]+)" records an? (high|moderate) (allergy|interaction|duplicate therapy) alert( with the override reason)?$"# => records_alert, "The issued prescription holds, referenced from detectedIssue, a contained DetectedIssue of this category (ALGY, DRG, DUPTHPY) and severity; with the override reason, a mitigation quoting the prescriber's reason."),
        step!(Then r#"^the prescription "([^"]+)" records no alert$"# => records_none, "The issued prescription holds no DetectedIssue."),
        step!(Then r#"^the prescription read back records an? (high|moderate) (allergy|interaction|duplicate therapy) alert$"# => read_back_records, "HTTP 200 and the prescription read still holds that DetectedIssue."),
        step!(Given r#"^a look-up of "([^"]+)"$"# => lookup_display, "Begins `GET [base]/CodeSystem/$lookup?system=http://snomed.info/sct&code=…` for this concept of the test data's terminology (by display)."),
        step!(Given r#"^a look-up of the code "([^"]*)"(?: in "([^"]*)")?$"# => lookup_code, "The same for a literal code, in SNOMED CT or the system given."),
        step!(Then r#"^the look-up answers "([^"]+)", (active|inactive), class "([^"]+)"$"# => answers, "HTTP 200 Parameters: display, the `inactive` property and the `concept-class` property (VTM, VMP, AMP or finding)."),
    ]
}

fn category_code(name: &str) -> &'static str {
    match name {
        "allergy" => "ALGY",
        "interaction" => "DRG",
        _ => "DUPTHPY",
    }
}

async fn stopped_by(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want = category_code(a.get(1));
    let resp = w.response()?;
    let outcome = match (resp.status, resp.json()) {
        (422, Ok(o)) => o,
        (status, _) => {
            return w.fail(format!(
                "the knowledge base should stop the prescription (HTTP 422 with the alert), it answered HTTP {status}"
            ));
        }
    };
    crate::steps::common::http::check_schema(w, "operation-outcome", &outcome)?;
    let spine = outcome.as_outcome().first_code() == Some("INVALID_RESOURCE");
    let alert = outcome.get("contained").and_then(Value::as_array).into_iter().flatten().any(|d| {
        d.as_resource().resource_type() == Some("DetectedIssue")
            && d.pointer("/category/coding/0/system").and_then(Value::as_str) == Some(gpc::ACT_CODE_SYSTEM)
            && d.pointer("/category/coding/0/code").and_then(Value::as_str) == Some(want)
            && d.get("severity").and_then(Value::as_str) == Some("high")
    });
    if !spine || !alert {
        return w.fail(format!(
            "the refusal should be INVALID_RESOURCE carrying, contained, a high-severity DetectedIssue of category {want} ({}) for the alert",
            gpc::ACT_CODE_SYSTEM
        ));
    }
    Ok(())
}

/// The DetectedIssues a prescription holds and references.
fn alerts(rx: &Value) -> Vec<Value> {
    let refs: Vec<String> = rx
        .get("detectedIssue")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_reference().reference().map(|s| s.trim_start_matches('#').to_string()))
        .collect();
    rx.get("contained")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| c.as_resource().resource_type() == Some("DetectedIssue"))
        .filter(|c| c.as_resource().id().is_some_and(|id| refs.iter().any(|r| r == id)))
        .cloned()
        .collect()
}

fn find_alert(w: &RfaWorld, rx: &Value, severity: &str, category: &str, reason: Option<&str>) -> StepResult {
    let code = category_code(category);
    let all = alerts(rx);
    let found = all.iter().find(|d| {
        d.pointer("/category/coding/0/code").and_then(Value::as_str) == Some(code)
            && d.get("severity").and_then(Value::as_str) == Some(severity)
    });
    let Some(found) = found else {
        let seen: Vec<String> = all
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d.get("severity").and_then(Value::as_str).unwrap_or("?"),
                    d.pointer("/category/coding/0/code").and_then(Value::as_str).unwrap_or("?")
                )
            })
            .collect();
        return w.fail(format!(
            "the prescription should record a {severity} {code} alert (a contained DetectedIssue it references); it records {seen:?}"
        ));
    };
    if let Some(reason) = reason {
        let quoted = found
            .get("mitigation")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|m| m.pointer("/action/text").and_then(Value::as_str).is_some_and(|t| t.contains(reason)));
        if !quoted {
            return w.fail(format!("the {code} alert should record the override, with the prescriber's reason `{reason}`, as its mitigation"));
        }
    }
    Ok(())
}

fn override_reason(sent: &Value) -> Option<String> {
    gpc::extension(sent, gpc::ALERT_OVERRIDE_EXTENSION)?.get("valueString")?.as_str().map(str::to_string)
}

async fn records_alert(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (sent, got) = crate::steps::eps::prescribing::issued_as(w, a.get(1))?;
    let reason = if a.get(4).is_empty() {
        None
    } else {
        Some(override_reason(&sent).ok_or_else(|| Failure::Harness("no override reason was sent".into()))?)
    };
    find_alert(w, &got, a.get(2), a.get(3), reason.as_deref())
}

async fn records_none(w: &mut RfaWorld, a: &Args) -> StepResult {
    let got = crate::steps::eps::prescribing::issued_as(w, a.get(1))?.1;
    let all = alerts(&got);
    let listed = got.get("detectedIssue").and_then(Value::as_array).map_or(0, Vec::len);
    if !all.is_empty() || listed > 0 {
        return w.fail(format!(
            "nothing in the patient's record or medication should raise an alert here, yet the prescription records {}",
            all.len().max(listed)
        ));
    }
    Ok(())
}

async fn read_back_records(w: &mut RfaWorld, a: &Args) -> StepResult {
    let got = crate::steps::common::http::answered(w, 200, "MedicationRequest", "the read")?;
    find_alert(w, &got, a.get(1), a.get(2), None)
}

fn begin_lookup(w: &mut RfaWorld, system: &str, code: &str) {
    let mut spec = RequestSpec::new(Interaction::LookupCode, "CodeSystem/$lookup");
    spec.query.push(("system".into(), system.into()));
    spec.query.push(("code".into(), code.into()));
    w.request = Some(spec);
}

async fn lookup_display(w: &mut RfaWorld, a: &Args) -> StepResult {
    let c = crate::medicines::terminology()
        .by_display(a.get(1))
        .ok_or_else(|| Failure::Harness(format!("`{}` is not a concept of the test data's terminology", a.get(1))))?;
    begin_lookup(w, gpc::SNOMED_SYSTEM, &c.code);
    Ok(())
}

async fn lookup_code(w: &mut RfaWorld, a: &Args) -> StepResult {
    let system = if a.get(2).is_empty() { gpc::SNOMED_SYSTEM } else { a.get(2) };
    begin_lookup(w, system, a.get(1));
    Ok(())
}

async fn answers(w: &mut RfaWorld, a: &Args) -> StepResult {
    let p = crate::steps::common::http::answered(w, 200, "Parameters", "the look-up")?;
    let answer = crate::medicines::LookupAnswer::read(&p);
    let (display, inactive, class) = (answer.display, answer.inactive, answer.class);
    if display != Some(a.get(1)) {
        return w.fail(format!("the look-up should answer the display `{}`, it answers {display:?}", a.get(1)));
    }
    if inactive != Some(a.get(2) == "inactive") {
        return w.fail(format!(
            "the concept is {}: the `inactive` property should be {}, it is {inactive:?}",
            a.get(2),
            a.get(2) == "inactive"
        ));
    }
    if class != Some(a.get(3)) {
        return w.fail(format!("the `concept-class` property should be {}, it is {class:?}", a.get(3)));
    }
    Ok(())
}
