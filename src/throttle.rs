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

/// How long the server asks to wait after refusing a send: `Retry-After`, else the first
/// number in its message ("please wait 58 seconds", "请 58 秒后再试"; a guess at the real
/// server's wording), else the documented minute.
fn server_wait(answer: &Answer) -> f64 {
    let message = answer.envelope.as_ref().and_then(|e| crate::args::own(e, "message")).and_then(|m| m.as_string());
    let in_message = message.as_deref().and_then(first_number).filter(|s| (1..=3600).contains(s)).map(|s| f64::from(s) * 1000.0);
    answer.retry_after_ms().or(in_message).unwrap_or(SMS_COOLDOWN_MS)
}

/// The first run of ASCII digits in `text`, if it is a number below a million.
fn first_number(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    let start = bytes.iter().position(u8::is_ascii_digit)?;
    let digits = bytes.get(start..)?;
    let end = digits.iter().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len());
    crate::validate::decimal_at_most(digits.get(..end)?, 999_999)
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
    use super::first_number;

    #[test]
    fn the_first_number_of_a_message() {
        assert_eq!(first_number("please wait 58 seconds and try again"), Some(58));
        assert_eq!(first_number("短信发送过于频繁，请 7 秒后再试"), Some(7));
        assert_eq!(first_number("no number"), None);
        assert_eq!(first_number("wait 12345678 s"), None);
    }
}
