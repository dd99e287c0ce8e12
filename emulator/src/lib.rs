//! A local emulator of the GenAuth V3 phone endpoints, for testing clients
//! without a real user pool. See README.md for the endpoints and api.rs for
//! the apiCode table.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::from_fn;
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;

mod access_log;
mod api;
mod body;
mod bounded;
mod config;
mod connections;
mod cors;
pub mod demo_server;
mod dev;
mod envelope;
mod fault;
#[doc(hidden)]
pub mod fuzzing;
mod ids;
mod input;
mod iso_time;
mod json;
mod lock;
mod pool;
mod profile;
mod query;
mod records;
mod request;
mod sms_filter;
mod state;

pub use config::{Config, DEFAULT_APP_ID, DEFAULT_DEMO_PORT, DEFAULT_PORT};
pub use demo_server::{serve_demo, DemoConfig};

/// The bounds of every collection (README, "Bounds"), for tests and docs.
pub mod bounds {
    pub use crate::connections::{MAX_CONNECTIONS, MAX_CONNECTION_BYTES};
    pub use crate::pool::{MAX_CODES, MAX_SMS, MAX_UPDATE_TOKENS, MAX_USERS, MAX_USER_BYTES};
    pub use crate::records::{MAX_FAULTS, MAX_FAULT_BYTES, MAX_REQUESTS, MAX_REQUEST_BYTES};
}

/// The whole service: dev routes, everything else through the API handler.
pub fn app(config: Config) -> Router {
    let shared = Arc::new(state::Shared::new(config));
    dev::routes()
        .method_not_allowed_fallback(dev::method_not_allowed)
        .fallback(fallback)
        .with_state(shared)
        .layer(from_fn(cors::cors))
        .layer(from_fn(access_log::access_log))
}

/// Serves until the listener fails; the caller binds (so `--port 0` and tests work).
pub async fn serve(listener: TcpListener, config: Config) -> std::io::Result<()> {
    axum::serve(listener, app(config)).await
}

async fn fallback(state: State<Arc<state::Shared>>, req: Request) -> Response {
    if dev::is_dev_path(req.uri().path()) {
        return dev::not_found(req.method().clone(), req.uri().clone()).await;
    }
    request::handle(state, req).await
}
