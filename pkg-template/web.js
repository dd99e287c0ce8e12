// The entry for bundlers (Vite, webpack), browsers (<script type="module">) and module workers.
// It loads the WebAssembly before anything can be imported from it, so users never call an
// init function: the glue finds the .wasm next to itself with new URL(..., import.meta.url),
// which Vite and webpack 5 turn into an emitted asset with their default configuration.
import init from "./web/genauth_phone.js";

await init();

export * from "./web/genauth_phone.js";
