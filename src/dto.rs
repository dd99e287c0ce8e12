//! The request DTOs as tables (the seeds' field names and rules, in wire order) and the one
//! request body they all serialise through: a JS object of the decoded fields, then
//! `JSON.stringify`, so absent optional fields are omitted (never `null`) and the bytes match
//! the official Node SDK's.
//! `Debug` hides codes and tokens.

use crate::args::{Field, Fields, Kind, Shape, Value};
use crate::error::{ErrorCode, GenAuthError, Result};
use crate::validate::Rule;
use core::fmt;
use serde::ser::{Serialize, SerializeMap, Serializer};
use wasm_bindgen::JsValue;

const fn text(key: &'static str, rule: Rule, required: bool) -> Field {
    Field { key, kind: Kind::Text(rule), required }
}

/// `SendSMSDto`: body of `POST /api/v3/send-sms`.
pub static SEND_SMS: Shape = Shape {
    name: "dto",
    path: "",
    fields: &[
        text("channel", Rule::Channel, true),
        text("phoneNumber", Rule::Phone, true),
        text("phoneCountryCode", Rule::CountryCode, false),
    ],
};
pub const SMS_CHANNEL: usize = 0;
pub const SMS_PHONE: usize = 1;
pub const SMS_COUNTRY_CODE: usize = 2;

/// `UpdatePhoneByPhonePassCodeDto`: the SMS-code evidence for a phone change.
pub static PHONE_PASS_CODE_PAYLOAD: Shape = Shape {
    name: "phonePassCodePayload",
    path: "phonePassCodePayload",
    fields: &[
        text("newPhoneNumber", Rule::Phone, true),
        text("newPhonePassCode", Rule::PassCode, true),
        text("newPhoneCountryCode", Rule::CountryCode, false),
        text("oldPhoneNumber", Rule::Phone, false),
        text("oldPhonePassCode", Rule::PassCode, false),
        text("oldPhoneCountryCode", Rule::CountryCode, false),
    ],
};
const OLD_NUMBER: usize = 3;
const OLD_CODE: usize = 4;
const OLD_COUNTRY_CODE: usize = 5;

/// `VerifyUpdatePhoneRequestDto`: body of `POST /api/v3/verify-update-phone-request`.
pub static VERIFY_UPDATE_PHONE_REQUEST: Shape = Shape {
    name: "dto",
    path: "",
    fields: &[
        text("verifyMethod", Rule::VerifyMethod, true),
        Field { key: "phonePassCodePayload", kind: Kind::Nested(&PHONE_PASS_CODE_PAYLOAD), required: true },
    ],
};
const PAYLOAD: usize = 1;

/// `UpdatePhoneDto`: body of `POST /api/v3/update-phone`.
pub static UPDATE_PHONE: Shape = Shape { name: "dto", path: "", fields: &[text("updatePhoneToken", Rule::Token, true)] };
pub const UPDATE_TOKEN: usize = 0;

/// `UnbindPhoneDto`: body of `POST /api/v3/unbind-phone`.
pub static UNBIND_PHONE: Shape = Shape { name: "dto", path: "", fields: &[text("passCode", Rule::PassCode, true)] };

/// `GetProfileDto`: the query of `GET /api/v3/get-profile`.
pub static GET_PROFILE: Shape = Shape {
    name: "dto",
    path: "",
    fields: &[
        Field { key: "withCustomData", kind: Kind::Flag, required: false },
        Field { key: "withIdentities", kind: Kind::Flag, required: false },
        Field { key: "withDepartmentIds", kind: Kind::Flag, required: false },
    ],
};

/// The query of a get-profile request: every flag, `false` when absent, in the official
/// SDK's order (`?withCustomData=false&withIdentities=false&withDepartmentIds=false`).
pub fn profile_query(flags: &Fields) -> String {
    let mut query = String::new();
    for (i, field) in flags.shape.fields.iter().enumerate() {
        query += if i == 0 { "?" } else { "&" };
        query += field.key;
        query += if flags.flag(i) { "=true" } else { "=false" };
    }
    query
}

/// The rules that span fields of a verify request: the old number and its code prove the
/// same thing, so one without the other is a bug, and the old country code means nothing
/// without them.
pub fn check_verify(dto: &Fields) -> Result<()> {
    let Some(Value::Nested(p)) = dto.get(PAYLOAD) else { return Ok(()) };
    let has = |i| p.get(i).is_some();
    match (has(OLD_NUMBER), has(OLD_CODE)) {
        (true, false) => Err(p.invalid(OLD_CODE, "is required with oldPhoneNumber")),
        (false, true) => Err(p.invalid(OLD_NUMBER, "is required with oldPhonePassCode")),
        (false, false) if has(OLD_COUNTRY_CODE) => Err(p.invalid(OLD_COUNTRY_CODE, "is only meaningful with oldPhoneNumber")),
        _ => Ok(()),
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        // A map, not a struct: serde-wasm-bindgen caches struct keys in a HashMap, which
        // costs more bytes than four requests' worth of key strings.
        let mut body = serializer.serialize_map(None)?;
        for (field, value) in self.shape.fields.iter().zip(&self.values) {
            // Requests carry strings and objects only. One value type for both kinds:
            // serde-wasm-bindgen's `serialize_value` is compiled once, not once per kind.
            if let Some(v @ (Value::Text(_) | Value::Nested(_))) = value {
                body.serialize_entry(field.key, v)?;
            }
        }
        body.end()
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        match self {
            Value::Text(s) => serializer.serialize_str(s),
            Value::Nested(inner) => inner.serialize(serializer),
            // Never in a body (`Fields::serialize` passes strings and objects only).
            _ => serializer.serialize_unit(),
        }
    }
}

impl Fields {
    /// The compact JSON body (serde -> JS object -> `JSON.stringify`).
    pub fn to_json(&self) -> Result<JsValue> {
        // Maps as plain objects, so JSON.stringify sees their fields.
        self.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .ok()
            .and_then(|v| js_sys::JSON::stringify(&v).ok())
            .map(JsValue::from)
            .ok_or_else(|| GenAuthError::new(ErrorCode::InvalidArgument, "the request body could not be encoded"))
    }
}

impl fmt::Debug for Fields {
    /// Field names and values, with codes and tokens shown as `<redacted>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (field, value) in self.shape.fields.iter().zip(&self.values) {
            let secret = matches!(field.kind, Kind::Text(Rule::PassCode | Rule::Token));
            match value {
                None => None,
                Some(_) if secret => Some(map.entry(&field.key, &"<redacted>")),
                Some(Value::Text(s)) => Some(map.entry(&field.key, s)),
                Some(Value::Nested(inner)) => Some(map.entry(&field.key, inner)),
                Some(_) => Some(map.entry(&field.key, &"…")),
            };
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(shape: &'static Shape, values: Vec<Option<&str>>) -> Fields {
        Fields { shape, values: values.into_iter().map(|v| v.map(|s| Value::Text(s.into()))).collect() }
    }

    fn payload(old: [Option<&str>; 3]) -> Fields {
        let [n, c, cc] = old;
        let p = fields(&PHONE_PASS_CODE_PAYLOAD, vec![Some("18800000000"), Some("482913"), None, n, c, cc]);
        Fields { shape: &VERIFY_UPDATE_PHONE_REQUEST, values: vec![Some(Value::Text("PHONE_PASSCODE".into())), Some(Value::Nested(p))] }
    }

    #[test]
    fn debug_hides_codes_and_tokens() {
        let shown = format!("{:?}", payload([Some("13900000000"), Some("771204"), Some("+86")]));
        assert!(shown.contains("18800000000") && shown.contains("<redacted>"), "{shown}");
        assert!(!shown.contains("482913") && !shown.contains("771204"), "{shown}");
        let token = format!("{:?}", fields(&UPDATE_PHONE, vec![Some("tok-secret-1")]));
        assert!(!token.contains("tok-secret-1"), "{token}");
        let unbind = format!("{:?}", fields(&UNBIND_PHONE, vec![Some("5555")]));
        assert!(!unbind.contains("5555"), "{unbind}");
    }

    #[test]
    fn profile_query_has_every_flag_in_order() {
        let none = Fields { shape: &GET_PROFILE, values: vec![None, None, None] };
        assert_eq!(profile_query(&none), "?withCustomData=false&withIdentities=false&withDepartmentIds=false");
        let some = Fields { shape: &GET_PROFILE, values: vec![None, Some(Value::Flag(true)), Some(Value::Flag(false))] };
        assert_eq!(profile_query(&some), "?withCustomData=false&withIdentities=true&withDepartmentIds=false");
    }

    #[test]
    fn old_number_and_code_go_together() {
        let field = |old| check_verify(&payload(old)).err().and_then(|e| e.field);
        assert_eq!(field([None, None, None]), None);
        assert_eq!(field([Some("13900000000"), Some("771204"), None]), None);
        assert_eq!(field([Some("13900000000"), None, None]).as_deref(), Some("phonePassCodePayload.oldPhonePassCode"));
        assert_eq!(field([None, Some("771204"), None]).as_deref(), Some("phonePassCodePayload.oldPhoneNumber"));
        assert_eq!(field([None, None, Some("+86")]).as_deref(), Some("phonePassCodePayload.oldPhoneCountryCode"));
    }
}
