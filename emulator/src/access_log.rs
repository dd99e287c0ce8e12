//! One stderr line per request: method, path, status, duration. Never bodies,
//! query strings, headers, tokens or codes. Dev endpoints are not logged.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::fault::FaultNote;

pub async fn access_log(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if crate::is_dev_path(&path) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let start = Instant::now();
    let res = next.run(req).await;
    // For faulted answers this is the time until the headers were ready.
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let note = res
        .extensions()
        .get::<FaultNote>()
        .map(|n| format!(" ({})", n.0))
        .unwrap_or_default();
    eprintln!("{method} {path} {}{note} {ms:.1}ms", res.status().as_u16());
    res
}
