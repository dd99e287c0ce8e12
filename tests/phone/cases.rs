//! Reading `tests/phone/cases.tsv`: shared by the native tests of `src/phone` and the wasm
//! suite (`tests/suite/messages.rs`), which both include this file by path.

/// The table, checked in beside the Node script that holds it against libphonenumber-js.
const CASES: &str = include_str!("cases.tsv");

/// `\u{hex}` in a case's input or default, as the file writes what cannot be seen.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}').expect("closing brace") + at;
        let code = u32::from_str_radix(&rest[at + 3..end], 16).expect("hex");
        out.push(char::from_u32(code).expect("a char"));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// (line number, input, default, expected): expected is "+code national" or a refusal's name.
pub fn cases() -> Vec<(usize, String, Option<String>, String)> {
    CASES
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(n, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() == 3 || cols.len() == 5, "cases.tsv:{}: 3 or 5 columns", n + 1);
            let default = (cols[1] != "-").then(|| unescape(cols[1]));
            (n + 1, unescape(cols[0]), default, cols[2].to_string())
        })
        .collect()
}
