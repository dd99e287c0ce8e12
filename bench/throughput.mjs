// Node throughput against the emulator: this package's Node build beside authing-node-sdk
// (and the hand-written plain-JS client, on Node's global fetch and on the package's own
// node:http transport), the same calls with the same
// concurrency, each round in a fresh Node process, the order of the clients alternating from
// round to round, the emulator reset (and its user recreated) before each.
//
// node bench/throughput.mjs --peers DIR --emulator URL --out FILE.json [--rounds 3] [--seconds 6] [--concurrency 32]
//   DIR's node_modules hold genauth-phone (the packed tarball) and authing-node-sdk.
//
// The calls, in turn by each of the `concurrency` loops, all of which reach the server:
//   sendSms to a new number each time (the emulator's cooldown set to 0; the client's own
//   60 s cooldown never refuses a number it has not seen), verifyUpdatePhoneRequest and
//   unbindPhone with a wrong code, updatePhone with an unknown token (the server answers an
//   error envelope, which both clients resolve).
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "./lib.mjs";

const { values: opt } = parseArgs({
  options: {
    peers: { type: "string" }, emulator: { type: "string" }, out: { type: "string" },
    rounds: { type: "string", default: "3" }, seconds: { type: "string", default: "6" },
    warmup: { type: "string", default: "1" }, concurrency: { type: "string", default: "32" },
    child: { type: "string" }, token: { type: "string" }, prefix: { type: "string" },
  },
});
const log = (...a) => console.error("throughput:", ...a);
const PLAIN_ON_TRANSPORT = "plain JS on the Node transport";

async function dev(method, path, body) {
  const res = await fetch(`${opt.emulator}/__emulator/${path}`, {
    method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

if (opt.child) {
  // One round in this process: warm up, then count completed calls for `seconds`.
  const require = createRequire(join(resolve(opt.peers), "package.json"));
  const appHost = opt.emulator, appId = "emulator-app", accessToken = opt.token;
  if (opt.child === PLAIN_ON_TRANSPORT) {
    // The package's Node transport as installed (node/snippets/<hash>/js/node-transport.cjs),
    // in place of the global fetch that PlainClient calls: the transport's share alone.
    const snippets = join(dirname(require.resolve("genauth-phone")), "snippets");
    const [hash] = readdirSync(snippets);
    globalThis.fetch = require(join(snippets, hash, "js", "node-transport.cjs")).fetch;
  }
  const client = opt.child === "genauth-phone"
    ? new (require("genauth-phone").AuthenticationClient)({ appId, appHost, accessToken })
    : opt.child === "authing-node-sdk"
      ? new (require("authing-node-sdk").AuthenticationClient)({ appId, appHost, accessToken, tokenEndPointAuthMethod: "none" })
      : new (await import("./page/handwritten.mjs")).PlainClient({ appId, appHost, accessToken });
  let phone = Number(opt.prefix) * 1e7; // this round's own numbers: 11 digits, never reused
  const calls = [
    () => client.sendSms({ channel: "CHANNEL_BIND_PHONE", phoneNumber: String(phone++), phoneCountryCode: "+86" }),
    () => client.verifyUpdatePhoneRequest({ verifyMethod: "PHONE_PASSCODE", phonePassCodePayload: { newPhoneNumber: "18800000000", newPhonePassCode: "000000", newPhoneCountryCode: "+86" } }),
    () => client.updatePhone({ updatePhoneToken: "upt-that-was-never-issued" }),
    () => client.unbindPhone({ passCode: "000000" }),
  ];
  const expected = [200, 400, 400, 400]; // what the emulator answers each call with
  let counting = false, done = 0, unexpected = 0, errors = 0, firstProblem = null;
  const outcomes = {};
  let stop = false;
  async function loop(k) {
    for (let i = k; !stop; i++) {
      const which = i % calls.length;
      try {
        const env = await calls[which]();
        if (counting) {
          done++;
          outcomes[`${which}:${env.statusCode}`] = (outcomes[`${which}:${env.statusCode}`] ?? 0) + 1;
          if (env.statusCode !== expected[which]) { unexpected++; firstProblem ??= JSON.stringify(env); }
        }
      } catch (e) {
        if (counting) { errors++; firstProblem ??= String(e?.stack ?? e); }
      }
    }
  }
  const loops = Array.from({ length: Number(opt.concurrency) }, (_, k) => loop(k));
  await new Promise((ok) => setTimeout(ok, Number(opt.warmup) * 1000));
  counting = true;
  const t0 = performance.now(), cpu0 = process.cpuUsage();
  await new Promise((ok) => setTimeout(ok, Number(opt.seconds) * 1000));
  counting = false;
  const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0);
  stop = true;
  await Promise.all(loops);
  const mem = process.memoryUsage();
  console.log(JSON.stringify({
    client: opt.child, done, seconds, perSecond: done / seconds, unexpected, errors, firstProblem, outcomes,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6, rssMB: mem.rss / 2 ** 20, heapUsedMB: mem.heapUsed / 2 ** 20,
  }));
  process.exit(0);
}

// The driver: rounds alternate between the clients, each from the same emulator state.
const require = createRequire(join(resolve(opt.peers), "package.json"));
const versions = {
  "genauth-phone": require("genauth-phone/package.json").version,
  "authing-node-sdk": require("authing-node-sdk/package.json").version,
};
const self = fileURLToPath(import.meta.url);
// The third and fourth contenders, the same plain JS (bench/page/handwritten.mjs) on Node's
// global fetch and on the package's node:http transport, tell how much of a difference is the
// transport (undici's fetch, ours, axios on node:http) and how much the client around it.
const clients = ["genauth-phone", "authing-node-sdk", "plain JS on fetch", PLAIN_ON_TRANSPORT];
const rounds = Object.fromEntries(clients.map((c) => [c, []]));
let prefix = 1300; // sendSms numbers 13000000000 + ...: each round its own block
for (let r = 0; r < Number(opt.rounds); r++) {
  for (const client of r % 2 ? [...clients].reverse() : clients) {
    await dev("POST", "reset");
    await dev("PUT", "settings", { smsCooldownSecs: 0 });
    const user = await dev("POST", "users", { phone: "13900000000", phoneCountryCode: "+86", email: "bench@example.com" });
    const out = execFileSync(process.execPath, [self, "--child", client, "--peers", opt.peers, "--emulator", opt.emulator,
      "--token", user.accessToken, "--prefix", String(prefix++), "--seconds", opt.seconds, "--warmup", opt.warmup,
      "--concurrency", opt.concurrency], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    const res = JSON.parse(out.trim().split("\n").pop());
    rounds[client].push(res);
    log(`round ${r + 1} ${client}: ${res.perSecond.toFixed(0)} calls/s (${res.done} in ${res.seconds.toFixed(1)} s, ${res.unexpected} unexpected answers, ${res.errors} errors; client CPU ${res.clientCpuSeconds.toFixed(1)} s)`);
    if (res.unexpected || res.errors) log(`  first problem: ${res.firstProblem}`);
  }
}
await dev("POST", "reset");
const summary = Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, {
  medianPerSecond: median(v.map((x) => x.perSecond)),
  cpuMsPerCall: median(v.map((x) => (x.clientCpuSeconds * 1000) / x.done)),
  rounds: v,
}]));
const result = {
  versions, concurrency: Number(opt.concurrency), seconds: Number(opt.seconds), roundsEach: Number(opt.rounds),
  node: process.version, ...summary,
  ratio: summary["genauth-phone"].medianPerSecond / summary["authing-node-sdk"].medianPerSecond,
};
writeFileSync(opt.out, JSON.stringify(result, null, 2));
for (const c of clients) log(`median: ${c} ${result[c].medianPerSecond.toFixed(0)}/s, ${result[c].cpuMsPerCall.toFixed(3)} ms CPU per call`);
log(`ratio genauth-phone / authing-node-sdk: ${result.ratio.toFixed(2)}× calls/s, ${(result["genauth-phone"].cpuMsPerCall / result["authing-node-sdk"].cpuMsPerCall).toFixed(2)}× CPU per call`);
