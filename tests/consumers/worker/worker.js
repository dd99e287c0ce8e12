// A dedicated module worker: the no-bundler entry, the flow, and the result posted back.
import { AuthenticationClient, isGenAuthError } from "./node_modules/genauth-phone/web.js";
import { changePhone, paramsFrom } from "./flow.mjs";

changePhone({ AuthenticationClient, isGenAuthError }, paramsFrom(location.search)).then(
  (result) => postMessage(result),
  (e) => postMessage({ error: String(e?.stack || e) }),
);
