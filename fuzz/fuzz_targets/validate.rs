//! The client's input checks against an independent reading of the README's "Input
//! rules" table: each rule must accept exactly what its oracle accepts and never echo the
//! value in its words. And nothing panics.
#![no_main]

use genauth_phone::fuzzing as v;
use libfuzzer_sys::fuzz_target;

#[path = "readme_channels.rs"]
mod readme_channels;
use readme_channels::CHANNELS;

fn ascii_digits(s: &str, min: usize, max: usize) -> bool {
    let n = s.chars().count();
    min <= n && n <= max && s.chars().all(|c| c.is_ascii_digit())
}

/// "phone numbers: 4–15 ASCII digits, without the country code"
fn phone_oracle(s: &str) -> bool {
    ascii_digits(s, 4, 15)
}

/// "country codes: `+` and 1–4 digits"
fn country_code_oracle(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('+') && ascii_digits(chars.as_str(), 1, 4)
}

/// "pass codes: 4–10 ASCII digits"
fn pass_code_oracle(s: &str) -> bool {
    ascii_digits(s, 4, 10)
}

/// "tokens: printable ASCII, no leading/trailing space, 1–8192 characters"
fn token_oracle(s: &str) -> bool {
    let n = s.chars().count();
    (1..=8192).contains(&n)
        && s.chars().all(|c| (' '..='~').contains(&c))
        && !s.starts_with(' ')
        && !s.ends_with(' ')
}

/// "appId: 1–128 printable ASCII characters, no spaces"
fn app_id_oracle(s: &str) -> bool {
    let n = s.chars().count();
    (1..=128).contains(&n) && s.chars().all(|c| ('!'..='~').contains(&c))
}

/// `decimal_at_most`'s doc: a whole decimal number of at most 9 ASCII digits, <= max.
fn decimal_oracle(s: &[u8], max: u32) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    (n <= u64::from(max)).then_some(n as u32)
}

/// Same verdict as the oracle, and a refusal's words are one of the rule's fixed ones
/// (those for `canon`, values it refuses): so no part of the value can be in them.
macro_rules! check {
    ($rule:expr, $want:expr, $input:expr, $canon:expr) => {{
        let (rule, input): (v::Rule, &str) = ($rule, $input);
        let got = v::problem(rule, input);
        assert_eq!(got.is_none(), $want, "{rule:?}({input:?})");
        if let Some(p) = got {
            let canon: &[&str] = $canon;
            let fixed: Vec<&str> = canon.iter().map(|c| v::problem(rule, c).expect("a canonical bad value")).collect();
            assert!(fixed.contains(&p), "{rule:?}({input:?}) says {p:?}");
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let (max, rest) = match data {
        [a, b, c, d, rest @ ..] => (u32::from_le_bytes([*a, *b, *c, *d]), rest),
        _ => (u32::MAX, data),
    };
    assert_eq!(
        v::decimal_at_most(rest, max),
        decimal_oracle(rest, max),
        "{rest:?} <= {max}"
    );
    assert_eq!(
        v::decimal_at_most(data, u32::MAX),
        decimal_oracle(data, u32::MAX)
    );

    for bytes in [data, rest] {
        let text = String::from_utf8_lossy(bytes);
        let s: &str = &text;
        check!(v::Rule::Phone, phone_oracle(s), s, &["", "+"]);
        check!(v::Rule::CountryCode, country_code_oracle(s), s, &[""]);
        check!(v::Rule::PassCode, pass_code_oracle(s), s, &[""]);
        check!(v::Rule::Token, token_oracle(s), s, &["", " "]);
        check!(v::Rule::AppId, app_id_oracle(s), s, &[""]);
        check!(v::Rule::Channel, CHANNELS.contains(&s), s, &[""]);
        // "a leading `+` gets a message pointing to the `...CountryCode` field"
        if s.starts_with('+') {
            let p = v::problem(v::Rule::Phone, s).unwrap_or_default();
            assert!(p.contains("CountryCode"), "{p:?}");
        }
    }
    assert_eq!(v::SMS_CHANNELS, CHANNELS);
});
