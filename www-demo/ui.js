// DOM helpers shared by the panels: the status line, errors next to fields or in a card's
// alert, and phone formatting. No innerHTML anywhere: every text the server or the person
// typed goes in through textContent.

import { isGenAuthError } from "/pkg/genauth_phone.js";
import { say } from "./texts.js";

export const $ = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id}`);
  return node;
};

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Announces a status change of the page (the region is aria-live="polite"): one of the
 *  demo's sentences (texts.js); `null` empties the line. */
export function announce(key, values) {
  $("status").textContent = key ? say(key, values) : "";
}

/**
 * "+86 138 0013 8000" for mainland mobile numbers, "+44 7700900123" otherwise, with
 * no-break spaces so a number never wraps across lines.
 */
export function formatPhone(number, countryCode) {
  if (!number) return say("none");
  const cc = countryCode || "+86";
  const grouped = cc === "+86" && /^1\d{10}$/.test(number)
    ? `${number.slice(0, 3)}\u00a0${number.slice(3, 7)}\u00a0${number.slice(7)}`
    : number;
  return `${cc}\u00a0${grouped}`;
}

/** Shows an error next to an input (aria-invalid + its describedby error line); `lang` when its
 *  words are not the page's (a developer's detail is English). */
export function fieldError(inputId, message, lang = "") {
  const line = $(`${inputId}-error`);
  line.textContent = message;
  line.lang = lang;
  line.hidden = false;
  $(inputId).setAttribute("aria-invalid", "true");
}

/** Hides every field error and the alert inside `scope`. */
export function clearErrors(scope) {
  for (const line of scope.querySelectorAll(".field-error")) {
    line.hidden = true;
    line.textContent = "";
  }
  for (const input of scope.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const alert of scope.querySelectorAll(".alert")) {
    alert.hidden = true;
    alert.replaceChildren();
  }
}

/**
 * Fills a card's alert (role="alert") with a title, the message, a hint and the developer's
 * detail, and moves the focus to it, so it is read and the focus is not lost with the button
 * that failed. Its close button gives the focus back to `returnTo`.
 */
export function showAlert(alert, { title, message, hint, detail }, returnTo) {
  const head = el("div", "alert-head");
  const close = el("button", "alert-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", say("dismiss"));
  close.addEventListener("click", () => {
    alert.hidden = true;
    alert.replaceChildren();
    returnTo?.focus();
  });
  head.append(el("p", "alert-title", title), close);
  const body = [head];
  if (message) body.push(el("p", "alert-message", message));
  if (hint) body.push(el("p", "alert-hint", hint));
  if (detail) {
    const dl = el("dl", "alert-details");
    const row = el("div");
    // The developer's account of it, in English whatever the page's language.
    const words = el("dd", "", detail);
    words.lang = "en";
    row.append(el("dt", "", say("detail")), words);
    dl.append(row);
    body.push(dl);
  }
  alert.replaceChildren(...body);
  alert.hidden = false;
  alert.focus();
}

/** The words of anything thrown: a GenAuthError's message (in the client's language) and its
 *  developer detail, or an Error's message. */
export function describe(failure) {
  if (isGenAuthError(failure)) return { message: failure.message, detail: failure.detail };
  return { message: failure instanceof Error ? failure.message : String(failure), detail: "" };
}

/** Disables `button` while `work` runs and marks it busy. */
export async function busy(button, work) {
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = false;
  }
}
