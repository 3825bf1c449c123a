//! The `$gpc.getstructuredrecord` request: a FHIR `Parameters` resource,
//! checked against GP Connect's OperationDefinition and error table and
//! turned into a [`Query`]. Unknown parameters are not errors: they become
//! warnings that the response carries.

use serde_json::Value;

use crate::fhir::Views as _;
use crate::fhir::gpc;
use crate::reference::defect::DefectSet;
use crate::reference::inf::defects::InfDefect;
use crate::reference::outcome::Outcome;
use crate::reference::outcome::SpineCode;

/// An inclusive date range; either end may be open. Dates are `YYYY-MM-DD`,
/// which order as strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Period {
    pub start: Option<String>,
    pub end: Option<String>,
}

impl Period {
    /// Whether a date (or the date part of a dateTime) falls inside.
    pub fn contains(&self, when: &str) -> bool {
        let day = when.get(..10).unwrap_or(when);
        self.start.as_deref().is_none_or(|s| day >= s) && self.end.as_deref().is_none_or(|e| day <= e)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Medication {
    pub prescription_issues: bool,
    pub from: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// One (filterStatus, filterSignificance) pair per includeProblems
    /// parameter: GP Connect lets a consumer repeat includeProblems to ask
    /// for several pairs (official StructuredProblems "repeating pair
    /// values"); a problem matching any pair is returned.
    pub pairs: Vec<(Option<String>, Option<String>)>,
}

#[derive(Debug, Clone, Default)]
pub struct Consultations {
    pub period: Option<Period>,
    pub most_recent: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Immunisations {
    pub not_given: bool,
}

/// What a consumer asked for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub nhs_number: String,
    /// `Some(include resolved)`.
    pub allergies: Option<bool>,
    pub medication: Option<Medication>,
    pub problems: Option<Problems>,
    pub immunisations: Option<Immunisations>,
    pub consultations: Option<Consultations>,
    pub uncategorised: Option<Period>,
    pub investigations: Option<Period>,
    pub referrals: Option<Period>,
    /// `Some(upper bound)`.
    pub diary: Option<Option<String>>,
    /// Unrecognised parameters, as `name` or `name.part`.
    pub unknown: Vec<String>,
}

impl Query {
    /// Whether no clinical area is asked for (the patient and their GP alone).
    pub fn no_area(&self) -> bool {
        self.allergies.is_none()
            && self.medication.is_none()
            && self.problems.is_none()
            && self.immunisations.is_none()
            && self.consultations.is_none()
            && self.uncategorised.is_none()
            && self.investigations.is_none()
            && self.referrals.is_none()
            && self.diary.is_none()
    }
}

const AREAS: [(&str, &[&str]); 9] = [
    ("includeAllergies", &["includeResolvedAllergies"]),
    ("includeMedication", &["includePrescriptionIssues", "medicationSearchFromDate"]),
    ("includeConsultations", &["consultationSearchPeriod", "includeNumberOfMostRecent"]),
    ("includeProblems", &["filterStatus", "filterSignificance"]),
    ("includeImmunisations", &["includeNotGiven", "includeStatus"]),
    ("includeUncategorisedData", &["uncategorisedDataSearchPeriod"]),
    ("includeInvestigations", &["investigationSearchPeriod"]),
    ("includeReferrals", &["referralSearchPeriod"]),
    ("includeDiaryEntries", &["diaryEntriesSearchDate"]),
];

/// Part parameters that must not accompany `includeConsultations` or
/// `includeProblems` (GP Connect's "not permitted parameter combinations").
const NOT_WITH_CONSULTATIONS_OR_PROBLEMS: [&str; 6] = [
    "medicationSearchFromDate",
    "uncategorisedDataSearchPeriod",
    "referralSearchPeriod",
    "diaryEntriesSearchDate",
    "includeNotGiven",
    "includeStatus",
];

fn invalid_parameter(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidParameter, msg)
}

fn invalid_resource(msg: impl Into<String>) -> Outcome {
    Outcome::new(SpineCode::InvalidResource, msg)
}

/// A whole date (no partial dates, no time or offset) that exists.
pub fn whole_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit()))?.parse::<u8>().ok();
    let (Some(month), Some(day)) = (num(5..7), num(8..10)) else { return false };
    let Some(year) = s.get(0..4).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<i32>().ok())
    else {
        return false;
    };
    time::Month::try_from(month).ok().and_then(|m| time::Date::from_calendar_date(year, m, day).ok()).is_some()
}

/// One part parameter: its name and value.
struct Part<'a> {
    name: &'a str,
    param: &'a Value,
}

impl<'a> Part<'a> {
    fn label(&self, parent: &str) -> String {
        format!("{parent}.{}", self.name)
    }

    fn boolean(&self, parent: &str) -> Result<bool, Outcome> {
        self.param
            .get("valueBoolean")
            .and_then(Value::as_bool)
            .ok_or_else(|| invalid_parameter(format!("{} needs a valueBoolean", self.label(parent))))
    }

    fn date(&self, parent: &str) -> Result<String, Outcome> {
        let v = self.param.get("valueDate").and_then(Value::as_str).unwrap_or_default();
        if whole_date(v) {
            Ok(v.to_string())
        } else {
            Err(invalid_parameter(format!(
                "{} needs a valueDate that is a whole date (YYYY-MM-DD), got {}",
                self.label(parent),
                self.param.get("valueDate").map_or("nothing".into(), Value::to_string)
            )))
        }
    }

    /// `reversed_ok` lets a period end before it starts (a defect).
    /// `ending_today_refused` takes a bound of today as in the future (a defect).
    fn period(
        &self,
        parent: &str,
        today: &str,
        reversed_ok: bool,
        ending_today_refused: bool,
    ) -> Result<Period, Outcome> {
        let label = self.label(parent);
        let Some(p) = self.param.get("valuePeriod").and_then(Value::as_object) else {
            return Err(invalid_parameter(format!("{label} needs a valuePeriod")));
        };
        let end_of = |k: &str| -> Result<Option<String>, Outcome> {
            match p.get(k) {
                None => Ok(None),
                Some(Value::String(s)) if whole_date(s) => Ok(Some(s.clone())),
                Some(other) => Err(invalid_parameter(format!(
                    "{label}.{k} must be a whole date (YYYY-MM-DD) with no time or offset, got {other}"
                ))),
            }
        };
        let period = Period { start: end_of("start")?, end: end_of("end")? };
        if period.start.is_none() && period.end.is_none() {
            return Err(invalid_parameter(format!("{label} has neither a start nor an end")));
        }
        for (k, d) in [("start", &period.start), ("end", &period.end)] {
            if let Some(d) = d
                && (d.as_str() > today || (ending_today_refused && d.as_str() == today))
            {
                return Err(invalid_parameter(format!("{label}.{k} {d} is after today ({today})")));
            }
        }
        if let (Some(s), Some(e)) = (&period.start, &period.end)
            && s > e
            && !reversed_ok
        {
            return Err(invalid_parameter(format!("{label} starts ({s}) after it ends ({e})")));
        }
        Ok(period)
    }
}

/// Parses and checks a request body. `today` is `YYYY-MM-DD`.
pub fn parse(body: &[u8], today: &str, defects: &DefectSet) -> Result<Query, Outcome> {
    let d = |x| defects.has(x);
    let doc: Value = serde_json::from_slice(body)
        .map_err(|e| invalid_resource(format!("the request body is not a JSON FHIR resource: {e}")))?;
    if doc.as_resource().resource_type() != Some("Parameters") {
        return Err(invalid_resource("the request body must be a Parameters resource"));
    }
    let params = match doc.get("parameter") {
        Some(Value::Array(a)) => a.as_slice(),
        None => &[],
        Some(_) => return Err(invalid_resource("Parameters.parameter must be an array")),
    };
    let mut q = Query::default();
    let mut seen: Vec<&str> = Vec::new();
    let mut nhs: Option<&Value> = None;
    for p in params {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            return Err(invalid_resource("every parameter needs a name"));
        };
        let known = name == "patientNHSNumber" || AREAS.iter().any(|(n, _)| *n == name);
        if !known {
            if d(InfDefect::StructuredRejectsUnknownParameters) {
                return Err(invalid_parameter(format!("unknown parameter {name}")));
            }
            q.unknown.push(name.to_string());
            continue;
        }
        let repeatable = name == "includeProblems" && !d(InfDefect::ProblemsRepeatRefused);
        if seen.contains(&name) && !repeatable && !d(InfDefect::DuplicateParametersAccepted) {
            return Err(invalid_resource(format!("{name} may appear only once")));
        }
        seen.push(name);
        if name == "patientNHSNumber" {
            nhs = Some(p);
        }
    }
    let Some(nhs) = nhs else {
        return Err(if d(InfDefect::StructuredMissingNhsNumber400) {
            Outcome::new(SpineCode::BadRequest, "no patient")
        } else {
            invalid_parameter("the patientNHSNumber parameter is required")
        });
    };
    let system = nhs.pointer("/valueIdentifier/system").and_then(Value::as_str).unwrap_or_default();
    let number = nhs.pointer("/valueIdentifier/value").and_then(Value::as_str).unwrap_or_default();
    if system != gpc::NHS_NUMBER_SYSTEM && !d(InfDefect::StructuredAnyIdentifierSystem) {
        return Err(Outcome::new(
            SpineCode::InvalidIdentifierSystem,
            format!("patientNHSNumber.valueIdentifier.system must be {}, got `{system}`", gpc::NHS_NUMBER_SYSTEM),
        ));
    }
    if let Err(e) = crate::fhir::nhs::validate(number) {
        let check_digit_only = matches!(e, crate::fhir::nhs::NhsNumberError::CheckDigit);
        if !(check_digit_only && d(InfDefect::StructuredNoModulus11)) {
            return Err(Outcome::new(
                SpineCode::InvalidNhsNumber,
                format!("`{number}` is not a valid NHS number: {e}"),
            ));
        }
    }
    q.nhs_number = number.to_string();

    for p in params {
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        let Some((_, allowed)) = AREAS.iter().find(|(n, _)| *n == name) else { continue };
        let mut parts: Vec<Part<'_>> = Vec::new();
        for part in p.get("part").and_then(Value::as_array).into_iter().flatten() {
            let Some(pname) = part.get("name").and_then(Value::as_str) else {
                return Err(invalid_resource(format!("every part of {name} needs a name")));
            };
            let unsupported = pname == "filterSignificance" && d(InfDefect::FilterSignificanceUnsupported);
            if !allowed.contains(&pname) || unsupported {
                if !d(InfDefect::UnknownPartsSilent) {
                    q.unknown.push(format!("{name}.{pname}"));
                }
                continue;
            }
            if parts.iter().any(|x| x.name == pname) && !d(InfDefect::DuplicateParametersAccepted) {
                return Err(invalid_resource(format!("{name}.{pname} may appear only once")));
            }
            parts.push(Part { name: pname, param: part });
        }
        let part = |n: &str| parts.iter().find(|x| x.name == n);
        // Every area's search period is read alike.
        let period_part = |n: &str| {
            let (reversed_ok, today_refused) =
                (d(InfDefect::SearchPeriodReversedAccepted), d(InfDefect::PeriodEndingTodayRefused));
            part(n).map(|x| x.period(name, today, reversed_ok, today_refused)).transpose()
        };
        match name {
            "includeAllergies" => {
                let resolved = match part("includeResolvedAllergies") {
                    Some(x) => x.boolean(name)?,
                    None if d(InfDefect::ResolvedAllergiesPartOptional) => false,
                    None => {
                        return Err(invalid_parameter("includeAllergies needs its includeResolvedAllergies part"));
                    }
                };
                q.allergies = Some(resolved);
            }
            "includeMedication" => {
                let prescription_issues = part("includePrescriptionIssues").map(|x| x.boolean(name)).transpose()?;
                let from = part("medicationSearchFromDate").map(|x| x.date(name)).transpose()?;
                if let Some(f) = &from
                    && f.as_str() > today
                    && !d(InfDefect::MedicationFutureDateAccepted)
                {
                    return Err(invalid_parameter(format!(
                        "includeMedication.medicationSearchFromDate {f} is after today ({today})"
                    )));
                }
                q.medication = Some(Medication { prescription_issues: prescription_issues.unwrap_or(true), from });
            }
            "includeConsultations" => {
                let period = period_part("consultationSearchPeriod")?;
                let most_recent = match part("includeNumberOfMostRecent") {
                    None => None,
                    Some(x) => match x.param.get("valuePositiveInt").and_then(Value::as_u64) {
                        Some(n) if n >= 1 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
                        _ => {
                            return Err(invalid_parameter(
                                "includeConsultations.includeNumberOfMostRecent needs a valuePositiveInt of 1 or more",
                            ));
                        }
                    },
                };
                if period.is_some() && most_recent.is_some() && !d(InfDefect::ConsultationFiltersCombined) {
                    return Err(invalid_resource(
                        "consultationSearchPeriod and includeNumberOfMostRecent cannot both be given",
                    ));
                }
                q.consultations = Some(Consultations { period, most_recent });
            }
            "includeProblems" => {
                let code = |n: &str, allowed: [&str; 2]| -> Result<Option<String>, Outcome> {
                    let Some(x) = part(n) else { return Ok(None) };
                    match x.param.get("valueCode").and_then(Value::as_str) {
                        Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
                        Some(_) if n == "filterStatus" && d(InfDefect::ProblemFilterStatusAnyValue) => Ok(None),
                        Some(_) if n == "filterSignificance" && d(InfDefect::ProblemFilterSignificanceAnyValue) => {
                            Ok(None)
                        }
                        other => Err(invalid_parameter(format!(
                            "includeProblems.{n} must be {} or {}, got {}",
                            allowed[0],
                            allowed[1],
                            other.map_or("no valueCode".into(), |v| format!("`{v}`"))
                        ))),
                    }
                };
                let pair =
                    (code("filterStatus", ["active", "inactive"])?, code("filterSignificance", ["major", "minor"])?);
                q.problems.get_or_insert_with(Problems::default).pairs.push(pair);
            }
            "includeImmunisations" => {
                let not_given = part("includeNotGiven").map(|x| x.boolean(name)).transpose()?.unwrap_or(false);
                part("includeStatus").map(|x| x.boolean(name)).transpose()?;
                q.immunisations = Some(Immunisations { not_given });
            }
            "includeUncategorisedData" => {
                let period = period_part("uncategorisedDataSearchPeriod")?;
                q.uncategorised = Some(period.unwrap_or_default());
            }
            "includeInvestigations" => {
                let period = period_part("investigationSearchPeriod")?;
                q.investigations = Some(period.unwrap_or_default());
            }
            "includeReferrals" => {
                let period = period_part("referralSearchPeriod")?;
                q.referrals = Some(period.unwrap_or_default());
            }
            _ => {
                let date = part("diaryEntriesSearchDate").map(|x| x.date(name)).transpose()?;
                if let Some(day) = &date
                    && day.as_str() < today
                    && !d(InfDefect::DiaryPastDateAccepted)
                {
                    return Err(invalid_parameter(format!(
                        "includeDiaryEntries.diaryEntriesSearchDate {day} is before today ({today})"
                    )));
                }
                q.diary = Some(date);
            }
        }
        if (name == "includeConsultations" || name == "includeProblems")
            && !d(InfDefect::ParameterCombinationsUnchecked)
        {
            check_combinations(name, params)?;
        }
    }
    Ok(q)
}

fn check_combinations(with: &str, params: &[Value]) -> Result<(), Outcome> {
    let mut forbidden: Vec<&str> = NOT_WITH_CONSULTATIONS_OR_PROBLEMS.to_vec();
    if with == "includeConsultations" {
        forbidden.extend(["filterStatus", "filterSignificance"]);
    }
    for p in params {
        for part in p.get("part").and_then(Value::as_array).into_iter().flatten() {
            let pname = part.get("name").and_then(Value::as_str).unwrap_or_default();
            if forbidden.contains(&pname) {
                let parent = p.get("name").and_then(Value::as_str).unwrap_or_default();
                return Err(invalid_parameter(format!("{parent}.{pname} cannot be combined with {with}")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(extra: Value) -> Vec<u8> {
        let mut params = vec![json!({
            "name": "patientNHSNumber",
            "valueIdentifier": { "system": gpc::NHS_NUMBER_SYSTEM, "value": "9990000174" }
        })];
        if let Value::Array(more) = extra {
            params.extend(more);
        }
        json!({ "resourceType": "Parameters", "parameter": params }).to_string().into_bytes()
    }

    fn code(r: Result<Query, Outcome>) -> &'static str {
        r.map_or_else(|o| o.code.code(), |_| "OK")
    }

    proptest::proptest! {
        /// Whatever a consumer posts, the parser answers (a query or an
        /// OperationOutcome) and never panics.
        #[test]
        fn any_body_is_answered(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            let _ = parse(&bytes, "2026-01-15", &DefectSet::none());
        }

        #[test]
        fn any_part_values_are_answered(
            area in 0usize..AREAS.len(),
            part_index in 0usize..3,
            junk in "[a-zA-Z]{0,12}",
            value in proptest::prelude::any::<String>(),
            kind in 0usize..6,
        ) {
            let key = ["valueBoolean", "valueDate", "valuePeriod", "valueCode", "valuePositiveInt", "valueString"][kind];
            let v = match kind {
                2 => json!({ "start": value.clone(), "end": value }),
                4 => json!(value.len()),
                _ => json!(value),
            };
            let (name, parts) = AREAS[area];
            let part = parts.get(part_index).map_or(junk, |p| (*p).to_string());
            let extra = json!([{ "name": name, "part": [{ "name": part, key: v }] }]);
            let _ = parse(&body(extra), "2026-01-15", &DefectSet::none());
        }
    }

    #[test]
    fn dates_are_whole_and_real() {
        for ok in ["2024-02-29", "1999-12-31"] {
            assert!(whole_date(ok), "{ok}");
        }
        for bad in
            ["2023-02-29", "2014", "2014-02", "2015-10-23T11:08:32", "X2014-01-01", "", "2024-13-01", "2024-1-01"]
        {
            assert!(!whole_date(bad), "{bad}");
        }
    }

    #[test]
    fn the_error_table() {
        let none = DefectSet::none();
        let today = "2026-01-15";
        let p = |v: Value| code(parse(&body(v), today, &none));
        assert_eq!(p(json!([])), "OK");
        assert_eq!(code(parse(b"{", today, &none)), "INVALID_RESOURCE");
        assert_eq!(code(parse(br#"{"resourceType":"Bundle"}"#, today, &none)), "INVALID_RESOURCE");
        assert_eq!(code(parse(br#"{"resourceType":"Parameters","parameter":[]}"#, today, &none)), "INVALID_PARAMETER");
        assert_eq!(p(json!([{ "name": "includeAllergies" }])), "INVALID_PARAMETER");
        assert_eq!(
            p(
                json!([{ "name": "includeAllergies", "part": [{ "name": "includeResolvedAllergies", "valueBoolean": true }] }])
            ),
            "OK"
        );
        let period = |s: &str, e: &str| json!([{ "name": "includeInvestigations", "part": [{ "name": "investigationSearchPeriod", "valuePeriod": { "start": s, "end": e } }] }]);
        assert_eq!(p(period("2020-01-01", "2021-01-01")), "OK");
        assert_eq!(p(period("2021-01-01", "2020-01-01")), "INVALID_PARAMETER");
        assert_eq!(p(period("2020-01-01", "2026-01-16")), "INVALID_PARAMETER");
        assert_eq!(p(period("2020-01", "2021-01-01")), "INVALID_PARAMETER");
        assert_eq!(p(period("2026-01-15", "2026-01-15")), "OK");
        let both = json!([{ "name": "includeConsultations", "part": [
            { "name": "consultationSearchPeriod", "valuePeriod": { "start": "2020-01-01" } },
            { "name": "includeNumberOfMostRecent", "valuePositiveInt": 3 }
        ] }]);
        assert_eq!(p(both), "INVALID_RESOURCE");
        let combo = json!([
            { "name": "includeProblems" },
            { "name": "includeMedication", "part": [{ "name": "medicationSearchFromDate", "valueDate": "2020-01-01" }] }
        ]);
        assert_eq!(p(combo), "INVALID_PARAMETER");
        let unknown = parse(&body(json!([{ "name": "includeMadeUp" }, { "name": "includeImmunisations", "part": [{ "name": "madeUp", "valueBoolean": true }] }])), today, &none)
            .expect("unknown parameters are warnings");
        assert_eq!(unknown.unknown, ["includeMadeUp", "includeImmunisations.madeUp"]);
        let dup = json!([{ "name": "includeMedication", "part": [
            { "name": "includePrescriptionIssues", "valueBoolean": true },
            { "name": "includePrescriptionIssues", "valueBoolean": false }
        ] }]);
        assert_eq!(p(dup), "INVALID_RESOURCE");
        let diary = |d: &str| json!([{ "name": "includeDiaryEntries", "part": [{ "name": "diaryEntriesSearchDate", "valueDate": d }] }]);
        assert_eq!(p(diary("2026-01-14")), "INVALID_PARAMETER");
        assert_eq!(p(diary("2026-01-15")), "OK");
    }
}
