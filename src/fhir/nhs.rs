//! NHS number rules shared by the harness and the reference candidate.
//!
//! An NHS number is ten digits; the tenth is a Modulus 11 check digit over the
//! first nine (weights 10 down to 2). A remainder that gives a check value of
//! 10 means the number can never be valid.

/// The check digit the first nine digits require, or `None` if no digit can
/// make them valid (check value 10) or the input is not nine ASCII digits.
pub fn check_digit(first_nine: &str) -> Option<u8> {
    if first_nine.len() != 9 || !first_nine.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first_nine.bytes().zip((2..=10).rev()).map(|(b, w)| u32::from(b - b'0') * w).sum();
    match 11 - (sum % 11) {
        11 => Some(0),
        10 => None,
        c => u8::try_from(c).ok(),
    }
}

/// Why a string is not a valid NHS number; the reference uses it for its
/// diagnostics, the harness for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NhsNumberError {
    Length,
    NotDigits,
    CheckDigit,
}

impl std::fmt::Display for NhsNumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Length => "an NHS number has exactly 10 digits",
            Self::NotDigits => "an NHS number contains only digits",
            Self::CheckDigit => "the Modulus 11 check digit does not match",
        })
    }
}

/// Structural validation: ten digits with a matching Modulus 11 check digit.
pub fn validate(s: &str) -> Result<(), NhsNumberError> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NhsNumberError::NotDigits);
    }
    if s.len() != 10 {
        return Err(NhsNumberError::Length);
    }
    let expected = check_digit(&s[..9]).ok_or(NhsNumberError::CheckDigit)?;
    if s.as_bytes()[9] - b'0' == expected { Ok(()) } else { Err(NhsNumberError::CheckDigit) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_numbers_pass() {
        // 9434765919 is the worked example in the NHS Data Dictionary.
        for n in ["9434765919", "9990000107", "9990000174", "9690937286"] {
            assert_eq!(validate(n), Ok(()), "{n}");
        }
    }

    #[test]
    fn wrong_check_digit_fails() {
        assert_eq!(validate("9990000175"), Err(NhsNumberError::CheckDigit));
        assert_eq!(validate("9434765918"), Err(NhsNumberError::CheckDigit));
    }

    #[test]
    fn check_value_ten_can_never_be_valid() {
        assert_eq!(check_digit("999000031"), None);
        for last in 0..=9 {
            let n = format!("999000031{last}");
            assert_eq!(validate(&n), Err(NhsNumberError::CheckDigit), "{n}");
        }
    }

    #[test]
    fn shape_errors_are_told_apart() {
        assert_eq!(validate("999000010"), Err(NhsNumberError::Length));
        assert_eq!(validate("99900001077"), Err(NhsNumberError::Length));
        assert_eq!(validate("99900O0107"), Err(NhsNumberError::NotDigits));
        assert_eq!(validate(""), Err(NhsNumberError::Length));
        assert_eq!(validate("９９９０００0107"), Err(NhsNumberError::NotDigits));
    }
}
