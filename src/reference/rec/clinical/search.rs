//! Searching clinical entries: by patient (required), identifier, code,
//! date with prefixes, status; `_count` paging with next links; `_include`
//! of the author. Anything else is 422 INVALID_PARAMETER.

use std::sync::Arc;

use axum::extract::{Query, State as Extract};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};

use crate::fhir::gpc::{EntryType, Interaction};
use crate::reference::State;
use crate::reference::entry_shape::Shape;
use crate::reference::outcome::SpineCode;
use crate::reference::outcome::{Fhir, Outcome};
use crate::reference::rec::clinical::{Entry, admit, sees_restricted};
use crate::reference::rec::defects::RecDefect;

const DEFAULT_COUNT: usize = 50;
const MAX_COUNT: usize = 100;

fn invalid(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidParameter, msg)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Eq,
    Gt,
    Lt,
    Ge,
    Le,
}

/// A date parameter: a prefix and the interval `[from, to)` its value
/// covers at its precision (partial dates are UTC days, months, years).
#[derive(Debug, Clone, Copy)]
struct DateFilter {
    prefix: Prefix,
    from: OffsetDateTime,
    to: OffsetDateTime,
}

impl DateFilter {
    fn parse(v: &str) -> Result<Self, String> {
        let (prefix, rest) = match v.get(..2) {
            Some(p) if p.bytes().all(|b| b.is_ascii_alphabetic()) => {
                let prefix = match p {
                    "eq" => Prefix::Eq,
                    "gt" => Prefix::Gt,
                    "lt" => Prefix::Lt,
                    "ge" => Prefix::Ge,
                    "le" => Prefix::Le,
                    other => return Err(format!("prefix `{other}` is not supported (eq, gt, lt, ge, le)")),
                };
                (prefix, &v[2..])
            }
            _ => (Prefix::Eq, v),
        };
        let (from, to) = interval(rest)
            .ok_or_else(|| format!("`{rest}` is not a date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)"))?;
        Ok(Self { prefix, from, to })
    }

    /// `eq_instant` reads Eq as the interval's first instant alone (a defect).
    fn matches(&self, t: OffsetDateTime, as_eq: bool, eq_instant: bool) -> bool {
        match if as_eq { Prefix::Eq } else { self.prefix } {
            Prefix::Eq if eq_instant => t == self.from,
            Prefix::Eq => self.from <= t && t < self.to,
            Prefix::Gt => t >= self.to,
            Prefix::Lt => t < self.from,
            Prefix::Ge => t >= self.from,
            Prefix::Le => t < self.to,
        }
    }
}

fn interval(v: &str) -> Option<(OffsetDateTime, OffsetDateTime)> {
    if v.len() > 10 {
        let t = OffsetDateTime::parse(v, &Rfc3339).ok()?;
        return Some((t, t + time::Duration::seconds(1)));
    }
    let num = |s: Option<&str>| s.filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse::<u16>().ok());
    let parts: Vec<&str> = v.split('-').collect();
    let year = num(parts.first().copied()).filter(|_| parts[0].len() == 4)? as i32;
    let day = |y: i32, m: u8, d: u8| {
        Some(Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()?.midnight().assume_utc())
    };
    match parts[..] {
        [_] => Some((day(year, 1, 1)?, day(year + 1, 1, 1)?)),
        [_, m] if m.len() == 2 => {
            let m = num(Some(m))? as u8;
            let next = if m == 12 { day(year + 1, 1, 1)? } else { day(year, m + 1, 1)? };
            Some((day(year, m, 1)?, next))
        }
        [_, m, d] if m.len() == 2 && d.len() == 2 => {
            let from = day(year, num(Some(m))? as u8, num(Some(d))? as u8)?;
            Some((from, from + time::Duration::days(1)))
        }
        _ => None,
    }
}

/// A token: `system|code`, `|code` or `code`.
fn token_matches(token: &str, system: Option<&str>, code: Option<&str>) -> bool {
    match token.split_once('|') {
        Some(("", c)) => system.is_none() && code == Some(c),
        Some((s, c)) => system == Some(s) && code == Some(c),
        None => code == Some(token),
    }
}

struct Query_ {
    patient: String,
    identifiers: Vec<String>,
    codes: Vec<String>,
    dates: Vec<DateFilter>,
    statuses: Vec<String>,
    count: usize,
    offset: usize,
    include: bool,
}

fn parse(s: &State, shape: &Shape, params: &[(String, String)]) -> Result<Query_, Outcome> {
    let lenient = s.defects.has(RecDefect::SearchAcceptsInvalidParameters);
    let mut q = Query_ {
        patient: String::new(),
        identifiers: vec![],
        codes: vec![],
        dates: vec![],
        statuses: vec![],
        count: DEFAULT_COUNT,
        offset: 0,
        include: false,
    };
    let number = |k: &str, v: &str, min: usize| -> Result<usize, Outcome> {
        v.parse::<usize>()
            .ok()
            .filter(|n| *n >= min)
            .ok_or_else(|| invalid(format!("{k} `{v}` must be a whole number ≥ {min}")))
    };
    for (k, v) in params {
        match k.as_str() {
            "patient" => q.patient = v.strip_prefix("Patient/").unwrap_or(v).to_string(),
            "identifier" => q.identifiers.extend(v.split(',').map(str::to_string)),
            "code" => q.codes.extend(v.split(',').map(str::to_string)),
            "_count" => q.count = number(k, v, 1)?.min(MAX_COUNT),
            "_offset" => q.offset = number(k, v, 0)?,
            "_include" if v == shape.include => q.include = !s.defects.has(RecDefect::SearchIgnoresInclude),
            "_include" => return Err(invalid(format!("_include `{v}` is not supported (only {})", shape.include))),
            k if k == shape.date_param => match DateFilter::parse(v) {
                Ok(f) => q.dates.push(f),
                Err(_) if lenient => {}
                Err(e) => return Err(invalid(format!("{k}: {e}"))),
            },
            k if k == shape.status_param => q.statuses.extend(v.split(',').map(str::to_string)),
            _ if lenient => {}
            k => return Err(invalid(format!("`{k}` is not a search parameter of {}", shape.ty.name()))),
        }
    }
    if q.patient.is_empty() {
        return Err(invalid("patient is required: entries are searched within one patient's record"));
    }
    Ok(q)
}

fn when(shape: &Shape, r: &Value) -> Option<OffsetDateTime> {
    let v = r.pointer(shape.when).and_then(Value::as_str)?;
    OffsetDateTime::parse(v, &Rfc3339).ok().or_else(|| interval(v).map(|(from, _)| from))
}

fn matches(s: &State, shape: &Shape, q: &Query_, e: &Entry) -> bool {
    let d = |x| s.defects.has(x);
    let r = e.current();
    let patient = r.pointer(shape.patient).and_then(Value::as_str).and_then(|p| p.strip_prefix("Patient/"));
    if patient != Some(q.patient.as_str()) {
        return false;
    }
    if shape.is_entered_in_error(r) && !d(RecDefect::EnteredInErrorSearchable) {
        return false;
    }
    let ids = crate::entries::identifiers(r);
    if !q.identifiers.is_empty()
        && !d(RecDefect::SearchIgnoresIdentifier)
        && !q.identifiers.iter().any(|t| ids.iter().any(|(sys, v)| token_matches(t, Some(sys), Some(v))))
    {
        return false;
    }
    let codings: Vec<&Value> =
        r.pointer(shape.code).and_then(|c| c.get("coding")).and_then(Value::as_array).into_iter().flatten().collect();
    let coded = |t: &str| {
        codings.iter().any(|c| {
            let (system, code) = (c.get("system").and_then(Value::as_str), c.get("code").and_then(Value::as_str));
            if d(RecDefect::CodeSearchNeedsSystem) && !t.contains('|') {
                return false;
            }
            if d(RecDefect::CodeSearchSystemUnsupported) {
                return code == Some(t);
            }
            token_matches(t, system, code)
        })
    };
    if !q.codes.is_empty() && !d(RecDefect::SearchIgnoresCode) && !q.codes.iter().any(|t| coded(t)) {
        return false;
    }
    if !q.dates.is_empty() {
        let as_eq = d(RecDefect::SearchDatePrefixesAsEq);
        match when(shape, r) {
            Some(t) if q.dates.iter().all(|f| f.matches(t, as_eq, d(RecDefect::DateSearchEqExactInstant))) => {}
            _ => return false,
        }
    }
    let status = r.pointer(shape.status).and_then(Value::as_str).unwrap_or_default();
    if !q.statuses.is_empty() && !d(RecDefect::SearchIgnoresStatus) && !q.statuses.iter().any(|v| v == status) {
        return false;
    }
    true
}

pub async fn search(
    Extract(s): Extract<Arc<State>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
    ty: EntryType,
) -> Response {
    let claims = match admit(&s, &headers, Interaction::SearchEntries(ty)) {
        Ok(c) => c,
        Err(o) => return o.into_response(),
    };
    let shape = Shape::of(ty);
    let q = match parse(&s, &shape, &params) {
        Ok(q) => q,
        Err(o) => return o.into_response(),
    };
    let restricted_too = sees_restricted(&claims);
    let mut found: Vec<Entry> = s.entries.with(|all| {
        all.values()
            .filter(|e| e.ty == ty && (restricted_too || !e.restricted()) && matches(&s, &shape, &q, e))
            .cloned()
            .collect()
    });
    // Most recent first; the id breaks ties so pages are stable.
    found.sort_by(|a, b| when(&shape, b.current()).cmp(&when(&shape, a.current())).then_with(|| a.id.cmp(&b.id)));
    let total = found.len();
    let count = if s.defects.has(RecDefect::PagingIgnoresCount) { total.max(1) } else { q.count };
    let page: Vec<&Entry> = found.iter().skip(q.offset).take(count).collect();

    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let base = format!("http://{host}{}", s.base_path);
    let mut entry: Vec<Value> = page
        .iter()
        .map(|e| {
            json!({ "fullUrl": format!("{base}/{}/{}", ty.name(), e.id), "resource": e.current(), "search": { "mode": "match" } })
        })
        .collect();
    if q.include {
        let mut seen = std::collections::BTreeSet::new();
        for e in &page {
            let Some(pid) =
                e.current().pointer(shape.author).and_then(Value::as_str).and_then(|a| a.strip_prefix("Practitioner/"))
            else {
                continue;
            };
            if let Some(p) = s.store.practitioners.iter().find(|p| p.id == pid)
                && seen.insert(pid.to_string())
            {
                entry.push(json!({ "fullUrl": format!("{base}/Practitioner/{pid}"), "resource": p.resource, "search": { "mode": "include" } }));
            }
        }
    }
    let link = |offset: usize| {
        let mut pairs: Vec<(String, String)> = params.iter().filter(|(k, _)| k != "_offset").cloned().collect();
        pairs.push(("_offset".into(), offset.to_string()));
        let mut url = format!("{base}/{}", ty.name());
        if let Ok(mut u) = reqwest::Url::parse(&url) {
            u.query_pairs_mut().extend_pairs(pairs);
            url = u.to_string();
        }
        url
    };
    let mut links = vec![json!({ "relation": "self", "url": link(q.offset) })];
    if q.offset + page.len() < total {
        let next = if s.defects.has(RecDefect::NextLinkRepeatsPage) { q.offset } else { q.offset + page.len() };
        links.push(json!({ "relation": "next", "url": link(next) }));
    }
    let mut bundle = crate::reference::searchset(entry, total);
    bundle["link"] = json!(links);
    Fhir::ok(bundle).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(v: &str) -> OffsetDateTime {
        OffsetDateTime::parse(v, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    #[test]
    fn date_prefixes_follow_the_value_s_precision() {
        let jun = at("2003-06-15T09:00:00Z");
        let cases = [
            ("2003-06-15", true),
            ("eq2003-06", true),
            ("ge2003-06-15", true),
            ("gt2003-06-15", false),
            ("le2003-06-15", true),
            ("lt2003-06-15", false),
            ("gt2003-06-14", true),
            ("lt2003", false),
            ("ge2003-06-15T09:00:00Z", true),
            ("gt2003-06-15T09:00:00Z", false),
            ("le2003-12", true),
        ];
        for (v, want) in cases {
            let f = DateFilter::parse(v);
            assert_eq!(f.map(|f| f.matches(jun, false, false)), Ok(want), "{v}");
        }
    }

    #[test]
    fn bad_dates_and_prefixes_are_refused() {
        for v in
            ["sa2003", "ne2003-01-01", "2003-13", "2003-02-30", "03-01-01", "2003-1-1", "", "ge", "2003-06-15T09:00"]
        {
            assert!(DateFilter::parse(v).is_err(), "{v}");
        }
    }

    #[test]
    fn tokens() {
        assert!(token_matches("http://snomed.info/sct|195967001", Some("http://snomed.info/sct"), Some("195967001")));
        assert!(token_matches("195967001", Some("x"), Some("195967001")));
        assert!(!token_matches("|195967001", Some("x"), Some("195967001")));
        assert!(!token_matches("a|1", Some("b"), Some("1")));
    }
}
