//! The constructor's options, decoded by their table, and `appHost` normalisation as the
//! official Node SDK does it (add `https://`, drop trailing `/`), plus a refusal of plain
//! `http://` to anything but loopback.

use crate::args::{decode, Field, Fields, Kind, Shape, Value};
use crate::error::{GenAuthError, Result};
use crate::messages::Texts;
use crate::validate::{self, Rule};
use wasm_bindgen::JsValue;

/// Default request timeout, the official SDKs' figure.
pub const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;

/// `AuthenticationClientOptions`.
static OPTIONS: Shape = Shape {
    name: "options",
    path: "",
    fields: &[
        Field { key: "appId", kind: Kind::Text(Rule::AppId), required: true },
        Field { key: "appHost", kind: Kind::Text(Rule::Any), required: true },
        Field { key: "accessToken", kind: Kind::Text(Rule::Token), required: false },
        Field { key: "timeout", kind: Kind::Number, required: false },
        Field { key: "lang", kind: Kind::Text(Rule::Lang), required: false },
        Field { key: "throwOnError", kind: Kind::Flag, required: false },
        Field { key: "allowInsecureHttp", kind: Kind::Flag, required: false },
        Field { key: "messages", kind: Kind::Raw, required: false },
        Field {
            key: "appSecret",
            kind: Kind::Refused("is refused: these endpoints never need it, and it must never ship to a browser"),
            required: false,
        },
    ],
};

// Positions in OPTIONS.
const APP_ID: usize = 0;
const APP_HOST: usize = 1;
const ACCESS_TOKEN: usize = 2;
const TIMEOUT: usize = 3;
const LANG: usize = 4;
const THROW_ON_ERROR: usize = 5;
const ALLOW_INSECURE_HTTP: usize = 6;
const MESSAGES: usize = 7;

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
    /// The language and the app's own messages, for every error this client reports.
    pub texts: Texts,
}

impl ClientOptions {
    /// Decodes and checks the constructor argument. A refusal is worded in the options'
    /// `lang` and `messages` when they could be read, else in the default language.
    pub fn from_js(value: &JsValue) -> core::result::Result<ClientOptions, JsValue> {
        let mut o = decode(value, &OPTIONS).map_err(|e| Texts::of_refused(value).localize(e.into()))?;
        let mut texts = Texts::new(o.text(LANG));
        let messages = match o.values.get_mut(MESSAGES).and_then(Option::take) {
            Some(Value::Raw(m)) => Some(m),
            _ => None,
        };
        match Self::checked(&mut o, &mut texts, messages) {
            Ok((base_url, timeout_ms)) => Ok(ClientOptions {
                app_id: o.take_text(APP_ID).unwrap_or_default(),
                base_url,
                access_token: o.take_text(ACCESS_TOKEN),
                timeout_ms,
                lang: o.take_text(LANG),
                throw_on_error: o.flag(THROW_ON_ERROR),
                texts,
            }),
            Err(e) => Err(texts.localize(e.into())),
        }
    }

    /// The app's messages, the base URL and the timeout, checked.
    fn checked(o: &mut Fields, texts: &mut Texts, messages: Option<JsValue>) -> Result<(String, f64)> {
        if let Some(messages) = messages {
            texts.read_own(&messages, &crate::messages::KEYS)?;
        }
        let base_url = normalise_app_host("appHost", o.text(APP_HOST).unwrap_or_default(), o.flag(ALLOW_INSECURE_HTTP))?;
        Ok((base_url, timeout(o.number(TIMEOUT), "timeout", DEFAULT_TIMEOUT_MS)?))
    }
}

/// A `timeout` option: whole milliseconds from 1 to 120000, or `default` when absent.
pub fn timeout(value: Option<f64>, field: &str, default: f64) -> Result<f64> {
    match value {
        None => Ok(default),
        Some(ms) if validate::timeout_ok(ms) => Ok(ms),
        Some(_) => Err(GenAuthError::invalid(field, "must be a whole number of milliseconds from 1 to 120000")),
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
                return Err(GenAuthError::invalid(field, "must use https://"));
            }
        }
        None => (true, bytes),
    };
    // Where `rest` starts in `host`, so the result can be sliced from it (no char pushing).
    let from = bytes.len() - rest.len();
    while let [head @ .., b'/'] = rest {
        rest = head;
    }
    // ASCII only (an internationalised domain goes in its punycode form).
    if rest.iter().any(|&b| !b.is_ascii_graphic() || matches!(b, b'?' | b'#' | b'\\')) {
        return Err(GenAuthError::invalid(field, "must be an ASCII origin like \"https://example.genauth.ai\", without query or fragment"));
    }
    let authority = rest.split(|&b| b == b'/').next().unwrap_or_default();
    let Some(host_name) = host_of(authority) else {
        return Err(GenAuthError::invalid(field, "must name a host (no user name; port 1-65535)"));
    };
    if !https && !allow_insecure_http && !is_loopback(host_name) {
        return Err(GenAuthError::invalid(field, "must use https:// (http:// only to loopback, or with allowInsecureHttp)"));
    }
    let mut url = String::from(if https { "https://" } else { "http://" });
    // `rest` is ASCII (checked above), so these are char boundaries.
    url.push_str(host.get(from..from + rest.len()).unwrap_or_default());
    // Checked again with the scheme added, so a normalised appHost is accepted as it is.
    if url.len() > MAX_APP_HOST_LEN {
        return Err(too_long());
    }
    Ok(url)
}

/// The host part of `host[:port]` / `[v6]:port`, when the authority is well formed.
fn host_of(authority: &[u8]) -> Option<&[u8]> {
    // A plain scan: `contains` would link core's word-at-a-time memchr (300 B, -172 B gzip
    // shipped) for a short string.
    #[allow(clippy::manual_contains)]
    if authority.iter().any(|&b| b == b'@') {
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
            "",
            "/",
            "https://",
            "ftp://a.b",
            "javascript://x",
            "https://a b",
            "https://a.b?x=1",
            "https://a.b#f",
            "https://user:pw@a.b",
            "https://a.b:0",
            "https://a.b:99999",
            "https://a.b:8a",
            "https://[::1",
            "https://a.b\n",
            "https://:80",
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
