//! `parsePhoneNumber`: a number as a person typed or pasted it, split as GenAuth's API wants
//! it (the rules: `phone/mod.rs` and the README, "Phone numbers").

use crate::args::{decode, Field, Fields, Kind, Shape, Value};
use crate::error::{set, GenAuthError, Result};
use crate::messages::{Texts, KEYS_IN_OPTIONS};
use crate::phone::parse;
use crate::validate::Rule;
use js_sys::Object;
use wasm_bindgen::prelude::*;

/// `ParsePhoneNumberOptions`.
static OPTIONS: Shape = Shape {
    name: "options",
    path: "options",
    fields: &[
        // Checked by `phone::parse`, which knows the calling codes.
        Field { key: "defaultCountryCode", kind: Kind::Text(Rule::Any), required: false },
        Field { key: "lang", kind: Kind::Text(Rule::Lang), required: false },
        Field { key: "messages", kind: Kind::Raw, required: false },
    ],
};
// Positions in OPTIONS.
const DEFAULT_COUNTRY_CODE: usize = 0;
const LANG: usize = 1;
const MESSAGES: usize = 2;

/// Splits a phone number as people type and paste it (`"+86 138 0013 8000"`, `"０２０-1234
/// 5678"`, `"(0)20 7946 0958"`) into `{ phoneCountryCode: "+86", phoneNumber: "13800138000" }`,
/// the fields `sendSms` and the DTOs take. A national number (no `+` or `00`) is read with
/// `options.defaultCountryCode`; without one it is refused (`PHONE_NO_COUNTRY_CODE`): no
/// country code is ever guessed. The trunk prefix (`0`) is dropped; the calling code and the
/// length are checked against a table of every country's. Throws a `GenAuthError`
/// (`INVALID_ARGUMENT`) whose `reason` says what to fix (`PHONE_TOO_SHORT`, ...), its
/// `message` in `options.lang` (default `zh-CN`) or from `options.messages`.
#[wasm_bindgen(js_name = parsePhoneNumber, unchecked_return_type = "ParsedPhoneNumber")]
pub fn parse_phone_number(
    #[wasm_bindgen(unchecked_param_type = "string")] input: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ParsePhoneNumberOptions | null")] options: JsValue,
) -> core::result::Result<JsValue, JsValue> {
    let mut texts = Texts::new(None);
    let parsed = split(&input, &options, &mut texts);
    parsed.map_err(|e| texts.localize(e.into()))
}

/// The split number as JS, or why not; `texts` learns the options' language and messages.
fn split(input: &JsValue, options: &JsValue, texts: &mut Texts) -> Result<JsValue> {
    let none = options.is_undefined() || options.is_null();
    let o = if none { Fields::absent(&OPTIONS) } else { decode(options, &OPTIONS).inspect_err(|_| *texts = Texts::of_refused(options))? };
    *texts = Texts::new(o.text(LANG));
    if let Some(Value::Raw(messages)) = o.get(MESSAGES) {
        texts.read_own(messages, &KEYS_IN_OPTIONS)?;
    }
    let input = input.as_string().ok_or_else(|| GenAuthError::invalid("input", "must be a string"))?;
    let phone = parse(&input, o.text(DEFAULT_COUNTRY_CODE)).map_err(|r| r.error("input", "options.defaultCountryCode"))?;
    let split = Object::new();
    set(&split, "phoneCountryCode", &JsValue::from_str(&phone.country_code));
    set(&split, "phoneNumber", &JsValue::from_str(&phone.number));
    Ok(split.into())
}
