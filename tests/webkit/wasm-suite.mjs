// The wasm suite (tests/browser.rs) in WebKit. wasm-bindgen-test-runner cannot drive
// WebKitWebDriver (it sends Safari's capabilities), so it only serves the test page
// (NO_HEADLESS=1) and this script drives WebKit to it, streams the page's #output
// and fails unless it ends in "test result: ok". Run from the repository root, with
// GENAUTH_EMULATOR_URL set as for the other browsers (scripts/test.sh).
//
//   node tests/webkit/wasm-suite.mjs [TIMEOUT_SECONDS=300]

import { spawn } from "node:child_process";
import net from "node:net";
import { startWebKit } from "./webdriver.mjs";

const timeoutMs = Number(process.argv[2] || process.env.WASM_BINDGEN_TEST_TIMEOUT || 300) * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const port = await new Promise((resolve) => {
  const srv = net.createServer().listen(0, "127.0.0.1", () => {
    const p = srv.address().port;
    srv.close(() => resolve(p));
  });
});

// Its own process group, so cargo and the runner it starts go together.
const runner = spawn("cargo", ["test", "--target", "wasm32-unknown-unknown", "--test", "browser"], {
  env: { ...process.env, NO_HEADLESS: "1", WASM_BINDGEN_TEST_ADDRESS: `127.0.0.1:${port}` },
  stdio: ["ignore", "pipe", "inherit"],
  detached: true,
});
const stopRunner = () => {
  try {
    process.kill(-runner.pid, "SIGTERM");
  } catch {
    // already gone
  }
};
process.on("exit", stopRunner);

let session = null;
let verdict = 1;
try {
  const url = await new Promise((resolve, reject) => {
    let out = "";
    runner.stdout.setEncoding("utf8");
    runner.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/available at (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    runner.on("exit", (code) => reject(new Error(`the test runner exited (${code}) before serving: ${out}`)));
  });
  session = await startWebKit();
  const { browserName, browserVersion } = session.capabilities;
  console.log(`webkit: ${browserName} ${browserVersion}, suite at ${url}`);
  await session.goto(url);
  const end = Date.now() + timeoutMs;
  let shown = 0;
  for (;;) {
    const text = await session.run(() => {
      const o = document.getElementById("output");
      return o ? o.textContent : "";
    });
    process.stdout.write(text.slice(shown));
    shown = text.length;
    const result = text.match(/test result: (\w+)\./);
    if (result) {
      verdict = result[1] === "ok" ? 0 : 1;
      break;
    }
    if (Date.now() > end) {
      console.log(`\nwebkit: FAILED, no test result after ${timeoutMs / 1000} s`);
      break;
    }
    await sleep(500);
  }
} catch (e) {
  console.log(`webkit: FAILED: ${e.stack || e}`);
} finally {
  if (session) await session.quit();
  stopRunner();
}
console.log(verdict === 0 ? "\nwebkit: wasm suite passed" : "\nwebkit: wasm suite FAILED");
process.exit(verdict);
