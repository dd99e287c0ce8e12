//! Request DTOs: the seeds' field names, decoded from the caller's own properties and
//! checked field by field, then serialised by serde into the request body (optional
//! fields omitted, never `null`). `Debug` hides codes and tokens.

use crate::args::JsObject;
use crate::error::{GenAuthError, Result};
use crate::validate;
use core::fmt;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Body of `POST /api/v3/send-sms`.
#[derive(Serialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SendSmsDto {
    pub channel: String,
    pub phone_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_country_code: Option<String>,
}

/// Body of `POST /api/v3/verify-update-phone-request`.
#[derive(Serialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VerifyUpdatePhoneRequestDto {
    pub verify_method: String,
    pub phone_pass_code_payload: UpdatePhoneByPhonePassCodeDto,
}

/// The SMS-code evidence for a phone change.
#[derive(Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePhoneByPhonePassCodeDto {
    pub new_phone_number: String,
    pub new_phone_pass_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_phone_country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_phone_pass_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_phone_country_code: Option<String>,
}

/// Body of `POST /api/v3/update-phone`.
#[derive(Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePhoneDto {
    pub update_phone_token: String,
}

/// Body of `POST /api/v3/unbind-phone`.
#[derive(Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UnbindPhoneDto {
    pub pass_code: String,
}

const REDACTED: &str = "<redacted>";

impl fmt::Debug for UpdatePhoneByPhonePassCodeDto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdatePhoneByPhonePassCodeDto")
            .field("new_phone_number", &self.new_phone_number)
            .field("new_phone_pass_code", &REDACTED)
            .field("new_phone_country_code", &self.new_phone_country_code)
            .field("old_phone_number", &self.old_phone_number)
            .field("old_phone_pass_code", &self.old_phone_pass_code.as_ref().map(|_| REDACTED))
            .field("old_phone_country_code", &self.old_phone_country_code)
            .finish()
    }
}

impl fmt::Debug for UpdatePhoneDto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdatePhoneDto").field("update_phone_token", &REDACTED).finish()
    }
}

impl fmt::Debug for UnbindPhoneDto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnbindPhoneDto").field("pass_code", &REDACTED).finish()
    }
}

impl SendSmsDto {
    pub fn from_js(value: &JsValue) -> Result<Self> {
        let o = JsObject::open(value, "dto", "", &["channel", "phoneNumber", "phoneCountryCode"])?;
        Ok(SendSmsDto {
            channel: o.checked("channel", validate::channel)?,
            phone_number: o.checked("phoneNumber", validate::phone_number)?,
            phone_country_code: o.opt_checked("phoneCountryCode", validate::country_code)?,
        })
    }
}

impl VerifyUpdatePhoneRequestDto {
    pub fn from_js(value: &JsValue) -> Result<Self> {
        let o = JsObject::open(value, "dto", "", &["verifyMethod", "phonePassCodePayload"])?;
        let verify_method = o.string("verifyMethod")?;
        if verify_method != validate::PHONE_PASSCODE {
            return Err(GenAuthError::invalid("verifyMethod", "must be \"PHONE_PASSCODE\" (the only method the API supports)"));
        }
        let payload = o.get("phonePassCodePayload")?.ok_or_else(|| GenAuthError::invalid("phonePassCodePayload", "is required"))?;
        Ok(VerifyUpdatePhoneRequestDto {
            verify_method,
            phone_pass_code_payload: UpdatePhoneByPhonePassCodeDto::from_js(&payload)?,
        })
    }
}

impl UpdatePhoneByPhonePassCodeDto {
    const KEYS: [&'static str; 6] = [
        "newPhoneNumber",
        "newPhonePassCode",
        "newPhoneCountryCode",
        "oldPhoneNumber",
        "oldPhonePassCode",
        "oldPhoneCountryCode",
    ];

    fn from_js(value: &JsValue) -> Result<Self> {
        const PATH: &str = "phonePassCodePayload";
        let o = JsObject::open(value, PATH, PATH, &Self::KEYS)?;
        let dto = UpdatePhoneByPhonePassCodeDto {
            new_phone_number: o.checked("newPhoneNumber", validate::phone_number)?,
            new_phone_pass_code: o.checked("newPhonePassCode", validate::pass_code)?,
            new_phone_country_code: o.opt_checked("newPhoneCountryCode", validate::country_code)?,
            old_phone_number: o.opt_string("oldPhoneNumber")?,
            old_phone_pass_code: o.opt_string("oldPhonePassCode")?,
            old_phone_country_code: o.opt_checked("oldPhoneCountryCode", validate::country_code)?,
        };
        // The old number and its code prove the same thing: one without the other is a bug.
        match (&dto.old_phone_number, &dto.old_phone_pass_code) {
            (Some(n), Some(c)) => {
                validate::phone_number(&o.field("oldPhoneNumber"), n)?;
                validate::pass_code(&o.field("oldPhonePassCode"), c)?;
            }
            (Some(_), None) => return Err(GenAuthError::invalid(&o.field("oldPhonePassCode"), "is required with oldPhoneNumber")),
            (None, Some(_)) => return Err(GenAuthError::invalid(&o.field("oldPhoneNumber"), "is required with oldPhonePassCode")),
            (None, None) if dto.old_phone_country_code.is_some() => {
                return Err(GenAuthError::invalid(&o.field("oldPhoneCountryCode"), "is only meaningful with oldPhoneNumber"))
            }
            (None, None) => {}
        }
        Ok(dto)
    }
}

impl UpdatePhoneDto {
    pub fn from_js(value: &JsValue) -> Result<Self> {
        let o = JsObject::open(value, "dto", "", &["updatePhoneToken"])?;
        Ok(UpdatePhoneDto { update_phone_token: o.checked("updatePhoneToken", validate::token)? })
    }
}

impl UnbindPhoneDto {
    pub fn from_js(value: &JsValue) -> Result<Self> {
        let o = JsObject::open(value, "dto", "", &["passCode"])?;
        Ok(UnbindPhoneDto { pass_code: o.checked("passCode", validate::pass_code)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_codes_and_tokens() {
        let payload = UpdatePhoneByPhonePassCodeDto {
            new_phone_number: "18800000000".into(),
            new_phone_pass_code: "482913".into(),
            new_phone_country_code: None,
            old_phone_number: Some("13900000000".into()),
            old_phone_pass_code: Some("771204".into()),
            old_phone_country_code: Some("+86".into()),
        };
        let shown = format!("{payload:?}");
        assert!(shown.contains("18800000000") && shown.contains(REDACTED));
        assert!(!shown.contains("482913") && !shown.contains("771204"));
        let token = format!("{:?}", UpdatePhoneDto { update_phone_token: "tok-secret-1".into() });
        assert!(!token.contains("tok-secret-1"));
        let unbind = format!("{:?}", UnbindPhoneDto { pass_code: "5555".into() });
        assert!(!unbind.contains("5555"));
    }
}
