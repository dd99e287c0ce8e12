// The demo page's entry point: loads the wasm package, reads where the emulator is
// (/config.json, served by the demo server), and wires up the panels.

import init from "/pkg/genauth_phone.js";
import { Emulator } from "./emulator.js";
import { setupConnection } from "./connection.js";
import { setupChangeNumber } from "./change-number.js";
import { setupRemoveNumber } from "./remove-number.js";
import { setupInbox } from "./inbox.js";
import { $, describe, showAlert } from "./ui.js";

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

async function main() {
  const [config] = await Promise.all([loadConfig(), init()]);
  const emulator = config ? new Emulator(config.emulatorUrl) : null;
  const change = setupChangeNumber();
  setupRemoveNumber();
  // Without an emulator the page is in real-app mode, which hides the emulator panel.
  if (emulator) setupInbox(emulator);
  setupConnection({ config, emulator, onSignedIn: () => change.focusStart() });
  document.documentElement.dataset.ready = "true";
}

main().catch((e) => {
  const info = describe(e);
  info.title = "The demo could not start";
  info.hint = "Build the package (scripts/build.sh) and reload; scripts/demo.sh does both.";
  showAlert($("connection-alert"), info);
  document.documentElement.dataset.ready = "error";
});
