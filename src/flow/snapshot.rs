//! The state of a flow as the plain JS object `flow.state` returns (the `PhoneChangeState` /
//! `PhoneRemovalState` types). Built only when something changed, so the same object comes
//! back until then (what React's `useSyncExternalStore` needs), and frozen all the way down,
//! since every reader shares it. Times are absolute (ms since epoch): a countdown is the
//! page's timer, not a stream of new states; the flow tells subscribers when one ends.
//!
//! The values are read while the state is borrowed (making JS strings, numbers and booleans
//! runs no page code); the objects are made from tables of keys after the borrow ends (a
//! setter planted on `Object.prototype` may call back into the flow).

use super::state::{FlowKind, Number, State, Target};
use crate::error::set;
use crate::session::Session;
use core::cell::RefCell;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// The keys of `PhoneChangeState`, in order; `PhoneRemovalState` has [`REMOVAL_KEYS`].
const CHANGE_KEYS: [&str; 9] = ["kind", "step", "busy", "error", "currentNumber", "newNumber", "verifyOldPhone", "tokenExpiresAt", "sends"];
const REMOVAL_KEYS: [&str; 6] = ["kind", "step", "busy", "error", "currentNumber", "sends"];
const NUMBER_KEYS: [&str; 3] = ["phoneNumber", "phoneCountryCode", "masked"];
const SEND_KEYS: [&str; 5] = ["target", "channel", "maskedNumber", "sent", "cooldownUntil"];

const STEPS: [&str; 4] = ["number", "codes", "confirm", "done"];
const OPS: [&str; 4] = ["send-new", "send-current", "verify", "confirm"];

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// A frozen plain object with `values` under `keys`, in order. One copy for every object of
/// the snapshot.
#[inline(never)]
fn frozen_object(keys: &[&str], values: &[JsValue]) -> JsValue {
    let o = Object::new();
    // By index: `zip` compiles its own iterator code for each pair of types.
    for (i, key) in keys.iter().enumerate() {
        let Some(value) = values.get(i) else { break };
        // `Reflect.set` is a `catch` import: a setter planted on Object.prototype cannot throw
        // through the module (and the flow holds no borrow while this runs).
        set(&o, key, value);
    }
    Object::freeze(&o).into()
}

/// `{phoneNumber, phoneCountryCode, masked}`, or `null`.
fn number(n: Option<&Number>) -> JsValue {
    let Some(n) = n else { return JsValue::NULL };
    frozen_object(&NUMBER_KEYS, &[text(&n.digits), n.country_code.as_deref().map_or(JsValue::NULL, text), text(&n.masked())])
}

/// The state as JS, and the earliest time a cooldown in it ends (0: none runs). `error` is the
/// last failure (a `GenAuthError`) or null.
pub fn build(state: &RefCell<State>, error: JsValue, session: &Session) -> (JsValue, f64) {
    // What other tabs stored, read before the state is borrowed (storage is JS).
    let now = session.refresh_cooldowns();
    let mut next_end = 0.0;
    // The values of each `sends` entry, in the order of SEND_KEYS.
    let mut sends = Vec::new();
    let (change, step, busy, current, new, verify_old, token_expires_at) = {
        let s = state.borrow();
        for &target in s.needs() {
            let n = s.number(target);
            let until = session.sms_until(n.map(|n| target.cooldown_key(n)), now);
            if until > 0.0 && (next_end == 0.0 || until < next_end) {
                next_end = until;
            }
            // Only JS strings, numbers and booleans while borrowed: no page code runs. Pushed
            // one by one: `extend` from an array is compiled once per array length.
            sends.push(text(if target == Target::New { "new" } else { "current" }));
            sends.push(text(target.channel()));
            sends.push(n.map_or(JsValue::NULL, |n| text(&n.masked())));
            sends.push(s.sent(target).into());
            sends.push(until.into());
        }
        let token_expires_at = s.token.as_ref().map_or(0.0, |(_, at)| *at);
        (s.kind == FlowKind::Change, s.step(), s.busy, s.current.clone(), s.new.clone(), s.verify_old, token_expires_at)
    };
    let array = Array::new();
    for values in sends.chunks(SEND_KEYS.len()) {
        array.push(&frozen_object(&SEND_KEYS, values));
    }
    // Frozen like the rest (it was complete when recorded; its holder gets the same object).
    if error.is_object() {
        Object::freeze(error.unchecked_ref::<Object>());
    }
    let mut top = vec![
        text(if change { "change" } else { "removal" }),
        text(STEPS.get(step as usize).copied().unwrap_or_default()),
        busy.and_then(|op| OPS.get(op as usize)).map_or(JsValue::NULL, |s| text(s)),
        error,
        number(current.as_ref()),
    ];
    if change {
        top.push(number(new.as_ref()));
        top.push(verify_old.into());
        top.push(token_expires_at.into());
    }
    top.push(Object::freeze(&array).into());
    // Frozen: the same object is handed out until the next change, so no page may edit it.
    (frozen_object(if change { &CHANGE_KEYS } else { &REMOVAL_KEYS }, &top), next_end)
}
