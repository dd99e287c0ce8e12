// The per-call and memory benchmarks, run inside a Chromium page (bench.html) by
// bench/browser.mjs. Global fetch is replaced by a stub that answers at once with a resolved
// Response holding a JSON envelope (or, in "hang" mode, never answers but honours the abort
// signal), so what is timed is the client's own work per call, not the network.
import init, { AuthenticationClient } from "/pkg/init.js";
import { PlainClient } from "./handwritten.mjs";

const wasm = await init(); // the wasm exports: memory, and the externref table of live JS handles

const OPTIONS = { appId: "bench-app", appHost: "https://bench.example", accessToken: "bench-access-token" };
const OK = { statusCode: 200, message: "Operation successful", requestId: "9f6c5a1e-1d2b-4c3d-8e9f-0a1b2c3d4e5f" };
let issued = 0; // the stub issues a new update token on each successful verify
const answer = {
  "send-sms": () => JSON.stringify(OK),
  "verify-update-phone-request": () => JSON.stringify({ ...OK, data: { updatePhoneToken: `upt-stub-${issued++}`, tokenExpiresIn: 60 } }),
  "update-phone": () => JSON.stringify({ ...OK, data: { success: true } }),
  "unbind-phone": () => JSON.stringify(OK),
};
const COOLDOWN = JSON.stringify({ statusCode: 429, message: "Too many requests", apiCode: 9006, requestId: OK.requestId });
const RESPONSE_INIT = { status: 200, headers: { "content-type": "application/json" } };
let mode = "ok"; // "ok": answer at once; "hang": never answer, reject when the signal aborts
let stub = "response"; // "response": a real Response; "object": a minimal object with status, headers, text()
let sendSmsAnswer = null; // null: the endpoint's own answer; else this body for send-sms
let fetches = 0;
const NO_HEADERS = new Headers();

globalThis.fetch = (url, init) => {
  fetches++;
  if (mode === "hang") {
    const signal = init.signal;
    return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
  }
  const path = url.slice(url.lastIndexOf("/") + 1);
  const body = path === "send-sms" && sendSmsAnswer !== null ? sendSmsAnswer : answer[path]();
  if (stub === "object") return Promise.resolve({ status: 200, headers: NO_HEADERS, text: () => Promise.resolve(body) });
  return Promise.resolve(new Response(body, RESPONSE_INIT));
};

let phone = 13000000000; // a new number for every sendSms: the client refuses a second send within 60 s
const CALLS = {
  sendSms: (c) => c.sendSms({ channel: "CHANNEL_BIND_PHONE", phoneNumber: String(phone++), phoneCountryCode: "+86" }),
  verifyUpdatePhoneRequest: (c) => c.verifyUpdatePhoneRequest({
    verifyMethod: "PHONE_PASSCODE",
    phonePassCodePayload: { newPhoneNumber: "18800000000", newPhonePassCode: "123456", newPhoneCountryCode: "+86" },
  }),
  updatePhone: (c, i) => c.updatePhone({ updatePhoneToken: `upt-unknown-${i}` }), // a token the client never saw: sent as it is
  unbindPhone: (c) => c.unbindPhone({ passCode: "246810" }),
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pages = () => wasm.memory.buffer.byteLength / 65536;

/** `size` calls of `call` one after another (each awaited); mean µs per call. */
async function batch(client, call, size, counter) {
  let bad = 0;
  const t0 = performance.now();
  for (let k = 0; k < size; k++) {
    const r = await call(client, counter.n++);
    if (r.statusCode !== 200) bad++;
  }
  const us = ((performance.now() - t0) * 1000) / size;
  if (bad) throw new Error(`${bad} of ${size} calls did not resolve with statusCode 200`);
  return us;
}

/**
 * Per-call cost of `method`: after `warmup` calls each, `batches` batches of `size` calls for
 * genauth-phone and for the hand-written client, alternating which goes first; the median of
 * the per-batch means. `response: "object"` answers with a minimal response object instead of
 * a real Response, which takes Chromium's Response/body-stream cost (the same for both) out.
 */
async function perCall(method, { batches = 20, size = 500, warmup = 500, response = "response" } = {}) {
  mode = "ok";
  stub = response;
  sendSmsAnswer = null;
  const call = CALLS[method];
  const impl = { ours: new AuthenticationClient(OPTIONS), plain: new PlainClient(OPTIONS) };
  const counter = { n: 0 };
  const pagesBefore = pages();
  const fetchesBefore = fetches;
  for (const c of Object.values(impl)) await batch(c, call, warmup, counter);
  const us = { ours: [], plain: [] };
  for (let b = 0; b < batches; b++) {
    for (const name of b % 2 ? ["plain", "ours"] : ["ours", "plain"]) us[name].push(await batch(impl[name], call, size, counter));
  }
  const calls = 2 * (warmup + batches * size);
  if (fetches - fetchesBefore !== calls) throw new Error(`${method}: ${fetches - fetchesBefore} fetches for ${calls} calls`);
  impl.ours.free();
  stub = "response";
  return { method, stub: response, calls: batches * size, ours: median(us.ours), plain: median(us.plain), batchesUs: us, pagesBefore, pagesAfter: pages() };
}

// Inputs refused before any traffic, a different rule each time.
const INVALID = [
  (c) => c.sendSms({ channel: "CHANNEL_BIND_PHONE", phoneNumber: "+8613900000000" }),
  (c) => c.sendSms({ channel: "CHANNEL_UPDATE_PHONE", phoneNumber: "13900000000" }),
  (c) => c.sendSms({ channel: "CHANNEL_BIND_PHONE", phoneNumber: "13900000000", phoneCountrycode: "+86" }),
  (c) => c.verifyUpdatePhoneRequest({ verifyMethod: "PHONE_PASSCODE", phonePassCodePayload: { newPhoneNumber: "18800000000", newPhonePassCode: "12" } }),
  (c) => c.verifyUpdatePhoneRequest({ verifyMethod: "EMAIL_PASSCODE", phonePassCodePayload: {} }),
  (c) => c.updatePhone({ updatePhoneToken: " padded" }),
  (c) => c.updatePhone({ updatePhoneToken: 42 }),
  (c) => c.unbindPhone({ passCode: "12ab" }),
];

/** What a settled call ended as: the envelope's statusCode, or the error's code. */
const outcome = (r) => (r.status === "fulfilled" ? `resolved ${r.value.statusCode}` : r.reason?.code ?? String(r.reason));

/**
 * Memory: one client, `warmup` calls, then `calls` calls in chunks of `chunk` concurrent calls:
 * 40 % answered at once (the four methods in turn; sendSms answered with the server's 429
 * cooldown envelope so the client's own cooldown ledger does not grow with every new number;
 * updatePhone with the tokens verify just issued, so the token ledger churns), 30 % timing out
 * (fetch never answers, `timeout: 1` ms, half with a long-lived caller signal as well), 30 %
 * refused by validation. Reads wasm pages, the externref table (live JS handles held by wasm)
 * and the JS heap after a forced GC, after the warm-up, halfway and at the end.
 */
async function memory({ warmup = 4000, calls = 100000, chunk = 1000 } = {}) {
  const client = new AuthenticationClient(OPTIONS);
  const callerSignal = new AbortController().signal; // never aborts: listeners must not pile up on it
  const methods = Object.keys(CALLS);
  const counts = {};
  let n = 0;
  const kindOf = (i) => (i % 10 < 4 ? "answered" : i % 10 < 7 ? "timeout" : "invalid");
  async function runChunk(kind) {
    const ps = [];
    mode = kind === "timeout" ? "hang" : "ok";
    for (let k = 0; k < chunk; k++, n++) {
      if (kind === "invalid") ps.push(INVALID[n % INVALID.length](client));
      else if (kind === "timeout") ps.push(Reflect.apply(client[methods[n % 4]], client, [argsFor(methods[n % 4], n), n % 2 ? { timeout: 1, signal: callerSignal } : { timeout: 1 }]));
      else if (methods[n % 4] === "updatePhone") ps.push(client.updatePhone({ updatePhoneToken: `upt-stub-${Math.max(0, issued - 1)}` }, { signal: callerSignal }));
      else ps.push(CALLS[methods[n % 4]](client, n));
    }
    for (const r of await Promise.allSettled(ps)) {
      const key = `${kind}: ${outcome(r)}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await new Promise((ok) => setTimeout(ok, 50)); // lets FinalizationRegistry callbacks run
    }
    return { wasmPages: pages(), externrefs: wasm.__wbindgen_externrefs.length, jsHeap: performance.memory?.usedJSHeapSize ?? null };
  };
  sendSmsAnswer = COOLDOWN;
  for (let i = 0; i < warmup / chunk; i++) await runChunk(kindOf(i));
  const afterWarmup = await settle();
  const t0 = performance.now();
  let halfway = null, pause = 0;
  for (let i = 0; i < calls / chunk; i++) {
    await runChunk(kindOf(i));
    if (i + 1 === Math.floor(calls / chunk / 2)) { // a reading halfway shows the trend
      const p0 = performance.now();
      halfway = await settle();
      pause = performance.now() - p0;
    }
  }
  const seconds = (performance.now() - t0 - pause) / 1000;
  const after = await settle();
  sendSmsAnswer = null;
  mode = "ok";
  return { calls, seconds, afterWarmup, halfway, after, counts, gc: typeof globalThis.gc === "function" };
}

function argsFor(method, n) {
  switch (method) {
    case "sendSms": return { channel: "CHANNEL_BIND_PHONE", phoneNumber: String(15000000000 + n), phoneCountryCode: "+86" };
    case "verifyUpdatePhoneRequest": return { verifyMethod: "PHONE_PASSCODE", phonePassCodePayload: { newPhoneNumber: "18800000000", newPhonePassCode: "123456" } };
    case "updatePhone": return { updatePhoneToken: `upt-unknown-${n}` };
    default: return { passCode: "246810" };
  }
}

/** For bench/profile.mjs: `n` calls of `method` by genauth-phone, valid or refused by validation. */
async function loop(method, n, { invalid = false, response = "object" } = {}) {
  mode = "ok";
  stub = response;
  const client = new AuthenticationClient(OPTIONS);
  const refused = { sendSms: 0, verifyUpdatePhoneRequest: 3, updatePhone: 5, unbindPhone: 7 }[method];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (invalid) await INVALID[refused](client).catch((e) => e);
    else await CALLS[method](client, i);
  }
  stub = "response";
  client.free();
  return ((performance.now() - t0) * 1000) / n;
}

window.bench = { perCall, memory, pages, loop };
document.title = "ready";
