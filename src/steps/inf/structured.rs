//! Building `$gpc.getstructuredrecord` requests: a `Parameters` body edited
//! parameter by parameter, so each scenario reads as the request it sends.

use serde_json::{Value, json};

use crate::client::RequestSpec;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::stamps::dates;
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a structured record request for "([^"]+)"$"# => request_for_key, "Begins `POST [structured]/Patient/$gpc.getstructuredrecord` whose Parameters hold only patientNHSNumber: this fixture patient's NHS number."),
        step!(Given r#"^a structured record request for the NHS number "([^"]*)"$"# => request_for_number, "The same, for this literal NHS number."),
        step!(Given r#"^a structured record request with the body:$"# => request_with_body, "The same, with the doc string below as the body, sent verbatim after placeholders (`{nhs:KEY}`, `{today}`, `{today+N}`, `{today-N}`) are filled in."),
        step!(Given r#"^the parameter "([A-Za-z0-9]+)"(?: with "([A-Za-z0-9]+)" = (.+))?$"# => parameter, "Adds a parameter (to a structured record request or a migration), or a part to the last parameter of that name. Part values: `true`/`false` (valueBoolean), a number (valuePositiveInt), `date \"…\"`, `code \"…\"`, `period \"…\" to \"…\"`, `period from \"…\"`, `period to \"…\"`, `nothing` (no value). Dates may be `{today}`, `{today+N}`, `{today-N}`."),
        step!(Given r#"^a second "([A-Za-z]+)" parameter$"# => second_parameter, "Adds another top-level parameter of this name (with no parts), even if there is one."),
        step!(Given r#"^the "([A-Za-z]+)" parameter is removed$"# => remove_parameter, "Removes every top-level parameter of this name."),
        step!(Given r#"^the "([A-Za-z]+)" parameter is renamed "([A-Za-z]+)"$"# => rename_parameter, "Renames every top-level parameter of this name."),
        step!(Given r#"^the patientNHSNumber identifier system is "([^"]*)"$"# => nhs_system, "Sends patientNHSNumber with this identifier system."),
    ]
}

const PATH: &str = "Patient/$gpc.getstructuredrecord";

fn begin(w: &mut RfaWorld, body: Vec<u8>) {
    let spec = RequestSpec::post(Interaction::GetStructuredRecord, PATH, body);
    w.request = Some(spec);
}

/// A request for the patient's medications, without their issues.
pub(in crate::steps) fn medications_of(number: &str) -> RequestSpec {
    let body = json!({
        "resourceType": "Parameters",
        "parameter": [
            { "name": "patientNHSNumber", "valueIdentifier": { "system": gpc::NHS_NUMBER_SYSTEM, "value": number } },
            { "name": "includeMedication", "part": [{ "name": "includePrescriptionIssues", "valueBoolean": false }] }
        ]
    });
    RequestSpec::post(Interaction::GetStructuredRecord, PATH, body.to_string())
}

fn with_nhs(number: &str) -> Vec<u8> {
    json!({
        "resourceType": "Parameters",
        "parameter": [{
            "name": "patientNHSNumber",
            "valueIdentifier": { "system": gpc::NHS_NUMBER_SYSTEM, "value": number }
        }]
    })
    .to_string()
    .into_bytes()
}

async fn request_for_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = keys::nhs(w, a.get(1))?;
    begin(w, with_nhs(&nhs));
    Ok(())
}

async fn request_for_number(w: &mut RfaWorld, a: &Args) -> StepResult {
    begin(w, with_nhs(a.get(1)));
    Ok(())
}

async fn request_with_body(w: &mut RfaWorld, a: &Args) -> StepResult {
    let text = keys::expand(w, a.docstring()?)?;
    begin(w, dates(&text)?.into_bytes());
    Ok(())
}

/// The request's Parameters, for editing.
fn parameters(w: &mut RfaWorld) -> Result<(&mut RequestSpec, Value), Failure> {
    let spec = w.request_mut()?;
    if !matches!(spec.interaction, Interaction::GetStructuredRecord | Interaction::MigrateStructuredRecord) {
        return Err(Failure::Harness(
            "this step edits a structured record request (or a migration); begin one first".into(),
        ));
    }
    let body: Value = serde_json::from_slice(spec.body.as_deref().unwrap_or_default()).map_err(|_| {
        Failure::Harness("the request body is not JSON Parameters to edit (it was given verbatim)".into())
    })?;
    Ok((spec, body))
}

fn save(spec: &mut RequestSpec, body: &Value) {
    spec.body = Some(body.to_string().into_bytes());
}

fn list(body: &mut Value) -> Result<&mut Vec<Value>, Failure> {
    body.get_mut("parameter")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| Failure::Harness("the request body has no parameter array".into()))
}

/// A part value as the step writes it.
pub fn part_value(text: &str) -> Result<Option<(&'static str, Value)>, Failure> {
    let quoted = |s: &str| -> Result<String, Failure> {
        let s = s.trim();
        let inner = s.strip_prefix('"').and_then(|x| x.strip_suffix('"'));
        inner.map(dates).transpose()?.ok_or_else(|| Failure::Harness(format!("expected a quoted value, got `{s}`")))
    };
    let t = text.trim();
    Ok(Some(match t {
        "nothing" => return Ok(None),
        "true" => ("valueBoolean", json!(true)),
        "false" => ("valueBoolean", json!(false)),
        _ if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() => {
            ("valuePositiveInt", json!(t.parse::<u64>().map_err(|e| Failure::Harness(e.to_string()))?))
        }
        _ if t.starts_with("date ") => ("valueDate", json!(quoted(&t[5..])?)),
        _ if t.starts_with("code ") => ("valueCode", json!(quoted(&t[5..])?)),
        _ if t.starts_with("period from ") => ("valuePeriod", json!({ "start": quoted(&t[12..])? })),
        _ if t.starts_with("period to ") => ("valuePeriod", json!({ "end": quoted(&t[10..])? })),
        _ if t.starts_with("period ") => {
            let (start, end) = t[7..]
                .split_once(" to ")
                .ok_or_else(|| Failure::Harness(format!("`{t}`: write period \"START\" to \"END\"")))?;
            ("valuePeriod", json!({ "start": quoted(start)?, "end": quoted(end)? }))
        }
        _ => {
            return Err(Failure::Harness(format!(
                "`{t}` is not a part value: use true, false, a number, date \"…\", code \"…\", period \"…\" to \"…\", period from \"…\", period to \"…\" or nothing"
            )));
        }
    }))
}

async fn parameter(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, part, value) = (a.get(1).to_string(), a.get(2).to_string(), a.get(3).to_string());
    let (spec, mut body) = parameters(w)?;
    let params = list(&mut body)?;
    let existing = params.iter_mut().rev().find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()));
    let target = match existing {
        Some(p) => p,
        None => {
            params.push(json!({ "name": name }));
            params.last_mut().ok_or_else(|| Failure::Harness("no parameter".into()))?
        }
    };
    if !part.is_empty() {
        let mut p = json!({ "name": part });
        if let Some((k, v)) = part_value(&value)? {
            p[k] = v;
        }
        match target.get_mut("part").and_then(Value::as_array_mut) {
            Some(parts) => parts.push(p),
            None => target["part"] = json!([p]),
        }
    }
    save(spec, &body);
    Ok(())
}

async fn second_parameter(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (spec, mut body) = parameters(w)?;
    list(&mut body)?.push(json!({ "name": a.get(1) }));
    save(spec, &body);
    Ok(())
}

async fn remove_parameter(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (spec, mut body) = parameters(w)?;
    list(&mut body)?.retain(|p| p.get("name").and_then(Value::as_str) != Some(a.get(1)));
    save(spec, &body);
    Ok(())
}

async fn rename_parameter(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (spec, mut body) = parameters(w)?;
    for p in list(&mut body)?.iter_mut().filter(|p| p.get("name").and_then(Value::as_str) == Some(a.get(1))) {
        p["name"] = json!(a.get(2));
    }
    save(spec, &body);
    Ok(())
}

async fn nhs_system(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (spec, mut body) = parameters(w)?;
    for p in list(&mut body)?.iter_mut().filter(|p| p.get("name").and_then(Value::as_str) == Some("patientNHSNumber")) {
        p["valueIdentifier"]["system"] = json!(a.get(1));
    }
    save(spec, &body);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_values() {
        assert_eq!(part_value("true").ok().flatten().map(|x| x.0), Some("valueBoolean"));
        assert_eq!(part_value("3").ok().flatten(), Some(("valuePositiveInt", json!(3))));
        assert_eq!(part_value("code \"active\"").ok().flatten(), Some(("valueCode", json!("active"))));
        assert_eq!(
            part_value("period \"2020-01-01\" to \"2021-01-01\"").ok().flatten(),
            Some(("valuePeriod", json!({ "start": "2020-01-01", "end": "2021-01-01" })))
        );
        assert_eq!(
            part_value("period from \"2014\"").ok().flatten(),
            Some(("valuePeriod", json!({ "start": "2014" })))
        );
        assert!(matches!(part_value("nothing"), Ok(None)));
        assert!(part_value("maybe").is_err());
        let today = dates("{today}").expect("today");
        assert!(dates("{today+1}").expect("tomorrow") > today && dates("{today-1}").expect("yesterday") < today);
        assert!(dates("{today+x}").is_err() && dates("{today").is_err());
    }
}
