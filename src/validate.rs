//! The input rules, on plain Rust strings. Each rule is a value of [`Rule`] so the argument
//! tables (`dto.rs`, `options.rs`) can name it, and one non-generic [`problem`] checks any
//! of them. The rules (README, "Input rules") are stricter than the server's on purpose: a
//! bad value is refused before it costs an SMS or a round trip.

use crate::error::Reason;

/// The SMS channels every official SDK knows (docs/CONTRACT.md); there is no UPDATE_PHONE one.
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

/// A rule a string field must pass.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rule {
    /// One of [`SMS_CHANNELS`].
    Channel,
    /// 4 to 15 ASCII digits, without the country code.
    Phone,
    /// `+` and 1 to 4 digits.
    CountryCode,
    /// 4 to 10 ASCII digits.
    PassCode,
    /// Printable ASCII, no leading or trailing space, 1 to 8192 characters.
    Token,
    /// 1 to 128 printable ASCII characters without spaces.
    AppId,
    /// `zh-CN` or `en-US`.
    Lang,
    /// `PHONE_PASSCODE`, the only verification method the API has.
    VerifyMethod,
    /// Any string (checked elsewhere, e.g. `appHost`).
    Any,
}

/// Longest token accepted: far above any real JWT, far below what breaks a header.
const MAX_TOKEN_LEN: usize = 8192;

fn digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// `None` when `value` passes `rule`, else what is wrong, in words that never quote it.
#[inline(never)]
pub fn problem(rule: Rule, value: &str) -> Option<&'static str> {
    let ok = match rule {
        Rule::Channel => SMS_CHANNELS.contains(&value),
        Rule::Phone if value.starts_with("+") => return Some("must not include the country code (it goes in ...CountryCode)"),
        Rule::Phone => digits(value, 4, 15),
        Rule::CountryCode => value.strip_prefix("+").is_some_and(|d| digits(d, 1, 4)),
        Rule::PassCode => digits(value, 4, 10),
        Rule::Token => {
            !value.is_empty()
                && value.len() <= MAX_TOKEN_LEN
                && value.bytes().all(|b| (0x20..0x7f).contains(&b))
                && !value.starts_with(" ")
                && !value.ends_with(" ")
        }
        Rule::AppId => (1..=128).contains(&value.len()) && value.bytes().all(|b| (0x21..0x7f).contains(&b)),
        Rule::Lang => value == "zh-CN" || value == "en-US",
        Rule::VerifyMethod => value == "PHONE_PASSCODE",
        Rule::Any => true,
    };
    if ok {
        return None;
    }
    Some(match rule {
        Rule::Channel => "must be an SmsChannel, e.g. CHANNEL_BIND_PHONE",
        Rule::Phone => "must be 4 to 15 ASCII digits",
        Rule::CountryCode => "must be \"+\" and 1 to 4 digits, e.g. \"+86\"",
        Rule::PassCode => "must be 4 to 10 ASCII digits",
        Rule::Token => "must be 1 to 8192 printable ASCII characters, not starting or ending with a space",
        Rule::AppId => "must be 1 to 128 printable ASCII characters without spaces",
        Rule::Lang => "must be \"zh-CN\" or \"en-US\"",
        _ => "must be \"PHONE_PASSCODE\"",
    })
}

/// What a person can do about `value` failing `rule`, when it is theirs to fix: a phone number
/// or a verification code. `value` empty: the field is missing.
pub fn reason(rule: Rule, value: &str) -> Option<Reason> {
    Some(match rule {
        Rule::Phone if value.is_empty() => Reason::PhoneMissing,
        Rule::Phone if !value.bytes().all(|b| b.is_ascii_digit()) => Reason::PhoneNotANumber,
        Rule::Phone if value.len() < 4 => Reason::PhoneTooShort,
        Rule::Phone => Reason::PhoneTooLong,
        Rule::CountryCode => Reason::PhoneUnknownCountryCode,
        Rule::PassCode if value.is_empty() => Reason::CodeMissing,
        Rule::PassCode => Reason::CodeInvalid,
        _ => return None,
    })
}

/// A timeout in milliseconds: a whole number from 1 to 120000.
pub fn timeout_ok(ms: f64) -> bool {
    ms.fract() == 0.0 && (1.0..=120_000.0).contains(&ms)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(rule: Rule, v: &str) -> bool {
        problem(rule, v).is_none()
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
        assert!(ok(Rule::Phone, "18812345678"));
        assert!(ok(Rule::Phone, "1234"));
        assert!(ok(Rule::Phone, "123456789012345"));
        for bad in ["", "123", "1234567890123456", "188 1234 5678", "１２３４５", "12a45", "-1234"] {
            assert!(!ok(Rule::Phone, bad), "{bad:?}");
        }
        assert!(problem(Rule::Phone, "+8618812345678").is_some_and(|p| p.contains("CountryCode")));
    }

    #[test]
    fn country_codes() {
        for good in ["+1", "+86", "+1242", "+44"] {
            assert!(ok(Rule::CountryCode, good), "{good}");
        }
        for bad in ["", "+", "86", "+12345", "+8a", "++86", " +86"] {
            assert!(!ok(Rule::CountryCode, bad), "{bad:?}");
        }
    }

    #[test]
    fn pass_codes() {
        assert!(ok(Rule::PassCode, "1234"));
        assert!(ok(Rule::PassCode, "1234567890"));
        for bad in ["", "123", "12345678901", "12 34", "١٢٣٤"] {
            assert!(!ok(Rule::PassCode, bad), "{bad:?}");
        }
    }

    #[test]
    fn problems_never_echo_the_value() {
        for (rule, secret) in [(Rule::PassCode, "98765x"), (Rule::Token, "secret-token\n"), (Rule::Phone, "+8613900000000")] {
            let p = problem(rule, secret).unwrap();
            assert!(!p.contains(secret.trim()) && !p.contains("98765") && !p.contains("139000"), "{p}");
        }
    }

    #[test]
    fn tokens() {
        assert!(ok(Rule::Token, "abc.def-ghi"));
        assert!(ok(Rule::Token, "Bearer abc"));
        for bad in ["", " abc", "abc ", "a\nb", "a\u{7f}b", "ä"] {
            assert!(!ok(Rule::Token, bad), "{bad:?}");
        }
        assert!(!ok(Rule::Token, &"a".repeat(8193)));
        assert!(ok(Rule::Token, &"a".repeat(8192)));
    }

    #[test]
    fn channels() {
        for c in SMS_CHANNELS {
            assert!(ok(Rule::Channel, c));
        }
        assert!(!ok(Rule::Channel, "CHANNEL_UPDATE_PHONE"));
        assert!(!ok(Rule::Channel, "channel_bind_phone"));
    }

    #[test]
    fn timeouts() {
        assert!(timeout_ok(1.0));
        assert!(timeout_ok(120_000.0));
        for bad in [0.0, -5.0, 120_001.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(!timeout_ok(bad), "{bad}");
        }
    }

    #[test]
    fn app_ids_langs_and_methods() {
        assert!(ok(Rule::AppId, "62a0f9b5d1c2e3f4a5b6c7d8"));
        assert!(!ok(Rule::AppId, ""));
        assert!(!ok(Rule::AppId, "a b"));
        assert!(!ok(Rule::AppId, &"a".repeat(129)));
        assert!(ok(Rule::Lang, "en-US"));
        assert!(ok(Rule::Lang, "zh-CN"));
        assert!(!ok(Rule::Lang, "en"));
        assert!(ok(Rule::VerifyMethod, "PHONE_PASSCODE"));
        assert!(!ok(Rule::VerifyMethod, "EMAIL_PASSCODE"));
        assert!(ok(Rule::Any, ""));
    }
}
