//! Injected faults, observed the way a client sees them.

mod common;

use std::time::{Duration, Instant};

use common::{assert_ok, exchange, parse, sms_request, start, End};
use serde_json::json;

const SMS: &str = "/api/v3/send-sms";

async fn sms_count(emu: &common::Emu) -> usize {
    emu.dev_list("/__emulator/sms").await.len()
}

#[tokio::test]
async fn delay_then_normal_processing() {
    let emu = start().await;
    emu.dev("POST", "/__emulator/faults", Some(json!({ "delayMs": 300 }))).await;
    let start_at = Instant::now();
    let v = emu.send("CHANNEL_BIND_PHONE", "13900000002").await;
    assert!(start_at.elapsed() >= Duration::from_millis(300));
    assert_ok(&v);
    assert_eq!(sms_count(&emu).await, 1);
}

#[tokio::test]
async fn raw_answers_replace_the_envelope() {
    let emu = start().await;
    let queued = emu
        .dev(
            "POST",
            "/__emulator/faults",
            Some(json!([
                { "status": 500, "contentType": "text/html", "body": "<html>oops</html>" },
                { "status": 429, "headers": { "retry-after": "7" }, "body": "slow down" },
                { "status": 200, "body": "" },
                { "bodyBytes": 100000 },
                { "delayMs": 100, "status": 503, "body": "{\"statusCode\":503}" },
            ])),
        )
        .await;
    assert_eq!(queued, json!({ "queued": 5 }));

    let r = emu.request("POST", SMS, &[], b"").await;
    assert_eq!((r.status, r.header("content-type")), (500, Some("text/html")));
    assert_eq!(r.body, b"<html>oops</html>");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));

    let r = emu.request("POST", SMS, &[], b"").await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("7")));
    assert_eq!(r.body, b"slow down");

    let r = emu.request("POST", SMS, &[], b"").await;
    assert_eq!((r.status, r.header("content-length")), (200, Some("0")));
    assert!(r.body.is_empty());

    let r = emu.request("POST", SMS, &[], b"").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.len(), 100000);
    assert_eq!(r.header("content-length"), Some("100000"));

    let start_at = Instant::now();
    let r = emu.request("POST", SMS, &[], b"").await;
    assert!(start_at.elapsed() >= Duration::from_millis(100));
    assert_eq!(r.status, 503);
    assert_eq!(r.json(), json!({ "statusCode": 503 }));

    // The faulted requests were logged but not processed; the queue is empty now.
    assert_eq!(emu.dev_list("/__emulator/requests").await.len(), 5);
    assert_eq!(sms_count(&emu).await, 0);
    assert_ok(&emu.send("CHANNEL_BIND_PHONE", "13900000002").await);
}

#[tokio::test]
async fn drop_is_a_network_error() {
    let emu = start().await;
    emu.dev("POST", "/__emulator/faults", Some(json!({ "drop": true }))).await;
    let raw = exchange(emu.port, &sms_request("13900000002"), Duration::from_secs(2)).await;
    assert!(raw.bytes.is_empty(), "no byte of an answer: {:?}", String::from_utf8_lossy(&raw.bytes));
    assert_ne!(raw.end, End::Timeout, "the connection is closed, not left open");
    // Recorded on arrival, before the fault.
    assert_eq!(emu.dev_list("/__emulator/requests").await.len(), 1);
    assert_eq!(sms_count(&emu).await, 0);
}

#[tokio::test]
async fn apply_makes_the_change_and_loses_its_answer() {
    let emu = start().await;
    emu.dev("POST", "/__emulator/faults", Some(json!([{ "drop": true, "apply": true }, { "drop": true }]))).await;
    let raw = exchange(emu.port, &sms_request("13900000002"), Duration::from_secs(2)).await;
    assert!(raw.bytes.is_empty(), "no answer: {:?}", String::from_utf8_lossy(&raw.bytes));
    assert_eq!(sms_count(&emu).await, 1, "applied: the code went out");
    // Without `apply`, the same fault applies nothing.
    let _ = exchange(emu.port, &sms_request("13900000003"), Duration::from_secs(2)).await;
    assert_eq!(sms_count(&emu).await, 1);
}

#[tokio::test]
async fn hang_sends_headers_then_nothing() {
    let emu = start().await;
    emu.dev("POST", "/__emulator/faults", Some(json!({ "hang": true, "status": 200, "body": "{\"statusCode\"" }))).await;
    let raw = exchange(emu.port, &sms_request("13900000002"), Duration::from_millis(500)).await;
    assert_eq!(raw.end, End::Timeout);
    let text = String::from_utf8_lossy(&raw.bytes).to_string();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\r\n\r\n"), "headers complete: {text}");
    assert!(text.contains("{\"statusCode\""), "the bytes before the hang arrive: {text}");
    assert!(parse(&raw.bytes).is_none(), "but the body never ends: {text}");
    // The server keeps serving others meanwhile.
    assert_ok(&emu.send("CHANNEL_LOGIN", "13900000002").await);
}

#[tokio::test]
async fn queue_order_and_clearing() {
    let emu = start().await;
    emu.dev("POST", "/__emulator/faults", Some(json!([{ "status": 501 }, { "status": 502 }]))).await;
    assert_eq!(emu.dev("POST", "/__emulator/faults", Some(json!({ "status": 503 }))).await["queued"], 3);
    assert_eq!(emu.dev_list("/__emulator/faults").await.len(), 3);
    assert_eq!(emu.request("POST", SMS, &[], b"").await.status, 501);
    // Faults apply to any API request, known route or not.
    assert_eq!(emu.request("GET", "/api/v3/nothing", &[], b"").await.status, 502);
    // Dev requests and preflights do not take faults.
    emu.dev("GET", "/__emulator/health", None).await;
    assert_eq!(emu.request("OPTIONS", SMS, &[], b"").await.status, 204);
    emu.dev("DELETE", "/__emulator/faults", None).await;
    assert_ok(&emu.send("CHANNEL_BIND_PHONE", "13900000002").await);
}

#[tokio::test]
async fn invalid_faults_are_refused() {
    let emu = start().await;
    for bad in [
        r#"{"status":99}"#,
        r#"{"status":"500"}"#,
        r#"{"drop":true,"hang":true}"#,
        // Nothing to apply it to: a delay alone answers normally anyway.
        r#"{"apply":true}"#,
        r#"{"delayMs":5,"apply":true}"#,
        r#"{"body":"x","bodyBytes":3}"#,
        r#"{"headers":{"bad name":"x"}}"#,
        // hyper frames the body: a contrary content-length panicked it in debug builds.
        r#"{"headers":{"content-length":"3"},"body":"hello world"}"#,
        r#"{"headers":{"Transfer-Encoding":"chunked"}}"#,
        r#"{"unknown":1}"#,
        r#"[{"status":500},{"delayMs":-1}]"#,
        "{",
    ] {
        let r = emu.request("POST", "/__emulator/faults", &[], bad.as_bytes()).await;
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json()["error"].is_string());
    }
    // A refused list queues nothing.
    assert_eq!(emu.dev("GET", "/__emulator/faults", None).await, json!([]));
}

#[tokio::test]
async fn drop_after_some_bytes_truncates_the_answer() {
    let emu = start().await;
    emu.dev("POST", "/__emulator/faults", Some(json!({ "drop": true, "body": "{\"statusCode\":2" }))).await;
    let raw = exchange(emu.port, &sms_request("13900000002"), Duration::from_secs(2)).await;
    assert_ne!(raw.end, End::Timeout);
    let text = String::from_utf8_lossy(&raw.bytes).to_string();
    assert!(text.starts_with("HTTP/1.1 200") && text.contains("{\"statusCode\":2"), "{text}");
    assert!(parse(&raw.bytes).is_none(), "the chunked body never terminates: {text}");
}
