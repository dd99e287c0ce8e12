//! The flow objects (`phoneChange`, `phoneRemoval`) and `getProfile` against the emulator:
//! with and without old-number verification, the toggle mid-flow, wrong codes, a number edited
//! after a send, double confirm, token expiry, cooldowns shared through storage and from the
//! server's 429, removal and its refusal, cancel.

use super::support::*;
use super::{BIND, UNBIND};
use genauth_phone::{AuthenticationClient, PhoneFlow};
use js_sys::{Array, Date, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

pub(super) fn change(c: &AuthenticationClient, pairs: &[(&str, JsValue)]) -> PhoneFlow {
    c.phone_change(obj(pairs)).expect("phoneChange")
}

pub(super) fn state(f: &PhoneFlow) -> JsValue {
    f.state()
}

pub(super) fn step(f: &PhoneFlow) -> String {
    get_str(&state(f), &["step"]).unwrap_or_default()
}

/// `state.sends[i].name`.
pub(super) fn send_field(f: &PhoneFlow, i: u32, name: &str) -> JsValue {
    let sends: Array = get(&state(f), &["sends"]).unchecked_into();
    Reflect::get(&sends.get(i), &s(name)).unwrap()
}

pub(super) fn codes(new: &str, current: Option<&str>) -> JsValue {
    let mut pairs = vec![("newCode", s(new))];
    if let Some(c) = current {
        pairs.push(("currentCode", s(c)));
    }
    obj(&pairs)
}

/// Waits (at most 2 s) until the flow knows the current number (read in the background).
pub(super) async fn idle(f: &PhoneFlow) {
    until(f, &["currentNumber"]).await;
}

/// Waits (at most 2 s) until `state` has a non-null value at `path`.
pub(super) async fn until(f: &PhoneFlow, path: &[&str]) {
    for _ in 0..100 {
        if !get(&state(f), path).is_null() {
            return;
        }
        sleep(20.0).await;
    }
    panic!("state.{path:?} stayed null");
}

/// What a flow step's promise resolves with (`null` or a `GenAuthError`); it never rejects.
pub(super) async fn outcome(p: Promise) -> JsValue {
    match call(p).await {
        Ok(v) => v,
        Err(e) => panic!("a flow step rejected: {:?}", get_str(&e, &["message"])),
    }
}

/// The step succeeded.
pub(super) async fn done(p: Promise) {
    let v = outcome(p).await;
    assert!(v.is_null(), "the step failed: {:?} {:?}", get_str(&v, &["code"]), get_str(&v, &["message"]));
}

/// The step resolved with a `GenAuthError` of `code`, which it returns.
pub(super) async fn fails(p: Promise, code: &str) -> JsValue {
    let v = outcome(p).await;
    assert_eq!(code_of(&v), code, "{:?}", get_str(&v, &["message"]));
    v
}

pub(super) fn is_gen_auth_error(v: JsValue) -> bool {
    genauth_phone::is_gen_auth_error(v)
}

/// `flow.subscribe(listener)` through the property, as JS calls it (unbound).
pub(super) fn subscribe(f: &PhoneFlow, listener: &Function) -> Function {
    let subscribe: Function = f.subscribe().unchecked_into();
    subscribe.call1(&JsValue::UNDEFINED, listener).expect("subscribed").unchecked_into()
}

/// A code different from `code` (same length).
pub(super) fn wrong(code: &str) -> String {
    code.bytes().map(|b| if b == b'9' { '0' } else { char::from(b + 1) }).collect()
}

#[wasm_bindgen_test]
async fn change_without_old_number_verification_and_a_double_confirm() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let f = change(&c, &[]);
    assert_eq!(step(&f), "number");
    let new_phone = new_phone();
    assert!(f.set_new_number(s(&new_phone), JsValue::UNDEFINED).is_null());
    assert_eq!(step(&f), "codes");
    assert_eq!(send_field(&f, 0, "channel").as_string().as_deref(), Some(BIND));
    assert_eq!(send_field(&f, 0, "sent"), JsValue::FALSE);
    let masked = send_field(&f, 0, "maskedNumber").as_string().unwrap();
    // No country code was given, so none is shown (or sent: the server applies its default).
    assert!(masked.starts_with("139") && masked.contains('*') && !masked.contains(&new_phone), "{masked}");

    // Subscribers hear every change; the state object stays the same between changes.
    let heard = Array::new();
    let listener = Function::new_with_args("", "this.push(1)").bind0(&heard);
    let unsubscribe = subscribe(&f, &listener);
    let before = state(&f);
    assert!(before == state(&f), "the same object until a change");

    done(f.send_code(s("new"))).await;
    assert!(heard.length() >= 2, "busy, then sent: {}", heard.length());
    assert!(before != state(&f));
    assert_eq!(send_field(&f, 0, "sent"), JsValue::TRUE);
    let until = send_field(&f, 0, "cooldownUntil").as_f64().unwrap();
    assert!(until > Date::now() + 50_000.0, "{until}");
    // A second send is refused locally while the number waits.
    let e = fails(f.send_code(s("new")), "SMS_COOLDOWN").await;
    assert!(get_num(&e, &["retryAfterMs"]).unwrap() > 50_000.0);
    assert_eq!(code_of(&get(&state(&f), &["error"])), "SMS_COOLDOWN");

    let code = latest_code(BIND, &new_phone).await;
    let verify_sent = Date::now();
    done(f.verify(codes(&code, None))).await;
    assert_eq!(step(&f), "confirm");
    let expires = get_num(&state(&f), &["tokenExpiresAt"]).unwrap();
    assert!(expires >= verify_sent + 59_000.0 && expires <= Date::now() + 60_000.0, "{expires}");
    // The token stays inside the module.
    let shown = js_sys::JSON::stringify(&state(&f)).unwrap().as_string().unwrap();
    assert!(!shown.to_lowercase().contains("token\":\""), "{shown}");

    // A double click: one request, one promise.
    let before = request_count().await;
    let (p1, p2) = (f.confirm(JsValue::UNDEFINED), f.confirm(JsValue::UNDEFINED));
    assert!(JsValue::from(p1.clone()) == JsValue::from(p2.clone()), "the same promise");
    done(p1).await;
    done(p2).await;
    let updates =
        requests().await.iter().skip(before as usize).filter(|r| get_str(r, &["path"]).as_deref() == Some("/api/v3/update-phone")).count();
    assert_eq!(updates, 1);
    assert_eq!(step(&f), "done");
    assert_eq!(get_str(&state(&f), &["currentNumber", "phoneNumber"]).as_deref(), Some(new_phone.as_str()));
    assert_eq!(user_phone(&user.id).await.as_deref(), Some(new_phone.as_str()));
    // Done is done.
    fails(f.send_code(s("new")), "INVALID_STATE").await;

    // A done flow keeps its number.
    let e = f.set_new_number(s(&super::support::new_phone()), JsValue::UNDEFINED);
    assert_eq!(code_of(&e), "INVALID_STATE");
    let heard_before = heard.length();
    unsubscribe.call0(&JsValue::UNDEFINED).unwrap();
    unsubscribe.call0(&JsValue::UNDEFINED).unwrap();
    fails(f.send_code(s("new")), "INVALID_STATE").await;
    assert_eq!(heard.length(), heard_before, "unsubscribed");
}

#[wasm_bindgen_test]
async fn change_with_old_number_verification_and_wrong_codes() {
    settings(true, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let new_phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&new_phone)), ("verifyOldPhone", JsValue::TRUE)]);
    // The current number is read with getProfile.
    idle(&f).await;
    assert_eq!(get_str(&state(&f), &["currentNumber", "phoneNumber"]).as_deref(), Some(user.phone.as_str()));
    assert_eq!(send_field(&f, 1, "channel").as_string().as_deref(), Some(UNBIND));
    done(f.send_code(s("new"))).await;
    done(f.send_code(s("current"))).await;
    assert_eq!(send_field(&f, 1, "sent"), JsValue::TRUE);
    let new_code = latest_code(BIND, &new_phone).await;
    let old_code = latest_code(UNBIND, &user.phone).await;

    // The current code is required here.
    let e = fails(f.verify(codes(&new_code, None)), "INVALID_ARGUMENT").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("currentCode"));
    // A wrong new code names the new code; a wrong old code names the old one.
    let e = fails(f.verify(codes(&wrong(&new_code), Some(&old_code))), "API").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("newCode"), "{:?}", get_str(&e, &["message"]));
    let e = fails(f.verify(codes(&new_code, Some(&wrong(&old_code)))), "API").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("currentCode"), "{:?}", get_str(&e, &["message"]));
    assert_eq!(get_str(&state(&f), &["error", "field"]).as_deref(), Some("currentCode"));

    done(f.verify(codes(&new_code, Some(&old_code)))).await;
    assert!(get(&state(&f), &["error"]).is_null(), "a success clears the last failure");
    done(f.confirm(JsValue::UNDEFINED)).await;
    assert_eq!(user_phone(&user.id).await.as_deref(), Some(new_phone.as_str()));
    settings(false, 60.0).await;
}

#[wasm_bindgen_test]
async fn the_toggle_turned_on_mid_flow_and_by_the_server() {
    settings(true, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let new_phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&new_phone))]);
    assert_eq!(Array::from(&get(&state(&f), &["sends"])).length(), 1);
    done(f.send_code(s("new"))).await;
    let new_code = latest_code(BIND, &new_phone).await;
    // The pool verifies the old number, the flow did not know: the refusal turns it on and
    // names the current code in the client's own words (not the server's, which names its
    // internal fields), and the current number is read.
    let e = fails(f.verify(codes(&new_code, None)), "INVALID_ARGUMENT").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("currentCode"));
    assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("CODE_MISSING"));
    let shown = get_str(&state(&f), &["error", "message"]).unwrap_or_default();
    assert_eq!(shown, "请输入验证码。", "the catalogue's words, in the default language");
    let detail = get_str(&state(&f), &["error", "detail"]).unwrap_or_default();
    assert!(!detail.contains("oldPhone") && detail.contains("current number"), "{detail}");
    assert_eq!(get(&state(&f), &["verifyOldPhone"]), JsValue::TRUE);
    idle(&f).await;
    assert_eq!(Array::from(&get(&state(&f), &["sends"])).length(), 2);
    assert_eq!(get_str(&state(&f), &["currentNumber", "phoneNumber"]).as_deref(), Some(user.phone.as_str()));
    // The new number's code sent before still counts: no resend needed.
    assert_eq!(send_field(&f, 0, "sent"), JsValue::TRUE);
    done(f.send_code(s("current"))).await;
    let old_code = latest_code(UNBIND, &user.phone).await;
    done(f.verify(codes(&new_code, Some(&old_code)))).await;

    // Turned off by the page: the token verified under the other rule is dropped.
    assert!(f.set_verify_old_phone(JsValue::FALSE).is_null());
    assert_eq!(step(&f), "codes");
    assert_eq!(Array::from(&get(&state(&f), &["sends"])).length(), 1);
    assert!(f.set_verify_old_phone(JsValue::TRUE).is_null());
    assert_eq!(Array::from(&get(&state(&f), &["sends"])).length(), 2);
    assert_eq!(code_of(&f.set_verify_old_phone(s("yes"))), "INVALID_ARGUMENT");
    settings(false, 60.0).await;
}

#[wasm_bindgen_test]
async fn a_number_edited_after_a_send_starts_the_codes_over() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let (first, second) = (new_phone(), new_phone());
    let f = change(&c, &[("newPhoneNumber", s(&first))]);
    done(f.send_code(s("new"))).await;
    assert_eq!(send_field(&f, 0, "sent"), JsValue::TRUE);
    let first_code = latest_code(BIND, &first).await;
    assert!(f.set_new_number(s(&second), s("+86")).is_null());
    // No resend is offered for a number never sent to, and the old code does not fit it.
    assert_eq!(send_field(&f, 0, "sent"), JsValue::FALSE);
    assert_eq!(get_str(&state(&f), &["newNumber", "phoneNumber"]).as_deref(), Some(second.as_str()));
    let e = fails(f.verify(codes(&first_code, None)), "API").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("newCode"));
    // Bad input names the argument, before any traffic.
    let before = request_count().await;
    let e = f.set_new_number(s("+86 139 00"), JsValue::UNDEFINED);
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("newPhoneNumber"));
    assert_eq!(get_str(&e, &["reason"]).as_deref(), Some("PHONE_TOO_SHORT"));
    let e = f.set_new_number(s("13900000000"), s("86"));
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("newPhoneCountryCode"));
    assert!(get(&state(&f), &["newNumber"]).is_null(), "no number while it is wrong");
    assert!(f.set_new_number(s(&second), s("+86")).is_null());
    let e = fails(f.verify(obj(&[("newCode", s("12"))])), "INVALID_ARGUMENT").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("newCode"));
    fails(f.send_code(s("sideways")), "INVALID_ARGUMENT").await;
    fails(f.send_code(s("current")), "INVALID_STATE").await;
    // Nothing verified yet: nothing to confirm.
    fails(f.confirm(JsValue::UNDEFINED), "INVALID_STATE").await;
    assert_eq!(request_count().await, before);
}

#[wasm_bindgen_test]
async fn token_expiry_is_told_and_refused_locally() {
    settings(false, 1.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let new_phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&new_phone))]);
    done(f.send_code(s("new"))).await;
    let code = latest_code(BIND, &new_phone).await;
    done(f.verify(codes(&code, None))).await;
    assert_eq!(step(&f), "confirm");
    let heard = Array::new();
    let _ = subscribe(&f, &Function::new_with_args("", "this.push(1)").bind0(&heard));
    sleep(1300.0).await;
    // The flow told its subscribers, without being asked.
    assert!(heard.length() >= 1);
    assert_eq!(step(&f), "codes");
    assert_eq!(code_of(&get(&state(&f), &["error"])), "TOKEN_EXPIRED");
    let before = request_count().await;
    fails(f.confirm(JsValue::UNDEFINED), "TOKEN_EXPIRED").await;
    assert_eq!(request_count().await, before, "refused without a request");
    settings(false, 60.0).await;
}

/// A `localStorage` for runtimes without one (Node): a plain object with the Storage methods.
pub(super) fn ensure_storage() {
    let global = js_sys::global();
    if Reflect::get(&global, &s("localStorage")).map(|v| v.is_object()).unwrap_or(false) {
        return;
    }
    let store = Function::new_no_args(
        "const m = new Map(); return { getItem: (k) => m.has(k) ? m.get(k) : null, setItem: (k, v) => { m.set(k, String(v)); }, \
         removeItem: (k) => { m.delete(k); } };",
    )
    .call0(&JsValue::UNDEFINED)
    .unwrap();
    Reflect::set(&global, &s("localStorage"), &store).unwrap();
}

#[wasm_bindgen_test]
async fn cooldowns_survive_a_reload_and_follow_the_server() {
    settings(false, 60.0).await;
    ensure_storage();
    let user = new_user(true).await;
    let phone = new_phone();
    let first = client(Some(&user.token));
    call(first.send_sms(sms(BIND, &phone), none())).await.unwrap();
    // A reload: a new client on the same storage knows the number waits, with or without +86.
    let second = reloaded_client(Some(&user.token));
    let f = change(&second, &[("newPhoneNumber", s(&phone))]);
    assert!(send_field(&f, 0, "cooldownUntil").as_f64().unwrap() > Date::now() + 50_000.0);
    assert_eq!(send_field(&f, 0, "sent"), JsValue::FALSE, "not sent by this flow");
    let wait = second.sms_cooldown_remaining(obj(&[("channel", s(BIND)), ("phoneNumber", s(&phone))])).unwrap();
    assert!(wait > 50_000.0, "{wait}");
    let stored = Reflect::get(&js_sys::global(), &s("localStorage")).unwrap();
    let text = Reflect::get(&stored, &s("getItem")).unwrap().unchecked_into::<Function>();
    let text = text.call1(&stored, &s("genauth-phone:sms-cooldowns:emulator-app")).unwrap().as_string().unwrap();
    assert!(!text.contains(&phone) && !text.contains(&phone[3..]), "no number in clear: {text}");

    // The server's own 429, from a send this client never saw: the countdown is the server's.
    let other = new_phone();
    fault(obj(&[
        ("status", JsValue::from_f64(200.0)),
        ("body", s(r#"{"statusCode":429,"message":"please wait 42 seconds","apiCode":9006}"#)),
    ]))
    .await;
    let g = change(&second, &[("newPhoneNumber", s(&other))]);
    let e = fails(g.send_code(s("new")), "SMS_COOLDOWN").await;
    assert_eq!(get_num(&e, &["retryAfterMs"]), Some(42_000.0));
    let until = send_field(&g, 0, "cooldownUntil").as_f64().unwrap();
    // Shared through storage in whole ms, rounded up.
    assert!(until > Date::now() + 40_000.0 && until <= Date::now() + 42_001.0, "{until}");
    // HTTP 429 with Retry-After.
    let third = new_phone();
    fault(obj(&[("status", JsValue::from_f64(429.0)), ("headers", obj(&[("retry-after", s("9"))])), ("body", s("{}"))])).await;
    assert!(g.set_new_number(s(&third), JsValue::UNDEFINED).is_null());
    let e = fails(g.send_code(s("new")), "SMS_COOLDOWN").await;
    assert_eq!(get_num(&e, &["retryAfterMs"]), Some(9000.0));
    dev("DELETE", "/__emulator/faults", None).await;
}

#[wasm_bindgen_test]
async fn removal_and_its_refusal() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let f = c.phone_removal(JsValue::UNDEFINED).unwrap();
    idle(&f).await;
    assert_eq!(step(&f), "codes");
    assert_eq!(get_str(&state(&f), &["currentNumber", "phoneNumber"]).as_deref(), Some(user.phone.as_str()));
    done(f.send_code(JsValue::UNDEFINED)).await;
    let code = latest_code(UNBIND, &user.phone).await;
    let e = fails(f.confirm(s(&wrong(&code))), "API").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("code"));
    done(f.confirm(s(&code))).await;
    assert_eq!(step(&f), "done");
    assert!(get(&state(&f), &["currentNumber"]).is_null());
    assert_eq!(user_phone(&user.id).await, None);
    // A change method on a removal flow.
    assert_eq!(code_of(&f.set_new_number(s("13900000000"), JsValue::UNDEFINED)), "INVALID_STATE");

    // The phone is the only way in: refused, and the flow stays at its codes.
    let lonely = new_user(false).await;
    let c = client(Some(&lonely.token));
    let f = c.phone_removal(obj(&[("currentPhoneNumber", s(&lonely.phone))])).unwrap();
    done(f.send_code(JsValue::UNDEFINED)).await;
    let code = latest_code(UNBIND, &lonely.phone).await;
    let e = fails(f.confirm(s(&code)), "API").await;
    assert_eq!(get_num(&e, &["apiCode"]), Some(2217.0));
    assert_eq!(step(&f), "codes");
}

#[wasm_bindgen_test]
async fn cancel_aborts_what_is_in_flight() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let f = change(&c, &[("newPhoneNumber", s(&new_phone()))]);
    fault(obj(&[("hang", JsValue::TRUE)])).await;
    let p: Promise = f.send_code(s("new"));
    assert_eq!(get_str(&state(&f), &["busy"]).as_deref(), Some("send-new"));
    // Another step while one runs is refused.
    fails(f.verify(codes("123456", None)), "INVALID_STATE").await;
    f.cancel();
    assert!(get(&state(&f), &["busy"]).is_null());
    fails(p, "ABORTED").await;
    assert_eq!(send_field(&f, 0, "sent"), JsValue::FALSE);
    dev("DELETE", "/__emulator/faults", None).await;
    // Freed: every method refuses.
    f.retire();
    fails(f.send_code(s("new")), "CLIENT_FREED").await;
}

#[wasm_bindgen_test]
async fn get_profile_is_sent_as_the_official_sdk_sends_it() {
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let before = request_count().await;
    let p = call(c.get_profile(JsValue::UNDEFINED, none())).await.unwrap();
    assert_eq!(get_num(&p, &["statusCode"]), Some(200.0));
    assert_eq!(get_str(&p, &["data", "userId"]).as_deref(), Some(user.id.as_str()));
    assert_eq!(get_str(&p, &["data", "phone"]).as_deref(), Some(user.phone.as_str()));
    assert_eq!(get_str(&p, &["data", "phoneCountryCode"]).as_deref(), Some("+86"));
    let logged = requests().await.get(before);
    assert_eq!(get_str(&logged, &["method"]).as_deref(), Some("GET"));
    assert_eq!(
        get_str(&logged, &["path"]).as_deref(),
        Some("/api/v3/get-profile?withCustomData=false&withIdentities=false&withDepartmentIds=false")
    );
    assert_eq!(get_str(&logged, &["headers", "authorization"]).as_deref(), Some(user.token.as_str()));
    assert_eq!(get_str(&logged, &["headers", "x-authing-app-id"]).as_deref(), Some(APP_ID));
    assert_eq!(get_str(&logged, &["headers", "content-type"]), None, "no body, no content type");
    assert_eq!(get_str(&logged, &["body"]).as_deref(), Some(""));
    let p = call(c.get_profile(obj(&[("withIdentities", JsValue::TRUE)]), none())).await.unwrap();
    assert!(Array::is_array(&get(&p, &["data", "identities"])));
    let e = expect_err(c.get_profile(obj(&[("withIdentities", s("yes"))]), none()), "INVALID_ARGUMENT").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("withIdentities"));
    // Signing out: calls that need the token are refused before any traffic.
    c.set_access_token(JsValue::NULL).unwrap();
    expect_err(c.get_profile(JsValue::UNDEFINED, none()), "NOT_AUTHENTICATED").await;
    assert!(c.set_access_token(JsValue::UNDEFINED).is_err(), "undefined is not a sign-out");
}

/// Calls `name` on a flow held as a JS object.
pub(super) fn invoke(flow: &JsValue, name: &str, args: &[JsValue]) -> JsValue {
    let f: Function = Reflect::get(flow, &s(name)).unwrap().unchecked_into();
    Reflect::apply(&f, flow, &args.iter().collect::<Array>()).unwrap()
}

#[wasm_bindgen_test]
async fn listeners_and_planted_setters_cannot_break_a_flow() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let phone = new_phone();
    let flow: JsValue = change(&c, &[("newPhoneNumber", s(&phone))]).into();
    // A listener that throws, and one that calls back into the flow on every change: reads
    // the state, starts a send (refused while one runs, or started), and subscribes again.
    invoke(&flow, "subscribe", &[Function::new_no_args("throw new Error('listener')").into()]);
    let reentrant = Function::new_with_args(
        "",
        "this.calls = (this.calls || 0) + 1; void this.flow.state; this.flow.sendCode('new'); \
         if (this.calls < 3) this.flow.subscribe(() => {});",
    );
    let ctx = obj(&[("flow", flow.clone())]);
    invoke(&flow, "subscribe", &[reentrant.bind0(&ctx).into()]);
    // Setters planted on the prototypes the flow's objects inherit from, calling back in.
    let plant = Function::new_with_args(
        "flow",
        "for (const [proto, key] of [[Object.prototype, 'sends'], [Error.prototype, 'field']]) \
         Object.defineProperty(proto, key, { configurable: true, set(v) { void flow.state; flow.cancel(); } });",
    );
    let unplant = Function::new_no_args("delete Object.prototype.sends; delete Error.prototype.field;");
    plant.call1(&JsValue::UNDEFINED, &flow).unwrap();
    let sent = outcome(invoke(&flow, "sendCode", &[s("new")]).unchecked_into()).await;
    let wrong = outcome(invoke(&flow, "verify", &[codes("000000", None)]).unchecked_into()).await;
    unplant.call0(&JsValue::UNDEFINED).unwrap();
    // Whatever those did, the module still works and every promise settled.
    assert!(sent.is_null() || is_gen_auth_error(sent));
    assert!(is_gen_auth_error(wrong));
    let calls = get_num(&ctx, &["calls"]).unwrap_or(0.0);
    assert!(calls >= 1.0, "the listener ran");
    // With the setters gone (the listeners stay), the whole change goes through.
    invoke(&flow, "cancel", &[]);
    let other = new_phone();
    invoke(&flow, "setNewNumber", &[s(&other)]);
    // The re-entrant listener's own send may be the one running: the same promise.
    done(invoke(&flow, "sendCode", &[s("new")]).unchecked_into()).await;
    let code = latest_code(BIND, &other).await;
    done(invoke(&flow, "verify", &[codes(&code, None)]).unchecked_into()).await;
    done(invoke(&flow, "confirm", &[]).unchecked_into()).await;
    assert_eq!(user_phone(&user.id).await.as_deref(), Some(other.as_str()));
    // And a fresh call on the client still works.
    let p = call(c.send_sms(sms(BIND, &new_phone()), none())).await.unwrap();
    assert_eq!(get_num(&p, &["statusCode"]), Some(200.0));
}

#[wasm_bindgen_test]
async fn a_background_profile_read_never_rejects_unhandled() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    // The README's order: create, then send at once (the background read gives way).
    let f = c.phone_removal(JsValue::UNDEFINED).unwrap();
    done(f.send_code(JsValue::UNDEFINED)).await;
    assert_eq!(send_field(&f, 0, "sent"), JsValue::TRUE);
    // A profile read that fails (a token the server refuses) shows in the state, once, and is
    // not retried.
    let refused = client(Some("not-a-token-the-server-knows"));
    let g = refused.phone_removal(JsValue::UNDEFINED).unwrap();
    until(&g, &["error"]).await;
    let before = request_count().await;
    sleep(200.0).await;
    assert_eq!(request_count().await, before, "no retry loop");
    // A freed flow's background read settles quietly too, and changes nothing.
    let h = c.phone_removal(JsValue::UNDEFINED).unwrap();
    h.retire();
    sleep(200.0).await;
    assert!(get(&state(&h), &["currentNumber"]).is_null() && get(&state(&h), &["error"]).is_null());
}
