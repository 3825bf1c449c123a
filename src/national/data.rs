//! What the hosted national services serve: `fixtures/national.json`, with
//! PDS also serving `fixtures/pds.json` and the practice's own patients.

use serde::Deserialize;

use crate::fixtures::{FixturePack, PdsPatient};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherPractice {
    pub ods_code: String,
    pub asid: String,
    pub name: String,
    pub purpose: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mesh {
    /// The mailbox the candidate sends to.
    pub recipient: String,
    pub workflow: String,
    /// The key NHSMESH authorisation HMACs are computed with.
    pub shared_key: String,
    /// Every mailbox's password in the test environment.
    pub password: String,
    pub purpose: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "_comment", default)]
    _comment: String,
    pds: Vec<PdsPatient>,
    other_practice: OtherPractice,
    mesh: Mesh,
}

#[derive(Debug, Clone)]
pub struct NationalData {
    /// Every patient PDS answers for: the consumer-test patients first.
    pub pds: Vec<PdsPatient>,
    /// How many of `pds` are national.json's own (the rest come from the
    /// provider-side fixtures).
    pub own: usize,
    pub other_practice: OtherPractice,
    pub mesh: Mesh,
}

impl NationalData {
    pub fn embedded() -> Result<Self, crate::fixtures::FixtureError> {
        let err = |message: String| crate::fixtures::FixtureError { file: "national.json".into(), message };
        let bytes = crate::support::embedded::find(crate::support::embedded::FIXTURES, "national.json")
            .ok_or_else(|| err("is missing".into()))?;
        let file: File = serde_json::from_slice(bytes).map_err(|e| err(format!("is not valid: {e}")))?;
        for p in &file.pds {
            for n in std::iter::once(&p.nhs_number).chain(&p.superseded) {
                crate::fhir::nhs::validate(n).map_err(|e| err(format!("{}: NHS number `{n}`: {e}", p.key)))?;
            }
        }
        let pack = FixturePack::embedded()?;
        Ok(Self::from_parts(file, &pack))
    }

    /// The embedded data, read once per process.
    pub fn shared() -> Result<&'static Self, String> {
        static DATA: std::sync::OnceLock<Result<NationalData, String>> = std::sync::OnceLock::new();
        DATA.get_or_init(|| Self::embedded().map_err(|e| e.to_string())).as_ref().map_err(Clone::clone)
    }

    fn from_parts(file: File, pack: &FixturePack) -> Self {
        let mut pds = file.pds;
        let listed =
            pds.iter().filter(|p| p.key.strip_prefix("trace").is_some_and(|n| n.parse::<u32>().is_ok())).count();
        pds.extend(generated_pool(listed as u32 + 1..=POOL_SIZE));
        let own = pds.len();
        pds.extend(pack.on_pds());
        Self { pds, own, other_practice: file.other_practice, mesh: file.mesh }
    }

    /// A consumer-test patient by key.
    pub fn patient(&self, key: &str) -> Option<&PdsPatient> {
        self.pds[..self.own].iter().find(|p| p.key == key)
    }

    /// The trace pool (`trace1`, `trace2`, ...), in order.
    pub fn trace_pool(&self) -> impl Iterator<Item = &PdsPatient> {
        self.pds[..self.own].iter().filter(|p| p.key.strip_prefix("trace").is_some_and(|n| n.parse::<u32>().is_ok()))
    }

    /// The record PDS holds for an NHS number, current or superseded.
    pub fn by_nhs_number(&self, n: &str) -> Option<&PdsPatient> {
        self.pds.iter().find(|p| p.nhs_number == n || p.superseded.iter().any(|s| s == n))
    }
}

/// How many trace-pool patients the hosted PDS holds: the features pick
/// from three ranges of 1000, one patient a range a run, so a long-lived
/// candidate is judged the same for 1000 runs.
pub const POOL_SIZE: u32 = 3000;

/// Surnames and given names for the generated pool; with a birth date a
/// day apart each, no two generated patients share family name and birth
/// date, so each trace finds exactly one.
const FAMILIES: [&str; 24] = [
    "Ashby", "Bramwell", "Calloway", "Darrow", "Eastwood", "Fenwick", "Garside", "Hartley", "Ibbotson", "Jessop",
    "Kershaw", "Lockwood", "Marsden", "Newbould", "Oldroyd", "Pickles", "Quarmby", "Ramsden", "Sugden", "Thwaite",
    "Uttley", "Varley", "Whiteley", "Yeadon",
];
const GIVEN: [(&str, &str); 12] = [
    ("Alice", "female"),
    ("Bernard", "male"),
    ("Clara", "female"),
    ("Desmond", "male"),
    ("Edith", "female"),
    ("Frank", "male"),
    ("Gwen", "female"),
    ("Harold", "male"),
    ("Irene", "female"),
    ("Jack", "male"),
    ("Kathleen", "female"),
    ("Leonard", "male"),
];

/// `trace{n}` for each n: deterministic, so every run (and a re-judge)
/// sees the same pool. Written out here rather than listed in
/// `fixtures/national.json`, where 3000 near-identical lines would hide
/// the patients that each test one thing.
fn generated_pool(keys: std::ops::RangeInclusive<u32>) -> Vec<PdsPatient> {
    let first_day = time::macros::date!(1940 - 01 - 01);
    // Numbers 9990100000 and up: clear of the fixtures' 99900xxxxx; those
    // whose check digit would be 10 do not exist and are passed over.
    let mut numbers = (999_010_000u64..).filter_map(|stem| {
        let digits: Vec<u64> = stem.to_string().bytes().map(|b| u64::from(b - b'0')).collect();
        let sum: u64 = digits.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
        match 11 - sum % 11 {
            10 => None,
            11 => Some(format!("{stem}0")),
            c => Some(format!("{stem}{c}")),
        }
    });
    keys.map(|n| {
        let i = n as usize;
        let (given, gender) = GIVEN[i % GIVEN.len()];
        PdsPatient {
            key: format!("trace{n}"),
            nhs_number: numbers.next().unwrap_or_default(),
            family: FAMILIES[i % FAMILIES.len()].to_string(),
            given: given.to_string(),
            gender: gender.to_string(),
            birth_date: (first_day + time::Duration::days(i64::from(n))).to_string(),
            postcode: Some(format!("LS{} {}AB", 1 + i % 28, i % 10)),
            deceased: None,
            superseded: Vec::new(),
            sensitive: false,
            purpose: "Trace pool, generated (RFA-REC-046, 047).".into(),
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_national_data_loads() {
        let d = NationalData::embedded().expect("national.json");
        assert!(d.trace_pool().count() >= 6);
        assert_eq!(d.by_nhs_number("9990030146").map(|p| p.key.as_str()), Some("traceCurrent"));
        assert!(d.patient("traceDeceased").is_some_and(|p| p.deceased.is_some()));
        assert!(d.pds.len() > d.own, "PDS also serves the provider fixtures");
    }

    /// The pool is whole and every trace of it is unambiguous: valid, unique
    /// NHS numbers, and no other PDS record with its family name and birth
    /// date.
    #[test]
    fn the_trace_pool_has_pool_size_patients_each_traced_uniquely() {
        let d = NationalData::embedded().expect("national.json");
        let pool: Vec<&PdsPatient> = d.trace_pool().collect();
        assert_eq!(pool.len(), POOL_SIZE as usize);
        assert_eq!(pool.last().map(|p| p.key.as_str()), Some("trace3000"));
        let mut numbers = std::collections::HashSet::new();
        let mut traces = std::collections::HashMap::new();
        for p in &d.pds {
            assert!(numbers.insert(p.nhs_number.clone()), "{} repeats NHS number {}", p.key, p.nhs_number);
            assert!(crate::fhir::nhs::validate(&p.nhs_number).is_ok(), "{}: {}", p.key, p.nhs_number);
            *traces.entry((p.family.to_lowercase(), p.birth_date.clone())).or_insert(0) += 1;
        }
        for p in pool {
            assert_eq!(traces[&(p.family.to_lowercase(), p.birth_date.clone())], 1, "{} is not traced uniquely", p.key);
        }
    }
}
