//! Input checks on plain Rust strings, each naming the field it rejects. The rules
//! (README, "Input rules") are stricter than the server's on purpose: a bad value is
//! refused before it costs an SMS or a round trip.

use crate::error::{GenAuthError, Result};

/// The SMS channels every official SDK knows (CONTRACT.md); there is no UPDATE_PHONE one.
pub const SMS_CHANNELS: [&str; 11] = [
    "CHANNEL_LOGIN",
    "CHANNEL_REGISTER",
    "CHANNEL_RESET_PASSWORD",
    "CHANNEL_BIND_PHONE",
    "CHANNEL_UNBIND_PHONE",
    "CHANNEL_BIND_MFA",
    "CHANNEL_VERIFY_MFA",
    "CHANNEL_UNBIND_MFA",
    "CHANNEL_COMPLETE_PHONE",
    "CHANNEL_IDENTITY_VERIFICATION",
    "CHANNEL_DELETE_ACCOUNT",
];

/// The only verification method the API supports.
pub const PHONE_PASSCODE: &str = "PHONE_PASSCODE";

/// Longest token we accept: far above any real JWT, far below what breaks a header.
const MAX_TOKEN_LEN: usize = 8192;

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// `s` as a whole decimal number no larger than `max` (ASCII digits only, at most 9 of
/// them): the few numbers we parse, without core's generic parser.
pub fn decimal_at_most(s: &[u8], max: u32) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = s.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    (n <= max).then_some(n)
}

/// One of [`SMS_CHANNELS`].
pub fn channel(field: &str, value: &str) -> Result<()> {
    if SMS_CHANNELS.contains(&value) {
        Ok(())
    } else {
        Err(GenAuthError::invalid(field, "must be one of the SmsChannel values, e.g. CHANNEL_BIND_PHONE"))
    }
}

/// A phone number without its country code: 4 to 15 ASCII digits.
pub fn phone_number(field: &str, value: &str) -> Result<()> {
    if value.starts_with('+') {
        return Err(GenAuthError::invalid(
            field,
            "must not include the country code: put it (e.g. \"+86\") in the matching ...CountryCode field",
        ));
    }
    if (4..=15).contains(&value.len()) && all_digits(value) {
        Ok(())
    } else {
        Err(GenAuthError::invalid(field, "must be 4 to 15 ASCII digits"))
    }
}

/// A country calling code: `+` and 1 to 4 digits.
pub fn country_code(field: &str, value: &str) -> Result<()> {
    match value.strip_prefix('+') {
        Some(digits) if (1..=4).contains(&digits.len()) && all_digits(digits) => Ok(()),
        _ => Err(GenAuthError::invalid(field, "must be \"+\" followed by 1 to 4 digits, e.g. \"+86\"")),
    }
}

/// An SMS verification code: 4 to 10 ASCII digits.
pub fn pass_code(field: &str, value: &str) -> Result<()> {
    if (4..=10).contains(&value.len()) && all_digits(value) {
        Ok(())
    } else {
        Err(GenAuthError::invalid(field, "must be 4 to 10 ASCII digits"))
    }
}

/// An opaque token (access or update token): non-empty printable ASCII that can travel in
/// a header, at most 8192 characters. Inner single spaces are allowed ("Bearer x").
pub fn token(field: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(GenAuthError::invalid(field, "must not be empty"));
    }
    let printable = value.bytes().all(|b| (0x20..0x7f).contains(&b));
    let trimmed = !value.starts_with(' ') && !value.ends_with(' ');
    if value.len() <= MAX_TOKEN_LEN && printable && trimmed {
        Ok(())
    } else {
        Err(GenAuthError::invalid(
            field,
            "must be printable ASCII without leading or trailing spaces, at most 8192 characters",
        ))
    }
}

/// The application id: 1 to 128 printable ASCII characters without spaces.
pub fn app_id(field: &str, value: &str) -> Result<()> {
    if (1..=128).contains(&value.len()) && value.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        Ok(())
    } else {
        Err(GenAuthError::invalid(field, "must be 1 to 128 printable ASCII characters without spaces"))
    }
}

/// A timeout in milliseconds: a whole number from 1 to 120000.
pub fn timeout_ms(field: &str, value: f64) -> Result<()> {
    if value.fract() == 0.0 && (1.0..=120_000.0).contains(&value) {
        Ok(())
    } else {
        Err(GenAuthError::invalid(field, "must be a whole number of milliseconds from 1 to 120000"))
    }
}

/// The language of the server's messages.
pub fn lang(field: &str, value: &str) -> Result<()> {
    if value == "zh-CN" || value == "en-US" {
        Ok(())
    } else {
        Err(GenAuthError::invalid(field, "must be \"zh-CN\" or \"en-US\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<()>) -> Option<String> {
        r.err().and_then(|e| e.field)
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal_at_most(b"0", 5), Some(0));
        assert_eq!(decimal_at_most(b"65535", 65_535), Some(65_535));
        assert_eq!(decimal_at_most(b"65536", 65_535), None);
        for bad in ["", "-1", "+1", "1.5", " 7", "1234567890", "٣"] {
            assert_eq!(decimal_at_most(bad.as_bytes(), u32::MAX), None, "{bad:?}");
        }
    }

    #[test]
    fn phone_numbers() {
        assert!(phone_number("p", "18812345678").is_ok());
        assert!(phone_number("p", "1234").is_ok());
        assert!(phone_number("p", "123456789012345").is_ok());
        for bad in ["", "123", "1234567890123456", "188 1234 5678", "１２３４５", "12a45", "-1234"] {
            assert_eq!(field_of(phone_number("p", bad)).as_deref(), Some("p"), "{bad:?}");
        }
        let plus = phone_number("newPhoneNumber", "+8618812345678").unwrap_err();
        assert!(plus.message.contains("CountryCode"), "{}", plus.message);
    }

    #[test]
    fn country_codes() {
        for ok in ["+1", "+86", "+1242", "+44"] {
            assert!(country_code("c", ok).is_ok(), "{ok}");
        }
        for bad in ["", "+", "86", "+12345", "+8a", "++86", " +86"] {
            assert!(country_code("c", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pass_codes() {
        assert!(pass_code("c", "1234").is_ok());
        assert!(pass_code("c", "1234567890").is_ok());
        for bad in ["", "123", "12345678901", "12 34", "١٢٣٤"] {
            assert!(pass_code("c", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pass_code_errors_do_not_echo_the_code() {
        let e = pass_code("passCode", "98765x").unwrap_err();
        assert!(!e.message.contains("98765"));
    }

    #[test]
    fn tokens() {
        assert!(token("t", "abc.def-ghi").is_ok());
        assert!(token("t", "Bearer abc").is_ok());
        for bad in ["", " abc", "abc ", "a\nb", "a\u{7f}b", "ä"] {
            assert!(token("t", bad).is_err(), "{bad:?}");
        }
        assert!(token("t", &"a".repeat(8193)).is_err());
        let e = token("accessToken", "secret-token\n").unwrap_err();
        assert!(!e.message.contains("secret-token"));
    }

    #[test]
    fn channels() {
        for c in SMS_CHANNELS {
            assert!(channel("channel", c).is_ok());
        }
        assert!(channel("channel", "CHANNEL_UPDATE_PHONE").is_err());
        assert!(channel("channel", "channel_bind_phone").is_err());
    }

    #[test]
    fn timeouts() {
        assert!(timeout_ms("t", 1.0).is_ok());
        assert!(timeout_ms("t", 120_000.0).is_ok());
        for bad in [0.0, -5.0, 120_001.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(timeout_ms("t", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn app_ids_and_langs() {
        assert!(app_id("appId", "62a0f9b5d1c2e3f4a5b6c7d8").is_ok());
        assert!(app_id("appId", "").is_err());
        assert!(app_id("appId", "a b").is_err());
        assert!(lang("lang", "en-US").is_ok());
        assert!(lang("lang", "zh-CN").is_ok());
        assert!(lang("lang", "en").is_err());
    }
}
