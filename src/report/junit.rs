//! JUnit XML for CI: one testsuite per area, one testcase per requirement,
//! the scenarios of a failed requirement in its failure text.

use junit_report::{Duration, ReportBuilder, TestCase, TestSuiteBuilder};

use crate::runner::ScenarioOutcome;
use crate::verdict::{Outcome, Verdict};

pub fn render(v: &Verdict, timestamp: time::OffsetDateTime) -> Result<Vec<u8>, std::io::Error> {
    let mut areas: Vec<&str> = v.requirements.iter().map(|r| r.area.as_str()).collect();
    areas.dedup();
    let mut report = ReportBuilder::new();
    for area in areas {
        let mut suite = TestSuiteBuilder::new(&format!("RFA {area}"));
        suite.set_timestamp(timestamp);
        for r in v.requirements.iter().filter(|r| r.area == area) {
            let name = format!("{} {}", r.id, r.title);
            let ms: f64 = r.scenarios.iter().map(|s| s.duration_ms).sum();
            let time = Duration::seconds_f64(ms / 1000.0);
            let detail: Vec<String> = r
                .scenarios
                .iter()
                .filter(|s| s.outcome != ScenarioOutcome::Passed)
                .map(|s| {
                    let msg = s.failure.as_ref().map(|f| format!("{}\n    {}", f.step, f.message)).unwrap_or_default();
                    format!("{}:{} {}\n  {msg}", s.file, s.line, s.name)
                })
                .collect();
            let message = detail.first().cloned().unwrap_or_default();
            let mut case = match r.outcome {
                Outcome::Passed => TestCase::success(&name, time),
                Outcome::Failed => TestCase::failure(&name, time, "failed", &message),
                Outcome::Error => TestCase::error(&name, time, "error", &message),
                Outcome::Skipped | Outcome::NotAssessed => {
                    TestCase::skipped_with_cause(&name, r.outcome.as_str(), r.reason.as_deref().unwrap_or_default())
                }
            };
            case.set_classname(&format!("{}.{}.{}", r.area, r.lot, r.level));
            if !detail.is_empty() {
                case.set_system_out(&detail.join("\n\n"));
            }
            suite.add_testcase(case);
        }
        report.add_testsuite(suite.build());
    }
    let mut buf = Vec::new();
    report.build().write_xml(&mut buf).map_err(std::io::Error::other)?;
    Ok(buf)
}
