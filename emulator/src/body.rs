//! Reading request bodies with a size limit, without axum's extractors, so
//! that every failure can become our own envelope instead of a plain-text 413.

use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};

/// API and dev request bodies are capped here (the brief's 64 KiB).
pub const MAX_BODY: usize = 64 * 1024;

/// After the limit we keep reading (and discarding) up to this much, so the
/// client can finish sending and then read our error instead of a reset.
const DRAIN_CAP: usize = 16 * 1024 * 1024;

#[derive(Debug)]
pub enum BodyError {
    /// Over the limit; carries the first `limit` bytes for the request log.
    TooLarge(Bytes),
    /// The client broke off mid-body; carries what arrived.
    Aborted(Bytes),
}

pub async fn read_limited(mut body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let mut buf: Vec<u8> = Vec::new();
    let mut seen: usize = 0;
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => break,
            Some(Err(_)) => return Err(BodyError::Aborted(Bytes::from(buf))),
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else {
                    continue;
                }; // trailers: ignore
                seen = seen.saturating_add(data.len());
                if buf.len() < limit {
                    let take = data.len().min(limit - buf.len());
                    buf.extend_from_slice(&data[..take]);
                }
                if seen > DRAIN_CAP {
                    break;
                }
            }
        }
    }
    if seen > limit {
        Err(BodyError::TooLarge(Bytes::from(buf)))
    } else {
        Ok(Bytes::from(buf))
    }
}

/// The bytes that arrived, whatever the outcome (for the request log).
pub fn arrived(result: &Result<Bytes, BodyError>) -> &[u8] {
    match result {
        Ok(b) | Err(BodyError::TooLarge(b)) | Err(BodyError::Aborted(b)) => b,
    }
}
