// Only for `vite` (the dev server); `vite build` runs without any config (run.sh).
// The dev server pre-bundles dependencies into node_modules/.vite/deps/, which breaks the
// new URL("...wasm", import.meta.url) of every wasm-bindgen package (vitejs/vite#8427, open):
// excluding the package from pre-bundling, as Vite's docs describe, is the whole fix.
export default {
  optimizeDeps: { exclude: ["genauth-phone"] },
};
