//! The V3 response envelope `{statusCode, message, apiCode?, requestId?, data?}`
//! and every failure the API can answer, with its status class, apiCode and
//! message in both languages. The apiCode table itself is documented in api.rs.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::ids::request_id;

/// Message language, chosen by `x-authing-lang`; English unless `zh-CN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        match headers.get("x-authing-lang").and_then(|v| v.to_str().ok()) {
            Some(v) if v.trim().eq_ignore_ascii_case("zh-CN") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// Which of the two numbers a verification code belonged to (only changes the wording).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    New,
    Old,
    Current,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ApiError {
    UnsupportedContentType,
    MalformedJson,
    NotAnObject,
    DuplicateKey,
    BodyTooLarge,
    InvalidArgument(String),
    MissingAppId,
    AppNotFound,
    NotLoggedIn,
    SmsThrottled(u64),
    WrongCode(Which),
    CodeExpired(Which),
    PhoneTaken,
    OldPhoneMismatch,
    SamePhone,
    LastLoginMethod,
    TokenInvalid,
    TokenExpired,
    TokenUsed,
    NoPhoneBound,
    RouteNotFound(String, String),
}

impl ApiError {
    /// The envelope's `statusCode` (the status class of docs/CONTRACT.md).
    pub fn status_code(&self) -> u16 {
        use ApiError::*;
        match self {
            UnsupportedContentType
            | MalformedJson
            | NotAnObject
            | DuplicateKey
            | BodyTooLarge
            | InvalidArgument(_)
            | MissingAppId
            | WrongCode(_)
            | CodeExpired(_)
            | OldPhoneMismatch
            | TokenInvalid
            | TokenExpired
            | TokenUsed
            | NoPhoneBound => 400,
            NotLoggedIn => 401,
            AppNotFound | RouteNotFound(..) => 404,
            PhoneTaken => 409,
            SamePhone | LastLoginMethod => 422,
            SmsThrottled(_) => 429,
        }
    }

    pub fn api_code(&self) -> u32 {
        use ApiError::*;
        match self {
            UnsupportedContentType | MalformedJson | NotAnObject | DuplicateKey => 9001,
            BodyTooLarge => 9002,
            InvalidArgument(_) => 9003,
            MissingAppId => 9004,
            AppNotFound => 9005,
            SmsThrottled(_) => 9006,
            TokenInvalid => 9007,
            TokenExpired => 9008,
            TokenUsed => 9009,
            NoPhoneBound => 9010,
            RouteNotFound(..) => 9404,
            // From the older documented list (docs/CONTRACT.md), unconfirmed for V3.
            WrongCode(_) => 2001,
            CodeExpired(_) => 2300,
            PhoneTaken => 2035,
            OldPhoneMismatch => 2038,
            SamePhone => 2230,
            LastLoginMethod => 2217,
            NotLoggedIn => 2020,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        use ApiError::*;
        let zh = lang == Lang::Zh;
        let pick = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
        let which = |w: &Which| match (w, zh) {
            (Which::New, false) => " for the new phone number",
            (Which::Old, false) => " for the old phone number",
            (Which::Current, false) => "",
            (Which::New, true) => "（新手机号）",
            (Which::Old, true) => "（旧手机号）",
            (Which::Current, true) => "",
        };
        match self {
            UnsupportedContentType => {
                pick("Invalid request: content-type must be application/json", "请求无效：content-type 必须为 application/json")
            }
            MalformedJson => pick("Invalid request: the body is not valid JSON", "请求无效：请求体不是合法的 JSON"),
            NotAnObject => pick("Invalid request: the body must be a JSON object", "请求无效：请求体必须是 JSON 对象"),
            DuplicateKey => pick("Invalid request: the body repeats a key in an object", "请求无效：请求体的对象中有重复的键"),
            BodyTooLarge => pick("Invalid request: the body is larger than 64 KiB", "请求无效：请求体超过 64 KiB"),
            InvalidArgument(detail) if zh => format!("参数错误：{detail}"),
            InvalidArgument(detail) => format!("Invalid argument: {detail}"),
            MissingAppId => pick("Missing x-authing-app-id header", "缺少 x-authing-app-id 请求头"),
            AppNotFound => pick("App not found", "应用不存在"),
            NotLoggedIn => pick("Not logged in: missing or invalid access token", "尚未登录，无权限访问此接口"),
            SmsThrottled(secs) if zh => format!("短信发送过于频繁，请 {secs} 秒后再试"),
            SmsThrottled(secs) => {
                format!("SMS sent too frequently to this number, please wait {secs} seconds and try again")
            }
            WrongCode(w) if zh => format!("验证码不正确{}", which(w)),
            WrongCode(w) => format!("Wrong verification code{}", which(w)),
            CodeExpired(w) if zh => format!("验证码已过期{}", which(w)),
            CodeExpired(w) => format!("Verification code has expired{}", which(w)),
            PhoneTaken => pick("This phone number is already bound to another account", "该手机号已被其他账号绑定"),
            OldPhoneMismatch => pick("The old phone number does not match the current phone number", "旧手机号与当前绑定的手机号不一致"),
            SamePhone => pick("The new phone number is the same as the current one", "新手机号与当前手机号相同"),
            LastLoginMethod => pick("Cannot unbind the phone number: it is the only login method left", "手机号是唯一的登录方式，无法解绑"),
            TokenInvalid => pick("Invalid updatePhoneToken", "updatePhoneToken 无效"),
            TokenExpired => pick("updatePhoneToken has expired", "updatePhoneToken 已过期"),
            TokenUsed => pick("updatePhoneToken has already been used", "updatePhoneToken 已被使用"),
            NoPhoneBound => pick("No phone number is bound to this account", "当前账号未绑定手机号"),
            RouteNotFound(method, path) => format!("Cannot {method} {path}"),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    status_code: u16,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_code: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Value>,
}

/// What an envelope answered, for the access log: HTTP 200 alone would hide a
/// refusal. Never a message or data, which may hold what the client sent.
#[derive(Clone, Copy, Debug)]
pub struct EnvelopeNote {
    pub status_code: u16,
    pub api_code: Option<u32>,
}

/// The message of every successful answer.
pub fn success_message(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        "操作成功"
    } else {
        "Operation successful"
    }
}

/// `statusCode: 200`; `data` only for endpoints that document one.
pub fn success(data: Option<Value>, lang: Lang) -> Response {
    let message = success_message(lang);
    let mut res =
        json_response(StatusCode::OK, &Envelope { status_code: 200, message: message.into(), api_code: None, request_id: None, data });
    res.extensions_mut().insert(EnvelopeNote { status_code: 200, api_code: None });
    res
}

/// Failures answer HTTP 200 (the V3 convention); only an unknown route is a real 404.
pub fn failure(err: &ApiError, lang: Lang) -> Response {
    let http = match err {
        ApiError::RouteNotFound(..) => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    let note = EnvelopeNote { status_code: err.status_code(), api_code: Some(err.api_code()) };
    let mut res = json_response(
        http,
        &Envelope {
            status_code: note.status_code,
            message: err.message(lang),
            api_code: note.api_code,
            request_id: Some(request_id()),
            data: None,
        },
    );
    res.extensions_mut().insert(note);
    res
}

/// Serializes any value as a JSON response (serializing our own types cannot fail,
/// but a fallback keeps it panic-free anyway).
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    let mut res = (status, body).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    res
}
