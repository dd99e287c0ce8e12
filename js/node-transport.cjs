"use strict";
// `fetch(url, init)` for the Node build (cargo feature "node"): what the client uses of
// WHATWG fetch, on node:http / node:https with one keep-alive pool per protocol, because
// undici's fetch (Request/Response objects, streams) costs more CPU per call (issue 12).
// The result is a plain object: `status`, `headers.get(name)`, `text()`.
//
// CommonJS with a .cjs name: wasm-bindgen's nodejs target copies this file as it is into
// snippets/ and `require`s it, and a .cjs file is CommonJS wherever it lands.
//
// Faithful to Node's fetch: the body bytes and the caller's headers as given, plus the
// request headers undici adds (but accept-encoding: answers come uncompressed, so nothing
// has to be inflated); no retries; redirects followed as fetch follows them; `init.signal`
// destroys the request and its socket at any point until the body has ended (rejecting the
// answer or `text()`); `text()` decodes UTF-8 with replacement characters, minus a BOM.
const http = require("node:http");
const https = require("node:https");

// Idle sockets are unref'd by the Agent (an idle pool never keeps a process alive) and
// closed after 4 s, as undici's pool does, or sooner when the server's `Keep-Alive:
// timeout=N` says so: that narrows, as in fetch, the race where a server closes a socket
// just as it is reused (that request then fails with ECONNRESET; nothing retries it).
const poolOptions = { keepAlive: true, timeout: 4000, noDelay: true };
const schemes = {
  "http:": { request: http.request, agent: new http.Agent(poolOptions) },
  "https:": { request: https.request, agent: new https.Agent(poolOptions) },
};

// What undici's fetch sends unless the caller set them (servers and proxies see the same).
const DEFAULTS = [["accept", "*/*"], ["accept-language", "*"], ["sec-fetch-mode", "cors"], ["user-agent", "node"]];
const MAX_REDIRECTS = 20; // fetch's limit
// Dropped with the body when a redirect turns a POST into a GET (fetch does the same).
const BODY_HEADERS = ["content-type", "content-length", "content-encoding", "content-language", "content-location"];

function fetch(url, init) {
  return new Promise((resolve, reject) => {
    let target;
    try {
      target = new URL(url);
    } catch (e) {
      return reject(new TypeError(`fetch: invalid URL (${e.message})`));
    }
    // fetch refuses credentials in a URL; node:http would send them as basic auth.
    if (target.username || target.password) return reject(new TypeError("fetch: URL includes credentials"));
    exchange(target, init.method || "GET", withDefaults(init.headers), init.body, init.signal, 0, resolve, reject);
  });
}

/** One request; on a redirect, the next one. Settles `resolve`/`reject` once. */
function exchange(url, method, headers, body, signal, redirects, resolve, reject) {
  const scheme = schemes[url.protocol];
  if (scheme === undefined) return reject(new TypeError(`fetch: unsupported scheme ${url.protocol}`));
  if (signal && signal.aborted) return reject(signal.reason);
  if (body !== undefined && body !== null) headers["content-length"] = String(Buffer.byteLength(body));

  // 0: waiting for the answer, 1: reading its body, 2: body complete, 3: failed.
  let state = 0, text = "", failure, waiter = null;
  const finish = () => signal && signal.removeEventListener("abort", onAbort);
  const fail = (error) => {
    if (state >= 2) return;
    const answered = state === 1;
    state = 3;
    failure = error;
    finish();
    if (!answered) reject(error);
    else if (waiter !== null) waiter.fail(error);
  };
  const onAbort = () => {
    const reason = signal.reason;
    req.destroy(); // closes the socket: the server sees the client give up
    fail(reason);
  };

  // Network failures reject as fetch's do: a TypeError whose `cause` is Node's error.
  const broken = (cause) => fail(new TypeError(state === 0 ? "fetch failed" : "terminated", { cause }));
  const req = scheme.request(url, { method, headers, agent: scheme.agent });
  if (signal) signal.addEventListener("abort", onAbort);
  req.on("error", broken);
  req.on("response", (r) => {
    if (state !== 0) return r.destroy();
    const location = r.statusCode >= 300 && r.statusCode < 400 && r.statusCode !== 304 ? r.headers.location : undefined;
    if (location !== undefined) return redirect(r, location);
    state = 1;
    r.setEncoding("utf8");
    r.on("data", (chunk) => { text += chunk; });
    r.on("end", () => {
      if (state !== 1) return;
      state = 2;
      finish();
      if (waiter !== null) waiter.ok(decoded(text));
    });
    r.on("error", broken);
    // A connection closed before the body's end (by the server or the network).
    r.on("close", () => { if (!r.complete) broken(new Error("the connection closed before the body ended")); });
    resolve(answer(r));
  });
  req.end(body === null ? undefined : body);

  function answer(r) {
    let used = false;
    return {
      status: r.statusCode,
      headers: { get: (name) => header(r.rawHeaders, name) },
      text() {
        if (used) return Promise.reject(new TypeError("fetch: body already read"));
        used = true;
        if (state === 2) return Promise.resolve(decoded(text));
        if (state === 3) return Promise.reject(failure);
        return new Promise((ok, no) => { waiter = { ok, fail: no }; });
      },
    };
  }

  function redirect(r, location) {
    r.resume(); // drain, so the socket goes back to the pool
    state = 2;
    finish();
    let next;
    try {
      next = new URL(location, url);
    } catch {
      return reject(new TypeError("fetch: invalid redirect location"));
    }
    if (redirects === MAX_REDIRECTS) return reject(new TypeError("fetch: too many redirects"));
    const code = r.statusCode;
    if ((code === 303 && method !== "HEAD") || ((code === 301 || code === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      headers = without(headers, BODY_HEADERS);
    }
    if (next.origin !== url.origin) headers = without(headers, ["authorization", "proxy-authorization", "cookie"]);
    if (next.username || next.password) return reject(new TypeError("fetch: redirect to a URL with credentials"));
    try {
      exchange(next, method, headers, body, signal, redirects + 1, resolve, reject);
    } catch (e) {
      reject(e); // in an event handler, a throw would be uncaught
    }
  }
}

/** A copy of the caller's headers with DEFAULTS for the names it did not set. */
function withDefaults(headers) {
  const out = { ...headers };
  const set = Object.keys(out).map((k) => k.toLowerCase());
  for (const [k, v] of DEFAULTS) if (!set.includes(k)) out[k] = v;
  return out;
}

/** A copy of `headers` without `names` (matched case-insensitively). */
function without(headers, names) {
  const out = {};
  for (const k of Object.keys(headers)) if (!names.includes(k.toLowerCase())) out[k] = headers[k];
  return out;
}

/** `Headers.get`: every field of that name, joined with ", ", or null. */
function header(raw, name) {
  const key = String(name).toLowerCase();
  let value = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === key.length && raw[i].toLowerCase() === key) {
      value = value === null ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
    }
  }
  return value;
}

/** UTF-8 decode drops a leading byte order mark, as `Response.text()` does. */
function decoded(text) {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

module.exports = { fetch };
