//! What an answer means for a flow: the state a success leads to, and what a failure says
//! about which field was wrong. The server names a wrong code only in its message (no field
//! in the envelope), so the message is read for it — a guess at the real server's wording,
//! kept to the words of the emulator and of GenAuth's documentation ("old" / "new", "旧" /
//! "新"); when it names neither, the error names no field rather than the wrong one.

use super::state::{FlowKind, Number, Op};
use super::{Flow, Sent, Work};
use crate::args::own;
use crate::call::issued_token;
use crate::error::set;
use crate::validate::{problem, Rule};
use js_sys::Error;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

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
    if op == Op::Profile || then.is_some() {
        let data = own(envelope, "data").unwrap_or_default();
        // Checked like any number the client sends: a malformed one from the server is unknown.
        let valid = |rule, text: &String| problem(rule, text).is_none();
        let phone = own(&data, "phone").and_then(|p| p.as_string()).filter(|p| valid(Rule::Phone, p));
        // No country code is the server's default; a malformed one makes the number unknown.
        let country_code = own(&data, "phoneCountryCode").and_then(|c| c.as_string()).filter(|c| !c.is_empty());
        let current = match country_code {
            Some(cc) if !valid(Rule::CountryCode, &cc) => None,
            cc => phone.map(|p| Number::new(&p, cc.as_deref())),
        };
        let known = current.is_some();
        flow.state.borrow_mut().current = current;
        return match then {
            Some(_) if !known => Err(super::Flow::refuse("this account has no phone number").into()),
            Some(work) => {
                let generation = flow.state.borrow().generation;
                flow.continue_with(op, work, generation).map(Some).map_err(JsValue::from)
            }
            None => Ok(None),
        };
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
            s.done = true;
            s.token = None;
            s.current = if s.kind == FlowKind::Change { s.new.clone() } else { None };
            drop(s);
            flow.expiry.borrow_mut().take();
        }
        Op::Profile => {}
    }
    Ok(None)
}

/// The failure, with `field` naming the input it is about where the answer says so; the
/// state learns what the refusal taught (the pool verifies the old number; the token is dead).
/// The flag: verification of the current number was just turned on (read it now).
pub(super) fn failed(flow: &Rc<Flow>, op: Op, error: JsValue) -> (JsValue, bool) {
    let number = |key| own(&error, key).and_then(|v| v.as_f64()).unwrap_or(0.0);
    let code = own(&error, "code").and_then(|c| c.as_string()).unwrap_or_default();
    let message = own(&error, "message").and_then(|m| m.as_string()).unwrap_or_default();
    let (api_code, status) = (number("apiCode"), number("statusCode"));
    let mut s = flow.state.borrow_mut();
    let mut turned_on = false;
    let field = match op {
        Op::Verify if !s.verify_old && status == 400.0 && mentions(&message, &["oldphone", "old phone", "旧手机号"]) => {
            // The pool verifies the old number: ask for its code instead of failing generically.
            s.verify_old = true;
            turned_on = true;
            Some("currentCode")
        }
        Op::Verify if api_code == 2001.0 || api_code == 2300.0 || mentions(&message, &["verification code", "验证码"]) => {
            match (s.verify_old, mentions(&message, &["old", "current", "旧"]), mentions(&message, &["new", "新"])) {
                (false, _, _) | (true, false, true) => Some("newCode"),
                (true, true, false) => Some("currentCode"),
                _ => None,
            }
        }
        Op::Verify if api_code == 2038.0 => Some("currentPhoneNumber"),
        Op::Verify | Op::SendNew if api_code == 2035.0 || api_code == 2230.0 => Some("newPhoneNumber"),
        Op::Confirm if s.kind == FlowKind::Removal && (api_code == 2001.0 || api_code == 2300.0) => Some("code"),
        _ => None,
    };
    let dead_token = matches!(code.as_str(), "TOKEN_EXPIRED" | "TOKEN_CONSUMED") || (9007.0..=9009.0).contains(&api_code);
    if op == Op::Confirm && s.kind == FlowKind::Change && dead_token {
        s.token = None;
    }
    // Released before touching JS: a setter planted on Error.prototype may call back in.
    drop(s);
    if let (Some(field), Some(e)) = (field, error.dyn_ref::<Error>()) {
        set(e, "field", &JsValue::from_str(field));
    }
    (error, turned_on)
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
