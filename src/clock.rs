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

/// Today (UTC), or the faked date. A malformed `RFA_TODAY` is refused at
/// start-up by the CLI; here it counts as unset.
pub fn today() -> Date {
    faked().ok().flatten().unwrap_or_else(|| OffsetDateTime::now_utc().date())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2028-02-29").map(ymd).as_deref(), Some("2028-02-29"));
        for bad in ["2027-02-29", "2028-2-29", "28-02-29", "", "2028-02-29T00:00:00Z"] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
