//! Injected faults: queued through `POST /__emulator/faults`, each taken by the
//! next API request in arrival order. They let a client's tests see slow
//! answers, raw non-envelope answers, oversized bodies, dropped connections and
//! answers that never finish, exactly as a browser would.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use http_body::{Frame, SizeHint};
use serde::{Deserialize, Serialize};

use crate::connections::Kind;

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Fault {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hang: Option<bool>,
    /// With a fault that replaces the answer: the request is still applied first, so a client
    /// sees a lost or garbled answer to a change that did happen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply: Option<bool>,
}

/// Marks a faulted response so the access log can say so.
#[derive(Clone, Copy, Debug)]
pub struct FaultNote(pub &'static str);

const MAX_DELAY_MS: u64 = 10 * 60 * 1000;
const MAX_BODY_BYTES: u64 = 1 << 32;
const FILLER_CHUNK: usize = 16 * 1024;
const DROP_GRACE: Duration = Duration::from_millis(50);

impl Fault {
    /// Rejects faults that could not be answered as described.
    pub fn validate(&self) -> Result<(), String> {
        if self.delay_ms.is_some_and(|d| d > MAX_DELAY_MS) {
            return Err(format!("delayMs must be at most {MAX_DELAY_MS}"));
        }
        if let Some(s) = self.status {
            if !(200..=599).contains(&s) {
                return Err("status must be between 200 and 599".into());
            }
        }
        if self.body.is_some() && self.body_bytes.is_some() {
            return Err("body and bodyBytes cannot be combined".into());
        }
        if self.body_bytes.is_some_and(|n| n > MAX_BODY_BYTES) {
            return Err(format!("bodyBytes must be at most {MAX_BODY_BYTES}"));
        }
        if self.drop == Some(true) && self.hang == Some(true) {
            return Err("drop and hang cannot be combined".into());
        }
        if self.apply == Some(true) && !self.replaces_response() {
            return Err("apply needs a fault that replaces the answer".into());
        }
        if let Some(ct) = &self.content_type {
            HeaderValue::from_str(ct).map_err(|_| "contentType is not a valid header value")?;
        }
        for (name, value) in self.headers.iter().flatten() {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("invalid header name {name:?}"))?;
            // hyper frames the body itself: a contrary length panicked it (debug builds)
            // or sent a broken answer; `bodyBytes`, `drop` and `hang` cover those cases.
            if header == header::CONTENT_LENGTH || header == header::TRANSFER_ENCODING {
                return Err(format!("header {name:?} is set by the server itself"));
            }
            HeaderValue::from_str(value).map_err(|_| format!("invalid value for header {name:?}"))?;
        }
        Ok(())
    }

    /// Whether `/__emulator/connections` records the request, and as what.
    pub fn watched_as(&self) -> Option<Kind> {
        if self.hang == Some(true) {
            Some(Kind::Hang)
        } else if self.delay_ms.is_some() {
            Some(Kind::Delay)
        } else {
            None
        }
    }

    /// False for a delay-only fault: the request is then processed normally.
    pub fn replaces_response(&self) -> bool {
        self.status.is_some()
            || self.content_type.is_some()
            || self.body.is_some()
            || self.headers.is_some()
            || self.body_bytes.is_some()
            || self.drop == Some(true)
            || self.hang == Some(true)
    }

    /// The raw answer this fault stands for (the request is not processed, unless `apply`).
    pub fn into_response(self) -> Response {
        let end = if self.drop == Some(true) {
            End::Error
        } else if self.hang == Some(true) {
            End::Pending
        } else {
            End::Finish
        };
        let note = match end {
            End::Error => "drop",
            End::Pending => "hang",
            End::Finish => "fault",
        };
        let body =
            FaultBody { prefix: self.body.map(Bytes::from), filler_left: self.body_bytes.unwrap_or(0), end, sent_any: false, grace: None };
        let mut res = Response::new(Body::new(body));
        *res.status_mut() = self.status.and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
        let ct = self.content_type.as_deref().unwrap_or("application/json");
        if let Ok(v) = HeaderValue::from_str(ct) {
            res.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        for (name, value) in self.headers.into_iter().flatten() {
            // Validated when queued; skip silently if not.
            if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
                res.headers_mut().insert(n, v);
            }
        }
        res.extensions_mut().insert(FaultNote(note));
        res
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// A normal, complete body (with content-length).
    Finish,
    /// The body stream fails: hyper aborts the connection without finishing the answer.
    Error,
    /// The body never ends (and never wakes): the client waits until its own timeout.
    Pending,
}

struct FaultBody {
    prefix: Option<Bytes>,
    filler_left: u64,
    end: End,
    sent_any: bool,
    /// Before a drop that follows some bytes: hyper discards what it has not
    /// flushed yet when the body fails, so give it a moment to send them.
    grace: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl HttpBody for FaultBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(p) = this.prefix.take() {
            if !p.is_empty() {
                this.sent_any = true;
                return Poll::Ready(Some(Ok(Frame::data(p))));
            }
        }
        if this.filler_left > 0 {
            let n = this.filler_left.min(FILLER_CHUNK as u64);
            this.filler_left -= n;
            this.sent_any = true;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; n as usize])))));
        }
        match this.end {
            End::Finish => Poll::Ready(None),
            End::Error => {
                if this.sent_any {
                    let grace = this.grace.get_or_insert_with(|| Box::pin(tokio::time::sleep(DROP_GRACE)));
                    if grace.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                }
                Poll::Ready(Some(Err(std::io::Error::other("emulated dropped connection"))))
            }
            End::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.end == End::Finish && self.filler_left == 0 && self.prefix.as_ref().is_none_or(|p| p.is_empty())
    }

    fn size_hint(&self) -> SizeHint {
        let len = self.prefix.as_ref().map_or(0, |p| p.len() as u64) + self.filler_left;
        match self.end {
            // Exact length: hyper sends content-length instead of chunked encoding.
            End::Finish => SizeHint::with_exact(len),
            _ => {
                let mut h = SizeHint::new();
                h.set_lower(len);
                h
            }
        }
    }
}
