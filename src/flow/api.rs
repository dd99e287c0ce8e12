//! The flow's JS methods: thin, each reads its arguments once and hands over to [`Flow`].
//! None of them throws for what a person typed, and no step's promise rejects (`mod.rs`).

use super::state::{FlowKind, Op, Step, Target};
use super::{Flow, PhoneFlow, Work, CODES, NEW_NUMBER, REMOVAL_CODE};
use crate::args::{decode, read, Fields, Value};
use crate::dto;
use crate::error::{js_error, ErrorCode, GenAuthError, Reason};
use crate::session::{Endpoint, Request};
use js_sys::{Date, Function, Promise};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl PhoneFlow {
    /// The flow's state: the same deeply frozen object until something changes.
    #[wasm_bindgen(getter, unchecked_return_type = "PhoneChangeState | PhoneRemovalState")]
    pub fn state(&self) -> JsValue {
        self.flow.snapshot()
    }

    /// `subscribe(listener)`: calls `listener` (no arguments) after every change of `state`,
    /// and returns the function that unsubscribes it (once; later calls do nothing). A property
    /// holding the same function every time, which works unbound:
    /// `useSyncExternalStore(flow.subscribe, () => flow.state)`. Throws `CLIENT_FREED` after
    /// `free()`.
    #[wasm_bindgen(getter, unchecked_return_type = "(listener: () => void) => () => void")]
    pub fn subscribe(&self) -> JsValue {
        let flow = &self.flow;
        if let Some(f) = flow.subscribe.borrow().as_ref() {
            return f.clone();
        }
        let weak: Weak<Flow> = Rc::downgrade(flow);
        let subscribe =
            super::Subscribe::new(move |listener| match weak.upgrade() {
                Some(flow) => flow.add_listener(listener),
                // No flow to word it: the default language.
                None => Err(crate::messages::Texts::new(None)
                    .localize(js_error(ErrorCode::ClientFreed, "this flow was freed: start a new one").into())),
            })
            .into_js_value();
        drop(flow.subscribe.replace(Some(subscribe.clone())));
        subscribe
    }

    /// Change: the number to change to, as the person types it. Returns (and shows in
    /// `state.error`, field `newPhoneNumber` or `newPhoneCountryCode`) what is wrong with it,
    /// or `null`; never throws, so it fits an input's `onChange`. An unfinished number leaves
    /// `newNumber` null (the step that needs one refuses); an empty one is no error. A number
    /// other than the one a code went to starts the code step over. Returns `INVALID_STATE`
    /// (not shown in the state) once the flow is done or while the change is confirmed.
    #[wasm_bindgen(js_name = setNewNumber, unchecked_return_type = "GenAuthError | null")]
    pub fn set_new_number(
        &self,
        #[wasm_bindgen(js_name = phoneNumber, unchecked_param_type = "string")] phone_number: JsValue,
        #[wasm_bindgen(js_name = phoneCountryCode, unchecked_optional_param_type = "string | null")] country_code: JsValue,
    ) -> JsValue {
        let flow = &self.flow;
        if let Err(e) = flow.usable(FlowKind::Change) {
            return flow.said(e.into());
        }
        if flow.state.borrow().done || flow.busy() == Some(Op::Confirm) {
            return flow.said(js_error(ErrorCode::InvalidState, "the change is done or being confirmed: start a new flow").into());
        }
        let [typed_field, cc_field] = &NEW_NUMBER;
        let number = read(typed_field, "", phone_number).and_then(|typed| {
            let cc = match read(cc_field, "", country_code)? {
                Some(Value::Text(c)) => Some(c),
                _ => None,
            };
            match typed {
                Some(Value::Text(t)) => super::typed_number(&t, cc.as_deref()).map(Some),
                _ => Ok(None),
            }
        });
        let (number, problem) = match number {
            Ok(Some(n)) => (Some(n), None),
            // Nothing typed yet (or only spaces): no number, and nothing to complain of.
            Err(e) if e.reason == Some(Reason::PhoneMissing) => (None, None),
            Ok(None) => (None, Some(GenAuthError::invalid_as("newPhoneNumber", "is required", Some(Reason::PhoneMissing)))),
            Err(e) => (None, Some(e)),
        };
        let problem = problem.map_or(JsValue::NULL, |e| flow.said(e.into()));
        let changed = flow.state.borrow().new != number;
        if changed {
            flow.abort_in_flight();
            flow.state.borrow_mut().set_new(number);
            flow.end_expiry();
        }
        // The same number again (an input synced on every change) leaves the state alone, unless
        // the number's own problem is new or gone: another error (a failed read) stays shown.
        let shown = flow.error.borrow().clone();
        let number_problem =
            |e: &JsValue| crate::args::own(e, "field").and_then(|f| f.as_string()).is_some_and(|f| f.starts_with("newPhone"));
        if changed || (!problem.is_null() && problem != shown) || (problem.is_null() && number_problem(&shown)) {
            drop(flow.error.replace(problem.clone()));
            flow.changed();
        }
        if changed {
            flow.read_current_number();
        }
        problem
    }

    /// Change: whether the user pool verifies the current number (its code is then needed
    /// too). Turning it on reads the current number when the flow does not know it. Returns
    /// `INVALID_STATE` while codes are being verified or the change confirmed, else `null`.
    #[wasm_bindgen(js_name = setVerifyOldPhone, unchecked_return_type = "GenAuthError | null")]
    pub fn set_verify_old_phone(&self, #[wasm_bindgen(unchecked_param_type = "boolean")] on: JsValue) -> JsValue {
        let flow = &self.flow;
        let on = match (flow.usable(FlowKind::Change), on.as_bool()) {
            (Err(e), _) => return flow.said(e.into()),
            (Ok(()), None) => return flow.said(GenAuthError::invalid("verifyOldPhone", "must be a boolean").into()),
            (Ok(()), Some(on)) => on,
        };
        if matches!(flow.busy(), Some(Op::Verify | Op::Confirm)) {
            let e = js_error(ErrorCode::InvalidState, "the codes are being verified or the change confirmed: wait for it");
            return flow.said(e.into());
        }
        if flow.state.borrow_mut().set_verify_old(on) {
            flow.end_expiry();
            flow.changed();
            flow.read_current_number();
        }
        JsValue::NULL
    }

    /// Sends a code: change, `sendCode("new")` / `sendCode("current")`; removal,
    /// `sendCode()`. Resolves with `null`, or the failure (`SMS_COOLDOWN` with `retryAfterMs`
    /// while the number waits).
    #[wasm_bindgen(js_name = sendCode, unchecked_return_type = "Promise<GenAuthError | null>")]
    pub fn send_code(&self, #[wasm_bindgen(unchecked_optional_param_type = "\"new\" | \"current\" | null")] target: JsValue) -> Promise {
        let flow = &self.flow;
        let absent = target.is_undefined() || target.is_null();
        let target = match (flow.kind(), target.as_string().as_deref()) {
            (FlowKind::Change, Some("new")) => Target::New,
            (FlowKind::Change, Some("current")) if flow.state.borrow().verify_old => Target::Current,
            (FlowKind::Change, Some("current")) => {
                return flow.refused(Flow::refuse("the current number's code is needed only with verifyOldPhone"));
            }
            (FlowKind::Removal, t) if absent || t == Some("current") => Target::Current,
            _ => return flow.refused(GenAuthError::invalid("target", "must be \"new\" or \"current\"")),
        };
        flow.begin(target.send_op(), Work::Send(target))
    }

    /// Change: exchanges the codes for the one-time token, which stays inside the module
    /// (`state.tokenExpiresAt` says until when it lives, counted from when this request was
    /// sent). Resolves with `null`, or the failure: a wrong code names `field` `"newCode"` or
    /// `"currentCode"` where the server says which.
    #[wasm_bindgen(unchecked_return_type = "Promise<GenAuthError | null>")]
    pub fn verify(&self, #[wasm_bindgen(unchecked_param_type = "{ newCode: string; currentCode?: string }")] codes: JsValue) -> Promise {
        let flow = &self.flow;
        if let Some(promise) = flow.running(Op::Verify) {
            return promise;
        }
        let work = flow.usable(FlowKind::Change).and_then(|()| decode(&codes, &CODES)).and_then(|mut c| {
            let new_code = c.take_text(0).unwrap_or_default();
            let current_code = c.take_text(1);
            if flow.state.borrow().verify_old && current_code.is_none() {
                return Err(GenAuthError::invalid_as(
                    "currentCode",
                    "is required: this user pool also verifies the current number",
                    Some(Reason::CodeMissing),
                ));
            }
            Ok(Work::Verify { new_code, current_code })
        });
        match work {
            Ok(work) => flow.begin(Op::Verify, work),
            Err(e) => flow.refused(e),
        }
    }

    /// Applies the change (change: `confirm()`, with the token from `verify`) or the removal
    /// (removal: `confirm(code)`). Runs once: a second call while it runs gets the same
    /// promise. Resolves with `null`, or the failure (`TOKEN_EXPIRED`, refused locally, when
    /// the token has expired). When a sent confirm fails (no answer came, or a refusal, which
    /// may be of a resent request), the flow reads the profile and finishes as done if the
    /// change or removal was applied after all.
    #[wasm_bindgen(unchecked_return_type = "Promise<GenAuthError | null>")]
    pub fn confirm(&self, #[wasm_bindgen(unchecked_optional_param_type = "string | null")] code: JsValue) -> Promise {
        let flow = &self.flow;
        if let Some(promise) = flow.running(Op::Confirm) {
            return promise;
        }
        let kind = flow.kind();
        if let Err(e) = flow.usable(kind) {
            return flow.refused(e);
        }
        let fields = match kind {
            FlowKind::Change => {
                let (token, expired) = {
                    let mut s = flow.state.borrow_mut();
                    let token = s.live_token(Date::now()).map(str::to_owned);
                    (token, s.expired)
                };
                match token {
                    Some(token) => Fields { shape: &dto::UPDATE_PHONE, values: vec![Some(Value::Text(token))] },
                    None => {
                        flow.end_expiry();
                        let e = if expired {
                            GenAuthError::new(ErrorCode::TokenExpired, "the confirmation expired: verify the codes again")
                        } else if flow.state.borrow().step() == Step::Done {
                            Flow::refuse("this flow is done: start a new one")
                        } else {
                            Flow::refuse("verify the codes first")
                        };
                        return flow.refused(e);
                    }
                }
            }
            FlowKind::Removal => match read(&REMOVAL_CODE, "", code) {
                Ok(Some(Value::Text(c))) => Fields { shape: &dto::UNBIND_PHONE, values: vec![Some(Value::Text(c))] },
                Ok(_) => return flow.refused(GenAuthError::invalid_as("code", "is required", Some(Reason::CodeMissing))),
                Err(e) => return flow.refused(e),
            },
        };
        let endpoint = if kind == FlowKind::Change { Endpoint::UpdatePhone } else { Endpoint::UnbindPhone };
        let request = Request { endpoint, fields, timeout_ms: flow.timeout_ms, signal: None };
        flow.begin(Op::Confirm, Work::Ready(request))
    }

    /// Aborts the step in flight (its promise resolves with `ABORTED`); the flow stays where
    /// it was. A confirmation already sent is not aborted: the server may have applied it, and
    /// the flow must learn which. Harmless when nothing runs.
    pub fn cancel(&self) {
        let flow = &self.flow;
        if flow.in_flight.borrow().is_some() && flow.busy() != Some(Op::Confirm) {
            flow.abort_in_flight();
            flow.changed();
        }
    }

    /// Retires the flow: a step in flight is aborted (a sent confirmation is left to finish,
    /// as with `cancel()`), the token, timers and subscribers are dropped, and later calls get
    /// `CLIENT_FREED`. Not needed otherwise: the garbage collector reclaims a flow once the
    /// page holds no reference to it and it has no subscribers (the module holds subscribers
    /// strongly; unsubscribing, as React does on unmount, lets it go).
    #[wasm_bindgen(js_name = free)]
    pub fn retire(&self) {
        let flow = &self.flow;
        flow.freed.set(true);
        if flow.busy() != Some(Op::Confirm) {
            flow.abort_in_flight();
        }
        if let Some(reading) = flow.reading.take() {
            reading.abort();
        }
        flow.end_expiry();
        flow.end_cooldown();
        // Emptied in place (`RefCell::take` would compile a copy for this type): dropping a
        // function handle frees its slot in the module's table and runs no JS.
        flow.listeners.borrow_mut().clear();
        if flow.busy() != Some(Op::Confirm) {
            flow.state.borrow_mut().token = None;
        }
    }
}

impl Flow {
    /// Adds a subscriber; its unsubscribe function acts once (a stale one never removes a
    /// later subscription of the same listener).
    fn add_listener(self: &Rc<Self>, listener: JsValue) -> Result<JsValue, JsValue> {
        let listener = self
            .alive()
            .and_then(|()| listener.dyn_into::<Function>().map_err(|_| GenAuthError::invalid("listener", "must be a function")));
        let listener = listener.map_err(|e| self.said(e.into()))?;
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        self.listeners.borrow_mut().push((id, listener));
        let flow: Weak<Flow> = Rc::downgrade(self);
        let unsubscribe = super::Callback::new(move |_| {
            if let Some(flow) = flow.upgrade() {
                // Dropped after the borrow ends: a listener's drop runs no JS, but keep the rule.
                let gone = {
                    let mut listeners = flow.listeners.borrow_mut();
                    // Swapped to the end and popped: `Vec::remove` would compile a copy for this type.
                    listeners.iter().position(|(i, _)| *i == id).and_then(|at| {
                        for j in at + 1..listeners.len() {
                            listeners.swap(j - 1, j);
                        }
                        listeners.pop()
                    })
                };
                drop(gone);
            }
            Ok(())
        });
        Ok(unsubscribe.into_js_value())
    }
}
