//! Messages for people: `parsePhoneNumber` on the whole table of cases, the catalogue in each
//! language and the app's own, network failures told apart, and no message or detail holding
//! what the caller passed.

use super::resilience::SECRET_MARK;
use super::support::*;
use genauth_phone::{parse_phone_number, AuthenticationClient};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

// The same table the native tests of `src/phone` read.
#[path = "../phone/cases.rs"]
mod table_of_cases;
use table_of_cases::cases;

/// The `reason` JS sees for each refusal of the table.
fn reason_of(refusal: &str) -> Option<&'static str> {
    Some(match refusal {
        "Empty" => "PHONE_MISSING",
        "NotANumber" => "PHONE_NOT_A_NUMBER",
        "NoCountryCode" => "PHONE_NO_COUNTRY_CODE",
        "UnknownCountryCode" => "PHONE_UNKNOWN_COUNTRY_CODE",
        "TooShort" => "PHONE_TOO_SHORT",
        "TooLong" => "PHONE_TOO_LONG",
        "ExtraTrunkPrefix" => "PHONE_TRUNK_PREFIX",
        "InvalidLength" => "PHONE_INVALID_LENGTH",
        "BadDefaultCountryCode" => "PHONE_UNKNOWN_COUNTRY_CODE",
        other => panic!("cases.tsv names an unknown refusal {other}"),
    })
}

#[wasm_bindgen_test]
fn parse_phone_number_agrees_with_the_table_of_cases() {
    let mut checked = 0;
    for (line, input, default, expected) in cases() {
        let options = match &default {
            Some(code) => obj(&[("defaultCountryCode", s(code))]),
            None => JsValue::UNDEFINED,
        };
        let got = parse_phone_number(s(&input), options);
        match expected.split_once(' ') {
            Some((code, number)) => {
                let split = got.unwrap_or_else(|e| panic!("cases.tsv:{line}: {input:?} refused: {:?}", get_str(&e, &["detail"])));
                assert_eq!(get_str(&split, &["phoneCountryCode"]).as_deref(), Some(code), "cases.tsv:{line}");
                assert_eq!(get_str(&split, &["phoneNumber"]).as_deref(), Some(number), "cases.tsv:{line}");
            }
            None => {
                let e = got.err().unwrap_or_else(|| panic!("cases.tsv:{line}: {input:?} accepted"));
                assert_eq!(code_of(&e), "INVALID_ARGUMENT");
                assert_eq!(get_str(&e, &["reason"]).as_deref(), reason_of(&expected), "cases.tsv:{line}");
                let field = if expected == "BadDefaultCountryCode" { "options.defaultCountryCode" } else { "input" };
                assert_eq!(get_str(&e, &["field"]).as_deref(), Some(field), "cases.tsv:{line}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 200, "{checked} cases");
    console_log!("parsePhoneNumber: {checked} cases of tests/phone/cases.tsv agree in wasm");
}

#[wasm_bindgen_test]
fn parse_phone_number_words_its_refusals_and_refuses_bad_options() {
    let refuse = |input: JsValue, options: JsValue| parse_phone_number(input, options).expect_err("refused");
    // Default: Chinese. The message is the person's; the detail the developer's.
    let e = refuse(s("+86 138 00"), JsValue::UNDEFINED);
    assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("PHONE_TOO_SHORT"));
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("手机号位数太少。"));
    assert!(get_str(&e, &["detail"]).unwrap().starts_with("input: "));
    let e = refuse(s("138 0013 8000"), obj(&[("lang", s("en-US"))]));
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Please add the country code, such as +86."));
    // The app's words, by reason before code.
    let messages = obj(&[("PHONE_TOO_LONG", s("Too many digits")), ("INVALID_ARGUMENT", s("Check the number"))]);
    let e = refuse(s("+86 138 0013 8000 1234"), obj(&[("messages", messages.clone())]));
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Too many digits"));
    let e = refuse(s("+86 138-0013-80OO"), obj(&[("messages", messages)]));
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Check the number"));
    // Bad options and input: named, in the developer's detail.
    for (input, options, field) in [
        (JsValue::from_f64(13800138000.0), JsValue::UNDEFINED, "input"),
        (s("13800138000"), obj(&[("defaultCountryCode", s("86"))]), "options.defaultCountryCode"),
        (s("13800138000"), obj(&[("defaultCountry", s("+86"))]), "options.defaultCountry"),
        (s("13800138000"), obj(&[("lang", s("zh"))]), "options.lang"),
        (s("13800138000"), obj(&[("messages", obj(&[("TOO_SHORT", s("x"))]))]), "options.messages.TOO_SHORT"),
        (s("13800138000"), obj(&[("messages", obj(&[("PHONE_TOO_SHORT", JsValue::from_f64(1.0))]))]), "options.messages.PHONE_TOO_SHORT"),
        (s("13800138000"), s("+86"), "options"),
    ] {
        let e = refuse(input, options);
        assert_eq!(code_of(&e), "INVALID_ARGUMENT");
        assert_eq!(get_str(&e, &["field"]).as_deref(), Some(field));
    }
    // A getter that throws in the catalogue is refused, not thrown through the module.
    let hostile = Object::new();
    let throwing = js_sys::Function::new_no_args("throw new Error('boom')");
    let descriptor = obj(&[("get", throwing.into()), ("enumerable", JsValue::TRUE)]);
    Object::define_property(&hostile, &s("NETWORK"), descriptor.unchecked_ref());
    let e = refuse(s("1"), obj(&[("messages", hostile.into())]));
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("options.messages.NETWORK"));
    // Options refused as a whole are still worded in their `lang`.
    let e = refuse(s("1"), obj(&[("lang", s("en-US")), ("region", s("CN"))]));
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Something went wrong. Please try again later."));
    let split = parse_phone_number(s("＋８６ １３８ ００１３ ８０００"), JsValue::NULL).unwrap();
    assert_eq!(get_str(&split, &["phoneNumber"]).as_deref(), Some("13800138000"));
}

#[wasm_bindgen_test]
async fn a_client_speaks_its_lang_and_the_apps_words() {
    let not_signed_in = |c: &AuthenticationClient| c.update_phone(token_dto("upd-token"), none());
    let e = expect_err(not_signed_in(&client(None)), "NOT_AUTHENTICATED").await;
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("请重新登录。"));
    let english = AuthenticationClient::new(options(None, &[("lang", s("en-US"))])).unwrap();
    // `client.lang`, which the elements follow: the option, else zh-CN.
    assert_eq!((client(None).lang().as_string(), english.lang().as_string()), (Some("zh-CN".into()), Some("en-US".into())));
    let e = expect_err(not_signed_in(&english), "NOT_AUTHENTICATED").await;
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Please sign in again."));
    assert!(get_str(&e, &["detail"]).unwrap().contains("setAccessToken"));
    let own = obj(&[("NOT_AUTHENTICATED", s("Your session ended.")), ("CODE_INVALID", s("Six digits, please."))]);
    let mine = AuthenticationClient::new(options(None, &[("lang", s("en-US")), ("messages", own)])).unwrap();
    let e = expect_err(not_signed_in(&mine), "NOT_AUTHENTICATED").await;
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Your session ended."));
    let e = expect_err(mine.unbind_phone(obj(&[("passCode", s("12a"))]), none()), "INVALID_ARGUMENT").await;
    assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("CODE_INVALID"));
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Six digits, please."));
    // A refused option is worded in the options' own language.
    let e = AuthenticationClient::new(options(None, &[("lang", s("en-US")), ("timeout", JsValue::from_f64(0.0))])).err().unwrap();
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Something went wrong. Please try again later."));
    let e = AuthenticationClient::new(options(None, &[("messages", obj(&[("NETWORKS", s("x"))]))])).err().unwrap();
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("messages.NETWORKS"));
    // Refused while they are read (an unknown key): still in their `lang`.
    let e = AuthenticationClient::new(options(None, &[("lang", s("en-US")), ("langs", s("x"))])).err().unwrap();
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Something went wrong. Please try again later."));
    // The digits-only fields of the DTOs: any other character is "not a valid phone number" for
    // the person; the detail tells the developer where a `+` and the code belong.
    let sms_to = |number: &str| english.send_sms(obj(&[("channel", s("CHANNEL_BIND_PHONE")), ("phoneNumber", s(number))]), none());
    let e = expect_err(sms_to("+8613800138000"), "INVALID_ARGUMENT").await;
    assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("PHONE_NOT_A_NUMBER"));
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("This is not a valid phone number."));
    assert!(get_str(&e, &["detail"]).unwrap().contains("CountryCode"));
    // The server's own words stay the message of a refusal it sent (code API).
    let strict =
        AuthenticationClient::new(options(Some("not-a-real-token"), &[("throwOnError", JsValue::TRUE), ("lang", s("zh-CN"))])).unwrap();
    let e = expect_err(strict.get_profile(JsValue::UNDEFINED, none()), "API").await;
    let server = get_str(&e, &["message"]).unwrap();
    assert!(server.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "the server's zh-CN words: {server}");
}

#[wasm_bindgen_test]
async fn network_failures_say_what_happened() {
    // Nothing listens: unreachable.
    let nowhere = AuthenticationClient::new(options(None, &[("appHost", s("http://127.0.0.1:1")), ("lang", s("en-US"))])).unwrap();
    let e = expect_err(nowhere.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), none()), "NETWORK").await;
    assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("UNREACHABLE"));
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("Could not connect. Please check your network and try again."));
    // The connection broke while the answer arrived: unreachable, no question asked.
    let c = client(None);
    let gets = || async { requests().await.iter().filter(|r| get_str(r, &["method"]).as_deref() == Some("GET")).count() };
    let before = gets().await;
    fault(obj(&[("drop", JsValue::TRUE), ("body", s("{\"statusCode\""))])).await;
    let e = call(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), none())).await.expect_err("cut off");
    if code_of(&e) == "BAD_RESPONSE" {
        // WebKit hands over a body cut off mid-way as if it were whole (then no envelope).
        let agent = get_str(&js_sys::global(), &["navigator", "userAgent"]).unwrap_or_default();
        assert!(agent.contains("AppleWebKit") && !agent.contains("Chrome"), "BAD_RESPONSE in {agent}");
    } else {
        assert_eq!(code_of(&e), "NETWORK");
        assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("UNREACHABLE"));
    }
    assert_eq!(gets().await, before, "an answer came: nothing to ask");
    // Timed out and cancelled have their own codes.
    fault(obj(&[("hang", JsValue::TRUE)])).await;
    let e =
        expect_err(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), opts(&[("timeout", JsValue::from_f64(200.0))])), "TIMEOUT").await;
    assert_eq!(get_str(&e, &["message"]).as_deref(), Some("服务响应超时，请重试。"));
    // The server answers, but not to this origin: the browser withholds it (CORS).
    let in_browser = Reflect::has(&js_sys::global(), &s("document")).unwrap_or(false);
    let elsewhere = || obj(&[("headers", obj(&[("access-control-allow-origin", s("https://elsewhere.invalid"))]))]);
    // Only the request itself refused: the plain CORS GET that asks after it is answered, so
    // the server is there for this origin and it was the connection that failed.
    fault(elsewhere()).await;
    let e =
        expect_err(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), none()), if in_browser { "NETWORK" } else { "BAD_RESPONSE" }).await;
    if in_browser {
        assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("UNREACHABLE"));
    }
    // The request and the CORS GET refused, an opaque GET answered: blocked by the browser.
    fault(elsewhere()).await;
    fault(elsewhere()).await;
    let r = call(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), none())).await;
    if in_browser {
        let e = r.expect_err("blocked");
        assert_eq!(code_of(&e), "NETWORK");
        assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("BLOCKED"));
        assert!(get_str(&e, &["detail"]).unwrap().contains("CORS"));
        assert!(get_str(&e, &["message"]).unwrap().contains("浏览器拦截"));
    } else {
        // Outside browsers nothing enforces CORS: the answer arrives (not an envelope), and the
        // second fault is left for the next request.
        assert_eq!(code_of(&r.expect_err("not an envelope")), "BAD_RESPONSE");
        dev("DELETE", "/__emulator/faults", None).await;
    }
}

#[wasm_bindgen_test]
async fn no_message_or_detail_holds_what_the_caller_passed() {
    let number = "13912345678";
    let code = "864209";
    let token = String::from("tok-") + SECRET_MARK;
    let mut seen: Vec<JsValue> = Vec::new();
    for lang in ["zh-CN", "en-US"] {
        let c = AuthenticationClient::new(options(Some(&token), &[("lang", s(lang)), ("throwOnError", JsValue::TRUE)])).unwrap();
        // One at a time: a promise made before the one awaited may reject with no handler yet.
        let calls: [&dyn Fn() -> js_sys::Promise; 5] = [
            &|| c.send_sms(obj(&[("channel", s("CHANNEL_BIND_PHONE")), ("phoneNumber", s(&(number.to_string() + "x")))]), none()),
            &|| c.unbind_phone(obj(&[("passCode", s(&(code.to_string() + "x")))]), none()),
            &|| c.unbind_phone(obj(&[("passCode", s(code))]), none()),
            &|| c.verify_update_phone_request(verify_dto(number, code, Some((number, code))), none()),
            &|| c.update_phone(token_dto(&token), none()),
        ];
        for make in calls {
            seen.push(call(make()).await.expect_err("refused"));
        }
        for input in [number.to_string() + "#", String::from("+86 ") + number + "9999", number.to_string() + "0000000"] {
            let options = obj(&[("lang", s(lang)), ("defaultCountryCode", s("+86"))]);
            seen.push(parse_phone_number(s(&input), options).expect_err("refused"));
        }
        let f = c.phone_change(JsValue::UNDEFINED).unwrap();
        seen.push(f.set_new_number(s(&(number.to_string() + "12345")), JsValue::UNDEFINED));
    }
    assert_eq!(seen.len(), 18);
    for e in &seen {
        code_of(e);
        let said = [get_str(e, &["message"]), get_str(e, &["detail"]), JSON_of(e)];
        for text in said.iter().flatten() {
            for secret in [number, code, SECRET_MARK] {
                assert!(!text.contains(secret), "{secret} in {text:?}");
            }
        }
    }
}

#[allow(non_snake_case)]
fn JSON_of(e: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(e).ok().and_then(|s| s.as_string())
}

#[wasm_bindgen_test]
fn every_flow_error_is_worded_too() {
    let c = AuthenticationClient::new(options(None, &[("lang", s("en-US"))])).unwrap();
    let f = c.phone_change(JsValue::UNDEFINED).unwrap();
    let e = f.set_new_number(s("+86 1380013800O"), JsValue::UNDEFINED);
    assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("PHONE_NOT_A_NUMBER"));
    let shown = get(&f.state(), &["error"]);
    assert_eq!(get_str(&shown, &["message"]), get_str(&e, &["message"]));
    assert_eq!(get_str(&shown, &["message"]).as_deref(), Some("This is not a valid phone number."));
    // The split form and a typed string are the same number.
    assert!(f.set_new_number(s("138 0013 8000"), s("+86")).is_null());
    let split = get(&f.state(), &["newNumber"]);
    assert!(f.set_new_number(s("+86 (0)138-0013-8000"), JsValue::UNDEFINED).is_null());
    assert!(f.set_new_number(s("+8613800138000"), JsValue::UNDEFINED).is_null());
    assert_eq!(get(&f.state(), &["newNumber"]), split, "the same number: the state did not change");
    // Nothing typed is no error, whatever the country code; an unset picker ("") is no code.
    for cc in [JsValue::UNDEFINED, s(""), s("86"), s("+86")] {
        assert!(f.set_new_number(s(" "), cc).is_null());
        assert!(get(&f.state(), &["error"]).is_null());
    }
    assert!(f.set_new_number(s("+44 20 7946 0958"), s("")).is_null());
    assert_eq!(get_str(&f.state(), &["newNumber", "phoneCountryCode"]).as_deref(), Some("+44"));
    // Without a country code a national number is read as GenAuth reads it, and sent without one.
    assert!(f.set_new_number(s("139-0000-0000"), JsValue::UNDEFINED).is_null());
    assert_eq!(get_str(&f.state(), &["newNumber", "phoneNumber"]).as_deref(), Some("13900000000"));
    assert!(get(&f.state(), &["newNumber", "phoneCountryCode"]).is_null());
}
