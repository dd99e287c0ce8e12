// DOM helpers shared by the panels: the status line, errors next to fields or in a
// card's alert, phone formatting and a once-a-second ticker. No innerHTML anywhere:
// every text the server or the person typed goes in through textContent.

import { isGenAuthError } from "/pkg/genauth_phone.js";

export const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
};

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Announces a status change (the region is aria-live="polite"). */
export function announce(text) {
  const status = $("status");
  status.textContent = text;
  status.dataset.visible = text ? "true" : "false";
}

/**
 * "+86 138 0013 8000" for mainland mobile numbers, "+44 7700900123" otherwise, with
 * no-break spaces so a number never wraps across lines.
 */
export function formatPhone(number, countryCode) {
  if (!number) return "none";
  const cc = countryCode || "+86";
  const grouped = cc === "+86" && /^1\d{10}$/.test(number)
    ? `${number.slice(0, 3)}\u00a0${number.slice(3, 7)}\u00a0${number.slice(7)}`
    : number;
  return `${cc}\u00a0${grouped}`;
}

// ---- errors -------------------------------------------------------------------

/** What the person should know for an apiCode (the server's message is shown too). */
const API_HINTS = {
  2001: ["That code is not right", "Check the latest code and type it again."],
  2300: ["That code has expired", "Send a new code."],
  2035: ["This number belongs to another account", "Use a different number."],
  2038: ["The current number does not match", "The old number must be the one on the account."],
  2230: ["That is already your number", "Enter a different number."],
  2217: ["This number can't be removed",
    "It is the only way this account can sign in. Add an email address first, then remove the number."],
  2020: ["You are signed out", "Sign in again to continue."],
  9003: ["Something in the request was refused", ""],
  9006: ["Too many codes", "Wait a minute before asking for another code."],
  9007: ["This confirmation is not valid", "Verify the codes again."],
  9008: ["The confirmation has expired", "Send new codes and verify them again."],
  9009: ["This confirmation was already used", "Send new codes to change the number again."],
  9010: ["The account has no phone number", "There is nothing to remove."],
};

/** The same for the client's own error codes. */
const CODE_HINTS = {
  SMS_COOLDOWN: ["Please wait before resending", "A code was sent to this number less than a minute ago."],
  TOKEN_EXPIRED: ["The confirmation has expired", "Send new codes and verify them again."],
  TOKEN_CONSUMED: ["This confirmation was already used", "Send new codes to change the number again."],
  NOT_AUTHENTICATED: ["No access token", "Sign in first."],
  NETWORK: ["The server could not be reached",
    "Check the app host. A real GenAuth app must allow this page's origin (CORS)."],
  TIMEOUT: ["The server took too long to answer", "Try again in a moment."],
  ABORTED: ["The request was cancelled", ""],
  HTTP_STATUS: ["The server answered with an error", ""],
  BAD_RESPONSE: ["The server's answer was not understood", ""],
  API: ["The server refused the request", ""],
  INVALID_ARGUMENT: ["Please check what you entered", ""],
};

function sentence(text) {
  const t = String(text).trim();
  return t ? t[0].toUpperCase() + t.slice(1) : t;
}

/**
 * Turns anything thrown into plain text:
 * { title, message, hint, field, details: [[label, value]] }.
 */
export function describe(failure) {
  const details = [];
  const add = (label, value) => {
    if (value !== undefined && value !== null && value !== "") details.push([label, String(value)]);
  };
  if (isGenAuthError(failure)) {
    const [title, hint] = API_HINTS[failure.apiCode] || CODE_HINTS[failure.code] || ["Something went wrong", ""];
    // Words for people, in the client's lang (en-US here). An input error without a reason is
    // about a setting this demo asks for (app host, app id, token): whoever types those is a
    // developer, so they read the developer's `detail` (without its field path) instead.
    const forDeveloper = failure.field && !failure.reason && failure.detail.startsWith(`${failure.field}: `);
    const message = forDeveloper ? failure.detail.slice(failure.field.length + 2) : failure.message;
    add("Error code", failure.code);
    add("Reason", failure.reason);
    add("HTTP status", failure.code === "HTTP_STATUS" ? failure.statusCode : undefined);
    // A refused envelope: the clients are made with throwOnError, so it arrives here as code API.
    add("statusCode", failure.code === "API" ? failure.statusCode : undefined);
    add("apiCode", failure.apiCode);
    add("requestId", failure.requestId);
    if (failure.retryAfterMs) add("Retry after", `${Math.ceil(failure.retryAfterMs / 1000)} s`);
    add("Detail", failure.detail);
    return { title, hint, message: sentence(message), field: failure.field, details };
  }
  const message = failure instanceof Error ? failure.message
    : typeof failure === "string" ? failure : "Unexpected error.";
  return { title: "Something went wrong", hint: "", message: sentence(message), details };
}

/** Shows an error next to an input (aria-invalid + its describedby error line). */
export function fieldError(inputId, message) {
  const input = $(inputId);
  const line = $(`${inputId}-error`);
  line.textContent = message;
  line.hidden = false;
  input.setAttribute("aria-invalid", "true");
}

/** Hides every field error and the alert inside `scope`. */
export function clearErrors(scope) {
  for (const line of scope.querySelectorAll(".field-error")) {
    line.hidden = true;
    line.textContent = "";
  }
  for (const input of scope.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const alert of scope.querySelectorAll(".alert")) hideAlert(alert);
}

export function hideAlert(alert) {
  alert.hidden = true;
  alert.replaceChildren();
}

/** Fills a card's alert (role="alert") with a title, the message, a hint and the details. */
export function showAlert(alert, info) {
  const head = el("div", "alert-head");
  head.append(el("p", "alert-title", info.title));
  const close = el("button", "alert-close");
  close.type = "button";
  close.setAttribute("aria-label", "Dismiss");
  close.textContent = "×";
  close.addEventListener("click", () => hideAlert(alert));
  head.append(close);
  const body = [head];
  if (info.message) body.push(el("p", "alert-message", info.message));
  if (info.hint) body.push(el("p", "alert-hint", info.hint));
  if (info.details.length) {
    const dl = el("dl", "alert-details");
    for (const [label, value] of info.details) {
      const row = el("div");
      row.append(el("dt", "", label), el("dd", "", value));
      dl.append(row);
    }
    body.push(dl);
  }
  alert.replaceChildren(...body);
  alert.hidden = false;
}

/**
 * Shows a failure where it belongs: next to the field it concerns (INVALID_ARGUMENT's
 * `field`, or an apiCode listed in `apiFields`) and otherwise in the card's alert.
 * `fields` maps the client's field paths to input ids. Returns the description.
 */
export function showFailure(failure, { alert, fields = {}, apiFields = {} }) {
  const info = describe(failure);
  const inputId = (info.field && fields[info.field])
    || (failure && failure.apiCode !== undefined && apiFields[failure.apiCode]);
  if (inputId) {
    const ids = Array.isArray(inputId) ? inputId : [inputId];
    for (const id of ids) fieldError(id, info.field ? info.message : info.title + ".");
    $(ids[0]).focus();
    // Server refusals keep their details (apiCode, requestId) in the alert as well.
    if (!info.field) showAlert(alert, info);
  } else {
    showAlert(alert, info);
  }
  announce(`${info.title}. ${info.message}`);
  return info;
}

// ---- time ---------------------------------------------------------------------

const tickers = new Set();
setInterval(() => { for (const fn of tickers) fn(); }, 250);

/** Calls `fn` now and four times a second, until the returned function is called. */
export function everyTick(fn) {
  tickers.add(fn);
  fn();
  return () => tickers.delete(fn);
}

export const seconds = (ms) => Math.ceil(ms / 1000);

/** Disables the form's controls while `work` runs and marks the button busy. */
export async function busy(button, work) {
  const fieldset = button.closest("fieldset");
  const wasDisabled = button.disabled;
  button.setAttribute("aria-busy", "true");
  if (fieldset) fieldset.disabled = true;
  else button.disabled = true;
  try {
    return await work();
  } finally {
    button.removeAttribute("aria-busy");
    if (fieldset && fieldset.dataset.locked !== "true") fieldset.disabled = false;
    if (!fieldset) button.disabled = wasDisabled;
    // Disabling the fieldset dropped the focus: give it back unless it moved on.
    if ((!document.activeElement || document.activeElement === document.body) && !button.disabled) button.focus();
  }
}
