//! The change-number and remove-number flows (`client.phoneChange()`, `client.phoneRemoval()`):
//! one small state machine per flow, owned here so no app rebuilds it. A flow knows which codes
//! are needed and on which channel, sends them (never "resending" to a number it has not sent
//! to), keeps the one-time token inside the module, confirms once, and tells its subscribers
//! each time its state changes. One step runs at a time; calling the same step again while it
//! runs returns the same promise (a double click sends one request).
//!
//! For a state-driven UI: a step's promise never rejects. It resolves with `null` when the
//! step succeeded, or with the `GenAuthError` that stopped it, which `state.error` also shows
//! until the next step starts. A call that does not apply now (`INVALID_STATE`) or comes after
//! `free()` (`CLIENT_FREED`) resolves with its error and leaves `state.error` alone: it is the
//! page's mistake, not the person's.
//!
//! Requests go through the client's session and the call driver (`call.rs`); what an answer
//! means for the flow is decided in [`Flow::finish`]. The flows sit above both: nothing below
//! knows they exist (the session only tells its [`SignInWatcher`]s that a token was set).

mod answer;
mod api;
mod run;
mod snapshot;
mod state;

pub use state::FlowKind;

use crate::abort::{clear_timeout, set_timeout};
use crate::args::{decode, get, Field, Fields, Kind, Shape};
use crate::call::Step as Sent;
use crate::error::{js_error, ErrorCode, GenAuthError, Result};
use crate::ledger::DEFAULT_COUNTRY_CODE;
use crate::phone::{parse, Refusal};
use crate::session::{Call, Request, Session, SignInWatcher};
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
        // As a person types it (read by `typed_number`).
        field("newPhoneNumber", Kind::Text(Rule::Any)),
        field("newPhoneCountryCode", Kind::Text(Rule::Any)),
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

/// The arguments of `setNewNumber`, named as the option they replace (and as a UI's field).
static NEW_NUMBER: [Field; 2] = [
    Field { key: "newPhoneNumber", kind: Kind::Text(Rule::Any), required: true },
    Field { key: "newPhoneCountryCode", kind: Kind::Text(Rule::Any), required: false },
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
/// listener, a setter planted on a prototype, a replaced `fetch`, `clearTimeout` or
/// `localStorage` may call back into the flow): values leave their cell (`take`, `replace`)
/// before they are dropped or called.
pub struct Flow {
    session: Rc<Session>,
    /// The request timeout of the flow's steps.
    timeout_ms: f64,
    state: RefCell<State>,
    /// The last failure (a `GenAuthError`), or null.
    error: RefCell<JsValue>,
    /// `state` as JS, until it changes.
    snapshot: RefCell<Option<JsValue>>,
    /// The subscribers with their ids, held here (not in a JS `Set` a page could have replaced).
    listeners: RefCell<Vec<(u32, Function)>>,
    /// The id of the next subscription.
    next_id: Cell<u32>,
    /// `flow.subscribe`: made once, so it is the same function every time (and works unbound).
    /// Owned by JS (it holds the flow only weakly), so a kept one outlives the flow and then
    /// answers `CLIENT_FREED`.
    subscribe: RefCell<Option<JsValue>>,
    /// Bumped by every change: a snapshot built while a change came in is not kept.
    version: Cell<u32>,
    /// The step in flight.
    in_flight: RefCell<Option<InFlight>>,
    /// The background read of the current number, apart from the steps (none aborts it).
    reading: RefCell<Option<AbortController>>,
    /// The timer that ends the token's life in the state, so subscribers hear of it.
    expiry: RefCell<Option<Timer>>,
    /// The timer that tells subscribers the next cooldown has ended, and when it fires.
    cooldown: RefCell<Option<(f64, Timer)>>,
    freed: Cell<bool>,
    /// Subscribers are being told of a change; `again`: another came meanwhile.
    notifying: Cell<bool>,
    again: Cell<bool>,
    /// `state` is being built.
    building: Cell<bool>,
}

/// The closure behind `flow.subscribe`: a listener in, its unsubscribe function out. `FnMut`
/// like every other closure of the module (the timers', wasm-bindgen-futures'), so the glue
/// keeps one wrapper maker (`makeMutClosure`) and drops `makeClosure`. A call from inside a
/// call (only a setter planted on a prototype while its error is built could make one) is
/// refused by wasm-bindgen instead of run.
type Subscribe = Closure<dyn FnMut(JsValue) -> core::result::Result<JsValue, JsValue>>;

/// Whether `error` is the page's misuse (`INVALID_STATE`, `CLIENT_FREED`), which `state.error`
/// never shows: it would hide the person's own last error. For a step's outcome, already JS
/// (a step refused before any request is judged in Rust, by [`Flow::refused`]).
fn misuse(error: &JsValue) -> bool {
    let code = crate::args::own(error, "code").and_then(|c| c.as_string()).unwrap_or_default();
    code == ErrorCode::InvalidState.as_str() || code == ErrorCode::ClientFreed.as_str()
}

/// The step in flight: its promise (returned again for the same step), what cancels it, and
/// the generation it belongs to.
struct InFlight {
    op: Op,
    promise: Promise,
    controller: AbortController,
    generation: u32,
}

/// A running timer and the closure it calls; dropped, it is cleared (take it out of its cell
/// first: clearing is JS).
struct Timer {
    id: JsValue,
    _callback: Callback,
}

/// The one closure type of the flows' timers and unsubscribe functions: the signature
/// wasm-bindgen-futures already uses for its own callbacks, so no other closure type (with
/// its invoke export and glue) is compiled. The argument is ignored, and it never fails.
pub type Callback = Closure<dyn FnMut(JsValue) -> core::result::Result<(), wasm_bindgen::JsError>>;

impl Drop for Timer {
    fn drop(&mut self) {
        let _ = clear_timeout(&self.id);
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
    /// A confirm that failed after it was sent: the profile says whether it was applied
    /// anyway; if not, this failure stands.
    Reconcile(JsValue),
}

/// The longest delay a JS timer takes (2^31 - 1 ms); a longer one would fire at once.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

impl Flow {
    /// A flow of `kind` on `session`, from the caller's options.
    pub fn create(session: &Rc<Session>, kind: FlowKind, options: &JsValue) -> Result<PhoneFlow> {
        let shape = if kind == FlowKind::Change { &CHANGE_OPTIONS } else { &REMOVAL_OPTIONS };
        let none = Fields::absent(shape);
        let o = if options.is_undefined() || options.is_null() { none } else { decode(options, shape)? };
        let mut state = State::new(kind);
        state.current = number_of(&o, 0, 1)?;
        if kind == FlowKind::Change {
            state.new = match (o.text(2), o.text(3)) {
                (Some(typed), cc) => Some(typed_number(typed, cc)?),
                (None, Some(_)) => return Err(o.invalid(3, "is only meaningful with its phone number")),
                (None, None) => None,
            };
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
            next_id: Cell::new(0),
            subscribe: RefCell::default(),
            version: Cell::new(0),
            in_flight: RefCell::default(),
            reading: RefCell::default(),
            expiry: RefCell::default(),
            cooldown: RefCell::default(),
            freed: Cell::new(false),
            notifying: Cell::new(false),
            again: Cell::new(false),
            building: Cell::new(false),
        });
        // Told when a token is set, so a flow made before sign-in still reads the current number.
        let watcher: Rc<dyn SignInWatcher> = flow.clone();
        session.watch_sign_in(Rc::downgrade(&watcher));
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
    fn snapshot(self: &Rc<Self>) -> JsValue {
        let cached = self.snapshot.borrow().clone();
        if let Some(s) = cached {
            return s;
        }
        // Asked again while it is being built (a setter planted on Object.prototype runs during
        // the build and reads `flow.state`): no recursion, whose depth could exhaust the stack.
        if self.building.replace(true) {
            return JsValue::NULL;
        }
        let error = self.error.borrow().clone();
        let version = self.version.get();
        let (s, next_cooldown_end) = snapshot::build(&self.state, error, &self.session);
        self.building.set(false);
        // JS that ran during the build (a planted setter, a replaced `getItem`) may have changed
        // the flow: then this snapshot is already stale, and the next read builds anew.
        if self.version.get() == version {
            *self.snapshot.borrow_mut() = Some(s.clone());
            self.arm_cooldown_end(next_cooldown_end);
        }
        s
    }

    /// Something changed: a new snapshot next time, and every subscriber is told. A listener
    /// that throws is skipped (its exception must not stop the others or the flow). A change
    /// made by a listener while they are told is told after this round, not inside it, and
    /// after 16 rounds the flow stops telling: a listener that changes the flow on every
    /// change would otherwise never end.
    fn changed(&self) {
        self.version.set(self.version.get().wrapping_add(1));
        // Cleared in place (`take` would compile a copy for this type; dropping it runs no JS).
        *self.snapshot.borrow_mut() = None;
        if self.notifying.replace(true) {
            self.again.set(true);
            return;
        }
        for _ in 0..16 {
            self.again.set(false);
            // A copy: a listener may subscribe or unsubscribe while they are told.
            let mut listeners = Vec::new();
            for (_, listener) in self.listeners.borrow().iter() {
                listeners.push(listener.clone());
            }
            for listener in listeners {
                let _ = listener.call0(&JsValue::UNDEFINED);
            }
            if !self.again.get() {
                break;
            }
        }
        self.notifying.set(false);
    }

    /// Records a failure of the person's (never the page's misuse) in the state.
    fn failed(&self, error: JsValue) {
        drop(self.error.replace(self.said(error)));
        self.changed();
    }

    /// An error of this flow as JS, in the client's words.
    fn said(&self, error: JsValue) -> JsValue {
        self.session.said(error)
    }

    /// Refuses a step that does not apply now.
    fn refuse(message: &'static str) -> GenAuthError {
        GenAuthError::new(ErrorCode::InvalidState, message)
    }

    /// `CLIENT_FREED` once the flow or its client was freed.
    fn alive(&self) -> Result<()> {
        if self.freed.get() {
            return Err(GenAuthError::new(ErrorCode::ClientFreed, "this flow was freed: start a new one"));
        }
        self.session.alive()
    }

    /// `CLIENT_FREED`, or `INVALID_STATE` for a method of the other kind of flow.
    fn usable(&self, kind: FlowKind) -> Result<()> {
        self.alive()?;
        if self.kind() != kind {
            return Err(Self::refuse("this method belongs to the other flow"));
        }
        Ok(())
    }

    /// The promise of a step refused before any request: it resolves with the error (a
    /// step's promise never rejects), which the state records unless it is the page's misuse
    /// (`INVALID_STATE`, `CLIENT_FREED`): that must not hide the person's last error. The code
    /// is compared here, in Rust, before the error is JS.
    fn refused(&self, e: GenAuthError) -> Promise {
        let shown = !matches!(e.code, ErrorCode::InvalidState | ErrorCode::ClientFreed);
        let e = self.said(e.into());
        if shown {
            self.failed(e.clone());
        }
        Promise::resolve(&e)
    }

    /// A timer that calls `then` on the flow after `delay` ms (at most a JS timer's reach), and
    /// does not keep Node alive.
    fn timer(self: &Rc<Self>, delay: f64, then: fn(&Rc<Flow>)) -> Timer {
        let weak: Weak<Flow> = Rc::downgrade(self);
        let callback = Callback::new(move |_| {
            if let Some(flow) = weak.upgrade() {
                then(&flow);
            }
            Ok(())
        });
        let id = set_timeout(callback.as_ref().unchecked_ref(), delay.clamp(0.0, MAX_TIMER_MS)).unwrap_or_default();
        if let Ok(unref) = get(&id, &JsValue::from_str("unref")).and_then(JsCast::dyn_into::<Function>) {
            let _ = unref.call0(&id);
        }
        Timer { id, _callback: callback }
    }

    /// Stops the token's expiry timer (clearing it is JS: it leaves its cell first). One
    /// function for the six places that stop it, not a take and a drop at each.
    fn end_expiry(&self) {
        drop(self.expiry.take());
    }

    /// Stops the cooldown-end timer (likewise out of its cell before it is cleared).
    fn end_cooldown(&self) {
        drop(self.cooldown.take());
    }

    /// Ends the token's life in the state when it expires, so subscribers hear of it.
    fn arm_expiry(self: &Rc<Self>, expires_at: f64) {
        // One ms late rather than early; a timer longer than JS allows is re-armed when it fires.
        let timer = self.timer(expires_at - Date::now() + 1.0, Flow::token_expired);
        drop(self.expiry.replace(Some(timer)));
    }

    /// Tells subscribers when the next cooldown ends (`until`, ms since epoch; 0: none), so a
    /// "Resend" button comes back without a timer of the page's. Once per end, not per second.
    fn arm_cooldown_end(self: &Rc<Self>, until: f64) {
        let armed = self.cooldown.borrow().as_ref().map(|(at, _)| *at);
        if until <= 0.0 || armed == Some(until) {
            if until <= 0.0 {
                self.end_cooldown();
            }
            return;
        }
        let timer = self.timer(until - Date::now() + 1.0, Flow::cooldown_ended);
        drop(self.cooldown.replace(Some((until, timer))));
    }

    fn cooldown_ended(self: &Rc<Self>) {
        self.end_cooldown();
        self.changed();
        // Subscribers read the new state (re-arming for the next end); if none did, nobody waits.
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
                self.failed(js_error(ErrorCode::TokenExpired, "the confirmation expired: verify the codes again").into());
            }
            None => {}
        }
    }
}

impl SignInWatcher for Flow {
    fn signed_in(self: Rc<Self>) {
        self.read_current_number();
    }
}

/// The new number as a person typed it (`"+86 138 0013 8000"`, or the digits and
/// `country_code`), read by `phone::parse` with `country_code` as the code of a national
/// number. Without one, a national number is checked as GenAuth reads it (+86) and kept
/// without a code: the flow never adds one.
fn typed_number(typed: &str, country_code: Option<&str>) -> Result<Number> {
    let refused = |r: Refusal| r.error("newPhoneNumber", "newPhoneCountryCode");
    // An empty code (a country picker left unset) is no code.
    let country_code = country_code.filter(|c| !c.is_empty());
    match parse(typed, country_code) {
        Ok(p) => Ok(Number { digits: p.number, country_code: Some(p.country_code) }),
        Err(Refusal::NoCountryCode) => {
            parse(typed, Some(DEFAULT_COUNTRY_CODE)).map(|p| Number { digits: p.number, country_code: None }).map_err(refused)
        }
        // Nothing typed yet is that, whatever the country code is.
        Err(Refusal::BadDefaultCountryCode) if parse(typed, None).err() == Some(Refusal::Empty) => Err(refused(Refusal::Empty)),
        Err(r) => Err(refused(r)),
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
