//! The suite in a real browser (scripts/test.sh runs it in headless Chromium and Firefox).
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
mod suite;
