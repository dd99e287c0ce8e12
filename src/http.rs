//! One request through the *global* `fetch` (so one build works in windows and workers; the
//! Node build swaps in a `node:http` transport of the same shape), given up through an [`Abort`], then the GenAuth envelope checked. One
//! non-generic async function serves every method (a generic future would be compiled
//! once per method), and it only awaits: all the reading is synchronous code beside it.

use crate::abort::Abort;
use crate::args::own;
use crate::error::{js_error, set, ErrorCode, Reason};
use js_sys::{Error, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

#[cfg_attr(not(feature = "node"), wasm_bindgen)]
#[cfg_attr(feature = "node", wasm_bindgen(module = "/js/node-transport.cjs"))]
extern "C" {
    // The global `fetch` in browsers and workers (web-sys binds it only on Window and
    // WorkerGlobalScope); in the Node build (feature "node") the fetch-shaped function of
    // js/node-transport.cjs, on node:http / node:https with a keep-alive pool.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &JsValue, init: &Object) -> core::result::Result<Promise, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    // `JSON.parse` of the body where it already is, as a JS string: js-sys's takes a `&str`,
    // which would copy every body into wasm memory and back.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsValue) -> core::result::Result<JsValue, JsValue>;
}

/// A request on its way: started synchronously by [`send`], so the request leaves when the
/// call is made; [`answer`] waits for it.
pub struct Sent {
    fetched: core::result::Result<Promise, JsValue>,
    abort: Abort,
    /// What to ask when no answer came ([`why_no_answer`]).
    probe: Probe,
}

/// The question asked after a request got no answer: a GET of the API's one GET route with
/// the app's headers (the same preflight the request needed) and never a token.
pub struct Probe {
    /// `<appHost>/api/v3/get-profile`.
    pub url: JsValue,
    /// The app's headers, without the access token.
    pub headers: JsValue,
}

/// Starts the request now: a POST of `body`, or a GET when there is none. Everything in it
/// was already validated.
pub fn send(url: &JsValue, headers: &JsValue, body: Option<&JsValue>, abort: Abort, probe: Probe) -> Sent {
    // A plain object, as web-sys's `RequestInit` is, set through the import every other
    // object uses instead of one setter import per member.
    let init = Object::new();
    set(&init, "method", &JsValue::from_str(if body.is_some() { "POST" } else { "GET" }));
    set(&init, "headers", headers);
    if let Some(body) = body {
        set(&init, "body", body);
    }
    set(&init, "signal", &abort.signal());
    // The token travels in its header; cookies are not ours to send.
    set(&init, "credentials", &JsValue::from_str("omit"));
    Sent { fetched: global_fetch(url, &init), abort, probe }
}

/// An HTTP answer, read: its status, its body when that is a GenAuth envelope, and
/// `Retry-After` in ms when the server sent one.
pub struct Answer {
    pub status: f64,
    pub envelope: Option<JsValue>,
    response: Response,
}

impl Answer {
    /// `Retry-After` in ms, when the server sent it in seconds (the HTTP-date form is rare for
    /// APIs and is ignored). Read only when needed: most answers never ask.
    pub fn retry_after_ms(&self) -> Option<f64> {
        let value = self.response.headers().get("retry-after").ok().flatten()?;
        crate::validate::decimal_at_most(value.as_bytes(), 86_400).map(|s| f64::from(s) * 1000.0)
    }

    /// The envelope's own `statusCode` (0 without an envelope).
    pub fn status_code(&self) -> f64 {
        self.envelope.as_ref().map_or(0.0, status_code)
    }
}

/// Waits for the answer and its body, then reads them: the one async function of the
/// client, kept to its two awaits so the state machine stays small.
pub async fn answer(sent: Sent) -> Result<Answer, JsValue> {
    let Sent { fetched, abort, probe } = sent;
    let response = match fetched {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    let text = match response.as_ref().map(|r| r.unchecked_ref::<Response>().text()) {
        Some(Ok(promise)) => JsFuture::from(promise).await.ok(),
        _ => None,
    };
    // No answer at all, and nobody gave up: a network failure, decided now (a probe the
    // timeout cuts short does not make it a timeout); ask which, in the time left.
    let why = match response.is_none() && !abort.signal().aborted() {
        true => Some(why_no_answer(&probe, &abort).await),
        false => None,
    };
    read(abort, response, text, why)
}

/// Why a request got no answer, as far as a page can tell (browsers hide it on purpose): two
/// GETs of the API's GET route, without a token and without a body, so nothing is changed and
/// nothing secret leaves. Answered in `cors` mode with the app's headers (the preflight the
/// request needed runs again), the server is there and allows this origin: the connection
/// failed (dropped, reset). Answered only as an opaque `no-cors` GET (no headers: that mode
/// sends none of ours), it is there and the browser withheld its answers: CORS. Neither:
/// unreachable (offline, DNS, refused, a certificate, a blocked port). Outside browsers
/// nothing enforces CORS, so the first GET is answered whenever the server is: never
/// `BLOCKED` there.
async fn why_no_answer(probe: &Probe, abort: &Abort) -> Reason {
    for mode in ["cors", "no-cors"] {
        let init = Object::new();
        set(&init, "mode", &JsValue::from_str(mode));
        set(&init, "credentials", &JsValue::from_str("omit"));
        set(&init, "signal", &abort.signal());
        if mode == "cors" {
            set(&init, "headers", &probe.headers);
        }
        let answered = match global_fetch(&probe.url, &init) {
            Ok(promise) => JsFuture::from(promise).await.is_ok(),
            Err(_) => false,
        };
        if answered {
            return if mode == "cors" { Reason::Unreachable } else { Reason::Blocked };
        }
    }
    Reason::Unreachable
}

/// The answer, or why there is none. `None` for the response or its text: it failed before
/// an HTTP answer (`why`: a network failure, and which) or while the body arrived (the abort
/// tells why).
#[inline(never)]
fn read(abort: Abort, response: Option<JsValue>, text: Option<JsValue>, why: Option<Reason>) -> Result<Answer, JsValue> {
    let (Some(response), Some(text)) = (response, text) else { return Err(abort.reason(why).into()) };
    drop(abort);
    let envelope = parse_json(&text).ok().filter(|e| status_code(e).is_finite());
    let response: Response = response.unchecked_into();
    Ok(Answer { status: f64::from(response.status()), envelope, response })
}

/// The own `statusCode` of a JSON object; NaN when it has none that is a number.
fn status_code(value: &JsValue) -> f64 {
    own(value, "statusCode").and_then(|s| s.as_f64()).unwrap_or(f64::NAN)
}

/// `HTTP_STATUS` for a non-2xx answer, with the envelope's fields when the body is one. The
/// status and the server's text go in `detail`: a gateway's or a proxy's words are not for
/// the person, who reads the catalogue's.
pub fn http_status_error(answer: &Answer) -> Error {
    let mut message = String::from("the server answered HTTP ");
    // JSON.stringify of a number is its decimal digits: an import the body already needs.
    message.push_str(&js_sys::JSON::stringify(&answer.status.into()).ok().and_then(|s| s.as_string()).unwrap_or_default());
    if let Some(m) = answer.envelope.as_ref().and_then(|env| own(env, "message")).and_then(|m| m.as_string()) {
        message.push_str(": ");
        message.push_str(&m);
    }
    let e = js_error(ErrorCode::HttpStatus, &message);
    set(&e, "statusCode", &answer.status.into());
    if let Some(env) = &answer.envelope {
        set_envelope_fields(&e, env);
    }
    if let Some(ms) = answer.retry_after_ms() {
        set(&e, "retryAfterMs", &ms.into());
    }
    e
}

/// `code` for a refusal in the envelope (`statusCode` not 200): the server's message (GenAuth
/// words it for people, in the `lang` asked for) as the message, its `statusCode`, `apiCode`
/// and `requestId`.
pub fn envelope_error(code: ErrorCode, envelope: &JsValue) -> Error {
    let e = js_error(code, "the API refused the request");
    if let Some(message) = own(envelope, "message").filter(|m| m.as_string().is_some_and(|m| !m.is_empty())) {
        set(&e, "message", &message);
    }
    set(&e, "statusCode", &status_code(envelope).into());
    set_envelope_fields(&e, envelope);
    e
}

/// `BAD_RESPONSE`: a 2xx answer that is not an envelope.
pub fn bad_response() -> JsValue {
    js_error(ErrorCode::BadResponse, "the server answered 2xx with something that is not a GenAuth JSON envelope").into()
}

/// Copies `apiCode` and `requestId` from an envelope onto an error, where it has them.
pub fn set_envelope_fields(e: &Error, envelope: &JsValue) {
    if let Some(code) = own(envelope, "apiCode").filter(|v| v.as_f64().is_some()) {
        set(e, "apiCode", &code);
    }
    if let Some(id) = own(envelope, "requestId").filter(JsValue::is_string) {
        set(e, "requestId", &id);
    }
}
