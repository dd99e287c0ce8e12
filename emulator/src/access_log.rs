//! One stderr line per API request: method, path, HTTP status, the envelope's
//! `statusCode` and `apiCode` (a refusal answers HTTP 200 too), any fault, and
//! the duration. Never bodies, query strings, headers, tokens, codes or numbers.
//! Dev endpoints are not logged.

use std::fmt::Write as _;
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use crate::dev::is_dev_path;
use crate::envelope::EnvelopeNote;
use crate::fault::FaultNote;

pub async fn access_log(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if is_dev_path(&path) {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let start = Instant::now();
    let res = next.run(req).await;
    // For faulted answers this is the time until the headers were ready.
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    eprintln!("{method} {path} {}", outcome(&res, ms));
    res
}

/// `200 statusCode=429 apiCode=9006 0.4ms`, `200 (drop) 3.0ms`, ...
fn outcome(res: &Response, ms: f64) -> String {
    let mut line = res.status().as_u16().to_string();
    if let Some(n) = res.extensions().get::<EnvelopeNote>() {
        let _ = write!(line, " statusCode={}", n.status_code);
        if let Some(code) = n.api_code {
            let _ = write!(line, " apiCode={code}");
        }
    }
    if let Some(n) = res.extensions().get::<FaultNote>() {
        let _ = write!(line, " ({})", n.0);
    }
    let _ = write!(line, " {ms:.1}ms");
    line
}
