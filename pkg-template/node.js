// The entry for `import` in Node 18+: the wasm-bindgen nodejs build is CommonJS (in node/,
// marked "type": "commonjs") and loads the .wasm synchronously with fs when first required.
// Re-exporting it means `import` and `require` share one instance of the module.
export * from "./node/genauth_phone.js";
