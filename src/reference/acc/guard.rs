//! What a GP Connect provider checks before serving anything: the Spine
//! Security Proxy headers and the audit JWT. Each check can be switched off
//! by the defect that models getting it wrong.

use axum::http::HeaderMap;
use serde_json::Value;

use super::stu3;
use crate::client::jwt::decode_segment;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::reference::State;
use crate::reference::acc::defects::AccDefect;
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;

fn bad(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::BadRequest, msg)
}

fn invalid_resource(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The JWT claims of a request that passed the checks.
pub type Claims = serde_json::Map<String, Value>;

/// Checks a request for `interaction`: every handler starts here, so that
/// the headers, the token and its lifetime (by the wall clock) are judged
/// one way. Returns the JWT's claims (none when a defect let a request
/// without a token through).
pub fn check(state: &State, headers: &HeaderMap, interaction: Interaction) -> Result<Claims, Outcome> {
    let d = |x| state.defects.has(x);
    let now = crate::reference::now().unix_timestamp();

    // Each defect is asked about last, once the request is one it could
    // change: the kill matrix runs a defect only against the requirements
    // whose requests ask (`defect::Consulted`).
    let trace = header(headers, "Ssp-TraceID");
    let strict_trace = || !d(AccDefect::IgnoresMissingTraceId);
    match trace {
        None if strict_trace() => return Err(bad("Ssp-TraceID header is required")),
        // A profile decision (RFA-ACC-036): GP Connect gives a GUID as
        // the example of a trace id, and the reference holds it to one.
        Some(t) if uuid::Uuid::parse_str(t).is_err() && !d(AccDefect::TraceIdAnyValue) && strict_trace() => {
            return Err(bad("Ssp-TraceID must be a GUID"));
        }
        Some(t)
            if t.chars().any(|c| c.is_ascii_uppercase()) && d(AccDefect::TraceIdLowerCaseOnly) && strict_trace() =>
        {
            return Err(bad("Ssp-TraceID must be a GUID"));
        }
        _ => {}
    }
    if header(headers, "Ssp-From").is_none_or(|v| v.trim().is_empty()) && !d(AccDefect::IgnoresMissingFrom) {
        return Err(bad("Ssp-From header is required"));
    }
    match header(headers, "Ssp-To") {
        None => return Err(bad("Ssp-To header is required")),
        Some(to) if to != state.asid && !d(AccDefect::AcceptsAnyToAsid) => {
            return Err(bad(format!("Ssp-To {to} is not this provider's ASID")));
        }
        Some(_) => {}
    }
    match header(headers, "Ssp-InteractionID") {
        None => return Err(bad("Ssp-InteractionID header is required")),
        Some(id) if id != interaction.id() && !d(AccDefect::IgnoresInteractionMismatch) => {
            return Err(bad(format!("Ssp-InteractionID {id} does not match this endpoint ({})", interaction.id())));
        }
        Some(_) => {}
    }

    let auth = header(headers, "Authorization");
    let token = match auth.and_then(|a| a.strip_prefix("Bearer ")) {
        Some(t) => t.trim(),
        None if d(AccDefect::AcceptsMissingAuthorization) => return Ok(Claims::new()),
        None if auth.is_none() && d(AccDefect::Auth401WithoutChallenge) => {
            return Err(Outcome { status: Some(401), ..bad("Authorization header is required") });
        }
        None if auth.is_none() => return Err(bad("Authorization header is required")),
        None => return Err(bad("Authorization must use the Bearer scheme")),
    };
    // A patient signs in with NHS login (profile §25): their app sends the
    // ID token NHS login signed, which no GP Connect rule judges.
    let claims = if let Some(verdict) = crate::reference::acc::nhs_login::verify(state, token, now) {
        let claims = verdict?;
        if d(AccDefect::PatientTokenRefused) {
            return Err(denied());
        }
        if !d(AccDefect::PatientTokenUnchecked) {
            check_patient(&claims)?;
        }
        claims
    } else {
        let mut claims = parse_jwt(token, || d(AccDefect::AcceptsJwtWithoutTrailingDot))?;
        check_claims(state, &claims, interaction, now)?;
        // Only NHS login says who a patient is.
        claims.remove(gpc::REQUESTING_PATIENT_CLAIM);
        claims
    };
    let lenient = || {
        d(AccDefect::PatientTokenServesEverything)
            || (interaction == Interaction::CreatePrescription && d(AccDefect::PatientsCanPrescribe))
            || (interaction == Interaction::RecordDispense && d(AccDefect::PatientsCanDispense))
            || (interaction == Interaction::CreateClaim && d(AccDefect::PatientsCanClaim))
    };
    if claims.contains_key(gpc::REQUESTING_PATIENT_CLAIM) && !lenient() {
        patient_may(interaction)?;
    }
    Ok(claims)
}

/// What a patient-scoped token may do: find and book slots, their own
/// appointments, their own record summary and repeat requests.
fn patient_may(interaction: Interaction) -> Result<(), Outcome> {
    use Interaction::*;
    match interaction {
        ReadMetadata
        | SearchSlots
        | BookAppointment
        | ReadAppointment
        | CancelAppointment
        | AmendAppointment
        | SearchPatientAppointments
        | GetStructuredRecord
        | RequestRepeat
        | SearchRepeatRequests => Ok(()),
        _ => Err(denied()),
    }
}

/// The one refusal a patient gets for anything not theirs, whether or not
/// it exists, so the answer tells nothing about other patients.
pub fn denied() -> Outcome {
    Outcome::new(SpineCode::AccessDenied, "a patient-scoped token gives access to the patient's own data only")
}

fn identifier_value<'a>(r: Option<&'a Value>, systems: &[&str]) -> Option<&'a str> {
    r?.get("identifier")?
        .as_array()?
        .iter()
        .find(|i| i.get("system").and_then(Value::as_str).is_some_and(|s| systems.contains(&s)))?
        .get("value")?
        .as_str()
}

/// The requesting organisation's ODS code, from the JWT.
pub fn requesting_ods(c: &Claims) -> Option<&str> {
    identifier_value(
        c.get("requesting_organization"),
        &[gpc::ODS_ORGANIZATION_SYSTEM, gpc::ODS_ORGANIZATION_SYSTEM_LEGACY],
    )
}

/// The requesting practitioner's SDS user id, from the JWT.
pub fn requesting_sds(c: &Claims) -> Option<&str> {
    identifier_value(c.get("requesting_practitioner"), &[gpc::SDS_USER_SYSTEM])
}

/// The NHS number a patient-scoped token acts for; None for a token of a
/// practitioner.
pub fn acting_patient(c: &Claims) -> Option<String> {
    let p = c.get(gpc::REQUESTING_PATIENT_CLAIM)?;
    identifiers(p).find(|(s, _)| *s == gpc::NHS_NUMBER_SYSTEM).map(|(_, v)| v.to_string())
}

/// Refuses a patient-scoped request about another patient's record (by
/// NHS number); a practitioner's token passes.
pub fn own_nhs_number(state: &State, c: &Claims, nhs_number: &str) -> Result<(), Outcome> {
    match acting_patient(c) {
        Some(me) if me != nhs_number && !state.defects.has(AccDefect::PatientSeesOtherPatients) => Err(denied()),
        _ => Ok(()),
    }
}

/// Like [`own_nhs_number`], by the patient's logical id.
pub fn own_patient(state: &State, c: &Claims, patient_id: &str) -> Result<(), Outcome> {
    if acting_patient(c).is_none() {
        return Ok(());
    }
    let nhs = state.store.by_id(patient_id).map(|p| p.nhs_number.clone()).unwrap_or_default();
    own_nhs_number(state, c, &nhs)
}

/// Splits and decodes an unsigned JWT: `header.payload.` (empty signature,
/// trailing dot mandatory).
fn parse_jwt(token: &str, lenient_dot: impl Fn() -> bool) -> Result<serde_json::Map<String, Value>, Outcome> {
    let parts: Vec<&str> = token.split('.').collect();
    let (h, p) = match parts[..] {
        [h, p, _] => (h, p),
        [h, p] if lenient_dot() => (h, p),
        [_, _] => return Err(bad("JWT must end with '.' (an unsigned JWT has an empty signature)")),
        _ => return Err(bad("the bearer token is not a JWT (header.payload.signature)")),
    };
    match decode_segment(h) {
        Some(Value::Object(_)) => {}
        _ => return Err(bad("the JWT header is not base64url-encoded JSON")),
    }
    match decode_segment(p) {
        Some(Value::Object(claims)) => Ok(claims),
        _ => Err(bad("the JWT payload is not a base64url-encoded JSON object")),
    }
}

fn check_claims(
    state: &State,
    c: &serde_json::Map<String, Value>,
    interaction: Interaction,
    now: i64,
) -> Result<(), Outcome> {
    let d = |x| state.defects.has(x);
    // A record migration is system to system: the official suite migrates
    // without requesting_practitioner and expects success. Its reason and
    // confidentiality are the migration handler's to judge.
    let migration = interaction == Interaction::MigrateStructuredRecord;
    let no_user = migration && !c.contains_key("requesting_practitioner");
    for claim in gpc::MANDATORY_CLAIMS {
        if no_user && claim == "requesting_practitioner" {
            continue;
        }
        let lenient = || matches!(claim, "iss" | "sub" | "aud") && d(AccDefect::IgnoresMissingClaims);
        if c.get(claim).is_none_or(Value::is_null) && !lenient() {
            return Err(bad(format!("JWT claim {claim} is required")));
        }
    }
    if let Some(k) = c.keys().find(|k| {
        !gpc::MANDATORY_CLAIMS.contains(&k.as_str())
            && k.as_str() != gpc::REQUESTING_PATIENT_CLAIM
            && k.as_str() != gpc::IDENTITY_PROOFING_CLAIM
    }) && d(AccDefect::JwtUnknownClaimsRefused)
    {
        return Err(bad(format!("JWT claim {k} is not a claim GP Connect defines")));
    }
    // A profile decision (RFA-ACC-038): claims of the wrong JSON type are
    // refused, though GP Connect only tells consumers the types.
    let loose_types = || d(AccDefect::JwtClaimTypesLenient);
    for claim in ["iss", "sub", "aud"] {
        if c.get(claim).is_some_and(|v| !v.is_string() && !v.is_null()) && !loose_types() {
            return Err(bad(format!("JWT claim {claim} must be a string")));
        }
    }
    let int = |name: &str| -> Result<i64, Outcome> {
        let v = c.get(name);
        let exact = v.and_then(Value::as_i64);
        // The defect reads "1700000000" and 1700000000.0 as the instant
        // they spell, as a loosely typed parser would.
        let loose = || match v? {
            Value::String(t) => t.trim().parse::<i64>().ok(),
            #[allow(clippy::cast_possible_truncation)]
            Value::Number(n) => n.as_f64().map(|f| f as i64),
            _ => None,
        };
        exact
            .or_else(|| if loose_types() { loose() } else { None })
            .ok_or_else(|| bad(format!("JWT claim {name} must be an integer number of seconds since the epoch")))
    };
    let (iat, exp) = (int("iat")?, int("exp")?);
    // The defect keeps the lifetime in a 32-bit integer, as `(int)(exp -
    // iat)` does in C# or Java: 300 + k * 2^32 reads as 300.
    // Saturating: the token's numbers are the sender's, and may be extreme.
    let real = exp.saturating_sub(iat);
    #[allow(clippy::cast_possible_truncation)]
    let truncated = i64::from(real as i32);
    let lifetime = if truncated != real && d(AccDefect::JwtLifetimeTruncated) { truncated } else { real };
    // The defect measures the lifetime from its own clock, not from iat;
    // the two readings only differ when one of them finds it wrong.
    let by_receipt = exp.saturating_sub(now).saturating_sub(gpc::JWT_LIFETIME_SECS).abs() > 5;
    let by_iat = lifetime != gpc::JWT_LIFETIME_SECS;
    if (by_receipt || by_iat) && d(AccDefect::JwtLifetimeFromReceipt) {
        if by_receipt {
            return Err(bad(format!("JWT exp must be {} seconds from now", gpc::JWT_LIFETIME_SECS)));
        }
    } else if by_iat && !d(AccDefect::AcceptsAnyJwtLifetime) {
        return Err(bad(format!("JWT exp must be iat + {} seconds; it is iat + {real}", gpc::JWT_LIFETIME_SECS)));
    }
    if exp <= now && !d(AccDefect::AcceptsExpiredJwt) {
        return Err(bad("the JWT has expired"));
    }
    if iat > now && d(AccDefect::RejectsFutureIat) {
        return Err(bad("JWT iat is in the future"));
    }
    let reason = c.get("reason_for_request").and_then(Value::as_str);
    // A profile decision (RFA-ACC-039): `migration` is a reason GP Connect
    // knows, refused here for interactions that are not a migration.
    let migration_for_direct_care = reason == Some(gpc::MIGRATION_REASON);
    let writes =
        matches!(interaction, Interaction::CreateEntry(_) | Interaction::UpdateEntry(_) | Interaction::RegisterPatient);
    let lenient_reason = || {
        d(AccDefect::AcceptsAnyReasonForRequest)
            || (writes && d(AccDefect::WritesForAnyReason))
            || (migration_for_direct_care && d(AccDefect::MigrationReasonForDirectCare))
    };
    if !migration && reason != Some("directcare") && !lenient_reason() {
        return Err(bad("reason_for_request must be directcare for this interaction"));
    }
    let joined;
    let scope = match c.get("requested_scope") {
        Some(Value::String(s)) => s.as_str(),
        // The defect takes a JSON array of scopes as if space-separated.
        Some(Value::Array(a)) if loose_types() => {
            joined = a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" ");
            joined.as_str()
        }
        _ => "",
    };
    let first = scope.split_whitespace().next().unwrap_or_default();
    let reads_entries =
        matches!(interaction, Interaction::ReadEntry(_) | Interaction::SearchEntries(_) | Interaction::EntryHistory(_));
    let lenient_scope = || {
        d(AccDefect::IgnoresRequestedScope)
            || (writes && first == "patient/*.read" && d(AccDefect::WritesWithReadScope))
            || (reads_entries && first == "organization/*.read" && d(AccDefect::OrganizationScopeReadsEntries))
            || (interaction == Interaction::SearchAuditEvents
                && first == "patient/*.read"
                && d(AccDefect::AuditReadableWithPatientScope))
    };
    // GP Connect's scopes may carry a confidentiality suffix
    // (`patient/*.read conf/N`); the defect knows it only on migrations.
    if !matches!(interaction, Interaction::MigrateStructuredRecord)
        && scope.split_whitespace().nth(1) == Some("conf/N")
        && d(AccDefect::ScopeSuffixRefused)
    {
        return Err(bad(format!("requested_scope `{scope}` has a confidentiality this interaction does not take")));
    }
    let needed = required_scope(interaction);
    if first != needed && !lenient_scope() {
        return Err(bad(format!("requested_scope `{scope}` does not permit this interaction (needs {needed})")));
    }
    if let Err(e) = check_resources(c, no_user, &d)
        && !d(AccDefect::SkipsClaimResourceValidation)
    {
        return Err(e);
    }
    // A profile decision (RFA-ACC-037): GP Connect tells consumers that
    // requesting_practitioner.id SHALL match sub; the reference refuses a
    // token where they differ, as it names two users.
    let prac_id = c.get("requesting_practitioner").and_then(|p| p.get("id")).and_then(Value::as_str);
    let sub = c.get("sub").and_then(Value::as_str);
    if !no_user && sub.is_some() && prac_id.is_some() && sub != prac_id && !d(AccDefect::JwtSubUnchecked) {
        return Err(bad("JWT claim sub must equal requesting_practitioner.id"));
    }
    if !no_user
        && prac_id.is_some()
        && sub.is_some_and(|s| s != crate::config::DEFAULT_PRACTITIONER_ID)
        && d(AccDefect::JwtSubPinned)
    {
        return Err(bad("JWT claim sub names a practitioner this system was not set up for"));
    }
    Ok(())
}

/// A patient acts for themselves only with identity verified to the high
/// level (P9) and a Patient naming their NHS number.
fn check_patient(c: &serde_json::Map<String, Value>) -> Result<(), Outcome> {
    let p = c.get(gpc::REQUESTING_PATIENT_CLAIM);
    if p.and_then(|p| p.get("resourceType")).and_then(Value::as_str) != Some("Patient") {
        return Err(invalid_resource(format!(
            "JWT claim {} must be a FHIR Patient resource",
            gpc::REQUESTING_PATIENT_CLAIM
        )));
    }
    if acting_patient(c).is_none_or(|nhs| nhs.is_empty()) {
        return Err(invalid_resource(format!(
            "JWT claim {} needs the patient's NHS number",
            gpc::REQUESTING_PATIENT_CLAIM
        )));
    }
    if c.get(gpc::IDENTITY_PROOFING_CLAIM).and_then(Value::as_str) != Some(gpc::IDENTITY_PROOFING_HIGH) {
        return Err(Outcome::new(
            SpineCode::AccessDenied,
            format!(
                "a patient needs {} {} to see or change their record",
                gpc::IDENTITY_PROOFING_CLAIM,
                gpc::IDENTITY_PROOFING_HIGH
            ),
        ));
    }
    Ok(())
}

fn identifiers(r: &Value) -> impl Iterator<Item = (&str, &str)> {
    r.get("identifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| Some((i.get("system")?.as_str()?, i.get("value")?.as_str()?)))
}

/// `identified`: also require the identifiers GP Connect has consumers
/// send (a profile decision, RFA-ACC-040: base STU3, which the claims
/// conform to, makes them optional).
fn check_resources(
    c: &serde_json::Map<String, Value>,
    patient: bool,
    d: &dyn Fn(AccDefect) -> bool,
) -> Result<(), Outcome> {
    let identified = || !d(AccDefect::ClaimIdentifiersUnchecked);
    let of_type = |claim: &str, ty: &str| -> Result<&Value, Outcome> {
        let r = match c.get(claim) {
            Some(r) if r.as_resource().resource_type() == Some(ty) => r,
            // GP Connect's error table: "invalid FHIR resource in JWT claim
            // (for example, patient resource when practitioner expected)"
            // is BAD_REQUEST; a type FHIR does not define fails validation.
            Some(r)
                if r.as_resource().resource_type().is_some_and(stu3::is_resource_type)
                    && !d(AccDefect::ClaimOtherType422) =>
            {
                return Err(bad(format!("JWT claim {claim} must be a FHIR {ty} resource, not another type")));
            }
            _ => return Err(invalid_resource(format!("JWT claim {claim} must be a FHIR {ty} resource"))),
        };
        let unknown = r
            .as_object()
            .into_iter()
            .flat_map(|o| o.keys())
            .find(|k| !stu3::RESOURCE_ELEMENTS.contains(&k.as_str()) && !stu3::elements(ty).contains(&k.as_str()));
        match unknown {
            Some(k) => {
                Err(invalid_resource(format!("JWT claim {claim} has `{k}`, which a FHIR STU3 {ty} does not define")))
            }
            None => Ok(r),
        }
    };
    let device = of_type("requesting_device", "Device")?;
    if identifiers(device).next().is_none() && identified() {
        return Err(invalid_resource("requesting_device needs an identifier with system and value"));
    }
    let org = of_type("requesting_organization", "Organization")?;
    let ods = |(s, v): (&str, &str)| {
        (s == gpc::ODS_ORGANIZATION_SYSTEM || s == gpc::ODS_ORGANIZATION_SYSTEM_LEGACY) && !v.is_empty()
    };
    // The defect reads identifier[0] only, which differs only when the
    // ODS code is a later one.
    let found = identifiers(org).any(ods);
    let found = found && (identifiers(org).take(1).any(ods) || !d(AccDefect::OrganizationFirstIdentifierOnly));
    if !found && identified() {
        return Err(invalid_resource("requesting_organization needs an ODS code identifier"));
    }
    if patient {
        return Ok(());
    }
    let prac = of_type("requesting_practitioner", "Practitioner")?;
    if prac.as_resource().id().is_none_or(str::is_empty) {
        return Err(invalid_resource("requesting_practitioner needs an id"));
    }
    if !identifiers(prac).any(|(s, _)| s == gpc::SDS_USER_SYSTEM) {
        return Err(invalid_resource("requesting_practitioner needs an SDS user id identifier (UNK if unknown)"));
    }
    if identifiers(prac).any(|(s, v)| s == gpc::SDS_USER_SYSTEM && v == "UNK") && d(AccDefect::RefusesUnkSdsIds) {
        return Err(invalid_resource("requesting_practitioner has an SDS user id of UNK"));
    }
    if !identifiers(prac).any(|(s, _)| s == gpc::SDS_ROLE_PROFILE_SYSTEM) && d(AccDefect::RequiresSdsRoleProfile) {
        return Err(invalid_resource("requesting_practitioner needs an SDS role profile id"));
    }
    Ok(())
}

/// The scope the reference requires, read from GP Connect's authorisation
/// table by the interaction's own id: the reference's reading, kept apart
/// from the one the harness's client sends (`Interaction::scope`), so that
/// one misreading cannot pass both sides (DESIGN.md: rules are not shared).
fn required_scope(interaction: Interaction) -> &'static str {
    let id = interaction.id();
    let verb_and_target = id.rsplit_once(":rest:").or_else(|| id.rsplit_once(":operation:")).map_or("", |(_, v)| v);
    let (verb, target) = verb_and_target.split_once(':').unwrap_or(("operation", verb_and_target));
    let target = target.trim_end_matches("-1");
    match (verb, target) {
        (_, "auditevent") => crate::fhir::gpc::AUDIT_SCOPE,
        ("read" | "search", "metadata" | "organization" | "practitioner" | "location" | "slot") => {
            "organization/*.read"
        }
        (_, "gpc.getstructuredrecord" | "gpc.migratestructuredrecord") => "patient/*.read",
        ("migrate", "binary") => "patient/*.read",
        ("read" | "search" | "history", _) => "patient/*.read",
        _ => "patient/*.write",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_reads_the_scope_table_as_the_client_does() {
        for i in Interaction::all() {
            assert_eq!(required_scope(i), i.scope(), "{i:?} ({})", i.id());
        }
    }
}
