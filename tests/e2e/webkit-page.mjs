// The subset of Playwright's page API that demo.mjs uses, over W3C WebDriver, so the
// same flows run in WebKit (WebKitGTK's MiniBrowser; Playwright cannot drive it).
// One WebDriver session serves every "page" in turn: WebKitWebDriver allows one.
//
// What WebDriver cannot see is gathered by a script installed after each load:
// console.error, uncaught errors and rejections, CSP violations. Problems raised
// while the page loads, before that script runs, are not seen in WebKit; the
// page's own `data-ready` marker still proves it initialised.

import fs from "node:fs";
import { startFirefox, startWebKit } from "../webkit/webdriver.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const KEYS = { Enter: "\uE007", Space: " ", ArrowRight: "\uE014", Tab: "\uE004" };

function installWatch() {
  // "host inner": `inner` in the open shadow root of `host` (the drop-in elements); any other
  // selector as the document has it.
  window.__deep = (sel, all) => {
    const at = sel.indexOf(" ");
    const host = at > 0 ? document.querySelector(sel.slice(0, at)) : null;
    const root = host && host.shadowRoot ? host.shadowRoot : document;
    const inner = root === document ? sel : sel.slice(at + 1);
    return all ? root.querySelectorAll(inner) : root.querySelector(inner);
  };
  if (window.__e2e) return;
  window.__e2e = [];
  const push = (kind, detail) => window.__e2e.push({ kind, detail });
  const original = console.error;
  console.error = function (...args) {
    push("console", args.map(String).join(" "));
    return original.apply(this, args);
  };
  addEventListener("error", (e) => push("pageerror", e.message));
  addEventListener("unhandledrejection", (e) => push("pageerror", String(e.reason && e.reason.message || e.reason)));
  document.addEventListener("securitypolicyviolation", (e) =>
    push("csp", { directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));
}

/** Firefox under geckodriver, behind the same page API. */
export const firefoxContext = () => webkitContext(startFirefox);

export async function webkitContext(start = startWebKit) {
  const session = await start();
  let current = null;
  return {
    session,
    async newPage() {
      current = new WebKitPage(session);
      return current;
    },
    pages: () => (current && !current.closed ? [current] : []),
    close: () => session.quit(),
  };
}

class WebKitPage {
  constructor(session) {
    this.s = session;
    this.handlers = {};
    this.closed = false;
    this.keyboard = {
      type: (text) => this.keys([...text]),
      press: (key) => this.keys([KEYS[key] || key]),
    };
  }

  on(event, fn) {
    this.handlers[event] = fn;
  }

  /** Hands what the watch script gathered to the handlers registered with `on`. */
  async drain() {
    if (this.closed) return;
    const seen = await this.s.run(() => (window.__e2e || []).splice(0));
    for (const { kind, detail } of seen) {
      if (kind === "console" && this.handlers.console) this.handlers.console({ type: () => "error", text: () => detail });
      if (kind === "pageerror" && this.handlers.pageerror) this.handlers.pageerror({ message: detail });
      if (kind === "csp" && this.handlers.cspviolation) this.handlers.cspviolation(detail);
    }
  }

  async goto(url) {
    await this.s.goto(url);
    await this.s.run(installWatch);
  }

  async reload() {
    await this.drain();
    await this.s.cmd("POST", "/refresh", {});
    await this.s.run(installWatch);
  }

  /** Key presses to the focused element, as a person types them. */
  keys(list) {
    const actions = list.flatMap((k) => [{ type: "keyDown", value: k }, { type: "keyUp", value: k }]);
    return this.s.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  evaluate(fn, ...args) {
    return this.s.run(fn, ...args);
  }

  /** Runs a script's source (a library, say) in the page. */
  addScript(source) {
    return this.s.cmd("POST", "/execute/sync", { script: `${source}\n;return null;`, args: [] });
  }

  /** `return await (fn)(...args)` in the page. */
  evaluateAsync(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1]; Promise.resolve((${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1))).then(done, (e) => done({ error: String(e) }));`;
    return this.s.cmd("POST", "/execute/async", { script, args });
  }

  /** Playwright's "visible": a box, and not visibility:hidden. */
  state(selector) {
    return this.s.run((sel) => {
      const all = (window.__deep || ((q, a) => (a ? document.querySelectorAll(q) : document.querySelector(q))))(sel, true);
      const el = all[0];
      if (!el) return { count: 0 };
      const r = el.getBoundingClientRect();
      return {
        count: all.length,
        visible: r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden",
        text: el.innerText,
        checked: Boolean(el.checked),
        disabled: Boolean(el.disabled),
        box: { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height },
      };
    }, selector);
  }

  async waitForSelector(selector, timeout = 30_000) {
    const end = Date.now() + timeout;
    while (!(await this.state(selector)).visible) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${selector}`);
      await sleep(50);
    }
  }

  getAttribute(selector, name) {
    return this.s.run((sel, n) => {
      const el = (window.__deep || ((q, a) => (a ? document.querySelectorAll(q) : document.querySelector(q))))(sel);
      return el ? el.getAttribute(n) : null;
    }, selector, name);
  }

  async isChecked(selector) {
    return (await this.state(selector)).checked;
  }

  locator(selector) {
    const st = async () => {
      const s = await this.state(selector);
      if (!s.count) throw new Error(`no element ${selector}`);
      return s;
    };
    return {
      innerText: async () => (await st()).text,
      isVisible: async () => Boolean((await this.state(selector)).visible),
      isHidden: async () => !(await this.state(selector)).visible,
      isEnabled: async () => !(await st()).disabled,
      isDisabled: async () => (await st()).disabled,
      count: async () => (await this.state(selector)).count,
      boundingBox: async () => (await st()).box,
      /** An element of the document (not of a shadow root), as WebDriver shoots it. */
      screenshot: async ({ path }) => {
        const id = await this.s.find(selector);
        fs.writeFileSync(path, Buffer.from(await this.s.cmd("GET", `/element/${id}/screenshot`), "base64"));
      },
    };
  }

  focus(selector) {
    return this.s.run((sel) => (window.__deep || ((q, a) => (a ? document.querySelectorAll(q) : document.querySelector(q))))(sel).focus(), selector);
  }

  /** Whether `selector` is inside a shadow root, which WebDriver's selectors do not reach. */
  inShadow(selector) {
    return this.s.run((sel) => {
      const el = (window.__deep || ((q, a) => (a ? document.querySelectorAll(q) : document.querySelector(q))))(sel);
      return Boolean(el) && el.getRootNode() !== document;
    }, selector);
  }

  async click(selector) {
    if (await this.inShadow(selector)) return this.s.run((sel) => window.__deep(sel).click(), selector);
    return this.s.click(selector);
  }

  async fill(selector, value) {
    if (await this.inShadow(selector)) {
      // Emptied and focused by script, then typed as keys, so the page sees input events.
      await this.s.run((sel) => {
        const el = window.__deep(sel);
        el.value = "";
        el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
        el.focus();
      }, selector);
      return this.keys([...value]);
    }
    const id = await this.s.find(selector);
    await this.s.clear(id);
    await this.s.sendKeys(id, value);
  }

  /** The window is sized so that the viewport (innerWidth) is what was asked. */
  async setViewportSize({ width, height }) {
    const [dw, dh] = await this.s.run(() => [outerWidth - innerWidth, outerHeight - innerHeight]);
    await this.s.setWindowRect(width + dw, height + dh);
  }

  /** The viewport only: WebDriver has no full-page or clipped screenshot. */
  async screenshot({ path }) {
    fs.writeFileSync(path, await this.s.screenshot());
  }

  async close() {
    await this.drain();
    this.closed = true;
    await this.s.goto("about:blank");
  }
}
