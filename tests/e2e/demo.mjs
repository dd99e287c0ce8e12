// End-to-end test of the demo page (issue 3): the real page, served by the emulator's
// demo server, driven in headless Chromium (playwright-core + Debian's /usr/bin/chromium),
// or with --webkit in WebKit (WebKitGTK's MiniBrowser under WebDriver, webkit-page.mjs).
//
//   node tests/e2e/demo.mjs [--webkit]   (after scripts/build.sh and cargo build -p genauth-emulator)
//
// Starts its own emulator on free ports (--port 0 --demo-port 0), runs every flow in a
// fresh page, checks what the page shows and what the emulator holds, fails on any
// console error, page error or CSP violation, checks 360 px has no horizontal overflow,
// and saves a screenshot of each step to artifacts/e2e/. With E2E_UPDATE_SCREENSHOTS=1
// it also copies the two used in the README to docs/screenshots/.
// Last line: "e2e: N passed, M failed"; exit status 1 on any failure.

import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { assert, eq, sleep, until as untilShared } from "./checks.mjs";
import { webkitContext } from "./webkit-page.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EMULATOR_BIN = path.join(ROOT, "target/debug/genauth-emulator");
const WEBKIT = process.argv.includes("--webkit");
const ARTIFACTS = path.join(ROOT, WEBKIT ? "artifacts/e2e-webkit" : "artifacts/e2e");
const DOC_SHOTS = path.join(ROOT, "docs/screenshots");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--no-first-run", "--disable-quic",
];
const DESKTOP = { width: 1280, height: 900 };
const OVERALL_TIMEOUT_MS = 180_000;

// ---- small helpers -----------------------------------------------------------------

/** Polls for up to 6 s unless told otherwise. */
const until = (what, fn, timeout = 6000) => untilShared(what, fn, timeout);

/** The page's own formatting (ui.js formatPhone), no-break spaces included. */
function formatPhone(number, cc = "+86") {
  if (!number) return "none";
  const nb = "\u00a0";
  return cc === "+86" && /^1\d{10}$/.test(number)
    ? `${cc}${nb}${number.slice(0, 3)}${nb}${number.slice(3, 7)}${nb}${number.slice(7)}`
    : `${cc}${nb}${number}`;
}

const usedNumbers = new Set();
function freshNumber() {
  for (;;) {
    const n = `1${"3456789"[Math.floor(Math.random() * 7)]}${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
    if (!usedNumbers.has(n)) {
      usedNumbers.add(n);
      return n;
    }
  }
}

function wrongCode(code) {
  return String((Number(code) + 1) % 1_000_000).padStart(code.length, "0");
}

// ---- the emulator --------------------------------------------------------------------

let emulator = null;
let emulatorLog = "";
let userDataDir = null;
let context = null;

function startEmulator() {
  for (const f of [EMULATOR_BIN, path.join(ROOT, "pkg/genauth_phone.js"), path.join(ROOT, "pkg/genauth_phone_bg.wasm")]) {
    if (!fs.existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing: run scripts/build.sh and cargo build -p genauth-emulator`);
  }
  emulator = spawn(EMULATOR_BIN, [
    "--port", "0", "--demo-port", "0",
    "--demo-dir", path.join(ROOT, "www-demo"), "--pkg-dir", path.join(ROOT, "pkg"),
    "--app-host", REAL_APP,
  ], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  emulator.stderr.setEncoding("utf8");
  emulator.stderr.on("data", (d) => { emulatorLog += d; });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${out}${emulatorLog}`)), 10_000);
    emulator.on("exit", (code) => reject(new Error(`the emulator exited (${code}): ${emulatorLog}`)));
    emulator.stdout.setEncoding("utf8");
    emulator.stdout.on("data", (d) => {
      out += d;
      const api = out.match(/^genauth-emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
      const demo = out.match(/^genauth-emulator demo on (http:\/\/127\.0\.0\.1:\d+\/)$/m);
      if (api && demo) {
        clearTimeout(timer);
        resolve({ apiUrl: api[1], demoUrl: demo[1] });
      }
    });
  });
}

function stopEmulator() {
  if (emulator && emulator.exitCode === null) emulator.kill("SIGTERM");
}

let API = "";
/** A real GenAuth app origin the demo server is told about (`--app-host`): in its CSP. */
const REAL_APP = "https://your-app.genauth.ai";
let DEMO = "";

async function dev(method, p, body) {
  const res = await fetch(`${API}/__emulator/${p}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`${method} /__emulator/${p}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

async function latestCode(channel, number) {
  return until(`an SMS on ${channel} to ${number}`, async () => {
    const sms = await dev("GET", "sms");
    const hit = sms.filter((m) => m.channel === channel && m.phoneNumber === number).pop();
    return hit && hit.code;
  });
}

/** A raw GET (no URL normalisation, unlike fetch), for the traversal checks. */
function rawGet(url, rawPath) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

// ---- the browser ---------------------------------------------------------------------

/** Everything that must stay empty: console errors, page errors, CSP violations. */
const problems = [];
let shotIndex = 0;

async function openPage(flow) {
  const page = await context.newPage();
  await page.setViewportSize(DESKTOP);
  const seen = [];
  const note = (kind, text) => {
    const entry = `${flow}: ${kind}: ${text}`;
    seen.push(entry);
    problems.push(entry);
  };
  page.on("console", (msg) => {
    if (msg.type() === "error") note("console error", msg.text());
  });
  page.on("pageerror", (err) => note("page error", err.message));
  page.on("requestfailed", (req) => note("request failed", `${req.url()} ${req.failure() && req.failure().errorText}`));
  page.on("cspviolation", (v) => cspViolation(page, v)); // WebKit's page; Chromium's comes by binding
  page.__seen = seen;
  page.__flow = flow;
  await page.goto(DEMO);
  await page.waitForSelector("html[data-ready]");
  eq(await page.getAttribute("html", "data-ready"), "true", "the page initialised (wasm loaded)");
  return page;
}

function cspViolation(page, v) {
  const entry = `${page.__flow}: csp violation: ${v.directive} blocked ${v.blocked || "inline"} ${v.sample || ""}`;
  page.__seen.push(entry);
  problems.push(entry);
}

/** No problem reported for this page so far. */
async function clean(page) {
  if (page.drain) await page.drain();
  assert(page.__seen.length === 0, `problems on the page:\n  ${page.__seen.join("\n  ")}`);
}

async function shot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  shotIndex += 1;
  const file = path.join(ARTIFACTS, `${String(shotIndex).padStart(2, "0")}-${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The README's view: from the top of the page down to the change-number card. */
async function readmeShot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.locator("#change").boundingBox();
  const file = path.join(ARTIFACTS, `readme-${name}.png`);
  await page.screenshot({
    path: file, fullPage: true,
    clip: { x: 0, y: 0, width: DESKTOP.width, height: Math.ceil(box.y + box.height + 14) },
  });
  return file;
}

/** At 360 px wide (WebKit: its narrowest) nothing may overflow horizontally; saves that view too. */
async function narrowCheck(page, name) {
  await page.setViewportSize({ width: 360, height: 780 });
  await sleep(150);
  const [width, viewport] = await page.evaluate(() => [document.scrollingElement.scrollWidth, innerWidth]);
  await shot(page, `${name}-360px`);
  await page.setViewportSize(DESKTOP);
  // MiniBrowser's window cannot be narrower than its toolbar (447 px): WebKit checks there.
  const limit = WEBKIT ? viewport : 360;
  assert(width <= limit, `${name}: at ${limit} px the page is ${width} px wide`);
  checks360 += 1;
}
let checks360 = 0;

const text = (page, sel) => page.locator(sel).innerText();
const visible = (page, sel) => page.locator(sel).isVisible();
const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

async function noRawObjects(page) {
  const body = await page.locator("body").innerText();
  assert(!body.includes("[object Object]"), "the page shows [object Object]");
  assert(!/\bat \S+ \(.*:\d+:\d+\)/.test(body) && !body.includes(".js:"), "the page shows a stack trace");
}

/** Signs in through the page; returns the emulator's user. */
async function signIn(page, { email = true } = {}) {
  if ((await page.isChecked("#demo-email")) !== email) await page.click("#demo-email");
  await page.focus("#sign-in");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#signed-in:not([hidden])");
  const userId = (await text(page, "#who-id")).trim();
  const user = await dev("GET", `users/${userId}`);
  eq((await text(page, "#who-phone")).trim(), formatPhone(user.phone, user.phoneCountryCode), "phone shown after sign-in");
  eq((await text(page, "#who-email")).trim(), user.email || "none", "email shown after sign-in");
  eq(Boolean(user.email), email, "the demo user has an email");
  eq((await text(page, "#current-number")).trim(), formatPhone(user.phone), "current number in step 1");
  eq(await focusedId(page), "new-number", "focus after sign-in");
  return user;
}

/** Step 1 with the keyboard: type the new number, Enter. */
async function sendToNewNumber(page, number) {
  await page.focus("#new-number");
  await page.keyboard.type(number);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#step-2[data-state='current']");
  eq(await focusedId(page), "new-code", "focus moves to the code field (step 2)");
}

// ---- the flows -----------------------------------------------------------------------

const flows = [];
const flow = (name, fn) => flows.push({ name, fn });

flow("demo server: MIME types, CSP header, /config.json, path traversal refused", async () => {
  const expectedCsp = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${API} ${REAL_APP}; `
    + "style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  const index = await fetch(DEMO);
  eq(index.status, 200, "GET /");
  eq(index.headers.get("content-type"), "text/html; charset=utf-8", "index content-type");
  eq(index.headers.get("content-security-policy"), expectedCsp, "CSP on the page");
  const html = await index.text();
  assert(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), "no inline <script>");
  assert(!/<style/i.test(html) && !/\sstyle=/i.test(html), "no inline style");
  assert(!/\son[a-z]+=/i.test(html), "no inline event handlers");
  for (const [p, type] of [
    ["app.js", "text/javascript; charset=utf-8"], ["style.css", "text/css; charset=utf-8"],
    ["favicon.svg", "image/svg+xml"], ["pkg/genauth_phone.js", "text/javascript; charset=utf-8"],
    ["pkg/genauth_phone_bg.wasm", "application/wasm"], ["config.json", "application/json"],
  ]) {
    const res = await fetch(DEMO + p);
    eq(res.status, 200, `GET /${p}`);
    eq(res.headers.get("content-type"), type, `content-type of /${p}`);
    assert(!res.headers.get("content-security-policy"), `no CSP on /${p}`);
    await res.arrayBuffer();
  }
  const config = await (await fetch(`${DEMO}config.json`)).json();
  eq(JSON.stringify(config), JSON.stringify({ appHosts: [REAL_APP], appId: "emulator-app", emulatorUrl: API }), "/config.json");
  for (const p of ["/../Cargo.toml", "/pkg/../Cargo.toml", "/%2e%2e/Cargo.toml", "/pkg/%2e%2e/%2e%2e/Cargo.toml",
    "/pkg/..%2f..%2fCargo.toml", "/.git/config", "/%2fetc%2fpasswd"]) {
    const res = await rawGet(DEMO, p);
    eq(res.status, 404, `GET ${p}`);
    assert(!res.body.includes("[package]") && !res.body.includes("root:"), `${p} leaked a file`);
  }
});

flow("page loads in emulator mode with no console error; 360 px fits", async () => {
  const page = await openPage("load");
  assert(await page.isChecked("#mode-emulator"), "emulator mode is the default");
  eq((await text(page, "#emulator-url")).trim(), API, "emulator URL from /config.json");
  assert(await visible(page, "#emulator-panel"), "the emulator panel is shown");
  assert(await visible(page, "#change-locked"), "the flows say to sign in first");
  assert(await page.locator("#sign-in").isEnabled(), "the sign-in button is enabled");
  // Every input has a label.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input")]
    .filter((i) => !i.labels || i.labels.length === 0).map((i) => i.id));
  eq(unlabelled.join(","), "", "inputs without a label");
  await shot(page, "start");
  await narrowCheck(page, "start");
  await clean(page);
  await page.close();
});

flow("sign in as a demo user (focus moves to step 1)", async () => {
  const page = await openPage("sign-in");
  const user = await signIn(page);
  assert((await text(page, "#status")).startsWith("Signed in as a demo user"), "status announces the sign-in");
  eq(await page.getAttribute("#status", "aria-live"), "polite", "status is a live region");
  eq(await page.locator("#codes-needed-list li").count(), 1, "one code needed");
  assert(user.phone && user.phoneCountryCode === "+86", "the emulator's user has a +86 phone");
  await shot(page, "signed-in");
  await narrowCheck(page, "signed-in");
  await clean(page);
  await page.close();
});

flow("change number without old-number verification", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  const page = await openPage("change");
  const user = await signIn(page);
  assert(!(await page.isChecked("#verify-old")), "the toggle shows verification off");
  const number = freshNumber();
  await sendToNewNumber(page, number);
  assert(await page.locator("#old-code-field").isHidden(), "one code field only");
  eq((await text(page, "#new-code-target")).trim(), formatPhone(number), "step 2 names the new number");
  const code = await latestCode("CHANNEL_BIND_PHONE", number);
  // The inbox panel lists it, and the resend button counts down.
  await until("the inbox to show the code", async () => (await text(page, "#inbox")).includes(code));
  eq((await text(page, "#send-codes")).trim(), "Resend code", "resend button label");
  assert(await page.locator("#send-codes").isDisabled(), "resend is disabled during the cooldown");
  const first = Number((await text(page, "#send-cooldown")).match(/resend in (\d+) s/)[1]);
  assert(first >= 55 && first <= 60, `cooldown starts near 60 s (${first})`);
  await shot(page, "change-step2");
  await readmeShot(page, "change-number-step2");
  await narrowCheck(page, "change-step2");
  await until(`the cooldown to count down from ${first} s`, async () =>
    Number((await text(page, "#send-cooldown")).match(/resend in (\d+) s/)[1]) < first, 3000);

  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#step-3[data-state='current']");
  eq(await focusedId(page), "confirm", "focus moves to the confirm button (step 3)");
  assert((await text(page, "#confirm-text")).includes(formatPhone(number)), "step 3 names the new number");
  const t1 = Number((await text(page, "#token-remaining")).match(/(\d+) s/)[1]);
  assert(t1 >= 55 && t1 <= 60, `token lifetime starts near 60 s (${t1})`);
  await shot(page, "change-step3");
  await until(`the token lifetime to count down from ${t1} s`, async () =>
    Number((await text(page, "#token-remaining")).match(/(\d+) s/)[1]) < t1, 3000);

  await page.keyboard.press("Enter");
  await page.waitForSelector("#change-success:not([hidden])");
  eq(await focusedId(page), "change-success-title", "focus moves to the result");
  eq((await text(page, "#changed-number")).trim(), formatPhone(number), "success shows the new number");
  eq((await text(page, "#who-phone")).trim(), formatPhone(number), "the account panel shows the new number");
  assert((await text(page, "#status")).includes("Number changed"), "status announces the change");
  const after = await dev("GET", `users/${user.userId}`);
  eq(after.phone, number, "the emulator's phone");
  eq(after.phoneCountryCode, "+86", "the emulator's country code");
  await shot(page, "change-success");
  await readmeShot(page, "change-number-success");
  await narrowCheck(page, "change-success");
  await clean(page);
  await page.close();
});

flow("an expiring confirmation counts down to 0, disables the change, and Start over works", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false, updatePhoneTokenLifetimeSecs: 2 });
  try {
    const page = await openPage("token-expiry");
    const user = await signIn(page);
    const number = freshNumber();
    await sendToNewNumber(page, number);
    await page.keyboard.type(await latestCode("CHANNEL_BIND_PHONE", number));
    await page.keyboard.press("Enter");
    await page.waitForSelector("#step-3[data-state='current']");
    eq(await page.getAttribute("#token-progress", "max"), "2", "the progress bar spans the token's lifetime");
    await until("the token to expire", async () => (await text(page, "#token-remaining")).trim() === "expired", 5000);
    assert(await page.locator("#confirm").isDisabled(), "confirm is disabled once expired");
    assert((await text(page, "#confirm-text")).includes("expired"), "step 3 says it expired");
    assert((await text(page, "#status")).includes("expired"), "the expiry is announced");
    await shot(page, "token-expired");
    await page.click("#change-restart");
    eq(await focusedId(page), "new-number", "Start over focuses step 1");
    eq(await page.getAttribute("#step-1", "data-state"), "current", "back at step 1");
    eq((await dev("GET", `users/${user.userId}`)).phone, user.phone, "nothing changed");
    await clean(page);
    await page.close();
  } finally {
    await dev("PUT", "settings", { updatePhoneTokenLifetimeSecs: 60 });
  }
});

flow("a wrong code is shown next to the code field, with apiCode and requestId", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  const page = await openPage("wrong-code");
  const user = await signIn(page);
  const number = freshNumber();
  await sendToNewNumber(page, number);
  const code = await latestCode("CHANNEL_BIND_PHONE", number);

  await page.keyboard.type(wrongCode(code));
  await page.keyboard.press("Enter");
  await page.waitForSelector("#new-code-error:not([hidden])");
  eq((await text(page, "#new-code-error")).trim(), "That code is not right.", "field error");
  eq(await page.getAttribute("#new-code", "aria-invalid"), "true", "the field is marked invalid");
  eq(await focusedId(page), "new-code", "focus returns to the code field");
  const alert = await text(page, "#change-alert");
  assert(alert.includes("2001") && /[0-9a-f]{8}-[0-9a-f]{4}-/.test(alert), `alert has apiCode and requestId: ${alert}`);
  await noRawObjects(page);
  await shot(page, "wrong-code");
  await narrowCheck(page, "wrong-code");

  // A malformed code never leaves the page: INVALID_ARGUMENT with its field.
  const before = (await dev("GET", "requests")).length;
  await page.fill("#new-code", "12");
  await page.keyboard.press("Enter");
  await until("the format error", async () => (await text(page, "#new-code-error")).includes("4 to 10"));
  eq((await dev("GET", "requests")).length, before, "no request for a malformed code");

  // The right code still works (a failed attempt consumes nothing).
  await page.fill("#new-code", code);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#step-3[data-state='current']");
  assert(await page.locator("#change-alert").isHidden(), "the alert is cleared");
  eq((await dev("GET", `users/${user.userId}`)).phone, user.phone, "nothing changed yet");
  await clean(page);
  await page.close();
});

flow("a malformed number is shown next to the number field", async () => {
  const page = await openPage("bad-number");
  await signIn(page);
  // Typed as people type it, but two digits short: parsePhoneNumber's words, for people.
  await page.keyboard.type("+86 138 00");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#new-number-error:not([hidden])");
  eq(await text(page, "#new-number-error"), "This phone number is too short.", "the number's error");
  eq(await focusedId(page), "new-number", "focus stays on the field");
  await page.fill("#new-cc", "86");
  await page.fill("#new-number", freshNumber());
  await page.keyboard.press("Enter");
  await page.waitForSelector("#new-cc-error:not([hidden])");
  eq(await text(page, "#new-cc-error"), "This country code does not exist.", "the country code's error");
  await shot(page, "bad-number");
  await clean(page);
  await page.close();
});

flow("change number with old-number verification (toggle)", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  const page = await openPage("verify-old");
  const user = await signIn(page);
  await page.focus("#verify-old");
  await page.keyboard.press("Space");
  await until("the emulator setting", async () => (await dev("GET", "settings")).verifyOldPhone === true);
  await until("two codes needed", async () => (await page.locator("#codes-needed-list li").count()) === 2);
  const needed = await text(page, "#codes-needed-list");
  assert(needed.includes("CHANNEL_UNBIND_PHONE") && needed.includes(formatPhone(user.phone)), `names the old number's code: ${needed}`);
  eq((await text(page, "#send-codes")).trim(), "Send codes", "button label");

  const number = freshNumber();
  await sendToNewNumber(page, number);
  assert(await visible(page, "#old-code-field"), "a field for the old number's code");
  eq((await text(page, "#old-code-target")).trim(), formatPhone(user.phone), "names the current number");
  eq((await text(page, "#send-codes")).trim(), "Resend codes", "resend label");
  const newCode = await latestCode("CHANNEL_BIND_PHONE", number);
  const oldCode = await latestCode("CHANNEL_UNBIND_PHONE", user.phone);
  await until("both codes in the inbox", async () => {
    const inbox = await text(page, "#inbox");
    return inbox.includes(newCode) && inbox.includes(oldCode);
  });
  await page.keyboard.type(newCode);
  await page.focus("#old-code");
  await page.keyboard.type(oldCode);
  await shot(page, "verify-old-step2");
  await narrowCheck(page, "verify-old-step2");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#step-3[data-state='current']");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#change-success:not([hidden])");
  eq((await text(page, "#changed-number")).trim(), formatPhone(number), "success shows the new number");
  eq((await dev("GET", `users/${user.userId}`)).phone, number, "the emulator's phone");
  const body = JSON.parse((await dev("GET", "requests")).filter((r) => r.path === "/api/v3/verify-update-phone-request").pop().body);
  eq(body.phonePassCodePayload.oldPhoneNumber, user.phone, "the old number was sent");
  await shot(page, "verify-old-success");

  // Back off through the page.
  await page.focus("#verify-old");
  await page.keyboard.press("Space");
  await until("the setting off", async () => (await dev("GET", "settings")).verifyOldPhone === false);
  await clean(page);
  await page.close();
});

flow("remove the number (user with an email)", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  const page = await openPage("remove");
  const user = await signIn(page, { email: true });
  await page.focus("#remove-send");
  await page.keyboard.press("Enter");
  await until("focus on the removal code", async () => (await focusedId(page)) === "remove-code");
  const code = await latestCode("CHANNEL_UNBIND_PHONE", user.phone);
  eq((await text(page, "#remove-send")).trim(), "Resend code", "resend label");
  assert(/resend in \d+ s/.test(await text(page, "#remove-cooldown")), "cooldown shown");
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#remove-success:not([hidden])");
  eq(await focusedId(page), "remove-success-title", "focus moves to the result");
  assert((await text(page, "#remove-success-text")).includes(formatPhone(user.phone)), "names the removed number");
  eq((await text(page, "#who-phone")).trim(), "none", "account panel: no phone");
  eq((await text(page, "#current-number")).trim(), "none", "change card: no current number");
  eq((await dev("GET", `users/${user.userId}`)).phone, null, "the emulator holds no phone");
  await shot(page, "remove-success");
  await narrowCheck(page, "remove-success");
  await clean(page);
  await page.close();
});

flow("remove refused for a user without an email (2217), shown readably", async () => {
  const page = await openPage("remove-refused");
  const user = await signIn(page, { email: false });
  eq((await text(page, "#who-email")).trim(), "none", "no email shown");
  await page.click("#remove-send");
  const code = await latestCode("CHANNEL_UNBIND_PHONE", user.phone);
  await page.fill("#remove-code", code);
  await page.click("#remove-submit");
  await page.waitForSelector("#remove-alert:not([hidden])");
  const alert = await text(page, "#remove-alert");
  for (const part of ["This number can't be removed", "only way this account can sign in", "Add an email address", "2217", "requestId"]) {
    assert(alert.includes(part), `the refusal says ${JSON.stringify(part)}: ${alert}`);
  }
  assert(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.test(alert), "shows the requestId");
  assert(await page.locator("#remove-success").isHidden(), "no success shown");
  await noRawObjects(page);
  eq((await dev("GET", `users/${user.userId}`)).phone, user.phone, "the emulator kept the phone");
  eq((await text(page, "#who-phone")).trim(), formatPhone(user.phone), "the page still shows the phone");
  await shot(page, "remove-refused");
  await narrowCheck(page, "remove-refused");
  await clean(page);
  await page.close();
});

flow("real GenAuth app mode: keyboard switch, field errors, connect (no app secret asked)", async () => {
  const page = await openPage("real-app");
  await page.focus("#mode-emulator");
  await page.keyboard.press("ArrowRight");
  assert(await page.isChecked("#mode-real"), "arrow keys switch the mode");
  assert(await visible(page, "#real-connect"), "the real-app form is shown");
  assert(await page.locator("#emulator-panel").isHidden(), "the emulator panel is hidden");
  const secretInputs = await page.evaluate(() => [...document.querySelectorAll("input")]
    .filter((i) => /secret/i.test(`${i.id} ${i.name} ${i.labels && [...i.labels].map((l) => l.textContent).join(" ")}`)).length);
  eq(secretInputs, 0, "inputs asking for a secret");
  await page.click("#connect-real");
  await page.waitForSelector("#app-host-error:not([hidden])");
  eq(await focusedId(page), "app-host", "focus on the first missing field");
  await page.fill("#app-host", "http://example.com");
  await page.fill("#app-id", "emulator-app");
  await page.fill("#access-token", "token-123");
  await page.keyboard.press("Enter");
  await until("the appHost error", async () => (await text(page, "#app-host-error")).includes("https://"));
  await shot(page, "real-app-error");
  // A well-formed host the page's CSP does not list: refused with the reason, no request.
  await page.fill("#app-host", "https://not-listed.genauth.ai");
  await page.keyboard.press("Enter");
  await until("the CSP error", async () => (await text(page, "#app-host-error")).includes("GENAUTH_APP_HOST=https://not-listed.genauth.ai"));
  assert((await text(page, "#app-host-error")).includes(REAL_APP), "names the allowed host");
  assert(await page.locator("#signed-in").isHidden(), "not connected");
  await narrowCheck(page, "real-app-csp-error");
  // Any loopback http host is allowed: the emulator stands in for a real app here.
  const user = await dev("POST", "users", { phone: freshNumber(), email: "real@example.com" });
  await page.fill("#app-host", API);
  await page.fill("#access-token", user.accessToken);
  await page.fill("#real-phone", user.phone);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#signed-in:not([hidden])");
  assert((await text(page, "#who-host")).includes(API), "shows the app host");
  const number = freshNumber();
  await sendToNewNumber(page, number);
  await latestCode("CHANNEL_BIND_PHONE", number);
  await clean(page);
  await page.close();
});

flow("the CSP violation detector itself works", async () => {
  // A deliberate inline style must be refused and reported; then forgotten.
  const page = await openPage("csp-probe");
  await page.evaluate(() => document.body.setAttribute("style", "color: red"));
  await until("the violation report", async () => (page.drain && await page.drain(), page.__seen.some((s) => s.includes("csp violation") && s.includes("style-src"))));
  eq(await page.evaluate(() => getComputedStyle(document.body).color === "rgb(255, 0, 0)"), false, "the inline style was not applied");
  for (const s of page.__seen) problems.splice(problems.indexOf(s), 1);
  await page.close();
});

flow("no console error, page error or CSP violation in any flow", async () => {
  assert(problems.length === 0, `\n  ${problems.join("\n  ")}`);
});

// ---- run -----------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  ({ apiUrl: API, demoUrl: DEMO } = await startEmulator());
  console.log(`emulator ${API}, demo ${DEMO}`);
  context = WEBKIT ? await webkitContext() : await chromiumContext();
  console.log(WEBKIT ? `browser: WebKit (${context.session.capabilities.browserName} ${context.session.capabilities.browserVersion})` : "browser: Chromium");
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });


  let passed = 0;
  let failed = 0;
  for (const { name, fn } of flows) {
    const t = Date.now();
    try {
      await fn();
      passed += 1;
      console.log(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${name}\n     ${e.stack || e}`);
      if (!context) break; // interrupted: cleanup() already closed the browser
      for (const page of context.pages()) {
        await page.screenshot({ path: path.join(ARTIFACTS, `FAILED-${name.replace(/\W+/g, "-").slice(0, 40)}.png`), fullPage: true }).catch(() => {});
        await page.close().catch(() => {});
      }
    }
  }
  console.log(`360 px overflow checks: ${checks360}; screenshots: ${path.relative(ROOT, ARTIFACTS)}/ (${shotIndex})`);
  if (failed === 0 && !WEBKIT && process.env.E2E_UPDATE_SCREENSHOTS === "1") {
    fs.mkdirSync(DOC_SHOTS, { recursive: true });
    for (const name of ["change-number-step2.png", "change-number-success.png"]) {
      fs.copyFileSync(path.join(ARTIFACTS, `readme-${name}`), path.join(DOC_SHOTS, name));
    }
    console.log(`copied two screenshots to ${path.relative(ROOT, DOC_SHOTS)}/`);
  }
  if (failed) console.log(`emulator log (stderr):\n${emulatorLog}`);
  console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`e2e${WEBKIT ? " (WebKit)" : ""}: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

async function chromiumContext() {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genauth-e2e-"));
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: DESKTOP,
    // Signals are ours to handle: cleanup() closes the browser, then deletes its profile.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  // CSP violations reach the test through a binding (the page's CSP does not apply to it).
  await ctx.exposeBinding("__e2eCspViolation", ({ page }, v) => cspViolation(page, v));
  await ctx.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__e2eCspViolation({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  return ctx;
}

async function cleanup() {
  stopEmulator();
  const closing = context;
  context = null;
  if (closing) await Promise.race([closing.close().catch(() => {}), sleep(10_000)]);
  removeProfile();
}

function removeProfile() {
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  userDataDir = null;
}

const watchdog = setTimeout(async () => {
  console.log(`e2e: timed out after ${OVERALL_TIMEOUT_MS / 1000} s`);
  console.log("e2e: 0 passed, 1 failed");
  await cleanup();
  process.exit(1);
}, OVERALL_TIMEOUT_MS);

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, async () => {
    console.log(`e2e: interrupted (${signal})`);
    await cleanup();
    process.exit(130);
  });
}
// Last resort if something throws past the cleanup: never leave the emulator or the profile.
process.on("exit", () => {
  stopEmulator();
  try {
    removeProfile();
  } catch {
    // nothing more to do on the way out
  }
});

let ok = false;
try {
  ok = await main();
} catch (e) {
  console.log(`e2e: could not run: ${e.stack || e}`);
  console.log(`e2e: 0 passed, 1 failed`);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(ok ? 0 : 1);
