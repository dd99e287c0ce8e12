//! The `AuthenticationClient` class: one method per endpoint. Each method validates
//! synchronously (so bad input is refused before any traffic), snapshots the access
//! token, then hands one shared async function the request and what to remember on
//! success. State lives in an `Rc<Inner>`; no `RefCell` borrow outlives a statement,
//! so nothing is borrowed across an `.await` and concurrent calls are safe.

use crate::args::{own, JsObject};
use crate::dto::{SendSmsDto, UnbindPhoneDto, UpdatePhoneDto, VerifyUpdatePhoneRequestDto};
use crate::error::{ErrorCode, GenAuthError, Result};
use crate::http::{self, fill_envelope_fields, AbortSignal};
use crate::ledger::{sms_key, Ledger, TokenState};
use crate::options::ClientOptions;
use crate::validate;
use core::cell::RefCell;
use js_sys::{Date, Object, Promise, Reflect, JSON};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

const SDK_VERSION: &str = concat!("genauth-phone-wasm:", env!("CARGO_PKG_VERSION"));

struct Inner {
    options: ClientOptions,
    access_token: RefCell<Option<String>>,
    ledger: RefCell<Ledger>,
}

/// What to record when a call succeeds (envelope `statusCode` 200).
enum OnSuccess {
    Nothing,
    SmsSent(u64),
    TokenIssued,
    TokenConsumed(String),
}

/// A GenAuth authentication client for the phone-number flows of a signed-in user.
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
        #[wasm_bindgen(unchecked_optional_param_type = "never")] extra: NoMoreArguments,
    ) -> core::result::Result<AuthenticationClient, JsValue> {
        no_extra_argument(extra)?;
        let mut options = ClientOptions::from_js(&options)?;
        let access_token = RefCell::new(options.access_token.take());
        Ok(AuthenticationClient { inner: Rc::new(Inner { options, access_token, ledger: RefCell::default() }) })
    }

    /// Sets the access token used by calls started from now on (a call in flight keeps
    /// the token it started with). Throws `INVALID_ARGUMENT` for an empty or malformed token.
    #[wasm_bindgen(js_name = setAccessToken)]
    pub fn set_access_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "never")] extra: NoMoreArguments,
    ) -> core::result::Result<(), JsValue> {
        no_extra_argument(extra)?;
        let token = token.as_string().ok_or_else(|| GenAuthError::invalid("token", "must be a string"))?;
        validate::token("token", &token)?;
        *self.inner.access_token.borrow_mut() = Some(token);
        Ok(())
    }

    /// Sends an SMS code. Refused with `SMS_COOLDOWN` (and `retryAfterMs`) within 60 s of a
    /// successful send to the same channel and number; no access token is needed.
    #[wasm_bindgen(js_name = sendSms, unchecked_return_type = "Promise<SendSMSRespDto>")]
    pub fn send_sms(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SendSMSDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: Option<CallOptionsArg>,
        #[wasm_bindgen(unchecked_optional_param_type = "never")] extra: NoMoreArguments,
    ) -> Promise {
        let (inner, now) = (&*self.inner, Date::now());
        let prepared = (|| {
            let dto = SendSmsDto::from_js(&dto)?;
            let key = sms_key(&dto.channel, &dto.phone_number, dto.phone_country_code.as_deref());
            let wait = inner.ledger.borrow().sms_cooldown_remaining(key, now);
            if wait > 0.0 {
                let mut e = GenAuthError::new(ErrorCode::SmsCooldown, "an SMS was sent to this number on this channel less than 60 s ago; see retryAfterMs");
                e.retry_after_ms = Some(wait);
                return Err(e);
            }
            // The token is not required here, but goes along when set, as the official SDKs do.
            let token = inner.access_token.borrow().clone();
            Ok(("send-sms", body(&dto)?, token, OnSuccess::SmsSent(key)))
        })();
        self.start(opts, extra, prepared)
    }

    /// Exchanges the SMS code(s) for a one-time `updatePhoneToken`. Needs an access token.
    #[wasm_bindgen(js_name = verifyUpdatePhoneRequest, unchecked_return_type = "Promise<VerifyUpdatePhoneRequestRespDto>")]
    pub fn verify_update_phone_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "VerifyUpdatePhoneRequestDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: Option<CallOptionsArg>,
        #[wasm_bindgen(unchecked_optional_param_type = "never")] extra: NoMoreArguments,
    ) -> Promise {
        let inner = &*self.inner;
        let prepared = (|| {
            let dto = VerifyUpdatePhoneRequestDto::from_js(&dto)?;
            Ok(("verify-update-phone-request", body(&dto)?, Some(inner.token()?), OnSuccess::TokenIssued))
        })();
        self.start(opts, extra, prepared)
    }

    /// Changes the phone number with a token from `verifyUpdatePhoneRequest`. Refused with
    /// `TOKEN_EXPIRED` / `TOKEN_CONSUMED` when this client knows the token is dead.
    #[wasm_bindgen(js_name = updatePhone, unchecked_return_type = "Promise<UpdatePhoneRespDto>")]
    pub fn update_phone(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpdatePhoneDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: Option<CallOptionsArg>,
        #[wasm_bindgen(unchecked_optional_param_type = "never")] extra: NoMoreArguments,
    ) -> Promise {
        let (inner, now) = (&*self.inner, Date::now());
        let prepared = (|| {
            let dto = UpdatePhoneDto::from_js(&dto)?;
            let access_token = inner.token()?;
            match inner.ledger.borrow().token_state(&dto.update_phone_token, now) {
                TokenState::Expired => return Err(GenAuthError::new(ErrorCode::TokenExpired, "updatePhoneToken has expired: call verifyUpdatePhoneRequest again")),
                TokenState::Consumed => return Err(GenAuthError::new(ErrorCode::TokenConsumed, "updatePhoneToken was already used: call verifyUpdatePhoneRequest again")),
                TokenState::Live | TokenState::Unknown => {}
            }
            let json = body(&dto)?;
            Ok(("update-phone", json, Some(access_token), OnSuccess::TokenConsumed(dto.update_phone_token)))
        })();
        self.start(opts, extra, prepared)
    }

    /// Removes the phone number, proven by a code sent on `CHANNEL_UNBIND_PHONE`.
    #[wasm_bindgen(js_name = unbindPhone, unchecked_return_type = "Promise<CommonResponseDto>")]
    pub fn unbind_phone(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UnbindPhoneDto")] dto: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions | null")] opts: Option<CallOptionsArg>,
        #[wasm_bindgen(unchecked_optional_param_type = "never")] extra: NoMoreArguments,
    ) -> Promise {
        let inner = &*self.inner;
        let prepared = (|| {
            let dto = UnbindPhoneDto::from_js(&dto)?;
            Ok(("unbind-phone", body(&dto)?, Some(inner.token()?), OnSuccess::Nothing))
        })();
        self.start(opts, extra, prepared)
    }

    /// Milliseconds until `sendSms` may send to this channel and number again; 0 when it may now.
    #[wasm_bindgen(js_name = smsCooldownRemaining)]
    pub fn sms_cooldown_remaining(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SmsChannel")] channel: JsValue,
        #[wasm_bindgen(js_name = phoneNumber, unchecked_param_type = "string")] phone_number: JsValue,
        #[wasm_bindgen(js_name = phoneCountryCode, unchecked_optional_param_type = "string | null")] phone_country_code: Option<OptionalString>,
        #[wasm_bindgen(unchecked_optional_param_type = "never")] extra: NoMoreArguments,
    ) -> core::result::Result<f64, JsValue> {
        no_extra_argument(extra)?;
        let string = |field: &str, v: &JsValue| v.as_string().ok_or_else(|| GenAuthError::invalid(field, "must be a string"));
        let channel = string("channel", &channel)?;
        validate::channel("channel", &channel)?;
        let phone = string("phoneNumber", &phone_number)?;
        validate::phone_number("phoneNumber", &phone)?;
        // The glue passes `undefined` and `null` as `None`.
        let phone_country_code = match phone_country_code {
            Some(c) => {
                let c = string("phoneCountryCode", &c)?;
                validate::country_code("phoneCountryCode", &c)?;
                Some(c)
            }
            None => None,
        };
        let key = sms_key(&channel, &phone, phone_country_code.as_deref());
        Ok(self.inner.ledger.borrow().sms_cooldown_remaining(key, Date::now()))
    }
}

#[wasm_bindgen]
extern "C" {
    /// `CallOptions` in the `.d.ts`; checked by [`CallOptions::from_js`], not by the glue.
    #[wasm_bindgen(typescript_type = "CallOptions")]
    pub type CallOptionsArg;
    /// An optional string parameter, checked in the method body.
    #[wasm_bindgen(typescript_type = "string")]
    pub type OptionalString;
}

/// The parameter after a method's last one: JS would drop an extra argument silently,
/// so a value there (not `undefined`/`null`) is refused as a misuse; `never` in TS.
/// A bare `JsValue` (an `Option` would add a null test and a table slot to the glue).
pub type NoMoreArguments = JsValue;

/// `INVALID_ARGUMENT` (field `arguments`) when a call passed more arguments than it takes.
#[inline(never)] // one copy for the seven entry points
fn no_extra_argument(extra: NoMoreArguments) -> Result<()> {
    if extra.is_undefined() || extra.is_null() {
        Ok(())
    } else {
        Err(GenAuthError::invalid("arguments", "more were passed than the method takes"))
    }
}

/// What a method's synchronous part produces: endpoint, body, token, success action.
type Prepared = (&'static str, String, Option<String>, OnSuccess);

impl AuthenticationClient {
    /// Sends what a method prepared, or rejects before any traffic when that failed.
    /// Not generic, so the four methods share one copy of it (SIZE.md).
    fn start(&self, opts: Option<CallOptionsArg>, extra: NoMoreArguments, prepared: Result<Prepared>) -> Promise {
        let inner = &self.inner;
        let call = no_extra_argument(extra).and(prepared).and_then(|p| CallOptions::from_js(opts.map(JsValue::from), inner.options.timeout_ms).map(|o| (p, o)));
        match call {
            Ok(((path, body, token, on_success), call_opts)) => {
                let request = inner.request(path, body, token.as_deref(), call_opts);
                future_to_promise(run(Rc::clone(inner), request, on_success))
            }
            Err(e) => Promise::reject(&e.into()),
        }
    }
}

impl Inner {
    /// The access token as it is now, or `NOT_AUTHENTICATED`.
    fn token(&self) -> Result<String> {
        self.access_token.borrow().clone().ok_or_else(|| {
            GenAuthError::new(ErrorCode::NotAuthenticated, "no access token: sign the user in, then call setAccessToken")
        })
    }

    fn request(&self, path: &str, body: String, token: Option<&str>, opts: CallOptions) -> http::Request {
        let o = &self.options;
        let mut url = String::with_capacity(o.base_url.len() + 8 + path.len());
        url.push_str(&o.base_url);
        url.push_str("/api/v3/");
        url.push_str(path);
        let headers = Object::new();
        let set = |k: &str, v: &str| {
            let _ = Reflect::set(&headers, &JsValue::from_str(k), &JsValue::from_str(v));
        };
        set("content-type", "application/json");
        set("x-authing-app-id", &o.app_id);
        set("x-authing-request-from", "sdk");
        set("x-authing-sdk-version", SDK_VERSION);
        if let Some(lang) = &o.lang {
            set("x-authing-lang", lang);
        }
        if let Some(t) = token {
            // Raw, as the seeds' SDK sends it; the server also takes "Bearer <token>".
            set("authorization", t);
        }
        http::Request { url, headers, body, timeout_ms: opts.timeout_ms, signal: opts.signal }
    }
}

/// The compact JSON body of a DTO (serde -> JS object -> JSON.stringify).
fn body<T: Serialize>(dto: &T) -> Result<String> {
    serde_wasm_bindgen::to_value(dto)
        .ok()
        .and_then(|v| JSON::stringify(&v).ok())
        .and_then(|s| s.as_string())
        .ok_or_else(|| GenAuthError::new(ErrorCode::InvalidArgument, "the request body could not be encoded"))
}

/// The per-call options: `{ signal?, timeout? }`.
struct CallOptions {
    timeout_ms: f64,
    signal: Option<AbortSignal>,
}

impl CallOptions {
    fn from_js(value: Option<JsValue>, default_timeout_ms: f64) -> Result<CallOptions> {
        let value = match value {
            Some(v) if !v.is_undefined() && !v.is_null() => v,
            _ => return Ok(CallOptions { timeout_ms: default_timeout_ms, signal: None }),
        };
        let o = JsObject::open(&value, "opts", "opts", &["signal", "timeout"])?;
        let timeout_ms = match o.opt_f64("timeout")? {
            Some(t) => validate::timeout_ms(&o.field("timeout"), t).map(|_| t)?,
            None => default_timeout_ms,
        };
        let signal = match o.get("signal")? {
            Some(s) => Some(s.dyn_into::<AbortSignal>().map_err(|_| GenAuthError::invalid(&o.field("signal"), "must be an AbortSignal"))?),
            None => None,
        };
        Ok(CallOptions { timeout_ms, signal })
    }
}

/// The shared async part: send, check the envelope, remember what succeeded.
async fn run(inner: Rc<Inner>, request: http::Request, on_success: OnSuccess) -> core::result::Result<JsValue, JsValue> {
    let envelope = http::post(request).await?;
    let status = own(&envelope, "statusCode").and_then(|s| s.as_f64()).unwrap_or(0.0);
    if status != 200.0 {
        if inner.options.throw_on_error {
            let message = own(&envelope, "message").and_then(|m| m.as_string()).unwrap_or_default();
            let mut e = GenAuthError::new(ErrorCode::Api, if message.is_empty() { "the API refused the request" } else { &message });
            e.status_code = Some(status);
            fill_envelope_fields(&mut e, &envelope);
            return Err(e.into());
        }
        return Ok(envelope);
    }
    let now = Date::now();
    match on_success {
        OnSuccess::Nothing => {}
        OnSuccess::SmsSent(key) => inner.ledger.borrow_mut().sms_sent(key, now),
        OnSuccess::TokenConsumed(token) => inner.ledger.borrow_mut().token_consumed(&token),
        OnSuccess::TokenIssued => {
            let data = own(&envelope, "data").unwrap_or(JsValue::UNDEFINED);
            let token = own(&data, "updatePhoneToken").and_then(|t| t.as_string());
            let expires_in = own(&data, "tokenExpiresIn").and_then(|t| t.as_f64()).filter(|s| s.is_finite() && *s >= 0.0);
            match (token, expires_in) {
                (Some(t), Some(s)) => inner.ledger.borrow_mut().token_issued(&t, s, now),
                _ => {
                    return Err(GenAuthError::new(ErrorCode::BadResponse, "a successful verifyUpdatePhoneRequest answer lacks data.updatePhoneToken or data.tokenExpiresIn").into())
                }
            }
        }
    }
    Ok(envelope)
}
