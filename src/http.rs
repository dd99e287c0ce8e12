//! One POST through the *global* `fetch` (so one build works in windows, workers and
//! Node 18+), given up through an [`Abort`], then the GenAuth envelope checked. One
//! non-generic async function serves every method: a generic future would be compiled
//! once per method.

use crate::abort::Abort;
use crate::args::own;
use crate::error::{decimal, ErrorCode, GenAuthError, Result};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    // web-sys binds `fetch` only on Window and WorkerGlobalScope; Node 18+ has it on globalThis.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &JsValue, init: &RequestInit) -> core::result::Result<Promise, JsValue>;
    // `JSON.parse` of the body where it already is, as a JS string: js-sys's takes a `&str`,
    // which would copy every body into wasm memory and back.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsValue) -> core::result::Result<JsValue, JsValue>;
}

/// A request ready to go: everything already validated.
pub struct Request {
    pub url: JsValue,
    pub headers: JsValue,
    /// The JSON body, a JS string.
    pub body: JsValue,
    pub abort: Abort,
}

/// Sends `req` and returns the envelope (a plain object with a numeric `statusCode`).
pub async fn post(req: Request) -> Result<JsValue> {
    let Request { url, headers, body, abort } = req;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&body);
    init.set_signal(Some(&abort.signal()));
    // The token travels in its header; cookies are not ours to send.
    init.set_credentials(RequestCredentials::Omit);

    let response: Response = match global_fetch(&url, &init) {
        Ok(promise) => JsFuture::from(promise).await.map_err(|_| abort.reason())?.unchecked_into(),
        Err(_) => return Err(abort.reason()),
    };
    let status = f64::from(response.status());
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.map_err(|_| abort.reason())?,
        Err(_) => return Err(abort.reason()),
    };
    drop(abort);
    let envelope = parse_json(&text).ok().filter(is_envelope);
    if !(200.0..300.0).contains(&status) {
        return Err(http_status_error(status, envelope.as_ref(), &response));
    }
    envelope.ok_or_else(|| {
        GenAuthError::new(ErrorCode::BadResponse, "the server answered 2xx with something that is not a GenAuth JSON envelope")
    })
}

/// A JSON object whose own `statusCode` is a finite number.
fn is_envelope(value: &JsValue) -> bool {
    own(value, "statusCode").and_then(|s| s.as_f64()).is_some_and(f64::is_finite)
}

/// `HTTP_STATUS`, with the envelope's fields when the body is one.
fn http_status_error(status: f64, envelope: Option<&JsValue>, response: &Response) -> GenAuthError {
    let mut e = GenAuthError::new(ErrorCode::HttpStatus, "the server answered HTTP ");
    e.message.push_str(&decimal(status as u64));
    if let Some(env) = envelope {
        if let Some(m) = own(env, "message").and_then(|m| m.as_string()) {
            e.message.push_str(": ");
            e.message.push_str(&m);
        }
        fill_envelope_fields(&mut e, env);
    }
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
