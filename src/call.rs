//! A call from request to settled promise. Every method and every flow goes through the one
//! async function [`run`], so the futures machinery is compiled once: it awaits an answer,
//! hands it to what the request was for ([`After`]), and either settles or sends the next
//! request (a flow that must read the profile first).

use crate::error::ErrorCode;
#[cfg(feature = "flows")]
use crate::flow::Pending;
use crate::http::{self, bad_response, envelope_error, http_status_error, Answer};
use crate::ledger::SMS_COOLDOWN_MS;
use crate::session::Session;
use js_sys::Promise;
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
    #[cfg(feature = "flows")]
    Flow(Pending),
}

/// What comes after an answer.
pub enum Next {
    Settled(Result<JsValue, JsValue>),
    /// A flow's second request (after reading the profile).
    #[cfg_attr(not(feature = "flows"), allow(dead_code, reason = "only the flows send a second request"))]
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
            #[cfg(feature = "flows")]
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
        #[cfg(feature = "flows")]
        if let OnSuccess::SmsSent(key) = on_success {
            crate::throttle::check(&session, key, &answer, strict)?;
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
