//! The `/__emulator/` development endpoints.

mod common;

use common::{start, APP_ID};
use serde_json::json;

#[tokio::test]
async fn health_users_and_sms() {
    let emu = start().await;
    assert_eq!(emu.dev("GET", "/__emulator/health", None).await, json!({ "ok": true }));

    let u = emu.dev("POST", "/__emulator/users", Some(json!({ "phone": "13800000001", "phoneCountryCode": "+852" }))).await;
    let token = u["accessToken"].as_str().unwrap();
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(u["phone"], "13800000001");
    assert_eq!(u["phoneCountryCode"], "+852");
    assert!(u["email"].is_null());
    let id = u["userId"].as_str().unwrap();
    assert_eq!(emu.get_user(id).await, json!({ "userId": id, "phone": "13800000001", "phoneCountryCode": "+852", "email": null }));
    let none = emu.dev("POST", "/__emulator/users", None).await;
    assert!(none["phone"].is_null() && none["phoneCountryCode"].is_null() && none["email"].is_null());

    let res = emu.request("GET", "/__emulator/users/unknown", &[], b"").await;
    assert_eq!(res.status, 404);
    assert!(res.json()["error"].is_string());
    // Same phone twice, unknown keys, bad JSON.
    let res = emu.request("POST", "/__emulator/users", &[], br#"{"phone":"13800000001","phoneCountryCode":"+852"}"#).await;
    assert_eq!(res.status, 409);
    assert_eq!(emu.request("POST", "/__emulator/users", &[], br#"{"name":"x"}"#).await.status, 400);
    assert_eq!(emu.request("POST", "/__emulator/users", &[], b"{").await.status, 400);

    emu.send("CHANNEL_LOGIN", "13800000001").await;
    emu.send("CHANNEL_BIND_PHONE", "13900000002").await;
    let sms = emu.dev("GET", "/__emulator/sms", None).await;
    let sms = sms.as_array().unwrap();
    assert_eq!(sms.len(), 2);
    assert_eq!(sms[0]["channel"], "CHANNEL_LOGIN");
    assert_eq!(sms[1]["phoneNumber"], "13900000002");
    assert_eq!(sms[1]["phoneCountryCode"], "+86");
    let mut keys: Vec<&String> = sms[1].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["channel", "code", "phoneCountryCode", "phoneNumber", "sentAt", "userId"]);
    assert!(sms[1]["userId"].is_null(), "sent without a token");
}

#[tokio::test]
async fn settings_partial_update_and_validation() {
    let emu = start().await;
    let defaults = json!({ "verifyOldPhone": false, "smsCooldownSecs": 60, "smsCodeLifetimeSecs": 300,
        "updatePhoneTokenLifetimeSecs": 60 });
    assert_eq!(emu.dev("GET", "/__emulator/settings", None).await, defaults);
    let s = emu.settings(json!({ "smsCodeLifetimeSecs": 5 })).await;
    assert_eq!(s["smsCodeLifetimeSecs"], 5);
    assert_eq!(s["smsCooldownSecs"], 60);
    for bad in [
        r#"{"smsCooldownSecs":-1}"#,
        // Past a year: `now + lifetime` used to overflow and panic at the next verify.
        r#"{"updatePhoneTokenLifetimeSecs":18446744073709551615}"#,
        r#"{"smsCodeLifetimeSecs":31536001}"#,
        r#"{"verifyOldPhone":"yes"}"#,
        r#"{"other":1}"#,
        "[]",
    ] {
        assert_eq!(emu.request("PUT", "/__emulator/settings", &[], bad.as_bytes()).await.status, 400, "{bad}");
    }
    assert_eq!(emu.dev("GET", "/__emulator/settings", None).await["smsCodeLifetimeSecs"], 5);
}

#[tokio::test]
async fn request_log_records_exact_headers_and_body() {
    let emu = start().await;
    let body = br#"{"channel":"CHANNEL_BIND_PHONE",  "phoneNumber":"13900000002"}"#;
    emu.request(
        "POST",
        "/api/v3/send-sms?x=1",
        &[("x-authing-app-id", APP_ID), ("content-type", "application/json"), ("X-Authing-Lang", "en-US")],
        body,
    )
    .await;
    emu.request("POST", "/api/v3/unbind-phone", &[("authorization", "Bearer abc")], b"not json").await;
    emu.dev("GET", "/__emulator/health", None).await;
    let log = emu.dev("GET", "/__emulator/requests", None).await;
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "dev endpoints are not logged");
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(log[0]["path"], "/api/v3/send-sms?x=1");
    assert_eq!(log[0]["body"], std::str::from_utf8(body).unwrap());
    let h = &log[0]["headers"];
    assert_eq!(h["x-authing-app-id"], APP_ID);
    assert_eq!(h["x-authing-lang"], "en-US");
    assert_eq!(h["content-length"], body.len().to_string());
    assert_eq!(log[1]["headers"]["authorization"], "Bearer abc");
    assert_eq!(log[1]["body"], "not json");

    assert_eq!(emu.dev("DELETE", "/__emulator/requests", None).await, json!({ "ok": true }));
    assert_eq!(emu.dev("GET", "/__emulator/requests", None).await, json!([]));
}

#[tokio::test]
async fn reset_clears_everything() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), None).await;
    emu.settings(json!({ "verifyOldPhone": true })).await;
    emu.send("CHANNEL_BIND_PHONE", "13900000002").await;
    emu.dev("POST", "/__emulator/faults", Some(json!({ "status": 500 }))).await;

    assert_eq!(emu.dev("POST", "/__emulator/reset", None).await, json!({ "ok": true }));
    assert_eq!(emu.dev("GET", "/__emulator/sms", None).await, json!([]));
    assert_eq!(emu.dev("GET", "/__emulator/requests", None).await, json!([]));
    assert_eq!(emu.dev("GET", "/__emulator/faults", None).await, json!([]));
    assert_eq!(emu.dev("GET", "/__emulator/settings", None).await["verifyOldPhone"], false);
    // The session is gone, the fault is gone and the cooldown is gone.
    let v = emu.unbind(&token, "123456").await;
    common::assert_fail(&v, 401, 2020);
    common::assert_ok(&emu.send("CHANNEL_BIND_PHONE", "13900000002").await);
}
