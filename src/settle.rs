//! Reading a call's answer (session layer): an HTTP answer becomes the envelope or a
//! `GenAuthError`, and what it says is recorded in the session (a send's cooldown, a token
//! issued or used, a server's 429). The [`Call`] itself is made by `Session::send`.

use crate::error::ErrorCode;
use crate::http::{bad_response, envelope_error, http_status_error, Answer};
use crate::ledger::SMS_COOLDOWN_MS;
use crate::session::{Call, OnSuccess};
use wasm_bindgen::prelude::*;

impl Call {
    /// Checks the answer and remembers what it says.
    #[inline(never)]
    pub fn settle(self, answer: Result<Answer, JsValue>) -> Result<JsValue, JsValue> {
        let Call { session, on_success, sent_at, strict } = self;
        let answer = answer?;
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
            OnSuccess::TokenIssued => match issued_token(&envelope) {
                (Some(t), Some(s)) => session.token_issued(&t, s, sent_at),
                _ => {
                    return Err(crate::error::GenAuthError::new(
                        ErrorCode::BadResponse,
                        "a successful verify answer lacks its token or tokenExpiresIn",
                    )
                    .into())
                }
            },
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
