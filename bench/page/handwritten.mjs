// The yardstick for the per-call benchmark: the same four calls written by hand in plain JS,
// doing the same work per call as genauth-phone does (README "Input rules" and "On the wire"):
// own properties only, unknown keys refused, every field checked without coercion, the SMS
// cooldown and update-token ledger, compact JSON body, the same headers, global fetch with an
// AbortController (timeout and the caller's signal), response.text() + JSON.parse, the envelope
// check, HTTP status and envelope errors, and a real Error subclass for every failure.
// It is not a product: the constructor checks only what the per-call paths rely on.

const CHANNELS = new Set([
  "CHANNEL_LOGIN", "CHANNEL_REGISTER", "CHANNEL_RESET_PASSWORD", "CHANNEL_BIND_PHONE",
  "CHANNEL_UNBIND_PHONE", "CHANNEL_BIND_MFA", "CHANNEL_VERIFY_MFA", "CHANNEL_UNBIND_MFA",
  "CHANNEL_COMPLETE_PHONE", "CHANNEL_IDENTITY_VERIFICATION", "CHANNEL_DELETE_ACCOUNT",
]);
const SMS_COOLDOWN_MS = 60000;
const MAX_TOKENS = 16;
const hasOwn = Object.hasOwn;

export class PlainGenAuthError extends Error {
  constructor(code, message, extra) {
    super(message);
    this.name = "GenAuthError";
    this.code = code;
    if (extra) Object.assign(this, extra);
  }
}

const invalid = (field, message) => new PlainGenAuthError("INVALID_ARGUMENT", `${field} ${message}`, { field });
const digits = (s) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

function open(value, name, path, allowed) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(name, "must be an object");
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(path ? `${path}.${key}` : key, "is not a known field (check its spelling)");
  }
  return value;
}
function get(o, path, name) {
  if (!hasOwn(o, name)) return undefined;
  const v = o[name];
  return v === null ? undefined : v;
}
const fieldName = (path, name) => (path ? `${path}.${name}` : name);
function optString(o, path, name) {
  const v = get(o, path, name);
  if (v !== undefined && typeof v !== "string") throw invalid(fieldName(path, name), "must be a string");
  return v;
}
function string(o, path, name) {
  const v = optString(o, path, name);
  if (v === undefined) throw invalid(fieldName(path, name), "is required");
  return v;
}
function phoneNumber(field, v) {
  if (v.startsWith("+")) throw invalid(field, "must not include the country code: put it in the matching ...CountryCode field");
  if (v.length < 4 || v.length > 15 || !digits(v)) throw invalid(field, "must be 4 to 15 ASCII digits");
  return v;
}
function countryCode(field, v) {
  if (v === undefined) return v;
  if (v[0] !== "+" || v.length < 2 || v.length > 5 || !digits(v.slice(1))) throw invalid(field, "must be \"+\" followed by 1 to 4 digits");
  return v;
}
function passCode(field, v) {
  if (v.length < 4 || v.length > 10 || !digits(v)) throw invalid(field, "must be 4 to 10 ASCII digits");
  return v;
}
function token(field, v) {
  if (v.length === 0) throw invalid(field, "must not be empty");
  let printable = v.length <= 8192;
  for (let i = 0; printable && i < v.length; i++) {
    const c = v.charCodeAt(i);
    printable = c >= 0x20 && c < 0x7f;
  }
  if (!printable || v[0] === " " || v[v.length - 1] === " ") throw invalid(field, "must be printable ASCII without leading or trailing spaces");
  return v;
}
// The cooldown key of channel + country code + number (the package hashes the same parts).
const key = (...parts) => parts.join("\u00ff");

export class PlainClient {
  constructor(options) {
    open(options, "options", "", ["appId", "appHost", "accessToken", "timeout", "lang", "throwOnError"]);
    this.appId = string(options, "", "appId");
    this.baseUrl = string(options, "", "appHost").replace(/\/$/, "");
    this.accessToken = optString(options, "", "accessToken");
    if (this.accessToken !== undefined) token("accessToken", this.accessToken);
    this.timeout = get(options, "", "timeout") ?? 10000;
    this.lang = optString(options, "", "lang");
    this.throwOnError = get(options, "", "throwOnError") ?? false;
    this.smsSent = new Map(); // key -> time of the last successful send
    this.tokens = []; // {token, expiresAt, consumed}, the last 16
  }

  setAccessToken(t) {
    if (typeof t !== "string") throw invalid("token", "must be a string");
    this.accessToken = token("token", t);
  }

  sendSms(dto, opts) {
    try {
      const o = open(dto, "dto", "", ["channel", "phoneNumber", "phoneCountryCode"]);
      const channel = string(o, "", "channel");
      if (!CHANNELS.has(channel)) throw invalid("channel", "must be one of the SmsChannel values");
      const phone = phoneNumber("phoneNumber", string(o, "", "phoneNumber"));
      const cc = countryCode("phoneCountryCode", optString(o, "", "phoneCountryCode"));
      const k = key(channel, cc ?? "", phone);
      const now = Date.now();
      const at = this.smsSent.get(k);
      if (at !== undefined && now - at < SMS_COOLDOWN_MS) {
        throw new PlainGenAuthError("SMS_COOLDOWN", "an SMS was sent to this number on this channel less than 60 s ago", { retryAfterMs: Math.ceil(at + SMS_COOLDOWN_MS - now) });
      }
      const body = { channel, phoneNumber: phone };
      if (cc !== undefined) body.phoneCountryCode = cc;
      return this.#start("send-sms", body, this.accessToken, opts, (env, t) => {
        // A Map iterates in insertion order: re-inserting keeps it oldest first, so pruning
        // stops at the first entry still cooling down (amortised O(1) per send).
        this.smsSent.delete(k);
        for (const [kk, when] of this.smsSent) {
          if (t - when < SMS_COOLDOWN_MS) break;
          this.smsSent.delete(kk);
        }
        this.smsSent.set(k, t);
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  verifyUpdatePhoneRequest(dto, opts) {
    try {
      const o = open(dto, "dto", "", ["verifyMethod", "phonePassCodePayload"]);
      if (string(o, "", "verifyMethod") !== "PHONE_PASSCODE") throw invalid("verifyMethod", "must be \"PHONE_PASSCODE\"");
      const raw = get(o, "", "phonePassCodePayload");
      if (raw === undefined) throw invalid("phonePassCodePayload", "is required");
      const P = "phonePassCodePayload";
      const p = open(raw, P, P, ["newPhoneNumber", "newPhonePassCode", "newPhoneCountryCode", "oldPhoneNumber", "oldPhonePassCode", "oldPhoneCountryCode"]);
      const payload = {
        newPhoneNumber: phoneNumber(`${P}.newPhoneNumber`, string(p, P, "newPhoneNumber")),
        newPhonePassCode: passCode(`${P}.newPhonePassCode`, string(p, P, "newPhonePassCode")),
      };
      const ncc = countryCode(`${P}.newPhoneCountryCode`, optString(p, P, "newPhoneCountryCode"));
      const oldNumber = optString(p, P, "oldPhoneNumber");
      const oldCode = optString(p, P, "oldPhonePassCode");
      const occ = countryCode(`${P}.oldPhoneCountryCode`, optString(p, P, "oldPhoneCountryCode"));
      if ((oldNumber === undefined) !== (oldCode === undefined)) throw invalid(`${P}.oldPhonePassCode`, "and oldPhoneNumber go together");
      if (occ !== undefined && oldNumber === undefined) throw invalid(`${P}.oldPhoneCountryCode`, "needs oldPhoneNumber");
      if (ncc !== undefined) payload.newPhoneCountryCode = ncc;
      if (oldNumber !== undefined) {
        payload.oldPhoneNumber = phoneNumber(`${P}.oldPhoneNumber`, oldNumber);
        payload.oldPhonePassCode = passCode(`${P}.oldPhonePassCode`, oldCode);
      }
      if (occ !== undefined) payload.oldPhoneCountryCode = occ;
      const access = this.#token();
      return this.#start("verify-update-phone-request", { verifyMethod: "PHONE_PASSCODE", phonePassCodePayload: payload }, access, opts, (env, t) => {
        const data = hasOwn(env, "data") ? env.data : undefined;
        const tok = data && hasOwn(data, "updatePhoneToken") ? data.updatePhoneToken : undefined;
        const exp = data && hasOwn(data, "tokenExpiresIn") ? data.tokenExpiresIn : undefined;
        if (typeof tok !== "string" || typeof exp !== "number" || !(exp >= 0)) {
          throw new PlainGenAuthError("BAD_RESPONSE", "a successful verifyUpdatePhoneRequest answer lacks data.updatePhoneToken or data.tokenExpiresIn");
        }
        this.tokens = this.tokens.filter((r) => r.token !== tok);
        if (this.tokens.length >= MAX_TOKENS) this.tokens.shift();
        this.tokens.push({ token: tok, expiresAt: t + exp * 1000, consumed: false });
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  updatePhone(dto, opts) {
    try {
      const o = open(dto, "dto", "", ["updatePhoneToken"]);
      const upt = token("updatePhoneToken", string(o, "", "updatePhoneToken"));
      const access = this.#token();
      const known = this.tokens.find((r) => r.token === upt);
      if (known?.consumed) throw new PlainGenAuthError("TOKEN_CONSUMED", "updatePhoneToken was already used");
      if (known && Date.now() >= known.expiresAt) throw new PlainGenAuthError("TOKEN_EXPIRED", "updatePhoneToken has expired");
      return this.#start("update-phone", { updatePhoneToken: upt }, access, opts, () => {
        const r = this.tokens.find((x) => x.token === upt);
        if (r) r.consumed = true;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  unbindPhone(dto, opts) {
    try {
      const o = open(dto, "dto", "", ["passCode"]);
      const code = passCode("passCode", string(o, "", "passCode"));
      return this.#start("unbind-phone", { passCode: code }, this.#token(), opts, null);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #token() {
    if (this.accessToken === undefined) throw new PlainGenAuthError("NOT_AUTHENTICATED", "no access token");
    return this.accessToken;
  }

  #start(path, body, access, opts, onSuccess) {
    let timeout = this.timeout;
    let signal;
    if (opts !== undefined && opts !== null) {
      const o = open(opts, "opts", "opts", ["signal", "timeout"]);
      const t = get(o, "opts", "timeout");
      if (t !== undefined) {
        if (typeof t !== "number" || !Number.isInteger(t) || t < 1 || t > 120000) throw invalid("opts.timeout", "must be a whole number of milliseconds from 1 to 120000");
        timeout = t;
      }
      signal = get(o, "opts", "signal");
      if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid("opts.signal", "must be an AbortSignal");
    }
    const headers = {
      "content-type": "application/json",
      "x-authing-app-id": this.appId,
      "x-authing-request-from": "sdk",
      "x-authing-sdk-version": "plain-js:0.1.0",
    };
    if (this.lang !== undefined) headers["x-authing-lang"] = this.lang;
    if (access !== undefined) headers.authorization = access;
    return this.#post(`${this.baseUrl}/api/v3/${path}`, headers, JSON.stringify(body), timeout, signal, onSuccess);
  }

  async #post(url, headers, body, timeout, signal, onSuccess) {
    if (signal?.aborted) throw new PlainGenAuthError("ABORTED", "the caller's signal was already aborted");
    const controller = new AbortController();
    const abort = controller.abort.bind(controller);
    const timer = setTimeout(abort, timeout);
    signal?.addEventListener("abort", abort);
    const reason = () =>
      signal?.aborted ? new PlainGenAuthError("ABORTED", "the request was aborted by the caller's signal")
        : controller.signal.aborted ? new PlainGenAuthError("TIMEOUT", "the request timed out and was aborted")
          : new PlainGenAuthError("NETWORK", "the request failed before an HTTP answer");
    let response, text;
    try {
      response = await fetch(url, { method: "POST", headers, body, signal: controller.signal, credentials: "omit" });
      text = await response.text();
    } catch {
      throw reason();
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    }
    let env;
    try {
      env = JSON.parse(text);
    } catch {
      env = undefined;
    }
    const isEnvelope = typeof env === "object" && env !== null && !Array.isArray(env)
      && hasOwn(env, "statusCode") && typeof env.statusCode === "number" && Number.isFinite(env.statusCode);
    if (response.status < 200 || response.status >= 300) {
      const extra = { statusCode: response.status };
      if (isEnvelope) Object.assign(extra, { apiCode: env.apiCode, requestId: env.requestId });
      const ra = response.headers.get("retry-after");
      if (ra !== null && /^\d{1,9}$/.test(ra) && +ra <= 86400) extra.retryAfterMs = +ra * 1000;
      throw new PlainGenAuthError("HTTP_STATUS", `the server answered HTTP ${response.status}`, extra);
    }
    if (!isEnvelope) throw new PlainGenAuthError("BAD_RESPONSE", "the server answered 2xx with something that is not a GenAuth JSON envelope");
    if (env.statusCode !== 200) {
      if (this.throwOnError) throw new PlainGenAuthError("API", env.message || "the API refused the request", { statusCode: env.statusCode, apiCode: env.apiCode, requestId: env.requestId });
      return env;
    }
    if (onSuccess) onSuccess(env, Date.now());
    return env;
  }
}
