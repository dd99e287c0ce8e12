//! SMS cooldowns shared through `localStorage`, so a reload or another tab of the same origin
//! knows a code went out less than a minute ago. Only the cooldown's key (16 bits of a hash of
//! channel, country code and number, which thousands of numbers share: no number, no code, no
//! token) and the ms it ends are stored, under one key per app id, and only while a cooldown
//! runs: ended entries are pruned whenever the list is read or written, the key is removed
//! when none is left, and sign-out or `free()` removes it at once. Where there is no
//! `localStorage` (Node, web workers) or it cannot be used (blocked storage, a sandboxed
//! frame: reading it throws), cooldowns stay in the client's memory.
//!
//! The client reads the stored list before it checks a cooldown and writes it after one
//! changes, so tabs see each other's sends at their next check; there is no listener that
//! would keep a client alive. A value another script wrote is read as untrusted text: a
//! malformed entry is skipped, never trusted.

use crate::args::get;
use wasm_bindgen::prelude::*;
use web_sys::Storage;

/// At most this many entries are read back (the ledger keeps 256 anyway).
const MAX_ENTRIES: usize = 256;

/// `localStorage` under the key of one app, when the runtime has a usable one.
pub struct CooldownStore {
    storage: Option<Storage>,
    key: String,
}

impl CooldownStore {
    /// The store of `app_id`; a memory-only store when there is no usable `localStorage`.
    pub fn open(app_id: &str) -> CooldownStore {
        // Reading `localStorage` can throw (blocked storage, opaque origins): `get` is `catch`.
        let storage = get(&js_sys::global(), &JsValue::from_str("localStorage")).ok().filter(JsValue::is_object);
        let storage = storage.map(JsCast::unchecked_into::<Storage>);
        let mut key = String::from("genauth-phone:sms-cooldowns:");
        key.push_str(app_id);
        CooldownStore { storage, key }
    }

    /// The cooldowns another tab (or an earlier page) stored. Called with no ledger borrowed:
    /// the page may have replaced `getItem`, and it may call back into the client.
    pub fn load(&self) -> Vec<(u64, f64)> {
        let Some(storage) = &self.storage else { return Vec::new() };
        let Ok(Some(text)) = storage.get_item(&self.key) else { return Vec::new() };
        let mut entries = parse(&text);
        entries.truncate(MAX_ENTRIES);
        entries
    }

    /// Stores `text` (from [`format_entries`]), so other tabs and a reload see it; an empty
    /// list removes the key.
    pub fn save(&self, text: &str) {
        let Some(storage) = &self.storage else { return };
        // A full or blocked storage only costs the sharing: the cooldown is still enforced here.
        let _ = if text.is_empty() { storage.remove_item(&self.key) } else { storage.set_item(&self.key, text) };
    }

    /// Removes the stored list (sign-out, `free()`).
    pub fn clear(&self) {
        self.save("");
    }
}

/// `key:ms;key:ms` of the entries still running at `now`: each key 4 hex digits, each end in
/// whole ms since epoch (rounded up, so a wait is never shortened).
pub fn format_entries(entries: &[(u64, f64)], now: f64) -> String {
    let mut text = String::new();
    for &(key, until) in entries {
        if until <= now {
            continue;
        }
        if !text.is_empty() {
            text += ";";
        }
        for shift in (0..4).rev() {
            let digit = ((key >> (shift * 4)) & 0xf) as u8;
            text.push_str(HEX.get(usize::from(digit)..usize::from(digit) + 1).unwrap_or("0"));
        }
        text += ":";
        push_decimal(&mut text, until.ceil().max(0.0) as u64);
    }
    text
}

const HEX: &str = "0123456789abcdef";

/// The entries of a stored value; malformed ones are skipped.
pub fn parse(text: &str) -> Vec<(u64, f64)> {
    let mut entries = Vec::new();
    for entry in text.as_bytes().split(|&b| b == b';') {
        // `xxxx:digits`: the key is exactly 4 bytes, so the one colon is the fifth (a second
        // one is not a digit).
        let (Some(key), Some(b':'), Some(ms)) = (entry.get(..4), entry.get(4), entry.get(5..)) else { continue };
        if let (Some(key), Some(ms)) = (hex4(key), digits(ms)) {
            entries.push((key, ms as f64));
        }
    }
    entries
}

/// Exactly 4 lowercase hex digits.
fn hex4(s: &[u8]) -> Option<u64> {
    if s.len() != 4 {
        return None;
    }
    let mut n = 0;
    for &b in s {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        n = n << 4 | u64::from(digit);
    }
    Some(n)
}

/// 1 to 15 ASCII digits (ms since epoch: far beyond any real end).
fn digits(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    let mut n = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

/// Appends the decimal digits of `n` to `text` (one-digit strings: pushing chars would link
/// UTF-8 encoding; into the caller's string: no string per number to copy over).
fn push_decimal(text: &mut String, n: u64) {
    if n >= 10 {
        push_decimal(text, n / 10);
    }
    let digit = (n % 10) as usize;
    text.push_str(HEX.get(digit..digit + 1).unwrap_or("0"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_rounded_up_to_the_ms() {
        let text = format_entries(&[(0x89ab, 1_764_590_000_500.2), (5, 900.0), (0xffff, 1000.0)], 900.0);
        assert_eq!(text, "89ab:1764590000501;ffff:1000");
        assert_eq!(parse(&text), vec![(0x89ab, 1_764_590_000_501.0), (0xffff, 1000.0)]);
        assert_eq!(format_entries(&[], 0.0), "");
        assert_eq!(format_entries(&[(1, 5.0)], 5.0), "", "an ended entry is not stored");
    }

    #[test]
    fn malformed_entries_are_skipped() {
        let text = "cdef:5;noth:5;CDEF:5;0123456789abcdef:5;012:5;cdef:;cdef:1x;cdef:5:6;cdef:1234567890123456;;:";
        assert_eq!(parse(text), vec![(0xcdef, 5.0)]);
        assert!(parse("").is_empty());
        assert!(parse("{\"json\": true}").is_empty());
    }

    #[test]
    fn decimals() {
        let decimal = |n| {
            let mut text = String::from("x");
            push_decimal(&mut text, n);
            text
        };
        assert_eq!(decimal(0), "x0");
        assert_eq!(decimal(1_764_590_001), "x1764590001");
        assert_eq!(decimal(u64::MAX), "x18446744073709551615");
    }
}
