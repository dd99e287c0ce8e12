// Cold start: this small entry is loaded first (as a bundler's entry chunk would be, and as
// bench/vite-cold/main.js is), then the clock starts, the module named by ?m= is loaded with
// import(), and the clock stops when a client is constructed and ready for its first call.
// For genauth-phone that is fetch + compile + instantiate of the .wasm (web.js awaits init())
// and `new AuthenticationClient`; a peer's bundle constructs its client when it is evaluated.
const url = new URLSearchParams(location.search).get("m");
const t0 = performance.now();
import(url).then((m) => {
  if (m.AuthenticationClient) {
    const client = new m.AuthenticationClient({ appId: "bench-app", appHost: "https://bench.example" });
    if (typeof client.sendSms !== "function") throw new Error("no sendSms on the client");
  } else if (typeof globalThis.benchClient !== "object") {
    throw new Error("the module made no client");
  }
  window.cold = { ms: performance.now() - t0 };
}).catch((e) => { window.cold = { error: String(e?.stack ?? e) }; });
