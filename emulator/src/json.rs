//! JSON bodies, parsed strictly: serde_json's grammar and its nesting limit
//! (128 levels, so a body of 60,000 `[` cannot overflow the stack), plus a
//! refusal of any object that repeats a key. `serde_json::Value` keeps the last
//! of two equal keys without a word, so `{"phoneNumber":"1","phoneNumber":"2"}`
//! would pass as `"2"`; a client that sends that has a bug the emulator should
//! show, not hide.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

#[derive(Debug, PartialEq, Eq)]
pub enum JsonError {
    /// Not JSON: syntax, encoding (not UTF-8, lone surrogate), nesting over 128,
    /// a number out of range, trailing characters.
    Syntax,
    /// Valid JSON, but an object has the same key twice.
    DuplicateKey,
}

/// Parses a whole body as one JSON value (surrounding whitespace allowed). A text
/// that is not JSON is a syntax error even when it also repeats a key before the
/// error (`{"a":1,"a"2}`): the whole text is parsed before a repeat is reported.
pub fn parse(bytes: &[u8]) -> Result<Value, JsonError> {
    match serde_json::from_slice::<Strict>(bytes) {
        Ok(Strict(v, false)) => Ok(v),
        Ok(Strict(_, true)) => Err(JsonError::DuplicateKey),
        Err(_) => Err(JsonError::Syntax),
    }
}

/// A value, and whether some object in it repeated a key.
struct Strict(Value, bool);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Strict, E> {
        Ok(Strict(Value::Bool(v), false))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Strict, E> {
        Ok(Strict(Value::Number(v.into()), false))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Strict, E> {
        Ok(Strict(Value::Number(v.into()), false))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Strict, E> {
        // The JSON grammar has no NaN or infinity, and serde_json refuses overflow.
        Ok(Strict(Number::from_f64(v).map_or(Value::Null, Value::Number), false))
    }

    fn visit_str<E>(self, v: &str) -> Result<Strict, E> {
        Ok(Strict(Value::String(v.to_owned()), false))
    }

    fn visit_string<E>(self, v: String) -> Result<Strict, E> {
        Ok(Strict(Value::String(v), false))
    }

    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict(Value::Null, false))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        let (mut items, mut dup) = (Vec::new(), false);
        while let Some(Strict(v, d)) = seq.next_element()? {
            items.push(v);
            dup |= d;
        }
        Ok(Strict(Value::Array(items), dup))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        let (mut out, mut dup) = (Map::new(), false);
        while let Some(key) = map.next_key::<String>()? {
            let Strict(v, d) = map.next_value()?;
            dup |= d;
            // Keep parsing to the end: a later syntax error takes precedence.
            dup |= out.insert(key, v).is_some();
        }
        Ok(Strict(Value::Object(out), dup))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_values_as_serde_json() {
        for text in [
            r#"{"a":[1,-2,3.5,1e300,true,false,null,"x\u00e9\ud83d\ude00"],"b":{"c":{}}}"#,
            " [] ",
            "0",
            "-0",
            "18446744073709551615",
            "-9223372036854775808",
            "\"\"",
        ] {
            let ours = parse(text.as_bytes()).unwrap();
            let theirs: Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn duplicate_keys_anywhere() {
        for text in [r#"{"a":1,"a":1}"#, r#"{"a":1,"b":2,"a":3}"#, r#"{"x":[{"a":1,"a":2}]}"#, r#"{"a":1,"\u0061":2}"#] {
            assert_eq!(parse(text.as_bytes()), Err(JsonError::DuplicateKey), "{text}");
        }
        assert_eq!(parse(br#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#).unwrap(), json!({"a":{"a":1},"b":[{"a":1},{"a":2}]}));
    }

    #[test]
    fn syntax_errors() {
        let deep = "[".repeat(100_000);
        for bad in [
            &b""[..],
            b"{",
            b"{\"a\":1,}",
            b"{} {}",
            b"NaN",
            b"1e999",
            b"\"\\ud800\"",
            b"\"\xff\"",
            b"\xef\xbb\xbf{}",
            deep.as_bytes(),
            // Found by the emulator_json fuzz target: a repeat before a syntax error.
            b"{\"a\":1,\"a\"32}",
            b"{\"a\":1,\"a\":2 x",
        ] {
            assert_eq!(parse(bad), Err(JsonError::Syntax), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
