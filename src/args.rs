//! Reading the caller's arguments: one decoder driven by a static table per argument
//! ([`Shape`]), instead of code per field.
//!
//! - Only **own** enumerable string keys count (`Object.keys`): a value planted on
//!   `Object.prototype` by another script never becomes a field (serde-wasm-bindgen would
//!   read through the prototype chain).
//! - An own key the table does not know is refused: a typo must not pass silently.
//! - Each field is read **once** (`Reflect.get`), then checked, and the checked copy is
//!   what is used: a getter that answers differently on each read cannot slip an
//!   unchecked value onto the wire.
//! - `undefined` and `null` mean absent.
//! - Every touch of a caller value goes through a `catch` import, so a throwing getter or
//!   a Proxy trap becomes a `GenAuthError`, never an exception unwinding through wasm.

use crate::error::{GenAuthError, Result};
use crate::validate::{problem, reason, Rule};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // js-sys binds these without `catch`; a Proxy's traps can throw from any of them.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn own_keys(target: &JsValue) -> core::result::Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> core::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> core::result::Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = hasOwn)]
    fn has_own(target: &JsValue, key: &JsValue) -> core::result::Result<bool, JsValue>;
}

/// What a field holds.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A string that must pass the rule.
    Text(Rule),
    /// A number (its range is checked by the caller of [`decode`]).
    Number,
    /// A boolean.
    Flag,
    /// A nested object with its own table.
    Nested(&'static Shape),
    /// Any value, passed on unread (an `AbortSignal`, checked where it is used).
    Raw,
    /// Refused whenever present (`appSecret`), with this reason.
    Refused(&'static str),
}

/// One field of an argument.
pub struct Field {
    pub key: &'static str,
    pub kind: Kind,
    pub required: bool,
}

/// The table of one argument.
pub struct Shape {
    /// What errors call the whole argument when it is not an object, e.g. "dto".
    pub name: &'static str,
    /// The prefix of its fields' paths, e.g. "phonePassCodePayload"; empty at the top.
    pub path: &'static str,
    pub fields: &'static [Field],
}

/// A decoded field.
pub enum Value {
    Text(String),
    Number(f64),
    Flag(bool),
    Nested(Fields),
    Raw(JsValue),
}

/// The decoded fields of one argument, in table order; `None` where absent.
pub struct Fields {
    pub shape: &'static Shape,
    pub values: Vec<Option<Value>>,
}

impl Fields {
    /// Every field of `shape` absent. A push loop: `map(..).collect()` compiles iterator code.
    pub fn absent(shape: &'static Shape) -> Fields {
        let mut values = Vec::new();
        for _ in shape.fields {
            values.push(None);
        }
        Fields { shape, values }
    }

    /// The field at `i` of the table, if present.
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.values.get(i).and_then(Option::as_ref)
    }

    /// The text field at `i`, if present.
    pub fn text(&self, i: usize) -> Option<&str> {
        match self.get(i) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// Takes the text field at `i` out.
    pub fn take_text(&mut self, i: usize) -> Option<String> {
        match self.values.get_mut(i).and_then(Option::take) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// The number field at `i`, if present.
    pub fn number(&self, i: usize) -> Option<f64> {
        match self.get(i) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }

    /// The flag at `i`; `false` when absent.
    pub fn flag(&self, i: usize) -> bool {
        matches!(self.get(i), Some(Value::Flag(true)))
    }

    /// The full path of field `i`, for errors.
    pub fn path(&self, i: usize) -> String {
        let key = self.shape.fields.get(i).map_or("", |f| f.key);
        join(self.shape.path, key)
    }

    /// `INVALID_ARGUMENT` for field `i`.
    pub fn invalid(&self, i: usize, problem: &'static str) -> GenAuthError {
        GenAuthError::invalid(&self.path(i), problem)
    }
}

/// Decodes `value` by `shape`: see the module docs for the rules.
pub fn decode(value: &JsValue, shape: &'static Shape) -> Result<Fields> {
    let unreadable = || GenAuthError::invalid(shape.name, "could not be read (it threw)");
    if !value.is_object() || is_array(value).map_err(|_| unreadable())? {
        return Err(GenAuthError::invalid(shape.name, "must be an object"));
    }
    let keys = own_keys(value).map_err(|_| unreadable())?;
    let mut values = Fields::absent(shape).values;
    for key in keys.iter() {
        // Object.keys yields strings only.
        let name = key.as_string().unwrap_or_default();
        let Some(i) = shape.fields.iter().position(|f| f.key == name) else {
            return Err(GenAuthError::invalid(&join(shape.path, &name), "is not a known field (check its spelling)"));
        };
        let (Some(field), Some(slot)) = (shape.fields.get(i), values.get_mut(i)) else { continue };
        let raw = reflect_get(value, &key)
            .map_err(|_| GenAuthError::invalid(&join(shape.path, field.key), "could not be read (its getter threw)"))?;
        *slot = read(field, shape.path, raw)?;
    }
    complete(shape, values)
}

/// Checks one field's value; `None` for `undefined` and `null`. `path` prefixes its name in errors.
pub fn read(field: &Field, path: &str, raw: JsValue) -> Result<Option<Value>> {
    if raw.is_undefined() || raw.is_null() {
        return Ok(None);
    }
    let wrong = |what: &'static str| GenAuthError::invalid(&join(path, field.key), what);
    Ok(Some(match field.kind {
        Kind::Text(rule) => {
            let text = raw.as_string().ok_or_else(|| wrong("must be a string"))?;
            if let Some(p) = problem(rule, &text) {
                return Err(GenAuthError::invalid_as(&join(path, field.key), p, reason(rule, &text)));
            }
            Value::Text(text)
        }
        Kind::Number => Value::Number(raw.as_f64().ok_or_else(|| wrong("must be a number"))?),
        Kind::Flag => Value::Flag(raw.as_bool().ok_or_else(|| wrong("must be a boolean"))?),
        Kind::Nested(inner) => Value::Nested(decode(&raw, inner)?),
        Kind::Raw => Value::Raw(raw),
        Kind::Refused(why) => return Err(wrong(why)),
    }))
}

/// The decoded fields of `shape`, once every required one is there.
pub fn complete(shape: &'static Shape, values: Vec<Option<Value>>) -> Result<Fields> {
    for (field, value) in shape.fields.iter().zip(&values) {
        if field.required && value.is_none() {
            let missing = match field.kind {
                Kind::Text(rule) => reason(rule, ""),
                _ => None,
            };
            return Err(GenAuthError::invalid_as(&join(shape.path, field.key), "is required", missing));
        }
    }
    Ok(Fields { shape, values })
}

/// `Reflect.get` that reports a throw (a getter, a Proxy trap) instead of unwinding.
pub fn get(target: &JsValue, key: &JsValue) -> core::result::Result<JsValue, JsValue> {
    reflect_get(target, key)
}

/// Reads one own property of any object (a parsed response, an error): `None` when absent
/// or when reading it threw.
pub fn own(target: &JsValue, key: &str) -> Option<JsValue> {
    let key = JsValue::from_str(key);
    match has_own(target, &key) {
        Ok(true) => reflect_get(target, &key).ok(),
        _ => None,
    }
}

/// `path.name`, or `name` at the top level.
fn join(path: &str, name: &str) -> String {
    let mut s = String::from(path);
    if !s.is_empty() {
        // A str, not a char: `push(char)` links UTF-8 encoding (16 B).
        s += ".";
    }
    s += name;
    s
}
