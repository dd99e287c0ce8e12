//! `GenAuthError`: every failure the client reports, as a plain Rust value that becomes a
//! real JS `Error` (`name === "GenAuthError"`) only at the boundary, so the logic stays
//! testable natively. An error is a `code`, sometimes a `reason` (what a UI can tell the
//! person to do), and a `detail` for developers: short static text joined with the field
//! path (no `format!`, which would link in core::fmt). The `message` a person reads comes
//! from the catalogue of the client's language (`messages.rs`), filled in where the error
//! leaves the module. Neither ever echoes an input value, so no token, code or number can
//! leak through one.

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
pub const CODES: [&str; 14] = [
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

/// The `reason` of an error: what a UI can tell the person to do about it. Only errors a
/// person can act on, or a network failure, have one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reason {
    /// `INVALID_ARGUMENT`: no phone number was typed.
    PhoneMissing,
    /// `INVALID_ARGUMENT`: a character no phone number has.
    PhoneNotANumber,
    /// `INVALID_ARGUMENT`: a national number, and no country code to read it with.
    PhoneNoCountryCode,
    /// `INVALID_ARGUMENT`: no country has this calling code.
    PhoneUnknownCountryCode,
    /// `INVALID_ARGUMENT`: fewer digits than any number of the country.
    PhoneTooShort,
    /// `INVALID_ARGUMENT`: more digits than any number of the country.
    PhoneTooLong,
    /// `INVALID_ARGUMENT`: a trunk prefix (`0`) where no number has one.
    PhoneTrunkPrefix,
    /// `INVALID_ARGUMENT`: no number of the country has this many digits.
    PhoneInvalidLength,
    /// `INVALID_ARGUMENT`: no verification code was typed.
    CodeMissing,
    /// `INVALID_ARGUMENT`: a verification code that is not 4 to 10 digits.
    CodeInvalid,
    /// `NETWORK`: the server could not be reached (offline, DNS, refused, dropped).
    Unreachable,
    /// `NETWORK`: the server answered, and the browser withheld the answer (CORS).
    Blocked,
}

/// The strings JS sees in `error.reason`, in the order of [`Reason`].
pub const REASONS: [&str; 12] = [
    "PHONE_MISSING",
    "PHONE_NOT_A_NUMBER",
    "PHONE_NO_COUNTRY_CODE",
    "PHONE_UNKNOWN_COUNTRY_CODE",
    "PHONE_TOO_SHORT",
    "PHONE_TOO_LONG",
    "PHONE_TRUNK_PREFIX",
    "PHONE_INVALID_LENGTH",
    "CODE_MISSING",
    "CODE_INVALID",
    "UNREACHABLE",
    "BLOCKED",
];

impl Reason {
    /// The string JS sees in `error.reason`.
    pub fn as_str(self) -> &'static str {
        REASONS[self as usize]
    }
}

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
    /// What the person can do about it, when there is something.
    pub reason: Option<Reason>,
    /// What is wrong, for developers, in words that never quote the caller's value.
    pub detail: &'static str,
    /// The path of the argument it is about (`phonePassCodePayload.newPhoneNumber`).
    pub field: Option<String>,
    /// For `SMS_COOLDOWN`: how long to wait.
    pub retry_after_ms: Option<f64>,
}

/// Shorthand for results of this crate.
pub type Result<T> = core::result::Result<T, GenAuthError>;

impl GenAuthError {
    /// An error with a code and a detail and nothing else.
    pub fn new(code: ErrorCode, detail: &'static str) -> Self {
        GenAuthError { code, reason: None, detail, field: None, retry_after_ms: None }
    }

    /// `INVALID_ARGUMENT` for `field`; the detail JS sees reads "`field`: `problem`".
    pub fn invalid(field: &str, problem: &'static str) -> Self {
        Self::invalid_as(field, problem, None)
    }

    /// `INVALID_ARGUMENT` for `field`, with the reason a UI can act on.
    #[inline(never)]
    pub fn invalid_as(field: &str, problem: &'static str, reason: Option<Reason>) -> Self {
        GenAuthError { code: ErrorCode::InvalidArgument, reason, detail: problem, field: Some(field.into()), retry_after_ms: None }
    }

    /// The detail JS sees: the field path first, when there is one.
    pub fn text(&self) -> String {
        let mut text = String::new();
        if let Some(field) = &self.field {
            text.push_str(field);
            text.push_str(": ");
        }
        text.push_str(self.detail);
        text
    }
}

impl From<GenAuthError> for JsValue {
    fn from(e: GenAuthError) -> JsValue {
        let error = js_error(e.code, &e.text());
        if let Some(reason) = e.reason {
            let reason = JsValue::from_str(reason.as_str());
            set(&error, "reason", &reason);
            // The key of its message: the reason's words come before the code's.
            set(&error, "message", &reason);
        }
        if let Some(field) = e.field {
            set(&error, "field", &field.into());
        }
        if let Some(ms) = e.retry_after_ms {
            set(&error, "retryAfterMs", &ms.into());
        }
        error.into()
    }
}

/// A JS `Error` named `GenAuthError` with its `code` and `detail`: every error of this package
/// starts here. Its `message` holds its key (the code) until the catalogue words it
/// (`messages.rs`) where the error leaves the module; a server's own words replace it instead.
#[inline(never)]
pub fn js_error(code: ErrorCode, detail: &str) -> Error {
    let error = Error::new(code.as_str());
    // Through Reflect.set like the rest: `set_name` would be one more import.
    set(&error, "name", &JsValue::from_str("GenAuthError"));
    set(&error, "code", &JsValue::from_str(code.as_str()));
    set(&error, "detail", &JsValue::from_str(detail));
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
    fn invalid_names_the_field_in_detail_and_field() {
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
