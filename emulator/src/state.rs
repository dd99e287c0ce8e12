//! The state shared by all handlers: the user pool, and the test harness's
//! records and connection watches, each behind its own mutex that is never held
//! across an `.await`. Lock order where two are held: records, then connections.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::config::Config;
use crate::connections::Connections;
use crate::lock::lock;
use crate::pool::Pool;
use crate::records::Records;

pub struct Shared {
    pub config: Config,
    pool: Mutex<Pool>,
    records: Mutex<Records>,
    pub connections: Arc<Connections>,
}

impl Shared {
    pub fn new(config: Config) -> Self {
        Shared {
            config,
            pool: Mutex::new(Pool::default()),
            records: Mutex::new(Records::default()),
            connections: Arc::new(Connections::default()),
        }
    }

    pub fn pool(&self) -> MutexGuard<'_, Pool> {
        lock(&self.pool)
    }

    pub fn records(&self) -> MutexGuard<'_, Records> {
        lock(&self.records)
    }

    /// `POST /__emulator/reset`: everything back to a fresh start.
    pub fn reset(&self) {
        self.pool().reset();
        *self.records() = Records::default();
        self.connections.clear();
    }
}
