//! Checks on coded data that need no terminology server: the form of a
//! SNOMED CT identifier (with its Verhoeff check digit) and UCUM units.
//!
//! Shared by the reference candidate (which must refuse bad codes) and the
//! harness (which checks what a candidate returns).

/// Why a string is not a SNOMED CT concept id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SctIdError {
    #[error("a SNOMED CT id is 6 to 18 digits")]
    Length,
    #[error("a SNOMED CT id has only digits")]
    NotDigits,
    #[error("a SNOMED CT id does not start with 0")]
    LeadingZero,
    #[error("partition identifier {0} is not a concept's (00 or 10)")]
    NotAConcept(String),
    #[error("the check digit is wrong (Verhoeff)")]
    CheckDigit,
}

// The Verhoeff tables: the dihedral group D5's multiplication, the
// position permutation and the inverse. Written out here because the
// algorithm is three tables and a loop; SNOMED CT's technical reference
// (section 6.7) publishes them.
const D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// Whether a digit string (check digit last) passes the Verhoeff check.
pub fn verhoeff_valid(digits: &str) -> bool {
    let mut c = 0u8;
    for (i, ch) in digits.bytes().rev().enumerate() {
        if !ch.is_ascii_digit() {
            return false;
        }
        c = D[c as usize][P[i % 8][(ch - b'0') as usize] as usize];
    }
    !digits.is_empty() && c == 0
}

/// The Verhoeff check digit to append to a digit string.
pub fn verhoeff_digit(digits: &str) -> Option<char> {
    let mut c = 0u8;
    for (i, ch) in digits.bytes().rev().enumerate() {
        if !ch.is_ascii_digit() {
            return None;
        }
        c = D[c as usize][P[(i + 1) % 8][(ch - b'0') as usize] as usize];
    }
    Some((b'0' + INV[c as usize]) as char)
}

/// Checks that `id` is a well-formed SNOMED CT concept id: 6–18 digits,
/// no leading zero, partition identifier 00 or 10, Verhoeff check digit.
pub fn check_concept_id(id: &str) -> Result<(), SctIdError> {
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SctIdError::NotDigits);
    }
    if !(6..=18).contains(&id.len()) {
        return Err(SctIdError::Length);
    }
    if id.starts_with('0') {
        return Err(SctIdError::LeadingZero);
    }
    let partition = &id[id.len() - 3..id.len() - 1];
    if partition != "00" && partition != "10" {
        return Err(SctIdError::NotAConcept(partition.to_string()));
    }
    if !verhoeff_valid(id) {
        return Err(SctIdError::CheckDigit);
    }
    Ok(())
}

/// Checks a UCUM unit code (the full UCUM grammar and tables, through the
/// `ucum-units` crate).
pub fn check_ucum(code: &str) -> Result<(), String> {
    ucum::validate(code).map_err(|e| e.to_string())
}

/// The unit an observation code is measured in, for the codes the profile
/// fixes (a reading in a unit of another dimension is refused).
pub fn expected_unit(snomed: &str) -> Option<&'static str> {
    Some(match snomed {
        "27113001" => "kg",      // body weight
        "50373000" => "cm",      // body height
        "271649006" => "mm[Hg]", // systolic blood pressure
        "271650006" => "mm[Hg]", // diastolic blood pressure
        "364075005" => "/min",   // heart rate
        "103228002" => "%",      // haemoglobin saturation with oxygen
        "431314004" => "%",      // peripheral oxygen saturation
        "18491006" => "L/min",   // peak expiratory flow rate
        "60621009" => "kg/m2",   // body mass index
        _ => return None,
    })
}

/// Whether `unit` measures the same kind of quantity as `expected`.
pub fn same_dimension(unit: &str, expected: &str) -> bool {
    ucum::is_comparable(unit, expected).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verhoeff_matches_published_examples() {
        // Wikipedia's worked example: 236 takes check digit 3.
        assert_eq!(verhoeff_digit("236"), Some('3'));
        assert!(verhoeff_valid("2363"));
        assert!(!verhoeff_valid("2364"));
        // 12345 takes 1 (a commonly quoted test vector).
        assert_eq!(verhoeff_digit("12345"), Some('1'));
        assert!(!verhoeff_valid(""));
        assert!(!verhoeff_valid("23a3"));
    }

    #[test]
    fn real_concept_ids_pass() {
        // Concepts from the International Edition, among them ones whose
        // digits exercise every row of the permutation table.
        let ids = [
            "22298006",
            "195967001",
            "73211009",
            "38341003",
            "27113001",
            "716186003",
            "35489007",
            "278662003",
            "50270004",
            "87628006",
            "189914005",
            "24700007",
            "10394003",
            "53322007",
            "195030007",
            "68116008",
            "44054006",
        ];
        for id in ids {
            assert_eq!(check_concept_id(id), Ok(()), "{id}");
        }
    }

    #[test]
    fn dmd_extension_ids_pass_and_published_typos_fail() {
        // UK extension (dm+d) ids, partition 10, as NHS England's EPS and
        // FHIR examples publish them.
        for id in ["39732311000001104", "36126511000001106", "42137211000001105", "41946511000001109"] {
            assert_eq!(check_concept_id(id), Ok(()), "{id}");
        }
        // Ids published wrong: a public code list whose last digits were
        // mangled (39692211000001107 is right), and a typo in NHS England's
        // GP Connect demonstrator data (for 320818006).
        assert_eq!(check_concept_id("39692211000001104"), Err(SctIdError::CheckDigit));
        assert_eq!(check_concept_id("3200818006"), Err(SctIdError::CheckDigit));
    }

    #[test]
    fn malformed_concept_ids_fail_for_the_right_reason() {
        assert_eq!(check_concept_id("22298007"), Err(SctIdError::CheckDigit));
        assert_eq!(check_concept_id("12345"), Err(SctIdError::Length));
        assert_eq!(check_concept_id("0222980061"), Err(SctIdError::LeadingZero));
        assert_eq!(check_concept_id("2229800X"), Err(SctIdError::NotDigits));
        // A description id (partition 01) is not a concept id, whatever its check digit.
        let desc = format!("1234501{}", verhoeff_digit("1234501").unwrap_or('0'));
        assert_eq!(check_concept_id(&desc), Err(SctIdError::NotAConcept("01".into())));
    }

    #[test]
    fn every_digit_string_gets_a_digit_that_validates() {
        for n in [1u64, 9, 10, 99, 123_456, 9_999_999, 2_229_800] {
            let s = n.to_string();
            let d = verhoeff_digit(&s).unwrap_or('x');
            assert!(verhoeff_valid(&format!("{s}{d}")), "{s}{d}");
        }
    }

    #[test]
    fn ucum_units_and_dimensions() {
        for ok in ["kg", "mm[Hg]", "/min", "%", "kg/m2", "mmol/L", "10*9/L", "{beats}/min", "[lb_av]"] {
            assert_eq!(check_ucum(ok), Ok(()), "{ok}");
        }
        for bad in ["kgs", "mmHg", "", "m/"] {
            assert!(check_ucum(bad).is_err(), "{bad}");
        }
        assert!(same_dimension("[lb_av]", "kg"));
        assert!(!same_dimension("cm", "kg"));
        assert!(same_dimension("{beats}/min", "/min"));
    }

    proptest::proptest! {
        /// Verhoeff catches every single-digit error and every swap of two
        /// adjacent different digits — why SNOMED CT chose it.
        #[test]
        fn verhoeff_catches_single_errors_and_adjacent_swaps(
            digits in "[1-9][0-9]{4,16}",
            pos in 0usize..18,
            delta in 1u8..10,
        ) {
            let check = verhoeff_digit(&digits).unwrap_or('x');
            let valid = format!("{digits}{check}");
            proptest::prop_assert!(verhoeff_valid(&valid));
            let mut bytes = valid.clone().into_bytes();
            let i = pos % bytes.len();
            bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
            proptest::prop_assert!(!verhoeff_valid(&String::from_utf8_lossy(&bytes)), "changed digit {i}");
            let mut swapped = valid.into_bytes();
            let j = pos % (swapped.len() - 1);
            if swapped[j] != swapped[j + 1] {
                swapped.swap(j, j + 1);
                proptest::prop_assert!(!verhoeff_valid(&String::from_utf8_lossy(&swapped)), "swapped {j}");
            }
        }

        /// Any string is judged, never a panic; whatever passes is digits.
        #[test]
        fn any_text_is_judged(text in "\\PC{0,24}") {
            if check_concept_id(&text).is_ok() {
                proptest::prop_assert!(text.bytes().all(|b| b.is_ascii_digit()));
            }
            let _ = check_ucum(&text);
        }
    }
}
