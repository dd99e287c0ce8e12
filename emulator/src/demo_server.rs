//! The demo page's static file server (`--demo-dir`): a second listener that
//! serves the demo directory at `/`, the built package at `/pkg/`, and
//! `/config.json` (where the emulator is), so the page runs on another origin
//! than the API and CORS and the Content-Security-Policy are real.
//!
//! Files are served by tower-http's `ServeDir` (MIME types, HEAD, `index.html`
//! for a directory). In front of it, what `ServeDir` does not refuse: every path
//! segment is percent-decoded and refused when it is `..`, `.`, hidden (leading
//! `.`), a bad escape, or holds `/`, `\`, `:` or NUL, and the file's real path
//! (symlinks resolved) must stay under its root. HTML gets the CSP; nothing is
//! cached or logged.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use percent_encoding::percent_decode_str;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::services::ServeDir;

#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// Served at `/` (`/` itself is its `index.html`).
    pub site_dir: PathBuf,
    /// Served at `/pkg/`: the wasm-pack output.
    pub pkg_dir: PathBuf,
    /// The API's origin, e.g. `http://127.0.0.1:8787`: in `/config.json` and the CSP.
    pub emulator_url: String,
    /// The app id the page should send, in `/config.json`.
    pub app_id: String,
    /// Origins of real GenAuth apps the page may call (`--app-host`), in the CSP and
    /// `/config.json`; the page refuses any other host with a message saying so.
    pub app_hosts: Vec<String>,
}

struct Demo {
    site_dir: PathBuf,
    pkg_dir: PathBuf,
    site: ServeDir,
    pkg: ServeDir,
    config_json: String,
    csp: HeaderValue,
}

/// The policy sent with every HTML page. Only this origin's files run, wasm may be
/// compiled (`'wasm-unsafe-eval'`, not `'unsafe-eval'`), no inline script or style, and
/// `connect-src` names exactly the API hosts: the emulator and each `--app-host`.
pub fn content_security_policy(emulator_origin: &str, app_hosts: &[String]) -> String {
    let mut connect = format!("'self' {emulator_origin}");
    for host in app_hosts {
        connect.push(' ');
        connect.push_str(host);
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
         connect-src {connect}; style-src 'self'; \
         img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// `https://host[:port]` (or `http://` for loopback testing) with nothing after it: the
/// only shape that is safe to put in a CSP source list and to compare with an origin.
pub fn parse_origin(value: &str) -> Result<String, String> {
    let value = value.trim_end_matches('/');
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(|| format!("--app-host {value:?}: must start with https://"))?;
    let ok = !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !ok {
        return Err(format!("--app-host {value:?}: must be an origin such as https://your-app.genauth.ai (no path)"));
    }
    Ok(value.to_ascii_lowercase())
}

pub fn demo_app(config: DemoConfig) -> Router {
    let emulator_url = config.emulator_url.trim_end_matches('/').to_string();
    let config_json = serde_json::json!({
        "emulatorUrl": emulator_url,
        "appId": config.app_id,
        "appHosts": config.app_hosts,
    })
    .to_string();
    let csp = HeaderValue::from_str(&content_security_policy(&emulator_url, &config.app_hosts))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    let demo = Arc::new(Demo {
        site: ServeDir::new(&config.site_dir),
        pkg: ServeDir::new(&config.pkg_dir),
        site_dir: config.site_dir,
        pkg_dir: config.pkg_dir,
        config_json,
        csp,
    });
    Router::new().fallback(handle).with_state(demo)
}

/// Serves until the listener fails; the caller binds (so `--demo-port 0` works).
pub async fn serve_demo(listener: TcpListener, config: DemoConfig) -> std::io::Result<()> {
    axum::serve(listener, demo_app(config)).await
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut res = (status, text).into_response();
    common_headers(&mut res);
    res
}

fn common_headers(res: &mut Response) {
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // A rebuilt pkg/ must be picked up on reload.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

async fn handle(State(demo): State<Arc<Demo>>, req: Request) -> Response {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut res = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        res.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    let path = req.uri().path().to_string();
    if path == "/config.json" {
        let mut res = demo.config_json.clone().into_response();
        common_headers(&mut res);
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if head {
            *res.body_mut() = Body::empty();
        }
        return res;
    }
    let (root, serve_dir, prefix, rest) = match path.strip_prefix("/pkg/") {
        Some(rest) => (&demo.pkg_dir, &demo.pkg, "/pkg/", rest),
        None if path == "/pkg" => return redirect("/pkg/"),
        None => (&demo.site_dir, &demo.site, "/", path.trim_start_matches('/')),
    };
    let Some(relative) = safe_relative(rest) else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let root = root.clone();
    let wants_dir = rest.is_empty() || rest.ends_with('/');
    let found = tokio::task::spawn_blocking(move || check_under(&root, &relative, wants_dir)).await;
    match found {
        Ok(Found::File) => {}
        // Rebuilt from the cleaned path: "//assets" must not become "//assets/", which a
        // browser reads as another host.
        Ok(Found::Directory) => return redirect(&format!("{prefix}{rest}/")),
        Ok(Found::Nothing) | Err(_) => return plain(StatusCode::NOT_FOUND, "not found\n"),
    }
    // ServeDir sees the path below its root, as checked above.
    let (mut parts, body) = req.into_parts();
    parts.uri = match format!("/{rest}").parse::<Uri>() {
        Ok(uri) => uri,
        Err(_) => return plain(StatusCode::NOT_FOUND, "not found\n"),
    };
    let Ok(res) = serve_dir.clone().oneshot(Request::from_parts(parts, body)).await;
    let mut res = res.map(Body::new);
    if res.status().is_success() {
        fix_content_type(&mut res, rest);
        let html = res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        if html {
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, demo.csp.clone());
        }
    }
    common_headers(&mut res);
    res
}

/// `charset=utf-8` on text (the demo's files are UTF-8), and `.ts` as text, not the
/// MPEG stream mime_guess knows it as.
fn fix_content_type(res: &mut Response, path: &str) {
    let h = res.headers_mut();
    let ct = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let fixed = if path.ends_with(".ts") {
        "text/plain; charset=utf-8".to_string()
    } else if ct.starts_with("text/") && !ct.contains("charset") {
        format!("{ct}; charset=utf-8")
    } else {
        return;
    };
    if let Ok(v) = HeaderValue::from_str(&fixed) {
        h.insert(header::CONTENT_TYPE, v);
    }
}

fn redirect(location: &str) -> Response {
    let mut res = plain(StatusCode::PERMANENT_REDIRECT, "");
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// The URL path (below the root) as relative segments, or None when any segment is
/// not a plain name: `..`, `.`, hidden, empty in the middle (`a//b`), a bad
/// percent escape, or one decoding to a separator, `:` or NUL.
pub fn safe_relative(rest: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, raw) in segments.into_iter().enumerate() {
        if raw.is_empty() {
            // Only a trailing slash (or the root itself) may leave an empty segment.
            if i == last {
                continue;
            }
            return None;
        }
        // percent_decode_str keeps a bad escape as it is; refuse it instead.
        let bad_escape = raw.split('%').skip(1).any(|after| !after.get(..2).is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit())));
        if bad_escape {
            return None;
        }
        let seg = percent_decode_str(raw).decode_utf8().ok()?;
        if seg.starts_with('.') || seg.contains(['/', '\\', ':', '\0']) {
            return None;
        }
        out.push(&*seg);
    }
    Some(out)
}

enum Found {
    File,
    Directory,
    Nothing,
}

/// Whether `root/relative` is a file (or, asked with a trailing slash, a directory
/// with an `index.html`) whose real path stays under the real root.
fn check_under(root: &Path, relative: &Path, wants_dir: bool) -> Found {
    let Ok(root) = root.canonicalize() else {
        return Found::Nothing;
    };
    let Ok(mut target) = root.join(relative).canonicalize() else {
        return Found::Nothing;
    };
    if !target.starts_with(&root) {
        return Found::Nothing;
    }
    if target.is_dir() {
        if !wants_dir {
            return Found::Directory;
        }
        target = match target.join("index.html").canonicalize() {
            Ok(index) if index.starts_with(&root) => index,
            _ => return Found::Nothing,
        };
    } else if wants_dir {
        return Found::Nothing;
    }
    if target.is_file() {
        Found::File
    } else {
        Found::Nothing
    }
}
