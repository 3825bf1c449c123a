//! The feature pack as a list of requirements: parsed, validated and indexed.
//!
//! This is the first box of the pipeline. It knows Gherkin and the tagging
//! rules of `docs/writing-requirements.md`; it knows nothing of HTTP. The one
//! thing it needs from later stages — whether a step has a definition — it
//! asks through [`StepMatcher`], so it never depends on the step code.

pub mod pack;
pub mod tags;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use cucumber::feature::Ext as _;
use cucumber::gherkin;

pub use pack::{Manifest, PackFiles};
use tags::Tag;
pub use tags::{Level, Route};

/// A problem in a pack file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self { file: file.into(), line: None, message: message.into() }
    }

    pub fn at(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Self { file: file.into(), line: Some(line), message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A malformed pack: every problem found, not just the first.
#[derive(Debug, Clone, thiserror::Error)]
pub struct PackError {
    pub diagnostics: Vec<Diagnostic>,
}

impl PackError {
    pub fn single(d: Diagnostic) -> Self {
        Self { diagnostics: vec![d] }
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        write!(f, "the feature pack has {n} problem{}:", if n == 1 { "" } else { "s" })?;
        for d in &self.diagnostics {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

/// Whether a step has exactly one definition (`Err` says what is wrong).
pub trait StepMatcher {
    fn check(&self, step: &gherkin::Step) -> Result<(), String>;
}

impl<T: StepMatcher + ?Sized> StepMatcher for &T {
    fn check(&self, step: &gherkin::Step) -> Result<(), String> {
        (**self).check(step)
    }
}

/// Identifies one executed scenario (an outline row counts as one): the
/// feature file relative to the pack root and the scenario's line (for an
/// outline row, the line of that row in its Examples table).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct ScenarioKey {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for ScenarioKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone)]
pub struct ScenarioInfo {
    pub key: ScenarioKey,
    pub name: String,
    pub serial: bool,
}

/// What identifies and classifies a requirement; every output that talks
/// about a requirement carries these fields (flattened into its JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequirementHead {
    pub id: String,
    pub title: String,
    pub area: String,
    pub lot: String,
    pub level: Level,
    pub manual: bool,
    /// Every tag that applies, inherited ones included, without `@`.
    pub tags: Vec<String>,
}

/// The tag of a rule stricter than GP Connect (DESIGN.md, "What decides
/// the expected answer").
pub const PROFILE_DECISION_TAG: &str = "profile-decision";

impl RequirementHead {
    /// A profile decision: a rule stricter than GP Connect or NHS England.
    pub fn profile_decision(&self) -> bool {
        self.tags.iter().any(|t| t == PROFILE_DECISION_TAG)
    }

    /// How it is judged (`@route-…`); `None` for a `@manual` one, which
    /// an assessor attests.
    pub fn route(&self) -> Option<Route> {
        Route::ALL.into_iter().find(|r| self.tags.iter().any(|t| t == r.tag()))
    }

    /// Whether the requirement decides its lot: a `@must` that is not a
    /// profile decision. A profile decision is judged as `@should` whatever
    /// level it carries (the pack refuses `@must` on one; a results file
    /// read back, or another pack, could still say it).
    pub fn decides_lot(&self) -> bool {
        self.level == Level::Must && !self.profile_decision()
    }
}

/// One RFA requirement: a `Rule:` and its scenarios.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub head: RequirementHead,
    /// Feature file relative to the pack root.
    pub file: String,
    pub line: usize,
    pub scenarios: Vec<ScenarioInfo>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub digest: String,
}

/// The validated pack.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub pack: PackInfo,
    pub display_root: String,
    /// Sorted by ID.
    pub requirements: Vec<Requirement>,
    /// Parsed features with outlines expanded and `path` set to the relative
    /// path; this is what the runner executes.
    pub features: Vec<gherkin::Feature>,
    by_scenario: HashMap<ScenarioKey, usize>,
    extension_reasons: std::collections::BTreeMap<String, String>,
}

/// `r.id`, `r.level`...: a requirement is read through its head.
impl std::ops::Deref for Requirement {
    type Target = RequirementHead;
    fn deref(&self) -> &RequirementHead {
        &self.head
    }
}

impl Catalogue {
    /// Parses and validates a pack. `steps` decides whether each step of an
    /// automated requirement has a definition.
    pub fn load(files: &PackFiles, steps: &dyn StepMatcher) -> Result<Self, PackError> {
        Self::load_parsed(files, Parsed::of(files), steps)
    }

    /// [`Catalogue::load`], with the step table made while the pack is
    /// parsed (it compiles a few hundred patterns): what `rfa catalogue`
    /// and every run start with.
    pub fn load_with<S: StepMatcher + Send>(
        files: &PackFiles,
        steps: impl FnOnce() -> S + Send,
    ) -> Result<Self, PackError> {
        let (parsed, steps) = std::thread::scope(|scope| {
            let table = scope.spawn(steps);
            let parsed = Parsed::of(files);
            (parsed, table.join())
        });
        match steps {
            Ok(steps) => Self::load_parsed(files, parsed, &steps),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn load_parsed(files: &PackFiles, parsed: Parsed, steps: &dyn StepMatcher) -> Result<Self, PackError> {
        let steps = &Memo { steps, seen: Default::default() };
        let manifest = Manifest::parse(files)?;
        let mut diags = Vec::new();
        let mut features = Vec::new();
        let mut requirements: Vec<Requirement> = Vec::new();
        let mut seen: HashMap<String, (String, usize)> = HashMap::new();

        let feature_files = files.files.iter().filter(|f| f.path.ends_with(".feature"));
        for (file, parsed) in feature_files.zip(parsed.0) {
            let shown = files.shown(&file.path);
            let loaded = load_feature(file, parsed, &shown, steps, &mut seen, &mut diags);
            if let Some((feature, reqs)) = loaded {
                features.push(feature);
                requirements.extend(reqs);
            }
        }
        check_extension_reasons(files, &manifest, &requirements, &mut diags);
        if requirements.is_empty() && diags.is_empty() {
            diags.push(Diagnostic::file(
                files.display_root.clone(),
                "holds no requirements: expected <AREA>/<topic>.feature files with tagged Rules",
            ));
        }
        if !diags.is_empty() {
            return Err(PackError { diagnostics: diags });
        }
        requirements.sort_by(|a, b| a.id.cmp(&b.id));
        let by_scenario = requirements
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.scenarios.iter().map(move |s| (s.key.clone(), i)))
            .collect();
        Ok(Self {
            pack: PackInfo {
                name: manifest.name,
                version: manifest.version,
                title: manifest.title,
                digest: files.digest(),
            },
            display_root: files.display_root.clone(),
            requirements,
            features,
            by_scenario,
            extension_reasons: manifest.extension,
        })
    }

    /// Why a `@route-extension` requirement has no national route (from
    /// `pack.toml`'s `[extension]`, by feature file); `None` for others.
    pub fn extension_reason(&self, r: &Requirement) -> Option<&str> {
        (r.route() == Some(Route::Extension)).then(|| self.extension_reasons.get(&r.file).map(String::as_str))?
    }

    /// The requirement a scenario belongs to.
    pub fn requirement_of(&self, key: &ScenarioKey) -> Option<&Requirement> {
        self.by_scenario.get(key).map(|&i| &self.requirements[i])
    }

    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    pub fn scenario_count(&self) -> usize {
        self.requirements.iter().map(|r| r.scenarios.len()).sum()
    }
}

/// Every feature file with `@route-extension` requirements says why in
/// `pack.toml` (`[extension]`), and no reason is left for a file without
/// any: the catalogue shows the reason beside each such requirement.
fn check_extension_reasons(
    files: &PackFiles,
    manifest: &Manifest,
    requirements: &[Requirement],
    diags: &mut Vec<Diagnostic>,
) {
    let mut needing: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for r in requirements.iter().filter(|r| r.route() == Some(Route::Extension)) {
        needing.entry(r.file.as_str()).or_insert(r.id.as_str());
    }
    for (file, first) in &needing {
        if manifest.extension.get(*file).is_none_or(|why| why.trim().is_empty()) {
            diags.push(Diagnostic::file(
                files.shown(pack::MANIFEST),
                format!(
                    "[extension] gives no reason for {file}, whose @route-extension requirements (@{first} …) need one: say why no national interface judges them (docs/feature-pack.md)"
                ),
            ));
        }
    }
    for file in manifest.extension.keys().filter(|f| !needing.contains_key(f.as_str())) {
        diags.push(Diagnostic::file(
            files.shown(pack::MANIFEST),
            format!("[extension] names {file}, which has no @route-extension requirement: remove the entry"),
        ));
    }
}

/// Checks each distinct step text once: outline rows and Backgrounds
/// repeat the same texts across a pack's scenarios.
struct Memo<'a> {
    steps: &'a dyn StepMatcher,
    /// Per kind (Given, When, Then): each text's answer.
    seen: std::cell::RefCell<[HashMap<String, Result<(), String>>; 3]>,
}

impl StepMatcher for Memo<'_> {
    fn check(&self, step: &gherkin::Step) -> Result<(), String> {
        let kind = match step.ty {
            gherkin::StepType::Given => 0,
            gherkin::StepType::When => 1,
            gherkin::StepType::Then => 2,
        };
        if let Some(known) = self.seen.borrow()[kind].get(step.value.as_str()) {
            return known.clone();
        }
        let got = self.steps.check(step);
        self.seen.borrow_mut()[kind].insert(step.value.clone(), got.clone());
        got
    }
}

/// Each feature file of a pack parsed, in the pack's order: `None` where
/// the Gherkin parser panicked. Files are parsed side by side, a share per
/// core: parsing is most of loading a pack.
struct Parsed(Vec<Option<Result<gherkin::Feature, String>>>);

impl Parsed {
    fn of(files: &PackFiles) -> Self {
        let texts: Vec<&str> =
            files.files.iter().filter(|f| f.path.ends_with(".feature")).map(|f| f.text.as_str()).collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let share = texts.len().div_ceil(threads).max(1);
        let share_of = |chunk: &[&str]| chunk.iter().map(|t| parse(t)).collect::<Vec<_>>();
        Self(std::thread::scope(|scope| {
            let workers: Vec<_> =
                texts.chunks(share).map(|chunk| (chunk, scope.spawn(move || share_of(chunk)))).collect();
            // A worker that died took its share's results with it: that
            // share is parsed again here, in place, so each file keeps its
            // own result.
            workers.into_iter().flat_map(|(chunk, w)| w.join().unwrap_or_else(|_| share_of(chunk))).collect()
        }))
    }
}

/// The Gherkin parser is third-party code fed untrusted text; a panic in
/// it must become a diagnostic for this file, not a crash of the harness.
fn parse(text: &str) -> Option<Result<gherkin::Feature, String>> {
    std::panic::catch_unwind(|| gherkin::Feature::parse(text, gherkin::GherkinEnv::default()))
        .ok()
        .map(|r| r.map_err(|e| e.to_string()))
}

/// Checks one parsed feature file and its rules; problems go to `diags`.
fn load_feature(
    file: &pack::PackFile,
    parsed: Option<Result<gherkin::Feature, String>>,
    shown: &str,
    steps: &dyn StepMatcher,
    seen: &mut HashMap<String, (String, usize)>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(gherkin::Feature, Vec<Requirement>)> {
    let area_dir = match file.path.split('/').collect::<Vec<_>>()[..] {
        [dir, _] => Some(dir.to_string()),
        _ => {
            diags.push(Diagnostic::file(
                shown,
                "is not at <AREA>/<topic>.feature: each area's requirements live in a directory named after the area (e.g. INF/patient-search.feature)",
            ));
            None
        }
    };
    let mut feature = match parsed {
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            diags.push(parse_diagnostic(shown, &e));
            return None;
        }
        None => {
            diags.push(Diagnostic::file(
                shown,
                "the Gherkin parser failed on this file (please report it with the file)",
            ));
            return None;
        }
    };
    feature.path = Some(PathBuf::from(&file.path));
    let lines: Vec<&str> = file.text.lines().collect();
    let before = diags.len();

    for t in &feature.tags {
        if classify_at(t, shown, &lines, feature.position.line, diags) != Some(Tag::Serial) && tags::classify(t).is_ok()
        {
            diags.push(Diagnostic::at(
                shown,
                tag_line(&lines, feature.position.line, t),
                format!("`@{t}` is on the Feature: requirement tags go on each Rule"),
            ));
        }
    }
    for s in &feature.scenarios {
        diags.push(Diagnostic::at(
            shown,
            s.position.line,
            format!(
                "Scenario \"{}\" is outside a Rule: every scenario belongs to exactly one requirement, so put it under the Rule it tests",
                s.name
            ),
        ));
    }

    let mut heads = Vec::new();
    for rule in &feature.rules {
        heads.push(check_rule(rule, shown, &lines, area_dir.as_deref(), seen, diags));
    }

    let expanded = match feature.clone().expand_examples() {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::at(
                shown,
                e.pos.line,
                format!("Scenario Outline placeholder <{}> has no column in its Examples", e.name),
            ));
            return None;
        }
    };

    let mut reqs = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for (rule, head) in expanded.rules.iter().zip(heads) {
        let Some(head) = head else { continue };
        if rule.scenarios.is_empty() {
            diags.push(Diagnostic::at(
                shown,
                rule.position.line,
                format!("Rule {} has no scenarios (a misspelt `Scenario:` keyword reads as description text; an Examples table with no rows runs nothing)", head.id),
            ));
        }
        let mut scenarios = Vec::new();
        for s in &rule.scenarios {
            if !head.manual {
                let background = expanded.background.iter().chain(rule.background.iter()).flat_map(|b| &b.steps);
                for step in background.chain(&s.steps) {
                    if let Err(why) = steps.check(step)
                        && reported.insert((step.position.line, step.value.clone()))
                    {
                        diags.push(Diagnostic::at(
                            shown,
                            step.position.line,
                            format!("step \"{} {}\": {why}", step.keyword.trim(), step.value),
                        ));
                    }
                }
            }
            scenarios.push(ScenarioInfo {
                key: ScenarioKey { file: file.path.clone(), line: s.position.line },
                name: s.name.clone(),
                serial: head.serial || s.tags.iter().any(|t| t == "serial"),
            });
        }
        reqs.push(Requirement {
            head: RequirementHead {
                id: head.id,
                title: rule.name.trim().to_string(),
                area: head.area,
                lot: head.lot,
                level: head.level,
                manual: head.manual,
                tags: expanded.tags.iter().chain(&rule.tags).cloned().collect(),
            },
            file: file.path.clone(),
            line: rule.position.line,
            scenarios,
        });
    }
    if diags.len() > before {
        return None;
    }
    Some((expanded, reqs))
}

/// What a Rule's tags say, once they say it correctly.
struct RuleHead {
    id: String,
    area: String,
    lot: String,
    level: Level,
    manual: bool,
    serial: bool,
}

fn check_rule(
    rule: &gherkin::Rule,
    shown: &str,
    lines: &[&str],
    area_dir: Option<&str>,
    seen: &mut HashMap<String, (String, usize)>,
    diags: &mut Vec<Diagnostic>,
) -> Option<RuleHead> {
    let line = rule.position.line;
    let (mut ids, mut lots, mut levels, mut routes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut manual, mut serial, mut decision) = (false, false, false);
    for t in &rule.tags {
        match classify_at(t, shown, lines, line, diags) {
            Some(Tag::Requirement { id, area }) => ids.push((id, area)),
            Some(Tag::Lot(l)) => lots.push(l),
            Some(Tag::Level(l)) => levels.push(l),
            Some(Tag::Manual) => manual = true,
            Some(Tag::Serial) => serial = true,
            Some(Tag::ProfileDecision) => decision = true,
            Some(Tag::Route(r)) => routes.push(r),
            Some(Tag::Consumer) | None => {}
        }
    }
    for s in &rule.scenarios {
        let tagged = s
            .tags
            .iter()
            .map(|t| (t, s.position.line))
            .chain(s.examples.iter().flat_map(|e| e.tags.iter().map(move |t| (t, e.position.line))));
        for (t, at) in tagged {
            match classify_at(t, shown, lines, at, diags) {
                Some(Tag::Serial) | None => {}
                Some(_) => diags.push(Diagnostic::at(
                    shown,
                    tag_line(lines, at, t),
                    format!(
                        "`@{t}` is on a scenario: requirement tags belong on the Rule; scenarios may only carry @serial"
                    ),
                )),
            }
        }
    }
    let name = rule.name.trim();
    let (id, area) = match &ids[..] {
        [one] => one.clone(),
        [] => {
            diags.push(Diagnostic::at(
                shown,
                line,
                format!(
                    "Rule \"{name}\" has no requirement ID tag: tag it like `@RFA-INF-001 @lot1 @must @route-national`"
                ),
            ));
            return None;
        }
        many => {
            let list: Vec<_> = many.iter().map(|(i, _)| format!("@{i}")).collect();
            diags.push(Diagnostic::at(
                shown,
                line,
                format!(
                    "Rule \"{name}\" has several requirement IDs ({}): one Rule is one requirement",
                    list.join(", ")
                ),
            ));
            return None;
        }
    };
    let mut ok = true;
    if let Some(dir) = area_dir
        && dir != area
    {
        diags.push(Diagnostic::at(
            shown,
            line,
            format!("@{id} is an {area} requirement but lives in {dir}/: move it to {area}/"),
        ));
        ok = false;
    }
    if let Some((other_file, other_line)) = seen.get(&id) {
        diags.push(Diagnostic::at(
            shown,
            line,
            format!("duplicate requirement ID @{id}: also at {other_file}:{other_line}"),
        ));
        ok = false;
    } else {
        seen.insert(id.clone(), (shown.to_string(), line));
    }
    let lot = exactly_one(&lots, shown, line, &format!("@{id}"), "lot tag: add @lot1, @lot2 or @lot3", diags);
    let level = exactly_one(&levels, shown, line, &format!("@{id}"), "level tag: add @must, @should or @may", diags);
    if decision && level == Some(Level::Must) {
        diags.push(Diagnostic::at(
            shown,
            line,
            format!("@{id} is a @profile-decision, stricter than GP Connect: it may be @should or @may, never @must"),
        ));
        ok = false;
    }
    // Every automated requirement says how it is judged (DESIGN.md point 4);
    // an assessor's attestation has no route.
    if manual {
        if !routes.is_empty() {
            diags.push(Diagnostic::at(
                shown,
                line,
                format!("@{id} is @manual: an assessor attests it, so it takes no @route-… tag"),
            ));
            ok = false;
        }
    } else {
        ok &= exactly_one(
            &routes,
            shown,
            line,
            &format!("@{id}"),
            "route tag: add @route-national, @route-readback or @route-extension (docs/feature-pack.md)",
            diags,
        )
        .is_some();
    }
    match (ok, lot, level) {
        (true, Some(lot), Some(level)) => Some(RuleHead { id, area, lot, level, manual, serial }),
        _ => None,
    }
}

/// The single item of `items`, or a diagnostic saying there were none or
/// too many (`what` reads "lot tag: add ...").
fn exactly_one<T: Clone>(
    items: &[T],
    shown: &str,
    line: usize,
    who: &str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    match items {
        [one] => Some(one.clone()),
        [] => {
            diags.push(Diagnostic::at(shown, line, format!("{who} has no {what}")));
            None
        }
        _ => {
            let noun = what.split(':').next().unwrap_or(what);
            diags.push(Diagnostic::at(shown, line, format!("{who} has more than one {noun}")));
            None
        }
    }
}

/// Classifies a tag, recording a diagnostic at the tag's own line if it is refused.
fn classify_at(
    tag: &str,
    shown: &str,
    lines: &[&str],
    element_line: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Tag> {
    match tags::classify(tag) {
        Ok(t) => Some(t),
        Err(why) => {
            diags.push(Diagnostic::at(shown, tag_line(lines, element_line, tag), why));
            None
        }
    }
}

/// Gherkin does not record where a tag is; it is on one of the tag lines just
/// above the element it belongs to, so look there (falling back to the element).
fn tag_line(lines: &[&str], element_line: usize, tag: &str) -> usize {
    let needle = format!("@{tag}");
    let mut i = element_line.saturating_sub(1);
    while i > 0 {
        let l = lines.get(i - 1).map(|l| l.trim()).unwrap_or_default();
        if l.starts_with('@') {
            if l.split_whitespace().any(|w| w == needle) {
                return i;
            }
        } else if !(l.is_empty() || l.starts_with('#')) {
            break;
        }
        i -= 1;
    }
    element_line
}

/// gherkin's parse error only exposes its position through `Display`
/// ("Error at LINE:COL: {expected tokens}"), so read the line back from it.
fn parse_diagnostic(shown: &str, text: &str) -> Diagnostic {
    let line =
        text.strip_prefix("Error at ").and_then(|rest| rest.split(':').next()).and_then(|l| l.parse::<usize>().ok());
    let expected = text.split(": ").nth(1).unwrap_or(text);
    let message = format!("not valid Gherkin here (the parser expected one of {expected})");
    Diagnostic { file: shown.to_string(), line, message }
}

#[cfg(test)]
mod tests;
