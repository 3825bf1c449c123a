//! Cucumber JSON (the format cucumber-js and most CI dashboards read): one
//! element per executed scenario, with its requirement's tags and each
//! step's status, error and (when it ran) its duration in nanoseconds.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::catalogue::Catalogue;
use crate::runner::collect::{FailureRecord, StepRecord, StepStatus};
use crate::verdict::Verdict;

fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

pub fn render(catalogue: &Catalogue, v: &Verdict) -> Vec<u8> {
    let names: BTreeMap<String, String> =
        catalogue.features.iter().map(|f| (crate::runner::collect::file_of(f), f.name.clone())).collect();
    render_with(&names, v)
}

/// A step's result. `duration` is nanoseconds (what cucumber-js writes and
/// dashboards read), the step's own time as the runner stamped it; a step
/// without one (skipped, or from results written before steps were timed)
/// has none rather than an invented share of its scenario's time.
fn step_result(st: &StepRecord, failure: Option<&FailureRecord>) -> Value {
    let status = match st.status {
        StepStatus::Passed => "passed",
        StepStatus::Failed => "failed",
        StepStatus::Skipped => "skipped",
    };
    let mut result = json!({ "status": status });
    if let (StepStatus::Failed, Some(f)) = (&st.status, failure) {
        result["error_message"] = json!(f.message);
    }
    if let Some(ms) = st.duration_ms.filter(|ms| ms.is_finite() && *ms >= 0.0) {
        result["duration"] = json!((ms * 1e6).round() as u64);
    }
    result
}

/// `names`: feature file (relative to the pack) → feature name.
fn render_with(names: &BTreeMap<String, String>, v: &Verdict) -> Vec<u8> {
    // A feature's id is its name's slug, as cucumber-js makes it; a second
    // feature of the same name adds its file's, so ids stay unique.
    let mut feature_ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut taken = std::collections::BTreeSet::new();
    for (file, name) in names {
        let mut id = slug(name);
        if !taken.insert(id.clone()) {
            id = format!("{id}-{}", slug(file));
            taken.insert(id.clone());
        }
        feature_ids.insert(file, id);
    }
    let mut by_file: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for r in &v.requirements {
        for s in &r.scenarios {
            let steps: Vec<Value> = s
                .steps
                .iter()
                .map(|st| {
                    json!({
                        "keyword": format!("{} ", st.keyword),
                        "name": st.text,
                        "line": st.line,
                        "result": step_result(st, s.failure.as_ref()),
                    })
                })
                .collect();
            let feature = feature_ids.get(s.file.as_str()).cloned().unwrap_or_else(|| slug(&s.file));
            by_file.entry(&s.file).or_default().push(json!({
                // Scenario names repeat (outline rows, the same check in two
                // rules); the line is the scenario's own in its file, so the
                // id is unique and stays put while the pack does.
                "id": format!("{feature};{};{}", slug(&s.name), s.line),
                "keyword": "Scenario",
                "type": "scenario",
                "name": s.name,
                "description": "",
                "line": s.line,
                "tags": r.tags.iter().map(|t| json!({ "name": format!("@{t}"), "line": s.line })).collect::<Vec<_>>(),
                "steps": steps,
            }));
        }
    }
    let features: Vec<Value> = by_file
        .into_iter()
        .map(|(file, elements)| {
            let name = names.get(file).cloned().unwrap_or_default();
            json!({
                "uri": format!("features/{file}"),
                "id": feature_ids.get(file).cloned().unwrap_or_else(|| slug(file)),
                "keyword": "Feature",
                "name": name,
                "description": "",
                "line": 1,
                "elements": elements,
            })
        })
        .collect();
    serde_json::to_vec_pretty(&features).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Level, RequirementHead};
    use crate::runner::ScenarioOutcome;
    use crate::verdict::{Outcome, RequirementResult, ScenarioResult};

    fn step(line: usize, status: StepStatus, duration_ms: Option<f64>) -> StepRecord {
        StepRecord { keyword: "Given".into(), text: format!("step {line}"), line, status, duration_ms }
    }

    fn scenario(name: &str, line: usize, duration_ms: f64, steps: Vec<StepRecord>) -> ScenarioResult {
        ScenarioResult {
            name: name.into(),
            file: "ACC/http.feature".into(),
            line,
            outcome: ScenarioOutcome::Passed,
            duration_ms,
            failure: None,
            steps,
            exchanges: Vec::new(),
        }
    }

    fn verdict(scenarios: Vec<ScenarioResult>) -> Verdict {
        let head = RequirementHead {
            id: "RFA-ACC-001".into(),
            title: "t".into(),
            area: "ACC".into(),
            lot: "lot1".into(),
            level: Level::Must,
            manual: false,
            tags: vec!["RFA-ACC-001".into()],
        };
        Verdict::from_requirements(vec![RequirementResult {
            head,
            outcome: Outcome::Passed,
            reason: None,
            scenarios,
            attestation: None,
        }])
    }

    fn rendered(v: &Verdict) -> Vec<Value> {
        let names = BTreeMap::from([("ACC/http.feature".to_string(), "HTTP conventions".to_string())]);
        let features: Vec<Value> = serde_json::from_slice(&render_with(&names, v)).expect("JSON");
        features.iter().flat_map(|f| f["elements"].as_array().cloned().unwrap_or_default()).collect()
    }

    #[test]
    fn same_named_scenarios_have_unique_stable_ids() {
        // Outline rows share their outline's name; so can two rules' checks.
        let v = verdict(vec![
            scenario("A patient read", 10, 1.0, Vec::new()),
            scenario("A patient read", 11, 1.0, Vec::new()),
            scenario("A patient read", 30, 1.0, Vec::new()),
        ]);
        let ids: Vec<String> = rendered(&v).iter().map(|e| e["id"].as_str().unwrap_or_default().to_string()).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 3, "{ids:?}");
        assert_eq!(ids[0], "http-conventions;a-patient-read;10");
        assert_eq!(ids, rendered(&v).iter().map(|e| e["id"].as_str().unwrap_or_default()).collect::<Vec<_>>());
    }

    #[test]
    fn step_durations_are_the_steps_own_in_nanoseconds_and_absent_when_unknown() {
        let v = verdict(vec![scenario(
            "s",
            5,
            40.0,
            vec![
                step(6, StepStatus::Passed, Some(12.5)),
                step(7, StepStatus::Failed, Some(3.0)),
                step(8, StepStatus::Skipped, None),
            ],
        )]);
        let e = &rendered(&v)[0];
        let durations: Vec<Option<u64>> =
            e["steps"].as_array().expect("steps").iter().map(|s| s["result"]["duration"].as_u64()).collect();
        // Not the scenario's 40 ms split three ways.
        assert_eq!(durations, vec![Some(12_500_000), Some(3_000_000), None]);
        let sum: u64 = durations.iter().flatten().sum();
        assert!(sum as f64 <= 40.0 * 1e6, "a scenario's steps take no longer than the scenario");
    }
}
