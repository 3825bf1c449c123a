//! Registering a new patient as a client of PDS (REC, profile §37.2): the
//! candidate traces them on the hosted PDS first, and what it registers is
//! then looked for through its own Patient search.

use serde_json::Value;

use crate::client::RequestSpec;
use crate::fhir::Views as _;
use crate::fhir::gpc::{self, Interaction};
use crate::fixtures::PdsPatient;
use crate::national::Service;
use crate::steps::consumer::{act, fail_with, inbound, national, own};
use crate::steps::world::{Failure, RfaWorld, StepResult};
use crate::steps::{Args, StepDef, step};

pub fn steps() -> Vec<StepDef> {
    vec![
        step!(Given r#"^"([^"]+)" is the first of trace(\d+) to trace(\d+) the candidate does not hold$"# => from_pool, "Picks the first of these trace-pool patients (`fixtures/national.json` and the generated `trace21` … `trace3000`) whom the candidate's Patient search does not find (evidence kept), and knows them by this label. Earlier runs registered a prefix of the range, so it probes the 1st, 2nd, 4th, 8th … and then halves (one search for a fresh candidate, about 2·log2(runs) after) and scans only if that finds nothing. Scenarios that run side by side pick from ranges of their own."),
        step!(When r#"^the candidate is asked to register "([^"]+)"$"# => register, "Asks the candidate to register this patient (a label from the pool, or a key of `fixtures/national.json`) with their family name, given name, gender and birth date."),
        step!(Given r#"^the candidate is asked to register "([^"]+)"$"# => register, "The same, as set-up for a later action."),
        step!(When r#"^the candidate is asked to register "([^"]+)" typed as "([^"]+)", "([^"]+)"$"# => register_typed, "The same, with the family and given name typed as given (another case, the start of the name), gender and birth date as PDS has them."),
        step!(When r#"^the candidate is asked to register NHS number (\d{10})$"# => register_number, "Asks the candidate to register the patient with this NHS number (the candidate retrieves them from PDS)."),
        step!(When r#"^the candidate is asked to register someone PDS does not know$"# => register_unknown, "Asks the candidate to register a person with demographics no PDS record has."),
        step!(Then r#"^the candidate traced "([^"]+)" on PDS$"# => traced, "A PDS search by the patient's family name and birth date (`birthdate=eqYYYY-MM-DD`) that PDS answered with them."),
        step!(Then r#"^"([^"]+)" is registered at the candidate( with PDS's name)?$"# => registered, "The candidate's Patient search by the patient's NHS number finds exactly one patient (evidence kept); `with PDS's name`: named exactly as PDS names them."),
        step!(Then r#"^the candidate carried out the action, or held "([^"]+)" already$"# => carried_out_or_held, "Its trigger answered 2xx (for an interactive action, the tester answered done), or 409 `DUPLICATE_REJECTED` when an earlier run registered the patient: accepted only if the candidate holds the first patient of a trace-pool range (`trace1`, `trace1001`, `trace2001`) that no scenario of this run picked, which shows it kept an earlier run's registrations (searches kept as evidence)."),
        step!(Then r#"^"([^"]+)" is not registered at the candidate$"# => not_registered, "The candidate's Patient search by the patient's NHS number finds no one (evidence kept)."),
        step!(Then r#"^"([^"]+)" is left out of the candidate's Patient search$"# => left_out, "The candidate's Patient search by the patient's NHS number finds no one (evidence kept): GP Connect leaves out sensitive patients."),
        step!(Then r#"^NHS number (\d{10}) is not registered at the candidate$"# => number_not_registered, "The candidate's Patient search by this NHS number finds no one (evidence kept)."),
    ]
}

/// A national patient by label or key.
fn patient(w: &RfaWorld, label: &str) -> Result<&'static PdsPatient, Failure> {
    let key = w.consumer.patients.get(label).map(String::as_str).unwrap_or(label);
    national()?.patient(key).ok_or_else(|| {
        Failure::Harness(format!(
            "\"{label}\" is neither a label picked from the trace pool nor a key of fixtures/national.json"
        ))
    })
}

/// The patients the candidate's Patient search finds for an NHS number.
async fn search(w: &mut RfaWorld, nhs: &str) -> Result<Vec<Value>, Failure> {
    let mut spec = RequestSpec::new(Interaction::SearchPatients, "Patient");
    spec.query.push(("identifier".into(), format!("{}|{nhs}", gpc::NHS_NUMBER_SYSTEM)));
    let resp = w.send_as_practice(&spec).await?;
    let body = match (resp.status, resp.json()) {
        (200, Ok(b)) => b,
        // GP Connect answers an empty Bundle; a 404 says the same thing.
        (404, _) => return Ok(vec![]),
        (status, _) => {
            w.response = Some(resp);
            return w.fail(format!(
                "the Patient search for NHS number {nhs} should answer 200 with a Bundle, it answered {status}"
            ));
        }
    };
    let found: Vec<Value> = crate::steps::common::bundle::resources(&body, "Patient").into_iter().cloned().collect();
    // A search by identifier finds that patient or no one: a Patient under
    // another NHS number (or none) is a wrong answer, not a sign that the
    // number is held. Counted as held, it would let a candidate that
    // answers someone for every number use up the trace pool and turn the
    // pool scenarios into skips.
    if let Some(other) = found.iter().find(|p| !carries(p, nhs)) {
        let ids = other.pointer("/identifier").map(Value::to_string).unwrap_or_else(|| "no identifier".into());
        w.response = Some(resp);
        return w.fail(format!(
            "the Patient search for NHS number {nhs} should find only the patient with that NHS number, it also answered a Patient with {ids}"
        ));
    }
    Ok(found)
}

/// Whether a Patient carries this NHS number (GP Connect's system).
fn carries(p: &Value, nhs: &str) -> bool {
    p.get("identifier").and_then(Value::as_array).is_some_and(|ids| {
        ids.iter().any(|i| {
            i.get("system").and_then(Value::as_str) == Some(gpc::NHS_NUMBER_SYSTEM)
                && i.get("value").and_then(Value::as_str) == Some(nhs)
        })
    })
}

async fn from_pool(w: &mut RfaWorld, a: &Args) -> StepResult {
    own(w).await?;
    let (from, to): (usize, usize) = (a.get(2).parse().unwrap_or(1), a.get(3).parse().unwrap_or(0));
    let range: Vec<&PdsPatient> = national()?
        .trace_pool()
        .filter(|p| p.key[5..].parse::<usize>().is_ok_and(|n| (from..=to).contains(&n)))
        .collect();
    // Runs register in pool order, so what a long-lived candidate holds is
    // a prefix of the range: probing 0, 1, 3, 7, … and then halving finds
    // its end in one search for a fresh candidate and ~2·log2(runs) after,
    // not one per earlier run. Every pick is confirmed by its own search;
    // if the prefix does not hold (test data partly reset), a scan decides.
    let (mut lo, mut hi) = (0, range.len());
    let (mut probe, mut gap) = (0, 1);
    while probe < range.len() {
        if search(w, &range[probe].nhs_number).await?.is_empty() {
            hi = probe;
            break;
        }
        lo = probe + 1;
        probe += gap;
        gap *= 2;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if search(w, &range[mid].nhs_number).await?.is_empty() {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let mut pick = range.get(hi).copied();
    if pick.is_none() {
        for p in &range {
            if search(w, &p.nhs_number).await?.is_empty() {
                pick = Some(p);
                break;
            }
        }
    }
    match pick {
        Some(p) => {
            // Known to the run before the candidate is asked, so a later
            // check never takes this run's registration for an earlier run's.
            if let Ok(mut picked) = w.ctx()?.consumer.picked.lock() {
                picked.insert(p.key.clone());
            }
            w.consumer.patients.insert(a.get(1).to_string(), p.key.clone());
            Ok(())
        }
        None => {
            // Before blaming a full pool, make sure the search tells held
            // from not held: patients no run ever registers (PDS twins and
            // the deceased) must not be found. A candidate that finds them
            // finds everyone, which is a wrong answer, never a skip.
            for key in ["traceTwinB", "traceDeceased"] {
                let Some(never) = national()?.patient(key) else { continue };
                if !search(w, &never.nhs_number).await?.is_empty() {
                    return fail_with(
                        w,
                        format!(
                            "the candidate's Patient search should find only patients it holds; it finds every one of trace{from} to trace{to} and also NHS number {} ({key}), whom no run asks it to register",
                            never.nhs_number
                        ),
                    );
                }
            }
            Err(Failure::Skip(format!(
                "trace{from} to trace{to} of the national trace pool are all registered at the candidate already: reset its test data"
            )))
        }
    }
}

async fn carried_out_or_held(w: &mut RfaWorld, a: &Args) -> StepResult {
    let p = patient(w, a.get(1))?;
    let Some(r) = &w.consumer.answer else {
        return match w.consumer.tester_refused {
            Some(false) => Ok(()),
            Some(true) => fail_with(w, "the candidate should carry out the action; the tester reported it would not"),
            None => Err(Failure::Harness("no action was asked of the candidate before this check".into())),
        };
    };
    let status = r.status;
    if (200..300).contains(&status) {
        return Ok(());
    }
    let body = r.json().unwrap_or_default();
    let code = body.as_outcome().first_code().unwrap_or_default().to_string();
    if status != 409 || code != "DUPLICATE_REJECTED" {
        let why = body.as_outcome().first_diagnostics().unwrap_or(&code).to_string();
        return w.fail(format!(
            "the candidate should carry out the action (answer 2xx), or say it holds {} already (409 DUPLICATE_REJECTED); it answered {status}: {why}",
            a.get(1)
        ));
    }
    // "Held already" is only possible after an earlier run. Each run
    // registers the first free patient of each pool range, so a first
    // patient held that no scenario of this run picked shows one.
    let answer = w.consumer.answer.clone();
    let picked = w.ctx()?.consumer.picked.lock().map(|s| s.clone()).unwrap_or_default();
    for key in ["trace1", "trace1001", "trace2001"] {
        let Some(first) = national()?.patient(key) else { continue };
        if !picked.contains(key) && !search(w, &first.nhs_number).await?.is_empty() {
            return Ok(());
        }
    }
    w.response = answer;
    fail_with(
        w,
        format!(
            "the candidate answered 409 DUPLICATE_REJECTED for {} (NHS number {}), but it keeps no earlier run's registrations: it holds none of trace1, trace1001, trace2001 other than this run's, so it should have registered them (2xx)",
            a.get(1),
            p.nhs_number
        ),
    )
}

fn demographics(p: &PdsPatient, family: &str, given: &str) -> Vec<(String, String)> {
    vec![
        ("family".into(), family.into()),
        ("given".into(), given.into()),
        ("gender".into(), p.gender.clone()),
        ("birthDate".into(), p.birth_date.clone()),
    ]
}

async fn register(w: &mut RfaWorld, a: &Args) -> StepResult {
    let p = patient(w, a.get(1))?;
    act(w, "register-patient", demographics(p, &p.family, &p.given)).await
}

async fn register_typed(w: &mut RfaWorld, a: &Args) -> StepResult {
    let p = patient(w, a.get(1))?;
    act(w, "register-patient", demographics(p, a.get(2), a.get(3))).await
}

async fn register_number(w: &mut RfaWorld, a: &Args) -> StepResult {
    act(w, "register-patient", vec![("nhsNumber".into(), a.get(1).into())]).await
}

async fn register_unknown(w: &mut RfaWorld, _: &Args) -> StepResult {
    let params = [("family", "Nobody"), ("given", "Nemo"), ("gender", "unknown"), ("birthDate", "1901-01-01")];
    act(w, "register-patient", params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()).await
}

async fn traced(w: &mut RfaWorld, a: &Args) -> StepResult {
    let p = patient(w, a.get(1))?;
    let found = inbound(w, Service::Pds).into_iter().any(|x| {
        let Ok(url) = reqwest::Url::parse(&x.request.url) else { return false };
        let q = |k: &str| url.query_pairs().find(|(n, _)| n == k).map(|(_, v)| v.into_owned()).unwrap_or_default();
        let birth = q("birthdate");
        url.path().ends_with("/Patient")
            && q("family").eq_ignore_ascii_case(&p.family)
            && birth.strip_prefix("eq").unwrap_or(&birth) == p.birth_date
            && crate::steps::consumer::answer_json(x).to_string().contains(&p.nhs_number)
    });
    if !found {
        return fail_with(
            w,
            format!(
                "the candidate should trace {} {} (born {}) on PDS with a search by family name and birth date before registering them",
                p.given, p.family, p.birth_date
            ),
        );
    }
    Ok(())
}

async fn registered(w: &mut RfaWorld, a: &Args) -> StepResult {
    let p = patient(w, a.get(1))?;
    let found = search(w, &p.nhs_number).await?;
    let [one] = &found[..] else {
        return fail_with(
            w,
            format!(
                "the candidate should hold exactly one patient with NHS number {} (PDS's), its Patient search finds {}",
                p.nhs_number,
                found.len()
            ),
        );
    };
    if !a.get(2).is_empty() {
        let family = one.pointer("/name/0/family").and_then(Value::as_str).unwrap_or_default();
        let given = one.pointer("/name/0/given/0").and_then(Value::as_str).unwrap_or_default();
        if family != p.family || given != p.given {
            return fail_with(
                w,
                format!(
                    "the registered patient should be named as PDS names them ({} {}), the candidate holds `{given} {family}`",
                    p.given, p.family
                ),
            );
        }
    }
    Ok(())
}

async fn not_registered(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = patient(w, a.get(1))?.nhs_number.clone();
    absent(w, &nhs).await
}

async fn number_not_registered(w: &mut RfaWorld, a: &Args) -> StepResult {
    absent(w, a.get(1)).await
}

async fn left_out(w: &mut RfaWorld, a: &Args) -> StepResult {
    let nhs = patient(w, a.get(1))?.nhs_number.clone();
    if !search(w, &nhs).await?.is_empty() {
        return fail_with(
            w,
            format!(
                "the candidate's Patient search should leave out NHS number {nhs}: PDS restricts this patient, so the candidate holds them as sensitive; it finds them"
            ),
        );
    }
    Ok(())
}

async fn absent(w: &mut RfaWorld, nhs: &str) -> StepResult {
    let found = search(w, nhs).await?;
    if !found.is_empty() {
        return fail_with(
            w,
            format!("the candidate should not have registered NHS number {nhs}; its Patient search finds it"),
        );
    }
    Ok(())
}
