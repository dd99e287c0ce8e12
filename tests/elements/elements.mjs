// The drop-in elements (pkg-template/elements.js) end to end in headless Chromium, or in WebKit
// with --webkit (WebKitGTK's MiniBrowser over WebDriver, through tests/e2e/webkit-page.mjs): a
// page on its own origin under the demo server's CSP (no inline script or style), the web
// build, the elements entry, and the emulator over real HTTP and CORS. Each flow is driven from
// the keyboard as a person would, and checked against what the emulator holds.
//
//   node tests/elements/elements.mjs [--webkit | --firefox]
//   (after scripts/build.sh and cargo build -p genauth-emulator; --firefox: headless Firefox
//   under geckodriver, over the same WebDriver page API as WebKit)

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { assert, emulatorDev, eq, focusRings, sleep, until as untilShared } from "../e2e/checks.mjs";
import { firefoxContext, webkitContext } from "../e2e/webkit-page.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EMULATOR_BIN = path.join(ROOT, "target/debug/genauth-emulator");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FIREFOX = process.argv.includes("--firefox");
// Driven over WebDriver (tests/e2e/webkit-page.mjs): WebKit, or Firefox with --firefox.
const WEBDRIVER = process.argv.includes("--webkit") || FIREFOX;
const ENGINE = FIREFOX ? "Firefox" : WEBDRIVER ? "WebKit" : "Chromium";
/** Polls for up to 10 s unless told otherwise. */
const until = (what, probe, ms = 10_000) => untilShared(what, probe, ms);

// ---- the emulator and its demo server, serving the test page -------------------------------

const site = fs.mkdtempSync(path.join(os.tmpdir(), "genauth-elements-"));
fs.cpSync(path.join(ROOT, "tests/elements/page"), site, { recursive: true });
fs.copyFileSync(path.join(ROOT, "pkg-template/elements.js"), path.join(site, "elements.js"));
for (const f of [EMULATOR_BIN, path.join(ROOT, "pkg/genauth_phone.js")]) {
  assert(fs.existsSync(f), `${path.relative(ROOT, f)} is missing: run scripts/build.sh and cargo build -p genauth-emulator`);
}
const emulator = spawn(EMULATOR_BIN, ["--port", "0", "--demo-port", "0", "--demo-dir", site, "--pkg-dir", path.join(ROOT, "pkg")], {
  stdio: ["ignore", "pipe", "pipe"],
});
let log = "";
emulator.stderr.on("data", (d) => { log += d; });
const { api, demo } = await new Promise((resolve, reject) => {
  let out = "";
  const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${out}${log}`)), 10_000);
  emulator.stdout.on("data", (d) => {
    out += d;
    const a = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const p = out.match(/demo on (http:\/\/127\.0\.0\.1:\d+)\//);
    if (a && p) {
      clearTimeout(timer);
      resolve({ api: a[1], demo: p[1] });
    }
  });
});

/** The emulator's development endpoints (checks.mjs). */
const dev = (method, p, body) => emulatorDev(api, method, p, body);
const used = new Set();
function freshNumber() {
  for (;;) {
    const n = `13${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
    if (!used.has(n)) {
      used.add(n);
      return n;
    }
  }
}
const newUser = (email = true) => dev("POST", "users", { phone: freshNumber(), phoneCountryCode: "+86", ...(email ? { email: `e-${Date.now()}-${Math.random()}@example.com` } : {}) });
const latestCode = (channel, number) => until(`an SMS on ${channel} to ${number}`, async () => {
  const hit = (await dev("GET", "sms")).filter((m) => m.channel === channel && m.phoneNumber === number).pop();
  return hit && hit.code;
});
const wrong = (code) => String((Number(code) + 1) % 10 ** code.length).padStart(code.length, "0");

// ---- the browser ---------------------------------------------------------------------------

// WebKit: one WebDriver session, one page at a time (each flow closes its own).
const browser = WEBDRIVER
  ? await (FIREFOX ? firefoxContext() : webkitContext())
  : await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless=new", "--disable-gpu"] });
const problems = [];
/** A script's source run in the page, and an async function's result from it. */
const loadScript = (page, source) => (WEBDRIVER ? page.addScript(source) : page.evaluate(source));
const runAsync = (page, fn) => (WEBDRIVER ? page.evaluateAsync(fn) : page.evaluate(fn));

async function open(user, query = "") {
  const page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("cspviolation", (v) => problems.push(`CSP violation: ${JSON.stringify(v)}`));
  await page.goto(`${demo}/?token=${user.accessToken}${query}`);
  await page.waitForSelector("body[data-ready=true]");
  return page;
}
// axe-core's scan, run in the page (through the DevTools protocol, which the page's CSP does not
// govern): every serious or critical violation is a problem. Each step is scanned in both
// languages (the elements' `lang` set to each, then put back) and, in Chromium, both colour
// schemes (WebDriver cannot ask for dark: light there).
const AXE = fs.readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
const SCHEMES = WEBDRIVER ? ["light"] : ["light", "dark"];
let scans = 0;
async function axe(page, step) {
  if (!(await page.evaluate(() => "axe" in window))) await loadScript(page, AXE);
  const hosts = "genauth-change-phone, genauth-remove-phone";
  const langs = await page.evaluate((q) => [...document.querySelectorAll(q)].map((el) => el.getAttribute("lang")), hosts);
  for (const lang of ["en-US", "zh-CN"]) {
    await page.evaluate(([q, l]) => { for (const el of document.querySelectorAll(q)) el.setAttribute("lang", l); }, [hosts, lang]);
    for (const scheme of SCHEMES) {
      if (!WEBDRIVER) await page.emulateMedia({ colorScheme: scheme });
      const found = await runAsync(page, async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`));
      scans++;
      for (const v of found) problems.push(`axe, ${step}, ${lang}, ${scheme}: ${v}`);
    }
  }
  await page.evaluate(([q, saved]) => {
    [...document.querySelectorAll(q)].forEach((el, i) => (saved[i] === null ? el.removeAttribute("lang") : el.setAttribute("lang", saved[i])));
  }, [hosts, langs]);
  if (!WEBDRIVER) await page.emulateMedia({ colorScheme: page.scheme || "light" });
}

// Screenshots of the elements in artifacts/elements/; with E2E_UPDATE_SCREENSHOTS=1 (as for the
// demo's), also the README's in docs/screenshots/.
const SHOTS = path.join(ROOT, "artifacts", `elements-${ENGINE.toLowerCase()}`);
fs.mkdirSync(SHOTS, { recursive: true });
async function shot(page, host, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.locator(host).screenshot({ path: file });
  if (!WEBDRIVER && process.env.E2E_UPDATE_SCREENSHOTS === "1") fs.copyFileSync(file, path.join(ROOT, "docs/screenshots", `${name}.png`));
}

const change = (sel) => `genauth-change-phone ${sel}`;
/** Types `number` into the change element and presses Enter (its code is sent). */
async function submitNumber(page, number) {
  await page.fill(change("#number"), number);
  await page.focus(change("#number"));
  await page.keyboard.press("Enter");
}
/** …and waits until the send has moved focus to the new number's code. */
async function sendTo(page, number) {
  await submitNumber(page, number);
  await until("sent", async () => (await focused(page, "genauth-change-phone")) === "new-code");
}
const remove = (sel) => `genauth-remove-phone ${sel}`;
/** Enter in a code field before that code was asked for: never a silent dead key. The person
 *  hears which code to get first (for `masked`), the focus goes to its send button, and nothing
 *  is asked of the server. */
async function enterBeforeSend(page, host, field, masked) {
  const before = (await dev("GET", "requests")).length;
  await page.focus(`${host} ${field}`);
  await page.keyboard.press("Enter");
  await until("the focus on the send button", async () => (await page.evaluate((h) => document.querySelector(h).shadowRoot.activeElement?.getAttribute("part"), host)) === "button send");
  eq(await text(page, `${host} [role=status]`), `Get the code for ${masked} first.`, "what is said");
  eq((await dev("GET", "requests")).length, before, "nothing asked of the server");
}
const text = (page, sel) => page.locator(sel).innerText();
const focused = (page, host) => page.evaluate((h) => document.querySelector(h).shadowRoot.activeElement?.id ?? null, host);

const results = [];
async function flow(name, body) {
  const started = Date.now();
  try {
    await body();
    results.push([name, null]);
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push([name, e]);
    console.log(`FAIL ${name}\n     ${e.stack || e}`);
  }
}

await flow("change: pasted number, wrong code then right, confirm, from the keyboard", async () => {
  await dev("PUT", "settings", { verifyOldPhone: false });
  const user = await newUser();
  const page = await open(user, "&lang=en-US");
  eq(await text(page, change("h2")), "Change phone number", "title");
  await axe(page, "start");
  const number = freshNumber();
  await page.focus(change("#number"));
  // Half typed: no error while typing; its problem once the field is left.
  await page.keyboard.type("+86 139");
  eq(await page.locator(change("#number-error")).isHidden(), true, "no error while typing");
  await page.keyboard.press("Tab");
  eq(await text(page, change("#number-error")), "This phone number is too short.", "the number's error after blur");
  eq(await page.getAttribute(change("#number"), "aria-invalid"), "true", "aria-invalid on the number");
  await axe(page, "a number's error");
  await page.fill(change("#number"), `+86 ${number.slice(0, 3)}-${number.slice(3, 7)}-${number.slice(7)}`);
  await page.focus(change("#number"));
  // Counts what the status line says from here on (each change of its text to a non-empty one).
  await page.evaluate(() => {
    window.statusChanges = 0;
    const status = document.querySelector("genauth-change-phone").shadowRoot.querySelector("[role=status]");
    new MutationObserver(() => { if (status.textContent) window.statusChanges++; }).observe(status, { childList: true, characterData: true, subtree: true });
  });
  await page.keyboard.press("Enter");
  await until("the code input focused", async () => (await focused(page, "genauth-change-phone")) === "new-code");
  const masked = `+86 ${number.slice(0, 3)}****${number.slice(7)}`;
  eq(await text(page, change("[role=status]")), `A code was sent to ${masked}.`, "the announcement");
  eq(await text(page, change("label[for=new-code]")), `Code for ${masked}`, "the code's label");
  const button = page.locator(change("#new-code ~ button"));
  assert(/^Send again in \d+ s$/.test(await button.innerText()), `countdown on the send button: ${await button.innerText()}`);
  assert(await button.isDisabled(), "send is disabled during the cooldown");
  await axe(page, "codes");
  // The element's own theme: every ring at 3:1 or more (the demo's was 2.0:1), from the keyboard.
  await focusRings(page, `${ENGINE}, light, codes`, 5);
  await page.focus(change("#new-code"));
  // In tab order, no send button of one flow sits next to the other flow's (a removal code
  // was once sent by accident that way).
  const order = await page.evaluate(() => [...document.querySelectorAll("genauth-change-phone, genauth-remove-phone")].flatMap((host) =>
    [...host.shadowRoot.querySelectorAll("input, button")].filter((el) => el.offsetParent !== null && !el.disabled)
      .map((el) => `${host.localName}:${(el.getAttribute("part") || "").includes("send") ? "send" : el.localName}`)));
  for (let i = 1; i < order.length; i++) {
    const [a, b] = [order[i - 1], order[i]];
    assert(!(a.endsWith(":send") && b.endsWith(":send") && a.split(":")[0] !== b.split(":")[0]), `send buttons of both flows adjacent: ${order.join(", ")}`);
  }
  await shot(page, "genauth-change-phone", "elements-change-en-light");
  // The send was announced once: the status line changed to a text one time.
  eq(await page.evaluate(() => window.statusChanges), 1, "announcements of one send");
  // The announcement stays as it was while the countdown ticks (no chatter).
  const said = await text(page, change("[role=status]"));
  await sleep(1300);
  eq(await text(page, change("[role=status]")), said, "the status while the countdown ticks");
  const code = await latestCode("CHANNEL_BIND_PHONE", number);
  await page.keyboard.type(wrong(code));
  // Verify clicked (focus leaves the field), and refused: focus comes back to the field.
  await page.click(change("form:nth-of-type(2) > button"));
  await until("the code's error", async () => (await page.getAttribute(change("#new-code"), "aria-invalid")) === "true");
  assert((await text(page, change("#new-code-error"))).length > 0, "the wrong code's error is on its field");
  // …and said, for whoever cannot see it (the focus may be on the field already): once, unseen.
  const status = await page.evaluate(() => {
    const el = document.querySelector("genauth-change-phone").shadowRoot.querySelector("[role=status]");
    return { said: el.textContent, width: el.getBoundingClientRect().width };
  });
  eq(status.said, await text(page, change("#new-code-error")), "the field's error is said");
  assert(status.width <= 1, `the said error is not shown twice (${status.width} px wide)`);
  eq(await page.getAttribute(change("#number"), "aria-invalid"), "false", "only the code field is marked");
  eq(await focused(page, "genauth-change-phone"), "new-code", "focus back on the code");
  await page.fill(change("#new-code"), code);
  await page.keyboard.press("Enter");
  await until("the confirm button focused", async () => (await page.evaluate(() => document.querySelector("genauth-change-phone").shadowRoot.activeElement?.textContent)) === `Change to ${masked}`);
  await axe(page, "confirm");
  await page.keyboard.press("Enter");
  await until("done", async () => (await text(page, change("[part=done]"))) === `Your phone number is now ${masked}.`);
  await axe(page, "done");
  eq((await dev("GET", `users/${user.userId}`)).phone, number, "the emulator holds the new number");
  const outcomes = await page.evaluate(() => window.outcomes);
  const done = outcomes.find((o) => o.type === "genauth-done");
  eq(`${done?.kind} ${done?.maskedNumber} ${Object.keys(done ?? {}).length}`, `change ${masked} 3`, "the done event: { kind, maskedNumber }");
  assert(outcomes.some((o) => o.type === "genauth-failed" && o.field === "newCode"), "the wrong code's genauth-failed event");
  for (const o of outcomes) {
    const json = JSON.stringify(o);
    for (const secret of [code, wrong(code), user.accessToken, number]) assert(!json.includes(secret), `an event holds a secret: ${json}`);
  }
  await page.close();
});

await flow("change with the current number's code too, in Chinese", async () => {
  await dev("PUT", "settings", { verifyOldPhone: true });
  const user = await newUser();
  const page = await open(user, "&lang=zh-CN&verify-old");
  // Dark (WebDriver has no way to ask for it: light there).
  const scheme = WEBDRIVER ? "light" : "dark";
  if (!WEBDRIVER) {
    page.scheme = "dark";
    await page.emulateMedia({ colorScheme: "dark" });
  }
  eq(await text(page, change("h2")), "更换手机号", "title in Chinese");
  await axe(page, "start, in Chinese");
  const number = freshNumber();
  await sendTo(page, number);
  const current = `+86 ${user.phone.slice(0, 3)}****${user.phone.slice(7)}`;
  await until("the current number read", async () => (await text(page, change("label[for=current-code]"))) === `${current} 的验证码`);
  await page.click(change("#current-code ~ button"));
  await until("the current code's input focused", async () => (await focused(page, "genauth-change-phone")) === "current-code");
  const newCode = await latestCode("CHANNEL_BIND_PHONE", number);
  const currentCode = await latestCode("CHANNEL_UNBIND_PHONE", user.phone);
  // A wrong current code: never both fields marked (the demo's old defect), and the one marked,
  // if any, is the current code's.
  await page.fill(change("#new-code"), newCode);
  await page.fill(change("#current-code"), wrong(currentCode));
  await page.keyboard.press("Enter");
  await until("the refusal shown", async () => (await page.evaluate(() => {
    const root = document.querySelector("genauth-change-phone").shadowRoot;
    return [...root.querySelectorAll(".err")].some((e) => !e.hidden && e.textContent);
  })));
  const marked = await page.evaluate(() => [...document.querySelector("genauth-change-phone").shadowRoot.querySelectorAll("input[aria-invalid=true]")].map((i) => i.id));
  assert(marked.length <= 1 && !marked.includes("new-code"), `a wrong current code marked ${JSON.stringify(marked)}`);
  await page.fill(change("#current-code"), currentCode);
  await axe(page, "codes, in Chinese");
  await focusRings(page, `${ENGINE}, ${scheme}, codes in Chinese`, 5);
  await page.focus(change("#current-code"));
  await shot(page, "genauth-change-phone", `elements-change-zh-${scheme}`);
  await page.keyboard.press("Enter");
  await until("the confirm step", async () => (await text(page, change("[role=status]"))) === "验证成功，请确认更换。");
  await axe(page, "confirm, in Chinese");
  await page.keyboard.press("Enter");
  await until("done", async () => (await text(page, change("[part=done]"))).startsWith("手机号已更换为"));
  eq((await dev("GET", `users/${user.userId}`)).phone, number, "the emulator holds the new number");
  await dev("PUT", "settings", { verifyOldPhone: false });
  await page.close();
});

await flow("a reload during a cooldown shows it again", async () => {
  const user = await newUser();
  const page = await open(user, "&lang=en-US");
  const number = freshNumber();
  await sendTo(page, number);
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await page.fill(change("#number"), number);
  const button = page.locator(change("#new-code ~ button"));
  // Stored by the send before the reload; this flow has sent nothing yet: "Send in".
  await until("the stored cooldown on the button", async () => /^Send in \d+ s$/.test(await button.innerText()));
  assert(await button.isDisabled(), "still disabled after the reload");
  await page.close();
});

await flow("a number edited after a send starts its code over; going back keeps the first", async () => {
  const user = await newUser();
  const page = await open(user, "&lang=en-US");
  const [first, second] = [freshNumber(), freshNumber()];
  await sendTo(page, first);
  const button = page.locator(change("#new-code ~ button"));
  await page.fill(change("#number"), second);
  // Typed without a country code: shown without one (the flow adds none).
  const maskedSecond = `${second.slice(0, 3)}****${second.slice(7)}`;
  await until("the code row for the new number", async () => (await text(page, change("label[for=new-code]"))) === `Code for ${maskedSecond}`);
  eq(await button.innerText(), "Send code", "no resend for a number never sent to");
  await enterBeforeSend(page, "genauth-change-phone", "#new-code", maskedSecond);
  await page.fill(change("#number"), first);
  await until("the first number's countdown again", async () => /^Send again in \d+ s$/.test(await button.innerText()));
  await page.close();
});

await flow("the server's 429: its words, and its wait on the button", async () => {
  const user = await newUser();
  const page = await open(user, "&lang=en-US");
  const number = freshNumber();
  const settings = await dev("GET", "settings");
  await dev("PUT", "settings", { smsCooldownSecs: 3 });
  try {
    // A code from elsewhere a moment ago: the server refuses this one with 429.
    const elsewhere = await fetch(`${api}/api/v3/send-sms`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-authing-app-id": "emulator-app" },
      body: JSON.stringify({ channel: "CHANNEL_BIND_PHONE", phoneNumber: number }),
    }).then((r) => r.json());
    eq(elsewhere.statusCode, 200, "a code from elsewhere");
    await submitNumber(page, number);
    await until("the refusal above the form", async () => (await text(page, change("#alert"))) === "Please wait a moment before asking for another code.");
    const button = page.locator(change("#new-code ~ button"));
    assert(/^Send in [1-3] s$/.test(await button.innerText()) && (await button.isDisabled()), `the server's wait on the button: ${await button.innerText()}`);
    await until("Send back after the wait", async () => (await button.innerText()) === "Send code" && !(await button.isDisabled()), 6000);
    const failed = (await page.evaluate(() => window.outcomes)).find((o) => o.type === "genauth-failed");
    eq(failed?.code, "SMS_COOLDOWN", "the failed event's code");
  } finally {
    await dev("PUT", "settings", settings);
  }
  await page.close();
});

await flow("moved in the page, or given the same client again, the flow goes on", async () => {
  const user = await newUser();
  const page = await open(user, "&lang=en-US");
  const number = freshNumber();
  await sendTo(page, number);
  await page.evaluate(() => {
    const el = document.querySelector("genauth-change-phone");
    document.body.append(el); // a move: disconnected and connected in one task
    el.client = el.client; // the same client again
  });
  await sleep(300);
  const kept = await page.evaluate(() => document.querySelector("genauth-change-phone").shadowRoot.getElementById("number").value);
  eq(kept, number, "the typed number is still there");
  assert(/^Send again in \d+ s$/.test(await text(page, change("#new-code ~ button"))), "the send is still known");
  await page.close();
});

await flow("hostile clients: a plain sentence on the element, nothing thrown, nothing uncaught", async () => {
  const user = await newUser();
  const page = await open(user, "&lang=en-US");
  const seen = await page.evaluate(() => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const throwing = new Proxy({}, { get() { throw new Error("trap"); } });
    // A thrown value that throws when read, from a client whose phoneChange throws it.
    const nasty = { phoneChange() { throw new Proxy({}, { get() { throw new Error("trap"); } }); }, phoneRemoval() { throw nasty; } };
    const real = document.querySelector("genauth-change-phone").client;
    const out = [];
    for (const tag of ["genauth-change-phone", "genauth-remove-phone"]) {
      for (const [name, client] of [["throwing Proxy", throwing], ["revoked Proxy", revoked], ["plain object", {}], ["a number", 42], ["nasty", nasty]]) {
        const el = document.createElement(tag);
        el.lang = "en-US";
        document.body.append(el);
        let threw = "";
        try {
          el.client = client;
          el.restart();
          el.setAttribute("verify-old-phone", "");
        } catch (e) {
          threw = String(e);
        }
        const alert = el.shadowRoot.getElementById("alert");
        out.push(`${tag} ${name}: ${threw ? `threw ${threw}` : alert.hidden ? "no words" : alert.textContent}`);
        el.remove();
      }
    }
    // A real client, freed: its own worded error.
    real.free();
    const el = document.createElement("genauth-remove-phone");
    el.lang = "en-US";
    document.body.append(el);
    el.client = real;
    out.push(`freed: ${el.shadowRoot.getElementById("alert").textContent}`);
    return out;
  });
  for (const line of seen.slice(0, -1)) assert(line.endsWith(": Something went wrong. Please try again later."), `a hostile client: ${line}`);
  const freed = seen[seen.length - 1];
  assert(freed.startsWith("freed: ") && !freed.includes("Something went wrong") && !/Error|undefined|null|\bat\b/.test(freed) && freed.length > 12, `a freed client: ${freed}`);
  await sleep(300);
  eq(problems.filter((p) => p.startsWith("page error")).join("\n"), "", "nothing uncaught");
  await page.close();
});

await flow("an account without a number: the removal says so", async () => {
  const user = await newUser(true);
  // The number removed through the API first (the account keeps its email to sign in with).
  const headers = { "content-type": "application/json", "x-authing-app-id": "emulator-app" };
  await fetch(`${api}/api/v3/send-sms`, { method: "POST", headers,
    body: JSON.stringify({ channel: "CHANNEL_UNBIND_PHONE", phoneNumber: user.phone, phoneCountryCode: "+86" }) });
  const code = await latestCode("CHANNEL_UNBIND_PHONE", user.phone);
  await fetch(`${api}/api/v3/unbind-phone`, { method: "POST", headers: { ...headers, authorization: user.accessToken },
    body: JSON.stringify({ passCode: code }) });
  eq((await dev("GET", `users/${user.userId}`)).phone, null, "the account has no number");
  const page = await open(user, "&lang=en-US");
  eq(await text(page, remove("label")), "Code for your current number", "no number to show");
  await page.click(remove("#code ~ button"));
  await until("the refusal above the form", async () => (await text(page, remove("#alert"))) === "This account has no phone number.");
  await page.close();
});

await flow("removal: code to the current number, then removed", async () => {
  const user = await newUser(true);
  const page = await open(user, "&lang=en-US");
  // The narrow views are Chromium's (MiniBrowser's window is never narrower than its toolbar, 447 px).
  if (!WEBDRIVER) await page.setViewportSize({ width: 360, height: 800 });
  const current = `+86 ${user.phone.slice(0, 3)}****${user.phone.slice(7)}`;
  await until("the current number read", async () => (await text(page, remove("label"))) === `Code for ${current}`);
  await enterBeforeSend(page, "genauth-remove-phone", "#code", current);
  await page.click(remove("#code ~ button"));
  await until("the code input focused", async () => (await focused(page, "genauth-remove-phone")) === "code");
  await axe(page, "removal code");
  await shot(page, "genauth-remove-phone", WEBDRIVER ? "elements-remove-en" : "elements-remove-en-360");
  if (!WEBDRIVER) {
    // Usable at 320 px: nothing wider than the screen.
    await page.setViewportSize({ width: 320, height: 800 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(wide <= 320, `the page is ${wide} px wide at a 320 px viewport`);
  }
  await page.keyboard.type(await latestCode("CHANNEL_UNBIND_PHONE", user.phone));
  await page.keyboard.press("Enter");
  await until("removed", async () => (await text(page, remove("[part=done]"))) === "Your phone number was removed.");
  eq((await dev("GET", `users/${user.userId}`)).phone, null, "the emulator holds no number");
  const done = (await page.evaluate(() => window.outcomes)).find((o) => o.type === "genauth-done");
  eq(done?.maskedNumber, current, "the done event names the removed number, masked");
  await page.close();
});

await browser.close();
emulator.kill("SIGTERM");
fs.rmSync(site, { recursive: true, force: true });
const failed = results.filter(([, e]) => e);
if (problems.length) console.log(`problems on the pages:\n  ${problems.join("\n  ")}`);
console.log(`engine: ${ENGINE}`);
console.log(`axe-core: ${scans} scans, ${problems.filter((p) => p.startsWith("axe")).length} serious or critical violations`);
console.log(`elements: ${results.length - failed.length} passed, ${failed.length + (problems.length ? 1 : 0)} failed`);
process.exit(failed.length || problems.length ? 1 : 0);
