//! Reading the caller's arguments safely. serde-wasm-bindgen reads through the prototype
//! chain and ignores unknown keys (SIZE.md), so arguments are decoded here instead: only
//! **own** properties count, an unknown own key is refused (a typo must not pass
//! silently), and `undefined` / `null` mean "absent" for optional fields. Every JS call
//! that could throw (getters, proxies) is caught, so hostile input cannot unwind through
//! the module.

use crate::error::{GenAuthError, Result};
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn own_keys(target: &JsValue) -> core::result::Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Object, js_name = hasOwn)]
    fn has_own(target: &JsValue, key: &str) -> core::result::Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &str) -> core::result::Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> bool;
}

/// Reads one own property of any object (a parsed response, say): `None` when absent.
pub fn own(target: &JsValue, key: &str) -> Option<JsValue> {
    match has_own(target, key) {
        Ok(true) => reflect_get(target, key).ok(),
        _ => None,
    }
}

/// True for a plain object-like value: not null, not an array, not a function.
pub fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !is_array(value)
}

/// A caller's object argument whose keys have been checked.
pub struct JsObject<'a> {
    obj: JsValue,
    /// Prefix of field paths, e.g. "phonePassCodePayload"; empty at the top level.
    path: &'a str,
}

impl<'a> JsObject<'a> {
    /// Checks that `value` is an object whose own keys are all in `allowed`.
    /// `name` is what the error calls the whole argument when it is not an object.
    pub fn open(value: &JsValue, name: &str, path: &'a str, allowed: &[&str]) -> Result<JsObject<'a>> {
        if !is_plain_object(value) {
            return Err(GenAuthError::invalid(name, "must be an object"));
        }
        let keys = own_keys(value).map_err(|_| GenAuthError::invalid(name, "could not be read (its properties threw)"))?;
        for key in keys.iter() {
            let key = key.as_string().unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                return Err(GenAuthError::invalid(&join(path, &key), "is not a known field (check its spelling)"));
            }
        }
        Ok(JsObject { obj: value.clone(), path })
    }

    /// The full path of a field, for errors.
    pub fn field(&self, name: &str) -> String {
        join(self.path, name)
    }

    /// The own property `name`, with `undefined` and `null` as `None`.
    pub fn get(&self, name: &str) -> Result<Option<JsValue>> {
        let value = match has_own(&self.obj, name) {
            Ok(false) => return Ok(None),
            Ok(true) => reflect_get(&self.obj, name),
            Err(e) => Err(e),
        }
        .map_err(|_| GenAuthError::invalid(&self.field(name), "could not be read (its getter threw)"))?;
        Ok(if value.is_undefined() || value.is_null() { None } else { Some(value) })
    }

    /// True when the own property is present and neither `undefined` nor `null`.
    pub fn has(&self, name: &str) -> Result<bool> {
        self.get(name).map(|v| v.is_some())
    }

    /// A required string.
    pub fn string(&self, name: &str) -> Result<String> {
        self.opt_string(name)?.ok_or_else(|| GenAuthError::invalid(&self.field(name), "is required"))
    }

    /// An optional string.
    pub fn opt_string(&self, name: &str) -> Result<Option<String>> {
        self.typed(name, JsValue::as_string, "must be a string")
    }

    /// An optional number (NaN is refused by the callers' range checks).
    pub fn opt_f64(&self, name: &str) -> Result<Option<f64>> {
        self.typed(name, JsValue::as_f64, "must be a number")
    }

    /// An optional boolean.
    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>> {
        self.typed(name, JsValue::as_bool, "must be a boolean")
    }

    /// A required string that passes `check` (given the field's full path).
    pub fn checked(&self, name: &str, check: fn(&str, &str) -> Result<()>) -> Result<String> {
        let value = self.string(name)?;
        check(&self.field(name), &value)?;
        Ok(value)
    }

    /// An optional string that, when present, passes `check`.
    pub fn opt_checked(&self, name: &str, check: fn(&str, &str) -> Result<()>) -> Result<Option<String>> {
        let value = self.opt_string(name)?;
        if let Some(v) = &value {
            check(&self.field(name), v)?;
        }
        Ok(value)
    }

    fn typed<T>(&self, name: &str, cast: fn(&JsValue) -> Option<T>, wrong: &str) -> Result<Option<T>> {
        match self.get(name)? {
            None => Ok(None),
            Some(v) => cast(&v).map(Some).ok_or_else(|| GenAuthError::invalid(&self.field(name), wrong)),
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        return name.into();
    }
    let mut s = String::with_capacity(path.len() + 1 + name.len());
    s.push_str(path);
    s.push('.');
    s.push_str(name);
    s
}
