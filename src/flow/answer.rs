//! What an answer means for a flow: the state a success leads to, what a failure says about
//! which field was wrong, and whether a confirm whose answer never came was applied.
//!
//! The server's `apiCode` is read first; only when it names nothing the flow knows is the
//! message read, for the words of the emulator and of GenAuth's documentation ("old" /
//! "new", "旧" / "新"). That reading is a guess at the real server's wording: when the
//! message names neither number, the error names no field rather than the wrong one.

use super::state::{FlowKind, Number, Op};
use super::{Flow, Sent, Work};
use crate::args::own;
use crate::error::{js_error, set, ErrorCode, GenAuthError, Reason};
use crate::settle::issued_token;
use crate::validate::{problem, Rule};
use js_sys::Error;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The profile's phone number (`data.phone`, `data.phoneCountryCode`), when it has one the
/// client would send; a malformed one is unknown (never shown garbled, never defaulted).
pub(super) fn profile_phone(envelope: &JsValue) -> Option<Number> {
    let data = own(envelope, "data").unwrap_or_default();
    let text = |key| own(&data, key).and_then(|v| v.as_string()).filter(|v| !v.is_empty());
    let phone = text("phone").filter(|p| problem(Rule::Phone, p).is_none())?;
    match text("phoneCountryCode") {
        Some(cc) if problem(Rule::CountryCode, &cc).is_some() => None,
        cc => Some(Number::new(&phone, cc.as_deref())),
    }
}

/// The state after a success; `Some` when another request follows (the profile read that
/// came first for a step needing the current number).
pub(super) fn succeeded(
    flow: &Rc<Flow>,
    op: Op,
    envelope: &JsValue,
    to: Option<Number>,
    then: Option<Work>,
    sent_at: f64,
) -> Result<Option<Sent>, JsValue> {
    if let Some(work) = then {
        let current = profile_phone(envelope);
        let known = current.is_some();
        flow.state.borrow_mut().current = current;
        if !known {
            return Err(js_error(ErrorCode::NoPhoneNumber, "this account has no phone number").into());
        }
        let generation = flow.state.borrow().generation;
        return flow.continue_with(op, work, generation).map(Some).map_err(JsValue::from);
    }
    // Read before the state is borrowed: reading the envelope is JS.
    let issued = if op == Op::Verify { issued_token(envelope) } else { (None, None) };
    let mut s = flow.state.borrow_mut();
    match op {
        Op::SendNew => s.sent_new = to,
        Op::SendCurrent => s.sent_current = to,
        Op::Verify => {
            if let (Some(token), Some(secs)) = issued {
                let expires_at = sent_at + secs * 1000.0;
                s.token = Some((token, expires_at));
                s.expired = false;
                drop(s);
                flow.arm_expiry(expires_at);
            }
        }
        Op::Confirm => {
            drop(s);
            applied(flow);
        }
    }
    Ok(None)
}

/// The change or removal was applied: the flow is done.
fn applied(flow: &Flow) {
    {
        let mut s = flow.state.borrow_mut();
        s.done = true;
        s.token = None;
        s.current = if s.kind == FlowKind::Change { s.new.clone() } else { None };
    }
    flow.end_expiry();
}

/// The profile read after a confirm failed: done when the profile shows the change (the new
/// number) or the removal (no number); else `failure` stands.
pub(super) fn reconciled(flow: &Rc<Flow>, envelope: &JsValue, failure: JsValue) -> Result<Option<Sent>, JsValue> {
    // A profile without its `data` says nothing about the number: the failure stands.
    let data = own(envelope, "data").filter(JsValue::is_object);
    let has_phone = data.as_ref().and_then(|d| own(d, "phone")).and_then(|p| p.as_string()).is_some_and(|p| !p.is_empty());
    let phone = profile_phone(envelope);
    let done = {
        let s = flow.state.borrow();
        match s.kind {
            FlowKind::Change => phone.is_some() && phone == s.new,
            FlowKind::Removal => data.is_some() && !has_phone,
        }
    };
    if done {
        applied(flow);
        return Ok(None);
    }
    Err(failed(flow, Op::Confirm, failure))
}

/// The failure, with `field` naming the input it is about where the answer says so; the
/// state learns what the refusal taught (the pool verifies the old number; the token is dead).
pub(super) fn failed(flow: &Rc<Flow>, op: Op, error: JsValue) -> JsValue {
    let number = |key| own(&error, key).and_then(|v| v.as_f64()).unwrap_or(0.0);
    let code = own(&error, "code").and_then(|c| c.as_string()).unwrap_or_default();
    // The server's words: the message of a refusal in the envelope, the detail of an HTTP one.
    let said = |key| own(&error, key).and_then(|m| m.as_string()).unwrap_or_default();
    let message = said("message") + &said("detail");
    let (api_code, status) = (number("apiCode"), number("statusCode"));
    let mut s = flow.state.borrow_mut();
    let wrong_code = api_code == 2001.0 || api_code == 2300.0;
    let field = match op {
        // The codes first: they say what happened; the message is read only when they don't.
        Op::Verify if api_code == 2038.0 => Some("currentPhoneNumber"),
        Op::Verify | Op::SendNew if api_code == 2035.0 || api_code == 2230.0 => Some("newPhoneNumber"),
        Op::Verify if wrong_code || (api_code == 0.0 && mentions(&message, &["verification code", "验证码"])) => {
            match (s.verify_old, mentions(&message, &["old", "current", "旧"]), mentions(&message, &["new", "新"])) {
                (false, _, _) | (true, false, true) => Some("newCode"),
                (true, true, false) => Some("currentCode"),
                _ => None,
            }
        }
        Op::Verify if !s.verify_old && status == 400.0 && mentions(&message, &["oldphone", "old phone", "旧手机号"]) => {
            // The pool verifies the old number: ask for its code, in the client's own words
            // (the server's text names its internal fields).
            s.set_verify_old(true);
            drop(s);
            flow.end_expiry();
            return GenAuthError::invalid_as(
                "currentCode",
                "is required: this user pool also verifies the current number",
                Some(Reason::CodeMissing),
            )
            .into();
        }
        Op::Confirm if s.kind == FlowKind::Removal && wrong_code => Some("code"),
        _ => None,
    };
    let dead_token =
        code == ErrorCode::TokenExpired.as_str() || code == ErrorCode::TokenConsumed.as_str() || (9007.0..=9009.0).contains(&api_code);
    if op == Op::Confirm && s.kind == FlowKind::Change && dead_token {
        s.token = None;
    }
    // Released before touching JS: a setter planted on Error.prototype may call back in.
    drop(s);
    if let (Some(field), Some(e)) = (field, error.dyn_ref::<Error>()) {
        set(e, "field", &JsValue::from_str(field));
    }
    error
}

/// Whether `text` contains any of `words`, ignoring ASCII case (byte windows: core's string
/// search would add kilobytes).
fn mentions(text: &str, words: &[&str]) -> bool {
    let text = text.as_bytes();
    words.iter().any(|w| text.windows(w.len()).any(|window| window.eq_ignore_ascii_case(w.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn mentions_ignores_ascii_case() {
        assert!(mentions("Wrong verification code for the Old phone number", &["old"]));
        assert!(mentions("验证码不正确（旧手机号）", &["旧"]));
        assert!(!mentions("Wrong verification code", &["old", "旧"]));
        assert!(mentions("oldPhoneNumber and oldPhonePassCode are required", &["oldphone"]));
    }
}
