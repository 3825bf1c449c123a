//! Fixture keys → the candidate's identifiers (the config's identity maps),
//! the logical ids the candidate gives fixture patients and practitioners,
//! identifiers fresh to each run, and `{nhs:KEY}`-style placeholders in
//! literal query strings.

use crate::client::RequestSpec;
use crate::fhir::gpc::{self, Interaction};
use crate::steps::common::bundle::resolve;
use crate::steps::world::{Failure, RfaWorld};

fn unknown<'a>(what: &str, key: &str, known: impl Iterator<Item = &'a String>) -> Failure {
    let known: Vec<&str> = known.map(String::as_str).collect();
    let list = if known.is_empty() { "none configured".to_string() } else { known.join(", ") };
    Failure::Harness(format!("`{key}` is not a fixture {what} (known: {list})"))
}

/// The candidate's NHS number for a fixture patient.
pub fn nhs(w: &RfaWorld, key: &str) -> Result<String, Failure> {
    let ctx = w.ctx()?;
    let cfg = ctx.client.config();
    cfg.patients.get(key).map(|p| p.nhs_number.clone()).ok_or_else(|| unknown("patient", key, cfg.patients.keys()))
}

/// The candidate's ODS code for a fixture organisation.
pub fn ods(w: &RfaWorld, key: &str) -> Result<String, Failure> {
    let ctx = w.ctx()?;
    let orgs = &ctx.client.config().directory.organizations;
    orgs.get(key).map(|o| o.ods_code.clone()).ok_or_else(|| unknown("organisation", key, orgs.keys()))
}

/// The candidate's SDS user id for a fixture practitioner.
pub fn sds(w: &RfaWorld, key: &str) -> Result<String, Failure> {
    let ctx = w.ctx()?;
    let pracs = &ctx.client.config().directory.practitioners;
    pracs.get(key).map(|p| p.sds_user_id.clone()).ok_or_else(|| unknown("practitioner", key, pracs.keys()))
}

/// The candidate's logical id for a fixture location.
pub fn location(w: &RfaWorld, key: &str) -> Result<String, Failure> {
    let ctx = w.ctx()?;
    let locs = &ctx.client.config().directory.locations;
    locs.get(key).map(|l| l.logical_id.clone()).ok_or_else(|| unknown("location", key, locs.keys()))
}

/// The ODS site code the candidate's config gives a fixture location, if any.
pub fn location_site(w: &RfaWorld, key: &str) -> Result<Option<String>, Failure> {
    let ctx = w.ctx()?;
    let locs = &ctx.client.config().directory.locations;
    locs.get(key).map(|l| l.ods_site_code.clone()).ok_or_else(|| unknown("location", key, locs.keys()))
}

/// Expands `{nhs:KEY}`, `{ods:KEY}` and `{sds:KEY}` to the candidate's
/// identifiers for fixture keys; anything else is left as written.
pub fn expand(w: &RfaWorld, text: &str) -> Result<String, Failure> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = ["{nhs:", "{ods:", "{sds:"].iter().filter_map(|p| rest.find(p)).min() {
        out.push_str(&rest[..start]);
        let (kind, after) = rest[start + 1..].split_at(3);
        let after = &after[1..];
        let Some(end) = after.find('}') else {
            return Err(Failure::Harness(format!("unclosed `{{{kind}:` in `{text}`")));
        };
        let key = &after[..end];
        out.push_str(&match kind {
            "nhs" => nhs(w, key)?,
            "ods" => ods(w, key)?,
            _ => sds(w, key)?,
        });
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The candidate's logical id of a fixture patient (`patient*`) or
/// practitioner, found by search once per scenario (evidence kept).
pub async fn logical_id(w: &mut RfaWorld, key: &str) -> Result<String, Failure> {
    if let Some(id) = w.shared.ids.get(key) {
        return Ok(id.clone());
    }
    let id = if key.starts_with("practitioner") {
        let sds = sds(w, key)?;
        let mut spec = RequestSpec::new(Interaction::SearchPractitioners, "Practitioner");
        spec.query.push(("identifier".into(), format!("{}|{sds}", gpc::SDS_USER_SYSTEM)));
        resolve(w, &spec, "Practitioner", gpc::SDS_USER_SYSTEM, &sds, &format!("{key} ({sds})")).await?
    } else {
        let nhs = nhs(w, key)?;
        let mut spec = RequestSpec::new(Interaction::SearchPatients, "Patient");
        spec.query.push(("identifier".into(), format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
        resolve(w, &spec, "Patient", gpc::NHS_NUMBER_SYSTEM, &nhs, &format!("{key} (NHS number {nhs})")).await?
    };
    w.shared.ids.insert(key.to_string(), id.clone());
    Ok(id)
}

/// A business identifier no run has used: the scenario's first trace id
/// (a fresh UUID per run) and a counter. Derived from the evidence rather
/// than drawn at random so that re-judging a recorded run (`rfa verify
/// --rejudge`) rebuilds the very requests the run made.
pub(in crate::steps) fn fresh_identifier(w: &mut RfaWorld) -> String {
    w.shared.built += 1;
    let base = w
        .exchanges
        .first()
        .map(|x| x.request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("Ssp-TraceID")).map(|(_, v)| v.clone()));
    match base.flatten() {
        Some(trace) => format!("{trace}.{}", w.shared.built),
        None => uuid::Uuid::new_v4().to_string(),
    }
}

/// The description a scenario's bookings carry: the harness's words and the
/// scenario's first trace id, so that a read-back after a refused booking
/// can tell this scenario's appointment from those of scenarios running at
/// the same time (`nothing was stored`).
pub(in crate::steps) fn booking_marker(w: &RfaWorld) -> String {
    let trace = w.exchanges.first().and_then(|x| {
        x.request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("Ssp-TraceID")).map(|(_, v)| v.clone())
    });
    match trace {
        Some(t) => format!("Booked by rfa-harness ({t})"),
        None => "Booked by rfa-harness".to_string(),
    }
}
