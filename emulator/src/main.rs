//! `genauth-emulator [--port N] [--app-id ID]`: binds 127.0.0.1 only and prints
//! one "listening" line once the port is known, so scripts can wait for it.

use std::io::Write;
use std::process::exit;

use genauth_emulator::{serve, Config, DEFAULT_APP_ID, DEFAULT_PORT};

const USAGE: &str = "usage: genauth-emulator [--port N] [--app-id ID]\n  \
--port N     port on 127.0.0.1 (default 8787; 0 picks a free port)\n  \
--app-id ID  the x-authing-app-id to accept (default emulator-app)";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(u16, String), String> {
    let mut port = DEFAULT_PORT;
    let mut app_id = DEFAULT_APP_ID.to_string();
    while let Some(arg) = args.next() {
        // Both `--port 8787` and `--port=8787`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
            }
            "--app-id" => {
                app_id = value()?;
                if app_id.is_empty() {
                    return Err("--app-id must not be empty".into());
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((port, app_id))
}

#[tokio::main]
async fn main() {
    let (port, app_id) = parse_args(std::env::args().skip(1)).unwrap_or_else(|e| {
        eprintln!("genauth-emulator: {e}\n{USAGE}");
        exit(2);
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| {
            eprintln!("genauth-emulator: cannot listen on 127.0.0.1:{port}: {e}");
            exit(1);
        });
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let mut out = std::io::stdout();
    let _ = writeln!(out, "genauth-emulator listening on http://127.0.0.1:{port}");
    let _ = out.flush();
    if let Err(e) = serve(listener, Config { app_id }).await {
        eprintln!("genauth-emulator: server error: {e}");
        exit(1);
    }
}
