//! One request through the emulator's API decoding path (app id, body size,
//! content-type, JSON, object, token, typed fields, formats, the endpoint's rules),
//! on a fresh state with one signed-in user. The first byte chooses the endpoint and
//! headers, the rest is the body. Checks: nothing panics; the answer is an envelope
//! of a known status class with an apiCode exactly when it failed; the checks come in
//! the documented order; and for send-sms (the one endpoint that can succeed on a
//! fresh state) an independent oracle decides success from the body alone.
#![no_main]

use genauth_emulator::fuzzing::{Answer, Call, Harness, APP_ID, MAX_BODY_BYTES, TOKEN};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

const PATHS: [&str; 4] = [
    "/api/v3/send-sms",
    "/api/v3/verify-update-phone-request",
    "/api/v3/update-phone",
    "/api/v3/unbind-phone",
];
const CONTENT_TYPES: [Option<&[u8]>; 4] = [
    Some(b"application/json"),
    Some(b"Application/JSON; charset=utf-8"),
    Some(b"text/plain"),
    None,
];
#[path = "readme_channels.rs"]
mod readme_channels;
use readme_channels::CHANNELS;

fn failed(a: &Answer, status: u16, api_code: u32) -> bool {
    a.status_code == status && a.api_code == Some(api_code)
}

/// The emulator README's send-sms rules, from the decoded object alone: which
/// (channel, country code, number) a successful send records.
fn send_sms_oracle(body: &Map<String, Value>) -> Option<(String, String, String)> {
    if body
        .keys()
        .any(|k| !["channel", "phoneNumber", "phoneCountryCode"].contains(&k.as_str()))
    {
        return None;
    }
    let channel = body.get("channel")?.as_str()?;
    let number = body.get("phoneNumber")?.as_str()?;
    let cc = match body.get("phoneCountryCode") {
        None | Some(Value::Null) => "+86",
        Some(v) => v.as_str()?,
    };
    let digits = |s: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let ok = CHANNELS.contains(&channel)
        && digits(number, 4, 20)
        && cc.strip_prefix('+').is_some_and(|d| digits(d, 1, 4));
    ok.then(|| (channel.to_string(), cc.to_string(), number.to_string()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let path = PATHS[usize::from(sel & 3)];
    let content_type = CONTENT_TYPES[usize::from((sel >> 2) & 3)];
    let authorized = sel & 0x10 != 0;
    let zh = sel & 0x20 != 0;
    let app_id: Option<&[u8]> = match sel >> 6 {
        0 | 1 => Some(APP_ID.as_bytes()),
        2 => None,
        _ => Some(b"another-app"),
    };
    let h = Harness::new();
    let a = h
        .call(Call {
            method: "POST",
            path,
            app_id,
            content_type,
            authorization: authorized.then_some(TOKEN.as_bytes()),
            zh,
            body,
        })
        .expect("a valid HTTP request");

    assert!(
        matches!(a.status_code, 200 | 400 | 401 | 404 | 409 | 422 | 429),
        "{a:?}"
    );
    assert_eq!(a.api_code.is_none(), a.status_code == 200, "{a:?}");
    assert!(!a.message.is_empty());

    // The documented order: app id, body size, content-type, JSON, object, token, fields.
    if app_id.is_none() {
        return assert!(failed(&a, 400, 9004), "{a:?}");
    }
    if app_id != Some(APP_ID.as_bytes()) {
        return assert!(failed(&a, 404, 9005), "{a:?}");
    }
    if body.len() > MAX_BODY_BYTES {
        return assert!(failed(&a, 400, 9002), "{a:?}");
    }
    if content_type.is_none() || content_type == Some(b"text/plain") {
        return assert!(failed(&a, 400, 9001), "{a:?}");
    }
    let object = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        _ => return assert!(failed(&a, 400, 9001), "{a:?}"),
    };
    if failed(&a, 400, 9001) {
        // Valid JSON, an object: only a repeated key is refused at this stage.
        assert!(
            a.message.contains("repeats a key") || a.message.contains("重复的键"),
            "{a:?}"
        );
        return;
    }
    if path != PATHS[0] && !authorized {
        return assert!(failed(&a, 401, 2020), "{a:?}");
    }
    if path == PATHS[0] {
        match send_sms_oracle(&object) {
            Some(sent) => {
                assert_eq!(a.status_code, 200, "oracle says success: {a:?}");
                let sms = h.sms();
                assert_eq!(sms.len(), 1);
                assert_eq!((sms[0].0.clone(), sms[0].1.clone(), sms[0].2.clone()), sent);
                assert!(sms[0].3.len() == 6 && sms[0].3.bytes().all(|b| b.is_ascii_digit()));
            }
            None => assert!(failed(&a, 400, 9003), "oracle says invalid: {a:?}"),
        }
    } else {
        // No code was sent and no token issued on a fresh state: nothing can succeed.
        assert_ne!(a.status_code, 200, "{a:?}");
        assert!(h.sms().is_empty());
    }
});
