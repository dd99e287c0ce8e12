//! The call driver: one async function that awaits a request's answer and hands it to a
//! continuation it knows nothing about ([`Then`]). The continuation settles the promise or
//! sends the next request (a flow that reads the profile first). Every method and every flow
//! goes through [`run`], so the futures machinery is compiled once.

use crate::http::{self, Answer};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// What an answer is for: boxed, so the driver needs no list of its callers.
pub type Then = Box<dyn FnOnce(Result<Answer, JsValue>) -> Next>;

/// A request on the wire and what its answer is for.
pub struct Step {
    pub sent: http::Sent,
    pub then: Then,
}

/// What comes after an answer.
pub enum Next {
    Settled(Result<JsValue, JsValue>),
    /// Another request (a flow's, after reading the profile).
    Again(Step),
}

/// The promise of a call that starts with `first` (or is refused before any traffic).
pub fn start(first: Result<Step, JsValue>) -> Promise {
    future_to_promise(run(first))
}

/// The shared async part: reject what was refused, else await each answer and settle.
async fn run(first: Result<Step, JsValue>) -> Result<JsValue, JsValue> {
    let mut step = first?;
    loop {
        let answer = http::answer(step.sent).await;
        match (step.then)(answer) {
            Next::Settled(result) => return result,
            Next::Again(next) => step = next,
        }
    }
}
