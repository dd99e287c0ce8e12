// Serves a built consumer app from a directory and runs its page in headless Chromium against
// the emulator: the page runs flow.mjs's changePhone and shows the result, this driver checks it
// and the emulator's user (endToEnd). The emulator is another origin, so CORS is real.
//
// node browser.mjs --root DIR --page /index.html --emulator URL --old PHONE --new PHONE [--scope NAME]
// With --origin URL instead of --root, the app is already served there (the Vite dev server).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { endToEnd } from "./flow.mjs";

const { values: opt } = parseArgs({
  options: {
    root: { type: "string" }, origin: { type: "string" }, page: { type: "string" },
    emulator: { type: "string" }, old: { type: "string" }, new: { type: "string" }, scope: { type: "string" },
  },
});

// Unless --origin: a static server like any other, files only, with the MIME types a browser
// needs for ES modules and for WebAssembly.instantiateStreaming.
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css" };
const root = resolve(opt.root ?? ".");
const server = opt.origin ? null : createServer(async (req, res) => {
  const file = normalize(join(root, decodeURIComponent(new URL(req.url, "http://x").pathname)));
  try {
    if (!file.startsWith(root + sep) || !(await stat(file)).isFile()) throw new Error("not a file");
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(await readFile(file));
  } catch {
    res.writeHead(404).end("not found");
  }
});
await new Promise((ok) => (server ? server.listen(0, "127.0.0.1", ok) : ok()));
const origin = opt.origin ?? `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic"],
});
const seen = []; // console errors, page errors, failed requests: the reasons if no result comes
try {
  const page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && seen.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => seen.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => seen.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => r.status() >= 400 && seen.push(`HTTP ${r.status()}: ${r.url()}`));

  console.log(await endToEnd({
    emulator: opt.emulator, oldPhone: opt.old, newPhone: opt.new, scope: opt.scope,
    run: async (params) => {
      await page.goto(`${origin}${opt.page}?${new URLSearchParams(params)}`);
      const pre = await page.waitForSelector("#result", { timeout: 20000 }).catch(() => {
        throw new Error(`no result on the page after 20 s\n${seen.join("\n")}`);
      });
      return JSON.parse(await pre.textContent());
    },
  }));
} finally {
  await browser.close();
  server?.close();
}
