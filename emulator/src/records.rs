//! The test harness's records, kept apart from the user pool: the log of API
//! requests (`/__emulator/requests`) and the fault queue (`/__emulator/faults`).
//! Both live under one lock so a request is logged and takes its fault in
//! arrival order.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bounded::{Bounded, Weigh};
use crate::fault::Fault;

/// Bounds (README, "Bounds"). The request log keeps the newest entries; the fault
/// queue refuses more, since dropping a queued fault would change what a test asked for.
pub const MAX_REQUESTS: usize = 10_000;
pub const MAX_REQUEST_BYTES: usize = 16 << 20;
pub const MAX_FAULTS: usize = 1_000;
pub const MAX_FAULT_BYTES: usize = 16 << 20;

/// One API request as it arrived, for `/__emulator/requests`.
#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Weigh for LoggedRequest {
    fn weight(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        self.method.len() + self.path.len() + headers + self.body.len()
    }
}

impl Weigh for Fault {
    fn weight(&self) -> usize {
        let headers: usize = self.headers.iter().flatten().map(|(n, v)| n.len() + v.len()).sum();
        headers + self.body.as_ref().map_or(0, String::len) + self.content_type.as_ref().map_or(0, String::len)
    }
}

#[derive(Debug)]
pub struct Records {
    pub requests: Bounded<LoggedRequest>,
    pub faults: Bounded<Fault>,
}

impl Default for Records {
    fn default() -> Self {
        Records { requests: Bounded::new(MAX_REQUESTS, MAX_REQUEST_BYTES), faults: Bounded::new(MAX_FAULTS, MAX_FAULT_BYTES) }
    }
}
