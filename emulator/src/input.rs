//! The shared input checks of the API (and of the dev endpoint that creates
//! users): body syntax, access token, typed fields, formats.

use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::body::BodyError;
use crate::envelope::ApiError;
use crate::json::{self, JsonError};
use crate::pool::{Phone, Pool, DEFAULT_COUNTRY_CODE};

pub fn parse_object(headers: &HeaderMap, body: Result<Bytes, BodyError>) -> Result<Map<String, Value>, ApiError> {
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
pub fn authenticate(headers: &HeaderMap, pool: &Pool) -> Result<String, ApiError> {
    let raw = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::trim).unwrap_or("");
    let token = match raw.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => raw.get(7..).unwrap_or_default().trim(),
        _ => raw,
    };
    if token.is_empty() {
        return Err(ApiError::NotLoggedIn);
    }
    pool.user_id_for_token(token).ok_or(ApiError::NotLoggedIn)
}

/// Typed view of the body: unknown keys, wrong types and missing fields are 400s.
pub fn typed<T: DeserializeOwned>(fields: Map<String, Value>) -> Result<T, ApiError> {
    serde_json::from_value(Value::Object(fields)).map_err(|e| ApiError::InvalidArgument(e.to_string()))
}

pub fn non_empty(name: &str, v: &str) -> Result<(), ApiError> {
    if v.trim().is_empty() {
        return Err(ApiError::InvalidArgument(format!("{name} must not be empty")));
    }
    Ok(())
}

/// Builds a phone from a number and an optional country code (absent means +86).
pub fn phone(number_field: &str, number: &str, cc_field: &str, cc: Option<&str>) -> Result<Phone, ApiError> {
    if !(4..=20).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::InvalidArgument(format!("{number_field} must be 4-20 digits without the country code")));
    }
    let cc = cc.unwrap_or(DEFAULT_COUNTRY_CODE);
    let digits = cc.strip_prefix('+').unwrap_or("");
    if !(1..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::InvalidArgument(format!("{cc_field} must look like +86")));
    }
    Ok(Phone { country_code: cc.to_string(), number: number.to_string() })
}
