//! The constructor's options, decoded from the caller's own properties, and `appHost`
//! normalisation as the official Node SDK does it (add `https://`, drop trailing `/`),
//! plus a refusal of plain `http://` to anything but loopback.

use crate::args::JsObject;
use crate::error::{GenAuthError, Result};
use crate::validate;
use wasm_bindgen::JsValue;

/// Default request timeout, the official SDKs' figure.
pub const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;

const OPTION_KEYS: [&str; 8] =
    ["appId", "appHost", "accessToken", "timeout", "lang", "throwOnError", "allowInsecureHttp", "appSecret"];

/// Validated client settings.
pub struct ClientOptions {
    pub app_id: String,
    /// `scheme://host[:port][/path]` without a trailing `/`.
    pub base_url: String,
    pub access_token: Option<String>,
    pub timeout_ms: f64,
    pub lang: Option<String>,
    pub throw_on_error: bool,
}

impl ClientOptions {
    /// Decodes and checks the constructor argument.
    pub fn from_js(value: &JsValue) -> Result<ClientOptions> {
        let o = JsObject::open(value, "options", "", &OPTION_KEYS)?;
        if o.has("appSecret")? {
            return Err(GenAuthError::invalid(
                "appSecret",
                "is refused: these endpoints never need it, and an app secret must never be shipped to a browser",
            ));
        }
        let app_id = o.string("appId")?;
        validate::app_id("appId", &app_id)?;
        let allow_insecure = o.opt_bool("allowInsecureHttp")?.unwrap_or(false);
        let base_url = normalise_app_host("appHost", &o.string("appHost")?, allow_insecure)?;
        let access_token = o.opt_string("accessToken")?;
        if let Some(t) = &access_token {
            validate::token("accessToken", t)?;
        }
        let timeout_ms = match o.opt_f64("timeout")? {
            Some(t) => validate::timeout_ms("timeout", t).map(|_| t)?,
            None => DEFAULT_TIMEOUT_MS,
        };
        let lang = o.opt_string("lang")?;
        if let Some(l) = &lang {
            validate::lang("lang", l)?;
        }
        let throw_on_error = o.opt_bool("throwOnError")?.unwrap_or(false);
        Ok(ClientOptions { app_id, base_url, access_token, timeout_ms, lang, throw_on_error })
    }
}

/// `example.com/` -> `https://example.com`; refuses what `fetch` would choke on or what
/// would send a token in clear text.
pub fn normalise_app_host(field: &str, host: &str, allow_insecure_http: bool) -> Result<String> {
    let (scheme, rest) = match host.find("://") {
        Some(i) => (host.get(..i).unwrap_or(""), host.get(i + 3..).unwrap_or("")),
        None => ("https", host),
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(GenAuthError::invalid(field, "must use https:// (or http:// for a local emulator)"));
    }
    let rest = rest.trim_end_matches('/');
    // ASCII only (an internationalised domain goes in its punycode form): byte checks keep
    // Unicode tables out of the module.
    let bad_byte = |b: u8| !b.is_ascii_graphic() || matches!(b, b'?' | b'#' | b'\\');
    if rest.bytes().any(bad_byte) {
        return Err(GenAuthError::invalid(
            field,
            "must be a plain ASCII origin such as \"https://example.genauth.ai\" (no spaces, query or fragment; punycode for international names)",
        ));
    }
    let authority = rest.split('/').next().unwrap_or("");
    let host_name = host_of(authority).ok_or_else(|| {
        GenAuthError::invalid(field, "must name a host, e.g. \"https://example.genauth.ai\" (no user name, port 1-65535)")
    })?;
    if scheme == "http" && !allow_insecure_http && !is_loopback(host_name) {
        return Err(GenAuthError::invalid(
            field,
            "must use https://: plain http:// would send the access token in clear text (allowed for loopback, or with allowInsecureHttp: true)",
        ));
    }
    let mut url = String::with_capacity(scheme.len() + 3 + rest.len());
    url.push_str(&scheme);
    url.push_str("://");
    url.push_str(rest);
    Ok(url)
}

/// The host part of `host[:port]` / `[v6]:port`, when the authority is well formed.
fn host_of(authority: &str) -> Option<&str> {
    if authority.contains('@') {
        return None;
    }
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        (authority.get(..=end)?, authority.get(end + 1..)?)
    } else {
        match authority.find(':') {
            Some(i) => (authority.get(..i)?, authority.get(i..)?),
            None => (authority, ""),
        }
    };
    let port_ok = match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(p) => validate::decimal_at_most(p, 65_535).is_some_and(|n| n > 0),
    };
    (!host.is_empty() && port_ok).then_some(host)
}

fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|r| r.split('.').count() == 3 && r.split('.').all(|p| validate::decimal_at_most(p, 255).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(h: &str) -> Result<String> {
        normalise_app_host("appHost", h, false)
    }

    #[test]
    fn adds_https_and_drops_trailing_slashes() {
        assert_eq!(norm("example.genauth.ai").unwrap(), "https://example.genauth.ai");
        assert_eq!(norm("example.genauth.ai/").unwrap(), "https://example.genauth.ai");
        assert_eq!(norm("https://example.genauth.ai//").unwrap(), "https://example.genauth.ai");
        assert_eq!(norm("HTTPS://a.b:8443/base/").unwrap(), "https://a.b:8443/base");
    }

    #[test]
    fn plain_http_only_for_loopback_unless_allowed() {
        assert_eq!(norm("http://127.0.0.1:8787").unwrap(), "http://127.0.0.1:8787");
        assert!(norm("http://localhost:3000/").is_ok());
        assert!(norm("http://[::1]:80").is_ok());
        let e = norm("http://example.genauth.ai").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("appHost"));
        assert!(norm("http://127.0.0.1.evil.com").is_err());
        assert!(normalise_app_host("appHost", "http://example.genauth.ai", true).is_ok());
    }

    #[test]
    fn refuses_what_fetch_would_choke_on() {
        for bad in [
            "", "/", "https://", "ftp://a.b", "javascript://x", "https://a b", "https://a.b?x=1",
            "https://a.b#f", "https://user:pw@a.b", "https://a.b:0", "https://a.b:99999", "https://a.b:8a",
            "https://[::1", "https://a.b\n", "https://:80",
        ] {
            assert!(norm(bad).is_err(), "{bad:?}");
        }
    }
}
