//! The client against a running emulator over real HTTP (with CORS in browsers): every
//! method's success path and every error code. Included by tests/browser.rs (Chromium,
//! Firefox) and tests/node.rs (Node).

mod bad_input;
mod flow_defects;
mod flows;
mod giving_up;
mod hostile;
mod messages;
mod resilience;
mod support;
mod transport;

use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

const BIND: &str = "CHANNEL_BIND_PHONE";
const UNBIND: &str = "CHANNEL_UNBIND_PHONE";

/// Sends the new number's code and verifies it; returns the updatePhoneToken.
async fn verified_token(c: &genauth_phone::AuthenticationClient, new_phone: &str) -> String {
    let sent = call(c.send_sms(sms(BIND, new_phone), none())).await.unwrap();
    assert_eq!(get_num(&sent, &["statusCode"]), Some(200.0));
    let code = latest_code(BIND, new_phone).await;
    let v = call(c.verify_update_phone_request(verify_dto(new_phone, &code, None), none())).await.unwrap();
    assert_eq!(get_num(&v, &["statusCode"]), Some(200.0), "{:?}", get_str(&v, &["message"]));
    get_str(&v, &["data", "updatePhoneToken"]).expect("a token")
}

#[wasm_bindgen_test]
async fn change_number_without_old_phone_verification() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let new_phone = new_phone();
    let before = request_count().await;
    let token = verified_token(&c, &new_phone).await;
    let done = call(c.update_phone(token_dto(&token), none())).await.unwrap();
    assert_eq!(get_num(&done, &["statusCode"]), Some(200.0));
    assert_eq!(user_phone(&user.id).await.as_deref(), Some(new_phone.as_str()));

    // The wire: exact bodies and headers, as the official SDKs send them.
    let log = requests().await;
    assert_eq!(log.length() - before, 3);
    let sms_req = log.get(before);
    assert_eq!(get_str(&sms_req, &["path"]).as_deref(), Some("/api/v3/send-sms"));
    let mut expected = String::from(r#"{"channel":"CHANNEL_BIND_PHONE","phoneNumber":""#);
    expected.push_str(&new_phone);
    expected.push_str(r#"","phoneCountryCode":"+86"}"#);
    assert_eq!(get_str(&sms_req, &["body"]), Some(expected));
    assert_eq!(get_str(&sms_req, &["headers", "x-authing-app-id"]).as_deref(), Some(APP_ID));
    assert_eq!(get_str(&sms_req, &["headers", "content-type"]).as_deref(), Some("application/json"));
    assert_eq!(get_str(&sms_req, &["headers", "authorization"]).as_deref(), Some(user.token.as_str()));
    let update_req = log.get(before + 2);
    assert_eq!(get_str(&update_req, &["path"]).as_deref(), Some("/api/v3/update-phone"));
    let mut expected = String::from(r#"{"updatePhoneToken":""#);
    expected.push_str(&token);
    expected.push_str(r#""}"#);
    assert_eq!(get_str(&update_req, &["body"]), Some(expected));
    assert_eq!(get(&update_req, &["headers", "x-authing-lang"]), JsValue::UNDEFINED);
}

#[wasm_bindgen_test]
async fn change_number_with_old_phone_verification() {
    settings(true, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let new_phone = new_phone();
    call(c.send_sms(sms(BIND, &new_phone), none())).await.unwrap();
    call(c.send_sms(sms(UNBIND, &user.phone), none())).await.unwrap();
    let new_code = latest_code(BIND, &new_phone).await;
    let old_code = latest_code(UNBIND, &user.phone).await;

    // Without the old number's code the pool refuses: resolved as an envelope by default.
    let refused = call(c.verify_update_phone_request(verify_dto(&new_phone, &new_code, None), none())).await.unwrap();
    assert_eq!(get_num(&refused, &["statusCode"]), Some(400.0));

    let v = call(c.verify_update_phone_request(verify_dto(&new_phone, &new_code, Some((&user.phone, &old_code))), none())).await.unwrap();
    assert_eq!(get_num(&v, &["statusCode"]), Some(200.0), "{:?}", get_str(&v, &["message"]));
    assert!(get_num(&v, &["data", "tokenExpiresIn"]).is_some());
    let token = get_str(&v, &["data", "updatePhoneToken"]).unwrap();
    call(c.update_phone(token_dto(&token), none())).await.unwrap();
    assert_eq!(user_phone(&user.id).await.as_deref(), Some(new_phone.as_str()));
    settings(false, 60.0).await;
}

#[wasm_bindgen_test]
async fn unbind_phone_and_its_refusal() {
    settings(false, 60.0).await;
    // With an email left, the phone can go.
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    call(c.send_sms(sms(UNBIND, &user.phone), none())).await.unwrap();
    let code = latest_code(UNBIND, &user.phone).await;
    let done = call(c.unbind_phone(obj(&[("passCode", s(&code))]), none())).await.unwrap();
    assert_eq!(get_num(&done, &["statusCode"]), Some(200.0));
    assert_eq!(user_phone(&user.id).await, None);

    // Without another login method it cannot: resolved by default, thrown with throwOnError.
    let lonely = new_user(false).await;
    let c = client(Some(&lonely.token));
    call(c.send_sms(sms(UNBIND, &lonely.phone), none())).await.unwrap();
    let code = latest_code(UNBIND, &lonely.phone).await;
    let refused = call(c.unbind_phone(obj(&[("passCode", s(&code))]), none())).await.unwrap();
    assert_eq!(get_num(&refused, &["apiCode"]), Some(2217.0));
    assert_ne!(get_num(&refused, &["statusCode"]), Some(200.0));

    let strict = genauth_phone::AuthenticationClient::new(options(Some(&lonely.token), &[("throwOnError", JsValue::TRUE)])).unwrap();
    let e = expect_err(strict.unbind_phone(obj(&[("passCode", s(&code))]), none()), "API").await;
    assert_eq!(get_num(&e, &["apiCode"]), Some(2217.0));
    assert!(get_str(&e, &["requestId"]).is_some());
    assert_eq!(user_phone(&lonely.id).await.as_deref(), Some(lonely.phone.as_str()));
}

#[wasm_bindgen_test]
async fn invalid_arguments_are_refused_before_any_traffic() {
    let c = client(Some("some-token"));
    let before = request_count().await;
    let cases: Vec<(js_sys::Promise, &str)> = vec![
        (c.send_sms(obj(&[("channel", s(BIND))]), none()), "phoneNumber"),
        (c.send_sms(obj(&[("channel", s("CHANNEL_UPDATE_PHONE")), ("phoneNumber", s("13900000000"))]), none()), "channel"),
        (c.send_sms(obj(&[("channel", s(BIND)), ("phoneNumber", s("+8613900000000"))]), none()), "phoneNumber"),
        (c.send_sms(obj(&[("channel", s(BIND)), ("phoneNumber", JsValue::from_f64(13900000000.0))]), none()), "phoneNumber"),
        (
            c.send_sms(obj(&[("channel", s(BIND)), ("phoneNumber", s("13900000000")), ("phoneCountrycode", s("+86"))]), none()),
            "phoneCountrycode",
        ),
        (c.send_sms(s("not an object"), none()), "dto"),
        (c.send_sms(JsValue::NULL, none()), "dto"),
        (c.send_sms(sms(BIND, "13900000000"), opts(&[("timeout", JsValue::from_f64(0.0))])), "opts.timeout"),
        (c.send_sms(sms(BIND, "13900000000"), opts(&[("signal", s("nope"))])), "opts.signal"),
        (
            c.verify_update_phone_request(obj(&[("verifyMethod", s("EMAIL_PASSCODE")), ("phonePassCodePayload", obj(&[]))]), none()),
            "verifyMethod",
        ),
        (c.verify_update_phone_request(obj(&[("verifyMethod", s("PHONE_PASSCODE"))]), none()), "phonePassCodePayload"),
        (c.verify_update_phone_request(verify_dto("13900000000", "12a456", None), none()), "phonePassCodePayload.newPhonePassCode"),
        (
            c.verify_update_phone_request(verify_dto("13900000000", "123456", Some(("1390000", "1"))), none()),
            "phonePassCodePayload.oldPhonePassCode",
        ),
        (c.update_phone(obj(&[("updatePhoneToken", s(""))]), none()), "updatePhoneToken"),
        (c.update_phone(obj(&[]), none()), "updatePhoneToken"),
        (c.unbind_phone(obj(&[("passCode", JsValue::from_f64(1234.0))]), none()), "passCode"),
        (c.unbind_phone(obj(&[("passcode", s("1234"))]), none()), "passcode"),
    ];
    for (promise, field) in cases {
        let e = expect_err(promise, "INVALID_ARGUMENT").await;
        assert_eq!(get_str(&e, &["field"]).as_deref(), Some(field));
        assert!(get_str(&e, &["detail"]).unwrap().starts_with(field));
    }
    assert_eq!(request_count().await, before, "no request may reach the server");
}

#[wasm_bindgen_test]
fn constructor_refuses_bad_options_and_app_secret() {
    let bad = [
        (options(None, &[("appSecret", s("s3cr3t"))]), "appSecret"),
        (obj(&[("appHost", s(EMULATOR))]), "appId"),
        (options(None, &[("appHost", s("http://example.com"))]), "appHost"),
        (options(None, &[("timeout", s("5000"))]), "timeout"),
        (options(None, &[("lang", s("fr-FR"))]), "lang"),
        (options(None, &[("apphost", s("x"))]), "apphost"),
        (options(None, &[("accessToken", s(""))]), "accessToken"),
    ];
    for (o, field) in bad {
        let e = genauth_phone::AuthenticationClient::new(o).err().expect("refused");
        assert_eq!(code_of(&e), "INVALID_ARGUMENT");
        assert_eq!(get_str(&e, &["field"]).as_deref(), Some(field));
        assert!(!get_str(&e, &["message"]).unwrap().contains("s3cr3t"));
    }
    // Plain http to a remote host only when explicitly allowed.
    assert!(genauth_phone::AuthenticationClient::new(options(
        None,
        &[("appHost", s("http://example.com")), ("allowInsecureHttp", JsValue::TRUE)]
    ))
    .is_ok());
}

#[wasm_bindgen_test]
async fn inherited_properties_are_never_read() {
    let proto = js_sys::Object::get_prototype_of(&js_sys::Object::new().into());
    js_sys::Reflect::set(&proto, &s("accessToken"), &s("planted-token")).unwrap();
    js_sys::Reflect::set(&proto, &s("phoneCountryCode"), &s("+1")).unwrap();
    let c = client(None);
    let before = request_count().await;
    let result = call(c.update_phone(token_dto("abc"), none())).await;
    let sent = call(c.send_sms(obj(&[("channel", s(BIND)), ("phoneNumber", s(&new_phone()))]), none())).await;
    js_sys::Reflect::delete_property(&proto, &s("accessToken")).unwrap();
    js_sys::Reflect::delete_property(&js_sys::Object::get_prototype_of(&js_sys::Object::new().into()), &s("phoneCountryCode")).unwrap();
    assert_eq!(code_of(&result.unwrap_err()), "NOT_AUTHENTICATED");
    assert_eq!(get_num(&sent.unwrap(), &["statusCode"]), Some(200.0));
    let log = requests().await;
    assert_eq!(log.length(), before + 1);
    let body = get_str(&log.get(before), &["body"]).unwrap();
    assert!(!body.contains("phoneCountryCode"), "inherited field sent: {body}");
}

#[wasm_bindgen_test]
async fn not_authenticated_without_a_token() {
    let c = client(None);
    let before = request_count().await;
    expect_err(c.verify_update_phone_request(verify_dto("13900000000", "123456", None), none()), "NOT_AUTHENTICATED").await;
    expect_err(c.update_phone(token_dto("abc"), none()), "NOT_AUTHENTICATED").await;
    expect_err(c.unbind_phone(obj(&[("passCode", s("1234"))]), none()), "NOT_AUTHENTICATED").await;
    assert_eq!(request_count().await, before);
    assert!(c.set_access_token(s("")).is_err());
}

#[wasm_bindgen_test]
async fn sms_cooldown_is_enforced_by_the_client() {
    let c = client(None);
    let phone = new_phone();
    assert_eq!(c.sms_cooldown_remaining(sms(BIND, &phone)).unwrap(), 0.0);
    call(c.send_sms(sms(BIND, &phone), none())).await.unwrap();
    let before = request_count().await;
    let e = expect_err(c.send_sms(sms(BIND, &phone), none()), "SMS_COOLDOWN").await;
    let wait = get_num(&e, &["retryAfterMs"]).unwrap();
    assert!(wait > 50_000.0 && wait <= 60_000.0, "{wait}");
    assert_eq!(request_count().await, before);
    let remaining = c.sms_cooldown_remaining(sms(BIND, &phone)).unwrap();
    assert!(remaining > 50_000.0 && remaining <= 60_000.0);
    // Another channel for the same number is free.
    assert_eq!(c.sms_cooldown_remaining(sms(UNBIND, &phone)).unwrap(), 0.0);
    // No country code is the server's default +86: the same number, the same cooldown.
    let without = c.sms_cooldown_remaining(obj(&[("channel", s(BIND)), ("phoneNumber", s(&phone))])).unwrap();
    assert!(without > 50_000.0, "{without}");
    let e = c.sms_cooldown_remaining(sms("CHANNEL_NOPE", &phone)).expect_err("unknown channel accepted");
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("channel"));
}

#[wasm_bindgen_test]
async fn update_token_expiry_and_reuse_are_known_to_the_client() {
    settings(false, 1.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let token = verified_token(&c, &new_phone()).await;
    sleep(1100.0).await;
    let before = request_count().await;
    expect_err(c.update_phone(token_dto(&token), none()), "TOKEN_EXPIRED").await;
    assert_eq!(request_count().await, before);

    settings(false, 60.0).await;
    let token = verified_token(&c, &new_phone()).await;
    call(c.update_phone(token_dto(&token), none())).await.unwrap();
    let before = request_count().await;
    expect_err(c.update_phone(token_dto(&token), none()), "TOKEN_CONSUMED").await;
    assert_eq!(request_count().await, before);
    // A token this client never saw is sent as it is; the server refuses it.
    let unknown = call(c.update_phone(token_dto("never-issued"), none())).await.unwrap();
    assert_ne!(get_num(&unknown, &["statusCode"]), Some(200.0));
}

#[wasm_bindgen_test]
async fn update_token_lifetime_counts_from_when_the_verify_request_left() {
    // A 2 s token whose answer takes 1.2 s to arrive: 0.9 s after the answer, 2.1 s after the
    // request left, the client knows it expired (counting from the answer would give 1.1 s).
    settings(false, 2.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let phone = new_phone();
    call(c.send_sms(sms(BIND, &phone), none())).await.unwrap();
    let code = latest_code(BIND, &phone).await;
    fault(obj(&[("delayMs", JsValue::from_f64(1200.0))])).await;
    let v = call(c.verify_update_phone_request(verify_dto(&phone, &code, None), none())).await.unwrap();
    let token = get_str(&v, &["data", "updatePhoneToken"]).expect("a token");
    sleep(900.0).await;
    let before = request_count().await;
    expect_err(c.update_phone(token_dto(&token), none()), "TOKEN_EXPIRED").await;
    assert_eq!(request_count().await, before);
    settings(false, 60.0).await;
}

#[wasm_bindgen_test]
async fn timeout_aborts_the_request() {
    let c = client(None);
    fault(obj(&[("delayMs", JsValue::from_f64(3000.0))])).await;
    let started = js_sys::Date::now();
    expect_err(c.send_sms(sms(BIND, &new_phone()), opts(&[("timeout", JsValue::from_f64(300.0))])), "TIMEOUT").await;
    assert!(js_sys::Date::now() - started < 2500.0);
    let short = genauth_phone::AuthenticationClient::new(options(None, &[("timeout", JsValue::from_f64(300.0))])).unwrap();
    fault(obj(&[("hang", JsValue::TRUE)])).await;
    expect_err(short.send_sms(sms(BIND, &new_phone()), none()), "TIMEOUT").await;
}

#[wasm_bindgen_test]
async fn caller_signal_aborts_the_request() {
    let c = client(None);
    let controller = abort_controller();
    fault(obj(&[("delayMs", JsValue::from_f64(3000.0))])).await;
    let signal = get(&controller, &["signal"]);
    let promise = c.send_sms(sms(BIND, &new_phone()), opts(&[("signal", signal.clone())]));
    sleep(100.0).await;
    abort(&controller);
    expect_err(promise, "ABORTED").await;
    // Already aborted: refused without traffic.
    let before = request_count().await;
    expect_err(c.send_sms(sms(BIND, &new_phone()), opts(&[("signal", signal)])), "ABORTED").await;
    assert_eq!(request_count().await, before);
}

#[wasm_bindgen_test]
async fn transport_failures_have_their_codes() {
    let c = client(None);
    fault(dropped_connections().into_iter().collect::<js_sys::Array>().into()).await;
    let posts = || async { requests().await.iter().filter(|r| get_str(r, &["method"]).as_deref() == Some("POST")).count() };
    let before = posts().await;
    expect_err(c.send_sms(sms(BIND, &new_phone()), none()), "NETWORK").await;
    // The request's own attempts (the GETs that ask why no answer came are not counted).
    let attempts = (posts().await - before) as u32;
    assert!((1..=DROPS_PER_FAILED_CALL as u32).contains(&attempts), "{attempts}");
    dev("DELETE", "/__emulator/faults", None).await;

    let nobody = genauth_phone::AuthenticationClient::new(options(None, &[("appHost", s("http://127.0.0.1:9"))])).unwrap();
    expect_err(nobody.send_sms(sms(BIND, &new_phone()), none()), "NETWORK").await;

    fault(obj(&[("status", JsValue::from_f64(500.0)), ("contentType", s("text/html")), ("body", s("<html>oops</html>"))])).await;
    let e = expect_err(c.send_sms(sms(BIND, &new_phone()), none()), "HTTP_STATUS").await;
    assert_eq!(get_num(&e, &["statusCode"]), Some(500.0));

    fault(obj(&[
        ("status", JsValue::from_f64(429.0)),
        ("headers", obj(&[("retry-after", s("7"))])),
        ("contentType", s("application/json")),
        ("body", s(r#"{"statusCode":429,"message":"slow down","apiCode":4290,"requestId":"r-1"}"#)),
    ]))
    .await;
    // An HTTP 429 to a send is the server's cooldown: SMS_COOLDOWN for as long as it said.
    let phone = new_phone();
    let e = expect_err(c.send_sms(sms(BIND, &phone), none()), "SMS_COOLDOWN").await;
    assert_eq!(get_num(&e, &["statusCode"]), Some(429.0));
    assert_eq!(get_num(&e, &["retryAfterMs"]), Some(7000.0));
    assert_eq!(get_num(&e, &["apiCode"]), Some(4290.0));
    assert_eq!(get_str(&e, &["requestId"]).as_deref(), Some("r-1"));
    let wait = c.sms_cooldown_remaining(sms(BIND, &phone)).unwrap();
    assert!(wait > 5000.0 && wait <= 7000.0, "{wait}");

    for body in ["not json", "", "[1,2]", r#"{"message":"no status"}"#, r#"{"statusCode":"200"}"#] {
        fault(obj(&[("status", JsValue::from_f64(200.0)), ("contentType", s("application/json")), ("body", s(body))])).await;
        expect_err(c.send_sms(sms(BIND, &new_phone()), none()), "BAD_RESPONSE").await;
    }
    // And the same client still works.
    let ok = call(c.send_sms(sms(BIND, &new_phone()), none())).await.unwrap();
    assert_eq!(get_num(&ok, &["statusCode"]), Some(200.0));
}

#[wasm_bindgen_test]
async fn each_call_carries_the_token_current_when_it_started() {
    let users = [new_user(true).await, new_user(true).await, new_user(true).await];
    let c = client(None);
    let before = request_count().await;
    let promises = js_sys::Array::new();
    let mut expected = std::collections::HashMap::new();
    for i in 0..100 {
        let user = &users[i % 3];
        c.set_access_token(s(&user.token)).unwrap();
        let marker = String::from("probe-token-") + &i.to_string();
        expected.insert(marker.clone(), user.token.clone());
        promises.push(&c.update_phone(token_dto(&marker), none()));
    }
    let settled = call(js_sys::Promise::all_settled(&promises)).await.unwrap();
    let settled: js_sys::Array = settled.unchecked_into();
    assert_eq!(settled.length(), 100);
    for r in settled.iter() {
        assert_eq!(get_str(&r, &["status"]).as_deref(), Some("fulfilled"));
    }
    let log = requests().await;
    let mut seen = 0;
    for r in log.iter().skip(before as usize) {
        let body = get_str(&r, &["body"]).unwrap();
        let marker = body.trim_start_matches(r#"{"updatePhoneToken":""#).trim_end_matches(r#""}"#);
        if let Some(token) = expected.get(marker) {
            assert_eq!(get_str(&r, &["headers", "authorization"]).as_ref(), Some(token));
            seen += 1;
        }
    }
    assert_eq!(seen, 100);
}

#[wasm_bindgen_test]
async fn lang_is_sent_and_errors_are_recognised() {
    let c = genauth_phone::AuthenticationClient::new(options(None, &[("lang", s("zh-CN"))])).unwrap();
    let before = request_count().await;
    call(c.send_sms(sms(BIND, &new_phone()), none())).await.unwrap();
    let r = requests().await.get(before);
    assert_eq!(get_str(&r, &["headers", "x-authing-lang"]).as_deref(), Some("zh-CN"));
    let e = expect_err(c.update_phone(token_dto("x"), none()), "NOT_AUTHENTICATED").await;
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(get_str(&e, &["name"]).as_deref(), Some("GenAuthError"));
    assert!(!genauth_phone::is_gen_auth_error(js_sys::Error::new("plain").into()));
    assert!(!genauth_phone::is_gen_auth_error(JsValue::NULL));
}
