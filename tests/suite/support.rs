//! Test support: talking to the emulator's development endpoints, building JS objects,
//! awaiting the client's promises. The emulator's URL comes from GENAUTH_EMULATOR_URL at
//! compile time (scripts/test.sh sets it).

use genauth_phone::AuthenticationClient;
use js_sys::{Array, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const EMULATOR: &str = match option_env!("GENAUTH_EMULATOR_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};
pub const APP_ID: &str = "emulator-app";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch(url: &str, init: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(f: &js_sys::Function, ms: f64);
}

/// A JS object from pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

pub fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

/// `value[key]` for a chain of keys.
pub fn get(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, k| Reflect::get(&v, &s(k)).unwrap_or(JsValue::UNDEFINED))
}

pub fn get_str(value: &JsValue, path: &[&str]) -> Option<String> {
    get(value, path).as_string()
}

pub fn get_num(value: &JsValue, path: &[&str]) -> Option<f64> {
    get(value, path).as_f64()
}

pub async fn sleep(ms: f64) {
    let p = Promise::new(&mut |resolve, _| set_timeout(&resolve, ms));
    JsFuture::from(p).await.unwrap();
}

/// A development endpoint call; returns the parsed JSON answer.
pub async fn dev(method: &str, path: &str, body: Option<&JsValue>) -> JsValue {
    let init = obj(&[("method", s(method)), ("headers", obj(&[("content-type", s("application/json"))]))]);
    if let Some(b) = body {
        Reflect::set(&init, &s("body"), &JSON::stringify(b).unwrap()).unwrap();
    }
    let mut url = String::from(EMULATOR);
    url.push_str(path);
    let resp = JsFuture::from(fetch(&url, &init)).await.expect("emulator reachable");
    // Parsed on the JS side: the request log can be megabytes, which must not inflate the
    // wasm memory that the load test measures.
    let json = Reflect::get(&resp, &s("json")).unwrap().unchecked_into::<js_sys::Function>();
    JsFuture::from(json.call0(&resp).unwrap().unchecked_into::<Promise>()).await.unwrap_or(JsValue::NULL)
}

/// Puts every emulator setting to the given values (defaults for the rest).
pub async fn settings(verify_old_phone: bool, token_lifetime_secs: f64) {
    let body = obj(&[
        ("verifyOldPhone", JsValue::from_bool(verify_old_phone)),
        ("smsCooldownSecs", JsValue::from_f64(60.0)),
        ("smsCodeLifetimeSecs", JsValue::from_f64(300.0)),
        ("updatePhoneTokenLifetimeSecs", JsValue::from_f64(token_lifetime_secs)),
    ]);
    dev("PUT", "/__emulator/settings", Some(&body)).await;
}

/// A fresh, unused mainland phone number (unique across runs of the suite).
pub fn new_phone() -> String {
    let n = (js_sys::Math::random() * 1e8).floor() as u64;
    let mut p = String::from("139");
    let digits = n.to_string();
    for _ in digits.len()..8 {
        p.push('0');
    }
    p.push_str(&digits);
    p
}

pub struct User {
    pub id: String,
    pub token: String,
    pub phone: String,
}

/// Creates a signed-in user with a phone number (+86) and, if asked, an email.
pub async fn new_user(with_email: bool) -> User {
    let phone = new_phone();
    let mut fields = vec![("phone", s(&phone)), ("phoneCountryCode", s("+86"))];
    let email = phone.clone() + "@example.com";
    if with_email {
        fields.push(("email", s(&email)));
    }
    let u = dev("POST", "/__emulator/users", Some(&obj(&fields))).await;
    User { id: get_str(&u, &["userId"]).unwrap(), token: get_str(&u, &["accessToken"]).unwrap(), phone }
}

pub async fn user_phone(id: &str) -> Option<String> {
    let u = dev("GET", &(String::from("/__emulator/users/") + id), None).await;
    get_str(&u, &["phone"])
}

/// The latest code the emulator "sent" on `channel` to `phone`.
pub async fn latest_code(channel: &str, phone: &str) -> String {
    let list: Array = dev("GET", "/__emulator/sms", None).await.unchecked_into();
    list.iter()
        .rfind(|m| get_str(m, &["channel"]).as_deref() == Some(channel) && get_str(m, &["phoneNumber"]).as_deref() == Some(phone))
        .and_then(|m| get_str(&m, &["code"]))
        .expect("the emulator recorded a code")
}

/// The API requests the emulator has received.
pub async fn requests() -> Array {
    dev("GET", "/__emulator/requests", None).await.unchecked_into()
}

pub async fn request_count() -> u32 {
    requests().await.length()
}

/// Queues one fault for the next API request.
pub async fn fault(f: JsValue) {
    dev("POST", "/__emulator/faults", Some(&f)).await;
}

/// How many dropped connections make one call fail. Browsers silently resend a request
/// whose reused keep-alive socket closes before any answer byte: Chromium up to twice,
/// Firefox once per idle socket it holds (at most six per host), so seven attempts
/// cover both. Callers clear the queue afterwards.
pub const DROPS_PER_FAILED_CALL: usize = 7;

/// The faults that make the next call fail with a dropped connection.
pub fn dropped_connections() -> Vec<JsValue> {
    (0..DROPS_PER_FAILED_CALL).map(|_| obj(&[("drop", JsValue::TRUE)])).collect()
}

/// The options of a new client, in a page that forgets the cooldowns earlier tests stored.
/// Cooldown keys are 16 bits (src/ledger.rs), so the hundreds of sends a suite makes within a
/// minute would make a random test number collide with one of them now and then; a person's
/// own page holds a few. Tests of sharing across clients use [`reloaded_client`].
pub fn options(token: Option<&str>, extra: &[(&str, JsValue)]) -> JsValue {
    forget_stored_cooldowns();
    options_keeping_storage(token, extra)
}

/// Removes this app's stored cooldowns from `localStorage`, where there is one.
pub fn forget_stored_cooldowns() {
    let forget = js_sys::Function::new_no_args(
        "try { globalThis.localStorage?.removeItem('genauth-phone:sms-cooldowns:emulator-app'); } catch (e) {}",
    );
    let _ = forget.call0(&JsValue::UNDEFINED);
}

/// A client that, like a page reloaded, sees what earlier clients stored.
pub fn reloaded_client(token: Option<&str>) -> AuthenticationClient {
    AuthenticationClient::new(options_keeping_storage(token, &[])).unwrap_or_else(|_| panic!("client"))
}

fn options_keeping_storage(token: Option<&str>, extra: &[(&str, JsValue)]) -> JsValue {
    let mut pairs = vec![("appId", s(APP_ID)), ("appHost", s(EMULATOR))];
    if let Some(t) = token {
        pairs.push(("accessToken", s(t)));
    }
    pairs.extend(extra.iter().cloned());
    obj(&pairs)
}

pub fn client(token: Option<&str>) -> AuthenticationClient {
    AuthenticationClient::new(options(token, &[])).unwrap_or_else(|_| panic!("client"))
}

pub async fn call(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// The `code` of a rejected call's GenAuthError (panics when it is not one).
/// Every error checked here also has words for people (`message`, never naming the field)
/// and a developer's `detail`.
pub fn code_of(e: &JsValue) -> String {
    assert!(genauth_phone::is_gen_auth_error(e.clone()), "not a GenAuthError: {e:?}");
    let message = get_str(e, &["message"]).unwrap_or_default();
    let detail = get_str(e, &["detail"]).unwrap_or_default();
    assert!(!message.is_empty() && !detail.is_empty(), "message {message:?}, detail {detail:?}");
    // Worded where it left the module: never its bare key ("PHONE_TOO_SHORT", "NETWORK").
    assert!(!message.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'), "an unworded message: {message:?}");
    // Our own words for bad input never name the field (a server's may say "code").
    let named = |f: &str| f.len() > 2 && f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') && message.contains(f);
    if get_str(e, &["code"]).as_deref() == Some("INVALID_ARGUMENT") {
        assert!(!get_str(e, &["field"]).is_some_and(|f| named(&f)), "the message names the field: {message:?}");
    }
    get_str(e, &["code"]).unwrap()
}

pub async fn expect_err(p: Promise, code: &str) -> JsValue {
    let e = call(p).await.expect_err("the call should fail");
    assert_eq!(code_of(&e), code, "{:?}", get_str(&e, &["message"]));
    e
}

pub fn sms(channel: &str, phone: &str) -> JsValue {
    obj(&[("channel", s(channel)), ("phoneNumber", s(phone)), ("phoneCountryCode", s("+86"))])
}

pub fn verify_dto(new_phone: &str, code: &str, old: Option<(&str, &str)>) -> JsValue {
    let mut payload = vec![("newPhoneNumber", s(new_phone)), ("newPhonePassCode", s(code)), ("newPhoneCountryCode", s("+86"))];
    if let Some((n, c)) = old {
        payload.push(("oldPhoneNumber", s(n)));
        payload.push(("oldPhonePassCode", s(c)));
        payload.push(("oldPhoneCountryCode", s("+86")));
    }
    obj(&[("verifyMethod", s("PHONE_PASSCODE")), ("phonePassCodePayload", obj(&payload))])
}

pub fn token_dto(token: &str) -> JsValue {
    obj(&[("updatePhoneToken", s(token))])
}

/// No call options.
pub fn none() -> JsValue {
    JsValue::UNDEFINED
}

pub fn opts(pairs: &[(&str, JsValue)]) -> JsValue {
    obj(pairs)
}

/// A new `AbortController` (global in browsers, workers and Node 18+).
pub fn abort_controller() -> JsValue {
    let ctor: js_sys::Function = Reflect::get(&js_sys::global(), &s("AbortController")).unwrap().unchecked_into();
    Reflect::construct(&ctor, &Array::new()).unwrap()
}

pub fn abort(controller: &JsValue) {
    let f: js_sys::Function = Reflect::get(controller, &s("abort")).unwrap().unchecked_into();
    f.call0(controller).unwrap();
}
