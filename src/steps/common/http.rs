//! Generic request-building and response steps: headers, methods, paths,
//! query strings, status codes, OperationOutcomes, media types, schemas.

use reqwest::Method;
use serde_json::Value;

use crate::client::{HeaderEdit, RequestSpec};
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::fhir::{OperationOutcome, Resource};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^a metadata request$"# => metadata_request, "Begins a request for the CapabilityStatement (`GET [base]/metadata`, read:metadata-1)."),
        step!(Given r#"^a (structured|documents) metadata request$"# => capability_metadata_request, "Begins a request for the Access Record Structured or Access Document CapabilityStatement (`GET [structured]/metadata`, `GET [documents]/metadata`)."),
        step!(Given r#"^the "([^"]+)" header is removed$"# => header_removed, "Leaves a header out of the request (e.g. `\"Ssp-TraceID\"`)."),
        step!(Given r#"^the "([^"]+)" header is "([^"]*)"$"# => header_set, "Sends a header with this exact value instead of the conformant one."),
        step!(Given r#"^the Authorization header carries Basic credentials$"# => basic_credentials, "Replaces the bearer token with Basic credentials made up for this request (never written anywhere: evidence shows `Basic <redacted>`)."),
        step!(Given r#"^the request method is ([A-Z]+)$"# => method_set, "Sends the request with another HTTP method (GET, PUT, POST, PATCH, DELETE...)."),
        step!(Given r#"^the request path is "([^"]*)"$"# => path_set, "Sends the request to another path under the service root (no leading slash)."),
        step!(Given r#"^the query parameter "([^"]+)" is added with the value "([^"]*)"$"# => query_added, "Adds a query parameter (percent-encoded when sent)."),
        step!(When r#"^the request is sent$"# => send, "Sends the request built so far and records the exchange as evidence."),
        step!(Then r#"^the response status is (\d{3})$"# => status_is, "The HTTP status is exactly this."),
        step!(Then r#"^the response status is (\d{3}) or (\d{3})$"# => status_either, "The HTTP status is one of these two (where GP Connect's official suite allows either)."),
        step!(Then r#"^the request is refused with (\d{3}) "([A-Z_ ]+)"$"# => refused_with_code, "The status is this and the body is a GPConnect-OperationOutcome-1 carrying this Spine error code: profile, severity, code system, display, issue type and the status the error table pairs with the code are all checked."),
        step!(Then r#"^the request is refused with 400 "BAD_REQUEST" or challenged with 401$"# => refused_or_challenged, "For a request without usable credentials: either 400 BAD_REQUEST checked in full as above (GP Connect's error table), or 401 with a `WWW-Authenticate: Bearer` challenge (RFC 6750 section 3, which GP Connect's audit guidance points to) and a GPConnect-OperationOutcome-1 body."),
        step!(Then r#"^the request is refused with an OperationOutcome$"# => refused_with_outcome, "The status is 4xx or 501 (GP Connect's NOT_IMPLEMENTED) and the body is a GPConnect-OperationOutcome-1 (any Spine code), checked in full as above."),
        step!(Then r#"^the response is a valid GP Connect OperationOutcome$"# => valid_outcome, "The body is a GPConnect-OperationOutcome-1 (schema `operation-outcome`) and its Spine code goes with the HTTP status."),
        step!(Then r#"^the response header "([^"]+)" includes "([^"]*)"$"# => header_includes, "A response header (all its values, comma-separated) includes this token, case-insensitively."),
        step!(Then r#"^the response is FHIR JSON$"# => is_fhir_json, "Content-Type is application/fhir+json (UTF-8 if a charset is given) and the body parses as JSON."),
        step!(Then r#"^the response is a "([A-Za-z]+)" resource$"# => is_resource, "The body is a FHIR resource of this resourceType."),
        step!(Then r#"^the response conforms to the "([a-z-]+)" schema$"# => conforms, "The body conforms to a schema in `schemas/fhir/` (name without `.schema.json`)."),
    ]
}

async fn metadata_request(w: &mut RfaWorld, _: &Args) -> StepResult {
    w.request = Some(RequestSpec::new(Interaction::ReadMetadata, "metadata"));
    Ok(())
}

async fn capability_metadata_request(w: &mut RfaWorld, a: &Args) -> StepResult {
    let interaction =
        if a.get(1) == "structured" { Interaction::ReadStructuredMetadata } else { Interaction::ReadDocumentsMetadata };
    w.request = Some(RequestSpec::new(interaction, "metadata"));
    Ok(())
}

async fn header_removed(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request_mut()?.header_edits.push((a.get(1).to_string(), HeaderEdit::Remove));
    Ok(())
}

async fn header_set(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request_mut()?.header_edits.push((a.get(1).to_string(), HeaderEdit::Set(a.get(2).to_string())));
    Ok(())
}

async fn basic_credentials(w: &mut RfaWorld, _: &Args) -> StepResult {
    use base64::Engine as _;
    let creds = base64::engine::general_purpose::STANDARD.encode(format!("rfa:{}", uuid::Uuid::new_v4()));
    w.request_mut()?.header_edits.push(("Authorization".into(), HeaderEdit::Set(format!("Basic {creds}"))));
    Ok(())
}

async fn method_set(w: &mut RfaWorld, a: &Args) -> StepResult {
    let m = Method::from_bytes(a.get(1).as_bytes())
        .map_err(|_| Failure::Harness(format!("`{}` is not an HTTP method", a.get(1))))?;
    w.request_mut()?.method = m;
    Ok(())
}

async fn path_set(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request_mut()?.path = a.get(1).to_string();
    Ok(())
}

async fn query_added(w: &mut RfaWorld, a: &Args) -> StepResult {
    w.request_mut()?.query.push((a.get(1).to_string(), a.get(2).to_string()));
    Ok(())
}

async fn send(w: &mut RfaWorld, _: &Args) -> StepResult {
    let spec = w.request.clone().ok_or_else(|| {
        Failure::Harness("`When the request is sent` needs an earlier step that begins a request".into())
    })?;
    let resp = w.send(&spec).await?;
    w.response = Some(resp);
    Ok(())
}

async fn status_is(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want: u16 = a.get(1).parse().unwrap_or_default();
    let got = w.response()?.status;
    if got != want {
        return w.fail(format!("expected HTTP status {want}, got {got}"));
    }
    Ok(())
}

async fn status_either(w: &mut RfaWorld, a: &Args) -> StepResult {
    let allowed: [u16; 2] = [a.get(1).parse().unwrap_or_default(), a.get(2).parse().unwrap_or_default()];
    let got = w.response()?.status;
    if !allowed.contains(&got) {
        return w.fail(format!("expected HTTP status {} or {}, got {got}", allowed[0], allowed[1]));
    }
    Ok(())
}

/// The body as an OperationOutcome, or a failure saying what it was instead.
fn outcome_body(w: &RfaWorld) -> Result<Value, Failure> {
    let resp = w.response()?;
    let body = match resp.json() {
        Ok(b) => b,
        Err(e) => return w.fail(format!("expected an OperationOutcome body, but {e}")),
    };
    match Resource(&body).resource_type() {
        Some("OperationOutcome") => Ok(body),
        Some(other) => w.fail(format!("expected an OperationOutcome body, got a {other}")),
        None => w.fail("expected an OperationOutcome body, got JSON without a resourceType"),
    }
}

pub(crate) async fn refused_with_code(w: &mut RfaWorld, a: &Args) -> StepResult {
    let want_status = a.get(1).parse::<u16>().unwrap_or_default();
    check_refusal(w, Some(want_status), &[a.get(2)])
}

/// GP Connect says both things of a request without a Bearer token: its
/// error table answers a missing or invalid header with 400 BAD_REQUEST, and
/// its audit guidance says providers SHALL answer bearer-token errors as
/// RFC 6750 section 3.1 does, which is 401 with a challenge. Either is
/// conformant; a 401 without the challenge RFC 6750 requires is not.
async fn refused_or_challenged(w: &mut RfaWorld, _: &Args) -> StepResult {
    if w.response()?.status != 401 {
        return check_refusal(w, Some(400), &["BAD_REQUEST"]);
    }
    check_challenge(w, None)
}

/// A 401 judged in full: a Bearer challenge (RFC 6750 section 3), with
/// `error="{error}"` when one is wanted, and an OperationOutcome body.
pub(crate) fn check_challenge(w: &RfaWorld, error: Option<&str>) -> StepResult {
    let got = w.response()?.status;
    if got != 401 {
        return w.fail(format!("expected 401 with a Bearer challenge, got HTTP {got}"));
    }
    let challenge = w.response()?.header("WWW-Authenticate").unwrap_or_default();
    let scheme = challenge.split_whitespace().next().unwrap_or_default();
    let shown = if challenge.is_empty() { "none".to_string() } else { format!("`{challenge}`") };
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return w.fail(format!(
            "a 401 must carry a Bearer challenge (RFC 6750 section 3: `WWW-Authenticate: Bearer ...`); the WWW-Authenticate header is {shown}"
        ));
    }
    if let Some(error) = error {
        // RFC 6750 section 3: auth-params, `error` quoted or not.
        let named = challenge[scheme.len()..].split(',').any(|p| {
            p.trim().split_once('=').is_some_and(|(k, v)| k.trim() == "error" && v.trim().trim_matches('"') == error)
        });
        if !named {
            return w.fail(format!(
                "the Bearer challenge must say error=\"{error}\" (RFC 6750 section 3.1); the WWW-Authenticate header is {shown}"
            ));
        }
    }
    // The error table pairs no Spine code with 401, so the body's form is
    // judged but not its status pairing.
    let body = outcome_body(w)?;
    check_schema(w, "operation-outcome", &body)
}

async fn refused_with_outcome(w: &mut RfaWorld, _: &Args) -> StepResult {
    check_refusal(w, None, &[])
}

async fn valid_outcome(w: &mut RfaWorld, _: &Args) -> StepResult {
    let body = outcome_body(w)?;
    check_outcome_form(w, &body)
}

/// Every refusal step ends here, so a refusal is judged in full wherever it
/// is asked for, not only by the error-format requirement: the status (this
/// one, or any 4xx or 501 when `want_status` is `None`), an OperationOutcome body
/// carrying one of `codes` (any code when empty), and the whole
/// GPConnect-OperationOutcome-1 form (see [`check_outcome_form`]).
pub(crate) fn check_refusal(w: &RfaWorld, want_status: Option<u16>, codes: &[&str]) -> StepResult {
    let got = w.response()?.status;
    let wanted = if codes.is_empty() { String::new() } else { format!(" {}", codes.join(" or ")) };
    match want_status {
        Some(want) if got != want => {
            return w.fail(format!("expected the request to be refused with {want}{wanted}, got HTTP {got}"));
        }
        // GP Connect's error table also answers what a provider does not
        // implement with 501 NOT_IMPLEMENTED; the official suite asks only
        // "not 200" of these refusals.
        None if !(400..500).contains(&got) && got != 501 => {
            return w.fail(format!("expected the request to be refused with a 4xx status or 501, got HTTP {got}"));
        }
        _ => {}
    }
    let body = outcome_body(w)?;
    let found = OperationOutcome(&body).spine_codes();
    if !codes.is_empty() && !found.iter().any(|c| codes.contains(c)) {
        let found = if found.is_empty() { "none".to_string() } else { found.join(", ") };
        return w.fail(format!("expected Spine error code{wanted} in the OperationOutcome, found {found}"));
    }
    check_outcome_form(w, &body)
}

/// The form GP Connect's error-handling guidance gives every error: the
/// GPConnect-OperationOutcome-1 profile in `meta.profile`, severity `error`,
/// exactly one Spine coding (code system, code, display), the FHIR issue type
/// that goes with the code (all in the `operation-outcome` schema), and the
/// HTTP status the error table pairs with the code.
fn check_outcome_form(w: &RfaWorld, body: &Value) -> StepResult {
    check_schema(w, "operation-outcome", body)?;
    let status = w.response()?.status;
    for code in OperationOutcome(body).spine_codes() {
        if let Some(expected) = spine_status(code)
            && expected != status
        {
            return w.fail(format!("Spine code {code} goes with HTTP {expected}, but the status was {status}"));
        }
    }
    Ok(())
}

/// GP Connect's HTTP status for each Spine code (error-handling guidance).
pub(crate) fn spine_status(code: &str) -> Option<u16> {
    Some(match code {
        "BAD_REQUEST"
        | "CONFLICTING_VALUES"
        | "INVALID_IDENTIFIER_SYSTEM"
        | "INVALID_IDENTIFIER_VALUE"
        | "INVALID_NHS_NUMBER"
        | "INVALID_PATIENT_DEMOGRAPHICS" => 400,
        "NO_PATIENT_CONSENT" | "NO_ORGANISATION_CONSENT" | "ACCESS DENIED" | "NO_RELATIONSHIP" => 403,
        "PATIENT_NOT_FOUND" | "ORGANISATION_NOT_FOUND" | "PRACTITIONER_NOT_FOUND" | "NO_RECORD_FOUND" => 404,
        "DUPLICATE_REJECTED" | "FHIR_CONSTRAINT_VIOLATION" => 409,
        "INVALID_RESOURCE" | "INVALID_PARAMETER" | "REFERENCE_NOT_FOUND" => 422,
        "INTERNAL_SERVER_ERROR" => 500,
        "NOT_IMPLEMENTED" => 501,
        _ => return None,
    })
}

async fn header_includes(w: &mut RfaWorld, a: &Args) -> StepResult {
    let (name, token) = (a.get(1), a.get(2));
    let Some(value) = w.response()?.header(name) else {
        return w.fail(format!("expected a {name} header including `{token}`, but there is no {name} header"));
    };
    let has = value.split(',').any(|part| part.trim().eq_ignore_ascii_case(token));
    if !has {
        return w.fail(format!("expected the {name} header to include `{token}`, it is `{value}`"));
    }
    Ok(())
}

async fn is_fhir_json(w: &mut RfaWorld, _: &Args) -> StepResult {
    is_fhir_in(w, gpc::FHIR_JSON, "FHIR JSON")
}

/// The response is labelled with this FHIR media type (see
/// [`media_type_is`]) and its body reads as what the label says.
pub(crate) fn is_fhir_in(w: &RfaWorld, media: &str, what: &str) -> StepResult {
    media_type_is(w, media)?;
    if let Err(e) = w.response()?.json() {
        return w.fail(format!("the Content-Type says {what}, but {e}"));
    }
    Ok(())
}

/// The response has one Content-Type, of this media type, in UTF-8 if it
/// names a charset (GP Connect's character-encoding rule).
fn media_type_is(w: &RfaWorld, want: &str) -> StepResult {
    let resp = w.response()?;
    let values = resp.headers.get_all("Content-Type").iter().count();
    if values > 1 {
        let all = resp.header("Content-Type").unwrap_or_default();
        return w.fail(format!("expected one Content-Type, the response sends {values} that disagree: {all}"));
    }
    let Some(ct) = resp.header("Content-Type") else {
        return w.fail(format!("expected Content-Type {want}, but the response has none"));
    };
    let mut parts = ct.split(';').map(str::trim);
    let media = parts.next().unwrap_or_default();
    if !media.eq_ignore_ascii_case(want) {
        return w.fail(format!("expected Content-Type {want}, got `{ct}`"));
    }
    for param in parts {
        if let Some((k, v)) = param.split_once('=')
            && k.trim().eq_ignore_ascii_case("charset")
            && !v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        {
            return w.fail(format!("FHIR must be sent in UTF-8, but Content-Type says `{ct}`"));
        }
    }
    Ok(())
}

/// The response body, when the response has this status and is a resource
/// of this type; otherwise the step fails, saying what `what` should have
/// answered.
pub fn answered(w: &RfaWorld, status: u16, ty: &str, what: &str) -> Result<Value, Failure> {
    let resp = w.response()?;
    match (resp.status, resp.json()) {
        (got, Ok(body)) if got == status && body.as_resource().resource_type() == Some(ty) => Ok(body),
        (got, _) => w.fail(format!("{what} should answer HTTP {status} with the {ty}, it answered HTTP {got}")),
    }
}

/// Sends a request (evidence kept), keeps its response, and reads it as
/// [`answered`] does.
pub async fn fetch(w: &mut RfaWorld, spec: &RequestSpec, status: u16, ty: &str, what: &str) -> Result<Value, Failure> {
    let resp = w.send(spec).await?;
    w.response = Some(resp);
    answered(w, status, ty, what)
}

/// Reads a relative reference `[target]/[id]` that `owner`'s `element`
/// holds (evidence kept; the scenario's response is left as it was) and
/// fails unless it is of that form and answers 200 with a `target`.
pub async fn reads_back(w: &mut RfaWorld, owner: &str, element: &str, reference: &str, target: &str) -> StepResult {
    let interaction = match target {
        "Organization" => Interaction::ReadOrganization,
        "Practitioner" => Interaction::ReadPractitioner,
        "Location" => Interaction::ReadLocation,
        "Patient" => Interaction::ReadPatient,
        other => return Err(Failure::Harness(format!("no read interaction for a {other} reference"))),
    };
    if reference.strip_prefix(target).and_then(|t| t.strip_prefix('/')).is_none_or(str::is_empty) {
        return w.fail(format!("the {owner}'s {element} is `{reference}`, not a relative {target} reference"));
    }
    let resp = w.send(&RequestSpec::new(interaction, reference.to_string())).await?;
    let got = resp.json().ok().and_then(|b| b.as_resource().resource_type().map(str::to_string));
    if resp.status != 200 || got.as_deref() != Some(target) {
        return w.fail(format!(
            "the {owner}'s {element} `{reference}` does not read back: HTTP {}, {}",
            resp.status,
            got.map_or("no resource".to_string(), |k| format!("a {k}"))
        ));
    }
    Ok(())
}

/// A create's answer: 201 with the resource, which must carry its new id.
pub fn created(w: &RfaWorld, ty: &str, what: &str) -> Result<(String, Value), Failure> {
    let got = answered(w, 201, ty, what)?;
    match got.as_resource().id().filter(|id| !id.is_empty()) {
        Some(id) => Ok((id.to_string(), got.clone())),
        None => w.fail(format!("the created {ty} has no id")),
    }
}

/// The response body as JSON of the given resource type.
pub fn resource(w: &RfaWorld, ty: &str) -> Result<Value, Failure> {
    let resp = w.response()?;
    let body = match resp.json() {
        Ok(b) => b,
        Err(e) => return w.fail(format!("expected a {ty} resource, but {e}")),
    };
    match body.as_resource().resource_type() {
        Some(t) if t == ty => Ok(body),
        Some(t) => w.fail(format!("expected a {ty} resource, got a {t}")),
        None => w.fail(format!("expected a {ty} resource, got JSON without a resourceType")),
    }
}

async fn is_resource(w: &mut RfaWorld, a: &Args) -> StepResult {
    resource(w, a.get(1)).map(|_| ())
}

/// Validates against a named schema, failing with every violation.
pub fn check_schema(w: &RfaWorld, name: &str, instance: &Value) -> StepResult {
    let ctx = w.ctx()?;
    match ctx.schemas.check(name, instance) {
        Ok(()) => Ok(()),
        Err(errors) if errors.len() == 1 && errors[0].starts_with("no schema named") => {
            Err(Failure::Harness(errors[0].clone()))
        }
        Err(errors) => {
            let shown: Vec<String> = errors.iter().take(8).map(|e| format!("      - {e}")).collect();
            let more =
                if errors.len() > 8 { format!("\n      … and {} more", errors.len() - 8) } else { String::new() };
            w.fail(format!("the resource does not conform to the {name} schema:\n{}{more}", shown.join("\n")))
        }
    }
}

async fn conforms(w: &mut RfaWorld, a: &Args) -> StepResult {
    let body = match w.response()?.json() {
        Ok(b) => b,
        Err(e) => return w.fail(e),
    };
    check_schema(w, a.get(1), &body)
}
