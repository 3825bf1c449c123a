//! Knowledge bases at the point of care (KNW): the alerts a candidate
//! raises while prescribing — stopping the prescription, or kept with it as
//! DetectedIssues — and how its knowledge base names what is prescribed, on
//! the order it sends EPS.

use serde_json::Value;

use crate::fhir::Views as _;
use crate::fhir::gpc;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Then r#"^the prescription "([^"]+)" records an? (high|moderate) (allergy|interaction|duplicate therapy) alert( with the override reason)?$"# => records_alert, "The issued prescription holds, referenced from detectedIssue, a contained DetectedIssue of this category (ALGY, DRG, DUPTHPY) and severity; with the override reason, a mitigation quoting the prescriber's reason."),
        step!(Then r#"^the prescription "([^"]+)" records no alert$"# => records_none, "The issued prescription holds no DetectedIssue."),
        step!(Then r#"^the prescription read back records an? (high|moderate) (allergy|interaction|duplicate therapy) alert$"# => read_back_records, "HTTP 200 and the prescription read still holds that DetectedIssue."),
        step!(Given r#"^a prescription for "([^"]+)" of "([^"]+)" by its code alone$"# => by_code_alone, "As `a prescription for … of …`, but naming the medicine by its dm+d code only: the trigger carries no `medicationDisplay`, so the candidate names the product from its own knowledge base (profile §30)."),
        step!(Then r#"^the EPS order for "([^"]+)" names "([^"]+)" as dm\+d does$"# => named_as_dmd, "The order's MedicationRequest codes the medicine in SNOMED CT (`http://snomed.info/sct`) with this concept's dm+d code and, as that coding's display, its dm+d name exactly as `fixtures/terminology.json` gives it."),
    ]
}

fn category_code(name: &str) -> &'static str {
    match name {
        "allergy" => "ALGY",
        "interaction" => "DRG",
        _ => "DUPTHPY",
    }
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

async fn by_code_alone(w: &mut RfaWorld, a: &Args) -> StepResult {
    let c = crate::steps::eps::prescribing::medicine(a.get(2))?;
    let unit = c.unit.as_deref().unwrap_or("tablet");
    let mut rx = crate::steps::eps::prescribing::build(w, a.get(1), &c.code, &c.display, unit).await?;
    // Without a display the trigger sends no `medicationDisplay`: the name
    // on the order can only come from the candidate's knowledge base.
    if let Some(coding) = rx.pointer_mut("/medicationCodeableConcept/coding/0").and_then(Value::as_object_mut) {
        coding.remove("display");
    }
    w.eps.prescription = Some(rx);
    w.eps.patient = Some(a.get(1).to_string());
    Ok(())
}

async fn named_as_dmd(w: &mut RfaWorld, a: &Args) -> StepResult {
    let c = crate::steps::eps::prescribing::medicine(a.get(2))?;
    let (_, bundle) = crate::steps::consumer::eps::order(w, a.get(1))?;
    let resources = crate::steps::consumer::eps::resources(&bundle, "MedicationRequest");
    let codings: Vec<&Value> = resources
        .first()
        .and_then(|m| m.pointer("/medicationCodeableConcept/coding"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let snomed = codings.iter().find(|x| {
        x.get("system").and_then(Value::as_str) == Some(gpc::SNOMED_SYSTEM)
            && x.get("code").and_then(Value::as_str) == Some(c.code.as_str())
    });
    let Some(coding) = snomed else {
        return w.fail(format!(
            "the order should code the medicine in {} as {} ({}); its codings are {}",
            gpc::SNOMED_SYSTEM,
            c.code,
            c.display,
            serde_json::to_string(&codings).unwrap_or_default()
        ));
    };
    let display = coding.get("display").and_then(Value::as_str);
    if display != Some(c.display.as_str()) {
        return w.fail(format!(
            "the order should name {} by its dm+d name `{}`, as the knowledge base holds it; it names it {display:?}",
            c.code, c.display
        ));
    }
    Ok(())
}
