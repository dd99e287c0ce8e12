//! The flow's JS methods: thin, each reads its arguments once and hands over to [`Flow`].

use super::state::{FlowKind, Number, Op, Step, Target};
use super::{Flow, PhoneFlow, Work, CODES, NEW_NUMBER, REMOVAL_CODE};
use crate::args::{decode, read, Fields, Value};
use crate::dto;
use crate::error::{ErrorCode, GenAuthError};
use crate::session::{Endpoint, Request};
use js_sys::{Date, Function, Promise};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl PhoneFlow {
    /// The flow's state: the same frozen object until something changes.
    #[wasm_bindgen(getter, unchecked_return_type = "PhoneChangeState | PhoneRemovalState")]
    pub fn state(&self) -> JsValue {
        self.flow.snapshot()
    }

    /// Calls `listener` (no arguments) after every change of `state`; returns the function
    /// that unsubscribes it (calling it again does nothing). A listener that throws is skipped.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn subscribe(&self, #[wasm_bindgen(unchecked_param_type = "() => void")] listener: JsValue) -> Result<JsValue, JsValue> {
        let Ok(listener) = listener.dyn_into::<Function>() else {
            return Err(GenAuthError::invalid("listener", "must be a function").into());
        };
        self.flow.listeners.borrow_mut().push(listener.clone());
        let flow: Weak<Flow> = Rc::downgrade(&self.flow);
        let unsubscribe = Closure::<dyn FnMut()>::new(move || {
            if let Some(flow) = flow.upgrade() {
                let mut listeners = flow.listeners.borrow_mut();
                let same = |a: &JsValue, b: &JsValue| a == b;
                if let Some(i) = listeners.iter().position(|l| same(l, &listener)) {
                    listeners.remove(i);
                }
            }
        });
        Ok(unsubscribe.into_js_value())
    }

    /// Change: the number to change to. A number other than the one a code went to starts
    /// the code step over. Throws `INVALID_ARGUMENT` (`phoneNumber` / `phoneCountryCode`), and
    /// `INVALID_STATE` once the flow is done or while the change is being confirmed.
    #[wasm_bindgen(js_name = setNewNumber)]
    pub fn set_new_number(
        &self,
        #[wasm_bindgen(js_name = phoneNumber, unchecked_param_type = "string")] phone_number: JsValue,
        #[wasm_bindgen(js_name = phoneCountryCode, unchecked_optional_param_type = "string | null")] country_code: JsValue,
    ) -> Result<(), JsValue> {
        let flow = &self.flow;
        flow.usable(FlowKind::Change)?;
        let [digits_field, cc_field] = &NEW_NUMBER;
        let digits = match read(digits_field, "", phone_number)? {
            Some(Value::Text(d)) => d,
            _ => return Err(GenAuthError::invalid("phoneNumber", "is required").into()),
        };
        let cc = match read(cc_field, "", country_code)? {
            Some(Value::Text(c)) => Some(c),
            _ => None,
        };
        if flow.state.borrow().done || flow.busy() == Some(Op::Confirm) {
            return Err(Flow::refuse("the change is done or being confirmed: start a new flow").into());
        }
        let number = Number::new(&digits, cc.as_deref());
        if flow.state.borrow().new.as_ref() != Some(&number) {
            flow.abort_in_flight();
            flow.state.borrow_mut().set_new(number);
            *flow.error.borrow_mut() = JsValue::NULL;
            flow.expiry.borrow_mut().take();
            flow.changed();
        }
        Ok(())
    }

    /// Change: whether the user pool verifies the current number (its code is then needed
    /// too). Turning it on reads the current number when the flow does not know it. Throws
    /// `INVALID_STATE` while codes are being verified or the change confirmed.
    #[wasm_bindgen(js_name = setVerifyOldPhone)]
    pub fn set_verify_old_phone(&self, #[wasm_bindgen(unchecked_param_type = "boolean")] on: JsValue) -> Result<(), JsValue> {
        let flow = &self.flow;
        flow.usable(FlowKind::Change)?;
        let on = on.as_bool().ok_or_else(|| JsValue::from(GenAuthError::invalid("verifyOldPhone", "must be a boolean")))?;
        if matches!(flow.busy(), Some(Op::Verify | Op::Confirm)) {
            return Err(Flow::refuse("the codes are being verified or the change confirmed: wait for it").into());
        }
        if flow.state.borrow_mut().set_verify_old(on) {
            flow.expiry.borrow_mut().take();
            flow.changed();
            flow.read_current_number();
        }
        Ok(())
    }

    /// Sends a code: change, `sendCode("new")` / `sendCode("current")`; removal,
    /// `sendCode()`. Rejects with `SMS_COOLDOWN` (`retryAfterMs`) while the number waits.
    #[wasm_bindgen(js_name = sendCode, unchecked_return_type = "Promise<void>")]
    pub fn send_code(&self, #[wasm_bindgen(unchecked_optional_param_type = "\"new\" | \"current\" | null")] target: JsValue) -> Promise {
        let flow = &self.flow;
        let absent = target.is_undefined() || target.is_null();
        let target = match (flow.kind(), target.as_string().as_deref()) {
            (FlowKind::Change, Some("new")) => Target::New,
            (FlowKind::Change, Some("current")) if flow.state.borrow().verify_old => Target::Current,
            (FlowKind::Change, Some("current")) => {
                return flow.reject(Flow::refuse("the current number's code is needed only with verifyOldPhone"));
            }
            (FlowKind::Removal, t) if absent || t == Some("current") => Target::Current,
            _ => return flow.reject(GenAuthError::invalid("target", "must be \"new\" or \"current\"")),
        };
        flow.begin(target.send_op(), Some(Work::Send(target)))
    }

    /// Change: exchanges the codes for the one-time token, which stays inside the module
    /// (`state.tokenExpiresAt` says until when it lives, counted from when this request was
    /// sent). A wrong code rejects with `field` `"newCode"` or `"currentCode"` where the
    /// server says which.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn verify(&self, #[wasm_bindgen(unchecked_param_type = "{ newCode: string; currentCode?: string }")] codes: JsValue) -> Promise {
        let flow = &self.flow;
        let work = flow.usable(FlowKind::Change).and_then(|()| decode(&codes, &CODES)).and_then(|mut c| {
            let new_code = c.take_text(0).unwrap_or_default();
            let current_code = c.take_text(1);
            if flow.state.borrow().verify_old && current_code.is_none() {
                return Err(GenAuthError::invalid("currentCode", "is required: this user pool also verifies the current number"));
            }
            Ok(Work::Verify { new_code, current_code })
        });
        match work {
            Ok(work) => flow.begin(Op::Verify, Some(work)),
            Err(e) => flow.reject(e),
        }
    }

    /// Applies the change (change: `confirm()`, with the token from `verify`) or the removal
    /// (removal: `confirm(code)`). Runs once: a second call while it runs gets the same
    /// promise. Refused locally with `TOKEN_EXPIRED` when the token has expired.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn confirm(&self, #[wasm_bindgen(unchecked_optional_param_type = "string | null")] code: JsValue) -> Promise {
        let flow = &self.flow;
        let kind = flow.kind();
        if let Err(e) = flow.usable(kind) {
            return flow.reject(e);
        }
        if let Some(promise) = flow.in_flight.borrow().as_ref().filter(|f| f.op == Op::Confirm).map(|f| f.promise.clone()) {
            return promise;
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
                        flow.expiry.borrow_mut().take();
                        let e = if expired {
                            GenAuthError::new(ErrorCode::TokenExpired, "the confirmation expired: verify the codes again")
                        } else if flow.state.borrow().step() == Step::Done {
                            Flow::refuse("this flow is done: start a new one")
                        } else {
                            Flow::refuse("verify the codes first")
                        };
                        return flow.reject(e);
                    }
                }
            }
            FlowKind::Removal => match read(&REMOVAL_CODE, "", code) {
                Ok(Some(Value::Text(c))) => Fields { shape: &dto::UNBIND_PHONE, values: vec![Some(Value::Text(c))] },
                Ok(_) => return flow.reject(GenAuthError::invalid("code", "is required")),
                Err(e) => return flow.reject(e),
            },
        };
        let endpoint = if kind == FlowKind::Change { Endpoint::UpdatePhone } else { Endpoint::UnbindPhone };
        let request = Request { endpoint, fields, timeout_ms: flow.timeout_ms, signal: None };
        flow.begin(Op::Confirm, Some(Work::Ready(request)))
    }

    /// Aborts the step in flight (its promise rejects with `ABORTED`); the flow stays where
    /// it was. A confirmation already sent is left to finish: the server may have applied it,
    /// and the flow must learn which. Harmless when nothing runs.
    pub fn cancel(&self) {
        let flow = &self.flow;
        if flow.in_flight.borrow().is_some() && flow.busy() != Some(Op::Confirm) {
            flow.abort_in_flight();
            flow.changed();
        }
    }

    /// Retires the flow: whatever is in flight is aborted, the token and the subscribers are
    /// dropped, and later calls fail with `CLIENT_FREED`. Not needed otherwise: the garbage
    /// collector reclaims a flow.
    #[wasm_bindgen(js_name = free)]
    pub fn retire(&self) {
        let flow = &self.flow;
        flow.freed.set(true);
        flow.abort_in_flight();
        flow.expiry.borrow_mut().take();
        flow.listeners.borrow_mut().clear();
        flow.state.borrow_mut().token = None;
    }
}
