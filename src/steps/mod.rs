//! Step definitions: the Gherkin vocabulary of the pack. Each step is thin —
//! it parses its arguments, calls the client or a check, and fails with a
//! message that says what the requirement expects and what the candidate did.
//! `docs/steps.md` lists them for pack authors.

pub mod common;
pub mod hosted;
pub mod world;

// One module per requirement area; `consumer` is the candidate as a client
// of the national services, which several areas judge.
mod acc;
mod com;
mod consumer;
mod dev;
mod dsp;
mod eps;
mod fin;
mod inf;
mod knw;
mod onl;
mod rec;
// Read-backs after refused writes, across the writing areas.
mod stored;

use cucumber::gherkin::{self, StepType};
use cucumber::step::{Collection, Context};
use regex::{Regex, RegexSet};

use crate::catalogue::StepMatcher;
pub use hosted::Consumer;
pub use world::{Failure, RfaWorld, RunContext, StepResult};

/// One step definition.
pub struct StepDef {
    pub kind: StepType,
    pub pattern: &'static str,
    /// One line for `docs/steps.md`.
    pub doc: &'static str,
    pub func: cucumber::Step<RfaWorld>,
}

/// A step's captured arguments.
pub struct Args(Context);

impl Args {
    /// The `i`-th capture group (1-based), or "" if it did not participate.
    pub fn get(&self, i: usize) -> &str {
        self.0.matches.get(i).map(|(_, v)| v.as_str()).unwrap_or_default()
    }

    pub fn docstring(&self) -> Result<&str, Failure> {
        self.0
            .step
            .docstring
            .as_deref()
            .ok_or_else(|| Failure::Harness("this step needs a doc string (\"\"\" ... \"\"\") under it".into()))
    }
}

/// Hands a step's verdict to cucumber. A failure unwinds with the
/// [`Failure`] as payload; `resume_unwind` does not run the panic hook, so
/// nothing is printed, and the collector downcasts it back.
pub fn conclude(result: StepResult) {
    if let Err(failure) = result {
        std::panic::resume_unwind(Box::new(failure));
    }
}

/// Wraps `async fn(&mut RfaWorld, &Args) -> StepResult` into cucumber's
/// step function pointer type.
macro_rules! step {
    ($kind:ident $pattern:literal => $f:path, $doc:literal) => {
        $crate::steps::StepDef {
            kind: cucumber::gherkin::StepType::$kind,
            pattern: $pattern,
            doc: $doc,
            func: {
                fn adapter<'a>(
                    w: &'a mut $crate::steps::world::RfaWorld,
                    ctx: cucumber::step::Context,
                ) -> futures::future::LocalBoxFuture<'a, ()> {
                    Box::pin(async move { $crate::steps::conclude($f(w, &$crate::steps::Args::from(ctx)).await) })
                }
                adapter
            },
        }
    };
}
pub(crate) use step;

impl From<Context> for Args {
    fn from(c: Context) -> Self {
        Self(c)
    }
}

/// Every step definition.
pub fn registry() -> Vec<StepDef> {
    let mut all = common::http::steps();
    all.extend(common::format::steps());
    all.extend(stored::steps());
    for area in [
        acc::steps(),
        inf::steps(),
        rec::steps(),
        onl::steps(),
        eps::steps(),
        dsp::steps(),
        knw::steps(),
        fin::steps(),
        dev::steps(),
        com::steps(),
        consumer::steps(),
    ] {
        all.extend(area);
    }
    all
}

/// The step definitions, compiled: what the runner executes and what the
/// catalogue checks feature files against.
///
/// Cucumber matches every step it runs against every pattern of its kind
/// (about 120 regexes each, with an allocation per try), on every run; a
/// profile of a run had that at 12 % of its time, and the kill matrix runs
/// the pack hundreds of times in one process. So the table resolves each
/// distinct step text once per process, remembers the answer, and gives
/// cucumber one catch-all pattern per kind whose function looks the step up
/// and calls the definition it resolved to.
pub struct StepTable {
    /// Per kind (Given, When, Then): every pattern in one set, which tells
    /// which patterns a text matches in one pass and one compilation. Each
    /// pattern compiled alone allocates (and the kernel zeroes) a UTF-8
    /// automaton map of its own: a quarter of `rfa catalogue`'s profile.
    sets: [RegexSet; 3],
    /// Per kind: the definitions, in the set's order.
    defs: [Vec<Def>; 3],
    resolved: std::sync::Mutex<std::collections::HashMap<(usize, String), Resolved>>,
}

/// A definition; its own regex (for the captures) is compiled the first
/// time a step resolves to it.
struct Def {
    pattern: &'static str,
    re: std::sync::OnceLock<Option<Regex>>,
    func: cucumber::Step<RfaWorld>,
}

/// What a step text resolved to.
#[derive(Clone)]
enum Resolved {
    One(cucumber::Step<RfaWorld>, std::sync::Arc<Vec<(Option<String>, String)>>),
    Nothing,
    Several(Vec<String>),
}

fn kind_index(kind: StepType) -> usize {
    match kind {
        StepType::Given => 0,
        StepType::When => 1,
        StepType::Then => 2,
    }
}

impl StepTable {
    pub fn new() -> Self {
        let mut defs: [Vec<Def>; 3] = Default::default();
        for def in registry() {
            defs[kind_index(def.kind)].push(Def { pattern: def.pattern, re: Default::default(), func: def.func });
        }
        // Patterns are literals in this module; a bad one is caught by the
        // `every_pattern_compiles` test, never by users (here it would make
        // every step of its kind match nothing, which the catalogue names).
        let set = |d: &[Def]| RegexSet::new(d.iter().map(|d| d.pattern)).unwrap_or_else(|_| RegexSet::empty());
        let sets = [set(&defs[0]), set(&defs[1]), set(&defs[2])];
        Self { sets, defs, resolved: Default::default() }
    }

    /// The definitions (by index) whose patterns match the step.
    fn hits(&self, step: &gherkin::Step) -> Vec<usize> {
        self.sets[kind_index(step.ty)].matches(&step.value).into_iter().collect()
    }

    /// The definition `step` runs and its captures (the whole match first),
    /// matched once per distinct text.
    fn resolve(&self, step: &gherkin::Step) -> Resolved {
        let key = (kind_index(step.ty), step.value.clone());
        let mut seen = self.resolved.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = seen.get(&key) {
            return r.clone();
        }
        let defs = &self.defs[key.0];
        let r = match self.hits(step).as_slice() {
            [] => Resolved::Nothing,
            [i] => {
                let def = &defs[*i];
                let re = def.re.get_or_init(|| Regex::new(def.pattern).ok());
                let matches = re
                    .as_ref()
                    .and_then(|re| {
                        re.captures(&step.value).map(|c| {
                            re.capture_names()
                                .zip(c.iter())
                                .map(|(name, m)| (name.map(str::to_owned), m.map_or("", |m| m.as_str()).to_owned()))
                                .collect()
                        })
                    })
                    .unwrap_or_default();
                Resolved::One(def.func, std::sync::Arc::new(matches))
            }
            several => Resolved::Several(several.iter().map(|i| defs[*i].pattern.to_string()).collect()),
        };
        seen.insert(key, r.clone());
        r
    }

    /// What cucumber runs: one catch-all per kind, calling [`dispatch`],
    /// which resolves through [`StepTable::shared`] (cucumber's step
    /// functions are plain `fn`s and cannot carry a table of their own).
    pub fn collection() -> Collection<RfaWorld> {
        let all = || Regex::new("(?s)^.*$").unwrap_or_else(|_| unreachable!("a fixed pattern"));
        Collection::new().given(None, all(), dispatch).when(None, all(), dispatch).then(None, all(), dispatch)
    }

    /// The table compiled once per process (its regexes are the cost) and
    /// shared by every run in it.
    pub fn shared() -> &'static StepTable {
        static TABLE: std::sync::OnceLock<StepTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(StepTable::new)
    }
}

/// Runs the definition a step resolves to in the shared table. The
/// catalogue refuses a pack with a step that resolves to none or several, so
/// those two answers here only guard a pack that skipped the check.
fn dispatch<'a>(w: &'a mut RfaWorld, ctx: Context) -> futures::future::LocalBoxFuture<'a, ()> {
    match StepTable::shared().resolve(&ctx.step) {
        Resolved::One(func, matches) => func(w, Context { step: ctx.step, matches: matches.as_ref().clone() }),
        other => {
            let why = match other {
                Resolved::Several(p) => format!("more than one step definition matches: {}", p.join(", ")),
                _ => "no step definition matches".to_string(),
            };
            Box::pin(async move { conclude(Err(Failure::Harness(why))) })
        }
    }
}

impl Default for StepTable {
    fn default() -> Self {
        Self::new()
    }
}

impl StepMatcher for StepTable {
    /// Needs only the sets: no pattern is compiled alone to check a pack.
    fn check(&self, step: &gherkin::Step) -> Result<(), String> {
        match self.hits(step).as_slice() {
            [_] => Ok(()),
            [] => Err(format!(
                "no {} step definition matches (docs/steps.md lists them; `And`/`But` take the kind of the step before)",
                match step.ty {
                    StepType::Given => "Given",
                    StepType::When => "When",
                    StepType::Then => "Then",
                }
            )),
            several => {
                let p: Vec<&str> = several.iter().map(|i| self.defs[kind_index(step.ty)][*i].pattern).collect();
                Err(format!("more than one step definition matches: {}", p.join(", ")))
            }
        }
    }
}

/// `docs/steps.md`, generated from the registry so it cannot drift.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Step definitions\n\nThe vocabulary feature files are written in, generated from the step registry\n\
         (`src/steps/`); the catalogue refuses any step that matches none or more than one\n\
         of these. Patterns are regular expressions over the step text (without its\n\
         keyword); `And`/`But` take the kind of the step before them.\n\
         Regenerate with `UPDATE_DOCS=1 cargo test --lib steps`.\n",
    );
    for (kind, title) in [
        (StepType::Given, "Given: building a request"),
        (StepType::When, "When: sending it"),
        (StepType::Then, "Then: judging the response"),
    ] {
        out.push_str(&format!("\n## {title}\n\n| pattern | meaning |\n|---|---|\n"));
        for def in registry().into_iter().filter(|d| d.kind == kind) {
            out.push_str(&format!("| `{}` | {} |\n", def.pattern.replace('|', "\\|"), def.doc));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_steps_md_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/steps.md");
        let want = reference_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).expect("write docs/steps.md");
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(have == want, "docs/steps.md is stale: run `UPDATE_DOCS=1 cargo test --lib steps`");
    }

    #[test]
    fn every_pattern_compiles_and_is_anchored() {
        for def in registry() {
            assert!(Regex::new(def.pattern).is_ok(), "{}", def.pattern);
            assert!(def.pattern.starts_with('^') && def.pattern.ends_with('$'), "unanchored: {}", def.pattern);
        }
    }

    #[test]
    fn patterns_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for def in registry() {
            assert!(seen.insert((format!("{:?}", def.kind), def.pattern)), "duplicate: {}", def.pattern);
        }
    }
}
