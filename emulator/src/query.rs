//! Strict query strings, for get-profile and the SMS inbox's filters: each
//! parameter known, given at most once, percent-decoded to UTF-8. A `+` stays a
//! plus (so `phoneCountryCode=+86` reads as written); empty segments (`a=1&&b=2`,
//! a bare `?`) are skipped, as `URLSearchParams` and Express's parser skip them.

use percent_encoding::percent_decode_str;

/// The parameters of one query string, in order, each name once.
#[derive(Debug, Default)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Parses `query` (the part after `?`, if any); the error names the parameter.
pub fn parse(query: Option<&str>, allowed: &[&str]) -> Result<Query, String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = part.split_once('=').unwrap_or((part, ""));
        let name = percent_decode_str(raw_name).decode_utf8_lossy().into_owned();
        if !allowed.contains(&name.as_str()) {
            return Err(format!("unknown query parameter {name:?} (known: {})", allowed.join(", ")));
        }
        if pairs.iter().any(|(n, _)| *n == name) {
            return Err(format!("query parameter {name} is given more than once"));
        }
        let value = match percent_decode_str(raw_value).decode_utf8() {
            Ok(v) => v.into_owned(),
            Err(_) => return Err(format!("query parameter {name} is not UTF-8 once percent-decoded")),
        };
        pairs.push((name, value));
    }
    Ok(Query(pairs))
}

#[cfg(test)]
mod tests {
    use super::parse;

    const KNOWN: [&str; 2] = ["a", "bc"];

    #[test]
    fn known_parameters_once_each() {
        let q = parse(Some("a=1&bc=%2B86"), &KNOWN).unwrap();
        assert_eq!((q.get("a"), q.get("bc")), (Some("1"), Some("+86")));
        let q = parse(Some("bc=+86&&a"), &KNOWN).unwrap();
        assert_eq!((q.get("a"), q.get("bc")), (Some(""), Some("+86")));
        assert_eq!(parse(Some("%61=x"), &KNOWN).unwrap().get("a"), Some("x"));
        for empty in [None, Some(""), Some("&")] {
            assert_eq!(parse(empty, &KNOWN).unwrap().get("a"), None);
        }
    }

    #[test]
    fn unknown_repeated_and_undecodable_are_refused_by_name() {
        assert!(parse(Some("a=1&x=2"), &KNOWN).unwrap_err().contains("\"x\""));
        assert!(parse(Some("A=1"), &KNOWN).unwrap_err().contains("\"A\""));
        assert!(parse(Some("a=1&a=1"), &KNOWN).unwrap_err().contains("a is given more than once"));
        assert!(parse(Some("a=1&%61=2"), &KNOWN).unwrap_err().contains("more than once"));
        assert!(parse(Some("bc=%ff"), &KNOWN).unwrap_err().contains("bc is not UTF-8"));
        assert!(parse(Some("%ff=1"), &KNOWN).unwrap_err().contains("unknown"));
    }
}
