//! The state of a flow as the plain JS object `flow.state` returns (the `PhoneChangeState` /
//! `PhoneRemovalState` types). Built only when something changed, so the same object comes
//! back until then (what React's `useSyncExternalStore` needs). Times are absolute (ms since
//! epoch): a countdown is the page's timer, not a stream of new states.

use super::state::{FlowKind, Number, Op, State, Target};
use crate::session::Session;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

fn put(target: &Object, key: &str, value: &JsValue) {
    // A fresh plain object: setting a property cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// `{phoneNumber, phoneCountryCode, masked}`, or `null`.
fn number(n: Option<&Number>) -> JsValue {
    let Some(n) = n else { return JsValue::NULL };
    let o = Object::new();
    put(&o, "phoneNumber", &text(&n.digits));
    put(&o, "phoneCountryCode", &text(&n.country_code));
    put(&o, "masked", &text(&n.masked()));
    o.into()
}

const STEPS: [&str; 4] = ["number", "codes", "confirm", "done"];
const OPS: [&str; 5] = ["profile", "send-new", "send-current", "verify", "confirm"];

/// The SMS channel of a code for `target`.
pub fn channel(target: Target) -> &'static str {
    match target {
        Target::New => "CHANNEL_BIND_PHONE",
        Target::Current => "CHANNEL_UNBIND_PHONE",
    }
}

/// The state as JS. `error` is the last failure (a `GenAuthError`) or null.
pub fn build(state: &State, error: &JsValue, session: &Session) -> JsValue {
    let o = Object::new();
    put(&o, "kind", &text(if state.kind == FlowKind::Change { "change" } else { "removal" }));
    put(&o, "step", &text(STEPS.get(state.step() as usize).copied().unwrap_or_default()));
    put(&o, "busy", &state.busy.and_then(|op| OPS.get(op as usize)).map_or(JsValue::NULL, |s| text(s)));
    put(&o, "error", error);
    put(&o, "currentNumber", &number(state.current.as_ref()));
    if state.kind == FlowKind::Change {
        put(&o, "newNumber", &number(state.new.as_ref()));
        put(&o, "verifyOldPhone", &state.verify_old.into());
        put(&o, "tokenExpiresAt", &state.token.as_ref().map_or(0.0, |(_, at)| *at).into());
    }
    let sends = Array::new();
    for target in state.needs() {
        let s = Object::new();
        put(&s, "target", &text(if target == Target::New { "new" } else { "current" }));
        put(&s, "channel", &text(channel(target)));
        let n = state.number(target);
        put(&s, "maskedNumber", &n.map_or(JsValue::NULL, |n| text(&n.masked())));
        put(&s, "sent", &state.sent(target).into());
        let until = n.map_or(0.0, |n| session.sms_until(crate::ledger::sms_key(channel(target), &n.digits, Some(&n.country_code))));
        put(&s, "cooldownUntil", &until.into());
        sends.push(&s);
    }
    put(&o, "sends", &sends);
    // Frozen: the same object is handed out until the next change, so no page may edit it.
    Object::freeze(&o).into()
}

/// `Op` for a send to `target`.
pub fn send_op(target: Target) -> Op {
    match target {
        Target::New => Op::SendNew,
        Target::Current => Op::SendCurrent,
    }
}
