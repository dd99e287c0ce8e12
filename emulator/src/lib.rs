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
mod connections;
mod cors;
pub mod demo_server;
mod dev;
mod envelope;
mod fault;
#[doc(hidden)]
pub mod fuzzing;
mod json;
mod request;
mod state;

pub use demo_server::{serve_demo, DemoConfig};

pub const DEFAULT_PORT: u16 = 8787;
pub const DEFAULT_DEMO_PORT: u16 = 8080;
pub const DEFAULT_APP_ID: &str = "emulator-app";

#[derive(Clone, Debug)]
pub struct Config {
    /// The only `x-authing-app-id` the API accepts.
    pub app_id: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            app_id: DEFAULT_APP_ID.to_string(),
        }
    }
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

fn is_dev_path(path: &str) -> bool {
    path == "/__emulator" || path.starts_with("/__emulator/")
}

async fn fallback(state: State<Arc<state::Shared>>, req: Request) -> Response {
    if is_dev_path(req.uri().path()) {
        return dev::not_found(req.method().clone(), req.uri().clone()).await;
    }
    request::handle(state, req).await
}
