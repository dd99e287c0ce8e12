//! The change-number and unbind flows, and every business failure on the way.

mod common;

use std::time::Duration;

use common::{assert_fail, assert_ok, start, update_token};
use serde_json::json;

const BIND: &str = "CHANNEL_BIND_PHONE";
const UNBIND: &str = "CHANNEL_UNBIND_PHONE";
const OLD: &str = "13800000001";
const NEW: &str = "13900000002";

#[tokio::test]
async fn change_number_without_old_phone_check() {
    let emu = start().await;
    let (id, token) = emu.user(Some(OLD), Some("a@example.com")).await;
    let code = emu.send_code(BIND, NEW).await;
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));

    let v = emu.verify_new(&token, NEW, &code).await;
    assert_ok(&v);
    let update_token = v["data"]["updatePhoneToken"].as_str().expect("token").to_string();
    assert_eq!(update_token.len(), 32);
    assert!(update_token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(v["data"]["tokenExpiresIn"], 60);

    // The code is single use.
    let again = emu.verify_new(&token, NEW, &code).await;
    assert_fail(&again, 400, 2001);

    let v = emu.update(&token, &update_token).await;
    assert_ok(&v);
    assert!(v.get("data").is_none());
    let user = emu.get_user(&id).await;
    assert_eq!(user["phone"], NEW);
    assert_eq!(user["phoneCountryCode"], "+86");

    // Token reuse.
    assert_fail(&emu.update(&token, &update_token).await, 400, 9009);
}

#[tokio::test]
async fn change_number_with_old_phone_check() {
    let emu = start().await;
    let (id, token) = emu.user(Some(OLD), None).await;
    let s = emu.settings(json!({ "verifyOldPhone": true, "smsCooldownSecs": 0 })).await;
    assert_eq!(s["verifyOldPhone"], true);
    let new_code = emu.send_code(BIND, NEW).await;
    let old_code = emu.send_code(UNBIND, OLD).await;

    // Old fields are required now.
    let v = emu.verify_new(&token, NEW, &new_code).await;
    assert_fail(&v, 400, 9003);
    // The old number must be the current one.
    let v = emu
        .verify(
            &token,
            json!({ "newPhoneNumber": NEW, "newPhonePassCode": new_code,
            "oldPhoneNumber": "13700000003", "oldPhonePassCode": old_code }),
        )
        .await;
    assert_fail(&v, 400, 2038);
    // Wrong old code; the new code stays usable.
    let v = emu
        .verify(
            &token,
            json!({ "newPhoneNumber": NEW, "newPhonePassCode": new_code,
            "oldPhoneNumber": OLD, "oldPhonePassCode": "000000x" }),
        )
        .await;
    assert_fail(&v, 400, 2001);
    // The old code must have been sent on CHANNEL_UNBIND_PHONE, not BIND.
    let bind_old = emu.send_code(BIND, OLD).await;
    let v = emu
        .verify(
            &token,
            json!({ "newPhoneNumber": NEW, "newPhonePassCode": new_code,
            "oldPhoneNumber": OLD, "oldPhonePassCode": bind_old }),
        )
        .await;
    assert_fail(&v, 400, 2001);

    let v = emu
        .verify(
            &token,
            json!({ "newPhoneNumber": NEW, "newPhonePassCode": new_code, "newPhoneCountryCode": "+86",
            "oldPhoneNumber": OLD, "oldPhonePassCode": old_code, "oldPhoneCountryCode": "+86" }),
        )
        .await;
    assert_ok(&v);
    assert_ok(&emu.update(&token, &update_token(&v)).await);
    assert_eq!(emu.get_user(&id).await["phone"], NEW);
}

#[tokio::test]
async fn wrong_missing_replaced_and_expired_codes() {
    let emu = start().await;
    let (_, token) = emu.user(Some(OLD), None).await;
    emu.settings(json!({ "smsCooldownSecs": 0, "smsCodeLifetimeSecs": 1 })).await;

    // Nothing sent yet.
    assert_fail(&emu.verify_new(&token, NEW, "123456").await, 400, 2001);
    // Sent on another channel.
    let login = emu.send_code("CHANNEL_LOGIN", NEW).await;
    assert_fail(&emu.verify_new(&token, NEW, &login).await, 400, 2001);
    // A new code replaces the previous one.
    let first = emu.send_code(BIND, NEW).await;
    let mut second = emu.send_code(BIND, NEW).await;
    while second == first {
        second = emu.send_code(BIND, NEW).await;
    }
    assert_fail(&emu.verify_new(&token, NEW, &first).await, 400, 2001);
    // Expired after smsCodeLifetimeSecs.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_fail(&emu.verify_new(&token, NEW, &second).await, 400, 2300);
}

#[tokio::test]
async fn country_code_is_part_of_the_number() {
    let emu = start().await;
    let (_, token) = emu.user(Some(OLD), None).await;
    // Sent for +1: does not verify for the default +86.
    let v = emu.api("/api/v3/send-sms", None, json!({ "channel": BIND, "phoneNumber": NEW, "phoneCountryCode": "+1" })).await;
    assert_ok(&v);
    let code = emu.code(BIND, NEW).await;
    assert_fail(&emu.verify_new(&token, NEW, &code).await, 400, 2001);
    let v = emu.verify(&token, json!({ "newPhoneNumber": NEW, "newPhonePassCode": code, "newPhoneCountryCode": "+1" })).await;
    assert_ok(&v);
    let sms = emu.dev("GET", "/__emulator/sms", None).await;
    assert_eq!(sms[0]["phoneCountryCode"], "+1");
    assert!(sms[0]["sentAt"].as_u64().is_some_and(|t| t > 1_600_000_000_000));
}

#[tokio::test]
async fn cooldown_per_channel_and_number() {
    let emu = start().await;
    assert_ok(&emu.send(BIND, NEW).await);
    let v = emu.send(BIND, NEW).await;
    assert_fail(&v, 429, 9006);
    assert!(v["message"].as_str().unwrap().contains("wait"), "{v}");
    // Other channel, other number, other country code: separate limits.
    assert_ok(&emu.send(UNBIND, NEW).await);
    assert_ok(&emu.send(BIND, OLD).await);
    let v = emu.api("/api/v3/send-sms", None, json!({ "channel": BIND, "phoneNumber": NEW, "phoneCountryCode": "+852" })).await;
    assert_ok(&v);
    // Cooldown 0 lifts the limit.
    emu.settings(json!({ "smsCooldownSecs": 0 })).await;
    assert_ok(&emu.send(BIND, NEW).await);
    assert_eq!(emu.dev_list("/__emulator/sms").await.len(), 5);
}

#[tokio::test]
async fn same_number_and_number_of_another_user() {
    let emu = start().await;
    let (_, token) = emu.user(Some(OLD), None).await;
    emu.user(Some(NEW), None).await;
    let code = emu.send_code(BIND, OLD).await;
    let v = emu.verify_new(&token, OLD, &code).await;
    assert_fail(&v, 422, 2230);
    let code = emu.send_code(BIND, NEW).await;
    let v = emu.verify_new(&token, NEW, &code).await;
    assert_fail(&v, 409, 2035);
}

#[tokio::test]
async fn number_taken_between_verify_and_update() {
    let emu = start().await;
    let (id, token) = emu.user(Some(OLD), None).await;
    let code = emu.send_code(BIND, NEW).await;
    let v = emu.verify_new(&token, NEW, &code).await;
    let update_token = update_token(&v);
    emu.user(Some(NEW), None).await;
    assert_fail(&emu.update(&token, &update_token).await, 409, 2035);
    assert_eq!(emu.get_user(&id).await["phone"], OLD);
}

#[tokio::test]
async fn update_token_other_user_unknown_and_expired() {
    let emu = start().await;
    let (_, token) = emu.user(Some(OLD), None).await;
    let (_, other) = emu.user(None, Some("b@example.com")).await;
    let lifetime = emu.settings(json!({ "updatePhoneTokenLifetimeSecs": 1 })).await;
    assert_eq!(lifetime["updatePhoneTokenLifetimeSecs"], 1);
    let code = emu.send_code(BIND, NEW).await;
    let v = emu.verify_new(&token, NEW, &code).await;
    assert_eq!(v["data"]["tokenExpiresIn"], 1);
    let update_token = update_token(&v);

    assert_fail(&emu.update(&other, &update_token).await, 400, 9007);
    assert_fail(&emu.update(&token, "0123456789abcdef0123456789abcdef").await, 400, 9007);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_fail(&emu.update(&token, &update_token).await, 400, 9008);
}

#[tokio::test]
async fn unbind_success_and_refusals() {
    let emu = start().await;
    emu.settings(json!({ "smsCooldownSecs": 0 })).await;
    let (id, token) = emu.user(Some(OLD), Some("a@example.com")).await;

    assert_fail(&emu.unbind(&token, "123456").await, 400, 2001);
    let code = emu.send_code(UNBIND, OLD).await;
    assert_ok(&emu.unbind(&token, &code).await);
    let user = emu.get_user(&id).await;
    assert!(user["phone"].is_null() && user["phoneCountryCode"].is_null(), "{user}");
    // Nothing left to unbind.
    assert_fail(&emu.unbind(&token, &code).await, 400, 9010);

    // Phone is the only login method.
    let (id2, token2) = emu.user(Some(NEW), None).await;
    let code = emu.send_code(UNBIND, NEW).await;
    assert_fail(&emu.unbind(&token2, &code).await, 422, 2217);
    assert_eq!(emu.get_user(&id2).await["phone"], NEW);
}

#[tokio::test]
async fn unbind_code_expires() {
    let emu = start().await;
    emu.settings(json!({ "smsCodeLifetimeSecs": 1 })).await;
    let (_, token) = emu.user(Some(OLD), Some("a@example.com")).await;
    let code = emu.send_code(UNBIND, OLD).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_fail(&emu.unbind(&token, &code).await, 400, 2300);
}

#[tokio::test]
async fn user_without_phone_gets_one() {
    let emu = start().await;
    let (id, token) = emu.user(None, Some("a@example.com")).await;
    let code = emu.send_code(BIND, NEW).await;
    let v = emu.verify_new(&token, NEW, &code).await;
    assert_ok(&emu.update(&token, &update_token(&v)).await);
    assert_eq!(emu.get_user(&id).await["phone"], NEW);
}
