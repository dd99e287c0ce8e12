// "Remove phone number": a code on CHANNEL_UNBIND_PHONE to the current number, then
// unbindPhone. The emulator refuses (apiCode 2217) when the phone is the account's
// only way to sign in; the card explains that in plain words.

import {
  $, announce, busy, clearErrors, everyTick, fieldError, formatPhone, seconds, showFailure,
} from "./ui.js";
import { onSessionChange, refreshUser, session, sessionChanged } from "./session.js";

const UNBIND = "CHANNEL_UNBIND_PHONE";

export function setupRemoveNumber() {
  const card = $("remove");
  const alert = $("remove-alert");
  const sendButton = $("remove-send");
  const fields = $("remove-fields");
  let codeSent = false;

  const signedIn = () => session.mode !== null && session.client !== null;
  const target = () => ({ channel: UNBIND, phoneNumber: session.phone, phoneCountryCode: session.countryCode });

  function render() {
    $("remove-locked").hidden = signedIn();
    const usable = signedIn() && Boolean(session.phone);
    fields.disabled = !usable;
    fields.dataset.locked = usable ? "false" : "true";
    $("remove-form").hidden = !signedIn() || (!session.phone && !$("remove-success").hidden);
    if (!signedIn()) {
      codeSent = false;
      $("remove-code").value = "";
      $("remove-success").hidden = true;
      clearErrors(card);
    }
    if (session.phone) $("remove-success").hidden = true;
    const phone = formatPhone(session.phone, session.countryCode);
    $("remove-text").textContent = !signedIn()
      ? "Removing the number needs a code sent to it."
      : session.phone
        ? `Remove ${phone} from the account. A code texted to it proves it is yours.`
        : "This account has no phone number.";
    $("remove-code-target").textContent = session.phone ? phone : "the current number";
  }

  function updateSendButton() {
    if (!signedIn() || !session.phone) return;
    let wait = 0;
    try {
      wait = session.client.smsCooldownRemaining({ channel: UNBIND, phoneNumber: session.phone, phoneCountryCode: session.countryCode });
    } catch {
      wait = 0;
    }
    const label = codeSent || wait > 0 ? "Resend code" : "Send code";
    if (sendButton.textContent !== label) sendButton.textContent = label;
    sendButton.disabled = wait > 0;
    const text = wait > 0 ? `You can resend in ${seconds(wait)} s` : "";
    if ($("remove-cooldown").textContent !== text) $("remove-cooldown").textContent = text;
  }
  everyTick(updateSendButton);

  sendButton.addEventListener("click", async () => {
    clearErrors(card);
    try {
      await busy(sendButton, () => session.client.sendSms(target()));
    } catch (e) {
      showFailure(e, { alert });
      return;
    } finally {
      document.dispatchEvent(new CustomEvent("sms-sent"));
    }
    codeSent = true;
    updateSendButton();
    announce(`Code sent to ${formatPhone(session.phone, session.countryCode)}. Enter it to remove the number.`);
    $("remove-code").focus();
  });

  $("remove-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(card);
    const passCode = $("remove-code").value.trim();
    if (!passCode) {
      fieldError("remove-code", codeSent ? "Enter the code from the text message." : "Send a code first, then enter it here.");
      $("remove-code").focus();
      return;
    }
    const removed = formatPhone(session.phone, session.countryCode);
    try {
      await busy($("remove-submit"), async () => {
        await session.client.unbindPhone({ passCode });
        if (session.mode === "emulator") {
          await refreshUser();
        } else {
          session.phone = null;
          sessionChanged();
        }
      });
    } catch (e) {
      showFailure(e, { alert, fields: { passCode: "remove-code" }, apiFields: { 2001: "remove-code", 2300: "remove-code" } });
      return;
    }
    codeSent = false;
    $("remove-code").value = "";
    $("remove-success-text").textContent = session.mode === "emulator"
      ? `${removed} is no longer on the account. The emulator now holds no phone number for it.`
      : `${removed} is no longer on the account.`;
    $("remove-success").hidden = false;
    render();
    announce(`Number removed. The account has no phone number now.`);
    $("remove-success-title").focus();
  });

  onSessionChange(render);
  render();
}
