// The emulator panel: the "verify old number" setting and the inbox of codes the
// emulator recorded instead of texting them (polled every second while visible).

import { $, announce, el, formatPhone } from "./ui.js";
import { session, sessionChanged } from "./session.js";

const CHANNEL_LABELS = {
  CHANNEL_BIND_PHONE: "for the new number",
  CHANNEL_UNBIND_PHONE: "to confirm the current number",
};

export function setupInbox(emulator) {
  const toggle = $("verify-old");
  const list = $("inbox");
  let lastRendered = "";
  let inFlight = false;

  // ---- the setting ----------------------------------------------------------------

  emulator.settings().then(
    (s) => { toggle.checked = Boolean(s.verifyOldPhone); },
    () => { /* the inbox poll reports an unreachable emulator */ },
  );

  toggle.addEventListener("change", async () => {
    const wanted = toggle.checked;
    const error = $("verify-old-error");
    error.hidden = true;
    toggle.disabled = true;
    try {
      const settings = await emulator.updateSettings({ verifyOldPhone: wanted });
      toggle.checked = Boolean(settings.verifyOldPhone);
      if (session.mode === "emulator") {
        session.verifyOldPhone = toggle.checked;
        sessionChanged();
      }
      announce(toggle.checked
        ? "The emulator now verifies the old number: changing it needs a code to each number."
        : "The emulator no longer verifies the old number: one code to the new number is enough.");
    } catch (e) {
      toggle.checked = !wanted;
      error.textContent = e.message;
      error.hidden = false;
    } finally {
      toggle.disabled = false;
      toggle.focus();
    }
  });

  // ---- the inbox --------------------------------------------------------------------

  async function refresh() {
    if (inFlight || document.visibilityState === "hidden" || $("emulator-panel").hidden) return;
    inFlight = true;
    try {
      render(await emulator.sms());
      $("inbox-empty").dataset.error = "false";
    } catch {
      $("inbox-empty").hidden = false;
      $("inbox-empty").dataset.error = "true";
      $("inbox-empty").textContent = "The emulator is not answering. Is it still running?";
    } finally {
      inFlight = false;
    }
  }

  function render(messages) {
    const key = JSON.stringify(messages);
    if (key === lastRendered) return;
    lastRendered = key;
    const newest = messages.slice(-20).reverse();
    $("inbox-empty").hidden = newest.length > 0;
    $("inbox-empty").textContent = "No messages yet.";
    list.replaceChildren(...newest.map((m) => {
      const item = el("li", "message");
      item.dataset.channel = m.channel;
      const head = el("div", "message-head");
      head.append(
        el("span", "message-to", formatPhone(m.phoneNumber, m.phoneCountryCode)),
        el("time", "message-time", new Date(m.sentAt).toLocaleTimeString()),
      );
      const code = el("p", "message-code");
      code.append(el("span", "visually-hidden", "Code "), el("strong", "code", m.code));
      const channel = el("p", "message-channel");
      channel.append(`${CHANNEL_LABELS[m.channel] || "code"} `, el("code", "", m.channel));
      item.append(head, code, channel);
      return item;
    }));
  }

  document.addEventListener("sms-sent", refresh);
  document.addEventListener("visibilitychange", refresh);
  setInterval(refresh, 1000);
  refresh();
}
