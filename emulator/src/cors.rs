//! CORS for every response: the client under test runs in browsers on other
//! origins, so API answers, dev answers, errors and fault answers all need the
//! headers, and any path answers preflight.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const ALLOW_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
/// What the official SDKs send cross-origin (CONTRACT.md, "Headers").
const ALLOW_HEADERS: &str =
    "content-type, authorization, x-authing-app-id, x-authing-lang, x-authing-request-from, x-authing-sdk-version";

pub async fn cors(req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        h.insert(
            "access-control-allow-methods",
            HeaderValue::from_static(ALLOW_METHODS),
        );
        h.insert(
            "access-control-allow-headers",
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        h.insert("access-control-max-age", HeaderValue::from_static("600"));
        add_common(h);
        return res;
    }
    let mut res = next.run(req).await;
    add_common(res.headers_mut());
    res
}

/// Only where absent, so a fault's own `headers` win.
fn add_common(h: &mut HeaderMap) {
    h.entry("access-control-allow-origin")
        .or_insert(HeaderValue::from_static("*"));
    h.entry("access-control-expose-headers")
        .or_insert(HeaderValue::from_static("retry-after, x-request-id"));
}
