// The "Account" card: sign in to the emulator as a fresh demo user, or connect to a
// real GenAuth app with its host, app id and a user's access token (never a secret).

import { AuthenticationClient } from "/pkg/genauth_phone.js";
import { $, announce, busy, el, clearErrors, fieldError, formatPhone, showFailure } from "./ui.js";
import { onSessionChange, session, sessionChanged } from "./session.js";

const REAL_FIELDS = {
  appHost: "app-host",
  appId: "app-id",
  accessToken: "access-token",
  phoneNumber: "real-phone",
  phoneCountryCode: "real-cc",
};

/**
 * `config` is /config.json ({emulatorUrl, appId}) or null when the page is served
 * without the emulator; `emulator` the dev-endpoint client or null.
 */
export function setupConnection({ config, emulator, onSignedIn }) {
  const card = $("connection");
  const form = $("connect-form");
  const alert = $("connection-alert");

  if (config) {
    $("emulator-url").textContent = config.emulatorUrl;
  } else {
    // No emulator behind this page: only the real-app mode makes sense.
    $("mode-emulator").disabled = true;
    $("mode-real").checked = true;
  }

  // Disabled in the HTML until this handler exists (no accidental native form submit).
  $("sign-in").disabled = !config;
  $("connect-real").disabled = false;

  const mode = () => ($("mode-real").checked ? "real" : "emulator");
  const showMode = () => {
    $("emulator-connect").hidden = mode() !== "emulator";
    $("real-connect").hidden = mode() !== "real";
    $("emulator-panel").hidden = mode() !== "emulator";
    clearErrors(card);
  };
  for (const radio of form.elements.namedItem("mode")) radio.addEventListener("change", showMode);
  showMode();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(card);
    const button = mode() === "emulator" ? $("sign-in") : $("connect-real");
    try {
      const done = await busy(button, () => (mode() === "emulator" ? signInDemo() : connectReal()));
      if (!done) {
        card.querySelector("[aria-invalid]").focus();
        return;
      }
    } catch (e) {
      showFailure(e, { alert, fields: REAL_FIELDS });
      return;
    }
    const email = session.email ? ` and ${session.email}` : ", without an email";
    announce(session.mode === "emulator"
      ? `Signed in as a demo user with ${formatPhone(session.phone, session.countryCode)}${email}.`
      : `Connected to ${session.host}.`);
    onSignedIn();
  });

  async function signInDemo() {
    const user = await emulator.createDemoUser({ withEmail: $("demo-email").checked });
    const settings = await emulator.settings();
    const client = new AuthenticationClient({
      appId: config.appId,
      appHost: config.emulatorUrl,
      accessToken: user.accessToken,
      lang: "en-US",
      // A refused request rejects with a GenAuthError (code API) like every other failure.
      throwOnError: true,
    });
    Object.assign(session, {
      mode: "emulator",
      client,
      emulator,
      hostLabel: "Local emulator",
      host: config.emulatorUrl,
      userId: user.userId,
      phone: user.phone,
      countryCode: user.phoneCountryCode || "+86",
      email: user.email,
      verifyOldPhone: settings.verifyOldPhone,
    });
    sessionChanged();
    return true;
  }

  async function connectReal() {
    const token = $("access-token").value.trim();
    if (!$("app-host").value.trim()) fieldError("app-host", "Enter your app's host, e.g. https://your-app.genauth.ai.");
    if (!$("app-id").value.trim()) fieldError("app-id", "Enter the app id from the GenAuth console.");
    if (!token) fieldError("access-token", "Enter the access token of a signed-in user.");
    if (card.querySelector("[aria-invalid]")) return false;
    // The constructor checks the host, the app id and the token (INVALID_ARGUMENT + field).
    const client = new AuthenticationClient({
      appHost: $("app-host").value.trim(),
      appId: $("app-id").value.trim(),
      accessToken: token,
      lang: "en-US",
      throwOnError: true,
    });
    if (!allowedByPolicy($("app-host").value.trim())) {
      client.free();
      return false;
    }
    const phone = $("real-phone").value.trim();
    const countryCode = $("real-cc").value.trim();
    if (phone) {
      // Checks the number's format the way sendSms will (throws INVALID_ARGUMENT).
      client.smsCooldownRemaining({ channel: "CHANNEL_UNBIND_PHONE", phoneNumber: phone, phoneCountryCode: countryCode });
    }
    Object.assign(session, {
      mode: "real",
      client,
      emulator: null,
      hostLabel: "Your GenAuth app",
      host: $("app-host").value.trim(),
      userId: null,
      phone: phone || null,
      countryCode: countryCode || "+86",
      email: null,
      verifyOldPhone: $("real-verify-old").checked,
    });
    sessionChanged();
    return true;
  }

  // The page's CSP names the emulator and the hosts the demo was started with; any other
  // host would fail as an opaque network error, so say why before trying.
  function allowedByPolicy(host) {
    if (!config) return true;
    const allowed = [config.emulatorUrl, ...(config.appHosts || [])];
    const origin = new URL(host.includes("://") ? host : `https://${host}`).origin;
    if (allowed.includes(origin)) return true;
    fieldError("app-host", `This demo's Content-Security-Policy only allows ${allowed.join(" and ")}. `
      + `Restart it with GENAUTH_APP_HOST=${origin} scripts/demo.sh to call ${origin}.`);
    return false;
  }

  $("sign-out").addEventListener("click", () => {
    if (session.client) session.client.free();
    Object.assign(session, {
      mode: null, client: null, emulator: null, host: "", userId: null, phone: null, email: null,
    });
    sessionChanged();
    announce("Signed out.");
    (mode() === "emulator" ? $("sign-in") : $("app-host")).focus();
  });

  function render() {
    const signedIn = session.mode !== null;
    form.hidden = signedIn;
    $("signed-in").hidden = !signedIn;
    if (!signedIn) return;
    $("who-host").replaceChildren(session.hostLabel, el("code", "host-url", session.host));
    $("who-phone").textContent = session.phone ? formatPhone(session.phone, session.countryCode) : "none";
    $("who-email-row").hidden = session.mode !== "emulator";
    $("who-email").textContent = session.email || "none";
    $("who-id-row").hidden = !session.userId;
    $("who-id").textContent = session.userId || "";
  }

  onSessionChange(render);
}
