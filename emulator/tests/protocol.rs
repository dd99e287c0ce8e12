//! Headers, body parsing, validation, envelope shape, language and CORS.

mod common;

use common::{assert_fail, assert_ok, start, APP_ID};
use serde_json::{json, Value};

const SMS: &str = "/api/v3/send-sms";
const UNBIND: &str = "/api/v3/unbind-phone";
const JSON_CT: (&str, &str) = ("content-type", "application/json");
const APP: (&str, &str) = ("x-authing-app-id", APP_ID);

fn sms_body() -> String {
    json!({ "channel": "CHANNEL_BIND_PHONE", "phoneNumber": "13900000002" }).to_string()
}

#[tokio::test]
async fn auth_raw_bearer_missing_unknown() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), Some("a@example.com")).await;
    let body = json!({ "passCode": "1" }).to_string();
    let call = |auth: Option<String>| {
        let body = body.clone();
        let emu = &emu;
        async move {
            let mut h = vec![APP, JSON_CT];
            let auth_value;
            if let Some(a) = auth {
                auth_value = a;
                h.push(("authorization", auth_value.as_str()));
            }
            emu.request("POST", UNBIND, &h, body.as_bytes()).await.json()
        }
    };
    // Authenticated: reaches the code check (2001), not 2020.
    assert_fail(&call(Some(token.clone())).await, 400, 2001);
    assert_fail(&call(Some(format!("Bearer {token}"))).await, 400, 2001);
    assert_fail(&call(Some(format!("bearer {token}"))).await, 400, 2001);
    assert_fail(&call(None).await, 401, 2020);
    assert_fail(&call(Some("Bearer ".into())).await, 401, 2020);
    assert_fail(&call(Some("nope".into())).await, 401, 2020);
    // send-sms needs no token.
    assert_ok(&emu.request("POST", SMS, &[APP, JSON_CT], sms_body().as_bytes()).await.json());
}

#[tokio::test]
async fn app_id_checked_first() {
    let emu = start().await;
    let body = sms_body();
    let v = emu.request("POST", SMS, &[JSON_CT], body.as_bytes()).await.json();
    assert_fail(&v, 400, 9004);
    let v = emu.request("POST", SMS, &[JSON_CT, ("x-authing-app-id", "other")], body.as_bytes()).await.json();
    assert_fail(&v, 404, 9005);
    assert_eq!(v["message"], "App not found");
    // Before the body and the token.
    let v = emu.request("POST", UNBIND, &[("x-authing-app-id", "other")], b"{oops").await.json();
    assert_fail(&v, 404, 9005);
    assert!(emu.dev_list("/__emulator/sms").await.is_empty());
}

#[tokio::test]
async fn bad_bodies_answer_an_envelope() {
    let emu = start().await;
    let post = |headers: Vec<(&'static str, &'static str)>, body: Vec<u8>| {
        let emu = &emu;
        async move {
            let res = emu.request("POST", SMS, &headers, &body).await;
            assert_eq!(res.status, 200);
            assert_eq!(res.header("content-type"), Some("application/json; charset=utf-8"));
            res.json()
        }
    };
    assert_fail(&post(vec![APP, JSON_CT], b"{\"channel\":".to_vec()).await, 400, 9001);
    assert_fail(&post(vec![APP, JSON_CT], b"".to_vec()).await, 400, 9001);
    assert_fail(&post(vec![APP, JSON_CT], b"[1,2]".to_vec()).await, 400, 9001);
    assert_fail(&post(vec![APP, JSON_CT], b"\"token\"".to_vec()).await, 400, 9001);
    assert_fail(&post(vec![APP, JSON_CT], b"null".to_vec()).await, 400, 9001);
    assert_fail(&post(vec![APP, JSON_CT], vec![0xff, 0xfe, 0x00]).await, 400, 9001);
    assert_fail(&post(vec![APP, ("content-type", "text/plain")], sms_body().into_bytes()).await, 400, 9001);
    assert_fail(&post(vec![APP], sms_body().into_bytes()).await, 400, 9001);
    // charset parameter is fine.
    assert_ok(&post(vec![APP, ("content-type", "application/json; charset=utf-8")], sms_body().into_bytes()).await);
    // Over 64 KiB, valid JSON or not.
    let big = format!("{{\"channel\":\"{}\"}}", "x".repeat(70 * 1024));
    assert_fail(&post(vec![APP, JSON_CT], big.into_bytes()).await, 400, 9002);
}

#[tokio::test]
async fn field_validation() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), None).await;
    let bad = [
        (SMS, json!({ "channel": "CHANNEL_BIND_PHONE", "phoneNumber": "13900000002", "extra": 1 })),
        (SMS, json!({ "channel": "CHANNEL_UPDATE_PHONE", "phoneNumber": "13900000002" })),
        (SMS, json!({ "channel": "CHANNEL_BIND_PHONE" })),
        (SMS, json!({ "channel": "CHANNEL_BIND_PHONE", "phoneNumber": 13900000002u64 })),
        (SMS, json!({ "channel": "CHANNEL_BIND_PHONE", "phoneNumber": "+8613900000002" })),
        (SMS, json!({ "channel": "CHANNEL_BIND_PHONE", "phoneNumber": "13900000002", "phoneCountryCode": "86" })),
        (
            "/api/v3/verify-update-phone-request",
            json!({ "verifyMethod": "EMAIL_PASSCODE",
            "phonePassCodePayload": { "newPhoneNumber": "13900000002", "newPhonePassCode": "1" } }),
        ),
        (
            "/api/v3/verify-update-phone-request",
            json!({ "verifyMethod": "PHONE_PASSCODE",
            "phonePassCodePayload": { "newPhoneNumber": "13900000002", "newPhonePassCode": "1", "x": 1 } }),
        ),
        ("/api/v3/verify-update-phone-request", json!({ "verifyMethod": "PHONE_PASSCODE" })),
        ("/api/v3/update-phone", json!({})),
        ("/api/v3/update-phone", json!({ "updatePhoneToken": "" })),
        ("/api/v3/update-phone", json!({ "updatePhoneToken": ["a"] })),
        (UNBIND, json!({})),
        (UNBIND, json!({ "passCode": 123456 })),
    ];
    for (path, body) in bad {
        let v = emu.api(path, Some(&token), body.clone()).await;
        assert_fail(&v, 400, 9003);
        assert!(v["message"].as_str().unwrap().starts_with("Invalid argument"), "{body} -> {v}");
    }
    // Optional fields may be null.
    let v = emu.api(SMS, None, json!({ "channel": "CHANNEL_LOGIN", "phoneNumber": "13900000002", "phoneCountryCode": null })).await;
    assert_ok(&v);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let emu = start().await;
    let res = emu.request("POST", "/api/v3/update-email", &[APP, JSON_CT], b"{}").await;
    assert_eq!(res.status, 404);
    assert_fail(&res.json(), 404, 9404);
    let res = emu.request("GET", SMS, &[APP], b"").await;
    assert_eq!(res.status, 404);
    assert_eq!(res.json()["message"], format!("Cannot GET {SMS}"));
    let res = emu.request("GET", "/__emulator/nothing", &[], b"").await;
    assert_eq!(res.status, 404);
    assert!(res.json()["error"].is_string());
    let res = emu.request("POST", "/__emulator/sms", &[], b"").await;
    assert_eq!(res.status, 405);
}

#[tokio::test]
async fn chinese_messages() {
    let emu = start().await;
    let zh = ("x-authing-lang", "zh-CN");
    let ok = emu.request("POST", SMS, &[APP, JSON_CT, zh], sms_body().as_bytes()).await.json();
    assert_eq!(ok["message"], "操作成功");
    let v = emu.request("POST", SMS, &[APP, JSON_CT, zh], sms_body().as_bytes()).await.json();
    assert_fail(&v, 429, 9006);
    assert!(v["message"].as_str().unwrap().contains("秒"), "{v}");
    let v = emu.request("POST", UNBIND, &[APP, JSON_CT, zh], b"{}").await.json();
    assert_eq!(v["message"], "尚未登录，无权限访问此接口");
    let en = emu.request("POST", UNBIND, &[APP, JSON_CT, ("x-authing-lang", "en-US")], b"{}").await.json();
    assert!(en["message"].as_str().unwrap().starts_with("Not logged in"), "{en}");
}

/// API answers allow any origin; dev answers name the (loopback) origin that asked.
fn assert_cors(res: &common::Resp, origin: &str) {
    assert_eq!(res.header("access-control-allow-origin"), Some(origin));
    assert_eq!(res.header("access-control-expose-headers"), Some("retry-after, x-request-id"));
}

#[tokio::test]
async fn cors_preflight_and_headers_everywhere() {
    let emu = start().await;
    for path in [SMS, "/api/v3/anything", "/__emulator/users", "/"] {
        let res = emu
            .request(
                "OPTIONS",
                path,
                &[
                    ("origin", "http://localhost:3000"),
                    ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "content-type, authorization, x-authing-app-id"),
                ],
                b"",
            )
            .await;
        assert_eq!(res.status, 204, "{path}");
        let allowed = if path.starts_with("/__emulator/") { "http://localhost:3000" } else { "*" };
        assert_cors(&res, allowed);
        assert_eq!(res.header("access-control-allow-methods"), Some("GET, POST, PUT, DELETE, OPTIONS"));
        assert_eq!(
            res.header("access-control-allow-headers"),
            Some("content-type, authorization, x-authing-app-id, x-authing-lang, x-authing-request-from, x-authing-sdk-version")
        );
        assert_eq!(res.header("access-control-max-age"), Some("600"));
        assert!(res.body.is_empty());
    }
    // Preflights are not API requests.
    assert_eq!(emu.dev("GET", "/__emulator/requests", None).await, json!([]));

    let origin = ("origin", "http://localhost:3000");
    assert_cors(&emu.request("POST", SMS, &[APP, JSON_CT, origin], sms_body().as_bytes()).await, "*");
    assert_cors(&emu.request("POST", SMS, &[origin], b"x").await, "*");
    assert_cors(&emu.request("POST", "/nope", &[origin], b"").await, "*");
    assert_cors(&emu.request("GET", "/__emulator/health", &[origin], b"").await, origin.1);
    assert_cors(&emu.request("GET", "/__emulator/users/none", &[origin], b"").await, origin.1);
}

#[tokio::test]
async fn success_envelope_is_exact() {
    let emu = start().await;
    let v: Value = emu.request("POST", SMS, &[APP, JSON_CT], sms_body().as_bytes()).await.json();
    assert_eq!(v, json!({ "statusCode": 200, "message": "Operation successful" }));
}
