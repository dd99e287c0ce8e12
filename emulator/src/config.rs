//! The API server's configuration and the command line's defaults.

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
        Config { app_id: DEFAULT_APP_ID.to_string() }
    }
}
