//! The way into the API: every non-dev request is read (64 KiB cap), logged,
//! given the next queued fault, then answered by api.rs in an envelope. The
//! input checks api.rs applies are in input.rs.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::Response;

use crate::api::dispatch;
use crate::body::{arrived, read_limited, BodyError, MAX_BODY};
use crate::connections::{Watch, WatchedBody};
use crate::envelope::{failure, success, Lang};
use crate::fault::Fault;
use crate::records::LoggedRequest;
use crate::state::Shared;

/// Entry point for every non-dev request: log it, apply a queued fault, answer.
pub async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = read_limited(body, MAX_BODY).await;
    let logged = LoggedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map_or(parts.uri.path(), |p| p.as_str()).to_string(),
        headers: parts
            .headers
            .keys()
            .map(|name| {
                let values: Vec<String> =
                    parts.headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
                (name.as_str().to_string(), values.join(", "))
            })
            .collect(),
        body: String::from_utf8_lossy(arrived(&body)).into_owned(),
    };
    // Logging, taking the fault and starting its watch under one lock keeps all
    // three in arrival order.
    let (fault, watch) = {
        let mut records = shared.records();
        let path = logged.path.clone();
        records.requests.push(logged);
        let fault = records.faults.pop_front();
        let kind = fault.as_ref().and_then(Fault::watched_as);
        let watch = kind.map(|k| Watch::start(&shared.connections, path, k));
        (fault, watch)
    };
    // From here on, a client closing the connection drops this future (and the
    // watch with it) until the answer is produced; then the watch rides in the body.
    let res = answer(&shared, &parts, body, fault).await;
    match watch {
        Some(w) => res.map(|b| Body::new(WatchedBody::new(b, w))),
        None => res,
    }
}

async fn answer(shared: &Shared, parts: &Parts, body: Result<Bytes, BodyError>, fault: Option<Fault>) -> Response {
    if let Some(fault) = fault {
        if let Some(ms) = fault.delay_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if fault.replaces_response() {
            if fault.apply == Some(true) {
                // The change happens; only its answer is lost or replaced.
                let _ = dispatch(shared, parts, body);
            }
            return fault.into_response();
        }
    }
    let lang = Lang::from_headers(&parts.headers);
    match dispatch(shared, parts, body) {
        Ok(data) => success(data, lang),
        Err(e) => failure(&e, lang),
    }
}
