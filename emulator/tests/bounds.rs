//! Every collection is bounded, so the emulator can be left running: the real
//! binary takes more than each bound twice over, and its memory stays flat
//! between the two rounds while each list keeps only its newest entries.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use genauth_emulator::bounds::{MAX_REQUESTS, MAX_REQUEST_BYTES, MAX_SMS, MAX_USERS};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::net::TcpStream;

const APP: &str = "bounds-app";
const CLIENTS: usize = 8;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One keep-alive connection (the tests' other client closes after each answer,
/// which would spend the run on TIME_WAIT sockets).
struct Conn(AsyncBufReader<TcpStream>);

impl Conn {
    async fn open(port: u16) -> Conn {
        Conn(AsyncBufReader::new(TcpStream::connect(("127.0.0.1", port)).await.expect("connect")))
    }

    async fn send(&mut self, method: &str, path: &str, headers: &str, body: &[u8]) -> Value {
        let head = format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n{headers}content-length: {}\r\n\r\n", body.len());
        // One write: a second small one would wait for a delayed ACK (Nagle).
        let mut req = head.into_bytes();
        req.extend_from_slice(body);
        self.0.get_mut().write_all(&req).await.expect("write");
        let mut len = 0;
        loop {
            let mut line = String::new();
            self.0.read_line(&mut line).await.expect("read");
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().expect("length");
            }
        }
        let mut buf = vec![0; len];
        self.0.read_exact(&mut buf).await.expect("body");
        serde_json::from_slice(&buf).expect("JSON")
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).expect("VmRSS")
}

/// More than every bound: users, SMS (and their codes and cooldowns), the request
/// log by count (small requests) and by bytes (60 KB bodies). Update tokens, faults
/// and connection records use the same `Bounded` list (its unit tests).
async fn round(port: u16, round: u32) -> String {
    let users_per_client = (MAX_USERS + 100) / CLIENTS;
    let sends_per_client = (MAX_SMS.max(MAX_REQUESTS) + 500) / CLIENTS;
    let big = "x".repeat(60_000);
    let big_requests = MAX_REQUEST_BYTES / 60_000 + 100;
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let big = big.clone();
            tokio::spawn(async move {
                let mut conn = Conn::open(port).await;
                let api = format!("x-authing-app-id: {APP}\r\ncontent-type: application/json\r\n");
                let mut first_user = String::new();
                for i in 0..users_per_client {
                    let number = format!("1{round}{c}{i:08}");
                    let user = conn.send("POST", "/__emulator/users", "", json!({ "phone": number }).to_string().as_bytes()).await;
                    if i == 0 {
                        first_user = user["userId"].as_str().expect("userId").to_string();
                    }
                }
                for i in 0..sends_per_client {
                    let number = format!("1{round}{c}{i:08}");
                    let sms = json!({ "channel": "CHANNEL_LOGIN", "phoneNumber": number }).to_string();
                    let v = conn.send("POST", "/api/v3/send-sms", &api, sms.as_bytes()).await;
                    assert_eq!(v["statusCode"], 200, "{v}");
                }
                for _ in 0..big_requests / CLIENTS {
                    let body = format!("{{\"x\":\"{big}\"}}");
                    conn.send("POST", "/api/v3/unbind-phone", &api, body.as_bytes()).await;
                }
                first_user
            })
        })
        .collect();
    let mut first = String::new();
    for t in tasks {
        first = t.await.expect("client");
    }
    first
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_flat_past_every_bound() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_genauth-emulator"))
        .args(["--port", "0", "--app-id", APP])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("line");
    let running = Running(child);
    let pid = running.0.id();
    let port: u16 = line.trim().rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");

    let old_user = round(port, 1).await;
    let after_one = rss_kib(pid);
    round(port, 2).await;
    let after_two = rss_kib(pid);

    let mut conn = Conn::open(port).await;
    let sms = conn.send("GET", "/__emulator/sms", "", b"").await;
    let sms = sms.as_array().expect("list");
    assert_eq!(sms.len(), MAX_SMS);
    assert!(sms.iter().all(|m| m["phoneNumber"].as_str().is_some_and(|n| n.starts_with("12"))), "only the second round's SMS are left");
    let log = conn.send("GET", "/__emulator/requests", "", b"").await;
    let log = log.as_array().expect("list");
    let bytes: usize = log.iter().map(|r| r["body"].as_str().map_or(0, str::len)).sum();
    assert!(log.len() <= MAX_REQUESTS && bytes <= MAX_REQUEST_BYTES, "{} entries, {bytes} bytes", log.len());
    let gone = conn.send("GET", &format!("/__emulator/users/{old_user}"), "", b"").await;
    assert_eq!(gone["error"], "user not found", "the oldest users were dropped");

    println!("bounds: RSS {after_one} KiB after round 1, {after_two} KiB after round 2");
    assert!(after_two <= after_one + 8 * 1024, "memory grew from {after_one} KiB to {after_two} KiB past the bounds");
}
