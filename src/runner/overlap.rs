//! Runs in one process side by side. Two pieces of process-wide state stand
//! in the way, and this keeps both right while any number of runs overlap:
//! - cucumber swaps the panic hook for a silent one while a run is under way
//!   and puts back the one it found when it ends, so two overlapping runs put
//!   them back in the wrong order and leave the silent hook for good. The
//!   first run in saves the process's real hook; the last one out puts it
//!   back, whatever the runs did in between.
//! - today is pinned for a whole run (`support::clock`). Runs on the same
//!   date share one pin; a run on another date waits until the others end.
//!
//! The kill matrix relies on this to run its defect runs two or three at a
//! time on a two-core machine, instead of one after another.

use std::panic::PanicHookInfo;
use std::sync::{Arc, Mutex, MutexGuard};

use time::Date;
use tokio::sync::Notify;

type Hook = dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static;

struct Gate {
    active: usize,
    date: Option<Date>,
    hook: Option<Arc<Hook>>,
    pin: Option<crate::support::clock::Pin>,
}

static GATE: Mutex<Gate> = Mutex::new(Gate { active: 0, date: None, hook: None, pin: None });
static LEFT: Notify = Notify::const_new();

fn gate() -> MutexGuard<'static, Gate> {
    GATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// A run's place among the runs under way; dropping it leaves.
#[must_use = "the run is let in only while this lives"]
pub struct Turn(());

/// Waits until a run on `date` may start: at once when no run is under way
/// or the ones under way are on the same date.
pub async fn enter(date: Date) -> Turn {
    loop {
        let left = LEFT.notified();
        if join(date) {
            return Turn(());
        }
        left.await;
    }
}

/// Joins the runs under way if `date` allows; the first run in saves the
/// hook and pins the date.
fn join(date: Date) -> bool {
    let mut g = gate();
    if !admits(&g, date) {
        return false;
    }
    if g.active == 0 {
        let hook: Arc<Hook> = std::panic::take_hook().into();
        let keep = hook.clone();
        std::panic::set_hook(Box::new(move |info| keep(info)));
        g.hook = Some(hook);
        g.pin = Some(crate::support::clock::pin(date));
        g.date = Some(date);
    }
    g.active += 1;
    true
}

/// Whether a run on `date` may join the runs under way.
fn admits(g: &Gate, date: Date) -> bool {
    g.active == 0 || g.date == Some(date)
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut g = gate();
        g.active -= 1;
        if g.active == 0 {
            if let Some(hook) = g.hook.take() {
                std::panic::set_hook(Box::new(move |info| hook(info)));
            }
            g.pin = None;
            g.date = None;
            drop(g);
            LEFT.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u8) -> Date {
        Date::from_calendar_date(2026, time::Month::March, d).expect("date")
    }

    #[test]
    fn a_run_joins_runs_on_its_date_and_waits_for_runs_on_another() {
        let idle = Gate { active: 0, date: None, hook: None, pin: None };
        assert!(admits(&idle, day(1)));
        let busy = Gate { active: 2, date: Some(day(1)), hook: None, pin: None };
        assert!(admits(&busy, day(1)));
        assert!(!admits(&busy, day(2)));
    }

    /// On today's date (what an unpinned clock says anyway), so the other
    /// tests of this binary see no change while it runs.
    #[tokio::test]
    async fn overlapping_runs_on_one_date_share_the_pin() {
        let today = crate::support::clock::today();
        let a = enter(today).await;
        let b = tokio::time::timeout(std::time::Duration::from_secs(5), enter(today)).await.expect("joins at once");
        drop(a);
        assert_eq!(crate::support::clock::today(), today, "the pin outlives the first run out");
        drop(b);
    }
}
