//! `GenAuthError`: every failure the client reports, as a plain Rust value that becomes a
//! real JS `Error` (`name === "GenAuthError"`) only at the boundary, so the logic stays
//! testable natively. Messages are short static text joined with the field path: no
//! `format!` (it would link in core::fmt), and no message ever echoes an input value, so
//! no token, code or number can leak through one.

use js_sys::{Error, Reflect};
use wasm_bindgen::JsValue;

/// The stable `code` of a `GenAuthError`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ErrorCode {
    /// Bad input, found before any network traffic; `field` names it.
    InvalidArgument,
    /// A call that needs an access token was made without one.
    NotAuthenticated,
    /// `sendSms` to a channel + number sent to less than 60 s ago.
    SmsCooldown,
    /// An `updatePhoneToken` this client knows to be past its lifetime.
    TokenExpired,
    /// An `updatePhoneToken` this client already used successfully.
    TokenConsumed,
    /// The request took longer than the timeout and was aborted.
    Timeout,
    /// The caller's `AbortSignal` aborted the request.
    Aborted,
    /// The request never got an HTTP answer (offline, DNS, CORS, dropped connection).
    Network,
    /// A non-2xx HTTP answer.
    HttpStatus,
    /// A 2xx answer that is not a JSON envelope.
    BadResponse,
    /// With `throwOnError`, an envelope whose `statusCode` is not 200.
    Api,
    /// A method called after `free()`.
    ClientFreed,
    /// A flow step that does not apply now, or while another runs.
    InvalidState,
    /// A flow needs the current number, and the account has none.
    NoPhoneNumber,
}

/// The strings JS sees in `error.code`, in the order of [`ErrorCode`].
const CODES: [&str; 14] = [
    "INVALID_ARGUMENT",
    "NOT_AUTHENTICATED",
    "SMS_COOLDOWN",
    "TOKEN_EXPIRED",
    "TOKEN_CONSUMED",
    "TIMEOUT",
    "ABORTED",
    "NETWORK",
    "HTTP_STATUS",
    "BAD_RESPONSE",
    "API",
    "CLIENT_FREED",
    "INVALID_STATE",
    "NO_PHONE_NUMBER",
];

impl ErrorCode {
    /// The string JS sees in `error.code`.
    pub fn as_str(self) -> &'static str {
        // The discriminant is below CODES.len() by construction: no bounds check survives.
        CODES[self as usize]
    }
}

/// A failure found by the client itself: a code, a fixed text, and where it applies. Small
/// on purpose (it travels in every `Result`); failures that carry what a server said
/// (`HTTP_STATUS`, `API`), and fixed-text ones that become JS at once, are built as JS values
/// directly by [`js_error`] (no struct to fill and convert at each such place).
#[derive(Debug, PartialEq)]
pub struct GenAuthError {
    pub code: ErrorCode,
    /// What is wrong, in words that never quote the caller's value.
    pub message: &'static str,
    /// The path of the argument it is about (`phonePassCodePayload.newPhoneNumber`).
    pub field: Option<String>,
    /// For `SMS_COOLDOWN`: how long to wait.
    pub retry_after_ms: Option<f64>,
}

/// Shorthand for results of this crate.
pub type Result<T> = core::result::Result<T, GenAuthError>;

impl GenAuthError {
    /// An error with a code and a message and nothing else.
    pub fn new(code: ErrorCode, message: &'static str) -> Self {
        GenAuthError { code, message, field: None, retry_after_ms: None }
    }

    /// `INVALID_ARGUMENT` for `field`; the message JS sees reads "`field`: `problem`".
    #[inline(never)]
    pub fn invalid(field: &str, problem: &'static str) -> Self {
        GenAuthError { code: ErrorCode::InvalidArgument, message: problem, field: Some(field.into()), retry_after_ms: None }
    }

    /// The message JS sees: the field path first, when there is one.
    pub fn text(&self) -> String {
        let mut text = String::new();
        if let Some(field) = &self.field {
            text.push_str(field);
            text.push_str(": ");
        }
        text.push_str(self.message);
        text
    }
}

impl From<GenAuthError> for JsValue {
    fn from(e: GenAuthError) -> JsValue {
        let error = js_error(e.code, &e.text());
        if let Some(field) = e.field {
            set(&error, "field", &field.into());
        }
        if let Some(ms) = e.retry_after_ms {
            set(&error, "retryAfterMs", &ms.into());
        }
        error.into()
    }
}

/// A JS `Error` named `GenAuthError` with its `code`: every error of this package starts here.
#[inline(never)]
pub fn js_error(code: ErrorCode, message: &str) -> Error {
    let error = Error::new(message);
    // Through Reflect.set like the rest: `set_name` would be one more import.
    set(&error, "name", &JsValue::from_str("GenAuthError"));
    set(&error, "code", &JsValue::from_str(code.as_str()));
    error
}

/// Sets a property of an object this package made (an error, a request's init, a snapshot):
/// `Reflect.set` is a `catch` import, so a setter planted on a prototype cannot throw through
/// the module; the result is ignored. One non-generic copy for every such set.
pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_the_field_in_message_and_field() {
        let e = GenAuthError::invalid("phonePassCodePayload.newPhoneNumber", "must be digits");
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        assert_eq!(e.field.as_deref(), Some("phonePassCodePayload.newPhoneNumber"));
        assert_eq!(e.text(), "phonePassCodePayload.newPhoneNumber: must be digits");
    }

    #[test]
    fn codes_are_the_documented_strings() {
        assert_eq!(ErrorCode::InvalidArgument.as_str(), "INVALID_ARGUMENT");
        assert_eq!(ErrorCode::SmsCooldown.as_str(), "SMS_COOLDOWN");
        assert_eq!(ErrorCode::HttpStatus.as_str(), "HTTP_STATUS");
        assert_eq!(ErrorCode::BadResponse.as_str(), "BAD_RESPONSE");
        assert_eq!(ErrorCode::ClientFreed.as_str(), "CLIENT_FREED");
    }
}
