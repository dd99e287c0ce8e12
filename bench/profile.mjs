// Where genauth-phone's per-call time goes: a sampling CPU profile of `n` unbindPhone calls
// against a stubbed fetch (minimal response object, so only the client's own work is left),
// valid and refused by validation, in Chromium (CDP) and in Node (node:inspector). Prints the
// functions with the most self time, the wasm-bindgen import thunks shown by what they do.
// Run by `scripts/bench.sh --profile`; not needed for the table.
//
// node bench/profile.mjs --site DIR --peers DIR [--n 20000]
import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { launchChromium, serve } from "./lib.mjs";

const { values: opt } = parseArgs({ options: { site: { type: "string" }, peers: { type: "string" }, n: { type: "string", default: "20000" } } });
const n = Number(opt.n);

// What each wasm-bindgen import thunk does (its first statement in the glue), by name and by
// line (the thunks wrapped in handleError(function ...) are anonymous in a profile). The names
// are the short ones scripts/shorten-names.mjs gives (`e: function(`): looked up in the glue only.
function thunks(glueFile) {
  const lines = readFileSync(glueFile, "utf8").split("\n"), byName = new Map(), byLine = [];
  let current = null;
  lines.forEach((line, i) => {
    const m = line.match(/^ {8}([A-Za-z_$][\w$]*): function/);
    if (m) {
      const body = (/handleError\(function/.test(line) || line.trim().endsWith("{")) ? lines[i + 1] ?? "" : "";
      current = `${m[1].replace(/_[0-9a-f]{16}$/, "")} [${body.trim().replace(/^const ret = /, "").slice(0, 60)}]`;
      byName.set(m[1], current);
    } else if (/^\s*\},?\s*$/.test(line) && !/^\s{8}/.test(line)) {
      current = null;
    }
    byLine[i] = current;
  });
  return { byName, byLine, file: glueFile.split("/").pop() };
}

function top(profile, what, names, limit = 14) {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame, d = profile.timeDeltas[i] ?? 0;
    const file = f.url.split("/").pop();
    let k = f.functionName || "(anonymous)";
    if (file === names.file && names.byName.has(k)) k = names.byName.get(k);
    else if (k === "(anonymous)" && file === names.file && names.byLine[f.lineNumber]) k = names.byLine[f.lineNumber];
    else if (/^wasm-function\[/.test(k)) k = "(wasm code: validation, serde, ledger, futures)";
    else if (/^(js-to-wasm|wasm-to-js)/.test(k)) k = "(wasm <-> JS transitions)";
    else if (file && !k.startsWith("(")) k = `${k} (${file})`;
    if (k === "(idle)") return;
    self.set(k, (self.get(k) ?? 0) + d);
    total += d;
  });
  console.log(`\n${what}`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, limit)) console.log(`  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}

// 1. Chromium.
const server = await serve(opt.site);
const browser = await launchChromium();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.origin}/bench/bench.html`);
  await page.waitForFunction(() => document.title === "ready");
  const cdp = await context.newCDPSession(page);
  const names = thunks(join(opt.site, "pkg/web/genauth_phone.js"));
  for (const invalid of [false, true]) {
    await page.evaluate(([k, o]) => window.bench.loop("unbindPhone", k, o), [2000, { invalid }]);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
    await cdp.send("Profiler.start");
    const us = await page.evaluate(([k, o]) => window.bench.loop("unbindPhone", k, o), [n, { invalid }]);
    const { profile } = await cdp.send("Profiler.stop");
    top(profile, `Chromium, unbindPhone ${invalid ? "refused by validation" : "answered (minimal response object)"}: ${us.toFixed(1)} µs per call while profiled`, names);
  }
} finally {
  await browser.close();
  server.close();
}

// 2. Node, this process, the package's Node build.
const require = createRequire(join(resolve(opt.peers), "package.json"));
const { AuthenticationClient } = require("genauth-phone");
const names = thunks(join(resolve(opt.peers), "node_modules/genauth-phone/node/genauth_phone.js"));
const body = JSON.stringify({ statusCode: 200, message: "Operation successful" });
const NO_HEADERS = new Headers();
globalThis.fetch = () => Promise.resolve({ status: 200, headers: NO_HEADERS, text: () => Promise.resolve(body) });
const client = new AuthenticationClient({ appId: "bench-app", appHost: "https://bench.example", accessToken: "bench-access-token" });
const run = async (k) => {
  const t0 = performance.now();
  for (let i = 0; i < k; i++) await client.unbindPhone({ passCode: "246810" });
  return ((performance.now() - t0) * 1000) / k;
};
await run(2000);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 50 });
await session.post("Profiler.start");
const us = await run(n);
const { profile } = await session.post("Profiler.stop");
session.disconnect();
top(profile, `Node ${process.version}, unbindPhone answered (minimal response object): ${us.toFixed(1)} µs per call while profiled`, names);
