//! The `AuthenticationClient` class: one method per endpoint. Each method reads and checks
//! everything the caller passed synchronously (so bad input is refused before any
//! traffic, and nothing the caller owns is touched once the promise exists), then hands
//! one shared async function the request and what to remember on success. State lives in
//! an `Rc<Inner>`; no `RefCell` borrow outlives a statement, so nothing is borrowed across
//! an `.await` and concurrent calls are safe.

use crate::abort::Abort;
use crate::args::{decode, own, read, Field, Fields, Kind, Shape, Value};
use crate::dto::{self, check_verify};
use crate::error::{js_error, set, ErrorCode, GenAuthError, Result};
use crate::http::{self, set_envelope_fields};
use crate::ledger::{hash, sms_key, Ledger, TokenState};
use crate::options::{timeout, ClientOptions};
use crate::validate::Rule;
use core::cell::{Cell, RefCell};
use js_sys::{Date, Object, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

const SDK_VERSION: &str = concat!("genauth-phone-wasm:", env!("CARGO_PKG_VERSION"));

/// The four endpoints, in the order of their paths below.
#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    SendSms,
    VerifyUpdatePhoneRequest,
    UpdatePhone,
    UnbindPhone,
}
const PATHS: [&str; 4] = ["send-sms", "verify-update-phone-request", "update-phone", "unbind-phone"];

/// `CallOptions`.
static CALL_OPTIONS: Shape = Shape {
    name: "opts",
    path: "opts",
    fields: &[Field { key: "signal", kind: Kind::Raw, required: false }, Field { key: "timeout", kind: Kind::Number, required: false }],
};
/// The argument of `setAccessToken`, checked by the same reader as every other field.
static TOKEN: Field = Field { key: "token", kind: Kind::Text(Rule::Token), required: true };

const CALL_SIGNAL: usize = 0;
const CALL_TIMEOUT: usize = 1;

struct Inner {
    options: ClientOptions,
    /// The four endpoint URLs and the headers every request carries, built once.
    urls: Vec<JsValue>,
    headers: Object,
    /// Once an access token is set: `headers` plus its `authorization`, built when the token
    /// is set, so a call only hands fetch an object (never changed once built: fetch copies
    /// it, so a call in flight keeps the token it started with).
    signed_in: RefCell<Option<Object>>,
    ledger: RefCell<Ledger>,
    freed: Cell<bool>,
}

/// What to record when a call succeeds (envelope `statusCode` 200).
enum OnSuccess {
    Nothing,
    SmsSent(u64),
    TokenIssued,
    TokenConsumed(u64),
}

/// A GenAuth authentication client for the phone-number flows of a signed-in user.
///
/// Create one per app (or per signed-in user) and keep it: it remembers SMS cooldowns
/// and the update tokens it received. It needs no `free()`: the garbage collector
/// reclaims it. `free()` only retires it early: later calls reject with `CLIENT_FREED`.
///
/// @example
/// ```js
/// const client = new AuthenticationClient({ appId: "APP_ID", appHost: "https://example.genauth.ai" });
/// client.setAccessToken(accessToken);
/// await client.sendSms({ channel: "CHANNEL_BIND_PHONE", phoneNumber: "18800000000", phoneCountryCode: "+86" });
/// ```
#[wasm_bindgen]
pub struct AuthenticationClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl AuthenticationClient {
    /// Creates a client. Throws a `GenAuthError` (`INVALID_ARGUMENT`) for bad options,
    /// and always for an `appSecret`: it must never be shipped to a browser.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthenticationClientOptions")] options: JsValue,
    ) -> core::result::Result<AuthenticationClient, JsValue> {
        let mut options = ClientOptions::from_js(&options)?;
        let urls = PATHS
            .iter()
            .map(|path| {
                let mut url = String::from(options.base_url.as_str());
                url.push_str("/api/v3/");
                url.push_str(path);
                JsValue::from(url)
            })
            .collect();
        let headers = Object::new();
        let set = |k: &str, v: &str| {
            let _ = Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
        };
        set("content-type", "application/json");
        set("x-authing-app-id", &options.app_id);
        set("x-authing-request-from", "sdk");
        set("x-authing-sdk-version", SDK_VERSION);
        if let Some(lang) = &options.lang {
            set("x-authing-lang", lang);
        }
        let signed_in = RefCell::new(options.access_token.take().map(|t| with_token(&headers, &t.into())));
        let inner = Inner { options, urls, headers, signed_in, ledger: RefCell::default(), freed: Cell::new(false) };
        Ok(AuthenticationClient { inner: Rc::new(inner) })
    }

    /// Sets the access token used by calls started from now on (a call in flight keeps
    /// the token it started with). Throws `INVALID_ARGUMENT` for an empty or malformed token.
    #[wasm_bindgen(js_name = setAccessToken)]
    pub fn set_access_token(&self, #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue) -> core::result::Result<(), JsValue> {
        self.inner.alive()?;
        if read(&TOKEN, "", token.clone())?.is_none() {
            return Err(GenAuthError::invalid("token", "is required").into());
        }
        *self.inner.signed_in.borrow_mut() = Some(with_token(&self.inner.headers, &token));
        Ok(())
    }

    /// Sends an SMS code. Refused with `SMS_COOLDOWN` (and `retryAfterMs`) within 60 s of a
    /// successful send to the same channel and number; no access token is needed.
    #[wasm_bindgen(js_name = sendSms, unchecked_return_type = "Promise<SendSMSRespDto>")]
    pub fn send_sms(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendSMSDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        self.start(Endpoint::SendSms, &dto, &dto::SEND_SMS, &opts)
    }

    /// Exchanges the SMS code(s) for a one-time `updatePhoneToken`. Needs an access token.
    #[wasm_bindgen(js_name = verifyUpdatePhoneRequest, unchecked_return_type = "Promise<VerifyUpdatePhoneRequestRespDto>")]
    pub fn verify_update_phone_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VerifyUpdatePhoneRequestDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        self.start(Endpoint::VerifyUpdatePhoneRequest, &dto, &dto::VERIFY_UPDATE_PHONE_REQUEST, &opts)
    }

    /// Changes the phone number with a token from `verifyUpdatePhoneRequest`. Refused with
    /// `TOKEN_EXPIRED` / `TOKEN_CONSUMED` when this client knows the token is dead.
    #[wasm_bindgen(js_name = updatePhone, unchecked_return_type = "Promise<UpdatePhoneRespDto>")]
    pub fn update_phone(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpdatePhoneDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        self.start(Endpoint::UpdatePhone, &dto, &dto::UPDATE_PHONE, &opts)
    }

    /// Removes the phone number, proven by a code sent on `CHANNEL_UNBIND_PHONE`.
    #[wasm_bindgen(js_name = unbindPhone, unchecked_return_type = "Promise<CommonResponseDto>")]
    pub fn unbind_phone(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UnbindPhoneDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        self.start(Endpoint::UnbindPhone, &dto, &dto::UNBIND_PHONE, &opts)
    }

    /// Milliseconds until `sendSms(dto)` may send to this `dto`'s channel and number again; 0
    /// when it may now. Takes the very object `sendSms` takes (one argument: three positional
    /// ones cost the module half a kilobyte).
    #[wasm_bindgen(js_name = smsCooldownRemaining)]
    pub fn sms_cooldown_remaining(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendSMSDto")] dto: JsValue,
    ) -> core::result::Result<f64, JsValue> {
        self.inner.alive()?;
        let sms = decode(&dto, &dto::SEND_SMS)?;
        Ok(self.inner.ledger.borrow().sms_cooldown_remaining(sms_key_of(&sms), Date::now()))
    }

    /// Retires the client: later calls reject with `CLIENT_FREED`; calls in flight still
    /// settle. Calling it again does nothing. (It replaces wasm-bindgen's own `free()`, after
    /// which any call threw a bare "null pointer passed to rust"; the memory is reclaimed by
    /// the garbage collector as for any object.)
    #[wasm_bindgen(js_name = free)]
    pub fn retire(&self) {
        self.inner.freed.set(true);
        self.inner.signed_in.borrow_mut().take();
        *self.inner.ledger.borrow_mut() = Ledger::default();
    }
}

/// `headers` plus `authorization: token`, as a new object.
fn with_token(headers: &Object, token: &JsValue) -> Object {
    let signed_in = Object::assign(&Object::new(), headers);
    // Raw, as the seeds' SDK sends it; the server also takes "Bearer <token>".
    let _ = Reflect::set(&signed_in, &JsValue::from_str("authorization"), token);
    signed_in
}

/// The cooldown key of a decoded `SendSMSDto`.
fn sms_key_of(sms: &Fields) -> u64 {
    let text = |i| sms.text(i).unwrap_or_default();
    sms_key(text(dto::SMS_CHANNEL), text(dto::SMS_PHONE), sms.text(dto::SMS_COUNTRY_CODE))
}

impl AuthenticationClient {
    /// Sends what a method prepared, or rejects before any traffic when that failed.
    /// Not generic, so the four methods share one copy of it.
    fn start(&self, endpoint: Endpoint, dto: &JsValue, shape: &'static Shape, opts: &JsValue) -> Promise {
        // Before the request leaves: a token's lifetime is never overestimated.
        let sent_at = Date::now();
        match self.inner.prepare(endpoint, dto, shape, opts) {
            Ok((sent, on_success)) => {
                let call = Call { inner: Rc::clone(&self.inner), on_success, sent_at };
                future_to_promise(run(call, sent))
            }
            Err(e) => Promise::reject(&e.into()),
        }
    }
}

impl Inner {
    /// `CLIENT_FREED` once `free()` was called.
    fn alive(&self) -> Result<()> {
        if self.freed.get() {
            return Err(GenAuthError::new(ErrorCode::ClientFreed, "this client was freed: create a new one"));
        }
        Ok(())
    }

    /// The headers with the access token as it is now, or `NOT_AUTHENTICATED`.
    fn signed_in_headers(&self) -> Result<Object> {
        self.signed_in
            .borrow()
            .clone()
            .ok_or_else(|| GenAuthError::new(ErrorCode::NotAuthenticated, "no access token: sign the user in, then call setAccessToken"))
    }

    /// Everything a call needs, read from the caller's values once and checked.
    fn prepare(&self, endpoint: Endpoint, dto: &JsValue, shape: &'static Shape, opts: &JsValue) -> Result<(http::Sent, OnSuccess)> {
        self.alive()?;
        let fields = decode(dto, shape)?;
        let (headers, on_success) = match endpoint {
            Endpoint::SendSms => {
                let key = sms_key_of(&fields);
                let wait = self.ledger.borrow().sms_cooldown_remaining(key, Date::now());
                if wait > 0.0 {
                    let mut e = GenAuthError::new(ErrorCode::SmsCooldown, "an SMS went to this number on this channel less than 60 s ago");
                    e.retry_after_ms = Some(wait);
                    return Err(e);
                }
                // Not required here, but sent along when set, as the official SDKs do.
                (self.signed_in.borrow().clone().unwrap_or_else(|| self.headers.clone()), OnSuccess::SmsSent(key))
            }
            Endpoint::VerifyUpdatePhoneRequest => {
                check_verify(&fields)?;
                (self.signed_in_headers()?, OnSuccess::TokenIssued)
            }
            Endpoint::UpdatePhone => {
                let headers = self.signed_in_headers()?;
                let update_token = hash(&[fields.text(dto::UPDATE_TOKEN).unwrap_or_default()]);
                match self.ledger.borrow().token_state(update_token, Date::now()) {
                    TokenState::Expired => {
                        return Err(GenAuthError::new(ErrorCode::TokenExpired, "updatePhoneToken has expired: verify again"))
                    }
                    TokenState::Consumed => {
                        return Err(GenAuthError::new(ErrorCode::TokenConsumed, "updatePhoneToken was already used: verify again"))
                    }
                    TokenState::Live | TokenState::Unknown => {}
                }
                (headers, OnSuccess::TokenConsumed(update_token))
            }
            Endpoint::UnbindPhone => (self.signed_in_headers()?, OnSuccess::Nothing),
        };
        let (timeout_ms, signal) = if opts.is_undefined() || opts.is_null() {
            (self.options.timeout_ms, None)
        } else {
            let mut call = decode(opts, &CALL_OPTIONS)?;
            let timeout_ms = timeout(call.number(CALL_TIMEOUT), "opts.timeout", self.options.timeout_ms)?;
            let signal = match call.values.get_mut(CALL_SIGNAL).and_then(Option::take) {
                Some(Value::Raw(s)) => Some(s),
                _ => None,
            };
            (timeout_ms, signal)
        };
        let body = fields.to_json()?;
        // Last, so a refusal above leaves no timer or listener behind.
        let abort = Abort::start(timeout_ms, signal, "opts.signal")?;
        let url = self.urls.get(endpoint as usize).cloned().unwrap_or_default();
        Ok((http::send(&url, &headers, &body, abort), on_success))
    }
}

/// A call in flight: what to update when its answer comes.
struct Call {
    inner: Rc<Inner>,
    on_success: OnSuccess,
    /// When the request left: the server starts a token's lifetime when it receives the
    /// request, so the client counts from here, not from when the answer arrived.
    sent_at: f64,
}

/// The shared async part: await the answer, then settle it.
async fn run(call: Call, sent: http::Sent) -> core::result::Result<JsValue, JsValue> {
    let answer = http::answer(sent).await;
    call.settle(answer)
}

impl Call {
    /// Checks the envelope and remembers what succeeded.
    #[inline(never)]
    fn settle(self, answer: core::result::Result<JsValue, JsValue>) -> core::result::Result<JsValue, JsValue> {
        let Call { inner, on_success, sent_at } = self;
        let envelope = answer?;
        let status = own(&envelope, "statusCode").and_then(|s| s.as_f64()).unwrap_or(0.0);
        if status != 200.0 {
            if inner.options.throw_on_error {
                let message = own(&envelope, "message").and_then(|m| m.as_string()).filter(|m| !m.is_empty());
                let e = js_error(ErrorCode::Api, message.as_deref().unwrap_or("the API refused the request"));
                set(&e, "statusCode", &status.into());
                set_envelope_fields(&e, &envelope);
                return Err(e.into());
            }
            return Ok(envelope);
        }
        let mut ledger = inner.ledger.borrow_mut();
        match on_success {
            OnSuccess::Nothing => {}
            OnSuccess::SmsSent(key) => ledger.sms_sent(key, sent_at),
            OnSuccess::TokenConsumed(token) => ledger.token_consumed(token),
            OnSuccess::TokenIssued => {
                let data = own(&envelope, "data").unwrap_or_default();
                let token = own(&data, "updatePhoneToken").and_then(|t| t.as_string());
                let expires_in = own(&data, "tokenExpiresIn").and_then(|t| t.as_f64()).filter(|s| s.is_finite() && *s >= 0.0);
                match (token, expires_in) {
                    (Some(t), Some(s)) => ledger.token_issued(hash(&[&t]), s, sent_at),
                    _ => {
                        return Err(GenAuthError::new(
                            ErrorCode::BadResponse,
                            "a successful verify answer lacks its token or tokenExpiresIn",
                        )
                        .into())
                    }
                }
            }
        }
        Ok(envelope)
    }
}
