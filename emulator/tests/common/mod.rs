//! Test harness: runs the emulator in-process on a free port and talks to it
//! with a tiny hand-written HTTP/1.1 client (`connection: close`), so the tests
//! see exactly the bytes a client would, including broken and unfinished answers.
#![allow(dead_code)]

use std::time::Duration;

use genauth_emulator::{serve, Config};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

pub const APP_ID: &str = "test-app";
pub const PROFILE: &str = "/api/v3/get-profile";
/// The query authing-node-sdk 4.0.1's `getProfile()` sends with its defaults.
pub const SDK_QUERY: &str = "withCustomData=false&withIdentities=false&withDepartmentIds=false";
/// Only a safety net against a hung server (tests that expect a hang pass their own
/// timeout to `exchange`): generous, because the robustness suite runs 200 clients
/// at once on a 2-core machine that may be busy with other work.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Emu {
    pub port: u16,
}

pub async fn start() -> Emu {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(serve(listener, Config { app_id: APP_ID.into() }));
    Emu { port }
}

/// How the connection ended, as a client would see it.
#[derive(Debug, PartialEq, Eq)]
pub enum End {
    Eof,
    Timeout,
    Error(std::io::ErrorKind),
}

#[derive(Debug)]
pub struct Raw {
    pub bytes: Vec<u8>,
    pub end: End,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// Builds a request; `content-length` is always sent for a body.
/// A raw send-sms request binding `number`, ready for `exchange` or a raw socket.
pub fn sms_request(number: &str) -> Vec<u8> {
    let body = serde_json::json!({ "channel": "CHANNEL_BIND_PHONE", "phoneNumber": number }).to_string();
    build("POST", "/api/v3/send-sms", &[("x-authing-app-id", APP_ID), ("content-type", "application/json")], body.as_bytes())
}

pub fn build(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" || method == "PUT" {
        req.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends raw bytes and reads until the server closes, fails, or `timeout` passes.
pub async fn exchange(port: u16, request: &[u8], timeout: Duration) -> Raw {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    s.write_all(request).await.expect("write request");
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut chunk)).await {
            Err(_) => return Raw { bytes, end: End::Timeout },
            Ok(Ok(0)) => return Raw { bytes, end: End::Eof },
            Ok(Ok(n)) => bytes.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) => return Raw { bytes, end: End::Error(e.kind()) },
        }
    }
}

/// Parses a complete response (content-length or chunked); None if incomplete.
pub fn parse(bytes: &[u8]) -> Option<Resp> {
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    let rest = &bytes[head_end + 4..];
    let find = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let body = if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        dechunk(rest)?
    } else if let Some(len) = find("content-length") {
        let len: usize = len.parse().ok()?;
        rest.get(..len)?.to_vec()
    } else {
        rest.to_vec()
    };
    Some(Resp { status, headers, body })
}

/// Decodes a chunked body; None unless the terminating chunk arrived.
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

impl Emu {
    /// A request that must get a complete answer.
    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        let raw = exchange(self.port, &build(method, path, headers, body), TIMEOUT).await;
        assert_eq!(raw.end, End::Eof, "connection did not end cleanly");
        parse(&raw.bytes).unwrap_or_else(|| panic!("incomplete response: {}", String::from_utf8_lossy(&raw.bytes)))
    }

    /// An API call with the app id, JSON content type and (raw) token; returns the envelope.
    pub async fn api(&self, path: &str, token: Option<&str>, body: Value) -> Value {
        let mut headers = vec![("x-authing-app-id", APP_ID), ("content-type", "application/json")];
        if let Some(t) = token {
            headers.push(("authorization", t));
        }
        let res = self.request("POST", path, &headers, body.to_string().as_bytes()).await;
        assert_eq!(res.status, 200, "API answers HTTP 200");
        res.json()
    }

    /// `GET /api/v3/get-profile` (`?query` unless empty) with the app id and the raw
    /// token, no body and no content type, as the Node SDK sends it; returns the envelope.
    pub async fn profile(&self, token: Option<&str>, query: &str) -> Value {
        let mut headers = vec![("x-authing-app-id", APP_ID)];
        if let Some(t) = token {
            headers.push(("authorization", t));
        }
        let path = if query.is_empty() { PROFILE.to_string() } else { format!("{PROFILE}?{query}") };
        let res = self.request("GET", &path, &headers, b"").await;
        assert_eq!(res.status, 200, "API answers HTTP 200");
        res.json()
    }

    pub async fn dev(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let res = self.request(method, path, &[("content-type", "application/json")], body.as_bytes()).await;
        assert_eq!(res.status, 200, "dev {method} {path}: {}", String::from_utf8_lossy(&res.body));
        res.json()
    }

    /// A development endpoint that answers a list (`requests`, `sms`, `faults`, ...).
    pub async fn dev_list(&self, path: &str) -> Vec<Value> {
        match self.dev("GET", path, None).await {
            Value::Array(list) => list,
            other => panic!("{path} answered {other}, not a list"),
        }
    }

    pub async fn settings(&self, patch: Value) -> Value {
        self.dev("PUT", "/__emulator/settings", Some(patch)).await
    }

    /// Creates a user; returns (userId, accessToken).
    pub async fn user(&self, phone: Option<&str>, email: Option<&str>) -> (String, String) {
        let v = self.dev("POST", "/__emulator/users", Some(json!({ "phone": phone, "email": email }))).await;
        (v["userId"].as_str().expect("userId").into(), v["accessToken"].as_str().expect("token").into())
    }

    pub async fn get_user(&self, id: &str) -> Value {
        self.dev("GET", &format!("/__emulator/users/{id}"), None).await
    }

    pub async fn send(&self, channel: &str, number: &str) -> Value {
        self.api("/api/v3/send-sms", None, json!({ "channel": channel, "phoneNumber": number })).await
    }

    /// The latest code recorded for (channel, number).
    pub async fn code(&self, channel: &str, number: &str) -> String {
        let sms = self.dev("GET", "/__emulator/sms", None).await;
        sms.as_array()
            .expect("sms list")
            .iter()
            .rev()
            .find(|s| s["channel"] == channel && s["phoneNumber"] == number)
            .and_then(|s| s["code"].as_str())
            .expect("a code was sent")
            .to_string()
    }

    /// Sends a code and returns it.
    pub async fn send_code(&self, channel: &str, number: &str) -> String {
        assert_ok(&self.send(channel, number).await);
        self.code(channel, number).await
    }

    pub async fn verify(&self, token: &str, payload: Value) -> Value {
        let body = json!({ "verifyMethod": "PHONE_PASSCODE", "phonePassCodePayload": payload });
        self.api("/api/v3/verify-update-phone-request", Some(token), body).await
    }

    /// `verify` without old-number evidence: the new number and its code.
    pub async fn verify_new(&self, token: &str, number: &str, code: &str) -> Value {
        self.verify(token, json!({ "newPhoneNumber": number, "newPhonePassCode": code })).await
    }

    pub async fn update(&self, token: &str, update_token: &str) -> Value {
        self.api("/api/v3/update-phone", Some(token), json!({ "updatePhoneToken": update_token })).await
    }

    pub async fn unbind(&self, token: &str, code: &str) -> Value {
        self.api("/api/v3/unbind-phone", Some(token), json!({ "passCode": code })).await
    }
}

/// The `updatePhoneToken` of a successful verify answer.
pub fn update_token(v: &Value) -> String {
    v["data"]["updatePhoneToken"].as_str().expect("an updatePhoneToken").to_string()
}

pub fn assert_ok(v: &Value) {
    assert_eq!(v["statusCode"], 200, "{v}");
    assert_eq!(v["message"], "Operation successful", "{v}");
    assert!(v.get("apiCode").is_none() && v.get("requestId").is_none(), "{v}");
}

/// A failure envelope with this status class and apiCode, and a uuid-like requestId.
pub fn assert_fail(v: &Value, status: u16, api_code: u32) {
    assert_eq!(v["statusCode"], status, "{v}");
    assert_eq!(v["apiCode"], api_code, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    let id = v["requestId"].as_str().unwrap_or_else(|| panic!("requestId missing: {v}"));
    let parts: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
    assert!(v.get("data").is_none(), "{v}");
}
