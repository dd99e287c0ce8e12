// genauth-phone/elements: <genauth-change-phone> and <genauth-remove-phone>, the whole flow as
// drop-in elements. All the logic is the flow objects' (client.phoneChange(), phoneRemoval()):
// this file only renders their state and calls them. It imports nothing, so importing it where
// there is no DOM (Node, SSR) defines nothing and throws nothing.
//
//   import "genauth-phone/elements";
//   document.querySelector("genauth-change-phone").client = client;   // a property, never an attribute
//
// Attributes: lang ("zh-CN" | "en-US"; the client's when absent), verify-old-phone,
// default-country-code (the code of a national number; GenAuth's +86 when absent).
// Events (bubbling, composed): "genauth-done" { kind, maskedNumber }, "genauth-failed"
// { kind, code, reason, field, message }: never a token or a code.

const TEXT = {
  "en-US": {
    change: "Change phone number",
    remove: "Remove phone number",
    number: "New phone number",
    current: "Current number",
    codeFor: "Code for {n}",
    first: "Get the code for {n} first.",
    send: "Send code",
    resend: "Send again",
    wait: "Send again in {s} s",
    waitFirst: "Send in {s} s",
    sending: "Sending…",
    verify: "Verify",
    verifying: "Verifying…",
    confirm: "Change to {n}",
    removeIt: "Remove {n}",
    confirming: "Saving…",
    expires: "Confirm within {s} s.",
    yours: "your current number",
    sent: "A code was sent to {n}.",
    verified: "Verified. Confirm the change.",
    changed: "Your phone number is now {n}.",
    removed: "Your phone number was removed.",
    broken: "Something went wrong. Please try again later.",
  },
  "zh-CN": {
    change: "更换手机号",
    remove: "解绑手机号",
    number: "新手机号",
    current: "当前手机号",
    codeFor: "{n} 的验证码",
    first: "请先获取 {n} 的验证码。",
    send: "获取验证码",
    resend: "重新发送",
    wait: "{s} 秒后可重新发送",
    waitFirst: "{s} 秒后可发送",
    sending: "正在发送…",
    verify: "验证",
    verifying: "正在验证…",
    confirm: "确认更换为 {n}",
    removeIt: "确认解绑 {n}",
    confirming: "正在保存…",
    expires: "请在 {s} 秒内确认。",
    yours: "当前手机号",
    sent: "验证码已发送至 {n}。",
    verified: "验证成功，请确认更换。",
    changed: "手机号已更换为 {n}。",
    removed: "手机号已解绑。",
    broken: "应用出错了，请稍后重试。",
  },
};

const CSS = `
:host{display:block;font:var(--genauth-font,inherit);color-scheme:light dark;color:var(--genauth-fg,CanvasText);
background:var(--genauth-bg,Canvas);padding:1em;border-radius:var(--genauth-radius,6px);
--a:var(--genauth-accent,#0b57d0);--r:var(--genauth-radius,6px);--e:var(--genauth-error,#b3261e);max-width:28rem}
@media (prefers-color-scheme:dark){:host{--a:var(--genauth-accent,#a8c7fa);--e:var(--genauth-error,#f2b8b5)}}
[hidden],:host([hidden]){display:none!important}
h2{font-size:1.15em;margin:0 0 .75em}
form{display:grid;gap:.75em;margin:0 0 1em}[part=code]{display:grid;gap:.35em}
label{font-weight:600}
input{font:inherit;padding:.5em .6em;border:1px solid GrayText;border-radius:var(--r);background:Field;color:FieldText;min-width:0}
input[aria-invalid=true]{border-color:var(--e)}
.row{display:flex;gap:.5em;flex-wrap:wrap}.row input{flex:1 1 8em}
button{font:inherit;padding:.5em 1em;border-radius:var(--r);border:1px solid var(--a);background:var(--a);color:Canvas;cursor:pointer}
button.quiet{background:transparent;color:var(--a)}
button:disabled{opacity:.6;cursor:default}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
.err{color:var(--e);margin:0}.note{margin:0}#alert{margin-bottom:.75em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;

let sheet = null;
const Base = typeof HTMLElement === "undefined" ? class {} : HTMLElement;

/** `{n}` and `{s}` filled in (by functions: a `$` in them is no replacement pattern). */
const fill = (text, n = "", s = "") => text.replace("{n}", () => n).replace("{s}", () => s);
/** The texts of a language tag: en* is English, anything else Chinese. */
const texts = (lang) => TEXT[/^en/i.test(lang || "") ? "en-US" : "zh-CN"];
/** Failures that are no step's outcome for the person: cancelled, or the page's own misuse. */
const NOT_SHOWN = ["ABORTED", "INVALID_STATE", "CLIENT_FREED"];
const h = (tag, props = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) k in el ? (el[k] = v) : el.setAttribute(k, v);
  el.append(...children);
  return el;
};

/** What both elements share: the client, the flow, rendering on every change of its state. */
class FlowElement extends Base {
  static observedAttributes = ["lang"];
  #client = null;
  #ticker = 0;
  #otp = null;
  #leaving = false;

  constructor() {
    super();
    // delegatesFocus: focus() on the element moves to its first input (an app's "go here next").
    this.attachShadow({ mode: "open", delegatesFocus: true });
    if (!sheet && "replaceSync" in CSSStyleSheet.prototype) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    if (sheet) this.shadowRoot.adoptedStyleSheets = [sheet];
    this.flow = null;
    this.touched = false;
    this.pending = 0;
    this.shown = null;
    // A `client` set before the element was defined hides the accessor: take it over.
    if (Object.prototype.hasOwnProperty.call(this, "client")) {
      const client = this.client;
      delete this.client;
      this.client = client;
    }
  }

  get client() {
    return this.#client;
  }
  set client(client) {
    client = client || null;
    if (client === this.#client) return;
    this.#client = client;
    this.restart();
  }

  connectedCallback() {
    // Moved within the page (disconnected and connected again in one task): the same flow.
    if (this.#leaving) {
      this.#leaving = false;
      return;
    }
    this.restart();
  }
  disconnectedCallback() {
    this.#leaving = true;
    queueMicrotask(() => {
      if (this.#leaving && !this.isConnected) {
        this.#leaving = false;
        this.stop();
      }
    });
  }
  attributeChangedCallback(name, old, value) {
    // Attributes parsed before the element is connected come here first: nothing built yet.
    if (!this.status) return;
    this.attribute?.(name, value);
    this.render();
  }

  /** The element's language: its `lang`, else the client's (read safely: what an app set as
   *  `client` may throw when touched, or be no client at all). */
  language() {
    try {
      const lang = this.getAttribute("lang") || this.#client?.lang;
      return typeof lang === "string" ? lang : "";
    } catch {
      return "";
    }
  }

  /** The texts of `lang`, else of the client's language. */
  get t() {
    return texts(this.language());
  }

  /** Retires the flow (a confirm already sent still finishes) and everything that watched it. */
  stop() {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.flow?.free();
    this.flow = null;
    this.stopListening();
    clearInterval(this.#ticker);
    this.#ticker = 0;
  }

  /** A new flow on the client (when connected), with its inputs emptied; the codes' stored
   *  cooldowns show again. Public: an app starts over after a change, or after the number was
   *  changed elsewhere. */
  restart() {
    this.stop();
    if (!this.status) this.build();
    for (const input of this.shadowRoot.querySelectorAll("input")) input.value = "";
    this.touched = false;
    this.shown = null;
    this.say("");
    // Nothing of the flow before stays on screen (a refusal, a retired client's words).
    this.alert.hidden = true;
    if (this.isConnected && this.#client) {
      try {
        this.flow = this.create(this.#client);
        this.unsubscribe = this.flow.subscribe(() => this.render());
      } catch (e) {
        // A retired client: its worded error above the form; anything that is no client (a
        // throwing or revoked Proxy, a plain object): a plain sentence, not the developer's
        // TypeError. Nothing thrown from a setter.
        this.flow = null;
        this.alert.hidden = false;
        this.alert.textContent = this.worded(e);
        return;
      }
    }
    this.render();
  }

  /** A GenAuthError's message (words for people), else a plain sentence. */
  worded(e) {
    try {
      if (typeof e.code === "string" && typeof e.message === "string") return e.message;
    } catch {
      // a thrown value that throws when read: the plain sentence
    }
    return this.t.broken;
  }

  /** Runs a step of the current flow; a later flow does not show its outcome. A failure the
   *  person can act on goes to its field (or above the form), with the focus. `applied` runs on
   *  success even for a flow since replaced (a new client mid-confirm): the app must still hear
   *  that the number changed. */
  async step(run, done, applied) {
    const flow = this.flow;
    this.pending++;
    const error = await run();
    this.pending--;
    if (!error) applied?.();
    if (flow !== this.flow) return;
    if (!error) return done?.();
    if (NOT_SHOWN.includes(error.code)) return;
    this.shown = error;
    this.emit("genauth-failed", { kind: this.kind, code: error.code, reason: error.reason, field: error.field, message: error.message });
    // The focus goes to the words: an error above the form is read as it takes the focus; one on
    // a field that may have the focus already is said (unseen: it shows under the field).
    const field = this.fieldOf(error);
    this.say(field ? error.message : "", true);
    this.render();
    (field || this.alert).focus();
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
  }

  /** The one polite announcement of a change (never of a countdown); `unseen` when its words
   *  show elsewhere already (an error on its field or above the form): heard, not shown twice. */
  say(text, unseen) {
    if (!this.status) return;
    this.status.textContent = text;
    this.status.classList.toggle("sr", Boolean(unseen));
  }

  /** A failure that came without a step of ours (a token that expired, a read that failed, a
   *  typed number's problem once the field is left): announced once. */
  announce(error) {
    if (error && error !== this.shown && !this.pending) this.say(error.message, true);
    this.shown = error;
  }

  /** Enter (or the step's button) before every code was asked for: the person hears which to get
   *  first, and the focus goes to its send button (no silent dead key). True when one is missing. */
  missing(sends, buttonOf) {
    const send = sends.find((x) => !x.sent);
    if (!send) return false;
    this.say(fill(this.t.first, send.maskedNumber || this.t.yours));
    buttonOf(send).focus();
    return true;
  }

  /** Re-renders every second while a countdown runs (cooldowns, the token's life). */
  tick(until) {
    const running = until > Date.now();
    if (running && !this.#ticker) this.#ticker = setInterval(() => this.render(), 1000);
    if (!running && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = 0;
    }
  }

  /** Offers the SMS code to `input` where the browser reads it (WebOTP), until the step changes. */
  listenForCode(input) {
    this.stopListening();
    if (typeof window === "undefined" || !("OTPCredential" in window)) return;
    this.#otp = new AbortController();
    navigator.credentials.get({ otp: { transport: ["sms"] }, signal: this.#otp.signal })
      .then((otp) => { if (otp?.code && !input.value) input.value = otp.code; }, () => {});
  }
  stopListening() {
    this.#otp?.abort();
    this.#otp = null;
  }

  /** The box with its heading, its live region and a line for errors without a field; its
   *  `lang` is the language its texts are in. */
  frame() {
    this.box = h("div", { part: "box" });
    this.status = h("p", { className: "note", part: "status", role: "status" });
    this.alert = h("p", { className: "err", part: "error", id: "alert", hidden: true, tabIndex: -1 });
    this.heading = h("h2", { part: "title" });
    this.box.append(this.heading, this.alert);
    this.shadowRoot.replaceChildren(this.box);
    return this.box;
  }

  /** Texts common to both, each render. */
  common(title) {
    this.box.lang = this.language() || "zh-CN";
    this.heading.textContent = title;
  }

  /** A labelled input with its own error line (aria-describedby). */
  field(id, label, props) {
    const input = h("input", { id, part: "input", ...props });
    const error = h("p", { className: "err", part: "error", id: `${id}-error`, hidden: true });
    input.setAttribute("aria-describedby", error.id);
    return [h("label", { htmlFor: id, id: `${id}-label`, part: "label" }, label), input, error];
  }

  /** A send button, named with the code's label too ("Send code" alone says not which). */
  sendButton(id, onClick) {
    const button = h("button", { type: "button", className: "quiet", part: "button send" });
    button.setAttribute("aria-describedby", `${id}-label`);
    button.addEventListener("click", onClick);
    return button;
  }

  /** Shows `error` on its field (or above the form), and clears the others. */
  showError(error, fields) {
    const target = error && this.fieldOf(error);
    for (const input of fields) {
      const line = this.shadowRoot.getElementById(`${input.id}-error`);
      const mine = input === target;
      input.setAttribute("aria-invalid", String(mine));
      line.hidden = !mine;
      line.textContent = mine ? error.message : "";
    }
    this.alert.hidden = !error || Boolean(target);
    this.alert.textContent = error && !target ? error.message : "";
  }

  /** A send button's label: send, sending, a countdown, or send again. */
  sendLabel(send, busy) {
    const t = this.t;
    const left = Math.ceil(((send?.cooldownUntil || 0) - Date.now()) / 1000);
    if (busy) return t.sending;
    if (left > 0) return fill(send?.sent ? t.wait : t.waitFirst, "", left);
    return send?.sent ? t.resend : t.send;
  }
}

/** `<genauth-change-phone>`: the new number, its code (and the current number's), the change. */
class ChangePhoneElement extends FlowElement {
  static observedAttributes = ["lang", "verify-old-phone", "default-country-code"];
  kind = "change";

  create(client) {
    return client.phoneChange({ verifyOldPhone: this.hasAttribute("verify-old-phone") });
  }

  /** Attributes changed mid-flow go to the flow, which keeps what was done. */
  attribute(name, value) {
    if (name === "verify-old-phone") this.flow?.setVerifyOldPhone(value !== null);
    if (name === "default-country-code" && this.number.value) this.flow?.setNewNumber(this.number.value, value);
  }

  build() {
    const t = this.t;
    const root = this.frame();
    const [numberLabel, number, numberError] = this.field("number", t.number, {
      type: "tel", autocomplete: "tel", inputMode: "tel", spellcheck: false,
    });
    number.addEventListener("input", () => {
      this.touched = false;
      this.flow?.setNewNumber(number.value, this.getAttribute("default-country-code"));
    });
    number.addEventListener("blur", () => {
      this.touched = Boolean(number.value.trim());
      this.render();
    });
    this.number = number;
    this.numberForm = h("form", { part: "form" }, numberLabel, number, numberError);
    this.numberForm.addEventListener("submit", (e) => {
      e.preventDefault();
      this.touched = true;
      const s = this.flow?.state;
      const first = s?.sends[0];
      if (s?.step === "codes" && !s.busy && !first?.sent && !(first?.cooldownUntil > Date.now())) this.send("new");
      else this.render();
    });
    this.codes = { new: this.codeRow("new"), current: this.codeRow("current") };
    this.verifyButton = h("button", { type: "submit", part: "button" });
    this.codesForm = h("form", { part: "form" }, this.codes.new.row, this.codes.current.row, this.verifyButton);
    this.codesForm.addEventListener("submit", (e) => {
      e.preventDefault();
      if (this.missing(this.flow.state.sends, (x) => this.codes[x.target].button)) return;
      const codes = { newCode: this.codes.new.input.value.trim() };
      if (this.flow.state.verifyOldPhone) codes.currentCode = this.codes.current.input.value.trim();
      this.step(() => this.flow.verify(codes), () => {
        this.stopListening();
        this.say(this.t.verified);
        this.confirmButton.focus();
      });
    });
    this.confirmButton = h("button", { type: "submit", part: "button" });
    this.expiry = h("p", { className: "note", part: "note" });
    this.confirmForm = h("form", { part: "form" }, this.expiry, this.confirmButton);
    this.confirmForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const masked = this.flow.state.newNumber?.masked;
      this.step(() => this.flow.confirm(), () => {
        this.say("");
        this.doneLine.focus();
      }, () => this.emit("genauth-done", { kind: "change", maskedNumber: masked }));
    });
    this.doneLine = h("p", { className: "note", part: "done", tabIndex: -1 });
    root.append(this.numberForm, this.codesForm, this.confirmForm, this.doneLine, this.status);
  }

  /** One code: its label (with its masked number), its input, its send button beside it. */
  codeRow(target) {
    const [label, input, error] = this.field(`${target}-code`, "", {
      autocomplete: "one-time-code", inputMode: "numeric", maxLength: 10, spellcheck: false,
    });
    const button = this.sendButton(`${target}-code`, () => this.send(target));
    return { target, label, input, button, row: h("div", { part: "code" }, label, h("div", { className: "row" }, input, button), error) };
  }

  send(target) {
    const row = this.codes[target];
    this.step(() => this.flow.sendCode(target), () => {
      const send = this.flow.state.sends.find((s) => s.target === target);
      this.say(fill(this.t.sent, send?.maskedNumber));
      row.input.focus();
      this.listenForCode(row.input);
    });
  }

  fieldOf(error) {
    return { newPhoneNumber: this.number, newPhoneCountryCode: this.number, newCode: this.codes.new.input, currentCode: this.codes.current.input }[error.field];
  }

  render() {
    const t = this.t;
    const s = this.flow?.state;
    this.common(t.change);
    this.numberForm.querySelector("label").textContent = t.number;
    // No client yet: nothing to fill in (an input that does nothing would mislead).
    if (!s) {
      for (const form of [this.numberForm, this.codesForm, this.confirmForm, this.doneLine]) form.hidden = true;
      return;
    }
    const done = s.step === "done";
    if (s.step !== "codes") this.stopListening();
    this.numberForm.hidden = done;
    // The codes while they are asked for; once verified, only the confirmation.
    this.codesForm.hidden = s.step !== "codes";
    this.confirmForm.hidden = s.step !== "confirm";
    this.doneLine.hidden = !done;
    this.doneLine.textContent = done ? fill(t.changed, s.newNumber?.masked) : "";
    let next = 0;
    for (const row of Object.values(this.codes)) {
      const send = s.sends.find((x) => x.target === row.target);
      row.row.hidden = !send;
      if (!send) continue;
      row.label.textContent = fill(t.codeFor, send.maskedNumber || t.yours);
      row.button.textContent = this.sendLabel(send, s.busy === `send-${row.target}`);
      // Not disabled while the current number is unknown: sending reads it (or says why not).
      row.button.disabled = Boolean(s.busy) || send.cooldownUntil > Date.now();
      next = Math.max(next, send.cooldownUntil);
    }
    this.verifyButton.textContent = s.busy === "verify" ? t.verifying : t.verify;
    // Not disabled while a code is missing: pressing it says which (Enter would do nothing).
    this.verifyButton.disabled = Boolean(s.busy);
    this.confirmButton.textContent = s.busy === "confirm" ? t.confirming : fill(t.confirm, s.newNumber?.masked);
    this.confirmButton.disabled = Boolean(s.busy);
    const left = Math.ceil((s.tokenExpiresAt - Date.now()) / 1000);
    this.expiry.textContent = s.step === "confirm" && left > 0 ? fill(t.expires, "", left) : "";
    this.tick(Math.max(next, s.tokenExpiresAt));
    // A number being typed shows its problem once the person leaves the field or submits.
    const typing = s.error && (s.error.field || "").startsWith("newPhone") && !this.touched;
    const shown = typing ? null : s.error;
    this.showError(shown, [this.number, this.codes.new.input, this.codes.current.input]);
    this.announce(shown);
  }
}

/** `<genauth-remove-phone>`: a code to the current number, then the removal. */
class RemovePhoneElement extends FlowElement {
  kind = "removal";

  create(client) {
    return client.phoneRemoval();
  }

  build() {
    const root = this.frame();
    const [label, input, error] = this.field("code", "", {
      autocomplete: "one-time-code", inputMode: "numeric", maxLength: 10, spellcheck: false,
    });
    this.code = input;
    this.label = label;
    this.send = this.sendButton("code", () => this.step(() => this.flow.sendCode(), () => {
      this.say(fill(this.t.sent, this.flow.state.sends[0]?.maskedNumber));
      input.focus();
      this.listenForCode(input);
    }));
    this.confirmButton = h("button", { type: "submit", part: "button" });
    this.form = h("form", { part: "form" }, label, h("div", { className: "row" }, input, this.send), error, this.confirmButton);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (this.missing(this.flow.state.sends, () => this.send)) return;
      const masked = this.flow.state.currentNumber?.masked ?? null;
      this.step(() => this.flow.confirm(input.value.trim()), () => {
        this.stopListening();
        this.say("");
        this.doneLine.focus();
      }, () => this.emit("genauth-done", { kind: "removal", maskedNumber: masked }));
    });
    this.doneLine = h("p", { className: "note", part: "done", tabIndex: -1 });
    root.append(this.form, this.doneLine, this.status);
  }

  fieldOf(error) {
    return error.field === "code" ? this.code : null;
  }

  render() {
    const t = this.t;
    const s = this.flow?.state;
    this.common(t.remove);
    this.form.hidden = !s || s.step === "done";
    this.doneLine.hidden = s?.step !== "done";
    this.doneLine.textContent = s?.step === "done" ? t.removed : "";
    if (!s) return;
    const send = s.sends[0];
    const masked = send?.maskedNumber;
    this.label.textContent = fill(t.codeFor, masked || t.yours);
    this.send.textContent = this.sendLabel(send, s.busy === "send-current");
    // Not disabled while the number is unknown: sending reads it (or says why not).
    this.send.disabled = Boolean(s.busy) || send?.cooldownUntil > Date.now();
    this.confirmButton.textContent = s.busy === "confirm" ? t.confirming : fill(t.removeIt, masked || t.yours);
    this.confirmButton.disabled = Boolean(s.busy);
    this.tick(send?.cooldownUntil || 0);
    this.showError(s.error, [this.code]);
    this.announce(s.error);
  }
}

if (typeof customElements !== "undefined") {
  if (!customElements.get("genauth-change-phone")) customElements.define("genauth-change-phone", ChangePhoneElement);
  if (!customElements.get("genauth-remove-phone")) customElements.define("genauth-remove-phone", RemovePhoneElement);
}

export { ChangePhoneElement, RemovePhoneElement };
