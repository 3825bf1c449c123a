//! The test data's fee schedule for practice finance claims
//! (`fixtures/fee-schedule.json`, profile §31): which services a practice
//! claims item by item, and the fee for each. The harness builds claims
//! with it; the reference candidate prices them by it.

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub code: String,
    pub display: String,
    /// In pounds sterling.
    pub fee: f64,
}

#[derive(Debug, Deserialize)]
pub struct FeeSchedule {
    pub system: String,
    pub services: Vec<Service>,
}

impl FeeSchedule {
    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }
}

const SOURCE: &str = include_str!("../fixtures/fee-schedule.json");

/// The schedule shipped with the test data, parsed once.
pub fn schedule() -> &'static FeeSchedule {
    static S: OnceLock<FeeSchedule> = OnceLock::new();
    // Compiled in and checked by the test below: a parse failure is a
    // build defect, not something a user can cause.
    S.get_or_init(|| serde_json::from_str(SOURCE).expect("fixtures/fee-schedule.json is valid (tested)"))
}

/// Money compared to the penny.
pub fn pennies(pounds: f64) -> i64 {
    (pounds * 100.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_parses_with_unique_codes_and_positive_fees() {
        let s = schedule();
        assert!(s.services.len() >= 4);
        for (i, a) in s.services.iter().enumerate() {
            assert!(a.fee > 0.0, "{}", a.code);
            assert!(s.services[i + 1..].iter().all(|b| b.code != a.code), "{} twice", a.code);
        }
        assert_eq!(pennies(10.06) * 3, pennies(30.18));
        assert_eq!(pennies(0.1 + 0.2), pennies(0.3));
    }
}
