//! Cucumber JSON (the format cucumber-js and most CI dashboards read): one
//! element per executed scenario, with its requirement's tags and each
//! step's status, duration and error.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::catalogue::Catalogue;
use crate::runner::collect::StepStatus;
use crate::verdict::Verdict;

fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

pub fn render(catalogue: &Catalogue, v: &Verdict) -> Vec<u8> {
    let names: BTreeMap<String, String> =
        catalogue.features.iter().map(|f| (crate::runner::collect::file_of(f), f.name.clone())).collect();
    let mut by_file: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for r in &v.requirements {
        for s in &r.scenarios {
            let steps: Vec<Value> = s
                .steps
                .iter()
                .map(|st| {
                    let status = match st.status {
                        StepStatus::Passed => "passed",
                        StepStatus::Failed => "failed",
                        StepStatus::Skipped => "skipped",
                    };
                    let mut result = json!({ "status": status });
                    if let (StepStatus::Failed, Some(f)) = (&st.status, &s.failure) {
                        result["error_message"] = json!(f.message);
                    }
                    json!({ "keyword": format!("{} ", st.keyword), "name": st.text, "line": st.line, "result": result })
                })
                .collect();
            // Split the scenario's time over its steps so dashboards show it.
            let mut steps = steps;
            let per_step = if steps.is_empty() { 0.0 } else { s.duration_ms * 1e6 / steps.len() as f64 };
            for st in &mut steps {
                st["result"]["duration"] = json!(per_step as u64);
            }
            let feature = names.get(&s.file).cloned().unwrap_or_default();
            by_file.entry(&s.file).or_default().push(json!({
                "id": format!("{};{}", slug(&feature), slug(&s.name)),
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
                "id": slug(&name),
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
