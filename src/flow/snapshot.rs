//! The state of a flow as the plain JS object `flow.state` returns (the `PhoneChangeState` /
//! `PhoneRemovalState` types). Built only when something changed, so the same object comes
//! back until then (what React's `useSyncExternalStore` needs), and frozen all the way down,
//! since every reader shares it. Times are absolute (ms since epoch): a countdown is the
//! page's timer, not a stream of new states; the flow tells subscribers when one ends.

use super::state::{FlowKind, Number, State, Target};
use crate::session::Session;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

fn put(target: &Object, key: &str, value: &JsValue) {
    // `Reflect.set` is a `catch` import: a setter planted on Object.prototype cannot throw
    // through the module (and the flow holds no borrow while this runs).
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn frozen(o: &Object) -> JsValue {
    Object::freeze(o).into()
}

/// `{phoneNumber, phoneCountryCode, masked}`, or `null`.
fn number(n: Option<&Number>) -> JsValue {
    let Some(n) = n else { return JsValue::NULL };
    let o = Object::new();
    put(&o, "phoneNumber", &text(&n.digits));
    put(&o, "phoneCountryCode", &n.country_code.as_deref().map_or(JsValue::NULL, text));
    put(&o, "masked", &text(&n.masked()));
    frozen(&o)
}

const STEPS: [&str; 4] = ["number", "codes", "confirm", "done"];
const OPS: [&str; 4] = ["send-new", "send-current", "verify", "confirm"];

/// The state as JS, and the earliest time a cooldown in it ends (0: none runs). `error` is the
/// last failure (a `GenAuthError`) or null.
pub fn build(state: &State, error: &JsValue, session: &Session) -> (JsValue, f64) {
    let o = Object::new();
    put(&o, "kind", &text(if state.kind == FlowKind::Change { "change" } else { "removal" }));
    put(&o, "step", &text(STEPS.get(state.step() as usize).copied().unwrap_or_default()));
    put(&o, "busy", &state.busy.and_then(|op| OPS.get(op as usize)).map_or(JsValue::NULL, |s| text(s)));
    // Frozen like the rest (it was complete when recorded; its holder gets the same object).
    if error.is_object() {
        Object::freeze(error.unchecked_ref::<Object>());
    }
    put(&o, "error", error);
    put(&o, "currentNumber", &number(state.current.as_ref()));
    if state.kind == FlowKind::Change {
        put(&o, "newNumber", &number(state.new.as_ref()));
        put(&o, "verifyOldPhone", &state.verify_old.into());
        put(&o, "tokenExpiresAt", &state.token.as_ref().map_or(0.0, |(_, at)| *at).into());
    }
    let needs = state.needs();
    // One read of the shared cooldowns for every send.
    let keys: Vec<Option<u64>> = needs.iter().map(|t| state.number(*t).map(|n| t.cooldown_key(n))).collect();
    let untils = session.sms_until(&keys);
    let next_end = untils.iter().copied().filter(|u| *u > 0.0).fold(0.0, |a: f64, u| if a == 0.0 { u } else { a.min(u) });
    let sends = Array::new();
    for (target, until) in needs.into_iter().zip(untils) {
        let s = Object::new();
        put(&s, "target", &text(if target == Target::New { "new" } else { "current" }));
        put(&s, "channel", &text(target.channel()));
        put(&s, "maskedNumber", &state.number(target).map_or(JsValue::NULL, |n| text(&n.masked())));
        put(&s, "sent", &state.sent(target).into());
        put(&s, "cooldownUntil", &until.into());
        sends.push(&frozen(&s));
    }
    put(&o, "sends", &frozen(&sends));
    // Frozen: the same object is handed out until the next change, so no page may edit it.
    (frozen(&o), next_end)
}
