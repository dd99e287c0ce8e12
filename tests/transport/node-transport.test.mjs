// The Node build's transport (js/node-transport.cjs) on its own, against the emulator and
// small local servers: what reaches the wire, answers passed through, giving up, no retries.
// node --test tests/transport/    (GENAUTH_EMULATOR_URL: a running emulator; scripts/test.sh)
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const transportPath = require.resolve("../../js/node-transport.cjs");
const { fetch: transport } = require(transportPath);
const EMU = process.env.GENAUTH_EMULATOR_URL ?? "http://127.0.0.1:8787";

const headers = {
  "content-type": "application/json",
  "x-authing-app-id": "emulator-app",
  "x-authing-request-from": "sdk",
  "x-authing-sdk-version": "genauth-phone-wasm:0.1.0",
  authorization: "token-of-the-user",
};
const body = JSON.stringify({ channel: "CHANNEL_BIND_PHONE", phoneNumber: "18800000000", note: "非 ASCII ✓" });
// Exactly what the client passes (src/http.rs).
const post = (url, signal = new AbortController().signal, h = headers, b = body) =>
  transport(url, { method: "POST", headers: h, body: b, signal, credentials: "omit" });

async function dev(method, path, json) {
  const res = await globalThis.fetch(`${EMU}/__emulator/${path}`, {
    method, headers: { "content-type": "application/json" }, body: json && JSON.stringify(json),
  });
  assert.ok(res.ok, `emulator ${method} ${path}: ${res.status}`);
  return res.json();
}
const fresh = async () => {
  await dev("POST", "reset");
};
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** The emulator's record of the one watched request, once it ended (polls up to 3 s). */
async function settledConnection() {
  for (let i = 0; i < 150; i++) {
    const list = await dev("GET", "connections");
    assert.equal(list.length, 1);
    if (list[0].closedByClient || list[0].answered) return list[0];
    await sleep(20);
  }
  assert.fail("the watched request never ended");
}

/** A local HTTP server for what the emulator cannot do; `handler(req, res, n)`. */
async function server(handler) {
  const s = createServer((req, res) => {
    let data = "";
    req.setEncoding("utf8").on("data", (c) => (data += c)).on("end", () => {
      s.requests.push({ method: req.method, url: req.url, headers: req.headers, body: data, socket: req.socket });
      handler(req, res, s.requests.length);
    });
  });
  s.requests = [];
  s.connections = 0;
  s.on("connection", () => s.connections++);
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  s.url = `http://127.0.0.1:${s.address().port}`;
  return s;
}

test("the body bytes and headers on the wire are global fetch's (but accept-encoding)", async () => {
  await fresh();
  const viaFetch = await globalThis.fetch(`${EMU}/api/v3/send-sms`, { method: "POST", headers, body, credentials: "omit" });
  await viaFetch.text();
  const res = await post(`${EMU}/api/v3/send-sms`);
  await res.text();
  const [a, b] = await dev("GET", "requests");
  assert.equal(b.body, body);
  assert.equal(b.body, a.body);
  assert.equal(b.headers["content-length"], String(Buffer.byteLength(body)));
  for (const [k, v] of Object.entries(headers)) assert.equal(b.headers[k], v, k);
  const { "accept-encoding": gzip, ...fetchHeaders } = a.headers;
  assert.equal(gzip, "gzip, deflate");
  assert.deepEqual(b.headers, fetchHeaders);
  assert.deepEqual([b.method, b.path], ["POST", "/api/v3/send-sms"]);
});

test("an envelope answer: status, lower- or mixed-case header names, text()", async () => {
  await fresh();
  const res = await post(`${EMU}/api/v3/unbind-phone`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Content-Type"), /^application\/json/);
  assert.equal(res.headers.get("x-no-such-header"), null);
  assert.equal(JSON.parse(await res.text()).statusCode, 401);
  await assert.rejects(res.text(), TypeError, "a body is read once, as in fetch");
});

test("non-2xx answers pass through with Retry-After and a body that is not an envelope", async () => {
  await fresh();
  await dev("POST", "faults", [
    { status: 429, headers: { "retry-after": "7" }, contentType: "text/plain", body: "slow down" },
    { status: 502, contentType: "text/html", body: "<h1>Bad gateway</h1>" },
  ]);
  const limited = await post(`${EMU}/api/v3/send-sms`);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("Retry-After"), "7");
  assert.equal(await limited.text(), "slow down");
  const gateway = await post(`${EMU}/api/v3/send-sms`);
  assert.deepEqual([gateway.status, gateway.headers.get("retry-after"), await gateway.text()], [502, null, "<h1>Bad gateway</h1>"]);
});

test("a 10 MB body is read whole", async () => {
  await fresh();
  await dev("POST", "faults", { bodyBytes: 10_000_000 });
  const text = await (await post(`${EMU}/api/v3/send-sms`)).text();
  assert.equal(text.length, 10_000_000);
  assert.ok(/^x+$/.test(text));
});

test("the caller's signal, before the answer, rejects and closes the socket", async () => {
  await fresh();
  await dev("POST", "faults", { delayMs: 5000 });
  const controller = new AbortController();
  const started = post(`${EMU}/api/v3/send-sms`, controller.signal);
  setTimeout(() => controller.abort(), 150);
  await assert.rejects(started, { name: "AbortError" });
  const c = await settledConnection();
  assert.deepEqual([c.fault, c.closedByClient, c.answered], ["delay", true, false]);
  assert.ok(c.closedAfterMs >= 100 && c.closedAfterMs < 2500, `closed after ${c.closedAfterMs} ms`);
});

test("a timeout signal while the body never ends rejects text() and closes the socket", async () => {
  await fresh();
  await dev("POST", "faults", { hang: true, body: "{\"statusCode\":" });
  const res = await post(`${EMU}/api/v3/send-sms`, AbortSignal.timeout(300));
  assert.equal(res.status, 200);
  await assert.rejects(res.text(), { name: "TimeoutError" });
  const c = await settledConnection();
  assert.deepEqual([c.fault, c.closedByClient, c.answered], ["hang", true, false]);
  assert.ok(c.closedAfterMs >= 250 && c.closedAfterMs < 2500, `closed after ${c.closedAfterMs} ms`);
});

test("an already aborted signal sends nothing", async () => {
  await fresh();
  await assert.rejects(post(`${EMU}/api/v3/send-sms`, AbortSignal.abort()), { name: "AbortError" });
  assert.deepEqual(await dev("GET", "requests"), []);
});

test("a slow answer outlives the pool's 4 s idle timeout (it applies to idle sockets only)", async () => {
  await fresh();
  await dev("POST", "faults", { delayMs: 4500 });
  const res = await post(`${EMU}/api/v3/unbind-phone`);
  assert.equal(JSON.parse(await res.text()).statusCode, 401);
});

test("dropped connections reject: before the answer, and in the middle of the body", async () => {
  await fresh();
  await dev("POST", "faults", [{ drop: true }, { drop: true, bodyBytes: 1000 }]);
  await assert.rejects(post(`${EMU}/api/v3/send-sms`), { name: "TypeError", message: "fetch failed" });
  const res = await post(`${EMU}/api/v3/send-sms`);
  await assert.rejects(res.text(), { name: "TypeError", message: "terminated" });
  assert.equal((await dev("GET", "requests")).length, 2, "nothing retried");
});

test("URLs fetch refuses are refused without traffic", async () => {
  await fresh();
  const at = new URL(EMU);
  await assert.rejects(post(`http://user:pw@${at.host}/api/v3/send-sms`), TypeError);
  await assert.rejects(post(`ftp://${at.host}/api/v3/send-sms`), TypeError);
  await assert.rejects(post("not a url"), TypeError);
  assert.deepEqual(await dev("GET", "requests"), []);
});

test("a refused connection rejects", async () => {
  const s = await server(() => {});
  const url = s.url;
  s.close();
  await once(s, "close");
  await assert.rejects(post(`${url}/api/v3/send-sms`), (e) => e instanceof TypeError && e.cause.code === "ECONNREFUSED");
});

test("sequential calls share one keep-alive connection; concurrent ones get their own", async () => {
  const s = await server((req, res) => res.end("{}"));
  for (let i = 0; i < 5; i++) await (await post(`${s.url}/a`)).text();
  assert.equal(s.connections, 1);
  await Promise.all([1, 2, 3].map(async () => (await post(`${s.url}/b`)).text()));
  assert.equal(s.connections, 3);
  s.close();
});

test("a reused socket the server closes before answering fails that call: no retry", async () => {
  const s = await server((req, res, n) => (n === 1 ? res.end("{}") : req.socket.destroy()));
  await (await post(`${s.url}/a`)).text();
  await assert.rejects(post(`${s.url}/a`), (e) => e.cause.code === "ECONNRESET");
  await sleep(100);
  assert.equal(s.requests.length, 2, "the failed request was not sent again");
  s.close();
});

test("redirects are followed as fetch follows them", async () => {
  const s = await server((req, res) => {
    const to = { "/307": "/final", "/303": "/final", "/loop": "/loop", "/away": "http://localhost:" + s.address().port + "/final" }[req.url];
    if (to) res.writeHead(Number(req.url.slice(1)) || (req.url === "/loop" ? 302 : 308), { location: to }).end();
    else res.end(req.method);
  });
  assert.equal(await (await post(`${s.url}/307`)).text(), "POST");
  assert.deepEqual([s.requests[1].method, s.requests[1].body], ["POST", body]);
  assert.equal(await (await post(`${s.url}/303`)).text(), "GET");
  assert.deepEqual([s.requests[3].body, s.requests[3].headers["content-type"]], ["", undefined]);
  assert.equal(s.requests[3].headers.authorization, headers.authorization, "same origin keeps it");
  await (await post(`${s.url}/away`)).text();
  assert.equal(s.requests[5].headers.authorization, undefined, "another origin does not get the token");
  await assert.rejects(post(`${s.url}/loop`), /too many redirects/);
  assert.equal(s.requests.length, 6 + 21);
  s.close();
});

test("a process with nothing left to do exits at once (idle pooled sockets are unref'd)", async () => {
  const script = `const { fetch } = require(${JSON.stringify(transportPath)});
    fetch(process.argv[1] + "/api/v3/unbind-phone", { method: "POST", headers: {}, body: "{}", signal: new AbortController().signal })
      .then((r) => r.text()).then(() => console.log(Date.now()));`;
  const child = spawn(process.execPath, ["-e", script, EMU], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const [code] = await once(child, "exit");
  const exitedAfter = Date.now() - Number(out.trim());
  assert.equal(code, 0);
  assert.ok(exitedAfter < 1000, `exited ${exitedAfter} ms after its last answer (the pool keeps idle sockets 4 s)`);
});

test("https goes through node:https with its own keep-alive pool", async () => {
  // A throwaway certificate for 127.0.0.1, trusted by a child Node through NODE_EXTRA_CA_CERTS
  // (read at start-up only): the transport itself has no TLS options to loosen.
  const dir = mkdtempSync(join(tmpdir(), "transport-tls-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const script = `const https = require("node:https"), fs = require("node:fs");
      const { fetch } = require(${JSON.stringify(transportPath)});
      const dir = ${JSON.stringify(dir)};
      let connections = 0;
      const s = https.createServer({ key: fs.readFileSync(dir + "/key.pem"), cert: fs.readFileSync(dir + "/cert.pem") },
        (req, res) => { let b = ""; req.on("data", (c) => (b += c)).on("end", () => res.end(req.method + " " + b)); });
      s.on("secureConnection", () => connections++);
      s.listen(0, "127.0.0.1", async () => {
        const url = "https://127.0.0.1:" + s.address().port + "/api/v3/send-sms";
        const texts = [];
        for (let i = 0; i < 3; i++) {
          const r = await fetch(url, { method: "POST", headers: {}, body: "{}", signal: new AbortController().signal });
          texts.push(r.status + " " + (await r.text()));
        }
        console.log(JSON.stringify({ texts, connections }));
        s.close();
      });`;
    const out = execFileSync(process.execPath, ["-e", script], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") }, encoding: "utf8", timeout: 20_000,
    });
    assert.deepEqual(JSON.parse(out), { texts: ["200 POST {}", "200 POST {}", "200 POST {}"], connections: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
