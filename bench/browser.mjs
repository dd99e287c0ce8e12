// The browser measurements, in headless Chromium driven by playwright-core:
//   cold start: fresh context per load (no cache, no code cache), cache disabled through CDP as
//               well, `loads` loads of each variant interleaved; median ms from starting to
//               load the module to a client ready for its first call;
//   per-call:   bench.html's perCall() for each method (stubbed fetch, hand-written JS beside);
//   memory:     bench.html's memory() in a fresh page.
//
// node bench/browser.mjs --site DIR --out FILE.json [--loads 20] [--batches 20] [--size 500] [--calls 100000]
//   DIR holds pkg/ (the installed package), bench/ (bench/page/*), peers/ (bench/size.mjs's
//   bundles) and vite-cold/ (the Vite build of bench/vite-cold/).
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { launchChromium, median, quartiles, serve, watch } from "./lib.mjs";

const { values: opt } = parseArgs({
  options: {
    site: { type: "string" }, out: { type: "string" }, loads: { type: "string", default: "20" },
    batches: { type: "string", default: "20" }, size: { type: "string", default: "500" },
    calls: { type: "string", default: "100000" }, only: { type: "string" },
  },
});
const only = opt.only ? new Set(opt.only.split(",")) : null;
const want = (what) => !only || only.has(what);
const log = (...a) => console.error("browser:", ...a);

const server = await serve(opt.site);
const browser = await launchChromium();
const result = { chromium: browser.version() };

async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  return { context, page, seen: watch(page) };
}

try {
  // 1. Cold start.
  if (want("cold")) {
    const variants = [
      { label: "genauth-phone/web (unbundled: web.js + glue + .wasm)", url: `/bench/cold.html?m=${encodeURIComponent("/pkg/web.js")}` },
      { label: "genauth-phone in a Vite 7 build", url: "/vite-cold/index.html" },
      { label: "genauth-phone, esbuild bundle + .wasm", url: `/bench/cold.html?m=${encodeURIComponent("/peers/genauth-phone.js")}` },
      { label: "authing-js-sdk, esbuild bundle", url: `/bench/cold.html?m=${encodeURIComponent("/peers/authing-js-sdk.js")}` },
      { label: "@supabase/auth-js, esbuild bundle", url: `/bench/cold.html?m=${encodeURIComponent("/peers/supabase-auth-js.js")}` },
    ];
    const times = variants.map(() => []);
    const loads = Number(opt.loads);
    for (let i = 0; i < loads + 1; i++) { // load 0 of each is a discarded warm-up of the server and browser
      for (let j = 0; j < variants.length; j++) { // each round starts with another variant
        const v = (i + j) % variants.length, variant = variants[v];
        const { context, page, seen } = await freshPage();
        try {
          await page.goto(server.origin + variant.url);
          const cold = await page.waitForFunction(() => window.cold, null, { timeout: 30000 }).then((h) => h.jsonValue())
            .catch(() => ({ error: `no result after 30 s\n${seen.join("\n")}` }));
          if (cold.error) throw new Error(`cold start of ${variant.label}: ${cold.error}`);
          if (i > 0) times[v].push(cold.ms);
        } finally {
          await context.close();
        }
      }
    }
    result.cold = variants.map((v, i) => ({ label: v.label, loads, medianMs: median(times[i]), iqrMs: quartiles(times[i]), ms: times[i] }));
    for (const c of result.cold) log(`cold start ${c.label}: median ${c.medianMs.toFixed(1)} ms over ${c.loads} loads`);
  }

  // 2. Per-call cost, then 3. memory, each in a fresh page.
  async function benchPage() {
    const p = await freshPage();
    await p.page.goto(`${server.origin}/bench/bench.html`);
    await p.page.waitForFunction(() => document.title === "ready", null, { timeout: 30000 }).catch(() => {
      throw new Error(`bench.html did not get ready\n${p.seen.join("\n")}`);
    });
    if (!(await p.page.evaluate(() => self.crossOriginIsolated))) log("warning: the page is not cross-origin isolated (performance.now() is coarse)");
    return p;
  }
  if (want("percall")) {
    const { context, page } = await benchPage();
    result.perCall = [];
    for (const response of ["response", "object"]) {
      for (const method of ["sendSms", "verifyUpdatePhoneRequest", "updatePhone", "unbindPhone"]) {
        const o = { batches: Number(opt.batches), size: Number(opt.size), warmup: Number(opt.size), response };
        const r = await page.evaluate(([m, o]) => window.bench.perCall(m, o), [method, o]);
        r.ratio = r.ours / r.plain;
        result.perCall.push(r);
        log(`per call ${method} (${response}): ${r.ours.toFixed(2)} µs vs hand-written ${r.plain.toFixed(2)} µs (${r.ratio.toFixed(2)}x); wasm pages ${r.pagesBefore} -> ${r.pagesAfter}`);
      }
    }
    await context.close();
  }
  if (want("memory")) {
    const { context, page } = await benchPage();
    result.memory = await page.evaluate((calls) => window.bench.memory({ calls }), Number(opt.calls));
    const m = result.memory;
    log(`memory: ${m.calls} calls in ${m.seconds.toFixed(1)} s; wasm pages ${m.afterWarmup.wasmPages} -> ${m.after.wasmPages}, externrefs ${m.afterWarmup.externrefs} -> ${m.after.externrefs}, JS heap ${m.afterWarmup.jsHeap} -> ${m.after.jsHeap}`);
    log(`memory: outcomes ${JSON.stringify(m.counts)}`);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
writeFileSync(opt.out, JSON.stringify(result, null, 2));
