//! Who may call the development endpoints from a browser: pages on loopback
//! origins (the demo page among them), never another site, which could otherwise
//! read the SMS codes and the request log's tokens, or reset everything.

mod common;

use std::time::Duration;

use common::{build, exchange, parse, start, Resp, APP_ID};
use genauth_emulator::{serve_demo, DemoConfig};
use serde_json::json;
use tokio::net::TcpListener;

const FOREIGN: &str = "https://evil.example";

async fn call(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let raw = exchange(port, &build(method, path, headers, body), Duration::from_secs(10)).await;
    parse(&raw.bytes).expect("a complete answer")
}

/// A browser's preflight for a JSON POST from `origin`.
async fn preflight(port: u16, path: &str, origin: &str) -> Resp {
    let headers = [("origin", origin), ("access-control-request-method", "POST"), ("access-control-request-headers", "content-type")];
    call(port, "OPTIONS", path, &headers, b"").await
}

fn no_cors(res: &Resp, what: &str) {
    for h in ["access-control-allow-origin", "access-control-allow-methods"] {
        assert_eq!(res.header(h), None, "{what}: {h}");
    }
}

#[tokio::test]
async fn a_foreign_origin_is_refused_on_every_dev_endpoint() {
    let emu = start().await;
    let (user_id, _) = emu.user(Some("13800000001"), Some("a@b.c")).await;
    let origin = [("origin", FOREIGN)];
    for (method, path) in [
        ("GET", "/__emulator/sms"),
        ("GET", "/__emulator/requests"),
        ("GET", "/__emulator/health"),
        ("POST", "/__emulator/reset"),
        ("POST", "/__emulator/users"),
        ("PUT", "/__emulator/settings"),
        ("GET", "/__emulator/nope"),
    ] {
        let res = call(emu.port, method, path, &origin, b"").await;
        assert_eq!(res.status, 403, "{method} {path}");
        no_cors(&res, path);
        assert!(res.json()["error"].as_str().is_some(), "{path}");
    }
    let pre = preflight(emu.port, "/__emulator/sms", FOREIGN).await;
    assert_eq!(pre.status, 403, "the preflight is refused");
    no_cors(&pre, "preflight");
    // The refused form post did nothing: the user is still there.
    assert_eq!(emu.get_user(&user_id).await["phone"], "13800000001");

    // Refused too: a `null` origin (sandboxed frame, file://) and a DNS-rebound host name.
    let res = call(emu.port, "GET", "/__emulator/sms", &[("origin", "null")], b"").await;
    assert_eq!(res.status, 403);
    let rebound = format!("{}", emu.port);
    let req = format!("GET /__emulator/sms HTTP/1.1\r\nhost: rebind.evil.example:{rebound}\r\nconnection: close\r\n\r\n");
    let raw = exchange(emu.port, req.as_bytes(), Duration::from_secs(10)).await;
    assert_eq!(parse(&raw.bytes).expect("answer").status, 403, "a foreign Host");
}

#[tokio::test]
async fn the_api_still_answers_any_origin() {
    let emu = start().await;
    let body = json!({ "channel": "CHANNEL_LOGIN", "phoneNumber": "13800000002" }).to_string();
    let headers = [("origin", FOREIGN), ("x-authing-app-id", APP_ID), ("content-type", "application/json")];
    let res = call(emu.port, "POST", "/api/v3/send-sms", &headers, body.as_bytes()).await;
    assert_eq!(res.json()["statusCode"], 200);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    let pre = preflight(emu.port, "/api/v3/send-sms", FOREIGN).await;
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn the_demo_page_and_local_dev_servers_are_allowed() {
    let emu = start().await;
    // The demo page's real origin: its server on another loopback port.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let demo_port = listener.local_addr().expect("addr").port();
    let dir = std::env::temp_dir();
    tokio::spawn(serve_demo(
        listener,
        DemoConfig {
            site_dir: dir.clone(),
            pkg_dir: dir,
            emulator_url: format!("http://127.0.0.1:{}", emu.port),
            app_id: APP_ID.into(),
            app_hosts: vec![],
        },
    ));
    let demo_origin = format!("http://127.0.0.1:{demo_port}");
    let config = call(demo_port, "GET", "/config.json", &[], b"").await;
    assert_eq!(config.status, 200, "the demo server runs");
    for origin in [demo_origin.as_str(), "http://localhost:5173", "http://[::1]:8080"] {
        let pre = preflight(emu.port, "/__emulator/users", origin).await;
        assert_eq!(pre.status, 204, "{origin}");
        assert_eq!(pre.header("access-control-allow-origin"), Some(origin));
        let res = call(emu.port, "GET", "/__emulator/sms", &[("origin", origin)], b"").await;
        assert_eq!(res.status, 200, "{origin}");
        assert_eq!(res.header("access-control-allow-origin"), Some(origin));
        assert_eq!(res.header("vary"), Some("origin"));
    }
}
