// The "Account" card: sign in to the emulator as a fresh demo user, or connect to a real
// GenAuth app with its host, app id and a user's access token (never a secret).

import { $, announce, busy, clearErrors, describe, el, fieldError, formatPhone, showAlert } from "./ui.js";
import { makeClient, onSessionChange, session, sessionChanged } from "./session.js";
import { lang, say } from "./texts.js";

/** The constructor's field paths, as the inputs of the real-app form. */
const REAL_FIELDS = { appHost: "app-host", appId: "app-id", accessToken: "access-token" };

/**
 * `config` is /config.json ({emulatorUrl, appId, appHosts}) or null when the page is served
 * without the emulator; `emulator` the dev-endpoint client or null. `onSignedIn` runs once a
 * client is in `session`.
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

  // Disabled in the HTML until this handler exists (no accidental native form submit). Both
  // enabled: Enter in a field "clicks" the form's first submit button, the sign-in's, even when
  // its part is hidden, and a disabled one would submit nothing. The handler reads the mode.
  $("sign-in").disabled = false;
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
    let done;
    try {
      done = await busy(button, () => (mode() === "emulator" ? signInDemo() : connectReal()));
    } catch (e) {
      showFailure(e, button);
      return;
    }
    if (!done) {
      card.querySelector("[aria-invalid]").focus();
      return;
    }
    if (session.mode === "emulator") announce("signedIn", { phone: formatPhone(session.phone, session.countryCode) });
    else announce("connected", { host: session.host });
    onSignedIn();
  });

  /** A constructor's refusal on its field (a developer's setting: its detail says what is
   *  wrong), anything else in the card's alert. */
  function showFailure(failure, button) {
    const input = failure?.field && REAL_FIELDS[failure.field];
    if (input) {
      // Whoever types an app host is a developer: the detail (English) says what is wrong.
      const { message, detail } = describe(failure);
      const rule = detail.replace(`${failure.field}: `, "");
      const words = rule && `${rule[0].toUpperCase()}${rule.slice(1)}${/[.!?]$/.test(rule) ? "" : "."}`;
      fieldError(input, words || message, words ? "en" : "");
      $(input).focus();
      return;
    }
    const emulatorFailure = failure instanceof Error && !("code" in failure);
    showAlert(alert, {
      title: say("signInFailed"),
      message: emulatorFailure ? say(failure.unreachable ? "emulatorDown" : "emulatorRefused") : describe(failure).message,
      detail: emulatorFailure ? failure.message : describe(failure).detail,
    }, button);
  }

  async function signInDemo() {
    const user = await emulator.createDemoUser({ withEmail: $("demo-email").checked });
    const settings = await emulator.settings();
    const connection = { appId: config.appId, appHost: config.emulatorUrl, accessToken: user.accessToken };
    Object.assign(session, {
      mode: "emulator",
      client: makeClient(connection, lang()),
      connection,
      emulator,
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
    const connection = {
      appHost: $("app-host").value.trim(),
      appId: $("app-id").value.trim(),
      accessToken: $("access-token").value.trim(),
    };
    if (!connection.appHost) fieldError("app-host", say("appHostMissing"));
    if (!connection.appId) fieldError("app-id", say("appIdMissing"));
    if (!connection.accessToken) fieldError("access-token", say("tokenMissing"));
    if (card.querySelector("[aria-invalid]")) return false;
    // The constructor checks the host, the app id and the token (INVALID_ARGUMENT + field).
    const client = makeClient(connection, lang());
    if (!allowedByPolicy(connection.appHost)) {
      client.free();
      return false;
    }
    // The token lives in memory only (the client, and `session` to remake it in another
    // language): never in the page for the next person, nor in a password manager.
    $("access-token").value = "";
    Object.assign(session, {
      mode: "real",
      client,
      connection,
      emulator: null,
      host: connection.appHost,
      userId: null,
      phone: null,
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
    // A host typed without its scheme is read as https://; the emulator's is http://.
    const meant = !host.includes("://") && allowed.find((a) => a === new URL(`http://${host}`).origin);
    fieldError("app-host", meant ? say("withScheme", { origin: meant }) : say("notAllowed", { allowed: allowed.join(", "), origin }));
    return false;
  }

  $("real-verify-old").addEventListener("change", () => {
    if (session.mode !== "real") return;
    session.verifyOldPhone = $("real-verify-old").checked;
    sessionChanged();
  });

  $("sign-out").addEventListener("click", () => {
    const client = session.client;
    $("access-token").value = "";
    Object.assign(session, {
      mode: null, client: null, connection: null, emulator: null, host: "", userId: null, phone: null, email: null,
    });
    // The elements let go of the client first; then it is freed.
    sessionChanged();
    client?.free();
    announce("signedOut");
    (mode() === "emulator" ? $("sign-in") : $("app-host")).focus();
  });

  function render() {
    const signedIn = session.mode !== null;
    form.hidden = signedIn;
    $("signed-in").hidden = !signedIn;
    if (!signedIn) return;
    const emulatorMode = session.mode === "emulator";
    $("who-host").replaceChildren(say(emulatorMode ? "emulatorHost" : "realHost"), el("code", "host-url", session.host));
    // A real app's number is the elements' to read (they show it masked); the emulator's is known.
    $("who-phone-row").hidden = !emulatorMode;
    $("who-phone").textContent = formatPhone(session.phone, session.countryCode);
    $("who-email-row").hidden = !emulatorMode;
    $("who-email").textContent = session.email || say("none");
    $("who-id-row").hidden = !session.userId;
    $("who-id").textContent = session.userId || "";
  }

  onSessionChange(render);
}
