// WebKit (WebKitGTK's MiniBrowser) under W3C WebDriver, from Node with nothing but
// fetch: Playwright cannot drive WebKitGTK, and nothing may be downloaded here.
// Starts Xvfb (unless DISPLAY is set) and WebKitWebDriver on free ports, opens the one
// session WebKitWebDriver allows, and `quit()` closes all three. `startFirefox()` does the
// same for headless Firefox under geckodriver (Playwright's Firefox is a patched build that
// cannot be downloaded here).

import { execFileSync, spawn } from "node:child_process";
import net from "node:net";

const DRIVER = process.env.WEBKIT_WEBDRIVER || "WebKitWebDriver";

/** MiniBrowser is not on PATH: Debian keeps it in the library's directory. */
export function miniBrowser() {
  if (process.env.WEBKIT_BROWSER) return process.env.WEBKIT_BROWSER;
  const files = execFileSync("dpkg", ["-L", "libwebkit2gtk-4.1-0"], { encoding: "utf8" });
  const hit = files.split("\n").find((f) => f.endsWith("/MiniBrowser"));
  if (!hit) throw new Error("MiniBrowser not found: apt-get install webkit2gtk-driver");
  return hit;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Xvfb on the first free display number; resolves with ":N" once it is ready. */
function startXvfb(children) {
  return new Promise((resolve, reject) => {
    // -displayfd writes the display number to fd 3 once the server accepts clients.
    const x = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    children.push(x);
    let out = "";
    x.stdio[3].on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(`:${out.trim()}`);
    });
    x.on("exit", (code) => reject(new Error(`Xvfb exited (${code})`)));
    setTimeout(() => reject(new Error("Xvfb did not start in 10 s")), 10_000);
  });
}

export function startWebKit() {
  return startDriver(DRIVER, {
    "webkitgtk:browserOptions": { binary: miniBrowser(), args: ["--automation"] },
  }, true);
}

/** Firefox (headless) under geckodriver, the same W3C WebDriver commands. */
export function startFirefox() {
  return startDriver(process.env.GECKODRIVER || "geckodriver", { "moz:firefoxOptions": { args: ["-headless"] } }, false);
}

/** A WebDriver server on a free port (with Xvfb when `display` and no DISPLAY) and its one session. */
async function startDriver(command_, capabilities, display) {
  const children = [];
  const quitChildren = () => {
    for (const c of children.reverse()) if (c.exitCode === null) c.kill("SIGTERM");
  };
  try {
    const env = { ...process.env };
    if (display && !env.DISPLAY) env.DISPLAY = await startXvfb(children);
    const port = await freePort();
    const driver = spawn(command_, [`--port=${port}`], { env, stdio: ["ignore", "ignore", "pipe"] });
    children.push(driver);
    let driverLog = "";
    driver.stderr.setEncoding("utf8");
    driver.stderr.on("data", (d) => { driverLog += d; });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        await fetch(`${base}/status`);
        break;
      } catch {
        if (i > 100) throw new Error(`${command_} did not start: ${driverLog}`);
        await sleep(100);
      }
    }
    const created = await command(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    const session = new Session(`${base}/session/${created.sessionId}`, created.capabilities);
    session.quit = async () => {
      // One session at a time: delete it, or the next run's creation fails.
      await command(session.url, "DELETE", "").catch(() => {});
      quitChildren();
    };
    return session;
  } catch (e) {
    quitChildren();
    throw e;
  }
}

async function command(url, method, path, body) {
  const res = await fetch(url + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok || (json.value && json.value.error)) {
    throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(json.value)}`);
  }
  return json.value;
}

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** The W3C WebDriver commands the tests use. */
export class Session {
  constructor(url, capabilities) {
    this.url = url;
    this.capabilities = capabilities;
  }

  cmd(method, path, body) {
    return command(this.url, method, path, body);
  }

  goto(url) {
    return this.cmd("POST", "/url", { url });
  }

  /** Runs `return (fn)(...args)` in the page; fn must be self-contained. */
  run(fn, ...args) {
    return this.cmd("POST", "/execute/sync", { script: `return (${fn}).apply(null, arguments)`, args });
  }

  async find(selector) {
    const el = await this.cmd("POST", "/element", { using: "css selector", value: selector });
    return el[ELEMENT];
  }

  async activeElement() {
    return (await this.cmd("GET", "/element/active"))[ELEMENT];
  }

  click(selector) {
    return this.find(selector).then((id) => this.cmd("POST", `/element/${id}/click`, {}));
  }

  /** Keys go to the element (WebDriver focuses it first). */
  sendKeys(id, text) {
    return this.cmd("POST", `/element/${id}/value`, { text });
  }

  clear(id) {
    return this.cmd("POST", `/element/${id}/clear`, {});
  }

  setWindowRect(width, height) {
    return this.cmd("POST", "/window/rect", { width, height });
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }
}
