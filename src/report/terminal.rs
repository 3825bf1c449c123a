//! The summary a person reads at the end of a run: a table per area, then
//! every requirement that did not pass with the scenario, step and exchange
//! that show why, then the lot verdicts.

use std::fmt::Write as _;

use crate::runner::ScenarioOutcome;
use crate::verdict::{Outcome, Verdict};

pub struct Header<'a> {
    pub pack_name: &'a str,
    pub pack_version: &'a str,
    pub pack_digest: &'a str,
    pub candidate: String,
    pub base_url: &'a str,
}

pub struct Footer<'a> {
    pub duration_s: f64,
    pub concurrency: usize,
    pub outputs: Vec<(&'a str, String)>,
}

pub fn header(h: &Header<'_>) -> String {
    let digest = h.pack_digest.get(..19).unwrap_or(h.pack_digest);
    format!(
        "rfa {} · pack {} {} ({digest}…)\ncandidate: {} at {}\n\n",
        env!("CARGO_PKG_VERSION"),
        h.pack_name,
        h.pack_version,
        h.candidate,
        h.base_url
    )
}

pub fn summary(v: &Verdict, f: &Footer<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<6}{:>13}{:>8}{:>8}{:>7}{:>9}   scenarios",
        "area", "requirements", "passed", "failed", "error", "skipped"
    );
    let mut areas: Vec<&str> = v.requirements.iter().map(|r| r.area.as_str()).collect();
    areas.dedup();
    for area in &areas {
        let rs: Vec<_> = v.requirements.iter().filter(|r| r.area == *area).collect();
        let count = |o: Outcome| rs.iter().filter(|r| r.outcome == o).count();
        let scen: Vec<_> = rs.iter().flat_map(|r| &r.scenarios).collect();
        let passed = scen.iter().filter(|s| s.outcome == ScenarioOutcome::Passed).count();
        let _ = writeln!(
            out,
            "{area:<6}{:>13}{:>8}{:>8}{:>7}{:>9}   {passed}/{} passed",
            rs.len(),
            count(Outcome::Passed),
            count(Outcome::Failed),
            count(Outcome::Error),
            count(Outcome::Skipped) + count(Outcome::NotAssessed),
            scen.len()
        );
    }
    let bad: Vec<_> = v.requirements.iter().filter(|r| matches!(r.outcome, Outcome::Failed | Outcome::Error)).collect();
    if !bad.is_empty() {
        let _ = writeln!(out, "\nrequirements that did not pass:");
        for r in bad {
            let mark = if r.decides_lot() { "✗" } else { "⚠" };
            let note = if r.decides_lot() {
                ""
            } else if r.profile_decision() {
                " (a warning: a @profile-decision, stricter than GP Connect, is judged as @should; only @must requirements decide a lot)"
            } else {
                " (a warning: only @must requirements decide a lot)"
            };
            let _ =
                writeln!(out, "  {mark} {} ({}, {}) {} — {}{note}", r.id, r.level, r.lot, r.title, r.outcome.as_str());
            for s in r.scenarios.iter().filter(|s| s.outcome != ScenarioOutcome::Passed) {
                let _ = writeln!(out, "      {}:{}  {}", s.file, s.line, s.name);
                if let Some(fail) = &s.failure {
                    let _ = writeln!(out, "        {}", fail.step);
                    for line in fail.message.lines() {
                        let _ = writeln!(out, "        {line}");
                    }
                }
            }
        }
    }
    let _ = writeln!(out);
    for lot in &v.lots {
        let _ = writeln!(
            out,
            "{}: {} — {} of {} must requirements passed{}",
            lot.lot,
            lot.verdict.to_uppercase(),
            lot.must.passed,
            lot.must.total,
            if lot.must.skipped + lot.must.not_assessed > 0 {
                format!(" ({} not run)", lot.must.skipped + lot.must.not_assessed)
            } else {
                String::new()
            }
        );
    }
    let n = v.requirements.iter().map(|r| r.scenarios.len()).sum::<usize>();
    let mean = if n > 0 { f.duration_s * 1000.0 / n as f64 } else { 0.0 };
    let _ = writeln!(
        out,
        "{n} scenarios in {:.2} s (wall {:.1} ms per scenario, concurrency {})",
        f.duration_s, mean, f.concurrency
    );
    let outputs: Vec<String> = f.outputs.iter().map(|(k, p)| format!("{k}: {p}")).collect();
    if !outputs.is_empty() {
        let _ = writeln!(out, "{}", outputs.join(" · "));
    }
    out
}
