// The React consumer (issue 17): the app in app/ (Vite 8, React 19, TypeScript, <StrictMode>),
// installed from the packed tarball by tests/consumers/run.sh, driven in headless Chromium
// through the whole change-number flow against the emulator, the way a person would use it:
// type the number key by key (half-typed numbers go through flow.setNewNumber in onChange),
// double-click "Send code" (one send-sms request reaches the emulator), a wrong code (its
// error shown), the right one, a double-clicked confirm (one update-phone request), the
// emulator's user holding the new number; then, in a new flow, a number the server refuses
// for 2 s (its 429 shown, the countdown, Send back when it ends); then leave while a code is
// being sent (the unmount cleanup cancels it: the emulator sees the connection closed) and
// come back to a fresh flow.
// Fails on any console error, page error or unhandled rejection.
//
//   node run.mjs --mode dev|prod --emulator URL --old PHONE --new PHONE --other PHONE
//
// Run in the installed app's directory. --mode dev: the Vite dev server (React's development
// build: StrictMode mounts twice, runs effects' cleanups in between and initialisers twice);
// --mode prod: `vite build`, then `vite preview` (the production build, effects run once).
// Last line on success: "react (MODE): ok ...".
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opt } = parseArgs({
  options: {
    mode: { type: "string" }, emulator: { type: "string" },
    old: { type: "string" }, new: { type: "string" }, other: { type: "string" },
  },
});
if (!["dev", "prod"].includes(opt.mode) || !opt.emulator || !opt.old || !opt.new || !opt.other) {
  console.error("usage: node run.mjs --mode dev|prod --emulator URL --old PHONE --new PHONE --other PHONE");
  process.exit(2);
}
const began = Date.now();
const APP_ID = "emulator-app";
const here = dirname(fileURLToPath(import.meta.url));

function assert(ok, message) {
  if (!ok) throw new Error(message);
}

// The npm README's "React" section shows exactly the component this test runs.
{
  const readme = readFileSync(join(here, "../../../pkg-template/README.md"), "utf8");
  const shown = readme.split("### React\n")[1]?.match(/```tsx\n([\s\S]*?)```/)?.[1];
  const ran = readFileSync(join(here, "app/src/ChangePhone.tsx"), "utf8");
  assert(shown === ran, "pkg-template/README.md's React ```tsx block is not tests/consumers/react/app/src/ChangePhone.tsx");
}

async function dev(path, body, method = body ? "POST" : "GET") {
  const res = await fetch(`${opt.emulator}/__emulator/${path}`, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
const requestsTo = async (path, since) => (await dev("requests")).slice(since).filter((r) => r.path === path).length;

async function freePort() {
  const s = createServer().listen(0, "127.0.0.1");
  await once(s, "listening");
  const { port } = s.address();
  s.close();
  return port;
}

// Runs a Vite command of the app; resolves when it exits with 0.
async function vite(...args) {
  const child = spawn("./node_modules/.bin/vite", args, { stdio: "inherit" });
  const [code] = await once(child, "exit");
  assert(code === 0, `vite ${args.join(" ")} exited with ${code}`);
}

// Starts `vite` (dev server) or `vite preview` on a free port; returns its origin and the process.
async function serve(command) {
  const port = await freePort();
  const args = [...command, "--host", "127.0.0.1", "--port", String(port), "--strictPort"];
  // NO_COLOR: with CI set, Vite colours its log and the URL would hide behind ANSI codes.
  const child = spawn("./node_modules/.bin/vite", args, { env: { ...process.env, NO_COLOR: "1" } });
  let log = "";
  const origin = `http://127.0.0.1:${port}`;
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`vite ${command.join(" ")} did not start in 20 s:\n${log}`)), 20000);
    const read = (chunk) => {
      log += chunk;
      if (log.includes(origin)) clearTimeout(timer), ok();
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => fail(new Error(`vite ${command.join(" ")} exited with ${code}:\n${log}`)));
  });
  return { origin, child, log: () => log };
}

let server;
let browser;
let page;
let settings; // the emulator's, while changed
const consoleErrors = [], pageErrors = [];
try {
  if (opt.mode === "prod") {
    await vite("build", "--logLevel", "warn");
    server = await serve(["preview"]);
  } else {
    server = await serve([]);
  }
  console.log(`react (${opt.mode}): app at ${server.origin}`);

  const user = await dev("users", { phone: opt.old, phoneCountryCode: "+86", email: `${opt.old}@example.com` });

  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--no-first-run", "--disable-quic"],
  });
  page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => pageErrors.push(e.message));
  // Unhandled rejections, counted by the page itself from the first script on.
  await page.addInitScript(() => {
    window.__rejections = [];
    addEventListener("unhandledrejection", (e) => window.__rejections.push(String(e.reason?.stack ?? e.reason)));
  });
  const problems = async () => ({
    consoleErrors, pageErrors, rejections: await page.evaluate(() => window.__rejections),
  });

  const q = new URLSearchParams({ appId: APP_ID, appHost: opt.emulator, accessToken: user.accessToken });
  await page.goto(`${server.origin}/?${q}`);
  const phone = page.locator('input[name="phone"]');
  const send = page.getByRole("button", { name: /Send code|Sending|Resend/ });
  const alert = page.getByRole("alert");
  // The form, or the page's first error (a module that throws never shows it).
  const shown = phone.waitFor({ timeout: 15000 });
  shown.catch(() => {});
  await Promise.race([shown, new Promise((_, fail) => page.once("pageerror", (e) => fail(new Error(`page error before the form showed: ${e.message}`))))]);

  // Which React ran: the development build under <StrictMode> (dev), the production build (prod).
  const react = await page.evaluate(() => {
    const root = document.getElementById("root");
    const key = Object.keys(root).find((k) => k.startsWith("__reactContainer$"));
    const fiber = root[key]?.stateNode?.current; // the committed HostRoot
    return { strict: fiber?.child?.elementType === Symbol.for("react.strict_mode"), development: "_debugOwner" in fiber };
  });
  assert(react.strict, "the app is not under <StrictMode>");
  assert(react.development === (opt.mode === "dev"), `React's ${react.development ? "development" : "production"} build ran in ${opt.mode}`);

  // 1. Typed key by key: the half-typed number is refused in the state, not thrown.
  await phone.pressSequentially(opt.new.slice(0, 2));
  assert(await phone.getAttribute("aria-invalid") === "true", "a half-typed number: the input is not marked invalid");
  await alert.waitFor({ timeout: 5000 });
  assert(await send.isDisabled(), "a half-typed number: Send is enabled");
  await phone.pressSequentially(opt.new.slice(2));
  await page.waitForFunction(() => !document.querySelector('[role="alert"]'), null, { timeout: 5000 });
  assert(await phone.getAttribute("aria-invalid") === "false", "the whole number: the input is still marked invalid");

  // 2. A double click on Send while the request is in flight (the emulator holds it 500 ms):
  //    one send-sms request, no error shown.
  let since = (await dev("requests")).length;
  await dev("faults", { delayMs: 500 });
  await send.dblclick();
  // Both clicks reached the flow: the button stays enabled while it sends (the flow, not the UI,
  // makes the second click a no-op).
  assert(await send.textContent() === "Sending…" && await send.isEnabled(), "Send is not enabled while it sends");
  await page.getByRole("button", { name: /Resend in \d+ s/ }).waitFor({ timeout: 5000 });
  const sends = await requestsTo("/api/v3/send-sms", since);
  assert(sends === 1, `a double click on Send: ${sends} send-sms requests reached the emulator, expected 1`);
  if (await alert.count()) throw new Error(`a double click on Send showed an error: ${await alert.textContent()}`);
  const resend = await send.textContent();
  const seconds = Number(resend.match(/\d+/)[0]);
  assert(seconds > 50 && seconds <= 60 && await send.isDisabled(), `the resend countdown: "${resend}", disabled ${await send.isDisabled()}`);

  // 3. A wrong code: the server's refusal shown, nothing thrown.
  const inbox = await dev(`sms?phoneNumber=${opt.new}`);
  const right = inbox.filter((m) => m.channel === "CHANNEL_BIND_PHONE").pop()?.code;
  assert(right, `no code in the emulator's inbox for ${opt.new}`);
  const wrong = [...right].map((d) => (Number(d) + 1) % 10).join("");
  const code = page.locator('input[name="code"]');
  const verify = page.getByRole("button", { name: "Verify" });
  await code.fill(wrong);
  await verify.click();
  await alert.waitFor({ timeout: 5000 });
  const refusal = await alert.textContent();
  assert(refusal.trim().length > 0, "a wrong code: an empty error");
  assert(await code.getAttribute("aria-invalid") === "true", "a wrong code: the code input is not marked invalid");

  // 4. The right code, then a double-clicked confirm: one update-phone request.
  await code.fill(right);
  await verify.click();
  const confirm = page.getByRole("button", { name: /^Change to .* \(within \d+ s\)$/ });
  await confirm.waitFor({ timeout: 5000 });
  since = (await dev("requests")).length;
  await confirm.dblclick();
  const done = await page.getByRole("status").textContent({ timeout: 5000 });
  const updates = await requestsTo("/api/v3/update-phone", since);
  assert(updates === 1, `a double click on confirm: ${updates} update-phone requests, expected 1`);
  const after = await dev(`users/${user.userId}`);
  assert(after.phone === opt.new, `the emulator's user has phone ${after.phone}, expected ${opt.new}`);

  // 5. A new flow, for a number that got a code from elsewhere a moment ago (with the server's
  //    cooldown at 2 s): the server's refusal shown, its countdown, and Send back when it ends.
  const toggle = page.locator("#toggle");
  await toggle.click(); // close the done flow
  await toggle.click(); // a new one
  await phone.fill(opt.other);
  settings = await dev("settings");
  await dev("settings", { smsCooldownSecs: 2 }, "PUT");
  const elsewhere = await fetch(`${opt.emulator}/api/v3/send-sms`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-authing-app-id": APP_ID },
    body: JSON.stringify({ channel: "CHANNEL_BIND_PHONE", phoneNumber: opt.other }),
  }).then((r) => r.json());
  assert(elsewhere.statusCode === 200, `a code from elsewhere: ${JSON.stringify(elsewhere)}`);
  await send.click();
  await page.getByRole("button", { name: /^Resend in [12] s$/ }).waitFor({ timeout: 5000 });
  const throttled = await alert.textContent();
  assert(await send.isDisabled(), "a 429: Send is enabled during the wait");
  await page.getByRole("button", { name: "Send code" }).waitFor({ timeout: 4000 });
  assert(await send.isEnabled(), "after the 429's wait: Send is still disabled");
  await dev("settings", settings, "PUT");
  settings = null;

  // 6. Leaving while a code is being sent: the unmount cleanup cancels it (the emulator sees the
  //    client close the connection), nothing is reported; coming back gives a fresh flow.
  await dev("connections", null, "DELETE");
  await dev("faults", { delayMs: 3000 });
  await send.click();
  await page.getByRole("button", { name: "Sending…" }).waitFor({ timeout: 5000 });
  await toggle.click(); // unmount mid-send
  let closed;
  for (let i = 0; i < 50 && !closed; i++) {
    closed = (await dev("connections")).find((c) => c.path === "/api/v3/send-sms" && c.closedByClient);
    if (!closed) await new Promise((ok) => setTimeout(ok, 50));
  }
  assert(closed, "unmounting mid-send: the send's connection was not closed by the client (the cleanup did not cancel it)");
  await toggle.click();
  await phone.waitFor();
  assert(await phone.inputValue() === "" && await send.isDisabled(), "coming back: not a fresh flow");
  await dev("faults", null, "DELETE");

  // 7. The drop-in element under React 19 (?element): the client passed as a prop, the whole
  //    change through the element, its genauth-done event heard by the component.
  const rand = () => `177${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
  const owner = await dev("users", { phone: rand(), phoneCountryCode: "+86", email: `e${Date.now()}@example.com` });
  const logs = [];
  page.on("console", (m) => m.type() === "log" && logs.push(m.text()));
  const qe = new URLSearchParams({ appId: APP_ID, appHost: opt.emulator, accessToken: owner.accessToken, element: "" });
  await page.goto(`${server.origin}/?${qe}`);
  const target = rand();
  const typed = page.locator("genauth-change-phone #number");
  await typed.fill(`${target.slice(0, 3)} ${target.slice(3, 7)} ${target.slice(7)}`);
  await typed.press("Enter");
  await page.locator("genauth-change-phone #new-code").waitFor({ timeout: 5000 });
  const sent = (await dev(`sms?phoneNumber=${target}`)).filter((m) => m.channel === "CHANNEL_BIND_PHONE").pop()?.code;
  assert(sent, `the element sent no code to ${target}`);
  await page.locator("genauth-change-phone #new-code").fill(sent);
  await page.locator("genauth-change-phone #new-code").press("Enter");
  const change = page.locator("genauth-change-phone button", { hasText: /^Change to / });
  await change.waitFor({ timeout: 5000 });
  await change.click();
  await page.locator("genauth-change-phone [part=done]", { hasText: "Your phone number is now" }).waitFor({ timeout: 5000 });
  const owned = await dev(`users/${owner.userId}`);
  assert(owned.phone === target, `through the element: the emulator's user has ${owned.phone}, expected ${target}`);
  assert(logs.some((l) => l === `changed to +86 ${target.slice(0, 3)}****${target.slice(7)}`), `the genauth-done event was not heard: ${JSON.stringify(logs)}`);

  await page.waitForTimeout(200); // anything late (a settled promise, a timer) has had its turn
  const seen = await problems();
  const counts = `${seen.consoleErrors.length} console errors, ${seen.pageErrors.length} page errors, ${seen.rejections.length} unhandled rejections`;
  assert(seen.consoleErrors.length + seen.pageErrors.length + seen.rejections.length === 0, `${counts}:\n${JSON.stringify(seen, null, 2)}`);

  console.log(`react (${opt.mode}): React ${react.development ? "development" : "production"} build under StrictMode; ` +
    `${opt.old} -> ${after.phone} ("${done.trim()}"); 1 send-sms for a double click ("${resend.trim()}"); ` +
    `wrong code: "${refusal.trim()}"; 1 update-phone for a double click; the server's 429 shown ("${throttled.trim()}"), Send back after it; unmount mid-send closed the request after ` +
    `${closed.closedAfterMs} ms; <genauth-change-phone client={client}> changed a number; ${counts}`);
  console.log(`react (${opt.mode}): ok in ${((Date.now() - began) / 1000).toFixed(1)} s`);
} catch (e) {
  // What the page said is usually the reason.
  const rejections = await page?.evaluate(() => window.__rejections).catch(() => []);
  for (const [what, list] of [["console error", consoleErrors], ["page error", pageErrors], ["unhandled rejection", rejections ?? []]]) {
    for (const m of list) console.error(`${what}: ${m}`);
  }
  throw e;
} finally {
  if (settings) await dev("settings", settings, "PUT");
  await browser?.close();
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    const exited = once(server.child, "exit");
    server.child.kill();
    await exited;
  }
}
