//! Running a flow's steps: the checks before a step, its request (after a profile read when
//! it needs the current number), the background read of the current number, and what an
//! answer does to the flow ([`Flow::finish`]).

use super::state::{FlowKind, Number, Op, Target};
use super::{answer, Flow, InFlight, Pending, Sent, Work};
use crate::args::{Fields, Value};
use crate::call::{start, Next};
use crate::dto;
use crate::error::{js_error, ErrorCode, Result};
use crate::http::Answer;
use crate::session::{Endpoint, Request};
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

impl Flow {
    /// Runs `op` (the same promise when it is already running); the promise resolves with
    /// `null` or the failure. `work`: the caller's inputs.
    pub(super) fn begin(self: &Rc<Self>, op: Op, work: Work) -> Promise {
        if let Some(promise) = self.running(op) {
            return promise;
        }
        match self.plan(op, work) {
            Ok((first, controller, generation)) => {
                let promise = start(Ok(first));
                drop(self.in_flight.replace(Some(InFlight { op, promise: promise.clone(), controller, generation })));
                // After it is recorded, so a listener that cancels or changes the flow finds it.
                self.changed();
                promise
            }
            Err(e) => self.refused(e),
        }
    }

    /// The promise of `op` when it is the step in flight.
    pub(super) fn running(&self, op: Op) -> Option<Promise> {
        self.in_flight.borrow().as_ref().filter(|f| f.op == op).map(|f| f.promise.clone())
    }

    /// Starts reading the current number in the background when the flow will need it (a
    /// removal, or a change that verifies the current number), does not know it, can ask
    /// (signed in) and is not reading it already. It runs beside the steps
    /// (none of them aborts it). A failure shows in `state.error` when no step has one to
    /// show; nothing else follows from it (no retry loop) until the page acts.
    pub(super) fn read_current_number(self: &Rc<Self>) {
        let wanted = {
            let s = self.state.borrow();
            s.current.is_none() && (s.kind == FlowKind::Removal || s.verify_old) && !s.done
        };
        if !wanted || self.freed.get() || self.reading.borrow().is_some() || !self.session.signed_in() {
            return;
        }
        let Ok(controller) = AbortController::new() else { return };
        let mut request = self.profile_request();
        request.signal = Some(controller.signal().into());
        let Ok((sent, call)) = self.session.send(request, true) else { return };
        drop(self.reading.replace(Some(controller)));
        let flow = Rc::clone(self);
        let read = move |answer| {
            let result = call.settle(answer);
            drop(flow.reading.take());
            // A flow done (a removal: the number is gone) or freed meanwhile keeps what it knows.
            let open = !flow.freed.get() && !flow.state.borrow().done;
            match result {
                Ok(envelope) if open && flow.state.borrow().current.is_none() => {
                    // Told only when it brought a number: nothing changed otherwise, and a
                    // listener that acts on every change must not start a read loop.
                    if let Some(current) = answer::profile_phone(&envelope) {
                        flow.state.borrow_mut().current = Some(current);
                        flow.changed();
                    }
                }
                // The answer's own failure (network, HTTP, envelope): never the page's misuse.
                Err(e) if open && flow.busy().is_none() && flow.error.borrow().is_null() => {
                    flow.failed(e);
                }
                _ => {}
            }
            // Nobody awaits this promise: it always resolves.
            Next::Settled(Ok(JsValue::UNDEFINED))
        };
        let _ = start(Ok(Sent { sent, then: Box::new(read) }));
    }

    /// The first request of `op`, sent after every check that can be made now.
    fn plan(self: &Rc<Self>, op: Op, work: Work) -> Result<(Sent, AbortController, u32)> {
        self.alive()?;
        if self.busy().is_some() {
            return Err(Self::refuse("another step of this flow is in progress: wait for it, or cancel() it"));
        }
        let step = self.state.borrow().step();
        if !matches!(step, super::Step::Codes | super::Step::Confirm) {
            return Err(Self::refuse(match step {
                super::Step::Number => "set the new number first (setNewNumber)",
                _ => "this flow is done: start a new one",
            }));
        }
        let needs_current = matches!(&work, Work::Send(Target::Current) | Work::Verify { current_code: Some(_), .. });
        let (mut request, to, then) = if needs_current && self.state.borrow().current.is_none() {
            (self.profile_request(), None, Some(work))
        } else {
            let (request, to) = self.request_for(work)?;
            (request, to, None)
        };
        let controller = AbortController::new().map_err(|_| crate::abort::controller_unavailable())?;
        request.signal = Some(controller.signal().into());
        // Busy before sending: sending runs JS (a replaced `localStorage.getItem`), which must
        // find this step running, not start a second one.
        self.state.borrow_mut().busy = Some(op);
        let (sent, call) = match self.session.send(request, true) {
            Ok(sent) => sent,
            Err(e) => {
                self.state.borrow_mut().busy = None;
                return Err(e);
            }
        };
        let generation = self.state.borrow().generation;
        // A new step clears the last failure: it is about to be tried again.
        drop(self.error.replace(JsValue::NULL));
        let pending = Pending { flow: Rc::clone(self), op, call, to, then, generation };
        Ok((pending.step(sent), controller, generation))
    }

    /// `getProfile()` for the current number.
    fn profile_request(&self) -> Request {
        let fields = Fields::absent(&dto::GET_PROFILE);
        Request { endpoint: Endpoint::GetProfile, fields, timeout_ms: self.timeout_ms, signal: None }
    }

    /// The request of `work` (the current number is known when it needs it), and the number
    /// a send goes to.
    fn request_for(&self, work: Work) -> Result<(Request, Option<Number>)> {
        let s = self.state.borrow();
        let request = |endpoint, fields| Request { endpoint, fields, timeout_ms: self.timeout_ms, signal: None };
        let text = |t: &str| Some(Value::Text(t.into()));
        let cc = |n: &Number| n.country_code.as_deref().and_then(text);
        let unknown = || Self::refuse("the current number is unknown: sign in, or pass currentPhoneNumber");
        match work {
            Work::Ready(request) => Ok((request, None)),
            Work::Reconcile(_) => Ok((self.profile_request(), None)),
            Work::Send(target) => {
                let n = s.number(target).ok_or_else(unknown)?.clone();
                let values = vec![text(target.channel()), text(&n.digits), cc(&n)];
                Ok((request(Endpoint::SendSms, Fields { shape: &dto::SEND_SMS, values }), Some(n)))
            }
            Work::Verify { new_code, current_code } => {
                let new = s.new.as_ref().ok_or_else(|| Self::refuse("set the new number first (setNewNumber)"))?;
                let [old_number, old_code, old_country_code] = match current_code {
                    Some(code) => {
                        let current = s.current.as_ref().ok_or_else(unknown)?;
                        [text(&current.digits), text(&code), cc(current)]
                    }
                    None => [None, None, None],
                };
                let values = vec![text(&new.digits), text(&new_code), cc(new), old_number, old_code, old_country_code];
                let payload = Fields { shape: &dto::PHONE_PASS_CODE_PAYLOAD, values };
                let values = vec![text("PHONE_PASSCODE"), Some(Value::Nested(payload))];
                Ok((request(Endpoint::VerifyUpdatePhoneRequest, Fields { shape: &dto::VERIFY_UPDATE_PHONE_REQUEST, values }), None))
            }
        }
    }

    /// The request of `work` once the profile brought the current number (or, for a confirm
    /// whose outcome is unknown, the profile read), on the step's signal.
    pub(super) fn continue_with(self: &Rc<Self>, op: Op, work: Work, generation: u32) -> Result<Sent> {
        let (mut request, to, then) = match work {
            Work::Reconcile(failure) => (self.profile_request(), None, Some(Work::Reconcile(failure))),
            work => {
                let (request, to) = self.request_for(work)?;
                (request, to, None)
            }
        };
        // The controller out of its cell first: reading `signal` is JS.
        let controller = self.in_flight.borrow().as_ref().map(|f| f.controller.clone());
        request.signal = controller.map(|c| c.signal().into());
        let (sent, call) = self.session.send(request, true)?;
        Ok(Pending { flow: Rc::clone(self), op, call, to, then, generation }.step(sent))
    }

    /// Aborts the step in flight (its promise resolves with `ABORTED`) and forgets it.
    pub(super) fn abort_in_flight(&self) {
        let running = self.in_flight.take();
        self.state.borrow_mut().forget_in_flight();
        // After the borrows: aborting runs the signal's listeners, which are JS.
        if let Some(running) = running {
            running.controller.abort();
        }
    }

    /// What an answer means for the flow; the step's promise resolves with `null` or the failure.
    fn finish(self: &Rc<Self>, done: Settled, result: core::result::Result<JsValue, JsValue>) -> Next {
        let Settled { op, to, then, generation, sent_at } = done;
        if self.state.borrow().generation != generation {
            // Cancelled, or the number changed: the answer no longer says anything here.
            let aborted = || js_error(ErrorCode::Aborted, "this step was cancelled").into();
            return Next::Settled(Ok(self.said(result.err().unwrap_or_else(aborted))));
        }
        let outcome = match (result, then) {
            // The profile read of a confirm whose outcome was unknown.
            (Ok(envelope), Some(Work::Reconcile(failure))) => answer::reconciled(self, &envelope, failure),
            (Err(_), Some(Work::Reconcile(failure))) => Err(answer::failed(self, op, failure)),
            (Ok(envelope), then) => answer::succeeded(self, op, &envelope, to, then, sent_at),
            // A sent confirm that failed may still have been applied: no answer came (a timeout,
            // a lost connection), or the refusal was of a request the browser resent after the
            // first was applied (a dead token; no number left to remove). The profile tells.
            (Err(e), _) if op == Op::Confirm => match self.continue_with(op, Work::Reconcile(e.clone()), generation) {
                Ok(again) => return Next::Again(again),
                Err(_) => Err(answer::failed(self, op, e)),
            },
            (Err(e), _) => Err(answer::failed(self, op, e)),
        };
        let outcome = match outcome {
            Ok(Some(again)) => return Next::Again(again),
            Ok(None) => JsValue::NULL,
            Err(e) => self.said(e),
        };
        // The page's misuse (the client freed during the step) is not shown as the person's.
        if !super::misuse(&outcome) {
            drop(self.error.replace(outcome.clone()));
        }
        let ours = self.in_flight.borrow().as_ref().is_some_and(|f| f.generation == generation);
        if ours {
            drop(self.in_flight.take());
        }
        self.state.borrow_mut().busy = None;
        self.changed();
        // A refusal may show the pool verifies the current number: read it now (once).
        self.read_current_number();
        Next::Settled(Ok(outcome))
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
    /// The request `sent`, whose answer comes back here.
    pub(super) fn step(self, sent: crate::http::Sent) -> Sent {
        Sent { sent, then: Box::new(move |answer| self.then(answer)) }
    }

    /// The flow's part of an answer.
    fn then(self, answer: core::result::Result<Answer, JsValue>) -> Next {
        let Pending { flow, op, call, to, then, generation } = self;
        let sent_at = call.sent_at;
        let result = call.settle(answer);
        flow.finish(Settled { op, to, then, generation, sent_at }, result)
    }
}
