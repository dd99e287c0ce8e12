//! Generated bad input (issue 6, suite 1): for every field of the constructor, every method
//! and the call options, every kind of wrong value, plus unknown, misspelt and
//! prototype-ish keys and non-objects. Each case must reject with INVALID_ARGUMENT naming
//! the field, the emulator must receive nothing, and the same client must work afterwards.

use super::support::*;
use genauth_phone::AuthenticationClient;
use js_sys::{Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

/// What a field holds, which decides which wrong values apply.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Phone,
    CountryCode,
    PassCode,
    Token,
    Enum,
    Host,
    AppId,
    Timeout,
    Bool,
    Signal,
    Object,
}

/// Wrong values for a kind: (label, value). Values valid for the kind are never listed.
fn wrong_values(kind: Kind) -> Vec<(&'static str, JsValue)> {
    let huge = "1".repeat(1 << 20);
    let mut v: Vec<(&'static str, JsValue)> = vec![
        ("object", obj(&[("x", s("1"))])),
        ("array", js_sys::Array::of1(&s("13900000000")).into()),
        ("symbol", js_sys::Symbol::for_("x").into()),
        ("bigint", js_sys::BigInt::from(13900000000u64).into()),
    ];
    let not_number = [("string number", s("5000")), ("true", JsValue::TRUE)];
    let not_string = [("number", JsValue::from_f64(13900000000.0)), ("NaN", JsValue::from_f64(f64::NAN)), ("true", JsValue::TRUE)];
    let bad_strings = [
        ("empty", s("")),
        ("control chars", s("1390000\u{0}0000")),
        ("newline", s("139000\n00000")),
        ("arabic-indic digits", s("١٣٩٠٠٠٠٠٠٠٠")),
        ("fullwidth digits", s("１３９００００００００")),
        ("1 MB", s(&huge)),
    ];
    match kind {
        Kind::Timeout => {
            v.extend(not_number);
            for (l, n) in [
                ("NaN", f64::NAN),
                ("zero", 0.0),
                ("negative", -1.0),
                ("fraction", 1.5),
                ("too big", 120_001.0),
                ("infinity", f64::INFINITY),
            ] {
                v.push((l, JsValue::from_f64(n)));
            }
        }
        Kind::Bool => v.extend([("string", s("true")), ("number", JsValue::from_f64(1.0))]),
        Kind::Signal => v.extend([("string", s("signal")), ("number", JsValue::from_f64(1.0)), ("true", JsValue::TRUE)]),
        Kind::Object => {
            v = vec![
                ("string", s("x")),
                ("number", JsValue::from_f64(1.0)),
                ("array", js_sys::Array::new().into()),
                ("true", JsValue::TRUE),
            ]
        }
        _ => {
            v.extend(not_string);
            v.extend(bad_strings);
            let specific: &[&str] = match kind {
                Kind::Phone => &["+8613900000000", "139-0000-0000", "123", "1234567890123456", " 13900000000"],
                Kind::CountryCode => &["86", "+", "+12345", "+8a", "++86"],
                Kind::PassCode => &["123", "12345678901", "12a456", "١٢٣٤٥٦"],
                Kind::Token => &[" leading-space", "trailing-space ", "tab\there", "non-ascii-é"],
                Kind::Enum => &["CHANNEL_UPDATE_PHONE", "channel_bind_phone", "PHONE_PASSCODE ", "fr-FR"],
                Kind::Host => &[
                    "ftp://example.com",
                    "https://a b.com",
                    "https://a.com?x=1",
                    "https://u:p@a.com",
                    "http://example.com",
                    "https://a.com:99999",
                ],
                Kind::AppId => &["has space", "é"],
                _ => &[],
            };
            v.extend(specific.iter().map(|t| ("specific", s(t))));
        }
    }
    v
}

/// One field of one argument: its path for errors, its kind, whether it is required.
struct Field {
    key: &'static str,
    kind: Kind,
    required: bool,
}

const fn f(key: &'static str, kind: Kind, required: bool) -> Field {
    Field { key, kind, required }
}

fn send_sms_valid() -> JsValue {
    sms("CHANNEL_BIND_PHONE", "13900000000")
}

fn verify_payload_valid() -> JsValue {
    obj(&[
        ("newPhoneNumber", s("13900000001")),
        ("newPhonePassCode", s("123456")),
        ("newPhoneCountryCode", s("+86")),
        ("oldPhoneNumber", s("13900000002")),
        ("oldPhonePassCode", s("654321")),
        ("oldPhoneCountryCode", s("+86")),
    ])
}

fn copy_with(base: &JsValue, key: &str, value: Option<&JsValue>) -> JsValue {
    let copy = JSON::parse(&JSON::stringify(base).unwrap().as_string().unwrap()).unwrap();
    match value {
        Some(v) => Reflect::set(&copy, &s(key), v).unwrap(),
        None => Reflect::delete_property(copy.unchecked_ref::<js_sys::Object>(), &s(key)).unwrap(),
    };
    copy
}

/// Every bad variant of `valid` for `fields`: (expected field path, bad object).
fn variants(valid: &JsValue, prefix: &str, fields: &[Field]) -> Vec<(String, JsValue)> {
    let mut out = Vec::new();
    let path = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    for field in fields {
        for (_, bad) in wrong_values(field.kind) {
            out.push((path(field.key), copy_with(valid, field.key, Some(&bad))));
        }
        if field.required {
            out.push((path(field.key), copy_with(valid, field.key, None)));
            out.push((path(field.key), copy_with(valid, field.key, Some(&JsValue::NULL))));
            out.push((path(field.key), copy_with(valid, field.key, Some(&JsValue::UNDEFINED))));
        }
    }
    for unknown in ["phonenumber", "PhoneNumber", "constructor", "toString", "hasOwnProperty", "", "appSecret", "extra"] {
        out.push((path(unknown), copy_with(valid, unknown, Some(&s("x")))));
    }
    // An own "__proto__" key only comes from JSON.parse (a literal would set the prototype).
    let mut text = JSON::stringify(valid).unwrap().as_string().unwrap();
    text.insert_str(1, r#""__proto__":{"polluted":true},"#);
    out.push((path("__proto__"), JSON::parse(&text).unwrap()));
    out
}

fn not_objects(name: &str, allow_absent: bool) -> Vec<(String, JsValue)> {
    let mut v: Vec<JsValue> =
        vec![s("x"), JsValue::from_f64(1.0), JsValue::TRUE, js_sys::Array::new().into(), js_sys::Symbol::for_("y").into()];
    if !allow_absent {
        v.extend([JsValue::NULL, JsValue::UNDEFINED]);
    }
    v.into_iter().map(|x| (name.to_string(), x)).collect()
}

async fn assert_invalid(p: Promise, field: &str) {
    let e = expect_err(p, "INVALID_ARGUMENT").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some(field));
}

#[wasm_bindgen_test]
async fn generated_bad_input_is_refused_without_traffic() {
    let c = client(Some("valid-token"));
    let before = request_count().await;
    let mut count = 0;

    let cases = [
        (
            send_sms_valid(),
            "",
            vec![f("channel", Kind::Enum, true), f("phoneNumber", Kind::Phone, true), f("phoneCountryCode", Kind::CountryCode, false)],
        ),
        (token_dto("tok"), "", vec![f("updatePhoneToken", Kind::Token, true)]),
        (obj(&[("passCode", s("1234"))]), "", vec![f("passCode", Kind::PassCode, true)]),
    ];
    for (i, (valid, prefix, fields)) in cases.iter().enumerate() {
        let mut all = variants(valid, prefix, fields);
        all.extend(not_objects("dto", false));
        for (field, dto) in all {
            let p = match i {
                0 => c.send_sms(dto, none()),
                1 => c.update_phone(dto, none()),
                _ => c.unbind_phone(dto, none()),
            };
            assert_invalid(p, &field).await;
            count += 1;
        }
    }

    // verifyUpdatePhoneRequest: the top level and the nested payload.
    let verify_valid = obj(&[("verifyMethod", s("PHONE_PASSCODE")), ("phonePassCodePayload", verify_payload_valid())]);
    let mut all = variants(&verify_valid, "", &[f("verifyMethod", Kind::Enum, true), f("phonePassCodePayload", Kind::Object, true)]);
    let payload_fields = [
        f("newPhoneNumber", Kind::Phone, true),
        f("newPhonePassCode", Kind::PassCode, true),
        f("newPhoneCountryCode", Kind::CountryCode, false),
        f("oldPhoneNumber", Kind::Phone, false),
        f("oldPhonePassCode", Kind::PassCode, false),
        f("oldPhoneCountryCode", Kind::CountryCode, false),
    ];
    for (field, payload) in variants(&verify_payload_valid(), "phonePassCodePayload", &payload_fields) {
        all.push((field, obj(&[("verifyMethod", s("PHONE_PASSCODE")), ("phonePassCodePayload", payload)])));
    }
    all.extend(not_objects("dto", false));
    for (field, dto) in all {
        assert_invalid(c.verify_update_phone_request(dto, none()), &field).await;
        count += 1;
    }

    // Call options.
    let opts_valid = obj(&[("timeout", JsValue::from_f64(5000.0))]);
    let mut all = variants(&opts_valid, "opts", &[f("timeout", Kind::Timeout, false), f("signal", Kind::Signal, false)]);
    all.extend(not_objects("opts", true));
    for (field, o) in all {
        assert_invalid(c.send_sms(send_sms_valid(), o), &field).await;
        count += 1;
    }

    // The constructor.
    let ctor_fields = [
        f("appId", Kind::AppId, true),
        f("appHost", Kind::Host, true),
        f("accessToken", Kind::Token, false),
        f("timeout", Kind::Timeout, false),
        f("lang", Kind::Enum, false),
        f("throwOnError", Kind::Bool, false),
        f("allowInsecureHttp", Kind::Bool, false),
    ];
    let mut all = variants(&options(None, &[]), "", &ctor_fields);
    all.extend(not_objects("options", false));
    for (field, o) in all {
        let e = AuthenticationClient::new(o).err().unwrap_or_else(|| panic!("accepted bad options for {field}"));
        assert_eq!(code_of(&e), "INVALID_ARGUMENT");
        assert_eq!(get_str(&e, &["field"]).as_deref(), Some(field.as_str()));
        count += 1;
    }

    // setAccessToken and smsCooldownRemaining throw synchronously.
    for (_, bad) in wrong_values(Kind::Token) {
        let e = c.set_access_token(bad).expect_err("bad token accepted");
        assert_eq!(code_of(&e), "INVALID_ARGUMENT");
        count += 1;
    }
    for (_, bad) in wrong_values(Kind::Phone) {
        let e =
            c.sms_cooldown_remaining(obj(&[("channel", s("CHANNEL_BIND_PHONE")), ("phoneNumber", bad)])).expect_err("bad phone accepted");
        assert_eq!(get_str(&e, &["field"]).as_deref(), Some("phoneNumber"));
        count += 1;
    }

    assert!(count >= 300, "only {count} cases");
    assert_eq!(request_count().await, before, "a bad call reached the server");
    // The module did not trap: the same client still works.
    let ok = call(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), none())).await.unwrap();
    assert_eq!(get_num(&ok, &["statusCode"]), Some(200.0));
    console_log!("bad input: {count} generated cases refused, no request sent, client still works");
}
