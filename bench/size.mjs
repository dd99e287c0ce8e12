// Size: what each way of shipping a phone change makes a browser download, gzip -9 and
// brotli (quality 11), each file compressed on its own (as a server sends it) and summed.
//
// node bench/size.mjs --peers DIR --vite DIR --site DIR --out FILE.json
//   --peers: a dir whose node_modules hold genauth-phone (the packed tarball), authing-js-sdk
//            and @supabase/auth-js; bench/entries/*.js are bundled there with esbuild.
//   --vite:  the Vite build of tests/consumers/size.js (its assets/*.js and *.wasm are counted).
//   --site:  where the bundles are also written (peers/*.js) for the cold-start pages.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { brotliCompressSync, constants } from "node:zlib";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({ options: { peers: { type: "string" }, vite: { type: "string" }, site: { type: "string" }, out: { type: "string" } } });
const peers = resolve(opt.peers);
const pkg = join(peers, "node_modules/genauth-phone");
const version = (name) => JSON.parse(readFileSync(join(peers, "node_modules", name, "package.json"), "utf8")).version;

/** gzip -9 as the gzip tool does it (-n: no file name or time in the header, so it is deterministic). */
const gzip = (buf) => {
  const r = spawnSync("gzip", ["-9", "-n", "-c"], { input: buf, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`gzip failed: ${r.stderr}`);
  return r.stdout.length;
};
const brotli = (buf) => brotliCompressSync(buf, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
}).length;

function measure(label, files, note) {
  const row = { label, note, raw: 0, gzip: 0, brotli: 0, wasmGzip: 0, jsGzip: 0, files: [] };
  for (const f of files) {
    const buf = readFileSync(f);
    const g = gzip(buf), b = brotli(buf);
    row.raw += buf.length; row.gzip += g; row.brotli += b;
    if (f.endsWith(".wasm")) row.wasmGzip += g; else row.jsGzip += g;
    row.files.push({ file: basename(f), raw: buf.length, gzip: g, brotli: b });
  }
  return row;
}

const work = join(peers, "bench-size");
mkdirSync(work, { recursive: true });
mkdirSync(join(opt.site, "peers"), { recursive: true });

// 1. The web target: the .wasm plus the wasm-bindgen glue minified by esbuild (scripts/size.sh's measure).
const minGlue = join(work, "genauth_phone.min.js");
await esbuild.build({ entryPoints: [join(pkg, "web/genauth_phone.js")], outfile: minGlue, minify: true, format: "esm", logLevel: "error" });
const rows = [measure("genauth-phone web target: .wasm + glue (esbuild --minify)", [join(pkg, "web/genauth_phone_bg.wasm"), minGlue], "the size target")];

// 2. The Vite 7 build of the smallest app that uses the package (tests/consumers/size.js).
const assets = join(resolve(opt.vite), "assets");
const viteFiles = readdirSync(assets).filter((f) => /\.(js|wasm)$/.test(f)).map((f) => join(assets, f));
rows.push(measure("genauth-phone in a Vite 7 build (all shipped assets)", viteFiles, "tests/consumers/size.js"));

// 3. Each entry bundled the same way: esbuild --bundle --minify, ESM, for browsers.
async function bundle(entry) {
  const src = join(work, basename(entry));
  copyFileSync(join(here, "entries", entry), src);
  const outfile = join(opt.site, "peers", basename(entry));
  await esbuild.build({ entryPoints: [src], outfile, bundle: true, minify: true, format: "esm", platform: "browser", logLevel: "error", absWorkingDir: peers });
  return outfile;
}
const ours = await bundle("genauth-phone.js");
copyFileSync(join(pkg, "web/genauth_phone_bg.wasm"), join(opt.site, "peers/genauth_phone_bg.wasm"));
rows.push(measure("genauth-phone, entry bundled by esbuild (+ its .wasm)", [ours, join(pkg, "web/genauth_phone_bg.wasm")], "verify + updatePhone + unbindPhone"));
rows.push(measure(`authing-js-sdk ${version("authing-js-sdk")}, entry bundled by esbuild`, [await bundle("authing-js-sdk.js")], "updatePhone + unbindPhone"));
rows.push(measure(`@supabase/auth-js ${version("@supabase/auth-js")}, entry bundled by esbuild`, [await bundle("supabase-auth-js.js")], "updateUser({phone}) + verifyOtp(phone_change)"));

const result = { rows, versions: { "genauth-phone": version("genauth-phone"), "authing-js-sdk": version("authing-js-sdk"), "@supabase/auth-js": version("@supabase/auth-js"), esbuild: esbuild.version } };
writeFileSync(opt.out, JSON.stringify(result, null, 2));
for (const r of rows) console.log(`size: ${r.label}: ${r.gzip} B gzip, ${r.brotli} B brotli (${r.raw} B raw)`);
