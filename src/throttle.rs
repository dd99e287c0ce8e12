//! A send the server refused for coming too soon (HTTP 429, or an envelope with `statusCode`
//! 429): the client records the server's wait as the number's cooldown and reports
//! `SMS_COOLDOWN` with `retryAfterMs`, so a countdown starts from what the server said.

use crate::error::{js_error, set, ErrorCode};
use crate::http::{self, Answer};
use crate::ledger::SMS_COOLDOWN_MS;
use crate::session::Session;
use js_sys::Date;
use wasm_bindgen::prelude::*;

/// `Err(SMS_COOLDOWN)` when `answer` refuses the send to `key` as too soon (an envelope 429
/// resolves as any other refusal unless `strict`); the wait is recorded either way.
pub fn check(session: &Session, key: u64, answer: &Answer, strict: bool) -> Result<(), JsValue> {
    if answer.status != 429.0 && answer.status_code() != 429.0 {
        return Ok(());
    }
    let wait = server_wait(answer);
    session.sms_wait(key, Date::now() + wait);
    if answer.status == 429.0 || strict {
        return Err(cooldown_error(answer, wait).into());
    }
    Ok(())
}

/// How long the server asks to wait after refusing a send: `Retry-After`, else a number with
/// a unit in its message ("please wait 58 seconds", "请 58 秒后再试", "请1分钟后再试"; a guess at the
/// real server's wording), else the documented minute. A bare number is not a wait ("5 per 60
/// seconds" is 60 s, not 5).
fn server_wait(answer: &Answer) -> f64 {
    let message = answer.envelope.as_ref().and_then(|e| crate::args::own(e, "message")).and_then(|m| m.as_string());
    let in_message = message.as_deref().and_then(wait_in).filter(|s| (1..=3600).contains(s)).map(|s| f64::from(s) * 1000.0);
    answer.retry_after_ms().or(in_message).unwrap_or(SMS_COOLDOWN_MS)
}

/// Units a wait may be written in, and their seconds. Longer words first ("seconds" before "s").
const UNITS: [(&str, u32); 9] =
    [("seconds", 1), ("second", 1), ("secs", 1), ("sec", 1), ("s", 1), ("秒", 1), ("minutes", 60), ("minute", 60), ("分钟", 60)];

/// The first number in `text` followed (after spaces) by a unit, in seconds.
fn wait_in(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(start) = bytes.get(at..)?.iter().position(u8::is_ascii_digit).map(|p| p + at) {
        let digits = bytes.get(start..)?;
        let end = digits.iter().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len());
        let rest = digits.get(end..)?;
        let rest = rest.get(rest.iter().position(|b| *b != b' ').unwrap_or(rest.len())..)?;
        // A unit, whole: "s" must not be the start of "send".
        let unit =
            UNITS.iter().find(|(u, _)| rest.starts_with(u.as_bytes()) && !rest.get(u.len()).is_some_and(|b| b.is_ascii_alphabetic()));
        if let (Some((_, secs)), Some(n)) = (unit, crate::validate::decimal_at_most(digits.get(..end)?, 999_999)) {
            return n.checked_mul(*secs);
        }
        at = start + end;
    }
    None
}

/// `SMS_COOLDOWN` from the server: its status, codes and the wait.
fn cooldown_error(answer: &Answer, wait: f64) -> js_sys::Error {
    let e = js_error(ErrorCode::SmsCooldown, "the server refused the SMS: this number got one on this channel too recently");
    set(&e, "statusCode", &429.0.into());
    set(&e, "retryAfterMs", &wait.into());
    if let Some(env) = &answer.envelope {
        http::set_envelope_fields(&e, env);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::wait_in;

    #[test]
    fn a_wait_is_a_number_with_its_unit() {
        assert_eq!(wait_in("please wait 58 seconds and try again"), Some(58));
        assert_eq!(wait_in("短信发送过于频繁，请 7 秒后再试"), Some(7));
        assert_eq!(wait_in("请1分钟后再试"), Some(60));
        assert_eq!(wait_in("try again in 2 minutes"), Some(120));
        assert_eq!(wait_in("5 per 60 seconds"), Some(60));
        assert_eq!(wait_in("retry in 30s."), Some(30));
        assert_eq!(wait_in("1 second"), Some(1));
        // No unit, or a word that only starts like one: no wait read.
        assert_eq!(wait_in("error 4290: too many requests"), None);
        assert_eq!(wait_in("max 5 sends per minute"), None);
        assert_eq!(wait_in("no number"), None);
        assert_eq!(wait_in("wait 12345678 s"), None);
    }
}
