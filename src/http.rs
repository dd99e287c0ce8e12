//! One POST through the *global* `fetch` (so one build works in windows, workers and
//! Node 18+), aborted by an `AbortController` when the timeout fires or the caller's
//! signal aborts, then the GenAuth envelope checked. One non-generic async function
//! serves every method: generic futures would be compiled once per method (SIZE.md).

use crate::args::{is_plain_object, own};
use crate::error::{decimal, ErrorCode, GenAuthError, Result};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    // `fetch` is imported at the end of this file, where the Node build swaps it (two lines
    // here, so that no line below moves: panic locations are in the web build's bytes).
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    /// `JSON.parse` of the body as the JS string it already is: copying it into wasm memory
    /// and back (js_sys's `JSON::parse(&str)`) cost a copy each way and grew the memory to
    /// the largest body ever received.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsValue) -> core::result::Result<JsValue, JsValue>;

    type AbortController;
    #[wasm_bindgen(constructor)]
    fn new() -> AbortController;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> AbortSignal;

    /// The DOM `AbortSignal`; `dyn_ref` checks `instanceof AbortSignal`.
    pub type AbortSignal;
    #[wasm_bindgen(method, getter)]
    fn aborted(this: &AbortSignal) -> bool;
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &AbortSignal, kind: &str, listener: &Function);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_event_listener(this: &AbortSignal, kind: &str, listener: &Function);

    type Response;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Response) -> f64;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &Response) -> Headers;
    #[wasm_bindgen(method, catch)]
    fn text(this: &Response) -> core::result::Result<Promise, JsValue>;

    type Headers;
    #[wasm_bindgen(method, catch)]
    fn get(this: &Headers, name: &str) -> core::result::Result<Option<String>, JsValue>;
}

/// A request ready to go: everything already validated.
pub struct Request {
    pub url: String,
    pub headers: Object,
    pub body: String,
    pub timeout_ms: f64,
    pub signal: Option<AbortSignal>,
}

/// Aborts the fetch on timeout or on the caller's signal; undoes both when dropped,
/// so a long-lived caller signal does not collect listeners.
struct Abort {
    controller: AbortController,
    /// `controller.abort` bound to the controller (a JS function: nothing to free).
    abort: Option<Function>,
    timer: JsValue,
    caller: Option<AbortSignal>,
}

impl Abort {
    fn new(timeout_ms: f64, caller: Option<AbortSignal>) -> Abort {
        let controller = AbortController::new();
        // `abort.bind(controller)` instead of a Rust closure: nothing to free, fewer bytes.
        let abort = Reflect::get(&controller, &"abort".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .map(|f| f.bind0(&controller));
        let mut timer = JsValue::UNDEFINED;
        if let Some(abort) = &abort {
            timer = set_timeout(abort, timeout_ms);
            if let Some(signal) = &caller {
                signal.add_event_listener("abort", abort);
            }
        }
        Abort { controller, abort, timer, caller }
    }

    /// Why the fetch failed: the caller's abort, our timeout, or the network.
    fn reason(&self) -> GenAuthError {
        if self.caller.as_ref().is_some_and(AbortSignal::aborted) {
            GenAuthError::new(ErrorCode::Aborted, "the request was aborted by the caller's signal")
        } else if self.controller.signal().aborted() {
            GenAuthError::new(ErrorCode::Timeout, "the request timed out and was aborted")
        } else {
            GenAuthError::new(ErrorCode::Network, "the request failed before an HTTP answer (network, DNS or CORS)")
        }
    }
}

impl Drop for Abort {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let (Some(signal), Some(abort)) = (&self.caller, &self.abort) {
            signal.remove_event_listener("abort", abort);
        }
    }
}

/// Sends `req` and returns the envelope (a plain object with a numeric `statusCode`).
pub async fn post(req: Request) -> Result<JsValue> {
    if req.signal.as_ref().is_some_and(AbortSignal::aborted) {
        return Err(GenAuthError::new(ErrorCode::Aborted, "the caller's signal was already aborted"));
    }
    let abort = Abort::new(req.timeout_ms, req.signal);
    let init = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&init, &JsValue::from_str(k), v);
    };
    set("method", &"POST".into());
    set("headers", &req.headers);
    set("body", &req.body.into());
    set("signal", &abort.controller.signal());
    // Credentials never ride along: the token is in a header, cookies are not ours to send.
    set("credentials", &"omit".into());

    let response: Response = match global_fetch(&req.url, &init) {
        Ok(promise) => JsFuture::from(promise).await.map_err(|_| abort.reason())?.unchecked_into(),
        Err(_) => return Err(abort.reason()),
    };
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.map_err(|_| abort.reason())?,
        Err(_) => return Err(abort.reason()),
    };
    drop(abort);
    let parsed = parse_json(&text).ok().filter(is_envelope);

    if !(200.0..300.0).contains(&status) {
        return Err(http_status_error(status, parsed.as_ref(), &response));
    }
    parsed.ok_or_else(|| GenAuthError::new(ErrorCode::BadResponse, "the server answered 2xx with something that is not a GenAuth JSON envelope"))
}

/// A JSON object whose own `statusCode` is a number.
fn is_envelope(value: &JsValue) -> bool {
    is_plain_object(value) && own(value, "statusCode").and_then(|s| s.as_f64()).is_some_and(f64::is_finite)
}

/// `HTTP_STATUS`, with the envelope's fields when the body is one.
fn http_status_error(status: f64, envelope: Option<&JsValue>, response: &Response) -> GenAuthError {
    let mut message = String::from("the server answered HTTP ");
    message.push_str(&decimal(status as u64));
    let mut e = GenAuthError::new(ErrorCode::HttpStatus, "");
    if let Some(env) = envelope {
        if let Some(m) = own(env, "message").and_then(|m| m.as_string()) {
            message.push_str(": ");
            message.push_str(&m);
        }
        fill_envelope_fields(&mut e, env);
    }
    e.message = message;
    e.status_code = Some(status);
    // Retry-After in seconds (the HTTP-date form is rare for APIs and is ignored).
    e.retry_after_ms = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| crate::validate::decimal_at_most(v.as_bytes(), 86_400))
        .map(|s| f64::from(s) * 1000.0);
    e
}

/// Copies `apiCode` and `requestId` from an envelope into an error.
pub fn fill_envelope_fields(e: &mut GenAuthError, envelope: &JsValue) {
    e.api_code = own(envelope, "apiCode").and_then(|v| v.as_f64());
    e.request_id = own(envelope, "requestId").and_then(|v| v.as_string());
}

#[cfg_attr(not(feature = "node"), wasm_bindgen)]
#[cfg_attr(feature = "node", wasm_bindgen(module = "/js/node-transport.cjs"))]
extern "C" {
    /// Global `fetch` in browsers and workers; a `node:http` transport in the Node build.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> core::result::Result<Promise, JsValue>;
}
