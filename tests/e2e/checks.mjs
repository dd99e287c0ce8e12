// The checks both end-to-end scripts use (tests/e2e/demo.mjs, tests/elements/elements.mjs).

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

export function eq(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** A call of the emulator at `api`'s development endpoints (`/__emulator/…`): its JSON answer,
 *  or a throw that says which call failed and why. */
export async function emulatorDev(api, method, p, body) {
  const res = await fetch(`${api}/__emulator/${p}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`${method} /__emulator/${p}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

/** `fn()`'s first truthy answer (a throw counts as a no), polled every 100 ms until `timeout`. */
export async function until(what, fn, timeout) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(100);
  }
}

/** Contrast of two sRGB colours (WCAG 2). */
export function contrast(a, b) {
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
}

/**
 * Tabs through the whole page from the top, as a keyboard user does (into the elements' shadow
 * roots too), and checks every focus ring: at least 2 px, and at least 3:1 against what is
 * behind it (the demo's once was 2.0:1). Also checks that no send button of one flow is next to
 * the other flow's in that order (a removal code was once sent by accident that way). At least
 * `minStops` stops must be met. Returns how many there were.
 */
export async function focusRings(page, label, minStops = 6) {
  // From a mark at the top of the page (focused by script, so it is no stop itself) to one at
  // its end, so the focus never leaves for the browser's own controls (Firefox keeps it there).
  await page.evaluate(() => {
    const [start, end] = [document.createElement("span"), document.createElement("span")];
    [start.tabIndex, end.tabIndex, start.id, end.id] = [-1, 0, "e2e-start", "e2e-end"];
    document.body.prepend(start);
    document.body.append(end);
    start.focus();
  });
  const stops = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      let el = document.activeElement;
      let host = null;
      while (el && el.shadowRoot && el.shadowRoot.activeElement) [host, el] = [el, el.shadowRoot.activeElement];
      // At the end mark, or out of the page after all: "none"; round to an element seen: "again".
      if (!el || el === document.body || el.id === "e2e-end") return "none";
      if (el.e2eStop) return "again";
      el.e2eStop = true;
      // A radio of a segmented control is hidden: its label shows the ring.
      const ringed = el.matches(".segmented input") ? el.nextElementSibling : el;
      const style = getComputedStyle(ringed);
      const rgba = (c) => (c.match(/[\d.]+/g) || []).map(Number);
      // What is behind it: the first ancestor (across shadow roots) with an opaque background.
      let node = ringed.parentElement || ringed.getRootNode().host;
      let bg = [255, 255, 255, 1];
      while (node) {
        const b = rgba(getComputedStyle(node).backgroundColor);
        if (b.length === 4 ? b[3] > 0 : b.length === 3) {
          bg = b.length === 3 ? [...b, 1] : b;
          break;
        }
        node = node.parentElement || (node.getRootNode() !== document ? node.getRootNode().host : null);
      }
      const part = el.getAttribute("part") || "";
      return {
        name: `${host ? `${host.localName} ` : ""}${el.id ? `#${el.id}` : el.localName}${part ? `[${part}]` : ""}`,
        flow: host ? host.localName : null,
        send: part.includes("send"),
        outline: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
        color: rgba(style.outlineColor),
        bg,
      };
    });
    if (stop === "again" || stop === "none") break;
    stops.push(stop);
  }
  await page.evaluate(() => {
    for (const mark of ["e2e-start", "e2e-end"]) document.getElementById(mark).remove();
    const all = (root) => [...root.querySelectorAll("*")].flatMap((n) => [n, ...(n.shadowRoot ? all(n.shadowRoot) : [])]);
    for (const n of all(document)) delete n.e2eStop;
  });
  assert(stops.length >= minStops, `${label}: only ${stops.length} focus stops: ${stops.map((s) => s.name).join(", ")}`);
  for (const s of stops) {
    const [r, g, b, a = 1] = s.color;
    // The ring's colour over its background, blended by its alpha.
    const blended = [r, g, b].map((v, i) => v * a + s.bg[i] * (1 - a));
    const ratio = contrast(blended, s.bg.slice(0, 3));
    assert(s.outline !== "none" && s.width >= 2, `${label}: ${s.name} has no focus ring (${s.outline} ${s.width}px)`);
    assert(ratio >= 3, `${label}: the focus ring of ${s.name} is ${ratio.toFixed(2)}:1 against its background`);
  }
  for (let i = 1; i < stops.length; i++) {
    const [a, b] = [stops[i - 1], stops[i]];
    assert(!(a.send && b.send && a.flow !== b.flow), `${label}: send buttons of both flows adjacent: ${a.name}, ${b.name}`);
  }
  return stops.length;
}
