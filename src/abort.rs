//! Giving up on a request: our own `AbortController`, aborted by our timer or by the
//! caller's `AbortSignal`, each with its own reason so the error can say which.
//!
//! Everything that touches the caller's signal happens in [`Abort::start`], synchronously,
//! before the call's promise exists, through `catch` imports: a forged signal
//! (`Object.create(AbortSignal.prototype)`) or one whose `addEventListener` throws is
//! refused with a `GenAuthError` instead of throwing later from inside the futures queue.
//! The only later touch, removing our listener, is `catch` too.

use crate::args::get;
use crate::error::{ErrorCode, GenAuthError, Reason, Result};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal};

#[wasm_bindgen]
extern "C" {
    // The global timer functions: web-sys binds them only on Window and WorkerGlobalScope,
    // and Node's timer id is an object, not the number web-sys expects.
    #[wasm_bindgen(catch, js_name = setTimeout)]
    pub fn set_timeout(callback: &Function, ms: f64) -> core::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue) -> core::result::Result<(), JsValue>;
}

/// The controller's abort reasons: ours, so they can be told apart afterwards.
const TIMED_OUT: f64 = 1.0;
const CALLER_ABORTED: f64 = 2.0;

/// Aborts one request on timeout or on the caller's signal; undoes both when dropped, so
/// a long-lived caller signal does not collect listeners.
pub struct Abort {
    controller: AbortController,
    timer: JsValue,
    /// The caller's signal and the listener we added to it.
    caller: Option<(AbortSignal, Function)>,
}

impl Abort {
    /// Arms the timeout and listens to `signal`. Refuses a value that is not a usable
    /// `AbortSignal` (`INVALID_ARGUMENT`, field `signal_field`), and one already aborted
    /// (`ABORTED`), before any traffic.
    pub fn start(timeout_ms: f64, signal: Option<JsValue>, signal_field: &str) -> Result<Abort> {
        let unusable = |problem| GenAuthError::invalid(signal_field, problem);
        let signal = match signal {
            // `dyn_into` is an `instanceof` check, which wasm-bindgen already guards.
            Some(s) => Some(s.dyn_into::<AbortSignal>().map_err(|_| unusable("must be an AbortSignal"))?),
            None => None,
        };
        let controller = AbortController::new().map_err(|_| controller_unavailable())?;
        let abort: Function<fn(JsValue) -> JsValue> =
            get(&controller, &JsValue::from_str("abort")).ok().and_then(|f| f.dyn_into().ok()).ok_or_else(controller_unavailable)?;
        // `abort.bind(controller, reason)`: a JS function, so nothing to free in Rust.
        let abort_for = |reason: f64| abort.bind1(&controller, &JsValue::from_f64(reason)).unchecked_into::<Function>();
        let (on_caller_abort, on_timeout) = (abort_for(CALLER_ABORTED), abort_for(TIMED_OUT));
        let mut this = Abort { controller: controller.clone(), timer: JsValue::UNDEFINED, caller: None };
        if let Some(signal) = signal {
            // Through `Reflect.get` with `catch`: web-sys's `aborted` getter has none, and a
            // forged signal throws from it.
            match get(&signal, &JsValue::from_str("aborted")).map(|a| a.as_bool()) {
                Ok(Some(false)) => {}
                Ok(Some(true)) => return Err(GenAuthError::new(ErrorCode::Aborted, "the caller's signal was already aborted")),
                _ => return Err(unusable("must be a real AbortSignal (reading it threw)")),
            }
            signal
                .add_event_listener_with_callback("abort", &on_caller_abort)
                .map_err(|_| unusable("must be a real AbortSignal (listening to it threw)"))?;
            this.caller = Some((signal, on_caller_abort));
        }
        this.timer = set_timeout(&on_timeout, timeout_ms).unwrap_or(JsValue::UNDEFINED);
        Ok(this)
    }

    /// The signal to hand to `fetch`.
    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Why the request failed: the network, when that was known before anyone gave up
    /// (`network`: how), else the caller's abort, our timeout, or the network.
    pub fn reason(&self, network: Option<Reason>) -> GenAuthError {
        let reason = self.controller.signal().reason().as_f64();
        if network.is_none() && reason == Some(CALLER_ABORTED) {
            GenAuthError::new(ErrorCode::Aborted, "the request was aborted by the caller's signal")
        } else if network.is_none() && reason == Some(TIMED_OUT) {
            GenAuthError::new(ErrorCode::Timeout, "the request timed out and was aborted")
        } else {
            let network = network.unwrap_or(Reason::Unreachable);
            let mut e = GenAuthError::new(
                ErrorCode::Network,
                match network {
                    Reason::Blocked => {
                        "the server answers, but the browser withheld its answer: CORS (allow this origin in the app's settings)"
                    }
                    _ => "no HTTP answer: the server could not be reached, or the connection broke",
                },
            );
            e.reason = Some(network);
            e
        }
    }
}

impl Drop for Abort {
    fn drop(&mut self) {
        let _ = clear_timeout(&self.timer);
        if let Some((signal, listener)) = &self.caller {
            let _ = signal.remove_event_listener_with_callback("abort", listener);
        }
    }
}

/// `NETWORK` when the platform has no `AbortController` (the flows make their own too).
pub fn controller_unavailable() -> GenAuthError {
    GenAuthError { reason: Some(Reason::Unreachable), ..GenAuthError::new(ErrorCode::Network, "AbortController is unavailable") }
}
