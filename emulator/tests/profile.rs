//! `GET /api/v3/get-profile`, as authing-node-sdk 4.0.1's `getProfile()` calls it:
//! the answer, the three flags, the phone after update-phone and unbind-phone,
//! every refusal in its order, the request log, CORS and faults.

mod common;

use std::time::{Duration, Instant};

use common::{assert_fail, assert_ok, start, update_token, APP_ID, PROFILE, SDK_QUERY};
use serde_json::{json, Value};

const APP: (&str, &str) = ("x-authing-app-id", APP_ID);

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().expect("an object").keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// `2022-07-03T03:20:30.000Z`: what JavaScript's `toISOString` writes.
fn is_iso(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let b = s.as_bytes();
    let digit = |i: usize| b[i].is_ascii_digit();
    b.len() == 24
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22].into_iter().all(digit)
        && [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':'), (19, b'.'), (23, b'Z')].into_iter().all(|(i, c)| b[i] == c)
}

const BASE_KEYS: [&str; 9] =
    ["createdAt", "email", "phone", "phoneCountryCode", "phoneVerified", "status", "updatedAt", "userId", "username"];

#[tokio::test]
async fn the_sdk_request_answers_the_user() {
    let emu = start().await;
    let (id, token) = emu.user(Some("13800000001"), Some("a@example.com")).await;
    let v = emu.profile(Some(&token), SDK_QUERY).await;
    assert_ok(&v);
    let d = &v["data"];
    assert_eq!(keys(d), BASE_KEYS, "{v}");
    assert_eq!(d["userId"], id.as_str());
    assert_eq!(d["username"], Value::Null);
    assert_eq!(d["email"], "a@example.com");
    assert_eq!(d["phone"], "13800000001");
    assert_eq!(d["phoneCountryCode"], "+86");
    assert_eq!(d["phoneVerified"], true);
    assert_eq!(d["status"], "Activated");
    assert!(is_iso(&d["createdAt"]) && is_iso(&d["updatedAt"]), "{d}");
    assert_eq!(d["createdAt"], d["updatedAt"]);
    assert!(d["createdAt"].as_str().is_some_and(|t| t >= "2024"), "{d}");

    // The same without a query, with `Bearer`, and in Chinese.
    assert_eq!(emu.profile(Some(&token), "").await, v);
    assert_eq!(emu.profile(Some(&format!("Bearer {token}")), SDK_QUERY).await, v);
    let zh = emu.request("GET", PROFILE, &[APP, ("authorization", &token), ("x-authing-lang", "zh-CN")], b"").await.json();
    assert_eq!(zh["message"], "操作成功");
    assert_eq!(zh["data"], v["data"]);

    // A user without phone or email: nulls, not absent.
    let (_, bare) = emu.user(None, None).await;
    let d = emu.profile(Some(&bare), SDK_QUERY).await["data"].clone();
    assert_eq!(keys(&d), BASE_KEYS);
    assert!(d["phone"].is_null() && d["phoneCountryCode"].is_null() && d["email"].is_null(), "{d}");
    assert_eq!(d["phoneVerified"], false);
}

#[tokio::test]
async fn each_flag_adds_its_field() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), None).await;
    for (query, added) in [
        ("withCustomData=true&withIdentities=false&withDepartmentIds=false", vec![("customData", json!({}))]),
        ("withCustomData=false&withIdentities=true&withDepartmentIds=false", vec![("identities", json!([]))]),
        ("withCustomData=false&withIdentities=false&withDepartmentIds=true", vec![("departmentIds", json!([]))]),
        ("withDepartmentIds=true&withCustomData=true", vec![("customData", json!({})), ("departmentIds", json!([]))]),
        (
            "withCustomData=true&withIdentities=true&withDepartmentIds=true",
            vec![("customData", json!({})), ("identities", json!([])), ("departmentIds", json!([]))],
        ),
        ("withIdentities=false", vec![]),
        ("withCustomData=%74rue", vec![("customData", json!({}))]),
    ] {
        let v = emu.profile(Some(&token), query).await;
        assert_ok(&v);
        let mut want: Vec<&str> = BASE_KEYS.to_vec();
        want.extend(added.iter().map(|(k, _)| *k));
        want.sort_unstable();
        assert_eq!(keys(&v["data"]), want, "{query}");
        for (k, value) in &added {
            assert_eq!(&v["data"][k], value, "{query}");
        }
    }
}

#[tokio::test]
async fn the_profile_follows_update_phone_and_unbind_phone() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), Some("a@example.com")).await;
    let before = emu.profile(Some(&token), SDK_QUERY).await["data"].clone();
    tokio::time::sleep(Duration::from_millis(5)).await;

    let sent = json!({ "channel": "CHANNEL_BIND_PHONE", "phoneNumber": "61234567", "phoneCountryCode": "+852" });
    assert_ok(&emu.api("/api/v3/send-sms", None, sent).await);
    let code = emu.code("CHANNEL_BIND_PHONE", "61234567").await;
    let payload = json!({ "newPhoneNumber": "61234567", "newPhonePassCode": code, "newPhoneCountryCode": "+852" });
    let v = emu.verify(&token, payload).await;
    assert_ok(&emu.update(&token, &update_token(&v)).await);
    let changed = emu.profile(Some(&token), SDK_QUERY).await["data"].clone();
    assert_eq!((&changed["phone"], &changed["phoneCountryCode"]), (&json!("61234567"), &json!("+852")));
    assert_eq!(changed["phoneVerified"], true);
    assert_eq!(changed["createdAt"], before["createdAt"]);
    assert!(changed["updatedAt"].as_str() > before["updatedAt"].as_str(), "{before} -> {changed}");
    tokio::time::sleep(Duration::from_millis(5)).await;

    // Unbinding proves the current (+852) number with a CHANNEL_UNBIND_PHONE code.
    let sent = json!({ "channel": "CHANNEL_UNBIND_PHONE", "phoneNumber": "61234567", "phoneCountryCode": "+852" });
    assert_ok(&emu.api("/api/v3/send-sms", None, sent).await);
    let code = emu.code("CHANNEL_UNBIND_PHONE", "61234567").await;
    assert_ok(&emu.unbind(&token, &code).await);
    let unbound = emu.profile(Some(&token), SDK_QUERY).await["data"].clone();
    assert!(unbound["phone"].is_null() && unbound["phoneCountryCode"].is_null(), "{unbound}");
    assert_eq!(unbound["phoneVerified"], false);
    assert_eq!(unbound["email"], "a@example.com");
    assert!(unbound["updatedAt"].as_str() > changed["updatedAt"].as_str(), "{changed} -> {unbound}");
}

#[tokio::test]
async fn refusals_in_order() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), None).await;
    let path = format!("{PROFILE}?{SDK_QUERY}");
    let get = |headers: Vec<(&'static str, String)>, path: String| {
        let emu = &emu;
        async move {
            let h: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let res = emu.request("GET", &path, &h, b"").await;
            assert_eq!(res.status, 200, "{path}");
            res.json()
        }
    };
    let app = || ("x-authing-app-id", APP_ID.to_string());
    let auth = |t: &str| ("authorization", t.to_string());

    // The app id first: missing, then another app's, even without a token or with a bad query.
    assert_fail(&get(vec![auth(&token)], path.clone()).await, 400, 9004);
    assert_fail(&get(vec![], format!("{PROFILE}?nope=1")).await, 400, 9004);
    let v = get(vec![("x-authing-app-id", "other".into()), auth(&token)], path.clone()).await;
    assert_fail(&v, 404, 9005);
    assert_eq!(v["message"], "App not found");
    assert_fail(&get(vec![("x-authing-app-id", "other".into())], format!("{PROFILE}?nope=1")).await, 404, 9005);
    // Then the token, before the query.
    for t in [None, Some(""), Some("Bearer "), Some("0123456789abcdef"), Some("Bearer nope")] {
        let mut h = vec![app()];
        h.extend(t.map(auth));
        assert_fail(&get(h.clone(), path.clone()).await, 401, 2020);
        assert_fail(&get(h, format!("{PROFILE}?withCustomData=1")).await, 401, 2020);
    }
    // Then the query, each refusal naming its parameter.
    for (query, named) in [
        ("withCustomData=1", "withCustomData"),
        ("withCustomData=TRUE", "withCustomData"),
        ("withIdentities=", "withIdentities"),
        ("withIdentities", "withIdentities"),
        ("withDepartmentIds=yes", "withDepartmentIds"),
        ("withDepartmentIds=true%20", "withDepartmentIds"),
        ("withCustomData=false&withIdentities=false&withDepartmentIds=0", "withDepartmentIds"),
        ("withCustomdata=true", "withCustomdata"),
        ("withCustomData=false&userId=x", "userId"),
        ("withCustomData=true&withCustomData=true", "withCustomData"),
        ("withIdentities=false&withIdentities=true", "withIdentities"),
        ("withCustomData=%ff", "withCustomData"),
    ] {
        let v = emu.profile(Some(&token), query).await;
        assert_fail(&v, 400, 9003);
        let message = v["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("Invalid argument: ") && message.contains(named), "{query}: {v}");
    }
}

#[tokio::test]
async fn only_get_routes_and_a_body_is_ignored() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), None).await;
    let auth = ("authorization", token.as_str());
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let res = emu.request(method, PROFILE, &[APP, auth, ("content-type", "application/json")], b"{}").await;
        assert_eq!(res.status, 404, "{method}");
        let v = res.json();
        assert_fail(&v, 404, 9404);
        assert_eq!(v["message"], format!("Cannot {method} {PROFILE}"));
    }
    for (path, method) in [("/api/v3/get-profile/", "GET"), ("/api/v3/GET-PROFILE", "GET"), ("/api/v3/get-profiles", "GET")] {
        assert_eq!(emu.request(method, path, &[APP, auth], b"").await.status, 404, "{path}");
    }
    // A GET needs no content type; a body, even a broken one, is not read.
    for (ct, body) in [(None, &b"{oops"[..]), (Some("text/plain"), b"hello"), (Some("application/json"), b"[1]")] {
        let mut h = vec![APP, auth];
        h.extend(ct.map(|c| ("content-type", c)));
        let v = emu.request("GET", &format!("{PROFILE}?{SDK_QUERY}"), &h, body).await.json();
        assert_ok(&v);
        assert_eq!(v["data"]["phone"], "13800000001");
    }
    let big = vec![b'x'; 100 * 1024];
    assert_ok(&emu.request("GET", PROFILE, &[APP, auth], &big).await.json());
}

#[tokio::test]
async fn the_request_log_keeps_the_wire_form() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), None).await;
    assert_ok(&emu.profile(Some(&token), SDK_QUERY).await);
    let log = emu.dev_list("/__emulator/requests").await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["path"], format!("{PROFILE}?{SDK_QUERY}"));
    assert_eq!(log[0]["path"], "/api/v3/get-profile?withCustomData=false&withIdentities=false&withDepartmentIds=false");
    assert_eq!(log[0]["body"], "");
    let h = &log[0]["headers"];
    assert_eq!(h["x-authing-app-id"], APP_ID);
    assert_eq!(h["authorization"], token.as_str());
    assert!(h.get("content-type").is_none() && h.get("content-length").is_none(), "{h}");
    // Refused requests are logged too.
    emu.request("GET", &format!("{PROFILE}?withCustomData=1"), &[], b"").await;
    let log = emu.dev_list("/__emulator/requests").await;
    assert_eq!(log[1]["path"], "/api/v3/get-profile?withCustomData=1");
}

#[tokio::test]
async fn cors_lets_any_origin_get_the_profile() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), None).await;
    let sdk_headers = "authorization, x-authing-app-id, x-authing-lang, x-authing-request-from, x-authing-sdk-version";
    for origin in ["https://app.example", "http://localhost:5173", "null"] {
        let pre = emu
            .request(
                "OPTIONS",
                &format!("{PROFILE}?{SDK_QUERY}"),
                &[("origin", origin), ("access-control-request-method", "GET"), ("access-control-request-headers", sdk_headers)],
                b"",
            )
            .await;
        assert_eq!(pre.status, 204, "{origin}");
        assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
        let methods = pre.header("access-control-allow-methods").unwrap_or_default();
        assert!(methods.split(", ").any(|m| m == "GET"), "{methods}");
        let allowed: Vec<&str> = pre.header("access-control-allow-headers").unwrap_or_default().split(", ").collect();
        for h in sdk_headers.split(", ") {
            assert!(allowed.contains(&h), "{h} not in {allowed:?}");
        }
        let res = emu.request("GET", &format!("{PROFILE}?{SDK_QUERY}"), &[APP, ("authorization", &token), ("origin", origin)], b"").await;
        assert_eq!(res.header("access-control-allow-origin"), Some("*"));
        assert_eq!(res.header("access-control-expose-headers"), Some("retry-after, x-request-id"));
        assert_ok(&res.json());
    }
    assert_eq!(emu.dev_list("/__emulator/requests").await.len(), 3, "preflights are not logged");
}

#[tokio::test]
async fn faults_apply_to_the_get() {
    let emu = start().await;
    let (_, token) = emu.user(Some("13800000001"), None).await;
    emu.dev("POST", "/__emulator/faults", Some(json!([{ "status": 503, "body": "busy" }, { "delayMs": 200 }]))).await;
    let path = format!("{PROFILE}?{SDK_QUERY}");
    let res = emu.request("GET", &path, &[APP, ("authorization", &token)], b"").await;
    assert_eq!((res.status, res.body.as_slice()), (503, &b"busy"[..]));
    let t = Instant::now();
    assert_ok(&emu.profile(Some(&token), SDK_QUERY).await);
    assert!(t.elapsed() >= Duration::from_millis(200));
    let conns = emu.dev_list("/__emulator/connections").await;
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0]["path"], path);
    assert_eq!(conns[0]["fault"], "delay");
}
