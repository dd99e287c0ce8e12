//! The suite in Node (global fetch, Node 18+).
#![cfg(target_arch = "wasm32")]
mod suite;
