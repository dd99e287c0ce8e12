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
mod api;
mod run;
mod snapshot;
mod state;

pub use state::FlowKind;

use crate::abort::{clear_timeout, set_timeout};
use crate::args::{decode, get, Field, Fields, Kind, Shape};
use crate::call::{start, Call, Step as Sent};
use crate::error::{ErrorCode, GenAuthError, Result};
use crate::session::{Request, Session};
use crate::validate::Rule;
use core::cell::{Cell, RefCell};
use js_sys::{Date, Function, Promise};
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

/// The flow's state and what it holds in JS. No `RefCell` borrow is held while JS runs (a
/// listener, a setter planted on a prototype, a replaced `fetch` or `localStorage` may call
/// back into the flow).
pub struct Flow {
    session: Rc<Session>,
    /// The request timeout of the flow's steps.
    timeout_ms: f64,
    state: RefCell<State>,
    /// The last failure (a `GenAuthError`), or null.
    error: RefCell<JsValue>,
    /// `state` as JS, until it changes.
    snapshot: RefCell<Option<JsValue>>,
    /// The subscribers, held here (not in a JS `Set` a page could have replaced).
    listeners: RefCell<Vec<Function>>,
    /// The step in flight.
    in_flight: RefCell<Option<InFlight>>,
    /// The timer that ends the token's life in the state, so subscribers hear of it.
    expiry: RefCell<Option<Expiry>>,
    freed: Cell<bool>,
    /// Subscribers are being told of a change; `again`: another came meanwhile.
    notifying: Cell<bool>,
    again: Cell<bool>,
    /// `state` is being built.
    building: Cell<bool>,
}

/// The step in flight: its promise (returned again for the same step), what cancels it, and
/// the generation it belongs to.
struct InFlight {
    op: Op,
    promise: Promise,
    controller: AbortController,
    generation: u32,
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

/// The longest delay a JS timer takes (2^31 - 1 ms); a longer one would fire at once.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

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
            listeners: RefCell::default(),
            in_flight: RefCell::default(),
            expiry: RefCell::default(),
            freed: Cell::new(false),
            notifying: Cell::new(false),
            again: Cell::new(false),
            building: Cell::new(false),
        });
        flow.read_current_number();
        Ok(PhoneFlow { flow })
    }

    fn kind(&self) -> FlowKind {
        self.state.borrow().kind
    }

    fn busy(&self) -> Option<Op> {
        self.state.borrow().busy
    }

    /// The state as JS (the same object until something changes).
    fn snapshot(&self) -> JsValue {
        let cached = self.snapshot.borrow().clone();
        if let Some(s) = cached {
            return s;
        }
        // Asked again while it is being built (a setter planted on Object.prototype runs during
        // the build and reads `flow.state`): no recursion, whose depth could exhaust the stack.
        if self.building.replace(true) {
            return JsValue::NULL;
        }
        // Copies, so no borrow is held while JS runs.
        let state = self.state.borrow().clone();
        let error = self.error.borrow().clone();
        let s = snapshot::build(&state, &error, &self.session);
        self.building.set(false);
        *self.snapshot.borrow_mut() = Some(s.clone());
        s
    }

    /// Something changed: a new snapshot next time, and every subscriber is told. A listener
    /// that throws is skipped (its exception must not stop the others or the flow). A change
    /// made by a listener while they are told is told after this round, not inside it, and
    /// after 16 rounds the flow stops telling: a listener that changes the flow on every
    /// change would otherwise never end.
    fn changed(&self) {
        self.snapshot.borrow_mut().take();
        if self.notifying.replace(true) {
            self.again.set(true);
            return;
        }
        for _ in 0..16 {
            self.again.set(false);
            // A copy: a listener may subscribe or unsubscribe while they are told.
            let listeners = self.listeners.borrow().clone();
            for listener in listeners {
                let _ = listener.call0(&JsValue::UNDEFINED);
            }
            if !self.again.get() {
                break;
            }
        }
        self.notifying.set(false);
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

    /// Ends the token's life in the state when it expires, so subscribers hear of it.
    fn arm_expiry(self: &Rc<Self>, expires_at: f64) {
        let weak: Weak<Flow> = Rc::downgrade(self);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(flow) = weak.upgrade() {
                flow.token_expired();
            }
        });
        // One ms late rather than early; a timer longer than JS allows is re-armed when it fires.
        let delay = (expires_at - Date::now() + 1.0).clamp(0.0, MAX_TIMER_MS);
        let timer = set_timeout(callback.as_ref().unchecked_ref(), delay).unwrap_or_default();
        // In Node, a pending token must not keep the process alive.
        if let Ok(unref) = get(&timer, &JsValue::from_str("unref")).and_then(JsCast::dyn_into::<Function>) {
            let _ = unref.call0(&timer);
        }
        *self.expiry.borrow_mut() = Some(Expiry { timer, _callback: callback });
    }

    fn token_expired(self: &Rc<Self>) {
        let now = Date::now();
        let (had, live_until) = {
            let mut s = self.state.borrow_mut();
            let had = s.token.is_some();
            (had, s.live_token(now).is_some().then(|| s.token.as_ref().map_or(0.0, |(_, at)| *at)))
        };
        // `had` and no longer live: `live_token` just dropped it (and marked it expired).
        match live_until {
            // Fired early (Node's timers may), or the lifetime was beyond a timer's reach.
            Some(expires_at) => self.arm_expiry(expires_at),
            None if had => {
                self.failed(GenAuthError::new(ErrorCode::TokenExpired, "the confirmation expired: verify the codes again").into());
            }
            None => {}
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
