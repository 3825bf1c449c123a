//! The EPS short-form prescription ID: three blocks of six characters
//! separated by dashes, `RRRRRR-OOOOOO-SSSSSC` — a random part, the
//! prescriber's ODS code zero-padded to six, a sequence, and a check
//! character over the seventeen before it by ISO/IEC 7064 MOD 37-2, with
//! `+` for the value 36 where the standard has `*` (NHS England FHIR
//! implementation guide, MedicationRequest.groupIdentifier).
//!
//! Written by hand: no maintained crate implements MOD 37-2, and the
//! algorithm is a dozen lines.

/// The 37 characters of MOD 37-2, by value.
const ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+";

/// Why a short-form prescription ID is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PrescriptionIdError {
    #[error("it is not three blocks of six characters separated by dashes (XXXXXX-XXXXXX-XXXXXX)")]
    Shape,
    #[error("it has a character other than 0-9 and A-Z (upper case) before the check character")]
    Character,
    #[error("the check character is wrong (ISO/IEC 7064 MOD 37-2)")]
    CheckCharacter,
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The running MOD 37-2 sum over the characters, or None for a character
/// outside 0-9, A-Z.
fn sum(body: &[u8]) -> Option<u32> {
    body.iter().try_fold(0u32, |t, &c| value(c).filter(|&v| v < 36).map(|v| ((t + v) * 2) % 37))
}

/// The check character for the seventeen characters of an ID without its
/// dashes and check character.
pub fn check_character(body: &str) -> Option<char> {
    let total = sum(body.as_bytes())?;
    let v = (38 - total) % 37;
    ALPHABET.get(v as usize).map(|&c| char::from(c))
}

/// Checks the shape and the check character.
pub fn validate(id: &str) -> Result<(), PrescriptionIdError> {
    let b = id.as_bytes();
    if b.len() != 20 || b[6] != b'-' || b[13] != b'-' {
        return Err(PrescriptionIdError::Shape);
    }
    let body: Vec<u8> = b[..19].iter().copied().filter(|&c| c != b'-').collect();
    if body.len() != 17 {
        return Err(PrescriptionIdError::Shape);
    }
    let total = sum(&body).ok_or(PrescriptionIdError::Character)?;
    let check = value(b[19]).ok_or(PrescriptionIdError::CheckCharacter)?;
    if (total + check) % 37 != 1 {
        return Err(PrescriptionIdError::CheckCharacter);
    }
    Ok(())
}

/// An ID for this prescriber: the random part and sequence as given (hex,
/// upper case), the ODS code zero-padded to six, and its check character.
pub fn generate(random: u32, ods: &str, sequence: u32) -> Option<String> {
    let ods = format!("{:0>6}", ods.to_ascii_uppercase());
    if ods.len() != 6 {
        return None;
    }
    let (r, s) = (format!("{:06X}", random & 0xFF_FFFF), format!("{:05X}", sequence & 0xF_FFFF));
    let check = check_character(&format!("{r}{ods}{s}"))?;
    Some(format!("{r}-{ods}-{s}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published IDs: the NHS England FHIR implementation guide's example
    /// (MedicationRequest.groupIdentifier) and the ones NHS England's EPS
    /// Spine code tests its checksum with — a letter, a `+` and a digit as
    /// the check character.
    const PUBLISHED_VALID: [&str; 4] =
        ["83C40E-A23856-00123W", "7D9625-Z72BF2-11E3AC", "E7ZG38-ZBACYU-V38SR+", "6FOCBU-E776BJ-CMPMT3"];

    #[test]
    fn published_ids_pass_and_get_their_own_check_character() {
        for id in PUBLISHED_VALID {
            assert_eq!(validate(id), Ok(()), "{id}");
            let body: String = id[..19].chars().filter(|&c| c != '-').collect();
            assert_eq!(check_character(&body), id.chars().last(), "{id}");
        }
    }

    #[test]
    fn published_invalid_ids_fail() {
        // The EPS Spine tests' invalid example: the last character changed.
        assert_eq!(validate("6FOCBU-E776BJ-CMPMTX"), Err(PrescriptionIdError::CheckCharacter));
        // The implementation guide's second example ("for illustration
        // purposes only") does not carry a valid check character.
        assert_eq!(validate("DC2C66-A1B2C3-23407B"), Err(PrescriptionIdError::CheckCharacter));
    }

    #[test]
    fn malformed_ids_fail_for_the_right_reason() {
        use PrescriptionIdError::*;
        for (id, why) in [
            ("7D9625Z72BF211E3AC", Shape),
            ("7D9625-Z72BF2-11E3A", Shape),
            ("7D9625-Z72BF2-11E3AC0", Shape),
            ("7D962-5Z72BF2-11E3AC", Shape),
            ("7d9625-Z72BF2-11E3AC", Character),
            ("7D9625-Z72+F2-11E3AC", Character),
            ("7D9625-Z72BF2-11E3A*", CheckCharacter),
        ] {
            assert_eq!(validate(id), Err(why), "{id}");
        }
    }

    #[test]
    fn every_single_character_change_is_caught() {
        for id in PUBLISHED_VALID {
            for pos in (0..20).filter(|p| *p != 6 && *p != 13) {
                for &c in ALPHABET.iter().filter(|&&c| c != id.as_bytes()[pos]) {
                    let mut b = id.as_bytes().to_vec();
                    b[pos] = c;
                    let changed = String::from_utf8(b).unwrap_or_default();
                    assert!(validate(&changed).is_err(), "{changed} passes");
                }
            }
        }
    }

    #[test]
    fn generated_ids_validate_and_pad_the_ods_code() {
        let id = generate(0x83C40E, "A23856", 0x00123).unwrap_or_default();
        assert_eq!(id, "83C40E-A23856-00123W");
        let short = generate(0xABCDEF, "A1B2", 7).unwrap_or_default();
        assert!(short.starts_with("ABCDEF-00A1B2-00007"), "{short}");
        assert_eq!(validate(&short), Ok(()));
        assert_eq!(generate(1, "TOOLONG1", 1), None);
    }
}
