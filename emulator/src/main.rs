//! `genauth-emulator [--port N] [--app-id ID] [--demo-dir DIR [--pkg-dir DIR] [--demo-port N] [--app-host ORIGIN]...]`:
//! binds 127.0.0.1 only and prints one "listening" line once the port is known (and a
//! "demo on" line for the demo page's server), so scripts can wait for them.

use std::io::Write;
use std::path::PathBuf;
use std::process::exit;

use genauth_emulator::demo_server::parse_origin;
use genauth_emulator::{serve, serve_demo, Config, DemoConfig, DEFAULT_APP_ID, DEFAULT_DEMO_PORT, DEFAULT_PORT};

const USAGE: &str =
    "usage: genauth-emulator [--port N] [--app-id ID] [--demo-dir DIR [--pkg-dir DIR] [--demo-port N] [--app-host ORIGIN]...]\n  \
--port N        port on 127.0.0.1 (default 8787; 0 picks a free port)\n  \
--app-id ID     the x-authing-app-id to accept (default emulator-app)\n  \
--demo-dir DIR  also serve the demo page DIR at / on a second port\n  \
--pkg-dir DIR   the built package, served at /pkg/ (default pkg)\n  \
--demo-port N   the demo page's port on 127.0.0.1 (default 8080; 0 picks a free port)\n  \
--app-host O    a real GenAuth app origin the demo page may call (its CSP lists only these and the emulator)";

struct Args {
    port: u16,
    app_id: String,
    demo_dir: Option<PathBuf>,
    pkg_dir: Option<PathBuf>,
    demo_port: Option<u16>,
    app_hosts: Vec<String>,
}

fn parse_port(v: &str) -> Result<u16, String> {
    v.parse().map_err(|_| format!("invalid port {v:?}"))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        port: DEFAULT_PORT,
        app_id: DEFAULT_APP_ID.to_string(),
        demo_dir: None,
        pkg_dir: None,
        demo_port: None,
        app_hosts: Vec::new(),
    };
    while let Some(arg) = args.next() {
        // Both `--port 8787` and `--port=8787`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => a.port = parse_port(&value()?)?,
            "--app-id" => {
                a.app_id = value()?;
                if a.app_id.is_empty() {
                    return Err("--app-id must not be empty".into());
                }
            }
            "--demo-dir" => a.demo_dir = Some(PathBuf::from(value()?)),
            "--pkg-dir" => a.pkg_dir = Some(PathBuf::from(value()?)),
            "--demo-port" => a.demo_port = Some(parse_port(&value()?)?),
            "--app-host" => a.app_hosts.push(parse_origin(&value()?)?),
            "-h" | "--help" => {
                println!("{USAGE}");
                exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.demo_dir.is_none() && (a.pkg_dir.is_some() || a.demo_port.is_some() || !a.app_hosts.is_empty()) {
        return Err("--pkg-dir, --demo-port and --app-host need --demo-dir".into());
    }
    if let Some(dir) = &a.demo_dir {
        if !dir.join("index.html").is_file() {
            return Err(format!("--demo-dir {}: no index.html there", dir.display()));
        }
    }
    Ok(a)
}

async fn bind(port: u16) -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap_or_else(|e| {
        eprintln!("genauth-emulator: cannot listen on 127.0.0.1:{port}: {e}");
        exit(1);
    })
}

#[tokio::main]
async fn main() {
    let args = parse_args(std::env::args().skip(1)).unwrap_or_else(|e| {
        eprintln!("genauth-emulator: {e}\n{USAGE}");
        exit(2);
    });
    // Both ports are bound before anything is printed: a taken demo port fails early.
    let listener = bind(args.port).await;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    let emulator_url = format!("http://127.0.0.1:{port}");
    let demo = match args.demo_dir {
        Some(site_dir) => {
            let demo_port = args.demo_port.unwrap_or(DEFAULT_DEMO_PORT);
            let demo_listener = bind(demo_port).await;
            let demo_port = demo_listener.local_addr().map(|a| a.port()).unwrap_or(demo_port);
            let config = DemoConfig {
                site_dir,
                pkg_dir: args.pkg_dir.unwrap_or_else(|| PathBuf::from("pkg")),
                emulator_url: emulator_url.clone(),
                app_id: args.app_id.clone(),
                app_hosts: args.app_hosts,
            };
            Some((demo_listener, demo_port, config))
        }
        None => None,
    };

    let mut out = std::io::stdout();
    let _ = writeln!(out, "genauth-emulator listening on {emulator_url}");
    if let Some((demo_listener, demo_port, config)) = demo {
        let _ = writeln!(out, "genauth-emulator demo on http://127.0.0.1:{demo_port}/");
        tokio::spawn(async move {
            if let Err(e) = serve_demo(demo_listener, config).await {
                eprintln!("genauth-emulator: demo server error: {e}");
                exit(1);
            }
        });
    }
    let _ = out.flush();

    if let Err(e) = serve(listener, Config { app_id: args.app_id }).await {
        eprintln!("genauth-emulator: server error: {e}");
        exit(1);
    }
}
