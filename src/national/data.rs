//! What the hosted national services serve: `fixtures/national.json`, with
//! PDS also serving `fixtures/pds.json` and the practice's own patients.

use serde::Deserialize;

use crate::fixtures::FixturePack;

/// A patient as the hosted PDS knows them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalPatient {
    pub key: String,
    pub nhs_number: String,
    pub family: String,
    pub given: String,
    pub gender: String,
    pub birth_date: String,
    #[serde(default)]
    pub postcode: Option<String>,
    #[serde(default)]
    pub deceased: Option<String>,
    /// NHS numbers PDS retired in favour of this record's.
    #[serde(default)]
    pub superseded: Vec<String>,
    /// Restricted ("S-flagged"): PDS withholds where they live.
    #[serde(default)]
    pub restricted: bool,
    pub purpose: String,
}

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
    pds: Vec<NationalPatient>,
    other_practice: OtherPractice,
    mesh: Mesh,
}

#[derive(Debug, Clone)]
pub struct NationalData {
    /// Every patient PDS answers for: the consumer-test patients first.
    pub pds: Vec<NationalPatient>,
    /// How many of `pds` are national.json's own (the rest come from the
    /// provider-side fixtures).
    pub own: usize,
    pub other_practice: OtherPractice,
    pub mesh: Mesh,
}

impl NationalData {
    pub fn embedded() -> Result<Self, crate::fixtures::FixtureError> {
        let err = |message: String| crate::fixtures::FixtureError { file: "national.json".into(), message };
        let bytes = crate::embedded::find(crate::embedded::FIXTURES, "national.json")
            .ok_or_else(|| err("is missing".into()))?;
        let file: File = serde_json::from_slice(bytes).map_err(|e| err(format!("is not valid: {e}")))?;
        for p in &file.pds {
            for n in std::iter::once(&p.nhs_number).chain(&p.superseded) {
                crate::nhs::validate(n).map_err(|e| err(format!("{}: NHS number `{n}`: {e}", p.key)))?;
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
        let own = file.pds.len();
        let mut pds = file.pds;
        for p in pack.on_pds() {
            let superseded = pack.patients.get(&p.key).map(|f| f.former_nhs_numbers.clone()).unwrap_or_default();
            pds.push(NationalPatient {
                key: p.key,
                nhs_number: p.nhs_number,
                family: p.family,
                given: p.given,
                gender: p.gender,
                birth_date: p.birth_date,
                postcode: None,
                deceased: p.deceased,
                superseded,
                restricted: p.sensitive,
                purpose: p.purpose,
            });
        }
        Self { pds, own, other_practice: file.other_practice, mesh: file.mesh }
    }

    /// A consumer-test patient by key.
    pub fn patient(&self, key: &str) -> Option<&NationalPatient> {
        self.pds[..self.own].iter().find(|p| p.key == key)
    }

    /// The trace pool (`trace1`, `trace2`, ...), in order.
    pub fn trace_pool(&self) -> impl Iterator<Item = &NationalPatient> {
        self.pds[..self.own].iter().filter(|p| p.key.strip_prefix("trace").is_some_and(|n| n.parse::<u32>().is_ok()))
    }

    /// The record PDS holds for an NHS number, current or superseded.
    pub fn by_nhs_number(&self, n: &str) -> Option<&NationalPatient> {
        self.pds.iter().find(|p| p.nhs_number == n || p.superseded.iter().any(|s| s == n))
    }
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
}
