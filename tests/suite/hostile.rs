//! Hostile values: JavaScript values that throw when touched (getters, Proxy traps, forged
//! and booby-trapped AbortSignals) or that change between reads, fed to every entry point.
//! Each call must reject (the constructor and the synchronous methods throw) with a
//! GenAuthError; nothing may reach the page's or process's uncaught-error handlers; no
//! unchecked value may reach the wire; and an ordinary call right after must succeed.

use super::support::*;
use genauth_phone::{is_gen_auth_error, AuthenticationClient};
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

// The helpers are built at run time, not declared as an `inline_js` snippet: the Node test
// build `require`s its snippets as CommonJS, and Node 18 cannot `require` a file that uses
// `export` (Node 20.19+ and 22.12+ can), so the snippet would keep the suite from loading there.
const HELPERS: &str = r#"
const boom = (what) => () => { throw new Error("hostile: " + what); };
function with_throwing_getter(base, key) {
  const o = { ...base };
  Object.defineProperty(o, key, { enumerable: true, get: boom("getter " + key) });
  return o;
}
function proxy_throwing(trap, target) {
  return new Proxy(target, { [trap]: boom("trap " + trap) });
}
function revoked_proxy() {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}
// Answers `first` on the first read of `key` and `later` on every read after it.
function changing(base, key, first, later) {
  const o = { ...base };
  let reads = 0;
  Object.defineProperty(o, key, { enumerable: true, get: () => (reads++ === 0 ? first : later) });
  return o;
}
function forged_signal() { return Object.create(AbortSignal.prototype); }
function signal_throwing_on(member) {
  const s = new AbortController().signal;
  Object.defineProperty(s, member, { get: boom(member) });
  return s;
}
function signal_whose(method_throws) {
  const s = new AbortController().signal;
  s[method_throws] = boom(method_throws);
  return s;
}
function proxied_signal() {
  return new Proxy(new AbortController().signal, { get: boom("signal get") });
}
// Records whatever reaches the uncaught-error handlers of Node or of a page.
function watch_uncaught() {
  const seen = [];
  const note = (e) => { seen.push(String(e && (e.reason || e.error || e.message) || e)); };
  if (typeof process !== "undefined" && process.on) {
    process.on("uncaughtException", note);
    process.on("unhandledRejection", note);
  }
  if (typeof addEventListener === "function") {
    addEventListener("error", note);
    addEventListener("unhandledrejection", note);
  }
  return seen;
}
return {
  with_throwing_getter, proxy_throwing, revoked_proxy, changing, forged_signal,
  signal_throwing_on, signal_whose, proxied_signal, watch_uncaught,
};
"#;

thread_local! {
    static JS_HELPERS: JsValue = Function::new_no_args(HELPERS).call0(&JsValue::UNDEFINED).unwrap();
}

/// Calls the helper `name` with `args`.
fn helper(name: &str, args: &[&JsValue]) -> JsValue {
    JS_HELPERS.with(|helpers| {
        let f: Function = Reflect::get(helpers, &name.into()).unwrap().unchecked_into();
        f.apply(&JsValue::UNDEFINED, &args.iter().collect::<Array>()).unwrap()
    })
}
fn with_throwing_getter(base: &JsValue, key: &str) -> JsValue {
    helper("with_throwing_getter", &[base, &key.into()])
}
fn proxy_throwing(trap: &str, target: &JsValue) -> JsValue {
    helper("proxy_throwing", &[&trap.into(), target])
}
fn revoked_proxy() -> JsValue {
    helper("revoked_proxy", &[])
}
fn changing(base: &JsValue, key: &str, first: &JsValue, later: &JsValue) -> JsValue {
    helper("changing", &[base, &key.into(), first, later])
}
fn forged_signal() -> JsValue {
    helper("forged_signal", &[])
}
fn signal_throwing_on(member: &str) -> JsValue {
    helper("signal_throwing_on", &[&member.into()])
}
fn signal_whose(method_throws: &str) -> JsValue {
    helper("signal_whose", &[&method_throws.into()])
}
fn proxied_signal() -> JsValue {
    helper("proxied_signal", &[])
}
fn watch_uncaught() -> Array {
    helper("watch_uncaught", &[]).unchecked_into()
}

/// The Proxy traps that reading an argument's own fields hits (`Object.keys`, `Reflect.get`).
const TRAPS: [&str; 3] = ["ownKeys", "get", "getOwnPropertyDescriptor"];
/// And those an `instanceof` check or a guard may hit.
const ALL_TRAPS: [&str; 5] = ["ownKeys", "get", "getOwnPropertyDescriptor", "has", "getPrototypeOf"];

/// Every hostile variant of one object argument: a throwing getter on each of its keys,
/// each Proxy trap throwing, a revoked Proxy.
fn hostile_objects(valid: &JsValue) -> Vec<JsValue> {
    let keys: Vec<String> = Reflect::own_keys(valid).unwrap().iter().filter_map(|k| k.as_string()).collect();
    let mut out: Vec<JsValue> = keys.iter().map(|k| with_throwing_getter(valid, k)).collect();
    out.extend(TRAPS.iter().map(|t| proxy_throwing(t, valid)));
    out.push(revoked_proxy());
    out
}

/// Hostile call options: a hostile object, and every kind of bad signal.
fn hostile_opts() -> Vec<JsValue> {
    let mut out = hostile_objects(&opts(&[("timeout", JsValue::from_f64(5000.0))]));
    let signals = [
        forged_signal(),
        signal_throwing_on("aborted"),
        signal_whose("addEventListener"),
        proxied_signal(),
        proxy_throwing("getPrototypeOf", &abort_signal()),
    ];
    out.extend(signals.iter().map(|sig| opts(&[("signal", sig.clone())])));
    out.push(with_throwing_getter(&opts(&[]), "signal"));
    out
}

fn abort_signal() -> JsValue {
    get(&abort_controller(), &["signal"])
}

/// A rejected call's or a thrown error's GenAuthError code.
fn refused(result: Result<JsValue, JsValue>, what: &str) -> String {
    let e = result.expect_err(what);
    assert!(is_gen_auth_error(e.clone()), "{what}: not a GenAuthError: {e:?}");
    code_of(&e)
}

#[wasm_bindgen_test]
async fn hostile_values_never_escape_and_never_reach_the_wire() {
    let uncaught = watch_uncaught();
    settings(false, 60.0).await;
    let c = client(Some("valid-token"));
    let before = request_count().await;
    let mut cases = 0;

    // The constructor and its options.
    for o in hostile_objects(&options(Some("tok"), &[("timeout", JsValue::from_f64(5000.0))])) {
        let code = refused(AuthenticationClient::new(o).map(|_| JsValue::NULL), "constructor");
        assert_eq!(code, "INVALID_ARGUMENT");
        cases += 1;
    }

    // Each method's argument, then its call options.
    let verify = verify_dto("13900000000", "123456", None);
    let dtos = [sms("CHANNEL_BIND_PHONE", "13900000000"), verify.clone(), token_dto("tok"), obj(&[("passCode", s("1234"))])];
    let start = |i: usize, dto: JsValue, o: JsValue| -> Promise {
        match i {
            0 => c.send_sms(dto, o),
            1 => c.verify_update_phone_request(dto, o),
            2 => c.update_phone(dto, o),
            _ => c.unbind_phone(dto, o),
        }
    };
    for (i, valid) in dtos.iter().enumerate() {
        let mut bad = hostile_objects(valid);
        if i == 1 {
            // The nested payload too.
            let payload = get(valid, &["phonePassCodePayload"]);
            bad.extend(
                hostile_objects(&payload).into_iter().map(|p| obj(&[("verifyMethod", s("PHONE_PASSCODE")), ("phonePassCodePayload", p)])),
            );
        }
        for dto in bad {
            assert_eq!(refused(call(start(i, dto, none())).await, "dto"), "INVALID_ARGUMENT");
            cases += 1;
        }
        for o in hostile_opts() {
            assert_eq!(refused(call(start(i, valid.clone(), o)).await, "opts"), "INVALID_ARGUMENT");
            cases += 1;
        }
    }

    // The synchronous methods.
    for v in [proxy_throwing("get", &obj(&[])), revoked_proxy(), with_throwing_getter(&obj(&[]), "x")] {
        assert_eq!(refused(c.set_access_token(v.clone()).map(|_| JsValue::NULL), "setAccessToken"), "INVALID_ARGUMENT");
        let r = c.sms_cooldown_remaining(v.clone()).map(JsValue::from);
        assert_eq!(refused(r, "smsCooldownRemaining"), "INVALID_ARGUMENT");
        // isGenAuthError answers, whatever it is given.
        assert!(!is_gen_auth_error(v));
        cases += 3;
    }
    for trap in ALL_TRAPS {
        assert!(!is_gen_auth_error(proxy_throwing(trap, &js_sys::Error::new("x").into())));
    }

    assert_eq!(request_count().await, before, "a hostile call reached the server");
    // Let any stray rejection or exception surface before looking.
    sleep(50.0).await;
    assert_eq!(uncaught.length(), 0, "uncaught: {:?}", uncaught.to_vec());
    // An ordinary call right after succeeds.
    let ok = call(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), none())).await.unwrap();
    assert_eq!(get_num(&ok, &["statusCode"]), Some(200.0));
    console_log!("hostile values: {cases} calls refused with a GenAuthError, nothing uncaught, nothing sent");
}

#[wasm_bindgen_test]
async fn a_value_that_changes_between_reads_is_read_once() {
    let c = client(None);
    let before = request_count().await;
    // Valid on the first read, invalid after: the checked first value is what is sent.
    let first = new_phone();
    let dto = changing(&sms("CHANNEL_BIND_PHONE", &first), "phoneNumber", &s(&first), &s("+8613900000000"));
    let sent = call(c.send_sms(dto, none())).await.unwrap();
    assert_eq!(get_num(&sent, &["statusCode"]), Some(200.0));
    let log = requests().await;
    assert_eq!(log.length(), before + 1);
    let body = get_str(&log.get(before), &["body"]).unwrap();
    assert!(body.contains(&first) && !body.contains("+86139"), "{body}");
    // Invalid on the first read, valid after: refused, nothing sent.
    let dto = changing(&sms("CHANNEL_BIND_PHONE", "1"), "phoneNumber", &s("not-a-number"), &s(&new_phone()));
    let e = expect_err(c.send_sms(dto, none()), "INVALID_ARGUMENT").await;
    assert_eq!(get_str(&e, &["field"]).as_deref(), Some("phoneNumber"));
    // The same for an option: a timeout valid once, then 0.
    let o = changing(&opts(&[]), "timeout", &JsValue::from_f64(5000.0), &JsValue::from_f64(0.0));
    let sent = call(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), o)).await.unwrap();
    assert_eq!(get_num(&sent, &["statusCode"]), Some(200.0));
    assert_eq!(request_count().await, before + 2);
}

#[wasm_bindgen_test]
async fn a_signal_that_throws_when_released_still_lets_the_call_settle() {
    let uncaught = watch_uncaught();
    let c = client(None);
    // removeEventListener runs after the answer, inside the future: it must not escape.
    let sent = call(c.send_sms(sms("CHANNEL_BIND_PHONE", &new_phone()), opts(&[("signal", signal_whose("removeEventListener"))]))).await;
    assert_eq!(get_num(&sent.unwrap(), &["statusCode"]), Some(200.0));
    sleep(50.0).await;
    assert_eq!(uncaught.length(), 0, "uncaught: {:?}", uncaught.to_vec());
}

#[wasm_bindgen_test]
async fn calls_after_free_reject_and_free_twice_is_harmless() {
    let c = client(Some("valid-token"));
    let before = request_count().await;
    // Through the real JS glue, as an app calls it.
    let js: JsValue = c.into();
    let method = |name: &str| -> Function { get(&js, &[name]).unchecked_into() };
    let apply = |name: &str, args: &[JsValue]| Reflect::apply(&method(name), &js, &args.iter().collect::<Array>());
    apply("free", &[]).expect("free");
    apply("free", &[]).expect("free twice");
    for (name, args) in [
        ("sendSms", vec![sms("CHANNEL_BIND_PHONE", &new_phone())]),
        ("verifyUpdatePhoneRequest", vec![verify_dto("13900000000", "123456", None)]),
        ("updatePhone", vec![token_dto("tok")]),
        ("unbindPhone", vec![obj(&[("passCode", s("1234"))])]),
    ] {
        let p: Promise = apply(name, &args).expect(name).unchecked_into();
        assert_eq!(code_of(&call(p).await.expect_err(name)), "CLIENT_FREED", "{name}");
    }
    assert_eq!(code_of(&apply("setAccessToken", &[s("t")]).expect_err("setAccessToken")), "CLIENT_FREED");
    let e = apply("smsCooldownRemaining", &[sms("CHANNEL_BIND_PHONE", "13900000000")]).expect_err("smsCooldownRemaining");
    assert_eq!(code_of(&e), "CLIENT_FREED");
    assert_eq!(request_count().await, before);
}

/// What a flow method gave back (a value, or a promise's result): it must not have thrown or
/// rejected, and must be a GenAuthError; its code.
fn flow_refused(r: Result<JsValue, JsValue>, what: &str) -> String {
    match r {
        Ok(e) => refused(Err(e), what),
        Err(e) => panic!("{what}: threw or rejected instead of resolving: {e:?}"),
    }
}

/// The flows' entry points: options, arguments and call options of every
/// method, refused with a GenAuthError before any traffic; every promise settles.
#[wasm_bindgen_test]
async fn hostile_values_at_the_flows_entry_points() {
    let uncaught = watch_uncaught();
    settings(false, 60.0).await;
    let c = client(Some("valid-token"));
    let before = request_count().await;
    let mut cases = 0;
    let current = ("currentPhoneNumber", s("13800000000"));
    let options = obj(&[("newPhoneNumber", s("13900000000")), ("verifyOldPhone", JsValue::FALSE), current.clone()]);
    for o in hostile_objects(&options) {
        assert_eq!(refused(c.phone_change(o.clone()).map(JsValue::from), "phoneChange"), "INVALID_ARGUMENT");
        assert_eq!(refused(c.phone_removal(o).map(JsValue::from), "phoneRemoval"), "INVALID_ARGUMENT");
        cases += 2;
    }
    for dto in hostile_objects(&obj(&[("withIdentities", JsValue::TRUE)])) {
        assert_eq!(refused(call(c.get_profile(dto, none())).await, "getProfile dto"), "INVALID_ARGUMENT");
        cases += 1;
    }
    for o in hostile_opts() {
        assert_eq!(refused(call(c.get_profile(JsValue::UNDEFINED, o)).await, "getProfile opts"), "INVALID_ARGUMENT");
        cases += 1;
    }

    let change = c.phone_change(options.clone()).unwrap();
    let removal = c.phone_removal(obj(&[current])).unwrap();
    let plain = [proxy_throwing("get", &obj(&[])), revoked_proxy(), with_throwing_getter(&obj(&[]), "x")];
    let function = Function::new_no_args("");
    let functions = ["getPrototypeOf", "get", "has"].map(|t| proxy_throwing(t, &function));
    let subscribe: Function = change.subscribe().unchecked_into();
    for v in plain.iter().chain(&functions) {
        // The setters return the refusal; a step's promise resolves with it (never rejects).
        assert_eq!(flow_refused(Ok(change.set_new_number(v.clone(), JsValue::UNDEFINED)), "setNewNumber"), "INVALID_ARGUMENT");
        assert_eq!(flow_refused(Ok(change.set_new_number(s("13900000000"), v.clone())), "setNewNumber cc"), "INVALID_ARGUMENT");
        assert_eq!(flow_refused(Ok(change.set_verify_old_phone(v.clone())), "setVerifyOldPhone"), "INVALID_ARGUMENT");
        // A Proxy of a function is callable, so it may be a listener; anything else is refused.
        match subscribe.call1(&JsValue::UNDEFINED, v) {
            Ok(unsubscribe) => unsubscribe.unchecked_into::<Function>().call0(&JsValue::UNDEFINED).map(|_| ()).unwrap(),
            Err(e) => assert!(plain.contains(v) && is_gen_auth_error(e.clone()), "subscribe: {e:?}"),
        }
        if plain.contains(v) {
            assert_eq!(refused(subscribe.call1(&JsValue::UNDEFINED, v), "subscribe"), "INVALID_ARGUMENT");
        }
        assert_eq!(flow_refused(call(change.send_code(v.clone())).await, "sendCode"), "INVALID_ARGUMENT");
        assert_eq!(flow_refused(call(removal.send_code(v.clone())).await, "removal sendCode"), "INVALID_ARGUMENT");
        assert_eq!(flow_refused(call(removal.confirm(v.clone())).await, "removal confirm"), "INVALID_ARGUMENT");
        cases += 7;
    }
    // A listener whose call throws (a Proxy's apply trap): told of every change, caught.
    let unsubscribe = subscribe.call1(&JsValue::UNDEFINED, &proxy_throwing("apply", &function.clone().into())).unwrap();
    for codes in hostile_objects(&obj(&[("newCode", s("123456")), ("currentCode", s("654321"))])) {
        assert_eq!(flow_refused(call(change.verify(codes)).await, "verify"), "INVALID_ARGUMENT");
        cases += 1;
    }

    unsubscribe.unchecked_into::<Function>().call0(&JsValue::UNDEFINED).unwrap();
    assert_eq!(request_count().await, before, "a hostile call reached the server");
    sleep(50.0).await;
    assert_eq!(uncaught.length(), 0, "uncaught: {:?}", uncaught.to_vec());
    // The flow still works: an ordinary send right after goes out.
    assert!(change.set_new_number(s(&new_phone()), JsValue::UNDEFINED).is_null());
    let sent = call(change.send_code(s("new"))).await;
    assert!(sent.as_ref().is_ok_and(JsValue::is_null), "{sent:?}");
    console_log!("hostile values at the flows: {cases} calls refused with a GenAuthError, nothing uncaught, nothing sent");
}

/// What issue 18 added: `parsePhoneNumber` (its input, its options, their `messages`), the
/// client's `messages` option, and options refused while a throwing `lang` is read again to
/// word the refusal. Each refused with a GenAuthError whose message is worded; nothing escapes.
#[wasm_bindgen_test]
async fn hostile_values_at_parse_phone_number_and_the_messages_option() {
    let uncaught = watch_uncaught();
    let before = request_count().await;
    let mut cases = 0;
    let plain = [proxy_throwing("get", &obj(&[])), revoked_proxy(), with_throwing_getter(&obj(&[]), "x")];
    for v in &plain {
        let r = genauth_phone::parse_phone_number(v.clone(), JsValue::UNDEFINED);
        assert_eq!(refused(r, "parsePhoneNumber input"), "INVALID_ARGUMENT");
        cases += 1;
    }
    let parse_options = obj(&[("defaultCountryCode", s("+86")), ("lang", s("en-US"))]);
    let messages = obj(&[("PHONE_TOO_SHORT", s("Too short")), ("NETWORK", s("Offline"))]);
    let mut bad_options = hostile_objects(&parse_options);
    bad_options.extend(hostile_objects(&messages).into_iter().map(|m| obj(&[("messages", m)])));
    for o in bad_options {
        let r = genauth_phone::parse_phone_number(s("138 0013 8000"), o);
        assert_eq!(refused(r, "parsePhoneNumber options"), "INVALID_ARGUMENT");
        cases += 1;
    }
    // The constructor: its `messages`, and options with a `lang` whose getter throws (read
    // again only to word the refusal).
    let mut bad_clients: Vec<JsValue> = hostile_objects(&messages).into_iter().map(|m| options(None, &[("messages", m)])).collect();
    bad_clients.extend(hostile_objects(&options(None, &[("lang", s("en-US")), ("appSecret", s("no"))])));
    for o in bad_clients {
        let code = refused(AuthenticationClient::new(o).map(|_| JsValue::NULL), "constructor");
        assert_eq!(code, "INVALID_ARGUMENT");
        cases += 1;
    }
    assert_eq!(request_count().await, before, "a hostile call reached the server");
    sleep(50.0).await;
    assert_eq!(uncaught.length(), 0, "uncaught: {:?}", uncaught.to_vec());
    // Right after, both still work.
    let split = genauth_phone::parse_phone_number(s("+86 138 0013 8000"), JsValue::UNDEFINED).unwrap();
    assert_eq!(get_str(&split, &["phoneNumber"]).as_deref(), Some("13800138000"));
    assert!(AuthenticationClient::new(options(None, &[("messages", messages)])).is_ok());
    console_log!("hostile values at parsePhoneNumber and messages: {cases} calls refused with a GenAuthError, nothing uncaught");
}
