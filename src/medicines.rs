//! The test data's medicines knowledge: a small, real-shaped subset of dm+d
//! and SNOMED CT (`fixtures/terminology.json`) with what a prescribing
//! knowledge base says about it — controlled-drug schedules, units of
//! presentation, the allergy groups a product belongs to, and drug–drug
//! interactions with their severity.
//!
//! The harness reads it to name medicines in the pack by their display
//! ("Amoxicillin 500mg capsules") and send the national code; the reference
//! candidate reads it as its knowledge base. A supplier's own knowledge base
//! (dm+d, a commercial drug database) must reach the same conclusions for
//! these few concepts: that is what the KNW requirements test.

use std::sync::OnceLock;

use serde::Deserialize;

/// What kind of concept a code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ConceptClass {
    /// dm+d virtual therapeutic moiety: a drug, not something prescribable.
    #[serde(rename = "VTM")]
    Vtm,
    /// dm+d virtual medicinal product: prescribable.
    #[serde(rename = "VMP")]
    Vmp,
    /// dm+d actual medicinal product (a brand): prescribable.
    #[serde(rename = "AMP")]
    Amp,
    /// A SNOMED CT clinical finding (allergies, for example).
    #[serde(rename = "finding")]
    Finding,
}

impl ConceptClass {
    pub fn code(self) -> &'static str {
        match self {
            Self::Vtm => "VTM",
            Self::Vmp => "VMP",
            Self::Amp => "AMP",
            Self::Finding => "finding",
        }
    }

    /// Whether a prescription may name it (dm+d products only).
    pub fn prescribable(self) -> bool {
        matches!(self, Self::Vmp | Self::Amp)
    }
}

/// One concept of the subset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    pub code: String,
    pub display: String,
    pub class: ConceptClass,
    /// Inactive concepts (dm+d "invalid", SNOMED CT retired) stay
    /// look-up-able but may not be prescribed or recorded.
    #[serde(default = "yes")]
    pub active: bool,
    /// The medicine's active ingredient (products and VTMs).
    #[serde(default)]
    pub ingredient: Option<String>,
    /// The unit of presentation a quantity of the product is counted in.
    #[serde(default)]
    pub unit: Option<String>,
    /// Misuse of Drugs Regulations 2001 schedule (2–5), if controlled.
    #[serde(default)]
    pub schedule: Option<u8>,
    /// Allergy groups: a product belongs to them; an allergy finding is an
    /// allergy to them.
    #[serde(default)]
    pub groups: Vec<String>,
}

impl Concept {
    /// Schedules 2 and 3: quantity in words and figures, no repeatable
    /// prescriptions.
    pub fn needs_words(&self) -> bool {
        matches!(self.schedule, Some(2 | 3))
    }

    /// Schedules 2, 3 and 4: a prescription is valid for 28 days.
    pub fn short_validity(&self) -> bool {
        matches!(self.schedule, Some(2..=4))
    }
}

fn yes() -> bool {
    true
}

/// How serious an interaction is: `high` stops a prescription unless the
/// prescriber overrides it with a reason; `moderate` warns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Moderate,
    High,
}

impl Severity {
    /// The DetectedIssue.severity code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Moderate => "moderate",
            Self::High => "high",
        }
    }
}

/// A drug–drug interaction between two ingredients.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugInteraction {
    pub between: [String; 2],
    pub severity: Severity,
    pub detail: String,
}

/// The whole subset (a `_comment` at the top is allowed).
#[derive(Debug, Deserialize)]
pub struct Terminology {
    pub concepts: Vec<Concept>,
    pub interactions: Vec<DrugInteraction>,
}

impl Terminology {
    pub fn concept(&self, code: &str) -> Option<&Concept> {
        self.concepts.iter().find(|c| c.code == code)
    }

    /// The concept with this display, whatever its case.
    pub fn by_display(&self, display: &str) -> Option<&Concept> {
        self.concepts.iter().find(|c| c.display.eq_ignore_ascii_case(display))
    }

    /// The interaction between two ingredients, either way round.
    pub fn interaction(&self, a: &str, b: &str) -> Option<&DrugInteraction> {
        self.interactions
            .iter()
            .find(|i| (i.between[0] == a && i.between[1] == b) || (i.between[0] == b && i.between[1] == a))
    }
}

const SOURCE: &str = include_str!("../fixtures/terminology.json");

/// The subset shipped with the test data, parsed once.
pub fn terminology() -> &'static Terminology {
    static T: OnceLock<Terminology> = OnceLock::new();
    // The file is compiled in and checked by the tests below, so a parse
    // failure is a build defect, not something a user can cause.
    T.get_or_init(|| serde_json::from_str(SOURCE).expect("fixtures/terminology.json is valid (tested)"))
}

/// Writes a whole number in words, British style ("one hundred and
/// twelve"), as the Misuse of Drugs Regulations want a controlled drug's
/// quantity. By hand: the crates that do it pull in far more than this.
pub fn in_words(n: u32) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    fn below_hundred(n: u32) -> String {
        match n {
            0..=19 => ONES[n as usize].to_string(),
            _ if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
            _ => format!("{} {}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
        }
    }
    fn below_thousand(n: u32) -> String {
        match (n / 100, n % 100) {
            (0, r) => below_hundred(r),
            (h, 0) => format!("{} hundred", ONES[h as usize]),
            (h, r) => format!("{} hundred and {}", ONES[h as usize], below_hundred(r)),
        }
    }
    match (n / 1000, n % 1000) {
        (0, r) => below_thousand(r),
        (t, 0) => format!("{} thousand", below_thousand(t)),
        (t, r) if r < 100 => format!("{} thousand and {}", below_thousand(t), below_hundred(r)),
        (t, r) => format!("{} thousand {}", below_thousand(t), below_thousand(r)),
    }
}

/// Words as a prescriber may write them, reduced to compare: lower case,
/// hyphens as spaces, "and" dropped, single spaces.
pub fn normalise_words(s: &str) -> String {
    s.to_lowercase().replace('-', " ").split_whitespace().filter(|w| *w != "and").collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_parses_and_every_code_is_a_valid_concept_id() {
        let t = terminology();
        assert!(t.concepts.len() >= 24, "a few dozen concepts");
        for c in &t.concepts {
            assert_eq!(crate::terminology::check_concept_id(&c.code), Ok(()), "{} {}", c.code, c.display);
            if c.class.prescribable() {
                assert!(c.unit.is_some() && c.ingredient.is_some(), "{} needs a unit and an ingredient", c.display);
            }
        }
        let mut codes: Vec<&str> = t.concepts.iter().map(|c| c.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), t.concepts.len(), "codes are unique");
        for i in &t.interactions {
            for side in &i.between {
                assert!(t.concepts.iter().any(|c| c.ingredient.as_deref() == Some(side)), "{side} is an ingredient");
            }
        }
    }

    #[test]
    fn numbers_in_words() {
        assert_eq!(in_words(28), "twenty eight");
        assert_eq!(in_words(7), "seven");
        assert_eq!(in_words(60), "sixty");
        assert_eq!(in_words(112), "one hundred and twelve");
        assert_eq!(in_words(300), "three hundred");
        assert_eq!(in_words(1005), "one thousand and five");
        assert_eq!(in_words(2340), "two thousand three hundred and forty");
        assert_eq!(normalise_words("Twenty-Eight"), in_words(28));
        assert_eq!(normalise_words("one hundred and twelve"), normalise_words(&in_words(112)));
    }
}
