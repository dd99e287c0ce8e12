//! A call from request to settled promise. Every method and every flow goes through the one
//! async function [`run`], so the futures machinery is compiled once: it awaits an answer,
//! hands it to what the request was for ([`After`]), and either settles or sends the next
//! request (a flow that must read the profile first).

use crate::error::{js_error, set, ErrorCode};
use crate::flow::Pending;
use crate::http::{self, bad_response, envelope_error, http_status_error, Answer};
use crate::ledger::SMS_COOLDOWN_MS;
use crate::session::Session;
use js_sys::{Date, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// What to record when a call succeeds (envelope `statusCode` 200).
pub enum OnSuccess {
    Nothing,
    SmsSent(u64),
    TokenIssued,
    TokenConsumed(u64),
}

/// A request on the wire and what its answer is for.
pub struct Step {
    pub sent: http::Sent,
    pub after: After,
}

/// What an answer is for: a method's promise, or a flow.
pub enum After {
    Call(Call),
    Flow(Pending),
}

/// What comes after an answer.
pub enum Next {
    Settled(Result<JsValue, JsValue>),
    Again(Step),
}

/// The promise of a call that starts with `first` (or is refused before any traffic).
pub fn start(first: Result<Step, JsValue>) -> Promise {
    future_to_promise(run(first))
}

/// The shared async part: reject what was refused, else await each answer and settle.
async fn run(first: Result<Step, JsValue>) -> Result<JsValue, JsValue> {
    let mut step = first?;
    loop {
        let answer = http::answer(step.sent).await;
        match step.after.then(answer) {
            Next::Settled(result) => return result,
            Next::Again(next) => step = next,
        }
    }
}

impl After {
    fn then(self, answer: Result<Answer, JsValue>) -> Next {
        match self {
            After::Call(call) => Next::Settled(call.settle(answer)),
            After::Flow(pending) => pending.then(answer),
        }
    }
}

/// A call in flight: what to update when its answer comes.
pub struct Call {
    pub session: Rc<Session>,
    pub on_success: OnSuccess,
    /// When the request left: the server starts a token's lifetime and a cooldown when it
    /// receives the request, so the client counts from here, not from when the answer came.
    pub sent_at: f64,
    /// A refusal in the envelope rejects (`throwOnError`, and always in a flow).
    pub strict: bool,
}

impl Call {
    /// Checks the answer and remembers what it says.
    #[inline(never)]
    pub fn settle(self, answer: Result<Answer, JsValue>) -> Result<JsValue, JsValue> {
        let Call { session, on_success, sent_at, strict } = self;
        let answer = answer?;
        if let OnSuccess::SmsSent(key) = on_success {
            if answer.status == 429.0 || answer.status_code() == 429.0 {
                let wait = server_wait(&answer);
                session.sms_wait(key, Date::now() + wait);
                // An envelope refusal resolves like any other unless the caller wants it thrown.
                if answer.status == 429.0 || strict {
                    return Err(cooldown_error(&answer, wait).into());
                }
            }
        }
        if !(200.0..300.0).contains(&answer.status) {
            return Err(http_status_error(&answer).into());
        }
        let status = answer.status_code();
        let envelope = answer.envelope.ok_or_else(bad_response)?;
        if status != 200.0 {
            return if strict { Err(envelope_error(ErrorCode::Api, &envelope).into()) } else { Ok(envelope) };
        }
        match on_success {
            OnSuccess::Nothing => {}
            OnSuccess::SmsSent(key) => session.sms_wait(key, sent_at + SMS_COOLDOWN_MS),
            OnSuccess::TokenConsumed(token) => session.token_consumed(token),
            OnSuccess::TokenIssued => {
                let (token, expires_in) = issued_token(&envelope);
                match (token, expires_in) {
                    (Some(t), Some(s)) => session.token_issued(&t, s, sent_at),
                    _ => {
                        return Err(crate::error::GenAuthError::new(
                            ErrorCode::BadResponse,
                            "a successful verify answer lacks its token or tokenExpiresIn",
                        )
                        .into())
                    }
                }
            }
        }
        Ok(envelope)
    }
}

/// `data.updatePhoneToken` and `data.tokenExpiresIn` (seconds) of a verify answer.
pub fn issued_token(envelope: &JsValue) -> (Option<String>, Option<f64>) {
    let data = crate::args::own(envelope, "data").unwrap_or_default();
    let token = crate::args::own(&data, "updatePhoneToken").and_then(|t| t.as_string());
    let expires_in = crate::args::own(&data, "tokenExpiresIn").and_then(|t| t.as_f64()).filter(|s| s.is_finite() && *s >= 0.0);
    (token, expires_in)
}

/// How long the server asks to wait after refusing a send: `Retry-After`, else the first
/// number in its message ("please wait 58 seconds", "请 58 秒后再试"; a guess at the real
/// server's wording), else the documented minute.
fn server_wait(answer: &Answer) -> f64 {
    let message = answer.envelope.as_ref().and_then(|e| crate::args::own(e, "message")).and_then(|m| m.as_string());
    let in_message = message.as_deref().and_then(first_number).filter(|s| (1..=3600).contains(s)).map(|s| f64::from(s) * 1000.0);
    answer.retry_after_ms.or(in_message).unwrap_or(SMS_COOLDOWN_MS)
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
