//! The four GenAuth V3 phone endpoints, and get-profile (profile.rs) to read
//! the result back (request.rs reads, logs and faults a request first, then
//! calls `dispatch`).
//!
//! Every answer is HTTP 200 with the envelope (envelope.rs); only an unknown
//! route answers HTTP 404. Checks run in this order, each failure answering at
//! once: route → `x-authing-app-id` → body (size, content-type, JSON, object)
//! → `authorization` (not for send-sms) → fields (unknown keys, types,
//! required, formats) → the endpoint's own rules. For the one GET,
//! `get-profile`: route → `x-authing-app-id` → `authorization` → query; no body
//! is read (one that arrives anyway is logged, then ignored).
//!
//! # apiCode table
//!
//! | apiCode | statusCode | meaning | origin |
//! |---|---|---|---|
//! | 2001 | 400 | wrong verification code (none sent, consumed, or different) | docs/CONTRACT.md's older list, unconfirmed for V3 |
//! | 2300 | 400 | verification code expired (`smsCodeLifetimeSecs`) | docs/CONTRACT.md's older list, unconfirmed for V3 |
//! | 2035 | 409 | new phone number already bound to another user | docs/CONTRACT.md's older list, unconfirmed for V3 |
//! | 2038 | 400 | old phone number is not the user's current one | docs/CONTRACT.md's older list, unconfirmed for V3 |
//! | 2230 | 422 | new phone number equals the current one | docs/CONTRACT.md's older list, unconfirmed for V3 |
//! | 2217 | 422 | cannot unbind: the phone is the only login method (no email) | docs/CONTRACT.md's older list, unconfirmed for V3 |
//! | 2020 | 401 | not logged in: `authorization` missing or unknown | docs/CONTRACT.md's older list, unconfirmed for V3 |
//! | 9001 | 400 | body is not JSON (or nested deeper than 128), not an object, repeats a key in an object, or content-type is not application/json | emulator's own |
//! | 9002 | 400 | body larger than 64 KiB | emulator's own |
//! | 9003 | 400 | invalid argument: unknown key, wrong type, missing/empty field, bad channel, bad verifyMethod, bad phone format, old phone fields missing while `verifyOldPhone`; get-profile's query: an unknown or repeated parameter, a flag other than `true`/`false` | emulator's own |
//! | 9004 | 400 | `x-authing-app-id` header missing | emulator's own |
//! | 9005 | 404 | `x-authing-app-id` is not this emulator's app ("App not found") | emulator's own |
//! | 9006 | 429 | SMS cooldown for this (channel, country code, number) | emulator's own |
//! | 9007 | 400 | updatePhoneToken unknown or issued to another user | emulator's own |
//! | 9008 | 400 | updatePhoneToken expired (`updatePhoneTokenLifetimeSecs`) | emulator's own |
//! | 9009 | 400 | updatePhoneToken already used | emulator's own |
//! | 9010 | 400 | unbind-phone: the user has no phone bound | emulator's own |
//! | 9404 | 404 | no such route or method (HTTP 404 too) | emulator's own |
//!
//! # Where the emulator guesses
//! - The check order above (the real server's order is not documented).
//! - Optional fields sent as `null` count as absent (class-validator's `@IsOptional`).
//! - A body whose object repeats a key is refused (9001), where `JSON.parse` would
//!   keep the last value.
//! - Formats: phone numbers are 4–20 ASCII digits, country codes `+` and 1–4 digits,
//!   required strings must be non-empty.
//! - With `verifyOldPhone`, the old number is compared before any code is checked, and
//!   the old country code defaults to +86 like the new one.
//! - A failed attempt consumes nothing; codes are consumed only on success. A wrong
//!   code never locks the number.
//! - unbind-phone checks the code before refusing with 2217, and the code is kept then.
//! - update-phone answers no `data`; a 2035 there keeps the token usable.
//! - send-sms ignores a missing or unknown `authorization` (it needs no token); a
//!   known token only names the sender in the emulator's SMS list.
//! - Success never carries a `requestId`; zh-CN success message is "操作成功".
//! - get-profile checks the token before the query, and is strict where the real
//!   server's validation may coerce or ignore: a flag is exactly `true` or `false`
//!   (not `1`, `True` or empty), an unknown or repeated parameter is refused (9003).
//!   The query is percent-decoded, `+` staying a plus.
//! - get-profile's UserDto carries only `userId`, `username` (always null: the
//!   emulator's users have none), `email`, `phone` (without the country code),
//!   `phoneCountryCode`, `phoneVerified` (true exactly when a phone is bound: every
//!   number the emulator holds was proven by a code or set by a test), `status`
//!   (always "Activated"), `createdAt` and `updatedAt` (ISO 8601 UTC with
//!   milliseconds; `updatedAt` moves when the phone is changed or removed). Without
//!   an email or a phone those fields are `null`, not absent (unconfirmed), and
//!   `phoneCountryCode` is `null` with the phone. The flags add `customData: {}`,
//!   `identities: []` and `departmentIds: []`, always empty; absent otherwise. The
//!   real UserDto has many more fields (`workStatus`, `name`, `nickname`, `photo`,
//!   `emailVerified`, `loginsCount`, ...) that the emulator leaves out.

use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::body::BodyError;
use crate::envelope::{ApiError, Which};
use crate::input::{authenticate, non_empty, parse_object, phone, typed};
use crate::pool::{CodeError, Pool, CHANNELS, CHANNEL_BIND_PHONE, CHANNEL_UNBIND_PHONE};
use crate::profile::get_profile;
use crate::state::Shared;

pub type Outcome = Result<Option<Value>, ApiError>;

/// The one GET, and the four POSTs with a JSON body.
enum Route {
    GetProfile,
    Post(Endpoint),
}

#[derive(Clone, Copy)]
enum Endpoint {
    SendSms,
    VerifyUpdatePhone,
    UpdatePhone,
    UnbindPhone,
}

pub fn dispatch(shared: &Shared, parts: &Parts, body: Result<Bytes, BodyError>) -> Outcome {
    let route = match (&parts.method, parts.uri.path()) {
        (&Method::GET, "/api/v3/get-profile") => Route::GetProfile,
        (&Method::POST, "/api/v3/send-sms") => Route::Post(Endpoint::SendSms),
        (&Method::POST, "/api/v3/verify-update-phone-request") => Route::Post(Endpoint::VerifyUpdatePhone),
        (&Method::POST, "/api/v3/update-phone") => Route::Post(Endpoint::UpdatePhone),
        (&Method::POST, "/api/v3/unbind-phone") => Route::Post(Endpoint::UnbindPhone),
        (m, p) => return Err(ApiError::RouteNotFound(m.to_string(), p.to_string())),
    };
    match parts.headers.get("x-authing-app-id").map(|v| v.as_bytes()) {
        None => return Err(ApiError::MissingAppId),
        Some(v) if v != shared.config.app_id.as_bytes() => return Err(ApiError::AppNotFound),
        Some(_) => {}
    }
    let headers = &parts.headers;
    let endpoint = match route {
        // A GET has no body to read: whatever arrived (logged by request.rs) is ignored.
        Route::GetProfile => {
            let st = shared.pool();
            let user_id = authenticate(headers, &st)?;
            return get_profile(&st, &user_id, parts.uri.query()).map(Some);
        }
        Route::Post(endpoint) => endpoint,
    };
    let fields = parse_object(headers, body)?;
    let mut st = shared.pool();
    let signed_in_handler = match endpoint {
        // The one endpoint that needs no token; a known one names the sender in the SMS list.
        Endpoint::SendSms => {
            let sender = authenticate(headers, &st).ok();
            return send_sms(&mut st, sender, fields);
        }
        Endpoint::VerifyUpdatePhone => verify_update_phone,
        Endpoint::UpdatePhone => update_phone,
        Endpoint::UnbindPhone => unbind_phone,
    };
    let user_id = authenticate(headers, &st)?;
    signed_in_handler(&mut st, &user_id, fields)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SendSmsBody {
    channel: String,
    phone_number: String,
    phone_country_code: Option<String>,
}

fn send_sms(st: &mut Pool, sender: Option<String>, fields: Map<String, Value>) -> Outcome {
    let b: SendSmsBody = typed(fields)?;
    let Some(&channel) = CHANNELS.iter().find(|c| **c == b.channel) else {
        return Err(ApiError::InvalidArgument(format!("channel must be one of {}", CHANNELS.join(", "))));
    };
    let p = phone("phoneNumber", &b.phone_number, "phoneCountryCode", b.phone_country_code.as_deref())?;
    st.send_code(channel, &p, sender).map_err(ApiError::SmsThrottled)?;
    Ok(None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct VerifyBody {
    verify_method: String,
    phone_pass_code_payload: PassCodePayload,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PassCodePayload {
    new_phone_number: String,
    new_phone_pass_code: String,
    new_phone_country_code: Option<String>,
    old_phone_number: Option<String>,
    old_phone_pass_code: Option<String>,
    old_phone_country_code: Option<String>,
}

fn verify_update_phone(st: &mut Pool, user_id: &str, fields: Map<String, Value>) -> Outcome {
    let b: VerifyBody = typed(fields)?;
    if b.verify_method != "PHONE_PASSCODE" {
        return Err(ApiError::InvalidArgument("verifyMethod must be PHONE_PASSCODE".into()));
    }
    let p = b.phone_pass_code_payload;
    let new = phone("newPhoneNumber", &p.new_phone_number, "newPhoneCountryCode", p.new_phone_country_code.as_deref())?;
    non_empty("newPhonePassCode", &p.new_phone_pass_code)?;
    let old = match (&p.old_phone_number, &p.old_phone_pass_code) {
        (Some(number), Some(code)) => {
            non_empty("oldPhonePassCode", code)?;
            Some((phone("oldPhoneNumber", number, "oldPhoneCountryCode", p.old_phone_country_code.as_deref())?, code))
        }
        _ => None,
    };
    let verify_old = st.settings.verify_old_phone;
    if verify_old && old.is_none() {
        return Err(ApiError::InvalidArgument(
            "oldPhoneNumber and oldPhonePassCode are required: this user pool verifies the old phone".into(),
        ));
    }

    let current = st.user(user_id).and_then(|u| u.phone.clone());
    if current.as_ref() == Some(&new) {
        return Err(ApiError::SamePhone);
    }
    if st.owner_of(&new).is_some_and(|u| u.id != user_id) {
        return Err(ApiError::PhoneTaken);
    }
    let old = if verify_old { old } else { None };
    if let Some((old_phone, _)) = &old {
        if current.as_ref() != Some(old_phone) {
            return Err(ApiError::OldPhoneMismatch);
        }
    }
    st.check_code(CHANNEL_BIND_PHONE, &new, &p.new_phone_pass_code).map_err(|e| code_error(e, Which::New))?;
    if let Some((old_phone, code)) = &old {
        st.check_code(CHANNEL_UNBIND_PHONE, old_phone, code).map_err(|e| code_error(e, Which::Old))?;
    }

    // Computed before the codes are consumed, so nothing is half done if it cannot be.
    let lifetime = st.settings.update_phone_token_lifetime_secs;
    let expires = Instant::now() + Duration::from_secs(lifetime);
    st.consume_code(CHANNEL_BIND_PHONE, &new);
    if let Some((old_phone, _)) = &old {
        st.consume_code(CHANNEL_UNBIND_PHONE, old_phone);
    }
    let token = st.issue_token(user_id, new, expires);
    Ok(Some(json!({ "updatePhoneToken": token, "tokenExpiresIn": lifetime })))
}

fn code_error(e: CodeError, which: Which) -> ApiError {
    match e {
        CodeError::Wrong => ApiError::WrongCode(which),
        CodeError::Expired => ApiError::CodeExpired(which),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct UpdatePhoneBody {
    update_phone_token: String,
}

fn update_phone(st: &mut Pool, user_id: &str, fields: Map<String, Value>) -> Outcome {
    let b: UpdatePhoneBody = typed(fields)?;
    non_empty("updatePhoneToken", &b.update_phone_token)?;
    let (new, used, expires) = match st.token(&b.update_phone_token) {
        Some(t) if t.user_id == user_id => (t.phone.clone(), t.used, t.expires),
        _ => return Err(ApiError::TokenInvalid),
    };
    if used {
        return Err(ApiError::TokenUsed);
    }
    if Instant::now() >= expires {
        return Err(ApiError::TokenExpired);
    }
    // The number may have been taken since the token was issued.
    if st.owner_of(&new).is_some_and(|u| u.id != user_id) {
        return Err(ApiError::PhoneTaken);
    }
    if let Some(t) = st.token_mut(&b.update_phone_token) {
        t.used = true;
    }
    if let Some(u) = st.user_mut(user_id) {
        u.set_phone(Some(new));
    }
    Ok(None)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct UnbindBody {
    pass_code: String,
}

fn unbind_phone(st: &mut Pool, user_id: &str, fields: Map<String, Value>) -> Outcome {
    let b: UnbindBody = typed(fields)?;
    non_empty("passCode", &b.pass_code)?;
    let (current, has_email) = match st.user(user_id) {
        Some(u) => (u.phone.clone(), u.email.is_some()),
        None => return Err(ApiError::NotLoggedIn),
    };
    let current = current.ok_or(ApiError::NoPhoneBound)?;
    st.check_code(CHANNEL_UNBIND_PHONE, &current, &b.pass_code).map_err(|e| code_error(e, Which::Current))?;
    if !has_email {
        return Err(ApiError::LastLoginMethod);
    }
    st.consume_code(CHANNEL_UNBIND_PHONE, &current);
    if let Some(u) = st.user_mut(user_id) {
        u.set_phone(None);
    }
    Ok(None)
}
