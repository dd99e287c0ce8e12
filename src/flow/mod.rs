//! The change-number and remove-number flows (`client.phoneChange()`, `client.phoneRemoval()`):
//! one small state machine per flow, owned here so no app rebuilds it. A flow knows which codes
//! are needed and on which channel, sends them (never "resending" to a number it has not sent
//! to), keeps the one-time token inside the module, confirms once, and tells its subscribers
//! each time its state changes. One step runs at a time; calling the same step again while it
//! runs returns the same promise (a double click sends one request).
//!
//! Requests go through the client's session and the one async path (`call.rs`); what an
//! answer means for the flow is decided in [`Flow::finish`].

mod answer;
mod snapshot;
mod state;

pub use state::FlowKind;

use crate::abort::{clear_timeout, set_timeout};
use crate::args::{decode, get, read, Field, Fields, Kind, Shape, Value};
use crate::call::{start, After, Call, Next, Step as Sent};
use crate::dto;
use crate::error::{ErrorCode, GenAuthError, Result};
use crate::http::Answer;
use crate::session::{Endpoint, Request, Session};
use crate::validate::Rule;
use core::cell::{Cell, RefCell};
use js_sys::{Array, Date, Function, Promise, Set};
use snapshot::channel;
use state::{Number, Op, State, Step, Target};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

const fn field(key: &'static str, kind: Kind) -> Field {
    Field { key, kind, required: false }
}

/// `PhoneChangeOptions`.
static CHANGE_OPTIONS: Shape = Shape {
    name: "options",
    path: "",
    fields: &[
        field("currentPhoneNumber", Kind::Text(Rule::Phone)),
        field("currentPhoneCountryCode", Kind::Text(Rule::CountryCode)),
        field("newPhoneNumber", Kind::Text(Rule::Phone)),
        field("newPhoneCountryCode", Kind::Text(Rule::CountryCode)),
        field("verifyOldPhone", Kind::Flag),
        field("timeout", Kind::Number),
    ],
};
/// `PhoneRemovalOptions`: the first fields of [`CHANGE_OPTIONS`], and the timeout.
static REMOVAL_OPTIONS: Shape = Shape {
    name: "options",
    path: "",
    fields: &[
        field("currentPhoneNumber", Kind::Text(Rule::Phone)),
        field("currentPhoneCountryCode", Kind::Text(Rule::CountryCode)),
        field("timeout", Kind::Number),
    ],
};

/// The arguments of `setNewNumber`.
static NEW_NUMBER: [Field; 2] = [
    Field { key: "phoneNumber", kind: Kind::Text(Rule::Phone), required: true },
    Field { key: "phoneCountryCode", kind: Kind::Text(Rule::CountryCode), required: false },
];
/// `verify({ newCode, currentCode })`.
static CODES: Shape = Shape {
    name: "codes",
    path: "",
    fields: &[
        Field { key: "newCode", kind: Kind::Text(Rule::PassCode), required: true },
        Field { key: "currentCode", kind: Kind::Text(Rule::PassCode), required: false },
    ],
};
/// The code of a removal's `confirm(code)`.
static REMOVAL_CODE: Field = Field { key: "code", kind: Kind::Text(Rule::PassCode), required: true };

/// A change-number or remove-number flow (typed in TS as `PhoneChange` / `PhoneRemoval`).
#[wasm_bindgen]
pub struct PhoneFlow {
    flow: Rc<Flow>,
}

/// The flow's state and what it holds in JS.
pub struct Flow {
    session: Rc<Session>,
    /// The request timeout of the flow's steps.
    timeout_ms: f64,
    state: RefCell<State>,
    /// The last failure (a `GenAuthError`), or null.
    error: RefCell<JsValue>,
    /// `state` as JS, until it changes.
    snapshot: RefCell<Option<JsValue>>,
    /// The subscribers (a JS `Set` of functions).
    listeners: Set,
    /// The step in flight: its promise, and what cancels it.
    in_flight: RefCell<Option<(Op, Promise, AbortController)>>,
    /// The timer that ends the token's life in the state, so subscribers hear of it.
    expiry: RefCell<Option<Expiry>>,
    freed: Cell<bool>,
}

/// A running timer and the closure it calls; dropped, it is cleared.
struct Expiry {
    timer: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Drop for Expiry {
    fn drop(&mut self) {
        let _ = clear_timeout(&self.timer);
    }
}

/// A step whose answer the flow waits for.
pub struct Pending {
    flow: Rc<Flow>,
    op: Op,
    call: Call,
    /// The number a send went to.
    to: Option<Number>,
    /// What to do once a profile read brings the current number.
    then: Option<Work>,
    generation: u32,
}

/// A step's inputs; the first two may have to wait for the current number.
enum Work {
    Send(Target),
    Verify {
        new_code: String,
        current_code: Option<String>,
    },
    /// A request already built (confirm).
    Ready(Request),
}

impl Flow {
    /// A flow of `kind` on `session`, from the caller's options.
    pub fn create(session: &Rc<Session>, kind: FlowKind, options: &JsValue) -> Result<PhoneFlow> {
        let shape = if kind == FlowKind::Change { &CHANGE_OPTIONS } else { &REMOVAL_OPTIONS };
        let none = Fields { shape, values: shape.fields.iter().map(|_| None).collect() };
        let o = if options.is_undefined() || options.is_null() { none } else { decode(options, shape)? };
        let mut state = State::new(kind);
        state.current = number_of(&o, 0, 1)?;
        if kind == FlowKind::Change {
            state.new = number_of(&o, 2, 3)?;
            state.verify_old = o.flag(4);
        }
        let timeout_ms = crate::options::timeout(o.number(shape.fields.len() - 1), "options.timeout", session.options.timeout_ms)?;
        let flow = Rc::new(Flow {
            session: Rc::clone(session),
            timeout_ms,
            state: RefCell::new(state),
            error: RefCell::new(JsValue::NULL),
            snapshot: RefCell::default(),
            listeners: Set::new(&JsValue::UNDEFINED),
            in_flight: RefCell::default(),
            expiry: RefCell::default(),
            freed: Cell::new(false),
        });
        flow.read_current_number();
        Ok(PhoneFlow { flow })
    }

    fn kind(&self) -> FlowKind {
        self.state.borrow().kind
    }

    /// Starts reading the current number in the background when the flow needs it, does
    /// not know it, and can ask (signed in). A failure shows in the state's `error`.
    fn read_current_number(self: &Rc<Self>) {
        let wanted = {
            let s = self.state.borrow();
            s.current.is_none() && s.needs().contains(&Target::Current) && s.busy.is_none() && !s.done
        };
        if wanted && self.session.signed_in() {
            // Its promise settles as undefined whatever happens: nobody awaits it.
            let _ = self.begin(Op::Profile, None);
        }
    }

    /// The state as JS (the same object until something changes).
    fn snapshot(&self) -> JsValue {
        if let Some(s) = self.snapshot.borrow().as_ref() {
            return s.clone();
        }
        let s = snapshot::build(&self.state.borrow(), &self.error.borrow(), &self.session);
        *self.snapshot.borrow_mut() = Some(s.clone());
        s
    }

    /// Something changed: a new snapshot next time, and every subscriber is told. A listener
    /// that throws is skipped (its exception must not stop the others or the flow).
    fn changed(&self) {
        self.snapshot.borrow_mut().take();
        for listener in Array::from(&self.listeners).iter() {
            if let Some(f) = listener.dyn_ref::<Function>() {
                let _ = f.call0(&JsValue::UNDEFINED);
            }
        }
    }

    /// Records a failure in the state (and returns it, to reject with).
    fn failed(&self, error: JsValue) -> JsValue {
        *self.error.borrow_mut() = error.clone();
        self.changed();
        error
    }

    /// Refuses a step that does not apply now.
    fn refuse(message: &'static str) -> GenAuthError {
        GenAuthError::new(ErrorCode::InvalidState, message)
    }

    /// Runs `op` (the same promise when it is already running). `work`: the caller's inputs.
    fn begin(self: &Rc<Self>, op: Op, work: Option<Work>) -> Promise {
        if let Some((running, promise, _)) = self.in_flight.borrow().as_ref() {
            if *running == op {
                return promise.clone();
            }
        }
        match self.plan(op, work) {
            Ok(first) => {
                let promise = start(Ok(first.0));
                *self.in_flight.borrow_mut() = Some((op, promise.clone(), first.1));
                promise
            }
            Err(e) => {
                let e = self.failed(e.into());
                start(Err(e))
            }
        }
    }

    /// The first request of `op`, after every check that can be made now.
    fn plan(self: &Rc<Self>, op: Op, work: Option<Work>) -> Result<(Sent, AbortController)> {
        if self.freed.get() {
            return Err(GenAuthError::new(ErrorCode::ClientFreed, "this flow was freed: start a new one"));
        }
        self.session.alive()?;
        let (step, busy) = {
            let s = self.state.borrow();
            (s.step(), s.busy)
        };
        match busy {
            // A background profile read gives way to what the person asked for.
            Some(Op::Profile) if op != Op::Profile => self.abort_in_flight(),
            Some(_) => return Err(Self::refuse("another step of this flow is in progress: wait for it, or cancel() it")),
            None => {}
        }
        if !allowed(step, op) {
            return Err(Self::refuse(match step {
                Step::Number => "set the new number first (setNewNumber)",
                Step::Done => "this flow is done: start a new one",
                _ => "this step does not apply now",
            }));
        }
        let controller = AbortController::new().map_err(|_| GenAuthError::new(ErrorCode::Network, "AbortController is unavailable"))?;
        let needs_current = match &work {
            Some(Work::Send(Target::Current)) | Some(Work::Verify { current_code: Some(_), .. }) => true,
            _ => op == Op::Profile,
        };
        let (request, to, then) = if needs_current && self.state.borrow().current.is_none() {
            (self.profile_request(), None, work.filter(|_| op != Op::Profile))
        } else {
            let (request, to) = self.request_for(work)?;
            (request, to, None)
        };
        let mut request = request;
        request.signal = Some(controller.signal().into());
        let (sent, call) = self.session.send(request, true)?;
        let generation = {
            let mut s = self.state.borrow_mut();
            s.busy = Some(op);
            s.generation
        };
        // A new step clears the last failure: it is about to be tried again.
        *self.error.borrow_mut() = JsValue::NULL;
        self.changed();
        let pending = Pending { flow: Rc::clone(self), op, call, to, then, generation };
        Ok((Sent { sent, after: After::Flow(pending) }, controller))
    }

    /// `getProfile()` for the current number.
    fn profile_request(&self) -> Request {
        let fields = Fields { shape: &dto::GET_PROFILE, values: vec![None, None, None] };
        Request { endpoint: Endpoint::GetProfile, fields, timeout_ms: self.timeout_ms, signal: None }
    }

    /// The request of `work` (the current number is known when it needs it), and the number
    /// a send goes to.
    fn request_for(&self, work: Option<Work>) -> Result<(Request, Option<Number>)> {
        let s = self.state.borrow();
        let request = |endpoint, fields| Request { endpoint, fields, timeout_ms: self.timeout_ms, signal: None };
        let text = |t: &str| Some(Value::Text(t.into()));
        let unknown = || Self::refuse("the current number is unknown: sign in, or pass currentPhoneNumber");
        match work {
            None => Ok((self.profile_request(), None)),
            Some(Work::Ready(request)) => Ok((request, None)),
            Some(Work::Send(target)) => {
                let n = s.number(target).ok_or_else(unknown)?.clone();
                let values = vec![text(channel(target)), text(&n.digits), text(&n.country_code)];
                Ok((request(Endpoint::SendSms, Fields { shape: &dto::SEND_SMS, values }), Some(n)))
            }
            Some(Work::Verify { new_code, current_code }) => {
                let new = s.new.as_ref().ok_or_else(|| Self::refuse("set the new number first (setNewNumber)"))?;
                let mut payload = vec![text(&new.digits), text(&new_code), text(&new.country_code), None, None, None];
                if let Some(code) = current_code {
                    let current = s.current.as_ref().ok_or_else(unknown)?;
                    payload.splice(3.., [text(&current.digits), text(&code), text(&current.country_code)]);
                }
                let payload = Fields { shape: &dto::PHONE_PASS_CODE_PAYLOAD, values: payload };
                let values = vec![text("PHONE_PASSCODE"), Some(Value::Nested(payload))];
                Ok((request(Endpoint::VerifyUpdatePhoneRequest, Fields { shape: &dto::VERIFY_UPDATE_PHONE_REQUEST, values }), None))
            }
        }
    }

    /// The request of `work` once the profile brought the current number, on the same signal.
    fn continue_with(self: &Rc<Self>, op: Op, work: Work, generation: u32) -> Result<Sent> {
        let (mut request, to) = self.request_for(Some(work))?;
        request.signal = self.in_flight.borrow().as_ref().map(|(_, _, c)| c.signal().into());
        let (sent, call) = self.session.send(request, true)?;
        let pending = Pending { flow: Rc::clone(self), op, call, to, then: None, generation };
        Ok(Sent { sent, after: After::Flow(pending) })
    }

    /// Aborts the step in flight (its promise rejects with `ABORTED`) and forgets it.
    fn abort_in_flight(&self) {
        if let Some((_, _, controller)) = self.in_flight.borrow_mut().take() {
            controller.abort();
        }
        self.state.borrow_mut().forget_in_flight();
    }

    /// What an answer means for the flow; the promise of the step settles with `undefined`
    /// or the failure.
    fn finish(self: &Rc<Self>, done: Settled, result: core::result::Result<JsValue, JsValue>) -> Next {
        let Settled { op, to, then, generation, sent_at } = done;
        let current = self.state.borrow().generation == generation;
        if !current {
            // Cancelled, or the number changed: the answer no longer says anything here.
            return Next::Settled(result.map(|_| JsValue::UNDEFINED));
        }
        let next = match result {
            Ok(envelope) => answer::succeeded(self, op, &envelope, to, then, sent_at),
            Err(e) => Err(answer::failed(self, op, e)),
        };
        match next {
            Ok(Some(again)) => return Next::Again(again),
            Ok(None) => *self.error.borrow_mut() = JsValue::NULL,
            Err(ref e) => *self.error.borrow_mut() = e.clone(),
        }
        self.in_flight.borrow_mut().take();
        self.state.borrow_mut().busy = None;
        self.changed();
        // A refusal may have shown the pool verifies the current number: read it now.
        self.read_current_number();
        // Nobody awaits a background profile read: it never rejects.
        Next::Settled(if op == Op::Profile { Ok(JsValue::UNDEFINED) } else { next.map(|_| JsValue::UNDEFINED) })
    }

    /// Ends the token's life in the state when it expires, so subscribers hear of it.
    fn arm_expiry(self: &Rc<Self>, expires_at: f64) {
        let weak: Weak<Flow> = Rc::downgrade(self);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(flow) = weak.upgrade() {
                flow.token_expired();
            }
        });
        let timer = set_timeout(callback.as_ref().unchecked_ref(), (expires_at - Date::now()).max(0.0)).unwrap_or_default();
        // In Node, a pending token must not keep the process alive.
        if let Ok(unref) = get(&timer, &JsValue::from_str("unref")).and_then(JsCast::dyn_into::<Function>) {
            let _ = unref.call0(&timer);
        }
        *self.expiry.borrow_mut() = Some(Expiry { timer, _callback: callback });
    }

    fn token_expired(&self) {
        let now = Date::now();
        let expired = {
            let mut s = self.state.borrow_mut();
            s.token.is_some() && s.live_token(now).is_none()
        };
        if expired {
            self.failed(GenAuthError::new(ErrorCode::TokenExpired, "the confirmation expired: verify the codes again").into());
        }
    }
}

/// Whether `op` applies at `step`.
fn allowed(step: Step, op: Op) -> bool {
    match op {
        Op::Profile => step != Step::Done,
        _ => matches!(step, Step::Codes | Step::Confirm),
    }
}

/// The number in fields `digits` and `country_code` of `o`, if given; a country code alone
/// is refused.
fn number_of(o: &Fields, digits: usize, country_code: usize) -> Result<Option<Number>> {
    match (o.text(digits), o.text(country_code)) {
        (Some(d), cc) => Ok(Some(Number::new(d, cc))),
        (None, Some(_)) => Err(o.invalid(country_code, "is only meaningful with its phone number")),
        (None, None) => Ok(None),
    }
}

/// A step whose call has settled: what the flow still needs to know of it.
struct Settled {
    op: Op,
    to: Option<Number>,
    then: Option<Work>,
    generation: u32,
    sent_at: f64,
}

impl Pending {
    /// The flow's part of an answer.
    pub fn then(self, answer: core::result::Result<Answer, JsValue>) -> Next {
        let Pending { flow, op, call, to, then, generation } = self;
        let sent_at = call.sent_at;
        let result = call.settle(answer);
        flow.finish(Settled { op, to, then, generation, sent_at }, result)
    }
}

/// The JS methods: thin, each reads its arguments once and hands over to [`Flow`].
#[wasm_bindgen]
impl PhoneFlow {
    /// The flow's state: the same frozen object until something changes.
    #[wasm_bindgen(getter, unchecked_return_type = "PhoneChangeState | PhoneRemovalState")]
    pub fn state(&self) -> JsValue {
        self.flow.snapshot()
    }

    /// Calls `listener` (no arguments) after every change of `state`; returns the function
    /// that unsubscribes it. A listener that throws is skipped.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn subscribe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "() => void")] listener: JsValue,
    ) -> core::result::Result<JsValue, JsValue> {
        if !listener.is_function() {
            return Err(GenAuthError::invalid("listener", "must be a function").into());
        }
        self.flow.listeners.add(&listener);
        let delete = get(&self.flow.listeners, &JsValue::from_str("delete")).ok().and_then(|f| f.dyn_into::<Function>().ok());
        let delete =
            delete.ok_or_else(|| JsValue::from(GenAuthError::new(ErrorCode::InvalidState, "Set.prototype.delete is unavailable")))?;
        Ok(delete.bind1(&self.flow.listeners, &listener).into())
    }

    /// Change: the number to change to. A number other than the one a code went to starts
    /// the code step over. Throws `INVALID_ARGUMENT` (`phoneNumber` / `phoneCountryCode`).
    #[wasm_bindgen(js_name = setNewNumber)]
    pub fn set_new_number(
        &self,
        #[wasm_bindgen(js_name = phoneNumber, unchecked_param_type = "string")] phone_number: JsValue,
        #[wasm_bindgen(js_name = phoneCountryCode, unchecked_optional_param_type = "string | null")] country_code: JsValue,
    ) -> core::result::Result<(), JsValue> {
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
    /// too). Turning it on reads the current number when the flow does not know it.
    #[wasm_bindgen(js_name = setVerifyOldPhone)]
    pub fn set_verify_old_phone(&self, #[wasm_bindgen(unchecked_param_type = "boolean")] on: JsValue) -> core::result::Result<(), JsValue> {
        let flow = &self.flow;
        flow.usable(FlowKind::Change)?;
        let on = on.as_bool().ok_or_else(|| JsValue::from(GenAuthError::invalid("verifyOldPhone", "must be a boolean")))?;
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
        let target = match (flow.kind(), target.as_string().as_deref()) {
            (FlowKind::Change, Some("new")) => Target::New,
            (FlowKind::Change, Some("current")) if flow.state.borrow().verify_old => Target::Current,
            (FlowKind::Change, Some("current")) => {
                return flow
                    .reject(GenAuthError::new(ErrorCode::InvalidState, "the current number's code is needed only with verifyOldPhone"));
            }
            (FlowKind::Removal, t) if t == Some("current") || target.is_undefined() || target.is_null() => Target::Current,
            _ => return flow.reject(GenAuthError::invalid("target", "must be \"new\" or \"current\"")),
        };
        flow.begin(snapshot::send_op(target), Some(Work::Send(target)))
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
        if let Some((Op::Confirm, promise, _)) = flow.in_flight.borrow().as_ref() {
            return promise.clone();
        }
        let request = match flow.kind() {
            FlowKind::Change => {
                let token = flow.state.borrow_mut().live_token(Date::now()).map(str::to_owned);
                let Some(token) = token else {
                    flow.expiry.borrow_mut().take();
                    let e = if flow.state.borrow().step() == Step::Codes {
                        GenAuthError::new(ErrorCode::TokenExpired, "no live confirmation: verify the codes (again)")
                    } else {
                        Flow::refuse("set the new number and verify the codes first")
                    };
                    return flow.reject(e);
                };
                let values = vec![Some(Value::Text(token))];
                Request {
                    endpoint: Endpoint::UpdatePhone,
                    fields: Fields { shape: &dto::UPDATE_PHONE, values },
                    timeout_ms: flow.timeout_ms,
                    signal: None,
                }
            }
            FlowKind::Removal => match read(&REMOVAL_CODE, "", code) {
                Ok(Some(Value::Text(c))) => {
                    let values = vec![Some(Value::Text(c))];
                    Request {
                        endpoint: Endpoint::UnbindPhone,
                        fields: Fields { shape: &dto::UNBIND_PHONE, values },
                        timeout_ms: flow.timeout_ms,
                        signal: None,
                    }
                }
                Ok(_) => return flow.reject(GenAuthError::invalid("code", "is required")),
                Err(e) => return flow.reject(e),
            },
        };
        flow.begin(Op::Confirm, Some(Work::Ready(request)))
    }

    /// Aborts the step in flight (its promise rejects with `ABORTED`); the flow stays where
    /// it was. Harmless when nothing runs.
    pub fn cancel(&self) {
        let flow = &self.flow;
        if flow.in_flight.borrow().is_some() {
            flow.abort_in_flight();
            flow.changed();
        }
    }

    /// Retires the flow: the step in flight is cancelled and later calls fail with
    /// `CLIENT_FREED`. Not needed otherwise: the garbage collector reclaims a flow.
    #[wasm_bindgen(js_name = free)]
    pub fn retire(&self) {
        self.cancel();
        self.flow.freed.set(true);
        self.flow.expiry.borrow_mut().take();
        self.flow.listeners.clear();
    }
}

impl Flow {
    /// `CLIENT_FREED`, or `INVALID_STATE` for a method of the other kind of flow.
    fn usable(&self, kind: FlowKind) -> Result<()> {
        if self.freed.get() {
            return Err(GenAuthError::new(ErrorCode::ClientFreed, "this flow was freed: start a new one"));
        }
        if self.kind() != kind {
            return Err(Self::refuse("this method belongs to the other flow"));
        }
        self.session.alive()
    }

    /// A rejected promise for a refusal before any request, recorded in the state.
    fn reject(&self, e: GenAuthError) -> Promise {
        start(Err(self.failed(e.into())))
    }
}
