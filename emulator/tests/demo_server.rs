//! The demo page's static server (`--demo-dir`): MIME types, the CSP header on HTML,
//! `/config.json`, and path traversal refused (raw paths, percent-encoded, symlinks).

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use common::{build, exchange, parse, End, Resp};
use genauth_emulator::demo_server::{content_security_policy, parse_origin, safe_relative};
use genauth_emulator::{serve_demo, DemoConfig};
use tokio::net::TcpListener;

const EMULATOR: &str = "http://127.0.0.1:8787";
const SECRET: &str = "TOP-SECRET-OUTSIDE-THE-ROOT";

/// A fresh directory tree under the system temp dir, removed on drop:
/// `outside.txt` (must never be served), `site/` and `pkg/`.
struct Tree(PathBuf);

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tree() -> Tree {
    static N: AtomicU32 = AtomicU32::new(0);
    let root = std::env::temp_dir().join(format!("genauth-demo-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&root);
    let write = |p: &str, body: &str| {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, body).expect("write");
    };
    write("outside.txt", SECRET);
    write("site/index.html", "<!doctype html><title>demo</title>");
    write("site/app.js", "export {};");
    write("site/style.css", "body{}");
    write("site/icon.svg", "<svg/>");
    write("site/data.bin", "??");
    write("site/.hidden", SECRET);
    write("site/sub/index.html", "<p>sub</p>");
    write("site/sub/page.htm", "<p>htm</p>");
    write("pkg/genauth_phone.js", "export default 1;");
    write("pkg/genauth_phone_bg.wasm", "\0asm");
    write("pkg/genauth_phone.d.ts", "export {};");
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(root.join("outside.txt"), root.join("site/link.txt"));
        let _ = std::os::unix::fs::symlink(root.join("outside.txt"), root.join("pkg/escape.js"));
    }
    Tree(root)
}

async fn start(dir: &Path) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(serve_demo(
        listener,
        DemoConfig {
            site_dir: dir.join("site"),
            pkg_dir: dir.join("pkg"),
            emulator_url: EMULATOR.into(),
            app_id: "demo-app".into(),
            app_hosts: vec!["https://app.example".into()],
        },
    ));
    port
}

async fn get(port: u16, method: &str, raw_path: &str) -> Resp {
    let raw = exchange(port, &build(method, raw_path, &[], b""), Duration::from_secs(5)).await;
    assert_eq!(raw.end, End::Eof, "{method} {raw_path}: connection did not end");
    if method == "HEAD" {
        // The harness's parser expects content-length bytes of body; HEAD has none.
        let mut bytes = raw.bytes.clone();
        assert!(bytes.ends_with(b"\r\n\r\n"), "HEAD answered a body");
        bytes.truncate(bytes.len() - 4);
        let head = String::from_utf8(bytes).expect("utf-8 head");
        let mut lines = head.split("\r\n");
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).expect("status");
        return Resp {
            status: status.parse().expect("status code"),
            headers: lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())).collect(),
            body: Vec::new(),
        };
    }
    parse(&raw.bytes).unwrap_or_else(|| panic!("{method} {raw_path}: incomplete answer"))
}

#[tokio::test]
async fn serves_files_with_their_mime_types() {
    let t = tree();
    let port = start(&t.0).await;
    for (path, mime, body) in [
        ("/", "text/html; charset=utf-8", "<!doctype html><title>demo</title>"),
        ("/index.html", "text/html; charset=utf-8", "<!doctype html><title>demo</title>"),
        ("/app.js", "text/javascript; charset=utf-8", "export {};"),
        ("/style.css", "text/css; charset=utf-8", "body{}"),
        ("/icon.svg", "image/svg+xml", "<svg/>"),
        ("/data.bin", "application/octet-stream", "??"),
        ("/sub/", "text/html; charset=utf-8", "<p>sub</p>"),
        ("/sub/page.htm", "text/html; charset=utf-8", "<p>htm</p>"),
        ("/pkg/genauth_phone.js", "text/javascript; charset=utf-8", "export default 1;"),
        ("/pkg/genauth_phone_bg.wasm", "application/wasm", "\0asm"),
        ("/pkg/genauth_phone.d.ts", "text/plain; charset=utf-8", "export {};"),
        ("/app%2Ejs", "text/javascript; charset=utf-8", "export {};"),
    ] {
        let res = get(port, "GET", path).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.header("content-type"), Some(mime), "{path}");
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(res.body, body.as_bytes(), "{path}");
    }
    // HEAD: the same headers, no body.
    let head = get(port, "HEAD", "/pkg/genauth_phone_bg.wasm").await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("application/wasm"));
    assert_eq!(head.header("content-length"), Some("4"));
}

#[tokio::test]
async fn html_carries_the_content_security_policy() {
    let t = tree();
    let port = start(&t.0).await;
    let expected = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
        connect-src 'self' http://127.0.0.1:8787 https://app.example; style-src 'self'; img-src 'self' data:; \
        object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    assert_eq!(content_security_policy(EMULATOR, &["https://app.example".into()]), expected);
    for path in ["/", "/index.html", "/sub/", "/sub/page.htm"] {
        let res = get(port, "GET", path).await;
        assert_eq!(res.header("content-security-policy"), Some(expected), "{path}");
    }
    for path in ["/app.js", "/pkg/genauth_phone_bg.wasm", "/config.json"] {
        let res = get(port, "GET", path).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.header("content-security-policy"), None, "{path}");
    }
}

#[tokio::test]
async fn config_json_names_the_emulator() {
    let t = tree();
    let port = start(&t.0).await;
    let res = get(port, "GET", "/config.json").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(res.json(), serde_json::json!({ "emulatorUrl": EMULATOR, "appId": "demo-app", "appHosts": ["https://app.example"] }));
}

#[tokio::test]
async fn path_traversal_is_refused() {
    let t = tree();
    let port = start(&t.0).await;
    for path in [
        "/../outside.txt",
        "/pkg/../../outside.txt",
        "/pkg/../outside.txt",
        "/%2e%2e/outside.txt",
        "/%2E%2E/outside.txt",
        "/pkg/%2e%2e/%2e%2e/outside.txt",
        "/..%2foutside.txt",
        "/..%5coutside.txt",
        "/pkg/..%2f..%2foutside.txt",
        "/%2f..%2foutside.txt",
        "/sub/../../outside.txt",
        "/./index.html",
        "//outside.txt",
        "/sub//index.html",
        "/.hidden",
        "/%2ehidden",
        "/link.txt",
        "/pkg/escape.js",
        "/index.html%00.js",
        "/%zz",
        "/%c3%28",
        "/app.js/",
        "/missing.html",
    ] {
        let res = get(port, "GET", path).await;
        assert_eq!(res.status, 404, "{path}");
        assert!(!String::from_utf8_lossy(&res.body).contains(SECRET), "{path} leaked the file outside the root");
    }
    // The helper agrees on a few plain cases.
    assert_eq!(safe_relative("a/b.js"), Some(PathBuf::from("a/b.js")));
    assert_eq!(safe_relative(""), Some(PathBuf::new()));
    assert_eq!(safe_relative("a/../b"), None);
    assert_eq!(safe_relative("a%2Fb"), None);
    assert_eq!(safe_relative("a%+5"), None, "a sign is not a hex digit");
}

#[tokio::test]
async fn only_get_and_head_and_directories_redirect() {
    let t = tree();
    let port = start(&t.0).await;
    let post = get(port, "POST", "/index.html").await;
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    for (path, location) in [("/sub", "/sub/"), ("/pkg", "/pkg/"), ("//sub", "/sub/")] {
        let res = get(port, "GET", path).await;
        assert_eq!(res.status, 308, "{path}");
        assert_eq!(res.header("location"), Some(location), "{path}");
    }
}

/// Kills the child even when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_prints_both_urls_and_serves_the_demo() {
    let t = tree();
    let child = Command::new(env!("CARGO_BIN_EXE_genauth-emulator"))
        .args(["--port", "0", "--demo-port", "0", "--demo-dir"])
        .arg(t.0.join("site"))
        .arg("--pkg-dir")
        .arg(t.0.join("pkg"))
        .args(["--app-host", "https://Your-App.genauth.ai/"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut running = Running(child);
    let mut out = BufReader::new(running.0.stdout.take().expect("stdout"));
    let mut first = String::new();
    let mut second = String::new();
    out.read_line(&mut first).expect("line 1");
    out.read_line(&mut second).expect("line 2");
    let api =
        first.trim_end().strip_prefix("genauth-emulator listening on ").unwrap_or_else(|| panic!("unexpected line {first:?}")).to_string();
    let demo_port: u16 = second
        .trim_end()
        .strip_prefix("genauth-emulator demo on http://127.0.0.1:")
        .and_then(|s| s.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected line {second:?}"))
        .parse()
        .expect("port");
    assert_ne!(demo_port, 0);

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (index, config) = rt.block_on(async { (get(demo_port, "GET", "/").await, get(demo_port, "GET", "/config.json").await) });
    assert_eq!(index.status, 200);
    let csp = index.header("content-security-policy").expect("csp");
    assert!(csp.contains(&format!("connect-src 'self' {api} https://your-app.genauth.ai;")), "{csp}");
    assert_eq!(config.json()["emulatorUrl"], api.as_str());
    assert_eq!(config.json()["appId"], "emulator-app");
    assert_eq!(config.json()["appHosts"], serde_json::json!(["https://your-app.genauth.ai"]));
}

#[test]
fn demo_options_are_checked() {
    let t = tree();
    let bin = env!("CARGO_BIN_EXE_genauth-emulator");
    for args in [
        vec!["--demo-port".to_string(), "0".into()],
        vec!["--pkg-dir".to_string(), "pkg".into()],
        vec!["--demo-dir".to_string(), t.0.join("pkg").display().to_string()],
        vec!["--demo-dir".to_string(), t.0.join("site").display().to_string(), "--demo-port".into(), "x".into()],
    ] {
        let out = Command::new(bin).args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn app_hosts_must_be_plain_origins() {
    assert_eq!(parse_origin("https://My-App.genauth.ai/").unwrap(), "https://my-app.genauth.ai");
    assert_eq!(parse_origin("http://127.0.0.1:9000").unwrap(), "http://127.0.0.1:9000");
    for bad in ["my-app.genauth.ai", "https://", "https://a.b/path", "https://a.b; script-src *", "ftp://a.b", "https://a b"] {
        assert!(parse_origin(bad).is_err(), "{bad}");
    }
}
