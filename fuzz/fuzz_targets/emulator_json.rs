//! The emulator's strict JSON parser (every API and dev body goes through it) against
//! serde_json itself: the same value when both accept, a syntax error exactly when
//! serde_json refuses, and a duplicate-key refusal exactly when the text holds more
//! object keys than serde_json's (deduplicating) maps do. Nothing panics or overflows
//! the stack.
#![no_main]

use genauth_emulator::fuzzing::{parse_json, JsonError};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Object keys in a valid JSON text, counted on the raw bytes: a string followed by ':'.
fn raw_keys(text: &[u8]) -> usize {
    let (mut keys, mut i) = (0, 0);
    while i < text.len() {
        if text[i] == b'"' {
            i += 1;
            while text[i] != b'"' {
                i += if text[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            let mut j = i;
            while j < text.len() && matches!(text[j], b' ' | b'\t' | b'\n' | b'\r') {
                j += 1;
            }
            if text.get(j) == Some(&b':') {
                keys += 1;
            }
        } else {
            i += 1;
        }
    }
    keys
}

fn map_entries(v: &Value) -> usize {
    match v {
        Value::Object(m) => m.len() + m.values().map(map_entries).sum::<usize>(),
        Value::Array(a) => a.iter().map(map_entries).sum(),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let ours = parse_json(data);
    let theirs = serde_json::from_slice::<Value>(data);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b);
            assert_eq!(
                raw_keys(data),
                map_entries(&b),
                "a duplicate key slipped through"
            );
        }
        (Err(JsonError::Syntax), Err(_)) => {}
        (Err(JsonError::DuplicateKey), Ok(b)) => {
            assert!(
                raw_keys(data) > map_entries(&b),
                "refused a body without duplicate keys"
            );
        }
        (ours, theirs) => panic!("ours {ours:?}, serde_json {theirs:?}"),
    }
});
