//! The real binary: command line, the "listening" line, the stderr access log.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_genauth-emulator");

/// Kills the child even when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn post(port: u16, path: &str, headers: &str, body: &str) -> String {
    send(port, "POST", path, headers, body)
}

fn send(port: u16, method: &str, path: &str, headers: &str, body: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let req = format!("{method} {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{headers}content-length: {}\r\n\r\n{body}", body.len());
    s.write_all(req.as_bytes()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn listens_on_a_free_port_and_logs_without_secrets() {
    let child =
        Command::new(BIN).args(["--port", "0", "--app-id", "my-app"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let mut running = Running(child);
    let mut line = String::new();
    BufReader::new(running.0.stdout.take().expect("stdout")).read_line(&mut line).expect("line");
    let port: u16 = line
        .trim_end()
        .strip_prefix("genauth-emulator listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
        .parse()
        .expect("port");
    assert_ne!(port, 0);

    // The second send to the number is refused by the cooldown (429), still HTTP 200.
    for (path, status) in [("/api/v3/send-sms?secret=q", r#""statusCode":200"#), ("/api/v3/send-sms", r#""statusCode":429"#)] {
        let answer = post(
            port,
            path,
            "x-authing-app-id: my-app\r\ncontent-type: application/json\r\n",
            r#"{"channel":"CHANNEL_LOGIN","phoneNumber":"13812345678"}"#,
        );
        assert!(answer.contains(status), "{answer}");
    }
    let wrong_app = post(port, "/api/v3/unbind-phone", "x-authing-app-id: emulator-app\r\nauthorization: tok123\r\n", "{}");
    assert!(wrong_app.contains(r#""statusCode":404"#), "{wrong_app}");
    // get-profile's query is not logged either; an unknown token answers 401/2020.
    let profile = send(
        port,
        "GET",
        "/api/v3/get-profile?withCustomData=false&withIdentities=false&withDepartmentIds=false",
        "x-authing-app-id: my-app\r\nauthorization: tok123\r\n",
        "",
    );
    assert!(profile.contains(r#""statusCode":401"#), "{profile}");
    post(port, "/__emulator/reset", "", "");

    // Stop the server, then read everything it logged.
    let _ = running.0.kill();
    let _ = running.0.wait();
    let mut log = String::new();
    running.0.stderr.take().expect("stderr").read_to_string(&mut log).expect("stderr");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 4, "{log}");
    // The business outcome shows, though both answered HTTP 200.
    assert!(lines[0].starts_with("POST /api/v3/send-sms 200 statusCode=200 ") && lines[0].ends_with("ms"), "{log}");
    assert!(lines[1].starts_with("POST /api/v3/send-sms 200 statusCode=429 apiCode=9006 "), "{log}");
    assert!(lines[2].starts_with("POST /api/v3/unbind-phone 200 statusCode=404 apiCode=9005 "), "{log}");
    assert!(lines[3].starts_with("GET /api/v3/get-profile 200 statusCode=401 apiCode=2020 "), "{log}");
    for secret in ["13812345678", "tok123", "secret", "CHANNEL", "withCustomData", "?"] {
        assert!(!log.contains(secret), "{secret} leaked: {log}");
    }
}

#[test]
fn bad_arguments_exit_with_usage() {
    for args in [&["--port", "x"][..], &["--port"], &["--nope"], &["--app-id="]] {
        let out = Command::new(BIN).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    let help = Command::new(BIN).arg("--help").output().expect("run");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--app-id"));
}
