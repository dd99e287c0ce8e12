// The elements' test page: the package's web build and its elements entry, wired as an app
// would wire them (the client as a property), under the demo server's CSP (no inline script
// or style). The test passes the signed-in user's token and the language in the query.
import init, { AuthenticationClient } from "/pkg/genauth_phone.js";
import "./elements.js";

const config = await (await fetch("/config.json")).json();
await init();
const query = new URLSearchParams(location.search);
const client = new AuthenticationClient({
  appId: config.appId,
  appHost: config.emulatorUrl,
  accessToken: query.get("token"),
  lang: query.get("lang") || undefined,
});
if (query.has("verify-old")) document.querySelector("genauth-change-phone").setAttribute("verify-old-phone", "");
window.outcomes = [];
for (const type of ["genauth-done", "genauth-failed"]) {
  document.addEventListener(type, (e) => window.outcomes.push({ type, ...e.detail }));
}
for (const el of document.querySelectorAll("genauth-change-phone, genauth-remove-phone")) el.client = client;
document.body.dataset.ready = "true";
