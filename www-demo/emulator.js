// The emulator's development endpoints (/__emulator/): not part of GenAuth, only of
// this demo. Plain JSON; failures are {error} with a real HTTP status.

export class Emulator {
  constructor(baseUrl) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  async call(method, path, body) {
    const init = { method, credentials: "omit", headers: {} };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(`${this.baseUrl}/__emulator/${path}`, init);
    } catch {
      throw new Error(`The emulator at ${this.baseUrl} could not be reached. Is it still running?`);
    }
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const why = data && typeof data.error === "string" ? data.error : `HTTP ${res.status}`;
      const err = new Error(`The emulator refused ${method} /__emulator/${path}: ${why}`);
      err.httpStatus = res.status;
      throw err;
    }
    if (data === null) throw new Error(`The emulator's answer to ${method} /__emulator/${path} was not JSON.`);
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

  sms() {
    return this.call("GET", "sms");
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
