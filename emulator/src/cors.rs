//! CORS. The API answers any origin, as the real service does for a browser app
//! on any host: the client under test runs in browsers on other origins, so API
//! answers, errors and fault answers all carry `access-control-allow-origin: *`.
//!
//! The development endpoints hold secrets (codes, tokens in the request log) and
//! can create users or reset everything, so they answer only loopback pages:
//! an `Origin` of http(s) on `localhost`, `127.0.0.1` or `[::1]` (any port: the
//! demo page, a dev server, the wasm test runner). Any other origin is refused
//! with 403 and no CORS header, its preflight too, before anything is done (a
//! form post needs no preflight). A `Host` that is not loopback is refused the
//! same way, so a DNS-rebound name cannot reach them as "same origin" either.
//! Requests without an `Origin` (curl, Node, the tests) are not browsers' cross-origin calls.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::dev::is_dev_path;
use crate::envelope::json_response;

const ALLOW_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
/// What the official SDKs send cross-origin (docs/CONTRACT.md, "Headers").
const ALLOW_HEADERS: &str = "content-type, authorization, x-authing-app-id, x-authing-lang, x-authing-request-from, x-authing-sdk-version";

pub async fn cors(req: Request, next: Next) -> Response {
    let dev = is_dev_path(req.uri().path());
    let allow_origin = if dev {
        match dev_allow_origin(req.headers()) {
            Ok(v) => v,
            Err(why) => {
                return json_response(StatusCode::FORBIDDEN, &json!({ "error": why }));
            }
        }
    } else {
        Some(HeaderValue::from_static("*"))
    };
    let mut res = if req.method() == Method::OPTIONS {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        h.insert("access-control-allow-methods", HeaderValue::from_static(ALLOW_METHODS));
        h.insert("access-control-allow-headers", HeaderValue::from_static(ALLOW_HEADERS));
        h.insert("access-control-max-age", HeaderValue::from_static("600"));
        res
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    if let Some(origin) = allow_origin {
        // Only where absent, so a fault's own `headers` win.
        h.entry("access-control-allow-origin").or_insert(origin);
        h.entry("access-control-expose-headers").or_insert(HeaderValue::from_static("retry-after, x-request-id"));
    }
    if dev {
        // The answer depends on the Origin: caches must not hand it to another page.
        h.append(header::VARY, HeaderValue::from_static("origin"));
    }
    res
}

/// For a dev request: the origin to echo (None without an `Origin`), or why it is refused.
fn dev_allow_origin(headers: &HeaderMap) -> Result<Option<HeaderValue>, &'static str> {
    if let Some(host) = headers.get(header::HOST) {
        if !host.to_str().is_ok_and(is_loopback_host) {
            return Err("development endpoints answer only on a loopback host");
        }
    }
    match headers.get(header::ORIGIN) {
        None => Ok(None),
        Some(o) if o.to_str().is_ok_and(is_loopback_origin) => Ok(Some(o.clone())),
        Some(_) => Err("development endpoints answer only pages on localhost or 127.0.0.1"),
    }
}

/// `http(s)://` + a loopback host, nothing after it.
pub fn is_loopback_origin(origin: &str) -> bool {
    origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")).is_some_and(is_loopback_host)
}

/// `localhost`, `127.0.0.1` or `[::1]`, with an optional numeric port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(':') && !port.contains(']') => {
            if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            name
        }
        _ => host,
    };
    matches!(name.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::is_loopback_origin;

    #[test]
    fn loopback_origins_only() {
        for ok in [
            "http://localhost:5173",
            "http://127.0.0.1:8080",
            "http://127.0.0.1",
            "https://localhost",
            "http://[::1]:3000",
            "http://LOCALHOST:1",
        ] {
            assert!(is_loopback_origin(ok), "{ok}");
        }
        for bad in [
            "null",
            "https://evil.example",
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example:80",
            "http://evil.example:127.0.0.1",
            "http://127.0.0.1:80/path",
            "http://127.0.0.1:",
            "http://127.0.0.1:8o",
            "file://",
            "http://[::1",
            "http://user@127.0.0.1",
            "ws://localhost",
        ] {
            assert!(!is_loopback_origin(bad), "{bad}");
        }
    }
}
