//! Times and values as steps write and read them: `{today+N}` in feature
//! text, FHIR instants, stamps the candidate puts on what it records, and
//! JSON arguments.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::steps::{Failure, RfaWorld};

/// How far a stamp the candidate records may be from when the request was
/// sent.
const CLOCK_SKEW_SECS: i64 = 120;

/// Fills in `{today}`, `{today+N}` and `{today-N}` (days, UTC, or from
/// `RFA_TODAY`).
pub fn dates(text: &str) -> Result<String, Failure> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{today") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "{today".len()..];
        let Some(end) = after.find('}') else {
            return Err(Failure::Harness(format!("unclosed `{{today` in `{text}`")));
        };
        let offset: i64 = match &after[..end] {
            "" => 0,
            o => o
                .strip_prefix('+')
                .unwrap_or(o)
                .parse()
                .map_err(|_| Failure::Harness(format!("`{{today{o}}}`: the offset must be +N or -N days")))?,
        };
        out.push_str(&crate::support::clock::ymd(crate::support::clock::today() + time::Duration::days(offset)));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A FHIR instant (RFC 3339) as a time, if that is what `v` holds.
pub(in crate::steps) fn at(v: Option<&Value>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(v?.as_str()?, &Rfc3339).ok()
}

/// Whether a time the candidate stamped is within the allowed skew of when
/// the last request was sent — by the recorded exchange, so re-judging
/// next month gives the same answer. A run with a faked date (RFA_TODAY)
/// has the candidate stamp that date at the real time of day, so the time
/// of day is compared (across midnight too) and the date must be the run's,
/// give or take the midnight a run may straddle.
pub(in crate::steps) fn stamped_at_request(w: &RfaWorld, stamp: OffsetDateTime) -> Result<(), String> {
    let sent = w.exchanges.last().map(|x| x.started.clone()).ok_or("the request's time was not recorded")?;
    stamped_near(&sent, stamp)
}

/// The same for a request sent at `sent` (RFC 3339, as the exchange
/// records it).
pub(in crate::steps) fn stamped_near(sent: &str, stamp: OffsetDateTime) -> Result<(), String> {
    let sent =
        OffsetDateTime::parse(sent, &Rfc3339).map_err(|_| format!("the request's time `{sent}` was not recorded"))?;
    let day = 86_400;
    let secs = |t: OffsetDateTime| {
        let (h, m, s) = t.to_offset(time::UtcOffset::UTC).time().as_hms();
        i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)
    };
    let apart = (secs(stamp) - secs(sent)).rem_euclid(day);
    let skew = apart.min(day - apart);
    let days = (stamp.to_offset(time::UtcOffset::UTC).date() - crate::support::clock::today()).whole_days().abs();
    if skew > CLOCK_SKEW_SECS || days > 1 {
        return Err(format!(
            "the stamp {stamp} is {skew} s (time of day) from when the request was sent, {sent}, on the run's date {} (allowed: {CLOCK_SKEW_SECS} s, the run's date)",
            crate::support::clock::ymd(crate::support::clock::today())
        ));
    }
    Ok(())
}

pub(in crate::steps) fn json_arg(text: &str) -> Result<Value, Failure> {
    serde_json::from_str(text.trim())
        .map_err(|e| Failure::Harness(format!("`{}` is not a JSON value ({e}); quote strings: \"text\"", text.trim())))
}
