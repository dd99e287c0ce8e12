//! Did the client really give up? For every API request answered with a `hang`
//! or `delayMs` fault, `/__emulator/connections` records whether the client
//! closed the connection before the answer was complete, and when, so a
//! client's tests can prove that a timeout or an abort closed the `fetch`.
//!
//! A [`Watch`] is created when the fault is taken. It lives in the handler
//! while the delay runs and then moves into the response body
//! ([`WatchedBody`]). hyper drops the handler future, or the body, as soon as it
//! sees the client close the connection (it reads the socket while an answer is
//! in flight and treats EOF there as the end of the connection); the watch's
//! `Drop` then records the close unless the answer had already been completed
//! by the server (its last byte handed to hyper, or a `drop` fault's deliberate
//! break).

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::{Body, Bytes, HttpBody};
use http_body::{Frame, SizeHint};
use serde::Serialize;

use crate::bounded::{Bounded, Weigh};
use crate::lock::lock;

/// Bounds (README, "Bounds"): the oldest records go first.
pub const MAX_CONNECTIONS: usize = 10_000;
pub const MAX_CONNECTION_BYTES: usize = 4 << 20;

/// Which fault made the request watched: `hang` (with or without a delay) or
/// `delay` (a `delayMs` with any other kind of answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Hang,
    Delay,
}

/// One entry of `GET /__emulator/connections`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRecord {
    #[serde(skip)]
    id: u64,
    pub path: String,
    pub fault: Kind,
    /// The client closed the connection before the answer was complete.
    pub closed_by_client: bool,
    /// Milliseconds from the request's arrival (body read, fault taken) to the close.
    pub closed_after_ms: Option<u64>,
    /// The emulator finished its side first: the whole answer was produced (or a
    /// `drop` fault broke it off on purpose). False while still in flight.
    pub answered: bool,
}

impl Weigh for ConnectionRecord {
    fn weight(&self) -> usize {
        self.path.len()
    }
}

/// The records of `GET /__emulator/connections`, in arrival order.
pub struct Connections {
    list: Mutex<Bounded<ConnectionRecord>>,
    next_id: AtomicU64,
}

impl Default for Connections {
    fn default() -> Self {
        Connections { list: Mutex::new(Bounded::new(MAX_CONNECTIONS, MAX_CONNECTION_BYTES)), next_id: AtomicU64::new(0) }
    }
}

impl Connections {
    pub fn list(&self) -> MutexGuard<'_, Bounded<ConnectionRecord>> {
        lock(&self.list)
    }

    /// A close after this is not recorded: its record is gone.
    pub fn clear(&self) {
        self.list().clear();
    }
}

/// Records what happens to one watched request; see the module docs.
pub struct Watch {
    connections: Arc<Connections>,
    id: u64,
    start: Instant,
    done: AtomicBool,
}

impl Watch {
    /// Adds the record (call while holding the lock that takes the fault, so the
    /// list is in arrival order).
    pub fn start(connections: &Arc<Connections>, path: String, fault: Kind) -> Watch {
        let id = connections.next_id.fetch_add(1, Ordering::Relaxed);
        connections.list().push(ConnectionRecord { id, path, fault, closed_by_client: false, closed_after_ms: None, answered: false });
        Watch { connections: Arc::clone(connections), id, start: Instant::now(), done: AtomicBool::new(false) }
    }

    /// The server completed (or deliberately broke off) the answer; idempotent.
    fn finish(&self) {
        if !self.done.swap(true, Ordering::AcqRel) {
            self.update(|r| r.answered = true);
        }
    }

    /// A reset or the bound may have removed the record meanwhile: then nothing is updated.
    fn update(&self, f: impl FnOnce(&mut ConnectionRecord)) {
        if let Some(r) = self.connections.list().find_mut(|r| r.id == self.id) {
            f(r);
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if !self.done.swap(true, Ordering::AcqRel) {
            let ms = self.start.elapsed().as_millis() as u64;
            self.update(|r| {
                r.closed_by_client = true;
                r.closed_after_ms = Some(ms);
            });
        }
    }
}

/// A response body that tells its [`Watch`] when the answer is complete.
pub struct WatchedBody {
    inner: Body,
    watch: Watch,
}

impl WatchedBody {
    pub fn new(inner: Body, watch: Watch) -> Self {
        WatchedBody { inner, watch }
    }
}

impl HttpBody for WatchedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            // The end, or a `drop` fault breaking the answer off on purpose.
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => this.watch.finish(),
            Poll::Ready(Some(Ok(_))) if this.inner.is_end_stream() => this.watch.finish(),
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        // hyper asks this before polling (an empty body) and after each frame, and
        // does not poll again once it is true.
        let end = self.inner.is_end_stream();
        if end {
            self.watch.finish();
        }
        end
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
