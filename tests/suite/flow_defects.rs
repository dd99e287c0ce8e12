//! The flows' defects found by review and by newcomers' acceptance runs, each pinned by a test
//! that failed before its fix: a confirm whose answer never came, stale and lingering stored
//! cooldowns, a current number never read, a snapshot shared but not frozen, refusals that
//! rejected or overwrote the person's error, a borrow held while JS ran, the wrong field read
//! from a message, a wait read from the wrong number, a subscription after free() or undone by
//! a stale unsubscribe, a half-typed number that threw, and a cooldown's end never told.

use super::flows::*;
use super::support::*;
use super::{BIND, UNBIND};
use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

/// Sends the new number's code and verifies it: the flow is at "confirm".
async fn verified(f: &genauth_phone::PhoneFlow, phone: &str) {
    done(f.send_code(s("new"))).await;
    let code = latest_code(BIND, phone).await;
    done(f.verify(codes(&code, None))).await;
    assert_eq!(step(f), "confirm");
}

async fn no_faults() {
    dev("DELETE", "/__emulator/faults", None).await;
}

#[wasm_bindgen_test]
async fn a_confirm_whose_answer_never_came_finishes_from_the_profile() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    // Timed out after the server applied the change: done, not back at the codes.
    let phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&phone)), ("timeout", JsValue::from_f64(600.0))]);
    verified(&f, &phone).await;
    fault(obj(&[("hang", JsValue::TRUE), ("apply", JsValue::TRUE)])).await;
    done(f.confirm(JsValue::UNDEFINED)).await;
    assert_eq!(step(&f), "done");
    assert_eq!(get_str(&state(&f), &["currentNumber", "phoneNumber"]).as_deref(), Some(phone.as_str()));
    assert_eq!(user_phone(&user.id).await.as_deref(), Some(phone.as_str()));

    // A dropped connection after the change, then the server calling the token used (9009).
    for answer in [obj(&[("drop", JsValue::TRUE)]), obj(&[("body", s(r#"{"statusCode":400,"apiCode":9009,"message":"used"}"#))])] {
        let phone = new_phone();
        let f = change(&c, &[("newPhoneNumber", s(&phone))]);
        verified(&f, &phone).await;
        Reflect::set(&answer, &s("apply"), &JsValue::TRUE).unwrap();
        fault(answer).await;
        done(f.confirm(JsValue::UNDEFINED)).await;
        assert_eq!(step(&f), "done");
        assert_eq!(user_phone(&user.id).await.as_deref(), Some(phone.as_str()));
    }

    // Not applied (the answer was lost before the server saw it): the failure stands, and
    // the token is still good for another try.
    let phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&phone)), ("timeout", JsValue::from_f64(600.0))]);
    verified(&f, &phone).await;
    // (A hang, not a dropped connection: a browser resends a request whose reused connection
    // closed without an answer.)
    fault(obj(&[("hang", JsValue::TRUE)])).await;
    fails(f.confirm(JsValue::UNDEFINED), "TIMEOUT").await;
    assert_eq!(step(&f), "confirm");
    assert_ne!(user_phone(&user.id).await.as_deref(), Some(phone.as_str()));
    done(f.confirm(JsValue::UNDEFINED)).await;
    assert_eq!(user_phone(&user.id).await.as_deref(), Some(phone.as_str()));

    // free() while the confirm is on the wire (a React unmount) lets it finish.
    let phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&phone))]);
    verified(&f, &phone).await;
    fault(obj(&[("delayMs", JsValue::from_f64(300.0))])).await;
    let confirming = f.confirm(JsValue::UNDEFINED);
    f.retire();
    done(confirming).await;
    assert_eq!(user_phone(&user.id).await.as_deref(), Some(phone.as_str()));

    // A removal whose answer was lost: the profile has no number, so it is done.
    let r = c.phone_removal(obj(&[("currentPhoneNumber", s(&phone))])).unwrap();
    done(r.send_code(JsValue::UNDEFINED)).await;
    let code = latest_code(UNBIND, &phone).await;
    fault(obj(&[("drop", JsValue::TRUE), ("apply", JsValue::TRUE)])).await;
    done(r.confirm(s(&code))).await;
    assert_eq!(step(&r), "done");
    assert_eq!(user_phone(&user.id).await, None);
    no_faults().await;
}

/// `localStorage` (a real one in browsers, a stand-in in Node) and its cooldown list.
fn storage() -> JsValue {
    ensure_storage();
    Reflect::get(&js_sys::global(), &s("localStorage")).unwrap()
}
const STORE_KEY: &str = "genauth-phone:sms-cooldowns:emulator-app";
fn stored() -> Option<String> {
    let st = storage();
    let get_item: Function = Reflect::get(&st, &s("getItem")).unwrap().unchecked_into();
    get_item.call1(&st, &s(STORE_KEY)).unwrap().as_string()
}
fn store(text: &str) {
    let st = storage();
    let set_item: Function = Reflect::get(&st, &s("setItem")).unwrap().unchecked_into();
    set_item.call2(&st, &s(STORE_KEY), &s(text)).unwrap();
}
fn with_end(text: &str, end: f64) -> String {
    let key = text.split(':').next().unwrap();
    format!("{key}:{end}")
}

#[wasm_bindgen_test]
async fn stored_cooldowns_are_short_pruned_and_never_lock_a_number_out() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    store("");
    let c = client(Some(&user.token));
    let phone = new_phone();
    let dto = sms(BIND, &phone);
    call(c.send_sms(dto.clone(), none())).await.unwrap();
    let text = stored().expect("stored");
    // One entry: a 4-hex-digit key (thousands of numbers share it) and its end.
    let (key, end) = text.split_once(':').unwrap();
    assert!(key.len() == 4 && key.bytes().all(|b| b.is_ascii_hexdigit()), "{text}");
    assert!(end.parse::<f64>().unwrap() > Date::now() + 50_000.0, "{text}");

    // An end far beyond the longest wait (a clock set ahead, another script): dropped, and
    // the list rewritten, instead of a day's wait on every check.
    store(&with_end(&text, Date::now() + 10.0 * 365.0 * 86_400_000.0));
    let reloaded = reloaded_client(Some(&user.token));
    assert_eq!(reloaded.sms_cooldown_remaining(dto.clone()).unwrap(), 0.0);
    assert_eq!(stored(), None, "the list had nothing else: the key is gone");

    // An ended entry is pruned on load.
    store(&with_end(&text, Date::now() - 1000.0));
    let reloaded = reloaded_client(Some(&user.token));
    assert_eq!(reloaded.sms_cooldown_remaining(dto.clone()).unwrap(), 0.0);
    assert_eq!(stored(), None);

    // Sign-out and free() remove the list at once.
    call(reloaded.send_sms(sms(BIND, &new_phone()), none())).await.unwrap();
    assert!(stored().is_some());
    reloaded.set_access_token(JsValue::NULL).unwrap();
    assert_eq!(stored(), None, "signed out");
    let other = reloaded_client(Some(&user.token));
    call(other.send_sms(sms(BIND, &new_phone()), none())).await.unwrap();
    assert!(stored().is_some());
    other.retire();
    assert_eq!(stored(), None, "freed");
}

#[wasm_bindgen_test]
async fn the_current_number_is_read_whatever_the_person_does_first() {
    settings(true, 60.0).await;
    let user = new_user(true).await;
    // Created before sign-in: read once a token is set.
    let c = client(None);
    let r = c.phone_removal(JsValue::UNDEFINED).unwrap();
    assert!(get(&state(&r), &["currentNumber"]).is_null());
    c.set_access_token(s(&user.token)).unwrap();
    idle(&r).await;
    assert_eq!(get_str(&state(&r), &["currentNumber", "phoneNumber"]).as_deref(), Some(user.phone.as_str()));
    assert_eq!(get_str(&state(&r), &["sends", "0", "maskedNumber"]).map(|m| m.contains('*')), Some(true));

    // A send to the new number at once does not stop the read (it used to abort it).
    let c = client(Some(&user.token));
    let phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&phone)), ("verifyOldPhone", JsValue::TRUE)]);
    done(f.send_code(s("new"))).await;
    idle(&f).await;
    assert_eq!(get_str(&state(&f), &["currentNumber", "phoneNumber"]).as_deref(), Some(user.phone.as_str()));
    // Nor does editing the number.
    let g = change(&c, &[("verifyOldPhone", JsValue::TRUE)]);
    assert!(g.set_new_number(s(&new_phone()), JsValue::UNDEFINED).is_null());
    idle(&g).await;
    assert_eq!(get_str(&state(&g), &["currentNumber", "phoneNumber"]).as_deref(), Some(user.phone.as_str()));
    settings(false, 60.0).await;
}

#[wasm_bindgen_test]
async fn the_state_is_frozen_all_the_way_down() {
    let c = client(Some("valid-token"));
    let f =
        change(&c, &[("newPhoneNumber", s("13900000000")), ("currentPhoneNumber", s("13800000000")), ("verifyOldPhone", JsValue::TRUE)]);
    let st = state(&f);
    for path in [&[][..], &["newNumber"], &["currentNumber"], &["sends"], &["sends", "0"], &["sends", "1"]] {
        let v = get(&st, path);
        assert!(v.is_object() && Object::is_frozen(v.unchecked_ref::<Object>()), "{path:?} is not frozen");
    }
}

#[wasm_bindgen_test]
async fn misuse_never_rejects_or_hides_the_persons_error() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&phone))]);
    done(f.send_code(s("new"))).await;
    // A wrong code: in the state and in the resolved value.
    let e = fails(f.verify(codes("000000", None)), "API").await;
    assert!(get(&state(&f), &["error"]) == e);
    // Misuse resolves with INVALID_STATE and leaves the person's error in place.
    fails(f.send_code(s("current")), "INVALID_STATE").await;
    fails(f.confirm(JsValue::UNDEFINED), "INVALID_STATE").await;
    assert!(get(&state(&f), &["error"]) == e, "the wrong code is still what the person sees");
    // Done, then a double-clicked confirm: the done state keeps no error.
    let code = latest_code(BIND, &phone).await;
    done(f.verify(codes(&code, None))).await;
    done(f.confirm(JsValue::UNDEFINED)).await;
    fails(f.confirm(JsValue::UNDEFINED), "INVALID_STATE").await;
    assert!(get(&state(&f), &["error"]).is_null());
    assert_eq!(step(&f), "done");
}

/// Wraps the global `clearTimeout` so that it calls `callback` first; returns the function that
/// restores it. Built at run time, not as an `inline_js` snippet: Node 18 cannot `require` one.
fn wrap_clear_timeout(callback: &Function) -> Function {
    let wrap = Function::new_with_args(
        "callback",
        "const original = globalThis.clearTimeout; \
         globalThis.clearTimeout = function (id) { callback(); return original.call(this, id); }; \
         return () => { globalThis.clearTimeout = original; };",
    );
    wrap.call1(&JsValue::UNDEFINED, callback).expect("wrapped").unchecked_into()
}

#[wasm_bindgen_test]
async fn a_wrapped_clear_timeout_may_call_back_into_the_flow() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&phone))]);
    verified(&f, &phone).await;
    // The token's expiry timer is cleared when the number changes: the page's clearTimeout
    // reads the state and changes the flow again from inside (a borrow held here trapped).
    let flow: JsValue = f.into();
    let calls = Array::new();
    let thrown = Array::new();
    let holder = obj(&[("calls", calls.clone().into()), ("thrown", thrown.clone().into()), ("flow", flow.clone())]);
    // What the inner calls throw is kept (a trap is a RuntimeError that clearTimeout's catch
    // would otherwise swallow).
    let reenter = Function::new_with_args(
        "",
        "this.calls.push(1); try { void this.flow.state; this.flow.setNewNumber('13700000000'); } \
         catch (e) { this.thrown.push(String(e)); }",
    );
    let restore = wrap_clear_timeout(&reenter.bind0(&holder));
    let e = invoke(&flow, "setNewNumber", &[s(&new_phone())]);
    restore.call0(&JsValue::UNDEFINED).unwrap();
    assert!(e.is_null(), "{e:?}");
    assert!(calls.length() >= 1, "the wrapper ran");
    assert_eq!(thrown.length(), 0, "the flow threw from inside clearTimeout: {:?}", thrown.to_vec());
    // The module still works.
    assert_eq!(get_str(&Reflect::get(&flow, &s("state")).unwrap(), &["step"]).as_deref(), Some("codes"));
    assert!(invoke(&flow, "setNewNumber", &[s(&phone)]).is_null());
}

#[wasm_bindgen_test]
async fn the_api_code_is_read_before_the_message() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let phone = new_phone();
    let f = change(&c, &[("newPhoneNumber", s(&phone))]);
    done(f.send_code(s("new"))).await;
    // 2038 with a message that names the old number: the number is wrong, not a missing code.
    fault(obj(&[("body", s(r#"{"statusCode":400,"apiCode":2038,"message":"旧手机号与当前绑定的手机号不一致"}"#))])).await;
    let e = fails(f.verify(codes("123456", None)), "API").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("currentPhoneNumber"));
    assert_eq!(get(&state(&f), &["verifyOldPhone"]), JsValue::FALSE, "not turned on by the words");
    no_faults().await;
}

#[wasm_bindgen_test]
async fn a_servers_wait_is_a_number_with_its_unit() {
    settings(false, 60.0).await;
    let c = client(None);
    for (message, ms) in [("请1分钟后再试", 60_000.0), ("5 per 60 seconds", 60_000.0), ("slow down", 60_000.0), ("请 7 秒后再试", 7000.0)]
    {
        let body = format!(r#"{{"statusCode":429,"message":"{message}"}}"#);
        fault(obj(&[("status", JsValue::from_f64(429.0)), ("body", s(&body))])).await;
        let e = expect_err(c.send_sms(sms(BIND, &new_phone()), none()), "SMS_COOLDOWN").await;
        assert_eq!(get_num(&e, &["retryAfterMs"]), Some(ms), "{message}");
    }
}

#[wasm_bindgen_test]
async fn subscriptions_after_free_and_stale_unsubscribes() {
    let c = client(Some("valid-token"));
    let f = change(&c, &[]);
    // The same function every time, and it works unbound.
    assert!(f.subscribe() == f.subscribe());
    let heard = Array::new();
    let a = Function::new_with_args("", "this.push(1)").bind0(&heard);
    let u1 = subscribe(&f, &a);
    u1.call0(&JsValue::UNDEFINED).unwrap();
    let _u2 = subscribe(&f, &a);
    // A stale unsubscribe does nothing: A still hears.
    u1.call0(&JsValue::UNDEFINED).unwrap();
    assert!(f.set_new_number(s("13900000000"), JsValue::UNDEFINED).is_null());
    assert_eq!(heard.length(), 1);
    // After free(), subscribing is refused like every other method.
    let sub: Function = f.subscribe().unchecked_into();
    f.retire();
    let e = sub.call1(&JsValue::UNDEFINED, &a).expect_err("refused after free()");
    assert_eq!(code_of(&e), "CLIENT_FREED");
}

#[wasm_bindgen_test]
async fn a_half_typed_number_is_state_not_an_exception() {
    let c = client(Some("valid-token"));
    let f = change(&c, &[]);
    let heard = Array::new();
    let _u = subscribe(&f, &Function::new_with_args("", "this.push(1)").bind0(&heard));
    for partial in ["1", "139", "+86 139"] {
        let e = f.set_new_number(s(partial), JsValue::UNDEFINED);
        assert_eq!(get_str(&e, &["field"]).as_deref(), Some("newPhoneNumber"), "{partial}");
        assert!(get(&state(&f), &["error"]) == e);
        assert!(get(&state(&f), &["newNumber"]).is_null());
        assert_eq!(step(&f), "number");
    }
    // The step that needs a number refuses, and the number's problem stays on show.
    let shown = get(&state(&f), &["error"]);
    fails(f.send_code(s("new")), "INVALID_STATE").await;
    assert!(get(&state(&f), &["error"]) == shown);
    // Emptied: no error; finished: no error, and the codes step.
    assert!(f.set_new_number(s(""), JsValue::UNDEFINED).is_null());
    assert!(get(&state(&f), &["error"]).is_null());
    assert!(f.set_new_number(s("13900000000"), JsValue::UNDEFINED).is_null());
    assert_eq!(step(&f), "codes");
    assert!(heard.length() >= 4, "each change was told: {}", heard.length());
}

#[wasm_bindgen_test]
async fn subscribers_hear_when_a_cooldown_ends() {
    settings(false, 60.0).await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let f = change(&c, &[("newPhoneNumber", s(&new_phone()))]);
    fault(obj(&[("status", JsValue::from_f64(429.0)), ("headers", obj(&[("retry-after", s("1"))])), ("body", s("{}"))])).await;
    fails(f.send_code(s("new")), "SMS_COOLDOWN").await;
    assert!(send_field(&f, 0, "cooldownUntil").as_f64().unwrap() > Date::now());
    let heard = Array::new();
    let _u = subscribe(&f, &Function::new_with_args("", "this.push(1)").bind0(&heard));
    sleep(1300.0).await;
    assert!(heard.length() >= 1, "told when the wait ended, without a timer of the page's");
    assert_eq!(send_field(&f, 0, "cooldownUntil").as_f64(), Some(0.0));
    assert!(heard.length() <= 2, "once per end, not a tick: {}", heard.length());
}

// Found by review after the fixes above: each failed before its fix.

fn no_phone_profile() -> JsValue {
    obj(&[("body", s(r#"{"statusCode":200,"data":{"phone":null}}"#))])
}

#[wasm_bindgen_test]
async fn a_late_background_read_does_not_undo_a_finished_removal() {
    settings(false, 60.0).await;
    no_faults().await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    // The background read's answer: the profile as it was, delivered after the removal.
    let body = format!(r#"{{"statusCode":200,"data":{{"phone":"{}","phoneCountryCode":"+86"}}}}"#, user.phone);
    fault(obj(&[("delayMs", JsValue::from_f64(1500.0)), ("body", s(&body))])).await;
    let r = c.phone_removal(JsValue::UNDEFINED).unwrap();
    sleep(100.0).await;
    done(r.send_code(JsValue::UNDEFINED)).await;
    let code = latest_code(UNBIND, &user.phone).await;
    done(r.confirm(s(&code))).await;
    assert_eq!(step(&r), "done");
    assert_eq!(user_phone(&user.id).await, None);
    sleep(1800.0).await;
    assert!(
        get(&state(&r), &["currentNumber"]).is_null(),
        "removed, yet shown: {:?}",
        get_str(&state(&r), &["currentNumber", "phoneNumber"])
    );
    assert!(get(&state(&r), &["error"]).is_null());
}

#[wasm_bindgen_test]
async fn an_account_without_a_number_is_the_persons_error_not_misuse() {
    settings(false, 60.0).await;
    no_faults().await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    fault(Array::of2(&no_phone_profile(), &no_phone_profile()).into()).await;
    let r = c.phone_removal(JsValue::UNDEFINED).unwrap();
    sleep(300.0).await;
    let e = fails(r.send_code(JsValue::UNDEFINED), "NO_PHONE_NUMBER").await;
    assert!(get(&state(&r), &["error"]) == e, "shown in the state");
    no_faults().await;
}

#[wasm_bindgen_test]
async fn a_change_made_while_the_state_is_built_is_not_cached_stale() {
    let c = client(Some("valid-token"));
    let flow: JsValue = change(&c, &[("newPhoneNumber", s("13900000000"))]).into();
    // Page code that runs while the snapshot is built (a planted setter) changes the number.
    let plant = Function::new_with_args(
        "flow",
        "let once = true; Object.defineProperty(Object.prototype, 'kind', { configurable: true, \
         set(v) { if (once) { once = false; flow.setNewNumber('13700000000'); } } });",
    );
    plant.call1(&JsValue::UNDEFINED, &flow).unwrap();
    let _ = Reflect::get(&flow, &s("state")).unwrap();
    Function::new_no_args("delete Object.prototype.kind;").call0(&JsValue::UNDEFINED).unwrap();
    let now = Reflect::get(&flow, &s("state")).unwrap();
    assert_eq!(get_str(&now, &["newNumber", "phoneNumber"]).as_deref(), Some("13700000000"), "a stale state was kept");
}

#[wasm_bindgen_test]
async fn a_listener_that_syncs_the_input_starts_no_read_loop() {
    settings(true, 60.0).await;
    no_faults().await;
    let user = new_user(true).await;
    let c = client(Some(&user.token));
    let list = Array::new();
    for _ in 0..40 {
        list.push(&no_phone_profile());
    }
    fault(list.into()).await;
    let before = request_count().await;
    let flow: JsValue = change(&c, &[("newPhoneNumber", s("13900000000")), ("verifyOldPhone", JsValue::TRUE)]).into();
    // A listener that writes the input's value back on every change (a controlled field).
    let sync = Function::new_with_args("", "this.setNewNumber('13900000000');").bind0(&flow);
    invoke(&flow, "subscribe", &[sync.into()]);
    sleep(1000.0).await;
    let reads =
        requests().await.iter().skip(before as usize).filter(|r| get_str(r, &["path"]).is_some_and(|p| p.contains("get-profile"))).count();
    no_faults().await;
    settings(false, 60.0).await;
    assert!(reads <= 2, "{reads} profile reads in a second with nothing typed");
}
