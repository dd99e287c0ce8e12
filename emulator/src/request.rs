//! The way into the API: every non-dev request is read (64 KiB cap), logged,
//! given the next queued fault, then answered by api.rs in an envelope. Also the
//! shared request checks: body syntax, access token, typed fields, formats.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::api::dispatch;
use crate::body::{arrived, read_limited, BodyError, MAX_BODY};
use crate::connections::{Watch, WatchedBody};
use crate::envelope::{failure, success, ApiError, Lang};
use crate::fault::Fault;
use crate::json::{self, JsonError};
use crate::state::{LoggedRequest, Phone, Shared, DEFAULT_COUNTRY_CODE};

/// Entry point for every non-dev request: log it, apply a queued fault, answer.
pub async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = read_limited(body, MAX_BODY).await;
    let logged = LoggedRequest {
        method: parts.method.to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or(parts.uri.path(), |p| p.as_str())
            .to_string(),
        headers: parts
            .headers
            .keys()
            .map(|name| {
                let values: Vec<String> = parts
                    .headers
                    .get_all(name)
                    .iter()
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .collect();
                (name.as_str().to_string(), values.join(", "))
            })
            .collect(),
        body: String::from_utf8_lossy(arrived(&body)).into_owned(),
    };
    // Logging, taking the fault and starting its watch under one lock keeps all
    // three in arrival order.
    let (fault, watch) = {
        let mut st = shared.lock();
        let path = logged.path.clone();
        st.requests.push(logged);
        let fault = st.faults.pop_front();
        let kind = fault.as_ref().and_then(Fault::watched_as);
        let watch = kind.map(|k| Watch::start(&shared, &mut st, path, k));
        (fault, watch)
    };
    // From here on, a client closing the connection drops this future (and the
    // watch with it) until the answer is produced; then the watch rides in the body.
    let res = answer(&shared, &parts, body, fault).await;
    match watch {
        Some(w) => res.map(|b| Body::new(WatchedBody::new(b, w))),
        None => res,
    }
}

async fn answer(
    shared: &Shared,
    parts: &Parts,
    body: Result<Bytes, BodyError>,
    fault: Option<Fault>,
) -> Response {
    if let Some(fault) = fault {
        if let Some(ms) = fault.delay_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if fault.replaces_response() {
            return fault.into_response();
        }
    }
    let lang = Lang::from_headers(&parts.headers);
    match dispatch(shared, parts, body) {
        Ok(data) => success(data, lang),
        Err(e) => failure(&e, lang),
    }
}

pub fn parse_object(
    headers: &HeaderMap,
    body: Result<Bytes, BodyError>,
) -> Result<Map<String, Value>, ApiError> {
    let bytes = match body {
        Ok(b) => b,
        Err(BodyError::TooLarge(_)) => return Err(ApiError::BodyTooLarge),
        Err(BodyError::Aborted(_)) => return Err(ApiError::MalformedJson),
    };
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some("application/json") {
        return Err(ApiError::UnsupportedContentType);
    }
    match json::parse(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::NotAnObject),
        Err(JsonError::DuplicateKey) => Err(ApiError::DuplicateKey),
        Err(JsonError::Syntax) => Err(ApiError::MalformedJson),
    }
}

/// Accepts the raw token (Node SDK) or `Bearer <token>` (Java, browser SDK).
pub fn authenticate(headers: &HeaderMap, st: &crate::state::State) -> Result<String, ApiError> {
    let raw = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    let token = match raw.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => {
            raw.get(7..).unwrap_or_default().trim()
        }
        _ => raw,
    };
    if token.is_empty() {
        return Err(ApiError::NotLoggedIn);
    }
    st.user_id_for_token(token).ok_or(ApiError::NotLoggedIn)
}

/// Typed view of the body: unknown keys, wrong types and missing fields are 400s.
pub fn typed<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(fields))
        .map_err(|e| ApiError::InvalidArgument(e.to_string()))
}

pub fn non_empty(name: &str, v: &str) -> Result<(), ApiError> {
    if v.trim().is_empty() {
        return Err(ApiError::InvalidArgument(format!(
            "{name} must not be empty"
        )));
    }
    Ok(())
}

/// Builds a phone from a number and an optional country code (absent means +86).
pub fn phone(
    number_field: &str,
    number: &str,
    cc_field: &str,
    cc: Option<&str>,
) -> Result<Phone, ApiError> {
    if !(4..=20).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::InvalidArgument(format!(
            "{number_field} must be 4-20 digits without the country code"
        )));
    }
    let cc = cc.unwrap_or(DEFAULT_COUNTRY_CODE);
    let digits = cc.strip_prefix('+').unwrap_or("");
    if !(1..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::InvalidArgument(format!(
            "{cc_field} must look like +86"
        )));
    }
    Ok(Phone {
        country_code: cc.to_string(),
        number: number.to_string(),
    })
}
