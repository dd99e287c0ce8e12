//! # genauth-phone
//!
//! Change or remove the phone number of a signed-in GenAuth (formerly Authing) user from
//! a browser, a web worker or Node 18+, through the GenAuth V3 API and the global `fetch`.
//!
//! Data flows one way: JS value -> [`args`] (by the tables of [`dto`] and [`options`],
//! checked by [`validate`]) -> [`http`] (given up through [`abort`]) -> envelope -> JS value
//! or [`error::GenAuthError`].
#![warn(missing_docs)]
// GenAuthError is 128 bytes and travels in every Result. Boxing it would add an allocation
// and bytes to every error path for no gain: errors are rare and end at the JS boundary.
#![allow(clippy::result_large_err)]

mod abort;
mod args;
mod call;
mod client;
mod cooldown_store;
mod dto;
mod error;
mod flow;
mod http;
mod ledger;
mod messages;
mod options;
mod parse;
mod phone;
mod session;
mod settle;
mod throttle;
mod types;
mod validate;

pub use client::AuthenticationClient;
pub use flow::PhoneFlow;
pub use parse::parse_phone_number;

/// The pure input checks, for the cargo-fuzz targets in `fuzz/` only.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::options::normalise_app_host;
    pub use crate::validate::{decimal_at_most, problem, timeout_ok, Rule, SMS_CHANNELS};
}

use wasm_bindgen::prelude::*;

// SAFETY: this module is single-threaded (no atomics / shared memory build), which is
// what AssumeSingleThreaded requires. The free list is small: a call allocates a few
// strings and frees them when it settles.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// True when `e` is an error thrown or rejected by this package.
#[wasm_bindgen(js_name = isGenAuthError, unchecked_return_type = "e is GenAuthError")]
pub fn is_gen_auth_error(#[wasm_bindgen(unchecked_param_type = "unknown")] e: JsValue) -> bool {
    e.is_instance_of::<js_sys::Error>()
        && args::own(&e, "name").and_then(|n| n.as_string()).as_deref() == Some("GenAuthError")
        && args::own(&e, "code").is_some_and(|c| c.is_string())
}
