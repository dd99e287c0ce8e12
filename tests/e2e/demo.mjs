// End-to-end test of the demo page: the real page, served by the emulator's demo server, built
// from the drop-in elements (genauth-phone/elements). Driven in headless Chromium (playwright-core
// + Debian's /usr/bin/chromium), or over WebDriver (tests/e2e/webkit-page.mjs) in WebKit
// (--webkit: WebKitGTK's MiniBrowser) or Firefox (--firefox: geckodriver).
//
//   node tests/e2e/demo.mjs [--webkit | --firefox]
//   (after scripts/build.sh and cargo build -p genauth-emulator)
//
// Starts its own emulator on free ports (--port 0 --demo-port 0), runs every flow in a fresh
// page, checks what the page shows and what the emulator holds, fails on any console error,
// page error, CSP violation or serious axe-core finding, checks 360 px has no horizontal
// overflow, and saves screenshots to artifacts/e2e*/. With E2E_UPDATE_SCREENSHOTS=1 (Chromium)
// it also copies the README's two to docs/screenshots/.
// The elements' own behaviour is tests/elements/elements.mjs's; here: the page around them
// (sign-in, the inbox, the switch, the language) and the demo's old defects.
// Last line: "e2e: N passed, M failed"; exit status 1 on any failure.

import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { assert, emulatorDev, eq, focusRings, sleep, until as untilShared } from "./checks.mjs";
import { firefoxContext, webkitContext } from "./webkit-page.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EMULATOR_BIN = path.join(ROOT, "target/debug/genauth-emulator");
const FIREFOX = process.argv.includes("--firefox");
/** Over WebDriver: WebKit, or Firefox with --firefox. */
const WEBKIT = process.argv.includes("--webkit") || FIREFOX;
const ENGINE = FIREFOX ? "Firefox" : WEBKIT ? "WebKit" : "Chromium";
const ARTIFACTS = path.join(ROOT, WEBKIT ? `artifacts/e2e-${ENGINE.toLowerCase()}` : "artifacts/e2e");
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

/** The emulator's development endpoints (checks.mjs). */
const dev = (method, p, body) => emulatorDev(API, method, p, body);

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
  page.on("requestfailed", (req) => {
    const why = req.failure() && req.failure().errorText;
    // A reload the test asked for cancels what the page had in flight: no failure of the page's.
    if (!(page.__reloading && why === "net::ERR_ABORTED")) note("request failed", `${req.url()} ${why}`);
  });
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

/** The README's screenshots (Chromium, E2E_UPDATE_SCREENSHOTS=1): docs/screenshots/NAME.png. */
const README_SHOTS = ["demo-en", "demo-zh-360"];
async function readmeShot(page, name) {
  const file = path.join(ARTIFACTS, `readme-${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
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

// axe-core's scan, run in the page (through the DevTools protocol or WebDriver, which the page's
// CSP does not govern): every serious or critical violation fails the flow.
const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
let scans = 0;
async function axe(page, label) {
  if (!(await page.evaluate(() => "axe" in window))) await (WEBKIT ? page.addScript(AXE) : page.evaluate(AXE));
  const scan = async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  const found = await (WEBKIT ? page.evaluateAsync(scan) : page.evaluate(scan));
  scans += 1;
  eq(found.join("\n"), "", `axe, ${label}: serious or critical violations`);
}

const text = async (page, sel) => (await page.locator(sel).innerText()).trim();
const visible = (page, sel) => page.locator(sel).isVisible();
/** The id of what has the focus: inside an element's shadow root, "host#inner" (its `part`
 *  when it has no id: "genauth-remove-phone#done"). */
const focused = (page) => page.evaluate(() => {
  const active = document.activeElement;
  const inner = active && active.shadowRoot && active.shadowRoot.activeElement;
  return inner ? `${active.localName}#${inner.id || inner.getAttribute("part")}` : active && active.id;
});
const change = (sel) => `genauth-change-phone ${sel}`;
const remove = (sel) => `genauth-remove-phone ${sel}`;
/** "+86 139****5678", as the flows mask a number (without a code when typed without one). */
const masked = (number, cc = "+86") => `${cc ? `${cc} ` : ""}${number.slice(0, 3)}****${number.slice(7)}`;

/** What a person reads holds no raw object, stack trace or developer wording (an error code,
 *  a field path: the demo once showed "phonePassCodePayload.newPhoneNumber: must be ..."), in
 *  the page or in the elements' shadow roots. */
async function noRawObjects(page) {
  const shown = await page.evaluate(() => [document.body, ...[...document.querySelectorAll("genauth-change-phone, genauth-remove-phone")]
    .map((el) => el.shadowRoot.querySelector("[part=box]"))].map((n) => n.innerText).join("\n"));
  assert(!shown.includes("[object Object]") && !/\bundefined\b|\bnull\b|NaN/.test(shown), `the page shows a raw value: ${shown}`);
  assert(!/\bat \S+ \(.*:\d+:\d+\)/.test(shown) && !shown.includes(".js:"), "the page shows a stack trace");
  const jargon = shown.match(/\b[A-Z]{3,}_[A-Z_]+\b|\b[a-z]+[A-Z][A-Za-z]*(\.[a-z]+[A-Za-z]*)*:/);
  assert(!jargon, `the page shows developer wording (${jargon && jargon[0]}): ${shown}`);
}

/** Signs in through the page from the keyboard; returns the emulator's user. */
async function signIn(page, { email = true } = {}) {
  if ((await page.isChecked("#demo-email")) !== email) await page.click("#demo-email");
  await page.focus("#sign-in");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#signed-in:not([hidden])");
  const userId = await text(page, "#who-id");
  const user = await dev("GET", `users/${userId}`);
  eq(await text(page, "#who-phone"), formatPhone(user.phone, user.phoneCountryCode), "phone shown after sign-in");
  eq(Boolean(user.email), email, "the demo user has an email");
  // Where the person goes next: the new number, in the change element.
  await until("the focus on the new number", async () => (await focused(page)) === "genauth-change-phone#number");
  assert(await page.locator("#change-locked").isHidden(), "the sign-in note is gone");
  return user;
}

/** Types a new number into the change element and presses Enter: the code goes, the focus
 *  moves to its field. */
async function sendToNewNumber(page, number) {
  await page.focus(change("#number"));
  await page.keyboard.type(number);
  await page.keyboard.press("Enter");
  await until("the focus on the new number's code", async () => (await focused(page)) === "genauth-change-phone#new-code");
}

/** A code to `number` asked for with `token` (or none), as another tab or app would. */
async function sendSms(token, number, channel) {
  const res = await fetch(`${API}/api/v3/send-sms`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-authing-app-id": "emulator-app", ...(token ? { authorization: token } : {}) },
    body: JSON.stringify({ channel, phoneNumber: number, phoneCountryCode: "+86" }),
  });
  eq((await res.json()).statusCode, 200, `a code to ${number}`);
}

/** Puts the page back in English (the choice is kept for the next pages), and closes it. */
async function closeInEnglish(page) {
  await page.click("label[for=lang-en]").catch(() => {});
  await page.close();
}

/** The inbox's newest message holds `code` (and it lists only this user's). */
const inboxShows = (page, code) => until(`the inbox to show ${code}`, async () => (await text(page, "#inbox")).includes(code));

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
    ["pkg/elements.js", "text/javascript; charset=utf-8"],
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

flow("the demo's scripts call no flow or raw method (the elements do), and import without a cycle", async () => {
  const dir = path.join(ROOT, "www-demo");
  const imports = {};
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".js"))) {
    const source = fs.readFileSync(path.join(dir, f), "utf8");
    // Called or read as `.name`, `?.name`, `["name"]`, or taken apart as `{ name } =`.
    const names = "sendSms|verifyUpdatePhoneRequest|updatePhone|unbindPhone|phoneChange|phoneRemoval|getProfile|sendCode|setNewNumber|setVerifyOldPhone|verify|confirm|smsCooldownRemaining";
    const called = source.match(new RegExp(`(\\?\\.|\\.|\\[["'\`])\\s*(${names})\\b|\\{[^}]*\\b(${names})\\b[^}]*\\}\\s*=`, "g"));
    eq(called && called.join(", "), null, `${f} calls the client or a flow itself`);
    imports[f] = [...source.matchAll(/^import [^;]*?"\.\/([\w-]+\.js)";$/gm)].map((m) => m[1]);
  }
  assert(imports["app.js"].length >= 4, `the import graph was read: ${JSON.stringify(imports)}`);
  const visit = (f, trail) => {
    assert(!trail.includes(f), `an import cycle: ${[...trail, f].join(" -> ")}`);
    for (const next of imports[f] || []) visit(next, [...trail, f]);
  };
  for (const f of Object.keys(imports)) visit(f, []);
});

flow("page loads in emulator mode, in English, the elements waiting for a sign-in; 360 px fits", async () => {
  const page = await openPage("load");
  assert(await page.isChecked("#mode-emulator"), "emulator mode is the default");
  eq(await page.getAttribute("html", "lang"), "en-US", "the page's language");
  eq(await text(page, "#emulator-url"), API, "emulator URL from /config.json");
  assert(await visible(page, "#emulator-panel"), "the emulator panel is shown");
  eq(await text(page, "#inbox-empty"), "Sign in to see the codes sent to you.", "the inbox before a sign-in");
  eq(await text(page, change("h2")), "Change phone number", "the change element's title");
  eq(await text(page, remove("h2")), "Remove phone number", "the removal element's title");
  assert(await page.locator(change("#number")).isHidden(), "no number to type before a sign-in");
  assert(await page.locator(remove("#code")).isHidden(), "no code to type before a sign-in");
  assert(await visible(page, "#change-locked") && await visible(page, "#remove-locked"), "both say to sign in first");
  assert(await page.locator("#sign-in").isEnabled(), "the sign-in button is enabled");
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input")]
    .filter((i) => !i.labels || i.labels.length === 0).map((i) => i.id));
  eq(unlabelled.join(","), "", "inputs without a label");
  await axe(page, "en-US, signed out");
  await shot(page, "start");
  await narrowCheck(page, "start");
  await clean(page);
  await page.close();
});

flow("change from the keyboard: the inbox lists only this user's codes, beside the code field at 360 px", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  // Another user's code: never in this user's inbox.
  const other = await dev("POST", "users", { phone: freshNumber() });
  const otherNumber = freshNumber();
  await sendSms(other.accessToken, otherNumber, "CHANNEL_BIND_PHONE");
  const otherCode = await latestCode("CHANNEL_BIND_PHONE", otherNumber);

  const page = await openPage("change");
  const user = await signIn(page);
  eq(await text(page, "#status"), `Signed in as a demo user with ${formatPhone(user.phone)}.`, "the sign-in is announced");
  eq(await text(page, "#inbox-empty"), "No messages yet.", "an empty inbox");
  // Four codes to this user's number (from elsewhere; no cooldown meanwhile): the inbox lists
  // the newest three.
  const earlier = [];
  const { smsCooldownSecs } = await dev("GET", "settings");
  await dev("PUT", "settings", { smsCooldownSecs: 0 });
  try {
    for (let i = 0; i < 4; i++) {
      await sendSms(null, user.phone, "CHANNEL_UNBIND_PHONE");
      earlier.push((await dev("GET", `sms?userId=${user.userId}`)).pop().code);
    }
  } finally {
    await dev("PUT", "settings", { smsCooldownSecs });
  }
  assert(new Set(earlier).size === 4, `four different codes: ${earlier}`);
  await inboxShows(page, earlier[3]);
  eq(await page.locator("#inbox li").count(), 3, "the inbox lists three codes");
  assert(!(await text(page, "#inbox")).includes(earlier[0]), "the oldest is not listed");
  const number = freshNumber();
  await sendToNewNumber(page, number);
  const code = await latestCode("CHANNEL_BIND_PHONE", number);
  await inboxShows(page, code);
  assert((await text(page, "#inbox li:first-child")).includes(code), "the newest first");
  assert(!(await text(page, "#inbox")).includes(otherCode), "the other user's code is not listed");
  eq(await text(page, change("label[for=new-code]")), `Code for ${masked(number, "")}`, "the code's label");
  // The send is the element's to announce (once): the page's own status says nothing more.
  eq(await text(page, "#status"), `Signed in as a demo user with ${formatPhone(user.phone)}.`, "the page's status after a send");
  await axe(page, "en-US, a code sent");
  await focusRings(page, "en-US, light, a code sent");
  await readmeShot(page, "demo-en");

  // On a narrow screen the code and its field fit on one screen (once they were 1,200 px apart).
  await page.setViewportSize({ width: 360, height: 740 });
  await sleep(150);
  const gap = await page.evaluate(() => {
    const field = document.querySelector("genauth-change-phone").shadowRoot.getElementById("new-code");
    field.scrollIntoView({ block: "start" });
    const top = field.getBoundingClientRect().top;
    const message = document.querySelector("#inbox li").getBoundingClientRect();
    const removal = document.querySelector("genauth-remove-phone").getBoundingClientRect();
    return { top, bottom: message.bottom, height: innerHeight, removal: removal.top - top };
  });
  assert(gap.bottom - gap.top <= gap.height, `the newest code ends ${Math.round(gap.bottom - gap.top)} px below the top of its field (${gap.height} px screen)`);
  // …and no other flow between them: the removal comes after the inbox.
  assert(gap.removal > gap.bottom - gap.top, `the removal flow sits between the code field and the inbox (${JSON.stringify(gap)})`);
  await shot(page, "code-beside-inbox-360px");
  await page.setViewportSize(DESKTOP);

  await page.focus(change("#new-code"));
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
  await until("the focus on the confirmation", async () => (await focused(page)) === "genauth-change-phone#button");
  eq(await page.evaluate(() => document.querySelector("genauth-change-phone").shadowRoot.activeElement.textContent), `Change to ${masked(number, "")}`, "the focused button");
  await page.keyboard.press("Enter");
  await until("the change done", async () => (await text(page, change("[part=done]"))) === `Your phone number is now ${masked(number, "")}.`);
  eq(await focused(page), "genauth-change-phone#done", "the focus on the outcome");
  await until("the account card updated", async () => (await text(page, "#who-phone")) === formatPhone(number));
  eq((await dev("GET", `users/${user.userId}`)).phone, number, "the emulator's phone");
  assert(await visible(page, "#change-again"), "a way to change it again");
  // The removal had read the old number: it starts over with the new one.
  await until("the removal names the new number", async () => (await text(page, remove("label[for=code]"))) === `Code for ${masked(number)}`);
  await shot(page, "change-done");
  await narrowCheck(page, "change-done");
  await page.click("#change-again");
  await until("the focus on a new number", async () => (await focused(page)) === "genauth-change-phone#number");
  eq(await page.evaluate(() => document.querySelector("genauth-change-phone").shadowRoot.getElementById("number").value), "", "the number field is empty again");
  await clean(page);
  await page.close();
});

flow("verify the old number too (the emulator's switch): a wrong current code marks only its own field", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  const page = await openPage("verify-old");
  const user = await signIn(page);
  await page.focus("#verify-old");
  await page.keyboard.press("Space");
  await until("the emulator setting", async () => (await dev("GET", "settings")).verifyOldPhone === true);
  await until("the element told", async () => (await page.getAttribute("genauth-change-phone", "verify-old-phone")) === "");
  eq(await text(page, "#status"), "The emulator now verifies the old number: changing it needs a code to each number.", "the switch is announced");
  const number = freshNumber();
  // On a narrow screen (WebKit: its narrowest) the code, once it comes, is shown beside its
  // field: both on one screen, with no scrolling of the person's.
  await page.setViewportSize({ width: 360, height: 740 });
  await sendToNewNumber(page, number);
  const firstCode = await latestCode("CHANNEL_BIND_PHONE", number);
  await inboxShows(page, firstCode);
  await until("the code and its field on one screen", async () => page.evaluate(() => {
    const field = document.querySelector("genauth-change-phone").shadowRoot.getElementById("new-code").getBoundingClientRect();
    const message = document.querySelector("#inbox li").getBoundingClientRect();
    // (Within a pixel: scrolling into view may stop at a fraction.)
    return field.top >= -1 && message.top >= -1 && field.bottom <= innerHeight + 1 && message.bottom <= innerHeight + 1
      || `field ${Math.round(field.top)}-${Math.round(field.bottom)}, code ${Math.round(message.top)}-${Math.round(message.bottom)}, screen ${innerHeight}`;
  }).then((r) => r === true || Promise.reject(new Error(r))), 3000);
  await shot(page, "code-and-field-on-one-screen");
  await page.setViewportSize(DESKTOP);
  eq(await text(page, change("label[for=current-code]")), `Code for ${masked(user.phone)}`, "the current number's code, labelled");
  await page.click(change("#current-code ~ button"));
  const newCode = await latestCode("CHANNEL_BIND_PHONE", number);
  const oldCode = await latestCode("CHANNEL_UNBIND_PHONE", user.phone);
  await inboxShows(page, newCode);
  await inboxShows(page, oldCode);
  await focusRings(page, "en-US, both codes");
  await page.fill(change("#new-code"), newCode);
  await page.fill(change("#current-code"), wrongCode(oldCode));
  await page.keyboard.press("Enter");
  await until("the current code's error", async () => (await page.getAttribute(change("#current-code"), "aria-invalid")) === "true");
  eq(await page.getAttribute(change("#new-code"), "aria-invalid"), "false", "the new number's code is not marked");
  await until("the focus on the wrong code", async () => (await focused(page)) === "genauth-change-phone#current-code");
  await noRawObjects(page);
  await shot(page, "verify-old-wrong-code");
  await page.fill(change("#current-code"), oldCode);
  await page.keyboard.press("Enter");
  await until("the focus on the confirmation", async () => (await focused(page)) === "genauth-change-phone#button");
  await page.keyboard.press("Enter");
  await until("the change done", async () => (await text(page, change("[part=done]"))).includes(masked(number, "")));
  eq((await dev("GET", `users/${user.userId}`)).phone, number, "the emulator's phone");
  const body = JSON.parse((await dev("GET", "requests")).filter((r) => r.path === "/api/v3/verify-update-phone-request").pop().body);
  eq(body.phonePassCodePayload.oldPhoneNumber, user.phone, "the old number was sent");
  // Back off through the page.
  await page.focus("#verify-old");
  await page.keyboard.press("Space");
  await until("the setting off", async () => (await dev("GET", "settings")).verifyOldPhone === false);
  await until("the element told", async () => (await page.getAttribute("genauth-change-phone", "verify-old-phone")) === null);
  await clean(page);
  await page.close();
});

flow("中文 / English: the page, the elements and their errors switch together, and stay after a reload", async () => {
  const page = await openPage("language");
  try {
    await page.click("label[for=lang-zh]");
    await until("the page in Chinese", async () => (await page.getAttribute("html", "lang")) === "zh-CN");
    eq(await text(page, "h1"), "更换或解绑手机号", "the heading");
    eq(await text(page, change("h2")), "更换手机号", "the change element");
    eq(await text(page, remove("h2")), "解绑手机号", "the removal element");
    eq(await page.getAttribute("genauth-change-phone", "lang"), "zh-CN", "the change element's lang");
    eq(await text(page, "#sign-in"), "以演示用户登录", "the sign-in button");
    const user = await signIn(page);
    eq(await text(page, "#status"), `已以演示用户登录，手机号 ${formatPhone(user.phone)}。`, "the sign-in, in Chinese");
    // The client's own words follow: a number too short, worded by the wasm's catalogue.
    await page.focus(change("#number"));
    await page.keyboard.type("+86 139 12");
    await page.keyboard.press("Tab");
    await until("the number's error", async () => (await text(page, change("#number-error"))) === "手机号位数太少。");
    await noRawObjects(page);
    await axe(page, "zh-CN, a number's error");
    if (!WEBKIT) {
      await page.emulateMedia({ colorScheme: "dark" });
      await axe(page, "zh-CN, dark, a number's error");
      await focusRings(page, "zh-CN, dark");
      await page.setViewportSize({ width: 360, height: 740 });
      await readmeShot(page, "demo-zh-360");
      await page.setViewportSize(DESKTOP);
      await page.emulateMedia({ colorScheme: "light" });
    }
    await narrowCheck(page, "zh-number-error");
    // A code sent in Chinese…
    const number = freshNumber();
    await page.fill(change("#number"), number);
    await page.keyboard.press("Enter");
    await until("the code sent", async () => (await focused(page)) === "genauth-change-phone#new-code");
    // …then back to English: the client is made anew (the flow starts over), the Chinese status
    // goes rather than being announced again, the code's cooldown stays.
    await page.click("label[for=lang-en]");
    await until("the page in English", async () => (await page.getAttribute("html", "lang")) === "en-US");
    eq(await text(page, "#status"), "", "the status after the switch");
    eq(await text(page, change("h2")), "Change phone number", "the change element, in English");
    await page.fill(change("#number"), "+86 139 12");
    await page.keyboard.press("Tab");
    await until("the number's error in English", async () => (await text(page, change("#number-error"))) === "This phone number is too short.");
    await page.fill(change("#number"), number);
    await until("the stored cooldown", async () => /^Send in \d+ s$/.test(await text(page, change("#new-code ~ button"))));
    // The choice is remembered by this browser.
    await page.click("label[for=lang-zh]");
    page.__reloading = true;
    await page.reload();
    await page.waitForSelector("html[data-ready=true]");
    page.__reloading = false;
    eq(await page.getAttribute("html", "lang"), "zh-CN", "Chinese after a reload");
    assert(await page.isChecked("#lang-zh"), "the switch shows it");
    eq(await text(page, "#sign-in"), "以演示用户登录", "the sign-in button after a reload");
    // The sign-in is not kept: no token in the page's storage, its DOM or its URL.
    assert(await page.locator("#signed-in").isHidden(), "signed out after a reload");
    const kept = await page.evaluate(() => [location.href, document.documentElement.outerHTML,
      ...[localStorage, sessionStorage].flatMap((st) => Object.keys(st).map((k) => `${k}=${st.getItem(k)}`))].join("\n"));
    assert(!kept.includes(user.accessToken), "the access token is kept by the page");
    await clean(page);
  } finally {
    await closeInEnglish(page);
  }
});

flow("a language switch while the confirmation is on its way: the change is still heard", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  const page = await openPage("switch-mid-confirm");
  try {
    const user = await signIn(page);
    const number = freshNumber();
    await sendToNewNumber(page, number);
    await page.keyboard.type(await latestCode("CHANNEL_BIND_PHONE", number));
    await page.keyboard.press("Enter");
    await until("the focus on the confirmation", async () => (await focused(page)) === "genauth-change-phone#button");
    // The confirmation's answer takes 1.5 s; meanwhile the page switches to Chinese, which makes a
    // new client and starts the flows over.
    await dev("POST", "faults", [{ delayMs: 1500 }]);
    await page.keyboard.press("Enter");
    await page.click("label[for=lang-zh]");
    await until("the account card updated (genauth-done was heard)", async () => (await text(page, "#who-phone")) === formatPhone(number), 8000);
    eq((await dev("GET", `users/${user.userId}`)).phone, number, "the emulator's phone");
    assert(await visible(page, "#change-again"), "a way to change it again");
    await clean(page);
  } finally {
    await closeInEnglish(page);
  }
});

flow("remove the number: the account shows none, the change element starts over", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  const page = await openPage("remove");
  const user = await signIn(page, { email: true });
  await page.focus(remove("#code ~ button"));
  await page.keyboard.press("Enter");
  await until("the focus on the removal code", async () => (await focused(page)) === "genauth-remove-phone#code");
  const code = await latestCode("CHANNEL_UNBIND_PHONE", user.phone);
  await inboxShows(page, code);
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
  await until("the removal done", async () => (await text(page, remove("[part=done]"))) === "Your phone number was removed.");
  eq(await focused(page), "genauth-remove-phone#done", "the focus on the outcome");
  await until("the account card updated", async () => (await text(page, "#who-phone")) === "none");
  eq((await dev("GET", `users/${user.userId}`)).phone, null, "the emulator holds no phone");
  // The change flow had read the removed number: it starts over, with an empty number.
  assert(await visible(page, change("#number")), "the change element asks for a number");
  eq(await page.evaluate(() => document.querySelector("genauth-change-phone").shadowRoot.getElementById("number").value), "", "its number is empty");
  await shot(page, "remove-done");
  await narrowCheck(page, "remove-done");
  await clean(page);
  await page.close();
});

flow("a refused removal (no email left, 2217): the element says why, with the focus", async () => {
  const page = await openPage("remove-refused");
  const user = await signIn(page, { email: false });
  eq(await text(page, "#who-email"), "none", "no email shown");
  await page.click(remove("#code ~ button"));
  await until("the focus on the removal code", async () => (await focused(page)) === "genauth-remove-phone#code");
  const code = await latestCode("CHANNEL_UNBIND_PHONE", user.phone);
  await page.fill(remove("#code"), code);
  await page.keyboard.press("Enter");
  await until("the refusal shown", async () => (await text(page, remove("#alert"))) === "Cannot unbind the phone number: it is the only login method left");
  // Focus after an alert: on the words, not lost with the button.
  eq(await focused(page), "genauth-remove-phone#alert", "the focus on the refusal");
  await noRawObjects(page);
  eq((await dev("GET", `users/${user.userId}`)).phone, user.phone, "the emulator kept the phone");
  eq(await text(page, "#who-phone"), formatPhone(user.phone), "the page still shows the phone");
  await shot(page, "remove-refused");
  await clean(page);
  await page.close();
});

flow("a failed sign-in: its alert takes the focus, and closing it gives the focus back", async () => {
  const page = await openPage("sign-in-failed");
  // The emulator stops answering the sign-in (the page's fetch, refused like a closed port).
  await page.evaluate(() => {
    const real = window.fetch;
    window.fetch = (url, init) => (String(url).endsWith("/__emulator/users") ? Promise.reject(new TypeError("Failed to fetch")) : real(url, init));
  });
  await page.focus("#sign-in");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#connection-alert:not([hidden])");
  eq(await focused(page), "connection-alert", "the focus on the alert");
  const alert = await text(page, "#connection-alert");
  assert(alert.startsWith("Could not sign in") && alert.includes("The emulator could not be reached. Is it still running?"), `the alert's words: ${alert}`);
  await noRawObjects(page);
  await axe(page, "en-US, a failed sign-in");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await until("the alert closed", async () => page.locator("#connection-alert").isHidden());
  eq(await focused(page), "sign-in", "the focus back on the sign-in button");
  await clean(page);
  await page.close();
});

flow("real GenAuth app mode: keyboard switch, field errors, connect (no app secret asked), then a code sent", async () => {
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
  eq(await focused(page), "app-host", "focus on the first missing field");
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
  // The emulator's host typed without its scheme (read as https://): the page says what was meant.
  await page.fill("#app-host", API.replace("http://", ""));
  await page.keyboard.press("Enter");
  await until("the scheme hint", async () => (await text(page, "#app-host-error")) === `Did you mean ${API}? Type the host with http://.`);
  // Any loopback http host is allowed: the emulator stands in for a real app here.
  const user = await dev("POST", "users", { phone: freshNumber(), email: "real@example.com" });
  await page.fill("#app-host", API);
  await page.fill("#access-token", user.accessToken);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#signed-in:not([hidden])");
  assert((await text(page, "#who-host")).includes(API), "shows the app host");
  assert(await page.locator("#who-phone-row").isHidden(), "a real app's number is the elements' to show");
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
  context = FIREFOX ? await firefoxContext() : WEBKIT ? await webkitContext() : await chromiumContext();
  console.log(WEBKIT ? `browser: ${ENGINE} (${context.session.capabilities.browserName} ${context.session.capabilities.browserVersion})` : "browser: Chromium");
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
  console.log(`360 px overflow checks: ${checks360}; axe scans: ${scans}; screenshots: ${path.relative(ROOT, ARTIFACTS)}/ (${shotIndex})`);
  if (failed === 0 && !WEBKIT && process.env.E2E_UPDATE_SCREENSHOTS === "1") {
    fs.mkdirSync(DOC_SHOTS, { recursive: true });
    for (const name of README_SHOTS) fs.copyFileSync(path.join(ARTIFACTS, `readme-${name}.png`), path.join(DOC_SHOTS, `${name}.png`));
    console.log(`copied ${README_SHOTS.length} screenshots to ${path.relative(ROOT, DOC_SHOTS)}/`);
  }
  if (failed) console.log(`emulator log (stderr):\n${emulatorLog}`);
  console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`e2e${WEBKIT ? ` (${ENGINE})` : ""}: ${passed} passed, ${failed} failed`);
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
