// The emulator panel: the "verify old number" setting and the inbox of codes the emulator
// recorded instead of texting them to the signed-in user (polled every second while shown).

import { $, announce, el, formatPhone } from "./ui.js";
import { onSessionChange, session, sessionChanged } from "./session.js";
import { say } from "./texts.js";

/** Only the newest few: on narrow screens the panel sits between the two flows. */
const SHOWN = 3;

/** Returns `{ reword }`, which words the inbox again in the page's language. */
export function setupInbox(emulator) {
  const toggle = $("verify-old");
  const list = $("inbox");
  const empty = $("inbox-empty");
  /** Not yet read for this user: what the first read brings is no news. */
  const NONE = [];
  let messages = NONE;
  /** A code came since the last read (the person is waiting for it). */
  let arrived = false;
  /** Whose `messages` are: nobody else's are ever shown. */
  let owner = null;
  let down = false;
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
      announce(toggle.checked ? "verifyOn" : "verifyOff");
    } catch {
      toggle.checked = !wanted;
      error.textContent = say("settingFailed");
      error.hidden = false;
    } finally {
      toggle.disabled = false;
      // Disabling it dropped the focus: give it back, unless the person has moved on.
      if (document.activeElement === document.body) toggle.focus();
    }
  });

  // ---- the inbox --------------------------------------------------------------------

  async function refresh() {
    const userId = session.mode === "emulator" ? session.userId : null;
    // Another user (or none): the last one's codes go at once, even with a poll in flight.
    if (owner !== userId) [messages, owner, down] = [NONE, userId, false];
    render();
    if (!userId || inFlight || document.visibilityState === "hidden" || $("emulator-panel").hidden) return;
    inFlight = true;
    try {
      const sms = await emulator.sms(userId);
      // Signed out or in as someone else meanwhile: not theirs to show.
      if (owner === userId) {
        arrived = sms.length > messages.length && messages !== NONE;
        [messages, down] = [sms, false];
      }
    } catch {
      down = true;
    } finally {
      inFlight = false;
    }
    render();
  }

  let rendered = "";
  function render() {
    const newest = messages.slice(-SHOWN).reverse();
    const key = JSON.stringify([document.documentElement.lang, down, session.userId, newest]);
    if (key === rendered) return;
    rendered = key;
    empty.hidden = newest.length > 0 && !down;
    empty.textContent = say(down ? "inboxDown" : session.userId ? "inboxEmpty" : "inboxSignedOut");
    empty.dataset.error = String(down);
    list.replaceChildren(...newest.map((m) => {
      const item = el("li", "message");
      const head = el("div", "message-head");
      head.append(
        el("span", "message-to", formatPhone(m.phoneNumber, m.phoneCountryCode)),
        el("time", "message-time", new Date(m.sentAt).toLocaleTimeString(document.documentElement.lang)),
      );
      const code = el("p", "message-code");
      code.append(el("span", "visually-hidden", `${say("code")} `), el("strong", "code", m.code));
      const channel = el("p", "message-channel", say(m.channel === "CHANNEL_UNBIND_PHONE" ? "forCurrent" : "forNew"));
      item.append(head, code, channel);
      return item;
    }));
    // A new code on a narrow screen, where the inbox sits below the code field: brought into
    // view (the least scroll that shows it), so the code and its field are on one screen.
    if (arrived && list.firstChild && matchMedia("(max-width: 899px)").matches) list.firstChild.scrollIntoView({ block: "nearest" });
    arrived = false;
  }

  onSessionChange(refresh);
  document.addEventListener("visibilitychange", refresh);
  setInterval(refresh, 1000);
  refresh();
  // Worded again at once when the page's language changes.
  return { reword: render };
}
