//! `/__emulator/connections`: for requests answered with a `hang` or `delayMs`
//! fault, did the client close the connection before the answer was complete?
//! Driven by raw TCP clients that either give up (close the socket) or read the
//! whole answer.

mod common;

use std::time::Duration;

use common::{assert_ok, build, parse, sms_request, start, Emu, APP_ID};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

const SMS: &str = "/api/v3/send-sms";

async fn fault(emu: &Emu, f: Value) {
    emu.dev("POST", "/__emulator/faults", Some(f)).await;
}

async fn connections(emu: &Emu) -> Vec<Value> {
    emu.dev_list("/__emulator/connections").await
}

/// Polls until entry `i` says the client closed; returns it and how long that took.
async fn wait_closed(emu: &Emu, i: usize) -> (Value, Duration) {
    let t = Instant::now();
    loop {
        let list = connections(emu).await;
        if let Some(r) = list.get(i).filter(|r| r["closedByClient"] == true) {
            return (r.clone(), t.elapsed());
        }
        assert!(t.elapsed() < Duration::from_secs(10), "close not recorded: {list:?}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Sends the request, reads whatever arrives for `linger`, then closes the socket.
async fn send_then_close(port: u16, request: &[u8], linger: Duration) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + linger;
    while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    drop(s);
    got
}

#[tokio::test]
async fn hang_closed_by_the_client_is_recorded() {
    let emu = start().await;
    fault(&emu, json!({ "hang": true, "body": "{\"statusCode\"" })).await;
    let got = send_then_close(emu.port, &sms_request("13900000002"), Duration::from_millis(300)).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 200"), "headers arrived: {text}");
    let (r, visible) = wait_closed(&emu, 0).await;
    assert_eq!(r["path"], SMS);
    assert_eq!(r["fault"], "hang");
    assert_eq!(r["answered"], false);
    let after = r["closedAfterMs"].as_u64().expect("closedAfterMs");
    assert!((250..5000).contains(&after), "closed after ~300 ms: {r}");
    println!("connections: hang close visible {visible:?} after the socket closed");
}

#[tokio::test]
async fn hang_still_open_is_not_closed() {
    let emu = start().await;
    fault(&emu, json!({ "hang": true })).await;
    let mut s = TcpStream::connect(("127.0.0.1", emu.port)).await.unwrap();
    s.write_all(&sms_request("13900000002")).await.unwrap();
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let list = connections(&emu).await;
    assert_eq!(list, [json!({ "path": SMS, "fault": "hang", "closedByClient": false, "closedAfterMs": null, "answered": false })]);
    drop(s);
    let (r, _) = wait_closed(&emu, 0).await;
    assert!(r["closedAfterMs"].as_u64().unwrap() >= 200, "{r}");
}

#[tokio::test]
async fn delay_abandoned_by_the_client_is_recorded() {
    let emu = start().await;
    fault(&emu, json!({ "delayMs": 10000 })).await;
    let got = send_then_close(emu.port, &sms_request("13900000002"), Duration::from_millis(200)).await;
    assert!(got.is_empty(), "nothing answered yet");
    let (r, visible) = wait_closed(&emu, 0).await;
    assert_eq!(r["fault"], "delay");
    assert_eq!(r["answered"], false);
    let after = r["closedAfterMs"].as_u64().unwrap();
    assert!((150..5000).contains(&after), "closed after ~200 ms, not 10 s: {r}");
    println!("connections: delay close visible {visible:?} after the socket closed");
    // The abandoned request was never processed: no SMS went out.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(emu.dev("GET", "/__emulator/sms", None).await, json!([]));
}

#[tokio::test]
async fn delay_read_to_the_end_is_not_closed() {
    let emu = start().await;
    fault(&emu, json!([{ "delayMs": 150 }, { "delayMs": 50, "bodyBytes": 300000 }])).await;
    let raw = common::exchange(emu.port, &sms_request("13900000002"), Duration::from_secs(5)).await;
    assert_ok(&parse(&raw.bytes).expect("a complete answer").json());
    let raw = common::exchange(emu.port, &sms_request("13900000003"), Duration::from_secs(5)).await;
    assert_eq!(parse(&raw.bytes).expect("complete").body.len(), 300000);
    // The client closes after reading everything: too late to count.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let want = json!({ "path": SMS, "fault": "delay", "closedByClient": false, "closedAfterMs": null, "answered": true });
    assert_eq!(connections(&emu).await, [want.clone(), want]);
}

#[tokio::test]
async fn large_delayed_body_abandoned_midway_is_closed() {
    let emu = start().await;
    // 64 MiB: far more than the socket buffers hold, so the server is still writing.
    fault(&emu, json!({ "delayMs": 10, "bodyBytes": 64u64 << 20 })).await;
    let mut s = TcpStream::connect(("127.0.0.1", emu.port)).await.unwrap();
    s.write_all(&sms_request("13900000002")).await.unwrap();
    // Read the first 100 KB of the answer, then give up.
    let mut got = 0;
    let mut buf = vec![0u8; 16 * 1024];
    while got < 100_000 {
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0, "the answer ended early");
        got += n;
    }
    drop(s);
    let (r, _) = wait_closed(&emu, 0).await;
    assert_eq!((r["fault"].as_str(), r["answered"].as_bool()), (Some("delay"), Some(false)));
}

#[tokio::test]
async fn which_requests_are_recorded_and_clearing() {
    let emu = start().await;
    fault(
        &emu,
        json!([
            { "status": 500 },
            { "delayMs": 20, "status": 503, "body": "x" },
            { "delayMs": 20, "drop": true },
            { "delayMs": 20, "drop": true, "body": "{\"st" },
        ]),
    )
    .await;
    for _ in 0..4 {
        common::exchange(emu.port, &sms_request("13900000002"), Duration::from_secs(2)).await;
    }
    // Unfaulted: not recorded.
    assert_ok(&emu.send("CHANNEL_LOGIN", "13900000002").await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let list = connections(&emu).await;
    assert_eq!(list.len(), 3, "{list:?}");
    for r in &list {
        // A drop is the server's doing, not the client's.
        assert_eq!((&r["fault"], &r["closedByClient"], &r["answered"]), (&json!("delay"), &json!(false), &json!(true)), "{list:?}");
    }
    emu.dev("DELETE", "/__emulator/connections", None).await;
    assert_eq!(connections(&emu).await, Vec::<Value>::new());

    fault(&emu, json!({ "hang": true })).await;
    let mut s = TcpStream::connect(("127.0.0.1", emu.port)).await.unwrap();
    s.write_all(&sms_request("13900000002")).await.unwrap();
    let mut buf = [0u8; 1024];
    let _ = s.read(&mut buf).await.unwrap();
    assert_eq!(connections(&emu).await.len(), 1);
    emu.dev("POST", "/__emulator/reset", None).await;
    assert_eq!(connections(&emu).await, Vec::<Value>::new());
    // A close after the reset touches nothing.
    drop(s);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(connections(&emu).await, Vec::<Value>::new());
}

#[tokio::test]
async fn arrival_order_with_many_clients() {
    let emu = start().await;
    let n = 20;
    let faults: Vec<Value> = (0..n).map(|i| if i % 2 == 0 { json!({ "hang": true }) } else { json!({ "delayMs": 3000 }) }).collect();
    fault(&emu, Value::Array(faults)).await;
    // One at a time so the arrival order is known; each closes after 50 ms.
    let mut tasks = Vec::new();
    for i in 0..n {
        let port = emu.port;
        let path = format!("{SMS}?i={i}");
        let req = build("POST", &path, &[("x-authing-app-id", APP_ID), ("content-type", "application/json")], b"{}");
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(&req).await.unwrap();
        // Wait until the emulator has taken this request's fault.
        let t = Instant::now();
        while connections(&emu).await.len() <= i {
            assert!(t.elapsed() < Duration::from_secs(10));
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            drop(s);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    for i in 0..n {
        wait_closed(&emu, i).await;
    }
    let list = connections(&emu).await;
    for (i, r) in list.iter().enumerate() {
        assert_eq!(r["path"], format!("{SMS}?i={i}"));
        assert_eq!(r["fault"], if i % 2 == 0 { "hang" } else { "delay" });
        assert_eq!(r["closedByClient"], true);
    }
}
