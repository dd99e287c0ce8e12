// scripts/shorten-names.mjs on a hand-made module and glue shaped like wasm-bindgen 0.2.130's web
// target: names renamed in the .wasm, the glue and both .d.ts files, the renamed module still
// runs, the other sections are byte for byte the same, and any name not where it is expected
// makes it fail without writing anything.   node --test tests/build/
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../../scripts/shorten-names.mjs");
const HELLO = "__wbg_hello_0123456789abcdef"; // an import: (i32) -> i32, adds 1 in the glue
const INIT = "__wbindgen_init_externref_table"; // an import: () -> ()
const INVOKE = "wasm_bindgen_0123456789abcdef___convert__closures_____invoke___x"; // export with a glue wrapper
const START = "__wbindgen_start";

// --- The module, byte by byte --------------------------------------------------------------
const uleb = (n) => {
  const out = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n);
  return out;
};
const paddedU32 = (n) => [0, 7, 14, 21, 28].map((s, i) => ((n >>> s) & 0x7f) | (i < 4 ? 0x80 : 0)); // 5 bytes, as LLVM writes
const str = (s) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const section = (id, body, size = uleb) => [id, ...size(body.length), ...body];
const CUSTOM = section(0, [...str("keep.me"), 1, 2, 3, 250, 251]);
const CODE = section(10, [
  2,
  ...[6, 0, 0x20, 0, 0x10, 0, 0x0b], // func 2: local.get 0; call 0 (hello); end
  ...[4, 0, 0x10, 1, 0x0b], // func 3: call 1 (init); end
]);
const wasmBytes = () =>
  Uint8Array.from([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [2, 0x60, 0, 0, 0x60, 1, 0x7f, 1, 0x7f]), // types: () -> (), (i32) -> i32
    ...section(2, [2, ...str("./fix_bg.js"), ...str(HELLO), 0, 1, ...str("./fix_bg.js"), ...str(INIT), 0, 0]),
    ...section(3, [2, 1, 0]),
    ...section(5, [1, 0, 1]), // memory, 1 page
    // exports, the section size padded to 5 bytes: re-encoded, it must shrink to one
    ...section(7, [4, ...str("memory"), 2, 0, ...str("isThing"), 0, 2, ...str(INVOKE), 0, 2, ...str(START), 0, 3], paddedU32),
    ...CODE,
    ...CUSTOM,
  ]);

// --- The glue and declarations, in wasm-bindgen's shape -------------------------------------
const GLUE = `/* @ts-self-types="./fix.d.ts" */
export function isThing(x) {
    const ret = wasm.isThing(x);
    return ret;
}
export function viaWrapper(x) {
    return ${INVOKE}(x);
}
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        ${HELLO}: function(arg0) {
            const ret = arg0 + 1;
            return ret;
        },
        ${INIT}: function() {
            initialised = true;
        },
    };
    return {
        __proto__: null,
        "./fix_bg.js": import0,
    };
}

function ${INVOKE}(arg0) {
    const ret = wasm.${INVOKE}(arg0);
    return ret;
}

let initialised = false;
let wasm;
export function initSync(bytes) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), __wbg_get_imports());
    wasm = instance.exports;
    wasm.${START}();
    return { exports: wasm, initialised };
}
`;
const DTS = `export function isThing(x: number): number;
export function viaWrapper(x: number): number;
export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly isThing: (a: number) => number;
    readonly ${INVOKE}: (a: number) => number;
    readonly ${START}: () => void;
}
export function initSync(bytes: BufferSource): { exports: InitOutput; initialised: boolean };
`;
const WASM_DTS = `export const memory: WebAssembly.Memory;
export const isThing: (a: number) => number;
export const ${INVOKE}: (a: number) => number;
export const ${START}: () => void;
`;

const root = mkdtempSync(join(tmpdir(), "shorten-names-"));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** A fixture dir (glue edited by `edit`), ESM so the renamed glue can be imported. */
function fixture(edit = (g) => g) {
  const dir = join(root, `d${dirs++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(join(dir, "fix_bg.wasm"), wasmBytes());
  writeFileSync(join(dir, "fix.js"), edit(GLUE));
  writeFileSync(join(dir, "fix.d.ts"), DTS);
  writeFileSync(join(dir, "fix_bg.wasm.d.ts"), WASM_DTS);
  return dir;
}
const run = (dir) => spawnSync(process.execPath, [SCRIPT, dir], { encoding: "utf8" });
const snapshot = (dir) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString("base64")]));
/** Section id → bytes (header included), by a parser independent of the script's. */
function sections(bytes) {
  const out = [];
  for (let p = 8; p < bytes.length; ) {
    const start = p++;
    let size = 0, shift = 0, b;
    do {
      b = bytes[p++];
      size |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    p += size;
    out.push([bytes[start], Buffer.from(bytes.subarray(start, p))]);
  }
  return out;
}

test("the fixture runs as it is (the glue and module agree before any renaming)", async () => {
  const dir = fixture();
  const glue = await import(pathToFileURL(join(dir, "fix.js")).href);
  const { initialised } = glue.initSync(readFileSync(join(dir, "fix_bg.wasm")));
  assert.equal(initialised, true);
  assert.equal(glue.isThing(41), 42);
});

test("renames imports, the import module and function exports in the wasm, the glue and both .d.ts", async () => {
  const dir = fixture();
  const r = run(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /2 imports and 3 exports renamed/);

  const bytes = readFileSync(join(dir, "fix_bg.wasm"));
  const mod = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(mod), exports = WebAssembly.Module.exports(mod);
  assert.deepEqual(imports.map((i) => i.module), ["wbg", "wbg"]);
  for (const i of imports) assert.match(i.name, /^[A-Za-z][A-Za-z0-9]?$/);
  assert.equal(exports[0].name, "memory", "memory keeps its name");
  for (const e of exports.slice(1)) assert.match(e.name, /^[A-Za-z][A-Za-z0-9]?$/);
  assert.equal(new Set(exports.map((e) => e.name)).size, 4);

  const glue = readFileSync(join(dir, "fix.js"), "utf8"), dts = readFileSync(join(dir, "fix.d.ts"), "utf8");
  const wasmDts = readFileSync(join(dir, "fix_bg.wasm.d.ts"), "utf8");
  for (const old of [HELLO, INIT, INVOKE, START, "./fix_bg.js", "wasm.isThing"]) {
    assert.ok(!glue.includes(old), `${old} left in the glue`);
    assert.ok(!dts.includes(old) && !wasmDts.includes(old), `${old} left in a .d.ts`);
  }
  for (const i of imports) assert.match(glue, new RegExp(`^ {8}${i.name}: function\\(`, "m"));
  for (const e of exports) {
    assert.match(dts, new RegExp(`^    readonly ${e.name}: `, "m"));
    assert.match(wasmDts, new RegExp(`^export const ${e.name}: `, "m"));
  }
  assert.match(glue, /^export function isThing\(x\)/m, "the public function keeps its name");
  assert.match(dts, /^export function isThing\(x: number\)/m);

  // Only the import and export sections changed; the padded size came out minimal.
  const before = sections(wasmBytes()), now = sections(bytes);
  assert.deepEqual(now.map(([id]) => id), before.map(([id]) => id));
  for (const [k, [id, b]] of before.entries()) if (id !== 2 && id !== 7) assert.deepEqual(now[k][1], b, `section ${id} changed`);
  const exportSection = now.find(([id]) => id === 7)[1];
  assert.equal(exportSection[1] & 0x80, 0, "the export section's size is re-encoded in one byte");
  assert.ok(bytes.length < wasmBytes().length);

  // The renamed pair still works: the import is called, the wrapper reaches its export.
  const m = await import(pathToFileURL(join(dir, "fix.js")).href);
  const { initialised } = m.initSync(bytes);
  assert.equal(initialised, true, "the renamed start export ran and called the renamed import");
  assert.equal(m.isThing(1), 2);
  assert.equal(m.viaWrapper(9), 10);
});

test("deterministic, and a second run on its own output changes nothing", () => {
  const a = fixture(), b = fixture();
  assert.equal(run(a).status, 0);
  assert.equal(run(b).status, 0);
  assert.deepEqual(snapshot(a), snapshot(b));
  const again = run(a);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /already short, nothing changed/);
  assert.deepEqual(snapshot(a), snapshot(b));
});

const refusals = [
  ["an import not where expected (an arrow, not `NAME: function(`)", (g) => g.replace(`${HELLO}: function(arg0) {`, `${HELLO}: (arg0) => {`), /import `__wbg_hello_0123456789abcdef` is not found exactly once/],
  ["an import missing from the glue", (g) => g.replace(`        ${INIT}: function() {\n            initialised = true;\n        },\n`, ""), /import `__wbindgen_init_externref_table` is not found exactly once/],
  ["a glue import the wasm does not have", (g) => g.replace(`${INIT}: function() {`, `__wbindgen_other: function() {`), /the import object has a key `__wbindgen_other`/],
  ["an import named somewhere else too", (g) => g.replace("let initialised", `const which = "${HELLO}";\nlet initialised`), /also occurs outside the import object/],
  ["an export reached other than as `wasm.NAME`", (g) => g.replace("wasm.isThing(x)", "instance.isThing(x)"), /export `isThing` is used as a property of something other than `wasm`/],
  ["an export named in a string", (g) => g.replace("let initialised", `const n = "${START}";\nlet initialised`), /export `__wbindgen_start` occurs outside `wasm.__wbindgen_start`/],
  ["a second import module", (g) => g.replace(`"./fix_bg.js": import0,`, `"./other.js": import0,`), /expected one `"\.\/fix_bg\.js": importN`/],
];
for (const [what, edit, message] of refusals) {
  test(`fails on ${what}, and writes nothing`, () => {
    const dir = fixture(edit);
    const before = snapshot(dir);
    const r = run(dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^shorten-names: FAILED: /);
    assert.match(r.stderr, message);
    assert.deepEqual(snapshot(dir), before);
  });
}

test("fails when a .d.ts lists an export the wasm does not have", () => {
  const dir = fixture();
  writeFileSync(join(dir, "fix_bg.wasm.d.ts"), `${WASM_DTS}export const gone: () => void;\n`);
  const r = run(dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /NAME_bg\.wasm\.d\.ts: its list of exports does not match the wasm's \(not exported: gone/);
});

test("fails on a truncated module", () => {
  const dir = fixture();
  writeFileSync(join(dir, "fix_bg.wasm"), wasmBytes().subarray(0, 40));
  const r = run(dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /wasm: section \d+ at byte \d+ runs past the end/);
});
