//! A cucumber writer that turns the event stream into per-scenario records.
//! Events of concurrent scenarios interleave, so each scenario is keyed by
//! its feature file and line, never by arrival order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::{Event, Writer, gherkin, parser};

use crate::catalogue::ScenarioKey;
use crate::evidence::bundle::Recorder;
use crate::steps::{Failure, RfaWorld};

/// How one scenario ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScenarioOutcome {
    Passed,
    Failed,
    /// The harness could not judge: no response (transport) or a pack error.
    Error,
    Skipped,
}

impl ScenarioOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Error => "error",
            Self::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    Passed,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepRecord {
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub status: StepStatus,
    /// From the step's start to its end, as the runner stamped them; none for
    /// a step that never ran (skipped), and none in results written before
    /// steps were timed, so reports omit a time rather than invent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FailureRecord {
    /// `Then the response status is 400` (keyword and text).
    pub step: String,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct ScenarioRecord {
    pub outcome: ScenarioOutcome,
    pub duration_ms: f64,
    pub steps: Vec<StepRecord>,
    pub failure: Option<FailureRecord>,
}

/// Something a progress display may want to know.
pub enum Progress<'a> {
    ScenarioFinished { key: &'a ScenarioKey, name: &'a str, outcome: ScenarioOutcome },
}

/// Called as each scenario finishes.
pub type ProgressFn = Box<dyn FnMut(Progress<'_>)>;

pub struct Collector {
    pub records: HashMap<ScenarioKey, ScenarioRecord>,
    pub parse_errors: Vec<String>,
    /// When each scenario started, by its event's stamp (as its steps are
    /// timed): the writer may see events later than they happen.
    started: HashMap<ScenarioKey, SystemTime>,
    /// When the running step of each scenario started (a scenario runs one
    /// step at a time, so one stamp per scenario is enough).
    step_started: HashMap<ScenarioKey, SystemTime>,
    progress: Option<ProgressFn>,
    recorder: Arc<Mutex<Recorder>>,
}

impl Collector {
    pub fn new(progress: Option<ProgressFn>, recorder: Arc<Mutex<Recorder>>) -> Self {
        Self {
            records: HashMap::new(),
            parse_errors: Vec::new(),
            started: HashMap::new(),
            step_started: HashMap::new(),
            progress,
            recorder,
        }
    }

    /// The records; drops this collector's share of the recorder.
    pub fn into_records(self) -> HashMap<ScenarioKey, ScenarioRecord> {
        self.records
    }

    fn on_scenario(
        &mut self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
        ev: Scenario<RfaWorld>,
        at: SystemTime,
    ) {
        let key = key_of(feature, scenario);
        match ev {
            Scenario::Started => {
                self.started.insert(key.clone(), at);
                self.records.insert(
                    key,
                    ScenarioRecord {
                        outcome: ScenarioOutcome::Passed,
                        duration_ms: 0.0,
                        steps: Vec::new(),
                        failure: None,
                    },
                );
            }
            Scenario::Hook(_, event::Hook::Failed(_, info)) => {
                let rec = self.record(&key);
                rec.outcome = ScenarioOutcome::Error;
                rec.failure = Some(FailureRecord {
                    step: "(hook)".into(),
                    line: scenario.position.line,
                    message: panic_text(&info),
                });
            }
            Scenario::Background(step, ev) | Scenario::Step(step, ev) => self.on_step(&key, &step, ev, at),
            Scenario::Finished => {
                self.step_started.remove(&key);
                let elapsed = self
                    .started
                    .remove(&key)
                    .and_then(|t| at.duration_since(t).ok())
                    .map(|d| d.as_secs_f64() * 1000.0)
                    .unwrap_or_default();
                let rec = self.record(&key);
                rec.duration_ms = elapsed;
                let outcome = rec.outcome;
                let failure = rec.failure.as_ref().map(|f| f.message.clone());
                if let Ok(mut r) = self.recorder.lock() {
                    r.scenario_done(&key, outcome.as_str(), elapsed, failure.as_deref());
                }
                if let Some(p) = self.progress.as_mut() {
                    p(Progress::ScenarioFinished { key: &key, name: &scenario.name, outcome });
                }
            }
            Scenario::Hook(..) | Scenario::Log(_) => {}
        }
    }

    fn record(&mut self, key: &ScenarioKey) -> &mut ScenarioRecord {
        self.records.entry(key.clone()).or_insert_with(|| ScenarioRecord {
            outcome: ScenarioOutcome::Passed,
            duration_ms: 0.0,
            steps: Vec::new(),
            failure: None,
        })
    }

    fn on_step(&mut self, key: &ScenarioKey, step: &gherkin::Step, ev: Step<RfaWorld>, at: SystemTime) {
        if let Step::Started = ev {
            self.step_started.insert(key.clone(), at);
            return;
        }
        // A skipped step never started; the wall clock may step backwards
        // (then the time is unknown, not negative).
        let started = self.step_started.remove(key);
        let duration_ms = match ev {
            Step::Skipped => None,
            _ => started.and_then(|t| at.duration_since(t).ok()).map(|d| d.as_secs_f64() * 1000.0),
        };
        let rec = self.record(key);
        let status = match ev {
            Step::Started => return,
            Step::Passed(..) => StepStatus::Passed,
            Step::Skipped => {
                // Every step has a definition (the catalogue checks), so a
                // skip means a step after a failure — or a pack bug.
                if rec.failure.is_none() {
                    rec.outcome = ScenarioOutcome::Skipped;
                }
                StepStatus::Skipped
            }
            Step::Failed(_, _, _, err) => {
                let (outcome, message) = classify(&err);
                rec.outcome = outcome;
                rec.failure = Some(FailureRecord {
                    step: format!("{} {}", step.keyword.trim(), step.value),
                    line: step.position.line,
                    message,
                });
                StepStatus::Failed
            }
        };
        rec.steps.push(StepRecord {
            keyword: step.keyword.trim().to_string(),
            text: step.value.clone(),
            line: step.position.line,
            status,
            duration_ms,
        });
    }
}

pub fn key_of(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> ScenarioKey {
    ScenarioKey { file: file_of(feature), line: scenario.position.line }
}

/// The feature's path relative to the pack root (the catalogue sets it).
pub fn file_of(feature: &gherkin::Feature) -> String {
    feature.path.as_ref().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default()
}

fn classify(err: &StepError) -> (ScenarioOutcome, String) {
    match err {
        StepError::Panic(info) => match info.downcast_ref::<Failure>() {
            Some(Failure::Assert(m)) => (ScenarioOutcome::Failed, m.clone()),
            Some(Failure::Transport(m)) => (ScenarioOutcome::Error, m.clone()),
            Some(Failure::Harness(m)) => (ScenarioOutcome::Error, format!("harness: {m}")),
            Some(Failure::Skip(m)) => (ScenarioOutcome::Skipped, format!("skipped: {m}")),
            None => (ScenarioOutcome::Error, format!("harness bug (please report): {}", panic_text(info))),
        },
        StepError::NotFound => (ScenarioOutcome::Error, "no step definition matches this step".into()),
        StepError::AmbiguousMatch(e) => (ScenarioOutcome::Error, format!("ambiguous step: {e}")),
    }
}

fn panic_text(info: &event::Info) -> String {
    if let Some(f) = info.downcast_ref::<Failure>() {
        return f.message().to_string();
    }
    info.downcast_ref::<String>()
        .cloned()
        .or_else(|| info.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "a step panicked".into())
}

impl Writer<RfaWorld> for Collector {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(&mut self, event: parser::Result<Event<Cucumber<RfaWorld>>>, _: &Self::Cli) {
        let (ev, at) = match event {
            Ok(ev) => {
                let at = ev.at;
                (ev.into_inner(), at)
            }
            Err(e) => {
                self.parse_errors.push(e.to_string());
                return;
            }
        };
        if let Cucumber::Feature(feature, ev) = ev {
            match ev {
                Feature::Scenario(s, ev) | Feature::Rule(_, Rule::Scenario(s, ev)) => {
                    self.on_scenario(&feature, &s, ev.event, at);
                }
                Feature::Started | Feature::Finished | Feature::Rule(..) => {}
            }
        }
    }
}
