// "genauth-phone/init": the wasm-bindgen glue as it is, for loading the .wasm yourself. Nothing
// is fetched until its default export is called: init({ module_or_path: URL | Response | bytes }).
// The same module as the one web.js initialises, so mixing both entries loads the wasm once.
export { default } from "./web/genauth_phone.js";
export * from "./web/genauth_phone.js";
