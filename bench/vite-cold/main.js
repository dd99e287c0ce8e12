// Cold start in a Vite app: this small entry is loaded first, then the clock starts and the
// package (its chunk, then the .wasm: fetch, compile, instantiate) is loaded with import();
// the clock stops when a client is constructed and ready for its first call.
const t0 = performance.now();
import("genauth-phone").then(
  ({ AuthenticationClient }) => {
    const client = new AuthenticationClient({ appId: "bench-app", appHost: "https://bench.example" });
    if (typeof client.sendSms !== "function") throw new Error("no sendSms on the client");
    window.cold = { ms: performance.now() - t0 };
  },
).catch((e) => { window.cold = { error: String(e?.stack ?? e) }; });
