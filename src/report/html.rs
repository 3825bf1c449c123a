//! `report.html`: one self-contained page (no network) for the people who
//! have to find out why a requirement failed — overview by lot and area,
//! filters, and a drill-down to each scenario's steps, failure and the
//! redacted exchanges behind it.
//!
//! The page embeds a view of the results shaped for it (not results.json
//! whole), and by default only the exchanges of scenarios that failed or
//! errored: every exchange of a passing run of the whole pack made a page of
//! tens of megabytes that browsers open slowly. The other scenarios name
//! their records in evidence.ndjson instead; a page opened from `file://`
//! cannot reliably read a sibling file, so the page says where, not fetches.
//! The page itself (markup, style, script) is in `html/`.

use std::collections::HashMap;

use serde::Serialize;

use crate::attest::Attested;
use crate::catalogue::{RequirementHead, ScenarioKey};
use crate::evidence::Exchange;
use crate::evidence::bundle::EVIDENCE_FILE;
use crate::model::{CandidateRef, PackRef, ResultsDoc, RunRecord};
use crate::runner::ScenarioOutcome;
use crate::runner::collect::{FailureRecord, StepStatus};
use crate::verdict::{LotVerdict, Outcome, ScenarioResult};

/// Which scenarios' exchanges report.html embeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ReportEvidence {
    /// Those of failed and errored scenarios, where they help find out why
    /// (a page of about 1 MB for the whole pack).
    #[default]
    Failed,
    /// Every scenario's, for a page that must stand alone (tens of MB for
    /// the whole pack).
    All,
}

impl ReportEvidence {
    fn embeds(self, outcome: ScenarioOutcome) -> bool {
        match self {
            Self::All => true,
            Self::Failed => matches!(outcome, ScenarioOutcome::Failed | ScenarioOutcome::Error),
        }
    }
}

/// What the page's script reads (`data` in app.js).
#[derive(Serialize)]
struct Page<'a> {
    candidate: &'a CandidateRef,
    pack: &'a PackRef,
    mode: &'a str,
    run: &'a RunRecord,
    lots: &'a [LotVerdict],
    requirements: Vec<Requirement<'a>>,
    /// The file the evidence ids name.
    evidence_file: &'static str,
    embedded: ReportEvidence,
}

#[derive(Serialize)]
struct Requirement<'a> {
    #[serde(flatten)]
    head: &'a RequirementHead,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attestation: Option<&'a Attested>,
    scenarios: Vec<Scenario<'a>>,
}

#[derive(Serialize)]
struct Scenario<'a> {
    name: &'a str,
    file: &'a str,
    line: usize,
    outcome: ScenarioOutcome,
    duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<&'a FailureRecord>,
    steps: Vec<Step<'a>>,
    /// Its records in evidence.ndjson, in the order they were sent.
    evidence: Vec<&'a str>,
    /// The exchanges themselves, when embedded, each body cut to its head.
    #[serde(skip_serializing_if = "Option::is_none")]
    exchanges: Option<Vec<Exchange>>,
}

/// The exchange as the page embeds it; `id` is its evidence record.
/// A body is embedded up to its first 64 KiB: a candidate can answer every
/// request with a body just under the response cap, and a failing run
/// against it must not make a page of gigabytes. A run's exchanges come cut
/// already; a merge's come whole from the shards' evidence.
fn embedded(x: &Exchange, id: Option<&str>) -> Exchange {
    let mut x = x.clone();
    x.keep_heads(id);
    x
}

/// A step as the page shows it (the line and time stay in results.json).
#[derive(Serialize)]
struct Step<'a> {
    keyword: &'a str,
    text: &'a str,
    status: &'a StepStatus,
}

fn scenario<'a>(
    s: &'a ScenarioResult,
    evidence: &'a HashMap<ScenarioKey, Vec<Exchange>>,
    embed: ReportEvidence,
) -> Scenario<'a> {
    let exchanges = embed
        .embeds(s.outcome)
        .then(|| evidence.get(&ScenarioKey { file: s.file.clone(), line: s.line }))
        .flatten()
        .map(|xs| {
            // The scenario's evidence ids are in the order its exchanges were sent.
            let ids = s.exchanges.iter().map(|x| x.id.as_deref());
            xs.iter().zip(ids.chain(std::iter::repeat(None))).map(|(x, id)| embedded(x, id)).collect()
        });
    Scenario {
        name: &s.name,
        file: &s.file,
        line: s.line,
        outcome: s.outcome,
        duration_ms: s.duration_ms,
        failure: s.failure.as_ref(),
        steps: s.steps.iter().map(|st| Step { keyword: &st.keyword, text: &st.text, status: &st.status }).collect(),
        evidence: s.exchanges.iter().filter_map(|x| x.id.as_deref()).collect(),
        exchanges,
    }
}

pub fn render(
    results: &ResultsDoc<'_>,
    evidence: &HashMap<ScenarioKey, Vec<Exchange>>,
    embed: ReportEvidence,
) -> Vec<u8> {
    let page = Page {
        candidate: &results.candidate,
        pack: &results.pack,
        mode: results.mode,
        run: &results.run,
        lots: results.lots,
        requirements: results
            .requirements
            .iter()
            .map(|r| Requirement {
                head: &r.head,
                outcome: r.outcome,
                reason: r.reason.as_deref(),
                attestation: r.attestation.as_ref(),
                scenarios: r.scenarios.iter().map(|s| scenario(s, evidence, embed)).collect(),
            })
            .collect(),
        evidence_file: EVIDENCE_FILE,
        embedded: embed,
    };
    // Inside a <script> element no `<` may survive (`</script>` in a body).
    let json = serde_json::to_string(&page).unwrap_or_else(|_| "null".into()).replace('<', "\\u003c");
    // The data goes in last, so nothing in it is taken for a placeholder.
    PAGE.replacen("/*CSS*/", STYLE, 1).replacen("/*JS*/", SCRIPT, 1).replacen("/*DATA*/null", &json, 1).into_bytes()
}

const PAGE: &str = include_str!("html/page.html");
const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/app.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_embedded_body_is_its_head_and_says_where_the_rest_is() {
        let big = "x".repeat(crate::evidence::KEPT_BODY_HEAD + 10);
        let mut x: Exchange = serde_json::from_value(serde_json::json!({
            "started": "t", "duration_ms": 1.0,
            "request": {"method": "GET", "url": "http://a/", "headers": []},
            "response": {"status": 200, "headers": [], "body": big}
        }))
        .expect("an exchange");
        x = embedded(&x, Some("x000042"));
        let text = x.response.and_then(|r| r.body.body).expect("text");
        assert!(text.ends_with("… 10 more bytes: the whole body is in evidence.ndjson record x000042"), "{text:.80}");
    }
}
