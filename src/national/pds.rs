//! A PDS-like patient trace (PDS FHIR R4: `GET Patient?…` and
//! `GET Patient/{nhs}`), as strict as PDS: the headers every request needs
//! (a bearer token, a UUID `X-Request-ID`, a numeric `NHSD-Session-URID` if
//! sent), echoed `X-Request-ID` and `X-Correlation-ID`, an `ETag` on read,
//! every search parameter PDS knows and the error code PDS gives each
//! mistake. It answers from the national data as PDS would: a superseded
//! NHS number with the current record, more matches than `_max-results`
//! (1 to 50, default 50 as for healthcare-worker access) as
//! `TOO_MANY_MATCHES`.
//!
//! The rules are from NHS Digital's published PDS FHIR API specification
//! (`specification/personal-demographics.yaml` and
//! `specification/components/paths/patient-search.yaml`).

use axum::extract::{Extension, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Value, json};

use super::{Shared, Sid, fhir};
use crate::fhir::gpc::{self, NHS_NUMBER_SYSTEM};
use crate::fixtures::PdsPatient;

/// An error code PDS answers with. Each comes with the HTTP status, FHIR
/// issue type and display PDS pairs it with (the error tables of
/// `patient-search.yaml` and `patient-get.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PdsCode {
    /// 401: the access token is missing or not one PDS accepts.
    AccessDenied,
    /// 400: a required header or query parameter is missing.
    MissingValue,
    /// 400: a header or query parameter has a value PDS does not take.
    InvalidValue,
    /// 400: the parameters do not make a search PDS runs.
    InvalidSearchData,
    /// 400: a search without any parameter, or a read without an NHS number.
    UnsupportedService,
    /// 400: a query parameter PDS does not know.
    AdditionalProperties,
    /// 400: what is read is not an NHS number.
    InvalidResourceId,
    /// 404: PDS holds no patient with that NHS number.
    ResourceNotFound,
}

impl PdsCode {
    fn parts(self) -> (StatusCode, &'static str, &'static str, &'static str) {
        match self {
            Self::AccessDenied => {
                (StatusCode::UNAUTHORIZED, "forbidden", "ACCESS_DENIED", "Access Denied - Unauthorised")
            }
            Self::MissingValue => (StatusCode::BAD_REQUEST, "required", "MISSING_VALUE", "Required value is missing"),
            Self::InvalidValue => (StatusCode::BAD_REQUEST, "value", "INVALID_VALUE", "Provided value is invalid"),
            Self::InvalidSearchData => {
                (StatusCode::BAD_REQUEST, "value", "INVALID_SEARCH_DATA", "Search data is invalid")
            }
            Self::UnsupportedService => {
                (StatusCode::BAD_REQUEST, "processing", "UNSUPPORTED_SERVICE", "Unsupported Service")
            }
            Self::AdditionalProperties => (
                StatusCode::BAD_REQUEST,
                "invariant",
                "ADDITIONAL_PROPERTIES",
                "Additional properties should not be included",
            ),
            Self::InvalidResourceId => {
                (StatusCode::BAD_REQUEST, "value", "INVALID_RESOURCE_ID", "Resource Id is invalid")
            }
            Self::ResourceNotFound => (StatusCode::NOT_FOUND, "not-found", "RESOURCE_NOT_FOUND", "Resource not found"),
        }
    }
}

/// A request PDS refuses: its code and what the diagnostics say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    pub code: PdsCode,
    pub diagnostics: String,
}

impl Refusal {
    fn new(code: PdsCode, diagnostics: impl Into<String>) -> Self {
        Self { code, diagnostics: diagnostics.into() }
    }

    /// INVALID_VALUE for a query parameter's value.
    fn invalid(value: &str, field: &str) -> Self {
        Self::new(PdsCode::InvalidValue, format!("Invalid value - '{value}' in field '{field}'"))
    }

    /// INVALID_SEARCH_DATA, saying why.
    fn search_data(why: &str) -> Self {
        Self::new(PdsCode::InvalidSearchData, format!("Invalid search data - {why}"))
    }

    /// The OperationOutcome PDS answers it with.
    pub fn response(&self) -> Response {
        let (status, issue, code, display) = self.code.parts();
        let body = json!({
            "resourceType": "OperationOutcome",
            "issue": [{
                "severity": "error",
                "code": issue,
                "details": { "coding": [{ "system": super::SPINE_R4_CODES, "version": "1", "code": code, "display": display }] },
                "diagnostics": self.diagnostics
            }]
        });
        fhir(status, &body)
    }
}

/// A header's value as text (lossy: a non-UTF-8 value is refused anyway).
fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// `8-4-4-4-12` hexadecimal digits, as PDS's `X-Request-ID` pattern has it.
pub(super) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The headers PDS checks before anything else, in the order it checks
/// them (`personal-demographics.yaml`, `components/parameters`):
/// `Authorization` a bearer token (401 ACCESS_DENIED), `X-Request-ID`
/// required and a UUID (400 MISSING_VALUE / INVALID_VALUE), and
/// `NHSD-Session-URID` optional but, if sent, a role id of digits (400
/// INVALID_VALUE). The hosted PDS cannot know which tokens and roles NHS
/// login or CIS2 issued, so any well-formed one passes.
fn check_headers(headers: &HeaderMap) -> Result<(), Refusal> {
    let denied = |why: &str| Err(Refusal::new(PdsCode::AccessDenied, why));
    match header(headers, "authorization").as_deref() {
        None => return denied("no Authorization header: PDS needs an OAuth 2.0 bearer token"),
        Some("") => return denied("the Authorization header is empty"),
        Some(a) => match a.strip_prefix("Bearer") {
            Some(token) if token.trim().is_empty() => return denied("the Authorization header has no access token"),
            Some(token)
                if token
                    .strip_prefix(' ')
                    .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic())) => {}
            _ => return denied("the Authorization header is not `Bearer <access token>`"),
        },
    }
    match header(headers, "x-request-id") {
        None => {
            return Err(Refusal::new(PdsCode::MissingValue, "X-Request-ID is required: a UUID, new for each request"));
        }
        Some(id) if !is_uuid(&id) => {
            return Err(Refusal::new(
                PdsCode::InvalidValue,
                format!("Invalid value - '{id}' in header 'X-Request-ID'"),
            ));
        }
        Some(_) => {}
    }
    if let Some(urid) = header(headers, "nhsd-session-urid")
        && (urid.is_empty() || !urid.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Refusal::new(
            PdsCode::InvalidValue,
            format!("Invalid value - '{urid}' in header 'NHSD-Session-URID'"),
        ));
    }
    Ok(())
}

/// Wraps every PDS route: refuses a request whose headers PDS would
/// refuse, and mirrors `X-Request-ID` and `X-Correlation-ID` back on the
/// answer, whatever it is, as PDS does.
pub async fn gate(req: Request, next: Next) -> Response {
    let echo: Vec<(&'static str, HeaderValue)> = ["x-request-id", "x-correlation-id"]
        .into_iter()
        .filter_map(|n| req.headers().get(n).filter(|v| !v.is_empty()).map(|v| (n, v.clone())))
        .collect();
    let mut response = match check_headers(req.headers()) {
        Ok(()) => next.run(req).await,
        Err(refusal) => refusal.response(),
    };
    for (name, value) in echo {
        response.headers_mut().insert(name, value);
    }
    response
}

/// A patient as PDS FHIR R4 returns them. A restricted patient is labelled
/// `R` in `meta.security` and comes without address (PDS also removes
/// telecom, contact and registered GP, which these records do not carry).
pub fn resource(p: &PdsPatient) -> Value {
    let mut r = json!({
        "resourceType": "Patient",
        "id": p.nhs_number,
        "identifier": [{ "system": NHS_NUMBER_SYSTEM, "value": p.nhs_number }],
        "meta": { "versionId": VERSION, "security": [gpc::confidentiality_label(p.sensitive)] },
        "name": [{ "use": "usual", "family": p.family, "given": [p.given] }],
        "gender": p.gender,
        "birthDate": p.birth_date,
    });
    if let Some(pc) = p.postcode.as_ref().filter(|_| !p.sensitive) {
        r["address"] = json!([{ "use": "home", "line": ["1 Test Street", "Leeds"], "postalCode": pc }]);
    }
    if let Some(d) = &p.deceased {
        r["deceasedDateTime"] = json!(format!("{d}T00:00:00+00:00"));
    }
    r
}

/// Every record's version: the hosted PDS is never updated.
const VERSION: &str = "1";
/// [`VERSION`] as the `ETag` PDS sends with a read.
const ETAG: &str = "W/\"1\"";

/// The search parameters PDS FHIR R4 knows (`GET /Patient`).
const SEARCH_PARAMETERS: [&str; 14] = [
    "_fuzzy-match",
    "_exact-match",
    "_history",
    "_max-results",
    "family",
    "given",
    "gender",
    "birthdate",
    "death-date",
    "address-postalcode",
    "address-postcode",
    "general-practitioner",
    "email",
    "phone",
];

/// PDS's four genders (the `gender` parameter's enum).
const GENDERS: [&str; 4] = ["male", "female", "other", "unknown"];

/// The longest family or given name PDS searches by.
const MAX_NAME: usize = 35;

/// What a match short of exact scores (PDS scores an exact match 1.0,
/// anything less below it; `_exact-match` keeps only the 1.0s).
const PARTIAL: f64 = 0.9;

/// A name or postcode as searched, lower-cased: `*` stands for any run of
/// characters, so without one only the whole value matches.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern(Vec<char>);

impl Pattern {
    /// A family or given name: at most 35 characters, a wildcard only
    /// after the first two.
    fn name(v: &str, field: &str) -> Result<Self, Refusal> {
        let p = Self(v.to_lowercase().chars().collect());
        if p.0.len() > MAX_NAME || p.0.iter().take(2).any(|&c| c == '*') {
            return Err(Refusal::invalid(v, field));
        }
        Ok(p)
    }

    /// A postcode: spaces do not count, a wildcard only after the first two
    /// characters.
    fn postcode(v: &str, field: &str) -> Result<Self, Refusal> {
        let p = Self(v.to_lowercase().chars().filter(|c| !c.is_whitespace()).collect());
        if p.0.iter().take(2).any(|&c| c == '*') {
            return Err(Refusal::invalid(v, field));
        }
        Ok(p)
    }

    fn wild(&self) -> bool {
        self.0.contains(&'*')
    }

    fn text(&self) -> String {
        self.0.iter().collect()
    }

    /// Whether it matches this (already lower-cased) value.
    fn matches(&self, value: &str) -> bool {
        let text: Vec<char> = value.chars().collect();
        let (p, t) = (&self.0, &text);
        let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
        while j < t.len() {
            if i < p.len() && p[i] == '*' {
                star = Some(i);
                mark = j;
                i += 1;
            } else if i < p.len() && p[i] == t[j] {
                i += 1;
                j += 1;
            } else if let Some(s) = star {
                i = s + 1;
                mark += 1;
                j = mark;
            } else {
                return false;
            }
        }
        p[i..].iter().all(|&c| c == '*')
    }
}

/// American Soundex: the letter, then the consonant classes that follow
/// (vowels separate repeats, `h` and `w` do not), to four characters. How
/// a fuzzy PDS search hears `Smith` in `Smythe`.
fn soundex(name: &str) -> Option<String> {
    let class = |c: char| match c {
        'b' | 'f' | 'p' | 'v' => Some('1'),
        'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => Some('2'),
        'd' | 't' => Some('3'),
        'l' => Some('4'),
        'm' | 'n' => Some('5'),
        'r' => Some('6'),
        _ => None,
    };
    let mut letters = name.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase());
    let first = letters.next()?;
    let mut code = first.to_ascii_uppercase().to_string();
    let mut last = class(first);
    for c in letters {
        let k = class(c);
        if k.is_some() && k != last {
            code.extend(k);
        }
        if c != 'h' && c != 'w' {
            last = k;
        }
        if code.len() == 4 {
            break;
        }
    }
    Some(format!("{code:0<4}"))
}

/// How a fuzzy search compares a searched name with a held one: the same
/// (1.0), the same sound (less), or no match.
fn sounds_like(searched: &Pattern, held: &str) -> Option<f64> {
    let searched = searched.text();
    let held = held.to_lowercase();
    if searched == held {
        Some(1.0)
    } else if soundex(&searched).is_some_and(|s| Some(s) == soundex(&held)) {
        Some(PARTIAL)
    } else {
        None
    }
}

/// A `birthdate` or `death-date` term: `eq` (or no prefix), `ge` or `le`,
/// and a date (`YYYY-MM-DD`, which compares as text in date order).
type DateTerm = (&'static str, String);

fn date_term(v: &str) -> Option<DateTerm> {
    let (op, date) = match v.get(..2) {
        Some("eq") => ("eq", &v[2..]),
        Some("ge") => ("ge", &v[2..]),
        Some("le") => ("le", &v[2..]),
        _ => ("eq", v),
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date, format).ok()?;
    Some((op, date.to_string()))
}

fn within(date: &str, (op, bound): &DateTerm) -> bool {
    match *op {
        "ge" => date >= bound.as_str(),
        "le" => date <= bound.as_str(),
        _ => date == bound,
    }
}

/// A search PDS would run, read from its query.
#[derive(Debug, Default)]
struct Search {
    fuzzy: bool,
    exact: bool,
    max: usize,
    family: Option<Pattern>,
    given: Vec<Pattern>,
    gender: Option<String>,
    birth: Vec<DateTerm>,
    death: Vec<DateTerm>,
    postcode: Option<Pattern>,
    practice: Option<String>,
    /// `email` or `phone`, which only exact matches satisfy.
    contact: bool,
}

impl Search {
    /// The query checked as PDS checks it, in its order: any parameter at
    /// all (UNSUPPORTED_SERVICE), known names (ADDITIONAL_PROPERTIES),
    /// each value (INVALID_VALUE), a birth date (MISSING_VALUE), then the
    /// combination (INVALID_SEARCH_DATA).
    fn parse(params: &[(String, String)]) -> Result<Self, Refusal> {
        if params.is_empty() {
            return Err(Refusal::new(PdsCode::UnsupportedService, "a search needs search parameters"));
        }
        let mut unknown: Vec<&str> = Vec::new();
        for (n, _) in params {
            if !SEARCH_PARAMETERS.contains(&n.as_str()) && !unknown.contains(&n.as_str()) {
                unknown.push(n);
            }
        }
        if !unknown.is_empty() {
            let names: Vec<String> = unknown.iter().map(|n| format!("'{n}'")).collect();
            return Err(Refusal::new(
                PdsCode::AdditionalProperties,
                format!(
                    "{} not a search parameter PDS knows (parameter names are case-sensitive)",
                    if names.len() == 1 { format!("{} is", names[0]) } else { format!("{} are", names.join(", ")) }
                ),
            ));
        }
        let all = |k: &'static str| {
            params.iter().filter(move |(n, _)| n == k).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
        };
        let one = |k: &'static str| all(k).next();
        let flag = |k: &'static str| match one(k) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(v) => Err(Refusal::invalid(v, k)),
        };
        let fuzzy = flag("_fuzzy-match")?;
        let exact = flag("_exact-match")?;
        // No history is held: `_history` only has to be well formed.
        flag("_history")?;
        let max = match one("_max-results") {
            None => 50,
            Some(m) => m
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=50).contains(n))
                .ok_or_else(|| Refusal::invalid(m, "_max-results"))?,
        };
        let gender = match one("gender") {
            Some(g) if !GENDERS.contains(&g) => return Err(Refusal::invalid(g, "gender")),
            g => g.map(str::to_string),
        };
        let dates = |k: &'static str| {
            all(k).map(|v| date_term(v).ok_or_else(|| Refusal::invalid(v, k))).collect::<Result<Vec<_>, _>>()
        };
        let (birth, death) = (dates("birthdate")?, dates("death-date")?);
        let family = one("family").map(|v| Pattern::name(v, "family")).transpose()?;
        let given = all("given").map(|v| Pattern::name(v, "given")).collect::<Result<Vec<_>, _>>()?;
        let postcode = match (one("address-postalcode"), one("address-postcode")) {
            (Some(_), Some(_)) => {
                return Err(Refusal::search_data(
                    "address-postalcode and address-postcode are the same search: give one",
                ));
            }
            (Some(v), None) => Some(Pattern::postcode(v, "address-postalcode")?),
            (None, Some(v)) => Some(Pattern::postcode(v, "address-postcode")?),
            (None, None) => None,
        };
        let practice = one("general-practitioner").map(str::to_lowercase);
        let contact = one("email").is_some() || one("phone").is_some();
        if birth.is_empty() {
            return Err(Refusal::new(
                PdsCode::MissingValue,
                "a date of birth (birthdate, or a range of two) is required to search",
            ));
        }
        if fuzzy {
            let wild = family.iter().chain(&given).chain(&postcode).any(Pattern::wild);
            let (f, g, sex, pc) = (family.is_some(), !given.is_empty(), gender.is_some(), postcode.is_some());
            if wild || !((g && f) || (f && sex && pc) || (g && sex && pc)) {
                return Err(Refusal::search_data(
                    "a fuzzy search takes no wildcards and needs given name, family name and date of birth, or gender and postcode with date of birth and one of the names",
                ));
            }
        } else if family.is_none() {
            return Err(Refusal::search_data("a search needs at least the family name and date of birth"));
        }
        Ok(Self { fuzzy, exact, max, family, given, gender, birth, death, postcode, practice, contact })
    }

    /// How well a patient matches: 1.0 exactly, less partly, None not at
    /// all.
    fn score(&self, p: &PdsPatient) -> Option<f64> {
        // A restricted patient is never found by where they live or whom
        // they are registered with.
        if p.sensitive && (self.postcode.is_some() || self.practice.is_some()) {
            return None;
        }
        // The hosted records carry no email address or phone number.
        if self.contact {
            return None;
        }
        if !self.birth.iter().all(|t| within(&p.birth_date, t)) {
            return None;
        }
        if self.gender.as_ref().is_some_and(|g| !g.eq_ignore_ascii_case(&p.gender)) {
            return None;
        }
        let postcode = p.postcode.as_deref().map(|pc| pc.to_lowercase().replace(char::is_whitespace, ""));
        let died = |terms: &[DateTerm]| p.deceased.as_ref().is_some_and(|d| terms.iter().all(|t| within(d, t)));
        if self.fuzzy {
            let mut score = self.fuzzy_names(p)?;
            // Matched on names and dates only; these only lower the score.
            if !self.death.is_empty() && !died(&self.death) {
                score -= 0.05;
            }
            if self.postcode.as_ref().is_some_and(|pc| postcode.as_deref().is_none_or(|held| !pc.matches(held))) {
                score -= 0.05;
            }
            if self.practice.is_some() {
                score -= 0.05;
            }
            return Some(score);
        }
        let family = p.family.to_lowercase();
        if self.family.as_ref().is_some_and(|f| !f.matches(&family)) {
            return None;
        }
        // The n-th given searched is the n-th given name held.
        let held = [p.given.to_lowercase()];
        if self.given.iter().enumerate().any(|(i, g)| held.get(i).is_none_or(|h| !g.matches(h))) {
            return None;
        }
        if !self.death.is_empty() && !died(&self.death) {
            return None;
        }
        if self.postcode.as_ref().is_some_and(|pc| postcode.as_deref().is_none_or(|held| !pc.matches(held))) {
            return None;
        }
        // Nor do they name a registered GP practice.
        if self.practice.is_some() {
            return None;
        }
        let wild = self.family.iter().chain(&self.given).chain(&self.postcode).any(Pattern::wild);
        Some(if wild { PARTIAL } else { 1.0 })
    }

    /// A fuzzy search's names: each the same or sounding the same, or the
    /// family and first given name the other way round.
    fn fuzzy_names(&self, p: &PdsPatient) -> Option<f64> {
        let pair = |family: &str, given: &str| -> Option<f64> {
            let f = self.family.as_ref().map_or(Some(1.0), |s| sounds_like(s, family))?;
            let g = self.given.first().map_or(Some(1.0), |s| sounds_like(s, given))?;
            Some(f.min(g))
        };
        pair(&p.family, &p.given).or_else(|| pair(&p.given, &p.family).map(|s| s.min(PARTIAL)))
    }
}

pub async fn search(
    State(h): State<Shared>,
    Extension(sid): Extension<Sid>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let search = match Search::parse(&params) {
        Ok(s) => s,
        Err(refusal) => return refusal.response(),
    };
    let mut found: Vec<(&PdsPatient, f64)> = h
        .data
        .pds
        .iter()
        .filter_map(|p| search.score(p).map(|s| (p, s)))
        .filter(|(_, s)| !search.exact || *s >= 1.0)
        .collect();
    if found.len() > search.max || h.with(&sid, |s| s.pds_too_many) {
        return fhir(StatusCode::OK, &too_many_matches());
    }
    // Best match first.
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    let entries: Vec<Value> = found
        .iter()
        .map(|(p, score)| {
            json!({
                "fullUrl": format!("{}pds/FHIR/R4/Patient/{}", h.base_of(&sid), p.nhs_number),
                "search": { "score": score },
                "resource": resource(p)
            })
        })
        .collect();
    let body = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": super::timestamp(),
        "total": entries.len(),
        "entry": entries
    });
    fhir(StatusCode::OK, &crate::fhir::omit_empty(body, &["entry"]))
}

/// PDS's answer when more patients match than `_max-results` allows: a
/// 200 with an OperationOutcome where a Bundle would be (PDS FHIR API,
/// `GET /Patient`: "it might contain a 'TOO_MANY_MATCHES' error").
fn too_many_matches() -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{
            "severity": "information",
            "code": "multiple-matches",
            "details": { "coding": [{
                "system": super::SPINE_R4_CODES,
                "version": "1",
                "code": "TOO_MANY_MATCHES",
                "display": "Too Many Matches"
            }] }
        }]
    })
}

/// `GET Patient/{nhs}`: the record, with its version as a weak `ETag`
/// (`W/"1"`, the `meta.versionId` PDS also gives).
pub async fn read(State(h): State<Shared>, Path(id): Path<String>) -> Response {
    if crate::fhir::nhs::validate(&id).is_err() {
        return Refusal::new(PdsCode::InvalidResourceId, format!("'{id}' is not a valid NHS number")).response();
    }
    match h.data.by_nhs_number(&id) {
        Some(p) => {
            let mut r = fhir(StatusCode::OK, &resource(p));
            r.headers_mut().insert("etag", HeaderValue::from_static(ETAG));
            r
        }
        None => Refusal::new(PdsCode::ResourceNotFound, format!("PDS holds no patient {id}")).response(),
    }
}

/// `GET Patient/` without an NHS number.
pub async fn read_nothing() -> Response {
    Refusal::new(PdsCode::UnsupportedService, "a read needs the patient's NHS number").response()
}
