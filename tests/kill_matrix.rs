//! The kill matrix: the conformant reference passes every requirement, and
//! each named defect fails exactly the requirements it declares — no more,
//! no fewer. Every requirement must be killed by at least one defect; a
//! requirement nothing can fail is an untested requirement.
//!
//! Runs in-process against the real reference on loopback.

use std::collections::BTreeSet;
use std::sync::Arc;

use rfa_harness::catalogue::Catalogue;
use rfa_harness::fixtures::FixturePack;
use rfa_harness::reference::{self, DefectSet, defects};
use rfa_harness::runner::load_catalogue;
use rfa_harness::runner::{self, RunPlan};
use rfa_harness::verdict::{self, Outcome};

async fn not_passing(cat: &Catalogue, fixtures: &FixturePack, defects: DefectSet) -> BTreeSet<String> {
    let r = reference::start(([127, 0, 0, 1], 0).into(), defects, fixtures).await.expect("bind loopback");
    let plan = RunPlan::live(cat, Arc::new(r.candidate_config(fixtures))).expect("plan");
    let out = runner::execute(plan, None).await.expect("run");
    r.stop().await;
    let v = verdict::judge(cat, &out, None, &Default::default());
    // @manual requirements never run: an assessor attests them.
    v.requirements.iter().filter(|r| !r.manual && r.outcome != Outcome::Passed).map(|r| r.id.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_defect_kills_exactly_its_targets() {
    let cat = load_catalogue(None).expect("built-in pack");
    let fixtures = FixturePack::embedded().expect("fixtures");

    let clean = not_passing(&cat, &fixtures, DefectSet::none()).await;
    assert!(clean.is_empty(), "the conformant reference must pass every requirement; these did not: {clean:?}");

    let mut problems = Vec::new();
    for d in defects::ALL {
        let failed = not_passing(&cat, &fixtures, [*d].into_iter().collect()).await;
        let targets: BTreeSet<String> = d.targets().iter().map(|t| t.to_string()).collect();
        if failed != targets {
            let missed: Vec<_> = targets.difference(&failed).collect();
            let extra: Vec<_> = failed.difference(&targets).collect();
            problems.push(format!("{d}: targets not killed {missed:?}, collateral failures {extra:?}"));
        }
    }
    assert!(problems.is_empty(), "kill matrix mismatches:\n  {}", problems.join("\n  "));
}

#[test]
fn every_requirement_is_killed_by_some_defect_and_every_target_exists() {
    let cat = load_catalogue(None).expect("built-in pack");
    let ids: BTreeSet<&str> = cat.requirements.iter().map(|r| r.id.as_str()).collect();
    let targeted: BTreeSet<&str> = defects::ALL.iter().flat_map(|d| d.targets().iter().copied()).collect();
    let untested: Vec<_> =
        cat.requirements.iter().filter(|r| !r.manual && !targeted.contains(r.id.as_str())).map(|r| &r.id).collect();
    assert!(untested.is_empty(), "requirements no defect can fail (untested): {untested:?}");
    let unknown: Vec<_> = targeted.difference(&ids).collect();
    assert!(unknown.is_empty(), "defects target requirements the pack does not have: {unknown:?}");
}
