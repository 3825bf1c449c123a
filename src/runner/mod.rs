//! Runs the selected requirements of a catalogue against one candidate with
//! cucumber, and hands back what happened to every scenario and the
//! exchanges behind it. Judging is the next stage's job (`verdict`).

pub mod collect;
mod overlap;

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
use crate::evidence::bundle::{BundleSummary, Recorder};
use crate::steps::{Consumer, RfaWorld, RunContext, StepTable};
use crate::support::schemas::Schemas;
pub use collect::{Progress, ProgressFn, ScenarioOutcome, ScenarioRecord};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("`{expr}` is not a tag expression: {message} (example: --tags '@lot1 and not @RFA-ACC-001')")]
    BadTags { expr: String, message: String },
    #[error("the HTTP client could not be set up: {0}")]
    Client(String),
    #[error(transparent)]
    Schemas(#[from] crate::support::schemas::SchemaError),
    #[error("evidence could not be written: {0}")]
    Evidence(String),
    #[error("the national services for [consumer] could not start on {listen}: {cause}")]
    National { listen: std::net::SocketAddr, cause: String },
}

/// The feature pack (built in when `dir` is `None`), loaded and checked
/// against the step definitions this runner executes.
pub fn load_catalogue(dir: Option<&std::path::Path>) -> Result<Catalogue, crate::catalogue::PackError> {
    let files = match dir {
        Some(d) => crate::catalogue::PackFiles::from_dir(d)?,
        None => crate::catalogue::PackFiles::embedded()?,
    };
    Catalogue::load_with(&files, StepTable::shared)
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
    /// Only these requirement IDs (re-judging runs what the dossier ran).
    pub only: Option<BTreeSet<String>>,
}

impl Selection {
    pub fn selects(&self, r: &Requirement) -> bool {
        !r.manual
            && self.tags.as_ref().is_none_or(|t| t.matches(&r.tags))
            && self.only.as_ref().is_none_or(|ids| ids.contains(&r.id))
    }

    /// Whether it narrows the pack (formal runs must not).
    pub fn narrows(&self) -> bool {
        self.tags.is_some() || self.only.is_some()
    }
}

/// The automated requirements of shard `k` of `n` (1-based). Requirements
/// are dealt largest first (by scenario count, then ID) to the shard with the
/// fewest scenarios so far, so shards take similar time, every requirement
/// lands in exactly one shard, and the split depends only on the pack.
pub fn shard_members(catalogue: &Catalogue, k: usize, n: usize) -> BTreeSet<String> {
    let mut reqs: Vec<&Requirement> = catalogue.requirements.iter().filter(|r| !r.manual).collect();
    reqs.sort_by(|a, b| b.scenarios.len().cmp(&a.scenarios.len()).then_with(|| a.id.cmp(&b.id)));
    let mut load = vec![0usize; n.max(1)];
    let mut out = BTreeSet::new();
    for r in reqs {
        let (i, _) = load.iter().enumerate().min_by_key(|(i, l)| (**l, *i)).unwrap_or((0, &0));
        load[i] += r.scenarios.len().max(1);
        if i + 1 == k {
            out.insert(r.id.clone());
        }
    }
    out
}

pub struct RunPlan<'a> {
    pub catalogue: &'a Catalogue,
    /// Talks to the candidate (or replays a recorded run).
    pub client: Client,
    pub selection: Selection,
    /// Scenarios in flight at once (`@serial` ones run alone).
    pub concurrency: usize,
    /// Where evidence and scenario outcomes go as they happen.
    pub recorder: Recorder,
    /// The date the run takes as today (None: today, or `RFA_TODAY`);
    /// re-judging passes the recorded run's date.
    pub today: Option<time::Date>,
    /// Skip actions a tester would carry out, rather than wait for one.
    pub non_interactive: bool,
    /// Told the hosted NHS login's issuer once the national services
    /// listen: the embedded reference is configured with it this way, as a
    /// supplier configures their system by hand (profile §25).
    pub trust_nhs_login: Option<Box<dyn FnOnce(String) + Send>>,
}

impl<'a> RunPlan<'a> {
    /// A plan that talks to a live candidate and keeps evidence in memory.
    pub fn live(catalogue: &'a Catalogue, candidate: Arc<CandidateConfig>) -> Result<Self, RunError> {
        let client = Client::new(candidate).map_err(|e| RunError::Client(e.to_string()))?;
        Ok(Self {
            catalogue,
            client,
            selection: Selection::default(),
            concurrency: 256,
            recorder: Recorder::in_memory(),
            today: None,
            non_interactive: false,
            trust_nhs_login: None,
        })
    }
}

/// What happened, scenario by scenario.
#[derive(Debug)]
pub struct RunOutput {
    pub started: time::OffsetDateTime,
    /// The date the run took as today.
    pub today: time::Date,
    pub finished: time::OffsetDateTime,
    pub duration: Duration,
    pub records: HashMap<ScenarioKey, ScenarioRecord>,
    pub evidence: HashMap<ScenarioKey, Vec<Exchange>>,
    /// Evidence record ids per scenario (when a bundle was written).
    pub evidence_ids: HashMap<ScenarioKey, Vec<String>>,
    /// The bundle written, if any.
    pub bundle: Option<BundleSummary>,
    /// IDs of the requirements that ran.
    pub selected: BTreeSet<String>,
}

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

    let settings = plan.client.config().consumer.clone();
    let live = matches!(plan.client.transport(), crate::client::Transport::Live(_));
    let services = match (&settings, live) {
        (Some(s), true) => {
            let public =
                match &s.public_url {
                    Some(u) => Some(reqwest::Url::parse(u).map_err(|e| RunError::National {
                        listen: s.listen,
                        cause: format!("public_url `{u}`: {e}"),
                    })?),
                    None => None,
                };
            let data = crate::national::NationalData::embedded()
                .map_err(|e| RunError::National { listen: s.listen, cause: e.to_string() })?;
            let started = crate::national::Services::start(s.listen, public, data)
                .await
                .map_err(|e| RunError::National { listen: s.listen, cause: e.to_string() })?;
            tracing::info!(target: "rfa::national", "national services at {}", started.url());
            if let Some(tell) = plan.trust_nhs_login {
                tell(started.nhs_login_issuer());
            }
            if s.trigger == crate::config::TriggerMode::Interactive && !plan.non_interactive {
                // The tester points the candidate here before the first action.
                eprintln!(
                    "national services for the @consumer requirements: {} (PDS {0}pds/FHIR/R4, EPS {0}eps/FHIR/R4, SDS {0}sds/FHIR/R4, MESH {0}mesh); NHS login's issuer for patients: {}",
                    started.url(),
                    started.nhs_login_issuer()
                );
            }
            Some(Arc::new(started))
        }
        _ => None,
    };
    let consumer = Consumer::new(settings, services.clone(), plan.non_interactive);
    let ctx = Arc::new(RunContext { client: plan.client, schemas: Schemas::shared()?, consumer });
    let mut recorder = plan.recorder;
    recorder.name_scenarios(
        plan.catalogue
            .requirements
            .iter()
            .flat_map(|r| r.scenarios.iter().map(move |s| (s.key.clone(), (r.id.clone(), s.name.clone()))))
            .collect(),
    );
    let recorder = Arc::new(Mutex::new(recorder));

    let today = plan.today.unwrap_or_else(crate::support::clock::today);
    // Other runs in this process may overlap this one (the kill matrix runs
    // several at once); see `overlap` for what that has to keep right.
    let _turn = overlap::enter(today).await;
    let started = time::OffsetDateTime::now_utc();
    let clock = Instant::now();
    let after_recorder = recorder.clone();
    let collector = cucumber::Cucumber::<_, _, (), _, _, cucumber::cli::Empty>::custom(
        PackParser(features),
        cucumber::runner::Basic::<RfaWorld>::default(),
        collect::Collector::new(progress, recorder.clone()),
    )
    .steps(StepTable::collection())
    .max_concurrent_scenarios(plan.concurrency.max(1))
    .before(move |feature, rule, scenario, world: &mut RfaWorld| -> LocalBoxFuture<'_, ()> {
        world.ctx = Some(ctx.clone());
        world.scenario = Some(collect::key_of(feature, scenario));
        // How a tester is told which scenario a prompt is for.
        let id = rule.and_then(|r| r.tags.iter().find(|t| t.starts_with("RFA-")).cloned()).unwrap_or_default();
        world.title = format!("{id} {}", scenario.name).trim().to_string();
        Box::pin(async {})
    })
    .after(move |feature, _, scenario, _, world: Option<&mut RfaWorld>| -> LocalBoxFuture<'_, ()> {
        if let Some(w) = world {
            w.turn = None;
            let key = collect::key_of(feature, scenario);
            if let Ok(mut r) = after_recorder.lock() {
                r.exchanges_done(key, std::mem::take(&mut w.exchanges));
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
    if let Some(s) = services.and_then(|s| Arc::try_unwrap(s).ok()) {
        s.stop().await;
    }
    let records = collector.into_records();

    let mut recorder = match Arc::try_unwrap(recorder) {
        Ok(m) => m.into_inner().map_err(|_| RunError::Evidence("the evidence recorder was poisoned".into()))?,
        Err(_) => return Err(RunError::Evidence("the evidence recorder is still in use".into())),
    };
    let bundle = recorder.finish().map_err(|e| RunError::Evidence(e.to_string()))?;
    if let Some(e) = recorder.error.take() {
        return Err(RunError::Evidence(e));
    }
    Ok(RunOutput {
        started,
        today,
        finished,
        duration,
        records,
        evidence: std::mem::take(&mut recorder.exchanges),
        evidence_ids: std::mem::take(&mut recorder.ids),
        bundle,
        selected,
    })
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
    fn shards_partition_the_automated_requirements() {
        let cat = load_catalogue(None).expect("pack");
        let automated: BTreeSet<String> = cat.requirements.iter().filter(|r| !r.manual).map(|r| r.id.clone()).collect();
        for n in 1..=7 {
            let shards: Vec<BTreeSet<String>> = (1..=n).map(|k| shard_members(&cat, k, n)).collect();
            let union: BTreeSet<String> = shards.iter().flatten().cloned().collect();
            assert_eq!(union, automated, "{n} shards cover everything");
            assert_eq!(shards.iter().map(BTreeSet::len).sum::<usize>(), automated.len(), "{n} shards overlap");
            assert_eq!(shards, (1..=n).map(|k| shard_members(&cat, k, n)).collect::<Vec<_>>(), "deterministic");
        }
        let scenarios = |ids: &BTreeSet<String>| -> usize {
            cat.requirements.iter().filter(|r| ids.contains(&r.id)).map(|r| r.scenarios.len()).sum()
        };
        let sizes: Vec<usize> = (1..=4).map(|k| scenarios(&shard_members(&cat, k, 4))).collect();
        let (min, max) = (sizes.iter().min().copied().unwrap_or(0), sizes.iter().max().copied().unwrap_or(0));
        assert!(max - min <= 10, "4 shards are balanced by scenarios: {sizes:?}");
    }

    #[test]
    fn tag_expressions_use_cucumber_syntax() {
        let tags: Vec<String> = ["RFA-ACC-001", "lot1", "must"].iter().map(|s| s.to_string()).collect();
        assert!(TagFilter::parse("@lot1").expect("parses").matches(&tags));
        assert!(TagFilter::parse("@lot1 and not @RFA-ACC-001").is_ok_and(|t| !t.matches(&tags)));
        assert!(TagFilter::parse("@should or @RFA-ACC-001").is_ok_and(|t| t.matches(&tags)));
        assert!(TagFilter::parse("@lot1 and (").is_err());
    }
}
