//! The SMS inbox's filters: `GET /__emulator/sms?userId=` (sent to the number the
//! user had at the time, or asked for with the user's token) and
//! `?phoneNumber=&phoneCountryCode=`, alone or together.

mod common;

use common::{assert_ok, start, update_token, Emu, APP_ID};
use serde_json::{json, Value};

const BIND: &str = "CHANNEL_BIND_PHONE";
const UNBIND: &str = "CHANNEL_UNBIND_PHONE";
const OLD: &str = "13800000001";
const NEW: &str = "13900000002";
const OTHER: &str = "13700000003";

/// send-sms with a token in `authorization` (as the client sends it when signed in).
async fn send_as(emu: &Emu, auth: &str, channel: &str, number: &str, cc: Option<&str>) {
    let body = json!({ "channel": channel, "phoneNumber": number, "phoneCountryCode": cc }).to_string();
    let headers = [("x-authing-app-id", APP_ID), ("content-type", "application/json"), ("authorization", auth)];
    assert_ok(&emu.request("POST", "/api/v3/send-sms", &headers, body.as_bytes()).await.json());
}

/// (channel, number, userId) of each listed message, in send order.
async fn inbox(emu: &Emu, query: &str) -> Vec<(String, String, Value)> {
    let list = emu.dev_list(&format!("/__emulator/sms?{query}")).await;
    list.iter().map(|s| (s["channel"].as_str().unwrap().into(), s["phoneNumber"].as_str().unwrap().into(), s["userId"].clone())).collect()
}

fn item(channel: &str, number: &str, user: Option<&str>) -> (String, String, Value) {
    (channel.into(), number.into(), json!(user))
}

#[tokio::test]
async fn by_user_via_the_token_and_via_the_current_number() {
    let emu = start().await;
    emu.settings(json!({ "smsCooldownSecs": 0 })).await;
    let (a, token_a) = emu.user(Some(OLD), Some("a@example.com")).await;
    let (b, token_b) = emu.user(Some(OTHER), None).await;

    // A asks for a code to the new number (raw token), then to the old one (Bearer).
    send_as(&emu, &token_a, BIND, NEW, None).await;
    send_as(&emu, &format!("Bearer {token_a}"), UNBIND, OLD, None).await;
    // Without a token: to A's current number (A's), to B's (B's), to nobody's.
    emu.send(UNBIND, OLD).await;
    emu.send(UNBIND, OTHER).await;
    emu.send(BIND, "13600000004").await;
    // B asks for a code to a number nobody has; an unknown token sends too, naming no one.
    send_as(&emu, &token_b, BIND, "13500000005", None).await;
    send_as(&emu, "not-a-token", BIND, "13400000006", None).await;

    assert_eq!(emu.dev_list("/__emulator/sms").await.len(), 7, "the unfiltered list is unchanged");
    let a_inbox = vec![item(BIND, NEW, Some(&a)), item(UNBIND, OLD, Some(&a)), item(UNBIND, OLD, None)];
    assert_eq!(inbox(&emu, &format!("userId={a}")).await, a_inbox);
    assert_eq!(inbox(&emu, &format!("userId={b}")).await, vec![item(UNBIND, OTHER, None), item(BIND, "13500000005", Some(&b))]);
    assert_eq!(inbox(&emu, "userId=nobody").await, vec![]);
    assert_eq!(inbox(&emu, "phoneNumber=13400000006").await, vec![item(BIND, "13400000006", None)]);

    // A moves to NEW: a later code to OLD is no longer A's; one to NEW is. The history stays.
    let code = emu.code(BIND, NEW).await;
    let v = emu.verify_new(&token_a, NEW, &code).await;
    assert_ok(&emu.update(&token_a, &update_token(&v)).await);
    emu.send(UNBIND, OLD).await;
    emu.send(UNBIND, NEW).await;
    let mut moved = a_inbox.clone();
    moved.push(item(UNBIND, NEW, None));
    assert_eq!(inbox(&emu, &format!("userId={a}")).await, moved);
}

#[tokio::test]
async fn by_number_with_and_without_the_country_code() {
    let emu = start().await;
    let (a, token_a) = emu.user(Some(OLD), None).await;
    emu.send(BIND, NEW).await;
    send_as(&emu, &token_a, BIND, NEW, Some("+852")).await;
    send_as(&emu, &token_a, UNBIND, OLD, None).await;

    // No country code means +86.
    assert_eq!(inbox(&emu, &format!("phoneNumber={NEW}")).await, vec![item(BIND, NEW, None)]);
    for cc in ["%2B86", "+86"] {
        assert_eq!(inbox(&emu, &format!("phoneNumber={NEW}&phoneCountryCode={cc}")).await, vec![item(BIND, NEW, None)]);
    }
    for cc in ["%2B852", "+852"] {
        let list = emu.dev_list(&format!("/__emulator/sms?phoneCountryCode={cc}&phoneNumber={NEW}")).await;
        assert_eq!(list.len(), 1);
        assert_eq!((&list[0]["phoneCountryCode"], &list[0]["userId"]), (&json!("+852"), &json!(a)));
    }
    // Both filters: both must match.
    assert_eq!(inbox(&emu, &format!("userId={a}&phoneNumber={NEW}&phoneCountryCode=%2B852")).await, vec![item(BIND, NEW, Some(&a))]);
    assert_eq!(inbox(&emu, &format!("userId={a}&phoneNumber={OLD}")).await, vec![item(UNBIND, OLD, Some(&a))]);
    assert_eq!(inbox(&emu, &format!("userId={a}&phoneNumber={NEW}")).await, vec![]);
    assert_eq!(inbox(&emu, "phoneNumber=13000000000").await, vec![]);
}

#[tokio::test]
async fn bad_filters_answer_400() {
    let emu = start().await;
    for query in [
        "user=x",
        "userid=x",
        "userId=",
        "userId=a&userId=b",
        "phone=13800000001",
        "phoneNumber=12",
        "phoneNumber=%2B8613800000001",
        "phoneNumber=13800000001&phoneCountryCode=86",
        "phoneCountryCode=%2B86",
        "phoneNumber=13800000001&phoneNumber=13800000001",
    ] {
        let res = emu.request("GET", &format!("/__emulator/sms?{query}"), &[], b"").await;
        assert_eq!(res.status, 400, "{query}");
        assert!(res.json()["error"].as_str().is_some_and(|e| !e.is_empty()), "{query}");
    }
    assert_eq!(emu.dev_list("/__emulator/sms?").await, Vec::<Value>::new(), "an empty query filters nothing");
}
