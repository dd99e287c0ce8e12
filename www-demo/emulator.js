// The emulator's development endpoints (/__emulator/): not part of GenAuth, only of
// this demo. Plain JSON; failures are {error} with a real HTTP status.

export class Emulator {
  constructor(baseUrl) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** The JSON answer; a failure throws an Error whose `unreachable` says if nothing answered,
   *  with the developer's account of it as its message (the page words it for people). */
  async call(method, path, body) {
    const init = { method, credentials: "omit", headers: {} };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const what = `${method} ${this.baseUrl}/__emulator/${path}`;
    let res;
    try {
      res = await fetch(`${this.baseUrl}/__emulator/${path}`, init);
    } catch {
      throw Object.assign(new Error(`${what}: no answer`), { unreachable: true });
    }
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const why = data && typeof data.error === "string" ? data.error : "";
      throw Object.assign(new Error(`${what}: HTTP ${res.status} ${why}`.trim()), { httpStatus: res.status });
    }
    if (data === null) throw new Error(`${what}: the answer was not JSON`);
    return data;
  }

  /** A new signed-in user with a fresh random mainland number (retried if taken). */
  async createDemoUser({ withEmail }) {
    for (let attempt = 0; ; attempt++) {
      const phone = randomMobile();
      const body = { phone, phoneCountryCode: "+86" };
      if (withEmail) body.email = `demo-${randomHex(3)}@example.com`;
      try {
        return await this.call("POST", "users", body);
      } catch (e) {
        if (e.httpStatus !== 409 || attempt >= 4) throw e;
      }
    }
  }

  user(userId) {
    return this.call("GET", `users/${encodeURIComponent(userId)}`);
  }

  /** The codes texted to the numbers of `userId` (or asked for with its token), oldest first. */
  sms(userId) {
    return this.call("GET", `sms?userId=${encodeURIComponent(userId)}`);
  }

  settings() {
    return this.call("GET", "settings");
  }

  updateSettings(patch) {
    return this.call("PUT", "settings", patch);
  }
}

function randomDigits(n) {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => String(b % 10)).join("");
}

function randomHex(bytes) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** 1[3-9]XXXXXXXXX: the shape of a mainland China mobile number. */
export function randomMobile() {
  const second = "3456789"[crypto.getRandomValues(new Uint8Array(1))[0] % 7];
  return `1${second}${randomDigits(9)}`;
}
