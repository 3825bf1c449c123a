//! `rfa fixtures check`: looks every fixture up on the candidate before a run,
//! so a missing or different test record is reported as a data problem, per
//! key, instead of surfacing later as a string of failed requirements.

mod dated;

use serde::Serialize;
use serde_json::Value;

use crate::client::{Client, RequestSpec};
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::fixtures::{FixtureItem, FixturePack, FixturePatient};

/// What the candidate holds for one fixture key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Found, and its key facts match the pack.
    Ok,
    /// Correctly not found (a key that exists to be absent, or a patient
    /// search hides by design).
    Absent,
    /// Should be found and is not.
    Missing,
    /// Found, but a key fact differs from the pack.
    Different,
    /// Found although the candidate must not return it.
    Unexpected,
    /// The candidate did not answer the lookup usably (status, body).
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Absent => "absent",
            Self::Missing => "missing",
            Self::Different => "different",
            Self::Unexpected => "unexpected",
            Self::Error => "error",
        }
    }

    /// Whether a run can rely on this key.
    pub fn is_good(self) -> bool {
        matches!(self, Self::Ok | Self::Absent)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyReport {
    pub kind: &'static str,
    pub key: String,
    /// The identifier looked up (NHS number, ODS code, SDS user id, logical id).
    pub looked_up: String,
    pub status: Status,
    /// What differs or went wrong, one line each.
    pub details: Vec<String>,
}

/// Looks up every key of `pack` through `client` (the config's identity maps
/// apply), all at once within the client's in-flight limit.
pub async fn check(client: &Client, pack: &FixturePack) -> Vec<KeyReport> {
    let cfg = client.config();
    let mut lookups = Vec::new();
    let mut former_lookups = Vec::new();
    for (key, p) in &pack.patients {
        let nhs = cfg.patients.get(key).map_or_else(|| p.nhs_number.clone(), |i| i.nhs_number.clone());
        lookups.push(futures::future::Either::Left(patient(client, key, nhs, p)));
        for former in &p.former_nhs_numbers {
            former_lookups.push(former_number(client, key, former));
        }
    }
    let dir = &cfg.directory;
    let items = pack
        .organizations
        .iter()
        .map(|(k, o)| (Kind::Organization, k, dir.organizations.get(k).map(|i| i.ods_code.clone()), o))
        .chain(
            pack.practitioners
                .iter()
                .map(|(k, p)| (Kind::Practitioner, k, dir.practitioners.get(k).map(|i| i.sds_user_id.clone()), p)),
        )
        .chain(
            pack.locations
                .iter()
                .map(|(k, l)| (Kind::Location, k, dir.locations.get(k).map(|i| i.logical_id.clone()), l)),
        );
    for (kind, key, mapped, item) in items {
        let id = mapped.or_else(|| match kind {
            Kind::Location => item.logical_id().map(str::to_string),
            _ => item.business_id.clone(),
        });
        lookups.push(futures::future::Either::Right(directory(client, kind, key, id.unwrap_or_default(), item)));
    }
    let (mut reports, formers, agreement) = futures::future::join3(
        futures::future::join_all(lookups),
        futures::future::join_all(former_lookups),
        sharing_agreement(client, pack),
    )
    .await;
    reports.extend(formers);
    reports.extend(agreement);
    // The knowledge base's concepts (fixtures/terminology.json) are not
    // looked up: a GP system serves no national interface that answers for
    // its knowledge base, so the EPS, DSP and KNW requirements are where a
    // concept it lacks shows (profile §30).
    reports.extend(dated::check(client, pack).await);
    let rank =
        |kind: &str| ["patient", "organisation", "practitioner", "location", "setup"].iter().position(|k| *k == kind);
    reports.sort_by_key(|a| (rank(a.kind), natural(&a.key)));
    reports
}

/// `patient2` before `patient10`: the text before the first digit, then the
/// number.
fn natural(key: &str) -> (String, u64, String) {
    let split = key.find(|c: char| c.is_ascii_digit()).unwrap_or(key.len());
    let (stem, rest) = key.split_at(split);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (stem.to_string(), digits.parse().unwrap_or(0), rest[digits.len()..].to_string())
}

fn report(kind: &'static str, key: &str, looked_up: &str, status: Status, details: Vec<String>) -> KeyReport {
    KeyReport { kind, key: key.to_string(), looked_up: looked_up.to_string(), status, details }
}

/// Sends a lookup; `Err` is the report line when there is no usable JSON body.
async fn fetch(client: &Client, spec: &RequestSpec) -> Result<(u16, Value), String> {
    let (_, result) = client.send(spec, None).await;
    let resp = result.map_err(|e| format!("no answer: {e}"))?;
    match resp.json() {
        Ok(body) => Ok((resp.status, body)),
        Err(e) => Err(format!("HTTP {}: {e}", resp.status)),
    }
}

/// The resources of this type in a searchset Bundle.
fn resources<'a>(bundle: &'a Value, ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    bundle
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| e.get("resource"))
        .filter(move |r| r.as_resource().resource_type() == Some(ty))
}

/// The resources of a searchset Bundle that carry `system|value`.
fn matches<'a>(bundle: &'a Value, ty: &'a str, system: &str, value: &str) -> Vec<&'a Value> {
    resources(bundle, ty)
        .filter(|r| {
            r.get("identifier").and_then(Value::as_array).into_iter().flatten().any(|i| {
                i.get("system").and_then(Value::as_str) == Some(system)
                    && i.get("value").and_then(Value::as_str) == Some(value)
            })
        })
        .collect()
}

fn outcome_code(body: &Value) -> String {
    body.as_outcome().first_code().unwrap_or("no Spine code").to_string()
}

/// Compares the facts a scenario relies on; each difference is one line.
fn differences(want: &Value, got: &Value, fields: &[&str]) -> Vec<String> {
    fields
        .iter()
        .filter_map(|f| {
            let (w, g) = (want.pointer(f), got.pointer(f));
            (w.is_some() && w != g).then(|| {
                let show = |v: Option<&Value>| v.map_or_else(|| "nothing".to_string(), Value::to_string);
                format!("{f}: the pack has {}, the candidate has {}", show(w), show(g))
            })
        })
        .collect()
}

async fn patient(client: &Client, key: &str, nhs: String, p: &FixturePatient) -> KeyReport {
    let mut spec = RequestSpec::new(Interaction::SearchPatients, "Patient");
    spec.query.push(("identifier".into(), format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
    let (status, body) = match fetch(client, &spec).await {
        Ok(x) => x,
        Err(e) => return report("patient", key, &nhs, Status::Error, vec![e]),
    };
    if status != 200 {
        let line = format!("patient search answered HTTP {status} {}", outcome_code(&body));
        return report("patient", key, &nhs, Status::Error, vec![line]);
    }
    let found = matches(&body, "Patient", gpc::NHS_NUMBER_SYSTEM, &nhs);
    match (p.found_by_search(), found.as_slice()) {
        (true, []) => report("patient", key, &nhs, Status::Missing, vec![format!("no patient with NHS number {nhs}")]),
        (true, [one]) => {
            let want = p.resource.as_ref().unwrap_or(&Value::Null);
            let diffs = differences(want, one, &["/name/0/family", "/birthDate", "/gender"]);
            let status = if diffs.is_empty() { Status::Ok } else { Status::Different };
            report("patient", key, &nhs, status, diffs)
        }
        (true, many) => report(
            "patient",
            key,
            &nhs,
            Status::Different,
            vec![format!("{} patients share the NHS number", many.len())],
        ),
        (false, []) if p.resource.is_some() => {
            let why = "held, but patient search hides it by design (deceased, inactive, sensitive or unverified)";
            report("patient", key, &nhs, Status::Absent, vec![why.into()])
        }
        (false, []) => report("patient", key, &nhs, Status::Absent, Vec::new()),
        (false, _) => {
            let why = if p.resource.is_none() { "must not be held" } else { "must not be returned by search" };
            report("patient", key, &nhs, Status::Unexpected, vec![format!("found, but this patient {why}")])
        }
    }
}

/// The REC requirements need the harness's consumer organisation to have a
/// sharing agreement with the practice: a search of `patient20`'s
/// Conditions answers 403 NO_RELATIONSHIP without one.
async fn sharing_agreement(client: &Client, pack: &FixturePack) -> Option<KeyReport> {
    const KEY: &str = "patient20";
    let p = pack.patients.get(KEY)?;
    let cfg = client.config();
    let ods = cfg.spine.consumer_ods.clone();
    let label = "sharing agreement";
    let line = |what: String| report("setup", label, &ods, Status::Error, vec![what]);
    let nhs = cfg.patients.get(KEY).map_or_else(|| p.nhs_number.clone(), |i| i.nhs_number.clone());
    let id = match dated::logical_id(client, &nhs).await {
        Ok(id) => id,
        Err(e) => return Some(line(e)),
    };
    let Some(id) = id else {
        return Some(line(format!("{KEY} was not found, so the agreement could not be checked")));
    };
    let ty = gpc::EntryType::Condition;
    let mut spec = RequestSpec::new(Interaction::SearchEntries(ty), ty.name());
    spec.query.push(("patient".into(), format!("Patient/{id}")));
    spec.query.push(("identifier".into(), format!("{}|rfa-preflight", gpc::ENTRY_IDENTIFIER_SYSTEM)));
    Some(match fetch(client, &spec).await {
        Ok((200, _)) => report("setup", label, &ods, Status::Ok, vec![]),
        Ok((403, body)) if outcome_code(&body).contains("NO_RELATIONSHIP") => report(
            "setup",
            label,
            &ods,
            Status::Missing,
            vec![format!(
                "the consumer organisation {ods} (spine.consumer_ods) has no sharing agreement with the practice: the REC requirements will fail with 403 NO_RELATIONSHIP"
            )],
        ),
        Ok((status, body)) => {
            line(format!("a Condition search of {KEY} answered HTTP {status} {}", outcome_code(&body)))
        }
        Err(e) => line(e),
    })
}

/// A superseded or merged-away NHS number must find nobody.
async fn former_number(client: &Client, key: &str, nhs: &str) -> KeyReport {
    let label = format!("{key} (former number)");
    let mut spec = RequestSpec::new(Interaction::SearchPatients, "Patient");
    spec.query.push(("identifier".into(), format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
    match fetch(client, &spec).await {
        Err(e) => report("patient", &label, nhs, Status::Error, vec![e]),
        Ok((200, body)) if matches(&body, "Patient", gpc::NHS_NUMBER_SYSTEM, nhs).is_empty() => {
            report("patient", &label, nhs, Status::Absent, Vec::new())
        }
        Ok((200, _)) => report(
            "patient",
            &label,
            nhs,
            Status::Unexpected,
            vec!["a superseded or merged-away NHS number still finds a patient".into()],
        ),
        Ok((status, body)) => {
            let line = format!("patient search answered HTTP {status} {}", outcome_code(&body));
            report("patient", &label, nhs, Status::Error, vec![line])
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Organization,
    Practitioner,
    Location,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Self::Organization => "organisation",
            Self::Practitioner => "practitioner",
            Self::Location => "location",
        }
    }
}

async fn directory(client: &Client, kind: Kind, key: &str, id: String, item: &FixtureItem) -> KeyReport {
    let label = kind.label();
    let (spec, ty, system) = match kind {
        Kind::Organization => (Interaction::SearchOrganizations, "Organization", gpc::ODS_ORGANIZATION_SYSTEM),
        Kind::Practitioner => (Interaction::SearchPractitioners, "Practitioner", gpc::SDS_USER_SYSTEM),
        Kind::Location => (Interaction::ReadLocation, "Location", ""),
    };
    let mut req = RequestSpec::new(spec, if system.is_empty() { format!("Location/{id}") } else { ty.to_string() });
    if !system.is_empty() {
        req.query.push(("identifier".into(), format!("{system}|{id}")));
    }
    let (status, body) = match fetch(client, &req).await {
        Ok(x) => x,
        Err(e) => return report(label, key, &id, Status::Error, vec![e]),
    };
    let expected = item.resource.is_some();
    let found: Vec<&Value> = match (kind, status) {
        (Kind::Location, 200) => vec![&body],
        (Kind::Location, 404) => Vec::new(),
        (_, 200) => matches(&body, ty, system, &id),
        _ => {
            let line = format!("{ty} lookup answered HTTP {status} {}", outcome_code(&body));
            return report(label, key, &id, Status::Error, vec![line]);
        }
    };
    match (expected, found.as_slice()) {
        (true, []) => report(label, key, &id, Status::Missing, vec![format!("no {ty} {id}")]),
        (true, [one]) => {
            let want = item.resource.as_ref().unwrap_or(&Value::Null);
            let fields: &[&str] = match kind {
                Kind::Organization => &["/name"],
                Kind::Practitioner => &["/name/0/family", "/gender"],
                Kind::Location => &["/resourceType", "/name"],
            };
            let diffs = differences(want, one, fields);
            let status = if diffs.is_empty() { Status::Ok } else { Status::Different };
            report(label, key, &id, status, diffs)
        }
        (true, many) => report(label, key, &id, Status::Different, vec![format!("{} {ty}s share {id}", many.len())]),
        (false, []) => report(label, key, &id, Status::Absent, Vec::new()),
        (false, _) => report(label, key, &id, Status::Unexpected, vec![format!("found, but it must not be held")]),
    }
}
