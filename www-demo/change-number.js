// "Change phone number" in three steps: (1) the new number, send the code(s);
// (2) enter them, verifyUpdatePhoneRequest -> a one-time token; (3) updatePhone.

import {
  $, announce, busy, clearErrors, everyTick, fieldError, formatPhone, seconds, showFailure,
} from "./ui.js";
import { onSessionChange, refreshUser, session, sessionChanged } from "./session.js";
import { parsePhoneNumber } from "/pkg/genauth_phone.js";

const BIND = "CHANNEL_BIND_PHONE";
const UNBIND = "CHANNEL_UNBIND_PHONE";

const VERIFY_FIELDS = {
  "phonePassCodePayload.newPhoneNumber": "new-number",
  "phonePassCodePayload.newPhoneCountryCode": "new-cc",
  "phonePassCodePayload.newPhonePassCode": "new-code",
  "phonePassCodePayload.oldPhonePassCode": "old-code",
};

export function setupChangeNumber() {
  const card = $("change");
  const alert = $("change-alert");
  const sendButton = $("send-codes");

  /** What step 2 verifies: the numbers the codes went to. */
  let sent = null;
  /** The update token from step 2: { value, lifetime (s), expiresAt (ms) }. */
  let token = null;
  let stopTokenTimer = () => {};

  const signedIn = () => session.mode !== null && session.client !== null;
  const needOld = () => session.verifyOldPhone && Boolean(session.phone);
  /** The new number as typed ("+44 (0)20 7946 0958", "138 0013 8000"), split by parsePhoneNumber
   *  with the country code field as the default; `problem`: why it cannot be split. */
  const newTarget = () => {
    const typed = $("new-number").value.trim();
    const cc = $("new-cc").value.trim();
    try {
      const split = parsePhoneNumber(typed, { defaultCountryCode: cc, lang: "en-US" });
      return { number: split.phoneNumber, cc: split.phoneCountryCode, problem: null };
    } catch (problem) {
      return { number: typed, cc, problem };
    }
  };
  /** parsePhoneNumber's fields, as the inputs of the form. */
  const TYPED_FIELDS = { input: "new-number", "options.defaultCountryCode": "new-cc" };

  /** The sends step 1 needs for what is typed now. */
  function plannedSends() {
    const { number, cc } = newTarget();
    const list = [{ kind: "new", dto: { channel: BIND, phoneNumber: number, phoneCountryCode: cc } }];
    if (needOld()) {
      list.push({
        kind: "old",
        dto: { channel: UNBIND, phoneNumber: session.phone, phoneCountryCode: session.countryCode },
      });
    }
    return list;
  }

  /** ms until the client lets this send go again (0 also for a number it would refuse). */
  function cooldown({ dto }) {
    try {
      return session.client.smsCooldownRemaining(dto);
    } catch {
      return 0;
    }
  }

  // ---- steps ------------------------------------------------------------------

  function setStep(current) {
    for (const n of [1, 2, 3]) {
      // Step 1 stays open (edit the number, resend); steps 2 and 3 only while current.
      const open = signedIn() && (n === 1 ? current >= 1 && current <= 3 : current === n);
      const state = !signedIn() || n > current ? "locked" : n < current ? "done" : "current";
      $(`step-${n}`).dataset.state = state;
      const fields = $(`step-${n}-fields`);
      fields.disabled = !open;
      fields.dataset.locked = open ? "false" : "true";
    }
  }

  function reset() {
    sent = null;
    token = null;
    stopTokenTimer();
    for (const id of ["new-number", "new-code", "old-code"]) $(id).value = "";
    $("token-timer").hidden = true;
    $("confirm-text").textContent = "Verify the code first.";
    $("step-2-label").textContent = "Enter the code";
    $("change-steps").hidden = false;
    $("change-success").hidden = true;
    clearErrors(card);
    setStep(1);
    render();
  }

  function render() {
    $("change-locked").hidden = signedIn();
    $("current-number").textContent = formatPhone(session.phone, session.countryCode);
    const list = $("codes-needed-list");
    const items = [["A code texted to the new number", BIND]];
    if (needOld()) {
      items.push([`A code texted to your current number, ${formatPhone(session.phone, session.countryCode)}: this user pool verifies the old number`, UNBIND]);
    }
    list.replaceChildren(...items.map(([text, channel]) => {
      const li = document.createElement("li");
      const tag = document.createElement("code");
      tag.textContent = channel;
      li.append(`${text} `, tag);
      return li;
    }));
    $("codes-needed").dataset.count = String(items.length);
    updateSendButton();
  }

  // The send button: label, and a live countdown from smsCooldownRemaining.
  function updateSendButton() {
    if (!signedIn()) return;
    const planned = plannedSends();
    const waits = planned.map(cooldown);
    const due = waits.filter((ms) => ms === 0).length;
    const anySent = waits.some((ms) => ms > 0) || sent !== null;
    const plural = (due || planned.length) > 1 ? "codes" : "code";
    const label = `${anySent ? "Resend" : "Send"} ${plural}`;
    if (sendButton.textContent !== label) sendButton.textContent = label;
    sendButton.disabled = due === 0;
    const text = due === 0 ? `You can resend in ${seconds(Math.min(...waits))} s` : "";
    if ($("send-cooldown").textContent !== text) $("send-cooldown").textContent = text;
  }
  everyTick(updateSendButton);

  // ---- step 1: send the code(s) -----------------------------------------------

  $("step-1-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(card);
    const { number, cc, problem } = newTarget();
    if (problem) {
      showFailure(problem, { alert, fields: TYPED_FIELDS });
      return;
    }
    const planned = plannedSends();
    const due = planned.filter((s) => cooldown(s) === 0);
    if (due.length === 0) return;
    let current = null;
    try {
      await busy(sendButton, async () => {
        for (const send of due) {
          current = send;
          await session.client.sendSms(send.dto);
        }
      });
    } catch (e) {
      const fields = current && current.kind === "new"
        ? { phoneNumber: "new-number", phoneCountryCode: "new-cc" } : {};
      showFailure(e, { alert, fields });
      return;
    } finally {
      document.dispatchEvent(new CustomEvent("sms-sent"));
    }
    const old = planned.find((s) => s.kind === "old");
    sent = { number, cc, old: old ? { number: old.dto.phoneNumber, cc: old.dto.phoneCountryCode } : null };
    token = null;
    stopTokenTimer();
    $("new-code-target").textContent = formatPhone(number, cc);
    $("old-code-field").hidden = !sent.old;
    $("step-2-label").textContent = sent.old ? "Enter the codes" : "Enter the code";
    $("old-code-target").textContent = sent.old ? formatPhone(sent.old.number, sent.old.cc) : "";
    $("new-code").value = "";
    $("old-code").value = "";
    setStep(2);
    updateSendButton();
    announce(sent.old
      ? `Codes sent to ${formatPhone(number, cc)} and to your current number. Enter both.`
      : `Code sent to ${formatPhone(number, cc)}. Enter it to continue.`);
    $("new-code").focus();
  });

  // ---- step 2: verify ---------------------------------------------------------

  $("step-2-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(card);
    const newCode = $("new-code").value.trim();
    const oldCode = $("old-code").value.trim();
    if (!newCode) fieldError("new-code", "Enter the code texted to the new number.");
    if (sent.old && !oldCode) fieldError("old-code", "Enter the code texted to your current number.");
    const missing = card.querySelector("[aria-invalid]");
    if (missing) {
      missing.focus();
      return;
    }
    const payload = { newPhoneNumber: sent.number, newPhonePassCode: newCode, newPhoneCountryCode: sent.cc };
    if (sent.old) {
      Object.assign(payload, {
        oldPhoneNumber: sent.old.number, oldPhonePassCode: oldCode, oldPhoneCountryCode: sent.old.cc,
      });
    }
    let data;
    try {
      data = await busy($("verify"), async () => {
        const res = await session.client.verifyUpdatePhoneRequest({
          verifyMethod: "PHONE_PASSCODE",
          phonePassCodePayload: payload,
        });
        return res.data;
      });
    } catch (e) {
      const codeFields = sent.old ? ["new-code", "old-code"] : ["new-code"];
      showFailure(e, {
        alert,
        fields: VERIFY_FIELDS,
        apiFields: { 2001: codeFields, 2300: codeFields, 2035: "new-number", 2230: "new-number" },
      });
      return;
    }
    token = { value: data.updatePhoneToken, lifetime: data.tokenExpiresIn, expiresAt: Date.now() + data.tokenExpiresIn * 1000 };
    $("confirm-text").textContent =
      `Change the account's number from ${formatPhone(session.phone, session.countryCode)} to ${formatPhone(sent.number, sent.cc)}?`;
    $("token-progress").max = token.lifetime;
    $("token-timer").hidden = false;
    $("confirm").disabled = false;
    setStep(3);
    startTokenTimer();
    announce(`Code verified. Confirm the change within ${token.lifetime} seconds.`);
    $("confirm").focus();
  });

  function startTokenTimer() {
    stopTokenTimer();
    let expiredAnnounced = false;
    stopTokenTimer = everyTick(() => {
      if (!token) return;
      const left = Math.max(0, token.expiresAt - Date.now());
      $("token-progress").value = left / 1000;
      $("token-remaining").textContent = left > 0 ? `${seconds(left)} s` : "expired";
      $("token-timer").dataset.low = left < 10000 ? "true" : "false";
      if (left === 0 && !expiredAnnounced) {
        expiredAnnounced = true;
        stopTokenTimer(); // nothing changes after this
        $("confirm").disabled = true;
        $("confirm-text").textContent = "The confirmation expired before it was used. Start over and verify a new code.";
        announce("The confirmation has expired. Start over and verify a new code.");
      }
    });
  }

  // ---- step 3: confirm --------------------------------------------------------

  $("step-3-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(card);
    try {
      await busy($("confirm"), async () => {
        await session.client.updatePhone({ updatePhoneToken: token.value });
        if (session.mode === "emulator") {
          await refreshUser();
        } else {
          session.phone = sent.number;
          session.countryCode = sent.cc;
          sessionChanged();
        }
      });
    } catch (e) {
      showFailure(e, { alert });
      return;
    }
    stopTokenTimer();
    const now = formatPhone(session.phone, session.countryCode);
    $("changed-number").textContent = now;
    $("changed-source").textContent = session.mode === "emulator"
      ? `Read back from the emulator (GET /__emulator/users/${session.userId}).`
      : "The number you verified; the client does not read the profile back.";
    $("change-steps").hidden = true;
    $("change-success").hidden = false;
    setStep(4);
    announce(`Number changed. The account's number is now ${now}.`);
    $("change-success-title").focus();
  });

  $("change-restart").addEventListener("click", () => {
    reset();
    announce("Started over.");
    $("new-number").focus();
  });
  $("change-again").addEventListener("click", () => {
    reset();
    $("new-number").focus();
  });

  onSessionChange(() => {
    if (!signedIn()) {
      reset();
      setStep(0);
    } else {
      if (!$("step-1").dataset.state || $("step-1").dataset.state === "locked") setStep(1);
      render();
    }
  });

  reset();
  setStep(0);

  return {
    /** After sign-in: focus moves to the first field of step 1. */
    focusStart() {
      reset();
      $("new-number").focus();
    },
  };
}
