//! Format steps: FHIR XML answers, the XML-or-415 choice GP Connect leaves a
//! provider, the same content in both formats, and the formats a
//! CapabilityStatement declares.

use serde_json::Value;

use crate::client::HeaderEdit;
use crate::fhir::gpc;
use crate::steps::common::http::{check_schema, is_fhir_in};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^the request body is sent as FHIR XML$"# => xml_body, "Sends the request's body (built as FHIR JSON, like every body) written as FHIR STU3 XML, with `Content-Type: application/fhir+xml;charset=utf-8`. The evidence records the XML as sent."),
        step!(Then r#"^the response is FHIR XML$"# => is_fhir_xml, "Content-Type is application/fhir+xml (UTF-8 if a charset is given, as the official suite parses only that type) and the body is FHIR STU3 XML: the root and every element in the `http://hl7.org/fhir` namespace, only elements the type defines, in their defined order, primitives as `value` attributes. Every later check reads this XML as it would the JSON."),
        step!(Then r#"^the response is FHIR XML or a refusal with 415$"# => xml_or_415, "GP Connect makes XML a SHOULD and a request for an unsupported format a SHALL-415: the answer is either 200 FHIR XML (checked as above) or 415 with an OperationOutcome (the `operation-outcome` schema, in JSON or XML). 200 with FHIR JSON fails."),
        step!(Then r#"^the request is refused with 415 and an OperationOutcome$"# => refused_415, "415 (GP Connect: a request for a format the server does not support) with an OperationOutcome in the `operation-outcome` schema; GP Connect's error table pairs no Spine code with 415, so any code is taken."),
        step!(Then r#"^the XML answer has the content of the FHIR JSON answer to the same request$"# => same_as_json, "Sends the same GET again with `Accept: application/fhir+json` and no `_format`, and compares the two answers element by element (a searchset's own id, lastUpdated and links excepted); the first difference fails, with both exchanges in the evidence."),
        step!(Then r#"^the CapabilityStatement lists the format "([^"]+)"$"# => lists_format, "`CapabilityStatement.format` includes this MIME type, exactly (the official suite's ConformanceSteps compare it so)."),
    ]
}

async fn xml_body(w: &mut RfaWorld, _: &Args) -> StepResult {
    w.request_mut()?.xml_body = true;
    Ok(())
}

async fn is_fhir_xml(w: &mut RfaWorld, _: &Args) -> StepResult {
    check_fhir_xml(w)
}

fn check_fhir_xml(w: &RfaWorld) -> StepResult {
    is_fhir_in(w, gpc::FHIR_XML, "FHIR XML")
}

async fn xml_or_415(w: &mut RfaWorld, _: &Args) -> StepResult {
    match w.response()?.status {
        415 => check_415(w),
        200 => check_fhir_xml(w),
        other => w.fail(format!("expected 200 with FHIR XML, or 415 refusing the format, got HTTP {other}")),
    }
}

async fn refused_415(w: &mut RfaWorld, _: &Args) -> StepResult {
    match w.response()?.status {
        415 => check_415(w),
        other => w.fail(format!("expected the format to be refused with 415, got HTTP {other}")),
    }
}

/// A 415's OperationOutcome, in either format. GP Connect's error table
/// pairs no Spine code with 415, so the form is judged, not the code.
fn check_415(w: &RfaWorld) -> StepResult {
    let body = match w.response()?.json() {
        Ok(b) => b,
        Err(e) => return w.fail(format!("415 must carry an OperationOutcome, but {e}")),
    };
    if body.get("resourceType").and_then(Value::as_str) != Some("OperationOutcome") {
        return w.fail("415 must carry an OperationOutcome");
    }
    check_schema(w, "operation-outcome", &body)
}

async fn same_as_json(w: &mut RfaWorld, _: &Args) -> StepResult {
    let resp = w.response()?;
    let xml_status = resp.status;
    if !resp.is_fhir_xml() {
        return w.fail("expected a FHIR XML answer to compare with the JSON one");
    }
    let xml_view = match resp.json() {
        Ok(v) => v,
        Err(e) => return w.fail(e),
    };
    let mut spec = w.request.clone().ok_or_else(|| Failure::Harness("no request was sent".into()))?;
    if spec.method != reqwest::Method::GET {
        return Err(Failure::Harness("only a GET can be sent again to compare formats".into()));
    }
    spec.query.retain(|(k, _)| k != "_format");
    if let Some(raw) = spec.raw_query.take() {
        let kept: Vec<&str> = raw.split('&').filter(|p| !p.starts_with("_format=")).collect();
        spec.raw_query = Some(kept.join("&"));
    }
    spec.header_edits.retain(|(k, _)| !k.eq_ignore_ascii_case("accept"));
    spec.header_edits.push(("Accept".into(), HeaderEdit::Set(gpc::FHIR_JSON.into())));
    let json_resp = w.send(&spec).await?;
    if json_resp.status != xml_status {
        return w.fail(format!("the XML answer was HTTP {xml_status}, the JSON answer HTTP {}", json_resp.status));
    }
    if json_resp.media_type().as_deref() != Some(gpc::FHIR_JSON) {
        return w.fail("the same request asking for FHIR JSON was not answered in FHIR JSON");
    }
    let json_view = match json_resp.json() {
        Ok(v) => v,
        Err(e) => return w.fail(e),
    };
    match difference(&comparable(xml_view), &comparable(json_view), String::new()) {
        None => Ok(()),
        Some((at, xml, json)) => w.fail(format!(
            "the XML answer and the JSON answer to the same request differ at {at}: XML has {xml}, JSON has {json}"
        )),
    }
}

/// What both answers must agree on: all of it, but a searchset's own
/// identity (a new Bundle per answer) and its links (which echo the query).
fn comparable(mut v: Value) -> Value {
    if v.get("resourceType").and_then(Value::as_str) == Some("Bundle")
        && let Some(o) = v.as_object_mut()
    {
        o.remove("id");
        o.remove("link");
        if let Some(meta) = o.get_mut("meta").and_then(Value::as_object_mut) {
            meta.remove("lastUpdated");
            if meta.is_empty() {
                o.remove("meta");
            }
        }
    }
    v
}

/// The first place `a` and `b` differ: its path and the two values there.
fn difference(a: &Value, b: &Value, at: String) -> Option<(String, String, String)> {
    let short = |v: Option<&Value>| match v {
        None => "nothing".to_string(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 120 { format!("{}…", s.chars().take(120).collect::<String>()) } else { s }
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => difference(p, q, format!("{at}/{k}")),
                (p, q) => Some((format!("{at}/{k}"), short(p), short(q))),
            })
        }
        (Value::Array(x), Value::Array(y)) => {
            let common = x.iter().zip(y).enumerate().find_map(|(i, (p, q))| difference(p, q, format!("{at}/{i}")));
            common.or_else(|| {
                (x.len() != y.len()).then(|| (at.clone(), format!("{} items", x.len()), format!("{} items", y.len())))
            })
        }
        (p, q) if p == q => None,
        (p, q) => Some((if at.is_empty() { "/".into() } else { at }, short(Some(p)), short(Some(q)))),
    }
}

async fn lists_format(w: &mut RfaWorld, a: &Args) -> StepResult {
    let resp = w.response()?;
    let body = match resp.json() {
        Ok(b) => b,
        Err(e) => return w.fail(format!("expected a CapabilityStatement, but {e}")),
    };
    let formats: Vec<&str> =
        body.get("format").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    if formats.contains(&a.get(1)) {
        return Ok(());
    }
    w.fail(format!("CapabilityStatement.format lists [{}], not {}", formats.join(", "), a.get(1)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{comparable, difference};

    #[test]
    fn the_first_difference_is_named_by_path() {
        let a = json!({ "resourceType": "Patient", "identifier": [{ "value": "1", "extension": [{ "url": "u" }] }] });
        let b = json!({ "resourceType": "Patient", "identifier": [{ "value": "1" }] });
        assert_eq!(difference(&a, &b, String::new()).map(|d| d.0), Some("/identifier/0/extension".into()));
        assert_eq!(difference(&a, &a, String::new()), None);
        let x = json!({ "resourceType": "Bundle", "id": "1", "meta": { "lastUpdated": "a" }, "link": [], "total": 1 });
        let y = json!({ "resourceType": "Bundle", "id": "2", "meta": { "lastUpdated": "b" }, "total": 1 });
        assert_eq!(difference(&comparable(x), &comparable(y), String::new()), None);
    }
}
