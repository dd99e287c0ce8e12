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

/// Longest accepted `appHost`.
const MAX_APP_HOST_LEN: usize = 2048;

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
        let app_id = o.checked("appId", validate::app_id)?;
        let allow_insecure = o.opt_bool("allowInsecureHttp")?.unwrap_or(false);
        let base_url = normalise_app_host("appHost", &o.string("appHost")?, allow_insecure)?;
        let access_token = o.opt_checked("accessToken", validate::token)?;
        let timeout_ms = match o.opt_f64("timeout")? {
            Some(t) => validate::timeout_ms("timeout", t).map(|_| t)?,
            None => DEFAULT_TIMEOUT_MS,
        };
        let lang = o.opt_checked("lang", validate::lang)?;
        let throw_on_error = o.opt_bool("throwOnError")?.unwrap_or(false);
        Ok(ClientOptions { app_id, base_url, access_token, timeout_ms, lang, throw_on_error })
    }
}

/// `example.com/` -> `https://example.com`; refuses what `fetch` would choke on or what
/// would send a token in clear text. Works on bytes: core's string searching and slicing
/// would add about 7 KB gzip to the module.
pub fn normalise_app_host(field: &str, host: &str, allow_insecure_http: bool) -> Result<String> {
    let bytes = host.as_bytes();
    let too_long = || GenAuthError::invalid(field, "must be at most 2048 characters");
    // Far above any real origin + base path, far below what would burden every request.
    if bytes.len() > MAX_APP_HOST_LEN {
        return Err(too_long());
    }
    let (https, mut rest) = match bytes.windows(3).position(|w| w == b"://") {
        Some(i) => {
            let scheme = bytes.get(..i).unwrap_or_default();
            let after = bytes.get(i + 3..).unwrap_or_default();
            if scheme.eq_ignore_ascii_case(b"https") {
                (true, after)
            } else if scheme.eq_ignore_ascii_case(b"http") {
                (false, after)
            } else {
                return Err(GenAuthError::invalid(field, "must use https:// (or http:// for a local emulator)"));
            }
        }
        None => (true, bytes),
    };
    while let [head @ .., b'/'] = rest {
        rest = head;
    }
    // ASCII only (an internationalised domain goes in its punycode form).
    if rest.iter().any(|&b| !b.is_ascii_graphic() || matches!(b, b'?' | b'#' | b'\\')) {
        return Err(GenAuthError::invalid(
            field,
            "must be a plain ASCII origin such as \"https://example.genauth.ai\" (no spaces, query or fragment; punycode for international names)",
        ));
    }
    let authority = rest.split(|&b| b == b'/').next().unwrap_or_default();
    let Some(host_name) = host_of(authority) else {
        return Err(GenAuthError::invalid(field, "must name a host, e.g. \"https://example.genauth.ai\" (no user name, port 1-65535)"));
    };
    if !https && !allow_insecure_http && !is_loopback(host_name) {
        return Err(GenAuthError::invalid(
            field,
            "must use https://: plain http:// would send the access token in clear text (allowed for loopback, or with allowInsecureHttp: true)",
        ));
    }
    let mut url = String::from(if https { "https://" } else { "http://" });
    // `rest` is ASCII (checked above), so every byte is a char.
    url.extend(rest.iter().map(|&b| b as char));
    // Checked again with the scheme added, so a normalised appHost is accepted as it is.
    if url.len() > MAX_APP_HOST_LEN {
        return Err(too_long());
    }
    Ok(url)
}

/// The host part of `host[:port]` / `[v6]:port`, when the authority is well formed.
fn host_of(authority: &[u8]) -> Option<&[u8]> {
    if authority.contains(&b'@') {
        return None;
    }
    let split = if authority.first() == Some(&b'[') {
        authority.iter().position(|&b| b == b']')? + 1
    } else {
        authority.iter().position(|&b| b == b':').unwrap_or(authority.len())
    };
    let (host, port) = (authority.get(..split)?, authority.get(split..)?);
    let port_ok = match port {
        [] => true,
        [b':', digits @ ..] => validate::decimal_at_most(digits, 65_535).is_some_and(|n| n > 0),
        _ => false,
    };
    (!host.is_empty() && port_ok).then_some(host)
}

fn is_loopback(host: &[u8]) -> bool {
    let ends_localhost = host.len() >= 10 && host.get(host.len() - 10..).is_some_and(|t| t.eq_ignore_ascii_case(b".localhost"));
    let ipv4_127 = host.split(|&b| b == b'.').enumerate().all(|(i, part)| match i {
        0 => part == b"127",
        1..=3 => validate::decimal_at_most(part, 255).is_some(),
        _ => false,
    }) && host.iter().filter(|&&b| b == b'.').count() == 3;
    host.eq_ignore_ascii_case(b"localhost") || ends_localhost || host == b"[::1]" || ipv4_127
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
        for bad in [&"1".repeat(2049), &format!("https://{}.com", "a".repeat(3000))] {
            assert!(norm(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_normalised_app_host_is_accepted_unchanged() {
        // Found by the app_host fuzz target: 2048 characters without a scheme used to
        // normalise to 2056, which the next normalisation refused.
        let at_limit = format!("{}.com", "a".repeat(2044));
        assert!(norm(&at_limit).is_err());
        let fits = format!("{}.com", "a".repeat(2036));
        let once = norm(&fits).unwrap();
        assert_eq!(once.len(), 2048);
        assert_eq!(norm(&once).unwrap(), once);
        assert_eq!(norm("https://a.b/").map(|u| norm(&u).unwrap()).unwrap(), "https://a.b");
    }
}
