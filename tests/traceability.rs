//! `docs/gpconnect-traceability.md` maps every scenario of the official GP
//! Connect provider suite (feature/1.6.0) to our requirements. The judgements
//! in it are a reviewer's to check; its form is checked here, so that it
//! cannot drift from the pack or contradict itself: every requirement id it
//! names exists, every official file has one row per scenario numbered
//! 1..N, the statuses are the four it defines, and the coverage table says
//! what the rows say.
//!
//! `docs/security-shall-map.md` is held to its scenario citations: each
//! names a scenario its requirement has, and none is a line number.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;

/// The official suite's files and their `Scenario`/`Scenario Outline` counts
/// (commented-out scenarios left out), branch feature/1.6.0: 31 files, 596.
const OFFICIAL: &[(&str, usize)] = &[
    ("AppointmentAmend.feature", 21),
    ("AppointmentBook.feature", 43),
    ("AppointmentCancel.feature", 27),
    ("AppointmentRead.feature", 12),
    ("AppointmentRetrieve.feature", 21),
    ("FHIR.feature", 55),
    ("Http.feature", 7),
    ("JWT.feature", 22),
    ("LocationRead.feature", 9),
    ("OrganizationRead.feature", 8),
    ("OrganizationSearch.feature", 14),
    ("PatientRead.feature", 14),
    ("PatientRegister.feature", 38),
    ("PatientSearch.feature", 23),
    ("PractitionerRead.feature", 10),
    ("PractitionerSearch.feature", 16),
    ("SSP.feature", 13),
    ("SearchForFreeSlots.feature", 29),
    ("Security.feature", 11),
    ("StructuredAllergies.feature", 23),
    ("StructuredConsultations.feature", 16),
    ("StructuredDiary.feature", 6),
    ("StructuredDocuments.feature", 34),
    ("StructuredImmunizations.feature", 9),
    ("StructuredInvestigations.feature", 11),
    ("StructuredMedications.feature", 25),
    ("StructuredMigrate.feature", 17),
    ("StructuredMultipleRequests.feature", 23),
    ("StructuredProblems.feature", 16),
    ("StructuredReferrals.feature", 11),
    ("StructuredUncategorised.feature", 12),
];

/// Files other work was changing while the document was written: their
/// sections come last, so they can be refreshed without disturbing the rest.
const LAST: &[&str] = &[
    "AppointmentAmend.feature",
    "AppointmentBook.feature",
    "AppointmentCancel.feature",
    "AppointmentRead.feature",
    "AppointmentRetrieve.feature",
    "PatientRegister.feature",
];

const STATUSES: [&str; 4] = ["covered", "partial", "none", "n/a"];

/// Reasons an `n/a` row may give, first word of its note.
const NA_REASONS: [&str; 3] = ["xml:", "ssp:", "client-side:"];

#[derive(Debug, Default, PartialEq)]
struct Counts {
    scenarios: usize,
    covered: usize,
    partial: usize,
    none: usize,
    na: usize,
}

impl Counts {
    fn add(&mut self, status: &str) {
        self.scenarios += 1;
        match status {
            "covered" => self.covered += 1,
            "partial" => self.partial += 1,
            "none" => self.none += 1,
            _ => self.na += 1,
        }
    }

    /// covered / (scenarios - n/a), as the document writes it.
    fn coverage(&self) -> String {
        let judged = self.scenarios - self.na;
        if judged == 0 {
            return "—".to_string();
        }
        format!("{:.1}%", 100.0 * self.covered as f64 / judged as f64)
    }
}

struct Row {
    ordinal: usize,
    ids: Vec<String>,
    status: String,
    note: String,
}

struct Doc {
    /// The coverage table: file (or `**total**`) -> counts and coverage text.
    summary: Vec<(String, Counts, String)>,
    /// Per-file sections, in document order.
    sections: Vec<(String, Vec<Row>)>,
    text: String,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

fn number(cell: &str, what: &str) -> usize {
    cell.parse().unwrap_or_else(|_| panic!("{what}: `{cell}` is not a number"))
}

fn read_doc() -> Doc {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/gpconnect-traceability.md");
    let text = std::fs::read_to_string(&path).expect("docs/gpconnect-traceability.md");
    let mut summary = Vec::new();
    let mut sections: Vec<(String, Vec<Row>)> = Vec::new();
    let mut heading = String::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            heading = h.trim().to_string();
            if heading.ends_with(".feature") {
                sections.push((heading.clone(), Vec::new()));
            }
            continue;
        }
        if !line.starts_with('|') || line.starts_with("|---") {
            continue;
        }
        let c = cells(line);
        if heading == "Coverage" && c.len() == 7 && (c[0].ends_with(".feature") || c[0] == "**total**") {
            let counts = Counts {
                scenarios: number(&c[1], &c[0]),
                covered: number(&c[2], &c[0]),
                partial: number(&c[3], &c[0]),
                none: number(&c[4], &c[0]),
                na: number(&c[5], &c[0]),
            };
            summary.push((c[0].clone(), counts, c[6].clone()));
        } else if heading.ends_with(".feature") && c.first().is_some_and(|n| n != "#") {
            assert_eq!(c.len(), 5, "{heading}: a row needs 5 cells (#, scenario, ids, status, note): {line}");
            let row = Row {
                ordinal: number(&c[0], &heading),
                ids: c[2].split_whitespace().map(str::to_string).collect(),
                status: c[3].clone(),
                note: c[4].clone(),
            };
            if let Some((_, rows)) = sections.last_mut() {
                rows.push(row);
            }
        }
    }
    Doc { summary, sections, text }
}

#[test]
fn every_requirement_id_named_exists_in_the_pack() {
    let doc = read_doc();
    let cat = rfa_harness::runner::load_catalogue(None).expect("built-in pack");
    let known: BTreeSet<&str> = cat.requirements.iter().map(|r| r.id.as_str()).collect();
    let pattern = Regex::new(r"RFA-[A-Z]{3}-\d{3}").expect("regex");
    let named: BTreeSet<&str> = pattern.find_iter(&doc.text).map(|m| m.as_str()).collect();
    assert!(!named.is_empty(), "the document names no requirement");
    let unknown: Vec<&&str> = named.iter().filter(|id| !known.contains(*id)).collect();
    assert!(unknown.is_empty(), "ids the feature pack does not have: {unknown:?}");
    // The ids column holds ids only, nothing else.
    for (file, rows) in &doc.sections {
        for row in rows {
            for id in &row.ids {
                assert!(
                    pattern.is_match(id) && id.len() == 11,
                    "{file} #{}: `{id}` is not a requirement id",
                    row.ordinal
                );
            }
        }
    }
}

#[test]
fn every_official_file_has_one_row_per_scenario_in_order() {
    let doc = read_doc();
    let official: BTreeMap<&str, usize> = OFFICIAL.iter().copied().collect();
    assert_eq!(official.values().sum::<usize>(), 596);
    let files: BTreeSet<&str> = doc.sections.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, official.keys().copied().collect(), "one section per official file, no other");
    assert_eq!(doc.sections.len(), OFFICIAL.len(), "a file has two sections");
    for (file, rows) in &doc.sections {
        let ordinals: Vec<usize> = rows.iter().map(|r| r.ordinal).collect();
        let expected: Vec<usize> = (1..=official[file.as_str()]).collect();
        assert_eq!(ordinals, expected, "{file}: rows must be the official scenarios 1..N in order");
        for row in rows {
            assert!(
                STATUSES.contains(&row.status.as_str()),
                "{file} #{}: unknown status `{}`",
                row.ordinal,
                row.status
            );
            if row.status == "n/a" {
                assert!(
                    NA_REASONS.iter().any(|r| row.note.starts_with(r)),
                    "{file} #{}: an n/a row says why (note starts with one of {NA_REASONS:?})",
                    row.ordinal
                );
            }
            if row.status == "partial" || row.status == "none" {
                assert!(!row.note.is_empty(), "{file} #{}: a {} row says what is missing", row.ordinal, row.status);
            }
        }
    }
    // The files other work was changing come last.
    let tail: BTreeSet<&str> =
        doc.sections[doc.sections.len() - LAST.len()..].iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(tail, LAST.iter().copied().collect(), "Appointment* and PatientRegister sections come last");
}

#[test]
fn the_coverage_table_agrees_with_the_rows() {
    let doc = read_doc();
    let official: BTreeMap<&str, usize> = OFFICIAL.iter().copied().collect();
    let mut total = Counts::default();
    let mut seen = BTreeSet::new();
    let mut written_total = None;
    for (file, counts, coverage) in &doc.summary {
        if file == "**total**" {
            written_total = Some((counts, coverage));
            continue;
        }
        assert!(seen.insert(file.clone()), "{file} is twice in the coverage table");
        assert_eq!(
            counts.scenarios,
            official[file.as_str()],
            "{file}: the official suite has {} scenarios",
            official[file.as_str()]
        );
        let rows = &doc.sections.iter().find(|(f, _)| f == file).unwrap_or_else(|| panic!("no section for {file}")).1;
        let mut from_rows = Counts::default();
        for row in rows {
            from_rows.add(&row.status);
            total.add(&row.status);
        }
        assert_eq!(counts, &from_rows, "{file}: the coverage table disagrees with the rows");
        assert_eq!(coverage, &from_rows.coverage(), "{file}: coverage is covered / (scenarios - n/a)");
    }
    assert_eq!(seen.len(), OFFICIAL.len(), "every official file is in the coverage table");
    let (counts, coverage) = written_total.expect("a **total** row");
    assert_eq!(counts, &total, "the total row is the sum of the rows");
    assert_eq!(coverage, &total.coverage(), "total coverage is covered / (scenarios - n/a)");
}

/// Every requirement of the pack on disk (`features/<AREA>/*.feature`) with
/// the names of its scenarios as written: an outline under its own name,
/// `<placeholders>` and all. Read as text, because the catalogue holds
/// outlines expanded into their rows. A `@RFA-…` tag names the `Rule:` that
/// follows it.
fn scenario_names_by_requirement() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    let tag = Regex::new(r"@(RFA-[A-Z]{3}-\d{3})\b").expect("regex");
    let mut files = Vec::new();
    for area in std::fs::read_dir(&root).expect("features/") {
        let area = area.expect("features/ entry").path();
        if !area.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&area).expect("features/<AREA>/") {
            let file = file.expect("feature file").path();
            if file.extension().is_some_and(|e| e == "feature") {
                files.push(file);
            }
        }
    }
    assert!(!files.is_empty(), "no feature files under {}", root.display());
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut tagged = None;
        let mut rule: Option<String> = None;
        for line in text.lines().map(str::trim) {
            if line.starts_with('@') {
                if let Some(c) = tag.captures(line) {
                    tagged = Some(c[1].to_string());
                }
            } else if line.starts_with("Rule:") {
                rule = tagged.take();
                if let Some(id) = &rule {
                    out.entry(id.clone()).or_default();
                }
            } else if let Some(name) = ["Scenario Outline:", "Scenario Template:", "Scenario:", "Example:"]
                .iter()
                .find_map(|k| line.strip_prefix(k))
                && let Some(id) = &rule
            {
                out.entry(id.clone()).or_default().insert(name.trim().to_string());
            }
        }
    }
    out
}

/// `docs/security-shall-map.md` cites the scenarios that probe each SHALL as
/// `ACC-005 · "name", "name"`: a requirement (without its `RFA-`), an
/// optional `` `@profile-decision` `` marker, a `·`, then the exact names of
/// its `Scenario:` or `Scenario Outline:` children (an outline by its name,
/// placeholders and all). Line numbers went stale with every edit of a
/// feature file, so they are refused here; a name is checked against the
/// pack, so a renamed or moved scenario fails the test instead of leaving the
/// document pointing at something else.
#[test]
fn every_scenario_the_shall_map_cites_exists_under_its_requirement() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/security-shall-map.md");
    let text = std::fs::read_to_string(&path).expect("docs/security-shall-map.md");
    let scenarios = scenario_names_by_requirement();

    let citation =
        Regex::new(r#"([A-Z]{3}-\d{3})(?:\s+`@profile-decision`)?\s*·\s*((?:"[^"]*"(?:,\s*)?)+)"#).expect("regex");
    let quoted = Regex::new(r#""([^"]*)""#).expect("regex");
    let bare_id = Regex::new(r"\b[A-Z]{3}-\d{3}\b").expect("regex");
    // `jwt:13`, `transport:96–160`, `:49`: the old line-number citations.
    let line_ref = Regex::new(r"(?:\b[a-z][a-z-]*)?:\d+").expect("regex");

    let mut problems = Vec::new();
    let mut cited = 0;
    for line in text.lines() {
        if !line.starts_with('|') || line.starts_with("|---") {
            continue;
        }
        let c = cells(line);
        let row = c[0].as_str();
        if row == "#" {
            continue;
        }
        for cell in &c[1..] {
            if let Some(m) = line_ref.find(cell) {
                problems.push(format!("{row}: `{}` cites a line; cite the scenario by name", m.as_str()));
            }
            let found: Vec<_> = citation.captures_iter(cell).collect();
            if cell.matches('·').count() != found.len() {
                problems.push(format!("{row}: a `·` not followed by quoted scenario names: {cell}"));
            }
            for cap in found {
                let id = format!("RFA-{}", &cap[1]);
                let Some(names) = scenarios.get(&id) else {
                    problems.push(format!("{row}: {id} is not a requirement of the pack"));
                    continue;
                };
                for name in quoted.captures_iter(&cap[2]) {
                    cited += 1;
                    // Outline placeholders are written `&lt;claim&gt;`: a
                    // Markdown renderer would take `<claim>` for a tag and hide it.
                    let raw = &name[1];
                    let name = raw.replace("&lt;", "<").replace("&gt;", ">");
                    if raw.contains('<') {
                        problems.push(format!("{row}: write `<` as `&lt;` in \"{name}\" (Markdown hides tags)"));
                    }
                    if !names.contains(&name) {
                        problems.push(format!("{row}: {id} has no scenario named \"{name}\""));
                    }
                }
            }
        }
        // Requirements named without scenarios (`ACC-001 … 004`, `REC-034`)
        // must exist too.
        if let Some(cell) = c.get(3) {
            for m in bare_id.find_iter(cell) {
                let id = format!("RFA-{}", m.as_str());
                if !scenarios.contains_key(&id) {
                    problems.push(format!("{row}: {id} is not a requirement of the pack"));
                }
            }
        }
    }
    assert!(cited > 100, "the SHALL map cites {cited} scenarios by name; the parser has lost them");
    assert!(problems.is_empty(), "docs/security-shall-map.md:\n  {}", problems.join("\n  "));
}
