//! Running a flow's steps: the checks before a step, its request (after a profile read when
//! it needs the current number), and what its answer does to the flow ([`Flow::finish`]).

use super::state::{Number, Op, Target};
use super::{allowed, answer, Flow, InFlight, Pending, Sent, Work};
use crate::args::{Fields, Value};
use crate::call::{start, After, Next};
use crate::dto;
use crate::error::{ErrorCode, GenAuthError, Result};
use crate::http::Answer;
use crate::session::{Endpoint, Request};
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

impl Flow {
    /// Runs `op` (the same promise when it is already running). `work`: the caller's inputs.
    pub(super) fn begin(self: &Rc<Self>, op: Op, work: Option<Work>) -> Promise {
        if let Some(promise) = self.in_flight.borrow().as_ref().filter(|f| f.op == op).map(|f| f.promise.clone()) {
            return promise;
        }
        match self.plan(op, work) {
            Ok((first, controller, generation)) => self.track(op, first, controller, generation),
            Err(e) => {
                let e = self.failed(e.into());
                start(Err(e))
            }
        }
    }

    /// Starts `first` and records it as the step in flight, then tells the subscribers (after,
    /// so a listener that cancels or changes the flow finds the step to cancel).
    fn track(self: &Rc<Self>, op: Op, first: Sent, controller: AbortController, generation: u32) -> Promise {
        let promise = start(Ok(first));
        *self.in_flight.borrow_mut() = Some(InFlight { op, promise: promise.clone(), controller, generation });
        self.changed();
        promise
    }

    /// Starts reading the current number in the background when the flow needs it, does
    /// not know it, can ask (signed in) and is idle. A failure shows in the state's `error`;
    /// nothing else follows from it (no retry loop) until the page acts.
    pub(super) fn read_current_number(self: &Rc<Self>) {
        let wanted = {
            let s = self.state.borrow();
            s.current.is_none() && s.needs().contains(&Target::Current) && s.busy.is_none() && !s.done
        };
        if wanted && self.session.signed_in() {
            // Its promise always resolves (`finish`): nobody awaits it. A refusal here is
            // nobody's to report.
            if let Ok((first, controller, generation)) = self.plan(Op::Profile, None) {
                let _ = self.track(Op::Profile, first, controller, generation);
            }
        }
    }

    /// The first request of `op`, sent after every check that can be made now.
    fn plan(self: &Rc<Self>, op: Op, work: Option<Work>) -> Result<(Sent, AbortController, u32)> {
        if self.freed.get() {
            return Err(GenAuthError::new(ErrorCode::ClientFreed, "this flow was freed: start a new one"));
        }
        self.session.alive()?;
        let (step, busy) = {
            let s = self.state.borrow();
            (s.step(), s.busy)
        };
        match busy {
            // A background profile read gives way to what the person asked for (below).
            Some(Op::Profile) if op != Op::Profile => {}
            Some(_) => return Err(Self::refuse("another step of this flow is in progress: wait for it, or cancel() it")),
            None => {}
        }
        if !allowed(step, op) {
            return Err(Self::refuse(match step {
                super::Step::Number => "set the new number first (setNewNumber)",
                super::Step::Done => "this flow is done: start a new one",
                _ => "this step does not apply now",
            }));
        }
        let needs_current = matches!(&work, Some(Work::Send(Target::Current)) | Some(Work::Verify { current_code: Some(_), .. }));
        let (mut request, to, then) = if (needs_current || op == Op::Profile) && self.state.borrow().current.is_none() {
            (self.profile_request(), None, work)
        } else {
            let (request, to) = self.request_for(work)?;
            (request, to, None)
        };
        let controller = AbortController::new().map_err(|_| GenAuthError::new(ErrorCode::Network, "AbortController is unavailable"))?;
        request.signal = Some(controller.signal().into());
        let (sent, call) = self.session.send(request, true)?;
        // Sent: the background read, if any, is no longer needed (this step reads for itself).
        if busy == Some(Op::Profile) {
            self.abort_in_flight();
        }
        let generation = {
            let mut s = self.state.borrow_mut();
            s.busy = Some(op);
            s.generation
        };
        // A new step clears the last failure: it is about to be tried again.
        *self.error.borrow_mut() = JsValue::NULL;
        let pending = Pending { flow: Rc::clone(self), op, call, to, then, generation };
        Ok((Sent { sent, after: After::Flow(pending) }, controller, generation))
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
                let values = vec![text(target.channel()), text(&n.digits), text(&n.country_code)];
                Ok((request(Endpoint::SendSms, Fields { shape: &dto::SEND_SMS, values }), Some(n)))
            }
            Some(Work::Verify { new_code, current_code }) => {
                let new = s.new.as_ref().ok_or_else(|| Self::refuse("set the new number first (setNewNumber)"))?;
                let [old_number, old_code, old_country_code] = match current_code {
                    Some(code) => {
                        let current = s.current.as_ref().ok_or_else(unknown)?;
                        [text(&current.digits), text(&code), text(&current.country_code)]
                    }
                    None => [None, None, None],
                };
                let values = vec![text(&new.digits), text(&new_code), text(&new.country_code), old_number, old_code, old_country_code];
                let payload = Fields { shape: &dto::PHONE_PASS_CODE_PAYLOAD, values };
                let values = vec![text("PHONE_PASSCODE"), Some(Value::Nested(payload))];
                Ok((request(Endpoint::VerifyUpdatePhoneRequest, Fields { shape: &dto::VERIFY_UPDATE_PHONE_REQUEST, values }), None))
            }
        }
    }

    /// The request of `work` once the profile brought the current number, on the same signal.
    pub(super) fn continue_with(self: &Rc<Self>, op: Op, work: Work, generation: u32) -> Result<Sent> {
        let (mut request, to) = self.request_for(Some(work))?;
        request.signal = self.in_flight.borrow().as_ref().map(|f| f.controller.signal().into());
        let (sent, call) = self.session.send(request, true)?;
        let pending = Pending { flow: Rc::clone(self), op, call, to, then: None, generation };
        Ok(Sent { sent, after: After::Flow(pending) })
    }

    /// Aborts the step in flight (its promise rejects with `ABORTED`) and forgets it.
    pub(super) fn abort_in_flight(&self) {
        let running = self.in_flight.borrow_mut().take();
        self.state.borrow_mut().forget_in_flight();
        // After the borrows: aborting runs the signal's listeners, which are JS.
        if let Some(running) = running {
            running.controller.abort();
        }
    }

    /// What an answer means for the flow; the promise of the step settles with `undefined`
    /// or the failure. A background profile read always resolves.
    fn finish(self: &Rc<Self>, done: Settled, result: core::result::Result<JsValue, JsValue>) -> Next {
        let Settled { op, to, then, generation, sent_at } = done;
        if self.state.borrow().generation != generation {
            // Cancelled, or the number changed: the answer no longer says anything here.
            let aborted = || GenAuthError::new(ErrorCode::Aborted, "this step was cancelled").into();
            return Next::Settled(match result {
                _ if op == Op::Profile => Ok(JsValue::UNDEFINED),
                Ok(_) => Err(aborted()),
                Err(e) => Err(e),
            });
        }
        let (next, read_current) = match result {
            Ok(envelope) => (answer::succeeded(self, op, &envelope, to, then, sent_at), false),
            Err(e) => {
                let (e, turned_on) = answer::failed(self, op, e);
                (Err(e), turned_on)
            }
        };
        let next = match next {
            Ok(Some(again)) => return Next::Again(again),
            Ok(None) => Ok(JsValue::UNDEFINED),
            Err(e) => Err(e),
        };
        *self.error.borrow_mut() = next.as_ref().err().cloned().unwrap_or(JsValue::NULL);
        let ours = self.in_flight.borrow().as_ref().is_some_and(|f| f.generation == generation);
        if ours {
            self.in_flight.borrow_mut().take();
        }
        self.state.borrow_mut().busy = None;
        self.changed();
        // The refusal showed the pool verifies the current number: read it now (once).
        if read_current {
            self.read_current_number();
        }
        Next::Settled(if op == Op::Profile { Ok(JsValue::UNDEFINED) } else { next })
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
