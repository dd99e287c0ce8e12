// The demo page's entry point: loads the wasm package and the drop-in elements, reads where
// the emulator is (/config.json, served by the demo server), and wires up the panels. The two
// flows are the package's elements; this page only hands them the client and its settings.

import init from "/pkg/genauth_phone.js";
import "/pkg/elements.js";
import { Emulator } from "./emulator.js";
import { setupConnection } from "./connection.js";
import { setupInbox } from "./inbox.js";
import { $, announce, clearErrors, describe, showAlert } from "./ui.js";
import { changeLanguage, onSessionChange, refreshUser, session } from "./session.js";
import { initialLang, lang, say, setLang } from "./texts.js";

const change = $("change-phone");
const remove = $("remove-phone");

let inbox = null;

/** The page, the elements and the client in one language. Wired at once, before the wasm has
 *  loaded: a choice made meanwhile is not lost. */
function useLanguage(next) {
  setLang(next);
  for (const radio of document.querySelectorAll("input[name=lang]")) radio.checked = radio.value === lang();
  for (const element of [change, remove]) element.setAttribute("lang", lang());
  // A client's messages are in the language it was made with: a new one (flows start over).
  if (changeLanguage(lang())) $("change-again-row").hidden = true;
  inbox?.reword();
  // What was said and shown in the other language goes: re-saying it would announce it again.
  announce(null);
  clearErrors(document.body);
}
useLanguage(initialLang());
for (const radio of document.querySelectorAll("input[name=lang]")) {
  radio.addEventListener("change", () => useLanguage(radio.value));
}

async function loadConfig() {
  try {
    const res = await fetch("./config.json", { cache: "no-store", credentials: "omit" });
    if (!res.ok) return null;
    const config = await res.json();
    return typeof config.emulatorUrl === "string" && typeof config.appId === "string" ? config : null;
  } catch {
    return null;
  }
}

/** The elements follow the session: its client (the same one keeps the flow going), the
 *  pool's setting. A done flow makes the other start over: the number it read has changed. */
function wireElements() {
  onSessionChange(() => {
    for (const element of [change, remove]) element.client = session.client;
    change.toggleAttribute("verify-old-phone", session.verifyOldPhone);
    $("change-locked").hidden = $("remove-locked").hidden = Boolean(session.client);
    if (!session.client) $("change-again-row").hidden = true;
  });
  document.addEventListener("genauth-done", (event) => {
    (event.detail.kind === "change" ? remove : change).restart();
    $("change-again-row").hidden = event.detail.kind !== "change";
    // The account card shows the emulator's record; the element has said it is done (the
    // page's "signed in with …" would now name the old number).
    announce(null);
    refreshUser().catch(() => {});
  });
  $("change-again").addEventListener("click", () => {
    $("change-again-row").hidden = true;
    change.restart();
    change.focus();
  });
}

async function main() {
  const [config] = await Promise.all([loadConfig(), init()]);
  const emulator = config ? new Emulator(config.emulatorUrl) : null;
  // Without an emulator the page is in real-app mode, which hides the emulator panel.
  inbox = emulator ? setupInbox(emulator) : null;
  wireElements();
  setupConnection({ config, emulator, onSignedIn: () => change.focus() });
  $("loading").hidden = true;
  document.documentElement.dataset.ready = "true";
}

main().catch((e) => {
  $("loading").hidden = true;
  showAlert($("connection-alert"), { title: say("startFailed"), message: say("startHint"), detail: describe(e).message });
  document.documentElement.dataset.ready = "error";
});
