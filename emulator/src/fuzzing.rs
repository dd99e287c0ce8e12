//! Hooks for the cargo-fuzz targets in `fuzz/` (not a stable API): the strict
//! JSON parser, and one API request through the emulator's real decoding path
//! (route, `x-authing-app-id`, body size, content-type, JSON, object,
//! `authorization`, typed fields, formats, the endpoint's rules) without HTTP;
//! `Call` takes any method and a path with its query, so `GET get-profile` too.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderValue, Method, Request};
use serde_json::Value;

use crate::body::{BodyError, MAX_BODY};
use crate::config::Config;
use crate::envelope::Lang;
use crate::pool::{Phone, User};
use crate::state::Shared;

pub use crate::json::{parse as parse_json, JsonError};

/// The app id the harness's requests carry (when asked to).
pub const APP_ID: &str = "fuzz-app";
/// The signed-in user's access token.
pub const TOKEN: &str = "fuzz-token";
/// The signed-in user's phone (+86).
pub const USER_PHONE: &str = "13800000001";
/// The largest body the API reads.
pub const MAX_BODY_BYTES: usize = MAX_BODY;

/// What the API answered, as the envelope's fields.
#[derive(Debug)]
pub struct Answer {
    pub status_code: u16,
    /// None exactly for a success.
    pub api_code: Option<u32>,
    pub message: String,
    pub data: Option<Value>,
}

/// How the request is sent.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub app_id: Option<&'a [u8]>,
    pub content_type: Option<&'a [u8]>,
    pub authorization: Option<&'a [u8]>,
    pub zh: bool,
    pub body: &'a [u8],
}

/// A fresh emulator state with one signed-in user (phone +86 13800000001, with an email).
pub struct Harness {
    shared: Arc<Shared>,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    pub fn new() -> Harness {
        let shared = Arc::new(Shared::new(Config { app_id: APP_ID.into() }));
        let mut user = User::new(Some(Phone { country_code: "+86".into(), number: USER_PHONE.into() }), Some("fuzz@example.com".into()));
        user.id = "fuzz-user".into();
        user.access_token = TOKEN.into();
        shared.pool().add_user(user);
        Harness { shared }
    }

    /// One request; `None` when the method, path or a header value is not valid HTTP
    /// (hyper would have refused it before the emulator saw it).
    pub fn call(&self, r: Call<'_>) -> Option<Answer> {
        let mut b = Request::builder().method(Method::from_bytes(r.method.as_bytes()).ok()?).uri(r.path);
        for (name, value) in [
            ("x-authing-app-id", r.app_id),
            ("content-type", r.content_type),
            ("authorization", r.authorization),
            ("x-authing-lang", r.zh.then_some(&b"zh-CN"[..])),
        ] {
            if let Some(v) = value {
                b = b.header(name, HeaderValue::from_bytes(v).ok()?);
            }
        }
        let (parts, ()) = b.body(()).ok()?.into_parts();
        // What `read_limited` hands over: the first 64 KiB of an oversized body.
        let body = if r.body.len() > MAX_BODY {
            Err(BodyError::TooLarge(Bytes::copy_from_slice(&r.body[..MAX_BODY])))
        } else {
            Ok(Bytes::copy_from_slice(r.body))
        };
        let lang = Lang::from_headers(&parts.headers);
        Some(match crate::api::dispatch(&self.shared, &parts, body) {
            Ok(data) => Answer { status_code: 200, api_code: None, message: crate::envelope::success_message(lang).into(), data },
            Err(e) => Answer { status_code: e.status_code(), api_code: Some(e.api_code()), message: e.message(lang), data: None },
        })
    }

    /// The SMS codes recorded so far: (channel, country code, number, code).
    pub fn sms(&self) -> Vec<(String, String, String, String)> {
        self.shared
            .pool()
            .sms
            .iter()
            .map(|s| (s.channel.to_string(), s.phone.country_code.clone(), s.phone.number.clone(), s.code.clone()))
            .collect()
    }
}
