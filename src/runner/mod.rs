//! Runs the selected requirements of a catalogue against one candidate with
//! cucumber, and hands back what happened to every scenario and the
//! exchanges behind it. Judging is the next stage's job (`verdict`).

pub mod collect;
pub mod world;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::gherkin::{self, tagexpr::TagOperation};
use cucumber::tag::Ext as _;
use futures::future::LocalBoxFuture;

use crate::catalogue::{Catalogue, Requirement, ScenarioKey};
use crate::client::Client;
use crate::config::CandidateConfig;
use crate::evidence::Exchange;
use crate::schemas::Schemas;
use crate::steps::StepTable;
pub use collect::{Progress, ProgressFn, ScenarioOutcome, ScenarioRecord};
use world::{RfaWorld, RunContext};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("`{expr}` is not a tag expression: {message} (example: --tags '@lot1 and not @RFA-ACC-001')")]
    BadTags { expr: String, message: String },
    #[error("the HTTP client could not be set up: {0}")]
    Client(String),
    #[error("{0}")]
    Schemas(#[from] crate::schemas::SchemaError),
}

/// A parsed `--tags` expression, kept with its source text for reports.
#[derive(Debug, Clone)]
pub struct TagFilter {
    pub source: String,
    op: TagOperation,
}

impl TagFilter {
    pub fn parse(expr: &str) -> Result<Self, RunError> {
        let op = expr
            .parse::<TagOperation>()
            .map_err(|e| RunError::BadTags { expr: expr.to_string(), message: e.to_string() })?;
        Ok(Self { source: expr.to_string(), op })
    }

    pub fn matches(&self, tags: &[String]) -> bool {
        self.op.eval(tags.iter())
    }
}

/// Which requirements run. Selection works on whole requirements: a
/// requirement's verdict needs all of its scenarios, so it runs whole or not
/// at all. `@manual` requirements never run (an assessor attests them).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub tags: Option<TagFilter>,
}

impl Selection {
    pub fn selects(&self, r: &Requirement) -> bool {
        !r.manual && self.tags.as_ref().is_none_or(|t| t.matches(&r.tags))
    }
}

pub struct RunPlan<'a> {
    pub catalogue: &'a Catalogue,
    pub candidate: Arc<CandidateConfig>,
    pub selection: Selection,
    /// Scenarios in flight at once (`@serial` ones run alone).
    pub concurrency: usize,
}

/// What happened, scenario by scenario.
#[derive(Debug)]
pub struct RunOutput {
    pub started: time::OffsetDateTime,
    pub finished: time::OffsetDateTime,
    pub duration: Duration,
    pub records: HashMap<ScenarioKey, ScenarioRecord>,
    pub evidence: HashMap<ScenarioKey, Vec<Exchange>>,
    /// IDs of the requirements that ran.
    pub selected: BTreeSet<String>,
}

/// Cucumber swaps the process-wide panic hook while it runs and restores it
/// afterwards; two runs overlapping in one process would restore each
/// other's hooks in the wrong order. Runs in one process therefore take
/// turns (the kill matrix runs many in one test binary).
static RUN_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Feeds already-parsed (and validated) features to cucumber.
struct PackParser(Vec<gherkin::Feature>);

impl cucumber::Parser<()> for PackParser {
    type Cli = cucumber::cli::Empty;
    type Output = futures::stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, _: (), _: Self::Cli) -> Self::Output {
        futures::stream::iter(self.0.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

impl cucumber::writer::Normalized for collect::Collector {}

/// Runs the plan. `progress` sees each scenario as it finishes.
pub async fn execute(plan: RunPlan<'_>, progress: Option<ProgressFn>) -> Result<RunOutput, RunError> {
    let selected: BTreeSet<String> =
        plan.catalogue.requirements.iter().filter(|r| plan.selection.selects(r)).map(|r| r.id.clone()).collect();
    let keys: HashSet<ScenarioKey> = plan
        .catalogue
        .requirements
        .iter()
        .filter(|r| selected.contains(&r.id))
        .flat_map(|r| r.scenarios.iter().map(|s| s.key.clone()))
        .collect();
    let features = select_features(&plan.catalogue.features, &keys);

    let client = Client::new(plan.candidate.clone()).map_err(|e| RunError::Client(e.to_string()))?;
    let ctx = Arc::new(RunContext { client, schemas: Arc::new(Schemas::embedded()?) });
    let sink: Arc<Mutex<HashMap<ScenarioKey, Vec<Exchange>>>> = Arc::default();

    let _turn = RUN_LOCK.lock().await;
    let started = time::OffsetDateTime::now_utc();
    let clock = Instant::now();
    let after_sink = sink.clone();
    let collector = cucumber::Cucumber::<_, _, (), _, _, cucumber::cli::Empty>::custom(
        PackParser(features),
        cucumber::runner::Basic::<RfaWorld>::default(),
        collect::Collector::new(progress),
    )
    .steps(StepTable::new().into_collection())
    .max_concurrent_scenarios(plan.concurrency.max(1))
    .before(move |_, _, _, world: &mut RfaWorld| -> LocalBoxFuture<'_, ()> {
        world.ctx = Some(ctx.clone());
        Box::pin(async {})
    })
    .after(move |feature, _, scenario, _, world: Option<&mut RfaWorld>| -> LocalBoxFuture<'_, ()> {
        if let Some(w) = world {
            let key = collect::key_of(feature, scenario);
            if let Ok(mut map) = after_sink.lock() {
                map.insert(key, std::mem::take(&mut w.exchanges));
            }
        }
        Box::pin(async {})
    })
    .with_default_cli()
    .run(())
    .await;
    let duration = clock.elapsed();
    let finished = time::OffsetDateTime::now_utc();
    drop(_turn);

    let evidence = match Arc::try_unwrap(sink) {
        Ok(m) => m.into_inner().unwrap_or_default(),
        Err(shared) => shared.lock().map(|m| m.clone()).unwrap_or_default(),
    };
    Ok(RunOutput { started, finished, duration, records: collector.records, evidence, selected })
}

/// The features with only the selected scenarios left in them.
fn select_features(features: &[gherkin::Feature], keys: &HashSet<ScenarioKey>) -> Vec<gherkin::Feature> {
    features
        .iter()
        .filter_map(|f| {
            let mut f = f.clone();
            let file = collect::file_of(&f);
            for rule in &mut f.rules {
                rule.scenarios.retain(|s| keys.contains(&ScenarioKey { file: file.clone(), line: s.position.line }));
            }
            f.rules.retain(|r| !r.scenarios.is_empty());
            f.scenarios.clear();
            (!f.rules.is_empty()).then_some(f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_expressions_use_cucumber_syntax() {
        let tags: Vec<String> = ["RFA-ACC-001", "lot1", "must"].iter().map(|s| s.to_string()).collect();
        assert!(TagFilter::parse("@lot1").expect("parses").matches(&tags));
        assert!(TagFilter::parse("@lot1 and not @RFA-ACC-001").is_ok_and(|t| !t.matches(&tags)));
        assert!(TagFilter::parse("@should or @RFA-ACC-001").is_ok_and(|t| t.matches(&tags)));
        assert!(TagFilter::parse("@lot1 and (").is_err());
    }
}
