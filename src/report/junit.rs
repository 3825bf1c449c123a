//! JUnit XML for CI: one testsuite per area, one testcase per requirement,
//! the scenarios of a failed requirement in its failure text.
//!
//! Written with quick-xml's writer rather than the `junit-report` crate,
//! which cannot produce what the strict consumers (Jenkins xUnit's
//! junit-10.xsd, `schemas/junit/junit.xsd` here) accept: it writes times with
//! nine decimals (the schema allows three), no `skipped` count on a
//! testsuite, no totals on `testsuites`, and a failure's text only in the
//! `message` attribute (parsers flatten its newlines; CI panes that show the
//! element's body stayed blank).

use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::runner::ScenarioOutcome;
use crate::verdict::{Outcome, RequirementResult, Verdict};

/// Seconds with at most three decimals (junit-10.xsd's time pattern).
fn seconds(ms: f64) -> String {
    let ms = if ms.is_finite() && ms > 0.0 { ms } else { 0.0 };
    format!("{:.3}", ms / 1000.0)
}

/// XML 1.0 cannot carry most control characters even escaped, and failure
/// text quotes what a candidate sent: replace them rather than write a file
/// no parser reads.
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// One line: attribute values lose their newlines in every parser.
fn one_line(s: &str) -> String {
    xml_text(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

struct Case<'a> {
    r: &'a RequirementResult,
    ms: f64,
    /// `file:line name`, step, message: one block per scenario that did not pass.
    detail: Vec<String>,
    /// The first scenario that did not pass, in one line.
    summary: String,
}

fn case(r: &RequirementResult) -> Case<'_> {
    let bad: Vec<_> = r.scenarios.iter().filter(|s| s.outcome != ScenarioOutcome::Passed).collect();
    let detail = bad
        .iter()
        .map(|s| match &s.failure {
            Some(f) => {
                format!("{}:{} {}\n  {}\n    {}", s.file, s.line, s.name, f.step, f.message.replace('\n', "\n    "))
            }
            None => format!("{}:{} {} ({})", s.file, s.line, s.name, s.outcome.as_str()),
        })
        .collect();
    let summary = bad
        .first()
        .map(|s| match &s.failure {
            // The message's first line: the rest (the exchange) is in the body.
            Some(f) => format!(
                "{}:{} {}: {}: {}",
                s.file,
                s.line,
                s.name,
                f.step,
                f.message.lines().next().unwrap_or_default()
            ),
            None => format!("{}:{} {}: {}", s.file, s.line, s.name, s.outcome.as_str()),
        })
        .unwrap_or_else(|| r.reason.clone().unwrap_or_else(|| r.outcome.as_str().to_string()));
    Case { r, ms: r.scenarios.iter().map(|s| s.duration_ms).sum(), detail, summary: one_line(&summary) }
}

#[derive(Default)]
struct Totals {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    ms: f64,
}

impl Totals {
    fn add(&mut self, c: &Case<'_>) {
        self.tests += 1;
        self.ms += c.ms;
        match c.r.outcome {
            Outcome::Passed => {}
            Outcome::Failed => self.failures += 1,
            Outcome::Error => self.errors += 1,
            Outcome::Skipped | Outcome::NotAssessed => self.skipped += 1,
        }
    }
}

/// `run_ms` is the run's wall-clock time: the total on `testsuites`.
/// Testcase and testsuite times add up scenario times, which overlap when
/// scenarios run concurrently, so they may sum to more than the run took.
pub fn render(v: &Verdict, timestamp: time::OffsetDateTime, run_ms: f64) -> Result<Vec<u8>, std::io::Error> {
    let mut areas: Vec<&str> = v.requirements.iter().map(|r| r.area.as_str()).collect();
    areas.dedup();
    let suites: Vec<(&str, Vec<Case<'_>>)> = areas
        .iter()
        .map(|area| (*area, v.requirements.iter().filter(|r| r.area == *area).map(case).collect()))
        .collect();
    let mut all = Totals::default();
    for c in suites.iter().flat_map(|(_, cases)| cases) {
        all.add(c);
    }
    // Ant's form (UTC, no zone, no fraction): the strict schemas take
    // nothing else.
    let ts = timestamp.to_offset(time::UtcOffset::UTC);
    let stamp = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        ts.year(),
        u8::from(ts.month()),
        ts.day(),
        ts.hour(),
        ts.minute(),
        ts.second()
    );

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    // junit-10.xsd allows no `skipped` on testsuites: each testsuite has it.
    w.create_element("testsuites")
        .with_attributes([
            ("name", "RFA"),
            ("tests", all.tests.to_string().as_str()),
            ("failures", all.failures.to_string().as_str()),
            ("errors", all.errors.to_string().as_str()),
            ("time", seconds(run_ms).as_str()),
        ])
        .write_inner_content(|w| {
            for (id, (area, cases)) in suites.iter().enumerate() {
                let mut t = Totals::default();
                for c in cases {
                    t.add(c);
                }
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", format!("RFA {area}").as_str()),
                        ("tests", t.tests.to_string().as_str()),
                        ("failures", t.failures.to_string().as_str()),
                        ("errors", t.errors.to_string().as_str()),
                        ("skipped", t.skipped.to_string().as_str()),
                        ("time", seconds(t.ms).as_str()),
                        ("timestamp", stamp.as_str()),
                        ("hostname", "localhost"),
                        ("id", id.to_string().as_str()),
                        ("package", format!("RFA.{area}").as_str()),
                    ])
                    .write_inner_content(|w| {
                        for c in cases {
                            write_case(w, c)?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    let mut buf = w.into_inner();
    buf.push(b'\n');
    Ok(buf)
}

fn write_case(w: &mut Writer<Vec<u8>>, c: &Case<'_>) -> std::io::Result<()> {
    let r = c.r;
    let name = one_line(&format!("{} {}", r.id, r.title));
    let classname = format!("{}.{}.{}", r.area, r.lot, r.level);
    let time = seconds(c.ms);
    let el = w.create_element("testcase").with_attributes([
        ("name", name.as_str()),
        ("classname", classname.as_str()),
        ("time", time.as_str()),
    ]);
    let kind = match r.outcome {
        Outcome::Passed => {
            el.write_empty()?;
            return Ok(());
        }
        Outcome::Failed => "failure",
        Outcome::Error => "error",
        Outcome::Skipped | Outcome::NotAssessed => {
            let message = one_line(r.reason.as_deref().unwrap_or(r.outcome.as_str()));
            el.write_inner_content(|w| {
                w.create_element("skipped").with_attribute(("message", message.as_str())).write_empty()?;
                Ok(())
            })?;
            return Ok(());
        }
    };
    // The body is what CI shows as the "stack trace": every scenario that
    // did not pass, with its step and full message.
    let body = xml_text(&c.detail.join("\n\n"));
    el.write_inner_content(|w| {
        w.create_element(kind)
            .with_attributes([("message", c.summary.as_str()), ("type", r.outcome.as_str())])
            // Quotes need no escaping in text; escaping them made the pane
            // show `&quot;` in every JSON body a parser did not unescape.
            .write_text_content(BytesText::from_escaped(partial_escape(body.as_str())))?;
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Level, RequirementHead};
    use crate::runner::collect::FailureRecord;
    use crate::verdict::ScenarioResult;

    fn requirement(id: &str, area: &str, outcome: Outcome, scenarios: Vec<ScenarioResult>) -> RequirementResult {
        let head = RequirementHead {
            id: id.into(),
            title: "title".into(),
            area: area.into(),
            lot: "lot1".into(),
            level: Level::Must,
            manual: false,
            tags: Vec::new(),
        };
        let reason = (outcome == Outcome::Skipped).then(|| "not selected\nby --area".to_string());
        RequirementResult { head, outcome, reason, scenarios, attestation: None }
    }

    fn scenario(line: usize, outcome: ScenarioOutcome, message: Option<&str>) -> ScenarioResult {
        ScenarioResult {
            name: format!("scenario {line}"),
            file: "ACC/http.feature".into(),
            line,
            outcome,
            duration_ms: 1234.5678,
            failure: message.map(|m| FailureRecord { step: "Then it is refused".into(), line, message: m.into() }),
            steps: Vec::new(),
            exchanges: Vec::new(),
        }
    }

    fn xml() -> String {
        let v = Verdict::from_requirements(vec![
            requirement("RFA-ACC-001", "ACC", Outcome::Passed, vec![scenario(3, ScenarioOutcome::Passed, None)]),
            requirement(
                "RFA-ACC-002",
                "ACC",
                Outcome::Failed,
                vec![
                    scenario(
                        10,
                        ScenarioOutcome::Failed,
                        Some("expected 400, got 200\nbody: {\"a\": \"<b> & \u{1}\"}"),
                    ),
                    scenario(11, ScenarioOutcome::Failed, Some("second")),
                ],
            ),
            requirement("RFA-ARR-001", "ARR", Outcome::Skipped, Vec::new()),
        ]);
        let at = time::macros::datetime!(2026-12-06 14:48:16.643328267 UTC);
        String::from_utf8(render(&v, at, 1477.123456).expect("render")).expect("UTF-8")
    }

    #[test]
    fn times_have_at_most_three_decimals() {
        let text = xml();
        let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
        let pattern = regex::Regex::new(r"^\d+(\.\d{1,3})?$").expect("regex");
        let times: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("time")).collect();
        assert_eq!(times.len(), 1 + 2 + 3, "testsuites, 2 suites, 3 cases: {text}");
        assert!(times.iter().all(|t| pattern.is_match(t)), "{times:?}");
        assert_eq!(doc.root_element().attribute("time"), Some("1.477"), "the run's wall time");
        let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).expect("suite");
        assert_eq!(suite.attribute("timestamp"), Some("2026-12-06T14:48:16"));
    }

    #[test]
    fn suites_count_skipped_and_the_root_has_totals() {
        let text = xml();
        let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
        let root = doc.root_element();
        let attrs = |n: roxmltree::Node<'_, '_>| {
            ["tests", "failures", "errors", "skipped"].map(|a| n.attribute(a).unwrap_or("-").to_string())
        };
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(attrs(root), ["3", "1", "0", "-"].map(String::from), "junit-10.xsd has no skipped here");
        let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
        assert_eq!(attrs(suites[0]), ["2", "1", "0", "0"].map(String::from));
        assert_eq!(attrs(suites[1]), ["1", "0", "0", "1"].map(String::from));
        let skipped = doc.descendants().find(|n| n.has_tag_name("skipped")).expect("skipped");
        assert_eq!(skipped.attribute("message"), Some("not selected by --area"));
    }

    #[test]
    fn failure_detail_is_in_the_body_and_the_message_is_one_line() {
        let text = xml();
        let doc = roxmltree::Document::parse(&text).expect("well-formed XML, control characters replaced");
        let failure = doc.descendants().find(|n| n.has_tag_name("failure")).expect("failure");
        assert_eq!(
            failure.attribute("message"),
            Some("ACC/http.feature:10 scenario 10: Then it is refused: expected 400, got 200")
        );
        // Parsers turn raw newlines in attributes into spaces, which would
        // hide a multi-line message: check the text as written.
        let raw = text.split("message=\"").skip(1).map(|rest| rest.split('"').next().unwrap_or_default());
        assert!(raw.clone().all(|m| !m.contains('\n')), "{text}");
        let body = failure.text().unwrap_or_default();
        assert!(body.contains("ACC/http.feature:10 scenario 10\n  Then it is refused\n    expected 400"), "{body}");
        assert!(body.contains("body: {\"a\": \"<b> & \u{FFFD}\"}"), "{body}");
        assert!(body.contains("ACC/http.feature:11 scenario 11") && body.contains("second"), "every scenario");
    }
}
