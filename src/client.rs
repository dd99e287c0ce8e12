//! The `AuthenticationClient` class: one method per endpoint, plus the flows. Each method
//! reads and checks everything the caller passed synchronously (so bad input is refused
//! before any traffic, and nothing the caller owns is touched once the promise exists), then
//! hands the checked request to the session (`session.rs`) and the one async path
//! (`call.rs`).

use crate::args::{decode, read, Field, Fields, Kind, Shape, Value};
use crate::call::{start, Next, Step};
use crate::dto;
use crate::error::{GenAuthError, Result};
use crate::flow::{Flow, FlowKind, PhoneFlow};
use crate::options::{timeout, ClientOptions};
use crate::session::{sms_key_of, Endpoint, Request, Session};
use crate::validate::Rule;
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// `CallOptions`.
static CALL_OPTIONS: Shape = Shape {
    name: "opts",
    path: "opts",
    fields: &[Field { key: "signal", kind: Kind::Raw, required: false }, Field { key: "timeout", kind: Kind::Number, required: false }],
};
const CALL_SIGNAL: usize = 0;
const CALL_TIMEOUT: usize = 1;

/// The argument of `setAccessToken`, checked by the same reader as every other field.
static TOKEN: Field = Field { key: "token", kind: Kind::Text(Rule::Token), required: true };

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
    session: Rc<Session>,
}

#[wasm_bindgen]
impl AuthenticationClient {
    /// Creates a client. Throws a `GenAuthError` (`INVALID_ARGUMENT`) for bad options,
    /// and always for an `appSecret`: it must never be shipped to a browser.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthenticationClientOptions & { throwOnError?: Strict }")] options: JsValue,
    ) -> core::result::Result<AuthenticationClient, JsValue> {
        let options = ClientOptions::from_js(&options)?;
        Ok(AuthenticationClient { session: Rc::new(Session::new(options)) })
    }

    /// Sets the access token used by calls started from now on (a call in flight keeps
    /// the token it started with); `null` signs out (calls that need a token then reject with
    /// `NOT_AUTHENTICATED`). Throws `INVALID_ARGUMENT` for an empty or malformed token.
    #[wasm_bindgen(js_name = setAccessToken)]
    pub fn set_access_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | null")] token: JsValue,
    ) -> core::result::Result<(), JsValue> {
        let checked = self.session.alive().and_then(|()| match token.is_null() {
            true => Ok(None),
            false => match read(&TOKEN, "", token.clone())? {
                Some(_) => Ok(Some(&token)),
                None => Err(GenAuthError::invalid("token", "is required (null signs out)")),
            },
        });
        self.session.set_token(checked.map_err(|e| self.said(e))?);
        Ok(())
    }

    /// The language of this client's messages: its `lang` option, else `"zh-CN"` (what the
    /// drop-in elements follow when they have no `lang` of their own).
    #[wasm_bindgen(getter, unchecked_return_type = "\"zh-CN\" | \"en-US\"")]
    pub fn lang(&self) -> JsValue {
        JsValue::from_str(self.session.options.texts.lang())
    }

    /// Sends an SMS code. Refused with `SMS_COOLDOWN` (and `retryAfterMs`) while this
    /// channel and number wait: 60 s after a successful send, shared with reloads and other
    /// tabs of the origin; a server's 429 starts one as long as it said (HTTP 429 rejects with
    /// `SMS_COOLDOWN`). No access token is needed.
    #[wasm_bindgen(js_name = sendSms, unchecked_return_type = "Promise<SendSMSRespDto>")]
    pub fn send_sms(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendSMSDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        self.call(Endpoint::SendSms, &dto, &dto::SEND_SMS, &opts)
    }

    /// Exchanges the SMS code(s) for a one-time `updatePhoneToken`. Needs an access token.
    #[wasm_bindgen(
        js_name = verifyUpdatePhoneRequest,
        unchecked_return_type = "Promise<Reply<Strict, VerifyUpdatePhoneRequestRespDto, VerifyUpdatePhoneRequestSuccess>>"
    )]
    pub fn verify_update_phone_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VerifyUpdatePhoneRequestDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        self.call(Endpoint::VerifyUpdatePhoneRequest, &dto, &dto::VERIFY_UPDATE_PHONE_REQUEST, &opts)
    }

    /// Changes the phone number with a token from `verifyUpdatePhoneRequest`. Refused with
    /// `TOKEN_EXPIRED` / `TOKEN_CONSUMED` when this client knows the token is dead.
    #[wasm_bindgen(js_name = updatePhone, unchecked_return_type = "Promise<UpdatePhoneRespDto>")]
    pub fn update_phone(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpdatePhoneDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        self.call(Endpoint::UpdatePhone, &dto, &dto::UPDATE_PHONE, &opts)
    }

    /// Removes the phone number, proven by a code sent on `CHANNEL_UNBIND_PHONE`.
    #[wasm_bindgen(js_name = unbindPhone, unchecked_return_type = "Promise<CommonResponseDto>")]
    pub fn unbind_phone(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UnbindPhoneDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        self.call(Endpoint::UnbindPhone, &dto, &dto::UNBIND_PHONE, &opts)
    }

    /// The signed-in user's profile (`GET /api/v3/get-profile`, as the official SDK sends
    /// it: each flag in the query, `false` when absent). Needs an access token.
    #[wasm_bindgen(js_name = getProfile, unchecked_return_type = "Promise<Reply<Strict, UserSingleRespDto, UserSingleRespSuccess>>")]
    pub fn get_profile(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "GetProfileDto | null")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: JsValue,
    ) -> Promise {
        // The flags are optional as a whole, as in the official SDK's `getProfile({})`.
        let dto = if dto.is_undefined() || dto.is_null() { js_sys::Object::new().into() } else { dto };
        self.call(Endpoint::GetProfile, &dto, &dto::GET_PROFILE, &opts)
    }

    /// Milliseconds until `sendSms(dto)` may send to this `dto`'s channel and number again; 0
    /// when it may now. Takes the very object `sendSms` takes. Counts what this client sent,
    /// what the server refused with 429, and what other tabs of the origin stored.
    #[wasm_bindgen(js_name = smsCooldownRemaining)]
    pub fn sms_cooldown_remaining(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendSMSDto")] dto: JsValue,
    ) -> core::result::Result<f64, JsValue> {
        let sms = self.session.alive().and_then(|()| decode(&dto, &dto::SEND_SMS)).map_err(|e| self.said(e))?;
        Ok(self.session.sms_cooldown(sms_key_of(&sms)))
    }

    /// The change-number flow: which codes are needed, their sends and cooldowns, the
    /// one-time token, and the change itself (README, "Flows").
    #[wasm_bindgen(js_name = phoneChange, unchecked_return_type = "PhoneChange")]
    pub fn phone_change(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "PhoneChangeOptions | null")] options: JsValue,
    ) -> core::result::Result<PhoneFlow, JsValue> {
        self.flow(FlowKind::Change, &options)
    }

    /// The remove-number flow: the code to the current number, then the removal.
    #[wasm_bindgen(js_name = phoneRemoval, unchecked_return_type = "PhoneRemoval")]
    pub fn phone_removal(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "PhoneRemovalOptions | null")] options: JsValue,
    ) -> core::result::Result<PhoneFlow, JsValue> {
        self.flow(FlowKind::Removal, &options)
    }

    /// Retires the client: later calls reject with `CLIENT_FREED`; calls in flight still
    /// settle. Calling it again does nothing. (It replaces wasm-bindgen's own `free()`, after
    /// which any call threw a bare "null pointer passed to rust"; the memory is reclaimed by
    /// the garbage collector as for any object.)
    #[wasm_bindgen(js_name = free)]
    pub fn retire(&self) {
        self.session.retire();
    }
}

impl AuthenticationClient {
    /// Reads a method's arguments and starts it, or rejects before any traffic. Not
    /// generic, so the methods share one copy of it.
    fn call(&self, endpoint: Endpoint, dto: &JsValue, shape: &'static Shape, opts: &JsValue) -> Promise {
        start(self.first_step(endpoint, dto, shape, opts).map_err(|e| self.said(e)))
    }

    /// `e` as JS, in the client's words.
    fn said(&self, e: GenAuthError) -> JsValue {
        self.session.said(e.into())
    }

    /// A method's arguments, read once and checked, sent; its answer settles the promise.
    fn first_step(&self, endpoint: Endpoint, dto: &JsValue, shape: &'static Shape, opts: &JsValue) -> Result<Step> {
        self.session.alive()?;
        let fields = decode(dto, shape)?;
        let (timeout_ms, signal) = call_options(opts, self.session.options.timeout_ms)?;
        let (sent, call) = self.session.send(Request { endpoint, fields, timeout_ms, signal }, self.session.options.throw_on_error)?;
        let session = Rc::clone(&self.session);
        let then = move |answer| Next::Settled(call.settle(answer).map_err(|e| session.said(e)));
        Ok(Step { sent, then: Box::new(then) })
    }

    /// A flow of `kind` on this client.
    fn flow(&self, kind: FlowKind, options: &JsValue) -> core::result::Result<PhoneFlow, JsValue> {
        self.session.alive().and_then(|()| Flow::create(&self.session, kind, options)).map_err(|e| self.said(e))
    }
}

/// The per-call timeout and signal of `opts` (a `CallOptions`, or absent).
fn call_options(opts: &JsValue, default_timeout: f64) -> Result<(f64, Option<JsValue>)> {
    if opts.is_undefined() || opts.is_null() {
        return Ok((default_timeout, None));
    }
    let mut call: Fields = decode(opts, &CALL_OPTIONS)?;
    let timeout_ms = timeout(call.number(CALL_TIMEOUT), "opts.timeout", default_timeout)?;
    let signal = match call.values.get_mut(CALL_SIGNAL).and_then(Option::take) {
        Some(Value::Raw(s)) => Some(s),
        _ => None,
    };
    Ok((timeout_ms, signal))
}
