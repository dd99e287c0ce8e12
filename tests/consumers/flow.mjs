// The change-number flow every consumer runs against the emulator, whatever way it got the
// package (Vite, webpack, Node ESM/CJS, a static page, a module worker). The same file is copied
// into each consumer app, so the calls and the checks are written once.
//
// In a page or worker: changePhone(lib, paramsFrom(location.search)) and show(...) the result.
// In Node, or in the driver of a page: endToEnd(...) creates the user, runs, checks everything.

const APP_ID = "emulator-app";

/** The parameters a page or worker gets from its URL: ?emulator=...&accessToken=...&newPhone=... */
export function paramsFrom(search) {
  const q = new URLSearchParams(search);
  return { emulator: q.get("emulator"), accessToken: q.get("accessToken"), newPhone: q.get("newPhone") };
}

/**
 * sendSms -> the code from the emulator's inbox -> verifyUpdatePhoneRequest -> updatePhone,
 * plus two refusals that need no traffic (bad input, a consumed token), with the package's
 * exports passed in as `lib`. Returns plain data, so it can cross postMessage or a page.
 */
export async function changePhone({ AuthenticationClient, isGenAuthError }, { emulator, accessToken, newPhone }) {
  const client = new AuthenticationClient({ appId: APP_ID, appHost: emulator, lang: "en-US" });
  client.setAccessToken(accessToken);
  const refusal = (e) => ({ guard: isGenAuthError(e), name: e.name, code: e.code, field: e.field });

  // A country code in the number is refused before any request.
  const invalid = await client
    .sendSms({ channel: "CHANNEL_BIND_PHONE", phoneNumber: "+86" + newPhone })
    .then(() => null, refusal);

  const sent = await client.sendSms({ channel: "CHANNEL_BIND_PHONE", phoneNumber: newPhone, phoneCountryCode: "+86" });
  const inbox = await (await fetch(`${emulator}/__emulator/sms`)).json();
  const sms = inbox.filter((m) => m.channel === "CHANNEL_BIND_PHONE" && m.phoneNumber === newPhone).pop();

  const verified = await client.verifyUpdatePhoneRequest({
    verifyMethod: "PHONE_PASSCODE",
    phonePassCodePayload: { newPhoneNumber: newPhone, newPhonePassCode: sms.code, newPhoneCountryCode: "+86" },
  });
  const updatePhoneToken = verified.data.updatePhoneToken;
  const updated = await client.updatePhone({ updatePhoneToken });

  // The client remembers the token it used: a second use is refused without traffic.
  const reused = await client.updatePhone({ updatePhoneToken }).then(() => null, refusal);

  return {
    scope: globalThis.constructor?.name,
    invalid,
    sent: sent.statusCode,
    cooldownMs: client.smsCooldownRemaining({ channel: "CHANNEL_BIND_PHONE", phoneNumber: newPhone, phoneCountryCode: "+86" }),
    verified: verified.statusCode,
    tokenExpiresIn: verified.data.tokenExpiresIn,
    updated: updated.statusCode,
    reused,
  };
}

/** Throws, naming every field that differs from a successful run. */
export function check(result) {
  const problems = [];
  const expect = (what, ok) => ok || problems.push(`${what}: ${JSON.stringify(result)}`);
  expect("bad input refused as GenAuthError INVALID_ARGUMENT on phoneNumber",
    result.invalid?.guard === true && result.invalid.name === "GenAuthError"
      && result.invalid.code === "INVALID_ARGUMENT" && result.invalid.field === "phoneNumber");
  expect("sendSms answered 200", result.sent === 200);
  expect("cooldown running after the send", result.cooldownMs > 0 && result.cooldownMs <= 60000);
  expect("verifyUpdatePhoneRequest answered 200 with a token", result.verified === 200 && result.tokenExpiresIn > 0);
  expect("updatePhone answered 200", result.updated === 200);
  expect("reusing the token refused with TOKEN_CONSUMED", result.reused?.guard === true && result.reused.code === "TOKEN_CONSUMED");
  if (problems.length) throw new Error(problems.join("\n"));
}

/** In a page: runs `task`, then writes its result (or its error) into <pre id="result">. */
export async function show(task) {
  let out;
  try {
    out = await task();
  } catch (e) {
    out = { error: String(e?.stack || e?.message || e) };
  }
  const pre = document.createElement("pre");
  pre.id = "result";
  pre.textContent = JSON.stringify(out);
  document.body.append(pre);
}

async function dev(emulator, path, body) {
  const res = await fetch(`${emulator}/__emulator/${path}`, body && {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * A signed-in user with `oldPhone`, `run({emulator, accessToken, newPhone})` (in this process, a
 * page or a worker), check() on its result, then the emulator must hold the new number.
 */
export async function endToEnd({ emulator, oldPhone, newPhone, run, scope }) {
  const user = await dev(emulator, "users", { phone: oldPhone, phoneCountryCode: "+86", email: `${oldPhone}@example.com` });
  const result = await run({ emulator, accessToken: user.accessToken, newPhone });
  if (result.error) throw new Error(`the consumer failed:\n${result.error}`);
  check(result);
  if (scope && result.scope !== scope) throw new Error(`ran in ${result.scope}, expected ${scope}`);
  const after = await dev(emulator, `users/${user.userId}`);
  if (after.phone !== newPhone) throw new Error(`the emulator has phone ${after.phone}, expected ${newPhone}`);
  return `user ${user.userId}: ${oldPhone} -> ${after.phone} (sendSms ${result.sent}, verify ${result.verified}, update ${result.updated}; ${result.invalid.code}, ${result.reused.code} refused in ${result.scope})`;
}

/**
 * endToEnd(params), then: every API request it made came without `accept-encoding`. Node's
 * global fetch always sends that header; the package's Node entry sends through its own
 * node:http transport (js/node-transport.cjs), which does not.
 */
export async function endToEndInNode(params) {
  const before = (await dev(params.emulator, "requests")).length;
  const summary = await endToEnd(params);
  const sent = (await dev(params.emulator, "requests")).slice(before);
  if (sent.length < 3) throw new Error(`expected the flow's requests in the emulator log, found ${sent.length}`);
  const viaFetch = sent.filter((r) => "accept-encoding" in r.headers);
  if (viaFetch.length) throw new Error(`${viaFetch.length} of ${sent.length} requests came through Node's fetch, not the Node transport`);
  return `${summary}; ${sent.length} requests through the node:http transport`;
}
