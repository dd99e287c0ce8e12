// Helpers shared by the benchmark drivers: statistics, a static file server for the pages,
// and headless Chromium launched the way tests/consumers/browser.mjs launches it.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { chromium } from "playwright-core";

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Inter-quartile range [q1, q3] (linear interpolation), to show the spread beside a median. */
export const quartiles = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p) => {
    const i = (s.length - 1) * p, lo = Math.floor(i), hi = Math.ceil(i);
    return s[lo] + (s[hi] - s[lo]) * (i - lo);
  };
  return [at(0.25), at(0.75)];
};

/** The flags of tests/consumers/browser.mjs, plus what the memory figures need. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--no-first-run", "--disable-quic", "--enable-precise-memory-info", "--js-flags=--expose-gc"];

export const launchChromium = () => chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });

/**
 * Serves `root` on 127.0.0.1 (a free port) with the MIME types ES modules and
 * WebAssembly.instantiateStreaming need, nothing cached, and cross-origin isolation
 * (COOP + COEP) so that performance.now() has its fine resolution (5 µs, not 100 µs).
 */
export async function serve(root) {
  root = resolve(root);
  const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript",
    ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css" };
  const server = createServer(async (req, res) => {
    const file = normalize(join(root, decodeURIComponent(new URL(req.url, "http://x").pathname)));
    const headers = { "cache-control": "no-store", "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp", "cross-origin-resource-policy": "same-origin" };
    try {
      if (!file.startsWith(root + sep) || !(await stat(file)).isFile()) throw new Error("not a file");
      const body = await readFile(file);
      res.writeHead(200, { ...headers, "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, headers).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Collects what went wrong on a page, to explain a missing result. */
export function watch(page) {
  const seen = [];
  page.on("console", (m) => m.type() === "error" && seen.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => seen.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => seen.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => r.status() >= 400 && seen.push(`HTTP ${r.status()}: ${r.url()}`));
  return seen;
}
