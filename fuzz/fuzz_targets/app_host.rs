//! `appHost` normalisation (the constructor's `appHost`): never panics, and when it
//! accepts, the result starts with https:// or http://, has no trailing '/', is ASCII
//! without spaces, query, fragment or user info, is no longer than the input plus
//! "https://", uses plain http only to loopback (unless allowed), and normalising it
//! again gives it back unchanged. When it refuses, the error names `appHost`.
#![no_main]

use genauth_phone::fuzzing::normalise_app_host;
use libfuzzer_sys::fuzz_target;

/// The README's loopback list: `localhost` (and, as the code documents, `*.localhost`),
/// `127.x.x.x`, `[::1]`.
fn loopback_oracle(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    if h == "localhost" || h.ends_with(".localhost") || h == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = h.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts[1..].iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u64>().is_ok_and(|n| n <= 255)
        })
}

fuzz_target!(|data: &[u8]| {
    let (allow_insecure, rest) = match data {
        [flag, rest @ ..] => (flag & 1 == 1, rest),
        [] => (false, data),
    };
    let input = String::from_utf8_lossy(rest);
    match normalise_app_host("appHost", &input, allow_insecure) {
        Ok(url) => {
            let after_scheme = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .unwrap_or_else(|| panic!("no scheme: {url:?} from {input:?}"));
            assert!(
                !url.ends_with('/'),
                "trailing slash: {url:?} from {input:?}"
            );
            assert!(url.is_ascii(), "not ASCII: {url:?}");
            assert!(
                !after_scheme
                    .bytes()
                    .any(|b| b <= b' ' || b == 0x7f || matches!(b, b'?' | b'#' | b'\\')),
                "space, control, query, fragment or backslash: {url:?} from {input:?}"
            );
            let authority = after_scheme.split('/').next().unwrap_or_default();
            assert!(
                !authority.is_empty() && !authority.contains('@'),
                "authority {authority:?} in {url:?}"
            );
            assert!(input.len() <= 2048, "accepted {} characters", input.len());
            assert!(
                url.len() <= input.len() + "https://".len(),
                "{url:?} from {input:?}"
            );
            if url.starts_with("http://") && !allow_insecure {
                let host = if authority.starts_with('[') {
                    &authority[..authority.find(']').map_or(authority.len(), |i| i + 1)]
                } else {
                    authority.split(':').next().unwrap_or_default()
                };
                assert!(
                    loopback_oracle(host),
                    "plain http to {host:?}: {url:?} from {input:?}"
                );
            }
            let again = normalise_app_host("appHost", &url, allow_insecure);
            assert_eq!(
                again.as_ref().ok(),
                Some(&url),
                "not idempotent: {input:?} -> {url:?} -> {again:?}"
            );
        }
        Err(e) => {
            assert_eq!(e.field.as_deref(), Some("appHost"), "{e:?}");
            assert_eq!(e.code.as_str(), "INVALID_ARGUMENT");
        }
    }
});
