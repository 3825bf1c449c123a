//! Recording and amending clinical entries (REC): building an entry of
//! each type, breaking it on purpose, recording, reading back, amending
//! with `If-Match`, history, and judging what the candidate did.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::client::{ClaimEdit, HeaderEdit, RequestSpec};
use crate::entries::{self, Shape};
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, EntryType, Interaction};
use crate::steps::common::drafts;
use crate::steps::common::keys::fresh_identifier;
use crate::steps::common::keys::logical_id;
use crate::steps::world::{Failure, Recorded, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, common::keys, step};

/// The time a new entry is about unless a step says otherwise: seconds and
/// a zone other than UTC, so precision and zone handling both show.
pub const DEFAULT_WHEN: &str = "2001-06-01T10:30:17+01:00";
/// The fixture practitioner entries name as their author.
const AUTHOR: &str = "practitioner1";

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^an? (Condition|Observation|AllergyIntolerance|Encounter) for "([^"]+)"$"# => new_entry, "Begins `POST [base]/[type]`: a valid entry of this type for a fixture patient (found by NHS number), authored by `practitioner1`, dated 2001-06-01T10:30:17+01:00, with a fresh identifier (system `https://rfa-harness.dev/Id/entry`)."),
        step!(Given r#"^the entry's (time|code|code system|status) is "([^"]*)"$"# => set_part, "Sets the entry's time, its first coding's code or system, or its status to this text."),
        step!(Given r#"^the entry's "([^"]+)" is (.+)$"# => set_path, "Sets an element (a dotted path, array indices as numbers: `valueQuantity.code`) to a JSON value."),
        step!(Given r#"^the entry is for "([^"]+)"$"# => for_patient_key, "Points the entry's patient reference at another fixture patient."),
        step!(Given r#"^the request body is "([^"]*)"$"# => raw_body, "Sends this text as the body instead."),
        step!(Given r#"^the request comes from the organisation "([^"]+)"$"# => from_org, "The JWT's requesting_organization carries this fixture organisation's ODS code."),
        step!(Given r#"^the request is made by the practitioner "([^"]+)"$"# => by_practitioner, "The JWT's requesting_practitioner carries this fixture practitioner's SDS user id (its id and sub follow)."),
        step!(Given r#"^an? (Condition|Observation|AllergyIntolerance|Encounter) "([^"]+)" recorded for "([^"]+)"(?: at "([^"]+)")?(?: with (?:status|clinical status) "([^"]+)")?( restricted)?$"# => record_entry, "Records an entry now (evidence kept) and knows it by this label; optionally at a time, with a status, restricted. The setup fails the scenario if the candidate does not answer 201."),
        step!(Given r#"^a read of "([^"]+)"$"# => read_entry, "Begins `GET [base]/[type]/[id]` of a labelled entry."),
        step!(Given r#"^a read of version (\d+) of "([^"]+)"$"# => vread_entry, "Begins `GET [base]/[type]/[id]/_history/[version]`."),
        step!(Given r#"^the history of "([^"]+)"$"# => history_of, "Begins `GET [base]/[type]/[id]/_history`."),
        step!(Given r#"^an amendment of "([^"]+)"( without If-Match| naming version \d+)?$"# => amend, "Begins `PUT [base]/[type]/[id]` with the entry as last accepted and `If-Match: W/\"[version]\"` (or none, or another version); entry steps then change it."),
        step!(Given r#"^a deletion of "([^"]+)"$"# => delete_entry, "Begins `DELETE [base]/[type]/[id]`."),
        step!(When r#"^the amendment is sent twice at once$"# => send_twice, "Sends the request twice concurrently and records both exchanges."),
        step!(Then r#"^the entry is created$"# => is_created, "HTTP 201 and the new entry's id (from Location, else the body); a body, if any, has meta.versionId 1. The entry is then known by its label."),
        step!(Then r#"^the response has no body$"# => no_body, "The response body is empty."),
        step!(Then r#"^the request is refused with (\d{3}) "([A-Z_ ]+)" naming "([^"]+)"$"# => refused_naming, "Refused with this status and Spine code, and the OperationOutcome's diagnostics name this element."),
        step!(Then r#"^the amendment is accepted at version (\d+)$"# => amended, "HTTP 200, ETag `W/\"[version]\"` and a body at this meta.versionId; the entry should now read back as amended."),
        step!(Then r#"^"([^"]+)" reads back as last accepted, at version (\d+)$"# => reads_back, "Reads the entry (evidence kept): HTTP 200, ETag and meta.versionId at this version, and its patient, author, code, status and time as last accepted."),
        step!(Then r#"^the response is version (\d+) of "([^"]+)" as first recorded$"# => is_original, "HTTP 200 and the entry's first version: meta.versionId, and content as first recorded."),
        step!(Then r#"^the response is a history of "([^"]+)" with versions (.+)$"# => history_versions, "HTTP 200, a Bundle of type history whose entries are the entry's versions in this order (`2 and 1`: newest first)."),
        step!(Then r#"^exactly one of the two amendments was accepted and the other refused with 409 "FHIR_CONSTRAINT_VIOLATION"$"# => one_wins, "Of the two concurrent amendments, one answered 200 and the other 409 with a GPConnect-OperationOutcome-1 carrying FHIR_CONSTRAINT_VIOLATION, checked in full as every refusal is."),
    ]
}

pub fn entry_type(name: &str) -> EntryType {
    EntryType::from_name(name).unwrap_or(EntryType::Condition)
}

fn recorded<'a>(w: &'a RfaWorld, label: &str) -> Result<&'a Recorded, Failure> {
    w.rec.recorded.get(label).ok_or_else(|| {
        Failure::Harness(format!("no entry \"{label}\" was recorded earlier in this scenario (use `Given a Condition \"{label}\" recorded for ...`)"))
    })
}

fn entry_mut(w: &mut RfaWorld) -> Result<(EntryType, &mut Value), Failure> {
    match &mut w.rec.entry {
        Some((ty, _, body)) => Ok((*ty, body)),
        None => Err(Failure::Harness("this step changes an entry, but no earlier step began one".into())),
    }
}

/// Puts the entry into the request body.
fn sync(w: &mut RfaWorld) -> StepResult {
    let body = match &w.rec.entry {
        Some((_, _, b)) => b.to_string().into_bytes(),
        None => return Ok(()),
    };
    w.request_mut()?.body = Some(body);
    Ok(())
}

fn edit(w: &mut RfaWorld, f: impl FnOnce(EntryType, &mut Value)) -> StepResult {
    let (ty, body) = entry_mut(w)?;
    f(ty, body);
    sync(w)
}

pub(in crate::steps) async fn build(w: &mut RfaWorld, ty: EntryType, key: &str, when: &str) -> Result<Value, Failure> {
    let patient = logical_id(w, key).await?;
    let author = logical_id(w, AUTHOR).await?;
    let identifier = fresh_identifier(w);
    Ok(entries::template(ty, &patient, &author, when, &identifier))
}

pub(in crate::steps) fn create_spec(ty: EntryType, body: &Value) -> RequestSpec {
    RequestSpec::post(Interaction::CreateEntry(ty), ty.name(), body.to_string())
}

async fn new_entry(w: &mut RfaWorld, a: &Args) -> StepResult {
    let ty = entry_type(a.get(1));
    let body = build(w, ty, a.get(2), DEFAULT_WHEN).await?;
    w.request = Some(create_spec(ty, &body));
    w.rec.entry = Some((ty, "the entry".into(), body));
    Ok(())
}

async fn set_part(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (part, value) = (a.get(1).to_string(), a.get(2).to_string());
    edit(w, |ty, body| {
        let s = Shape::of(ty);
        let code = format!("{}/coding/0/code", s.code);
        let system = format!("{}/coding/0/system", s.code);
        let pointer = match part.as_str() {
            "time" => s.when,
            "code" => code.as_str(),
            "code system" => system.as_str(),
            _ => s.status,
        };
        entries::set_pointer(body, pointer, json!(value));
    })
}

async fn set_path(w: &mut RfaWorld, a: &Args) -> StepResult {
    let value = drafts::json_value(a.get(2))?;
    edit(w, |_, body| drafts::set(body, "", a.get(1), value))
}

async fn for_patient_key(w: &mut RfaWorld, a: &Args) -> StepResult {
    let r = format!("Patient/{}", logical_id(w, a.get(1)).await?);
    edit(w, |ty, body| entries::set_pointer(body, Shape::of(ty).patient, json!(r)))
}

async fn raw_body(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.rec.entry = None;
    w.request_mut()?.body = Some(a.get(1).as_bytes().to_vec());
    Ok(())
}

async fn from_org(w: &mut RfaWorld, a: &Args) -> StepResult {
    let ods = keys::ods(w, a.get(1))?;
    let org = json!({
        "resourceType": "Organization",
        "name": format!("Organisation {ods}"),
        "identifier": [{ "system": gpc::ODS_ORGANIZATION_SYSTEM, "value": ods }]
    });
    w.request_mut()?.jwt.claim_edits.push(("requesting_organization".into(), ClaimEdit::Set(org)));
    Ok(())
}

async fn by_practitioner(w: &mut RfaWorld, a: &Args) -> StepResult {
    let mut spec = w.request.clone().ok_or_else(|| Failure::Harness("no request was begun".into()))?;
    act_as(w, &mut spec, a.get(1))?;
    w.request = Some(spec);
    Ok(())
}

/// The request acts as this fixture practitioner: the JWT's
/// requesting_practitioner (and `sub`) carry them, by SDS user id.
pub(in crate::steps) fn act_as(w: &RfaWorld, spec: &mut RequestSpec, key: &str) -> StepResult {
    let sds = keys::sds(w, key)?;
    let id = format!("rfa-{key}");
    let who = json!({
        "resourceType": "Practitioner",
        "id": id,
        "name": [{ "family": "Recorder", "given": ["Second"], "prefix": ["Dr"] }],
        "identifier": [
            { "system": gpc::SDS_USER_SYSTEM, "value": sds },
            { "system": gpc::SDS_ROLE_PROFILE_SYSTEM, "value": "UNK" }
        ]
    });
    spec.jwt.claim_edits.push(("requesting_practitioner".into(), ClaimEdit::Set(who)));
    spec.jwt.claim_edits.push(("sub".into(), ClaimEdit::Set(json!(id))));
    Ok(())
}

/// The id a create response names: from the body, else from Location.
fn created_id(w: &RfaWorld, ty: EntryType) -> Result<(String, Option<Value>), Failure> {
    let resp = w.response()?;
    let location = resp.header("Location").unwrap_or_default();
    let tail = format!("/{}/", ty.name());
    let from_location =
        location.rsplit_once(&tail).and_then(|(_, rest)| rest.strip_suffix("/_history/1")).map(str::to_string);
    let body = resp.json().ok();
    match (from_location, body) {
        (Some(id), body) => Ok((id, body)),
        (None, _) if location.is_empty() => Err(Failure::Assert(format!(
            "a create must answer a Location header naming the new entry's version ([base]/{}/[id]/_history/1); there is none",
            ty.name()
        ))),
        (None, _) => {
            Err(Failure::Assert(format!("the Location `{location}` should end with /{}/[id]/_history/1", ty.name())))
        }
    }
}

async fn record_entry(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (ty, label, key) = (entry_type(a.get(1)), a.get(2).to_string(), a.get(3));
    let when = if a.get(4).is_empty() { DEFAULT_WHEN } else { a.get(4) };
    let mut body = build(w, ty, key, when).await?;
    if !a.get(5).is_empty() {
        entries::set_pointer(&mut body, Shape::of(ty).status, json!(a.get(5)));
    }
    if !a.get(6).is_empty() {
        entries::set_pointer(
            &mut body,
            "/meta",
            json!({ "security": [{ "system": gpc::CONFIDENTIALITY_SYSTEM, "code": "R" }] }),
        );
    }
    let spec = create_spec(ty, &body);
    let resp = w.send(&spec).await?;
    w.response = Some(resp);
    let setup = |w: &RfaWorld, why: String| {
        Failure::Assert(format!(
            "setup: the {} \"{label}\" could not be recorded, so the requirement cannot be tested: {why}\n    exchange: {}",
            ty.name(),
            w.last_exchange()
        ))
    };
    let status = w.response()?.status;
    if status != 201 {
        return Err(setup(w, format!("the create answered HTTP {status}")));
    }
    // Setup is lenient about Location (REC-001 judges it): the body's id will do.
    let body_id = w.response()?.json().ok().and_then(|b| b.as_resource().id().map(str::to_string));
    let id = match (created_id(w, ty), body_id) {
        (Ok((id, _)), _) | (Err(_), Some(id)) => id,
        (Err(f), None) => return Err(setup(w, f.message().to_string())),
    };
    w.rec.recorded.insert(label, Recorded { ty, id, version: 1, expected: body.clone(), original: body });
    Ok(())
}

fn entry_request(
    w: &RfaWorld,
    label: &str,
    interaction: fn(EntryType) -> Interaction,
    tail: &str,
) -> Result<RequestSpec, Failure> {
    let r = recorded(w, label)?;
    Ok(RequestSpec::new(interaction(r.ty), format!("{}/{}{tail}", r.ty.name(), r.id)))
}

async fn read_entry(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(entry_request(w, a.get(1), Interaction::ReadEntry, "")?);
    Ok(())
}

async fn vread_entry(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(entry_request(w, a.get(2), Interaction::EntryHistory, &format!("/_history/{}", a.get(1)))?);
    Ok(())
}

async fn history_of(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request = Some(entry_request(w, a.get(1), Interaction::EntryHistory, "/_history")?);
    Ok(())
}

async fn amend(w: &mut RfaWorld, a: &Args) -> StepResult {
    let label = a.get(1).to_string();
    let mut spec = entry_request(w, &label, Interaction::UpdateEntry, "")?;
    let r = recorded(w, &label)?;
    let (ty, version) = (r.ty, r.version);
    let mut body = r.expected.clone();
    entries::set_pointer(&mut body, "/id", json!(r.id));
    spec.method = reqwest::Method::PUT;
    let tag = match a.get(2).trim() {
        "" => Some(format!("W/\"{version}\"")),
        "without If-Match" => None,
        other => Some(format!("W/\"{}\"", other.trim_start_matches("naming version "))),
    };
    if let Some(tag) = tag {
        spec.header_edits.push(("If-Match".into(), HeaderEdit::Set(tag)));
    }
    w.request = Some(spec);
    w.rec.entry = Some((ty, label, body));
    sync(w)
}

async fn delete_entry(w: &mut RfaWorld, a: &Args) -> StepResult {
    let mut spec = entry_request(w, a.get(1), Interaction::UpdateEntry, "")?;
    spec.method = reqwest::Method::DELETE;
    w.request = Some(spec);
    Ok(())
}

async fn send_twice(w: &mut RfaWorld, _: &Args) -> StepResult {
    let spec = w.request.clone().ok_or_else(|| Failure::Harness("nothing to send: begin a request first".into()))?;
    w.send_twice(&spec).await
}

fn etag_is(w: &RfaWorld, version: usize) -> StepResult {
    let tag = w.response()?.header("ETag").unwrap_or_default();
    if tag != format!("W/\"{version}\"") {
        return w.fail(format!("the ETag should be W/\"{version}\", it is `{tag}`"));
    }
    Ok(())
}

fn version_of(r: &Value) -> &str {
    r.pointer("/meta/versionId").and_then(Value::as_str).unwrap_or_default()
}

pub(in crate::steps) async fn is_created(w: &mut RfaWorld, _: &Args) -> StepResult {
    let (ty, label, body) =
        w.rec.entry.clone().ok_or_else(|| Failure::Harness("no entry was built in this scenario".into()))?;
    let status = w.response()?.status;
    if status != 201 {
        return w
            .fail(format!("a valid {} should be recorded with 201 Created, the answer was HTTP {status}", ty.name()));
    }
    let got = w.response()?.json().ok().filter(|g| g.get("resourceType").is_some());
    let body_id = got.as_ref().and_then(|g| g.as_resource().id()).map(str::to_string);
    let id = match (created_id(w, ty), body_id) {
        (Ok((id, _)), _) | (Err(_), Some(id)) => id,
        (Err(f), None) => {
            return w.fail(format!("the new entry's id is in neither Location nor a body: {}", f.message()));
        }
    };
    if let Some(got) = &got
        && version_of(got) != "1"
    {
        return w.fail(format!("the body's meta.versionId should be 1, it is `{}`", version_of(got)));
    }
    w.rec.recorded.insert(label, Recorded { ty, id, version: 1, expected: body.clone(), original: body });
    Ok(())
}

async fn no_body(w: &mut RfaWorld, _: &Args) -> StepResult {
    let n = w.response()?.body.len();
    if n != 0 {
        return w.fail(format!("with Prefer: return=minimal the response should have no body, it has {n} bytes"));
    }
    Ok(())
}

/// Two dateTimes are the same instant (zones may differ).
fn same_instant(a: &str, b: &str) -> bool {
    match (OffsetDateTime::parse(a, &Rfc3339), OffsetDateTime::parse(b, &Rfc3339)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Where `got` differs from `want` in the elements the profile cares about.
fn differences(ty: EntryType, want: &Value, got: &Value) -> Vec<String> {
    let s = Shape::of(ty);
    let mut out = vec![];
    if got.as_resource().resource_type() != Some(ty.name()) {
        out.push(format!("resourceType should be {}", ty.name()));
    }
    let code = format!("{}/coding/0/code", s.code);
    for p in [s.patient, s.author, code.as_str(), s.status, s.error_status] {
        if want.pointer(p) != got.pointer(p) {
            out.push(format!("{} should be {}, it is {}", s.element(p), show(want.pointer(p)), show(got.pointer(p))));
        }
    }
    let (a, b) = (want.pointer(s.when).and_then(Value::as_str), got.pointer(s.when).and_then(Value::as_str));
    if !matches!((a, b), (Some(a), Some(b)) if same_instant(a, b)) {
        out.push(format!(
            "{} should be the instant {}, it is {}",
            s.element(s.when),
            a.unwrap_or("-"),
            b.unwrap_or("absent")
        ));
    }
    out
}

fn show(v: Option<&Value>) -> String {
    v.map(Value::to_string).unwrap_or_else(|| "absent".into())
}

fn check_entry(w: &RfaWorld, ty: EntryType, want: &Value, got: &Value, version: &str) -> StepResult {
    let diffs = differences(ty, want, got);
    if !diffs.is_empty() {
        return w.fail(format!("the {} is not as it was sent: {}", ty.name(), diffs.join("; ")));
    }
    if got.as_resource().id().is_none_or(str::is_empty) {
        return w.fail("the entry has no id");
    }
    if version_of(got) != version {
        return w.fail(format!("meta.versionId should be {version}, it is `{}`", version_of(got)));
    }
    Ok(())
}

async fn refused_naming(w: &mut RfaWorld, a: &Args) -> StepResult {
    crate::steps::common::http::refused_with_code(w, a).await?;
    let element = a.get(3);
    let text = w.response()?.json().unwrap_or(Value::Null);
    let diagnostics: Vec<&str> = text
        .get("issue")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("diagnostics").and_then(Value::as_str))
        .collect();
    if !diagnostics.iter().any(|d| d.contains(element)) {
        return w.fail(format!(
            "the OperationOutcome should name {element} in its diagnostics, it says: {}",
            diagnostics.join(" | ")
        ));
    }
    Ok(())
}

async fn amended(w: &mut RfaWorld, a: &Args) -> StepResult {
    let version: usize = a.get(1).parse().unwrap_or_default();
    let (ty, label, body) = w.rec.entry.clone().ok_or_else(|| Failure::Harness("no amendment was built".into()))?;
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("the amendment should be accepted with 200, the answer was HTTP {status}"));
    }
    etag_is(w, version)?;
    let got = match w.response()?.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    check_entry(w, ty, &body, &got, a.get(1))?;
    if let Some(r) = w.rec.recorded.get_mut(&label) {
        r.version = version;
        r.expected = body;
    }
    Ok(())
}

async fn reads_back(w: &mut RfaWorld, a: &Args) -> StepResult {
    let label = a.get(1);
    let spec = entry_request(w, label, Interaction::ReadEntry, "")?;
    let r = recorded(w, label)?.clone();
    let resp = w.send(&spec).await?;
    w.response = Some(resp);
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("reading \"{label}\" back should answer 200, it answered HTTP {status}"));
    }
    etag_is(w, a.get(2).parse().unwrap_or_default())?;
    let got = match w.response()?.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    check_entry(w, r.ty, &r.expected, &got, a.get(2))
}

async fn is_original(w: &mut RfaWorld, a: &Args) -> StepResult {
    let r = recorded(w, a.get(2))?.clone();
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("version {} should be readable (200), the answer was HTTP {status}", a.get(1)));
    }
    let got = match w.response()?.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    check_entry(w, r.ty, &r.original, &got, a.get(1))
}

async fn history_versions(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want: Vec<String> =
        a.get(2).split([',', ' ']).filter(|s| !s.is_empty() && *s != "and").map(str::to_string).collect();
    let status = w.response()?.status;
    if status != 200 {
        return w.fail(format!("the history should answer 200, it answered HTTP {status}"));
    }
    let b = match w.response()?.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    if b.as_resource().resource_type() != Some("Bundle") || b.get("type").and_then(Value::as_str) != Some("history") {
        return w.fail("the history should be a Bundle of type history");
    }
    let got: Vec<String> = crate::steps::common::bundle::entries(&b)
        .iter()
        .map(|e| e.get("resource").map(version_of).unwrap_or_default().to_string())
        .collect();
    if got != want {
        return w.fail(format!(
            "the history should hold versions {} (newest first), it holds {}",
            want.join(", "),
            if got.is_empty() { "none".into() } else { got.join(", ") }
        ));
    }
    Ok(())
}

async fn one_wins(w: &mut RfaWorld, _: &Args) -> StepResult {
    let mut got = w.shared.together.clone();
    got.sort_unstable();
    if got != [200, 409] {
        let shown: Vec<String> = w.shared.together.iter().map(u16::to_string).collect();
        return w.fail(format!("two amendments of the same version at once: exactly one should win (200) and the other be refused (409); the answers were {}", shown.join(" and ")));
    }
    crate::steps::common::http::check_refusal(w, Some(409), &["FHIR_CONSTRAINT_VIOLATION"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_compare_across_zones() {
        assert!(same_instant("2001-06-01T10:30:17+01:00", "2001-06-01T09:30:17Z"));
        assert!(!same_instant("2001-06-01T10:30:17+01:00", "2001-06-01"));
    }
}
