//! The kill matrix: the conformant reference passes every requirement, and
//! each named defect fails exactly the requirements it declares — no more,
//! no fewer. Only `failed` counts as a kill: a defect that makes a target
//! `error` or `skipped` has not shown the requirement judges it. And the
//! proof holds per scenario: every scenario must be failed, in one of its
//! `Then` steps (a check, not a setup step), by at least one defect, or a
//! scenario that can never fail would hide behind a sibling that can.
//!
//! Runs in-process against the real reference on loopback. Each defect runs
//! against the requirements that can see it (`Reach`), which the clean run
//! learns; `KILL_MATRIX_FULL=1` runs each against the whole pack.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rfa_harness::catalogue::{Catalogue, Route};
use rfa_harness::fhir::gpc::Interaction;
use rfa_harness::fixtures::FixturePack;
use rfa_harness::reference::{self, DefectSet, defects};
use rfa_harness::runner::collect::StepStatus;
use rfa_harness::runner::load_catalogue;
use rfa_harness::runner::{self, RunPlan, ScenarioOutcome};
use rfa_harness::verdict::{self, Outcome, ScenarioResult};

/// Scenarios no defect fails in a check step yet. The list may only shrink:
/// a new scenario must come with a defect that kills it, and an entry that
/// is killed now (or gone) is reported for removal.
const UNKILLED: &str = include_str!("kill_matrix/unkilled.txt");

/// A class target: every requirement with a scenario that judges an
/// OperationOutcome's form (every refusal step ends in the same check), for
/// defects that get one part of every OperationOutcome wrong.
const EVERY_REFUSAL: &str = "@every-refusal";

/// One run: each requirement's outcome, and the scenarios failed in a check.
struct Run {
    outcomes: BTreeMap<String, Outcome>,
    killed: BTreeSet<String>,
    /// Only kept for the clean run: every scenario's key and its steps' text.
    scenarios: Vec<(String, String, Vec<String>)>,
    /// Only for the clean run: which requirements can see each defect.
    reach: Option<Reach>,
    /// Only for the clean run: the route each requirement's requests took.
    routes: BTreeMap<String, Route>,
}

/// `RFA-ID | file | name`, with ` [n]` for the n-th scenario of that name
/// under one requirement (an outline may repeat one).
fn keys(req: &str, scenarios: &[ScenarioResult]) -> Vec<String> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    scenarios
        .iter()
        .map(|s| {
            let n = seen.entry(s.name.as_str()).or_default();
            *n += 1;
            let base = format!("{req} | {} | {}", s.file, s.name);
            if *n == 1 { base } else { format!("{base} [{n}]") }
        })
        .collect()
}

/// Whether the scenario failed, and at a `Then` step (`And`/`But` take the
/// keyword before them).
fn failed_in_check(s: &ScenarioResult) -> bool {
    if s.outcome != ScenarioOutcome::Failed {
        return false;
    }
    let mut kind = "Given";
    for step in &s.steps {
        if !matches!(step.keyword.trim(), "And" | "But" | "*") {
            kind = step.keyword.trim();
        }
        if step.status == StepStatus::Failed {
            return kind == "Then";
        }
    }
    false
}

/// One pack run against the reference with `defects`, over the
/// requirements `only` names (all, when `None`). A requirement left out
/// keeps the clean run's outcome, which `merge` puts back.
async fn run(cat: &Catalogue, fixtures: &FixturePack, defects: DefectSet, only: Option<BTreeSet<String>>) -> Run {
    let consulted = defects.consulted().cloned();
    // Routes are read off the clean run, the only one that runs every
    // requirement as the reference means it.
    let clean = defects.is_empty() && only.is_none();
    let r = reference::start(([127, 0, 0, 1], 0).into(), defects, fixtures).await.expect("bind loopback");
    let mut config = r.candidate_config(fixtures);
    // The matrix judges verdicts, not speed: with several runs side by side
    // on two cores, a debug build's widest answers (a slot search a defect
    // widens) came near the 10 s default, and a requirement that times out
    // errors instead of passing or failing (seen as collateral on
    // 2026-12-07).
    config.timeout = std::time::Duration::from_secs(60);
    let mut plan = RunPlan::live(cat, Arc::new(config)).expect("plan");
    plan.selection.only = only;
    plan.trust_nhs_login = Some(r.nhs_login_hook());
    let out = runner::execute(plan, None).await.expect("run");
    let tls_port = r.tls.addr.port();
    r.stop().await;
    let v = verdict::judge(cat, &out, None, &Default::default());
    let mut run = Run {
        outcomes: BTreeMap::new(),
        killed: BTreeSet::new(),
        scenarios: Vec::new(),
        reach: consulted.map(|c| Reach::of(cat, &out, &c, tls_port)),
        routes: if clean { routes_taken(cat, &out) } else { BTreeMap::new() },
    };
    // @manual requirements never run: an assessor attests them.
    for req in v.requirements.iter().filter(|r| !r.manual && out.selected.contains(&r.id)) {
        run.outcomes.insert(req.id.clone(), req.outcome);
        for (key, s) in keys(&req.id, &req.scenarios).into_iter().zip(&req.scenarios) {
            if failed_in_check(s) {
                run.killed.insert(key.clone());
            }
            run.scenarios.push((req.id.clone(), key, s.steps.iter().map(|st| st.text.clone()).collect()));
        }
    }
    run
}

/// The route each requirement's requests took: an extension interaction
/// (the trigger aside) makes it `extension`; the trigger with nothing else
/// of the extension, `readback`; otherwise `national`. A read-back must
/// also show something national: a GP Connect request, or the candidate's
/// own call to a hosted national service. A requirement with no exchange
/// (a transport check not set up here) takes no route.
fn routes_taken(cat: &Catalogue, out: &runner::RunOutput) -> BTreeMap<String, Route> {
    #[derive(Default)]
    struct Seen {
        extension: bool,
        trigger: bool,
        national: bool,
    }
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    for (scenario, exchanges) in &out.evidence {
        let Some(id) = cat.requirement_of(scenario).map(|r| r.id.clone()) else { continue };
        let s = seen.entry(id).or_default();
        for x in exchanges.iter() {
            match x.request.header("Ssp-InteractionID").and_then(Interaction::from_id) {
                _ if x.inbound => s.national = true,
                Some(Interaction::Trigger) => s.trigger = true,
                Some(i) if i.is_extension() => s.extension = true,
                _ => s.national = true,
            }
        }
    }
    seen.into_iter()
        .map(|(id, s)| {
            let route = match s {
                Seen { extension: true, .. } => Route::Extension,
                Seen { trigger: true, national: true, .. } => Route::Readback,
                Seen { trigger: true, .. } => Route::Extension,
                _ => Route::National,
            };
            (id, route)
        })
        .collect()
}

/// Which requirements can see each defect, learnt from the clean run: a
/// requirement can only be judged differently with a defect on if one of
/// its requests made the reference ask whether that defect is on (every
/// defect is a `DefectSet::has` branch). So a defect is run against those
/// requirements and its targets, not the whole pack, the way mutation
/// testing runs a mutant only against the tests that reach it. A defect the
/// reference asks about outside any request it can attribute (start-up, a
/// task of its own, a request in no scenario's evidence) takes the whole
/// pack. `KILL_MATRIX_FULL=1` runs every defect against the whole pack.
struct Reach {
    by_defect: BTreeMap<&'static str, BTreeSet<String>>,
    whole_pack: BTreeSet<&'static str>,
}

impl Reach {
    fn of(cat: &Catalogue, out: &runner::RunOutput, consulted: &reference::Consulted, tls_port: u16) -> Self {
        let mut requests: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (scenario, exchanges) in &out.evidence {
            let Some(id) = cat.requirement_of(scenario).map(|r| &r.id) else { continue };
            for x in exchanges.iter().filter(|x| !x.inbound) {
                let url = reqwest::Url::parse(&x.request.url).ok();
                let path = url.as_ref().map_or_else(
                    || x.request.url.clone(),
                    |u| format!("{}{}", u.path(), u.query().map(|q| format!("?{q}")).unwrap_or_default()),
                );
                let key = reference::request_key(&x.request.method, &path, x.request.header("Ssp-TraceID"));
                requests.entry(key).or_default().insert(id.clone());
                if url.and_then(|u| u.port()) == Some(tls_port) || x.request.tls.is_some() {
                    requests.entry(reference::TLS_SETUP.to_string()).or_default().insert(id.clone());
                }
            }
        }
        let (by_request, outside) = consulted.take();
        let mut reach = Reach { by_defect: BTreeMap::new(), whole_pack: outside };
        for (key, names) in by_request {
            match requests.get(&key) {
                Some(ids) => {
                    names.iter().for_each(|n| reach.by_defect.entry(n).or_default().extend(ids.iter().cloned()))
                }
                None => reach.whole_pack.extend(names),
            }
        }
        reach
    }

    /// The requirements to run `d` against (`None`: all), its expected
    /// failures among them.
    fn of_defect(&self, d: defects::Defect, want: &BTreeSet<String>) -> Option<BTreeSet<String>> {
        if std::env::var_os("KILL_MATRIX_FULL").is_some() || self.whole_pack.contains(d.name()) || sampled(d) {
            return None;
        }
        let mut ids = self.by_defect.get(d.name()).cloned().unwrap_or_default();
        ids.extend(want.iter().cloned());
        Some(ids)
    }
}

/// Whether `d` is one of the day's few defects that run against the whole
/// pack anyway, so that every run also checks the reach on a sample and,
/// turn by turn, every defect is checked in full (one in `SAMPLE_EVERY` a
/// day: all of them in about half a year).
fn sampled(d: defects::Defect) -> bool {
    const SAMPLE_EVERY: usize = 173;
    let day = usize::try_from(rfa_harness::support::clock::today().to_julian_day()).unwrap_or_default();
    defects::ALL.iter().position(|x| *x == d).is_some_and(|i| (i + day) % SAMPLE_EVERY == 0)
}

/// Whether a step judges an OperationOutcome's whole form.
fn judges_outcome(step: &str) -> bool {
    [
        "the request is refused with",
        "the response is a valid GP Connect OperationOutcome",
        "the prescription is stopped by",
        "exactly one of the two",
    ]
    .iter()
    .any(|p| step.starts_with(p))
}

/// A defect's expected failures: its requirement ids, class targets
/// expanded, and `-RFA-…` entries taken out of a class.
fn expected(targets: &[&str], every_refusal: &BTreeSet<String>) -> BTreeSet<String> {
    let mut want = BTreeSet::new();
    for t in targets {
        match *t {
            EVERY_REFUSAL => want.extend(every_refusal.iter().cloned()),
            t if t.starts_with('-') => {}
            t => {
                want.insert(t.to_string());
            }
        }
    }
    for t in targets.iter().filter_map(|t| t.strip_prefix('-')) {
        want.remove(t);
    }
    want
}

/// The conformant reference passes every requirement. Also the oracle of
/// the mutation run (`docs/mutation.md`): a mutant of the reference that
/// this still passes changed nothing the pack judges.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_passes_every_requirement() {
    let cat = load_catalogue(None).expect("built-in pack");
    let fixtures = FixturePack::embedded().expect("fixtures");
    clean_run(&cat, &fixtures, DefectSet::none()).await;
}

/// The run without defects, which must pass every requirement.
async fn clean_run(cat: &Catalogue, fixtures: &FixturePack, none: DefectSet) -> Run {
    let clean = run(cat, fixtures, none, None).await;
    let mislabelled: Vec<String> = cat
        .requirements
        .iter()
        .filter_map(|r| {
            let (said, took) = (r.route()?, clean.routes.get(&r.id)?);
            (said != *took)
                .then(|| format!("{} is tagged @{} but its requests took the {took} route", r.id, said.tag()))
        })
        .collect();
    assert!(clean.routes.len() > 300, "the clean run should show the route of nearly every requirement");
    assert!(mislabelled.is_empty(), "route tags that do not match the run:\n{}", mislabelled.join("\n"));
    let not_passing: Vec<_> = clean.outcomes.iter().filter(|(_, o)| **o != Outcome::Passed).collect();
    assert!(
        not_passing.is_empty(),
        "the conformant reference must pass every requirement; these did not: {not_passing:?}"
    );
    clean
}

/// Runs each defect's run on its own thread and runtime, a few at a time
/// (`KILL_MATRIX_JOBS`, default one more than the cores: a run waits on
/// loopback part of the time), and hands back the runs in `jobs` order.
fn run_each(cat: &Catalogue, fixtures: &FixturePack, jobs: &[(defects::Defect, Option<BTreeSet<String>>)]) -> Vec<Run> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads = std::env::var("KILL_MATRIX_JOBS").ok().and_then(|j| j.parse().ok()).unwrap_or(cores + 1).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done: std::sync::Mutex<Vec<Option<Run>>> = std::sync::Mutex::new(jobs.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(jobs.len()) {
            scope.spawn(|| {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("a runtime");
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((d, only)) = jobs.get(i) else { break };
                    let got = rt.block_on(run(cat, fixtures, [*d].into_iter().collect(), only.clone()));
                    done.lock().expect("no run panicked")[i] = Some(got);
                }
            });
        }
    });
    done.into_inner().expect("no run panicked").into_iter().map(|r| r.expect("every defect ran")).collect()
}

#[test]
fn each_defect_kills_exactly_its_targets_and_every_scenario_is_killed() {
    let cat = load_catalogue(None).expect("built-in pack");
    let fixtures = FixturePack::embedded().expect("fixtures");
    let clock = std::time::Instant::now();

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let consulted = Arc::new(reference::Consulted::default());
    let mut clean = rt.block_on(clean_run(&cat, &fixtures, DefectSet::none().consulting(consulted)));
    drop(rt);
    let reach = clean.reach.take().expect("the clean run notes what it consults");
    let every_refusal: BTreeSet<String> = clean
        .scenarios
        .iter()
        .filter(|(_, _, steps)| steps.iter().any(|s| judges_outcome(s)))
        .map(|(id, _, _)| id.clone())
        .collect();

    let mut problems = Vec::new();
    let mut killed = BTreeSet::new();
    let jobs: Vec<_> =
        defects::ALL.iter().map(|d| (*d, reach.of_defect(*d, &expected(d.targets(), &every_refusal)))).collect();
    if let Ok(path) = std::env::var("KILL_MATRIX_REACH") {
        let text: String = jobs
            .iter()
            .map(|(d, only)| match only {
                None => format!("{d}\twhole pack\n"),
                Some(ids) => format!("{d}\t{}\t{}\n", ids.len(), ids.iter().cloned().collect::<Vec<_>>().join(" ")),
            })
            .collect();
        std::fs::write(&path, text).expect("write the reach table");
    }
    let whole = jobs.iter().filter(|(_, only)| only.is_none()).count();
    let requirements: usize =
        jobs.iter().map(|(_, only)| only.as_ref().map_or(clean.outcomes.len(), BTreeSet::len)).sum();
    let runs = run_each(&cat, &fixtures, &jobs);
    eprintln!(
        "kill matrix: {} defect runs ({whole} against the whole pack; {requirements} requirement runs, {:.0} per defect, of {}) and the clean run in {:.1} s",
        runs.len(),
        requirements as f64 / runs.len().max(1) as f64,
        clean.outcomes.len(),
        clock.elapsed().as_secs_f64()
    );
    for ((d, _), mut got) in jobs.iter().zip(runs) {
        let want = expected(d.targets(), &every_refusal);
        // Requirements a defect's run left out keep the clean run's outcome.
        for (id, o) in &clean.outcomes {
            got.outcomes.entry(id.clone()).or_insert(*o);
        }
        let failed: BTreeSet<&String> =
            got.outcomes.iter().filter(|(_, o)| **o == Outcome::Failed).map(|(id, _)| id).collect();
        let missed: Vec<String> = want
            .iter()
            .filter(|t| !failed.contains(t))
            .map(|t| match got.outcomes.get(t) {
                Some(o) if *o != Outcome::Passed => format!("{t} ({}, not failed)", o.as_str()),
                _ => t.clone(),
            })
            .collect();
        let extra: Vec<String> = got
            .outcomes
            .iter()
            .filter(|(id, o)| **o != Outcome::Passed && !want.contains(*id))
            .map(|(id, o)| format!("{id} ({})", o.as_str()))
            .collect();
        if !missed.is_empty() || !extra.is_empty() {
            problems.push(format!("{d}: targets not killed {missed:?}, collateral {extra:?}"));
        }
        killed.extend(got.killed);
    }

    let all: BTreeSet<&String> = clean.scenarios.iter().map(|(_, k, _)| k).collect();
    let unkilled: BTreeSet<&String> = all.iter().copied().filter(|k| !killed.contains(*k)).collect();
    let listed: BTreeSet<String> =
        UNKILLED.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect();
    let new_unkilled: Vec<_> = unkilled.iter().filter(|k| !listed.contains(**k)).collect();
    let stale: Vec<_> = listed.iter().filter(|k| !unkilled.contains(k)).collect();
    if let Ok(path) = std::env::var("KILL_MATRIX_UNKILLED") {
        let text: String = unkilled.iter().map(|k| format!("{k}\n")).collect();
        std::fs::write(&path, text).expect("write the unkilled list");
    }
    eprintln!(
        "kill matrix: {} scenarios, {} failed in a check by some defect, {} not yet",
        all.len(),
        all.len() - unkilled.len(),
        unkilled.len()
    );
    if !new_unkilled.is_empty() {
        problems.push(format!(
            "{} scenarios no defect fails in a Then step (add a defect that does):\n    {}",
            new_unkilled.len(),
            new_unkilled.iter().map(|k| k.as_str()).collect::<Vec<_>>().join("\n    ")
        ));
    }
    // Entries killed now (or gone) are reported, not failed: the list is a
    // ratchet, and shrinking it is the next commit's job, not a reason to
    // refuse this one.
    if !stale.is_empty() {
        eprintln!(
            "tests/kill_matrix/unkilled.txt lists {} scenarios that are killed now or gone; remove them:\n    {}",
            stale.len(),
            stale.iter().map(|k| k.as_str()).collect::<Vec<_>>().join("\n    ")
        );
    }
    assert!(problems.is_empty(), "kill matrix mismatches:\n  {}", problems.join("\n  "));
}

#[test]
fn every_requirement_is_killed_by_some_defect_and_every_target_exists() {
    let cat = load_catalogue(None).expect("built-in pack");
    let ids: BTreeSet<&str> = cat.requirements.iter().map(|r| r.id.as_str()).collect();
    let named = |t: &&str| t.starts_with("RFA-");
    let targeted: BTreeSet<&str> =
        defects::ALL.iter().flat_map(|d| d.targets().iter().copied()).filter(named).collect();
    let untested: Vec<_> =
        cat.requirements.iter().filter(|r| !r.manual && !targeted.contains(r.id.as_str())).map(|r| &r.id).collect();
    assert!(untested.is_empty(), "requirements no defect can fail (untested): {untested:?}");
    let unknown: Vec<_> = targeted.difference(&ids).collect();
    assert!(unknown.is_empty(), "defects target requirements the pack does not have: {unknown:?}");
    let excluded: BTreeSet<&str> =
        defects::ALL.iter().flat_map(|d| d.targets().iter().filter_map(|t| t.strip_prefix('-'))).collect();
    let unknown: Vec<_> = excluded.difference(&ids).collect();
    assert!(unknown.is_empty(), "defects exclude requirements the pack does not have: {unknown:?}");
    let classes: BTreeSet<&str> =
        defects::ALL.iter().flat_map(|d| d.targets().iter().copied()).filter(|t| t.starts_with('@')).collect();
    assert!(classes.iter().all(|c| *c == EVERY_REFUSAL), "unknown class targets: {classes:?}");
}
