//! Today, for everything relative to the run date (slots, search windows,
//! medication search dates). `RFA_TODAY=YYYY-MM-DD` fakes it, for both the
//! harness and the reference, so the suite can be shown to pass on any day.

use time::{Date, OffsetDateTime};

/// The environment variable that fakes today's date.
pub const TODAY_ENV: &str = "RFA_TODAY";

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).ok()
}

/// `RFA_TODAY` as set: `Ok(None)` when unset, `Err` with the bad value.
pub fn faked() -> Result<Option<Date>, String> {
    match std::env::var(TODAY_ENV) {
        Err(_) => Ok(None),
        Ok(v) => parse_date(v.trim()).map(Some).ok_or(v),
    }
}

/// The date a run is pinned to while it runs (see [`pin`]).
static PINNED: std::sync::Mutex<Option<Date>> = std::sync::Mutex::new(None);

fn pinned() -> Option<Date> {
    *PINNED.lock().unwrap_or_else(|p| p.into_inner())
}

/// Holds today at `date` until dropped: a run keeps one date from start to
/// finish (a run across midnight does not change what `{today}` means half
/// way), and re-judging a dossier later replays the run's own date, so the
/// requests it rebuilds are the ones recorded.
pub fn pin(date: Date) -> Pin {
    let mut slot = PINNED.lock().unwrap_or_else(|p| p.into_inner());
    let before = slot.replace(date);
    Pin { before }
}

/// Restores the previous date when dropped.
#[must_use = "the date is pinned only while this lives"]
pub struct Pin {
    before: Option<Date>,
}

impl Drop for Pin {
    fn drop(&mut self) {
        *PINNED.lock().unwrap_or_else(|p| p.into_inner()) = self.before;
    }
}

/// Today (UTC), or the faked date, or the date the running run is pinned
/// to. A malformed `RFA_TODAY` is refused at start-up by the CLI; here it
/// counts as unset.
pub fn today() -> Date {
    pinned().or_else(|| faked().ok().flatten()).unwrap_or_else(|| OffsetDateTime::now_utc().date())
}

/// Now: today (faked or not) at the real time of day, so times stamped
/// during a run fall on the run's date.
pub fn now() -> OffsetDateTime {
    let real = OffsetDateTime::now_utc();
    real.replace_date(today())
}

/// `YYYY-MM-DD`.
pub fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The same day `months` later (earlier if negative), or the month's last
/// day when it has no such day (31 August + 6 months = 28/29 February).
pub fn add_months(d: Date, months: i32) -> Date {
    let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months;
    let (year, month) = (index.div_euclid(12), (index.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_added_by_the_calendar() {
        let d = |s: &str| parse_date(s).unwrap_or_else(|| panic!("{s}"));
        assert_eq!(add_months(d("2026-08-31"), 6), d("2027-02-28"));
        assert_eq!(add_months(d("2027-08-31"), 6), d("2028-02-29"));
        assert_eq!(add_months(d("2026-11-26"), 12), d("2027-11-26"));
        assert_eq!(add_months(d("2026-01-15"), -2), d("2025-11-15"));
    }

    #[test]
    fn a_pin_holds_today_until_dropped() {
        let Some(d) = parse_date("2031-10-26") else { panic!("date") };
        let before = today();
        {
            let _p = pin(d);
            assert_eq!(today(), d);
        }
        assert_eq!(today(), before);
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2028-02-29").map(ymd).as_deref(), Some("2028-02-29"));
        for bad in ["2027-02-29", "2028-2-29", "28-02-29", "", "2028-02-29T00:00:00Z"] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
