#!/usr/bin/env node
// Gives wasm-bindgen's long import and export names one- or two-letter names, in the .wasm and
// in the JS glue (and the .d.ts files that list the exports), after wasm-pack.
//
// wasm-bindgen names each import `__wbg_<name>_<16 hex digits>` (or `__wbindgen_*`) and each
// closure invoker a mangled path of ~300 characters; the hashes are random, so gzip cannot
// shrink them, and each name is stored twice, in the .wasm and in the glue. Renamed here:
//   - every import of the glue's one import module (`"./NAME_bg.js": import0` in the glue),
//     and the module itself, to `wbg` (stored once per import in the .wasm);
//   - every function export (the glue reaches them only as `wasm.X`; a closure invoker also
//     has a glue-local wrapper function of the same name, renamed too). A function export
//     whose name is also one the glue exports to users (`isGenAuthError`) keeps that public
//     JS name: only its `wasm.X` uses change.
// Kept: `memory` and every other non-function export (the externref table): the glue, and
// tools such as bench/page/bench.js, read them by name.
//
// The .wasm is parsed (sections, LEB128, names), its import and export sections re-encoded
// with their new sizes, every other section copied byte for byte. Every old name must be
// found in the glue exactly where expected (an import once, as `NAME: function(` in the
// import object; an export only as `wasm.NAME`, or as its wrapper or public name), and
// no wasm-bindgen name may survive; otherwise nothing is written and the exit status is 1.
// Short names are deterministic (imports in their wasm order, exports by uses in the glue,
// most used first), valid JS identifiers, never reserved words, and unique; a wrapper
// function's name is also no identifier already in the glue.
//
// Run by scripts/build.sh right after wasm-pack, on fresh output only. On a directory it has
// already renamed it checks the names match and changes nothing.
// Usage: node scripts/shorten-names.mjs DIR    (DIR holds NAME_bg.wasm and NAME.js)
import { readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export class ShortenError extends Error {}
const fail = (msg) => {
  throw new ShortenError(msg);
};

// ---------------------------------------------------------------------------------------
// The wasm binary: sections, and the import and export sections entry by entry.

const utf8 = new TextDecoder("utf-8", { fatal: true });

class Reader {
  constructor(bytes, pos, end) {
    Object.assign(this, { bytes, pos, end });
  }
  byte() {
    if (this.pos >= this.end) fail(`wasm: unexpected end of data at byte ${this.pos}`);
    return this.bytes[this.pos++];
  }
  // Unsigned LEB128 of at most `bits` bits (u32: at most 5 bytes).
  uleb(bits = 32) {
    let result = 0n, shift = 0n;
    for (let i = 0; ; i++) {
      if (i >= Math.ceil(bits / 7)) fail(`wasm: LEB128 longer than ${bits} bits at byte ${this.pos}`);
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) break;
    }
    if (result >> BigInt(bits)) fail(`wasm: LEB128 value over ${bits} bits at byte ${this.pos}`);
    return bits <= 32 ? Number(result) : result;
  }
  // Signed LEB128 (s33 heap types): only skipped, its bytes are copied.
  skipSleb(bits) {
    for (let i = 0; ; i++) {
      if (i >= Math.ceil(bits / 7)) fail(`wasm: signed LEB128 longer than ${bits} bits at byte ${this.pos}`);
      if (!(this.byte() & 0x80)) return;
    }
  }
  name() {
    const len = this.uleb();
    if (this.pos + len > this.end) fail(`wasm: a name runs past its section at byte ${this.pos}`);
    const s = utf8.decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
  // A value or reference type: one byte, or (ref null? heaptype) with an s33 heap type.
  valType() {
    const t = this.byte();
    if (t === 0x63 || t === 0x64) this.skipSleb(33);
  }
  limits() {
    const flags = this.byte();
    if (flags > 0x07) fail(`wasm: limits flags 0x${flags.toString(16)} not understood`);
    const bits = flags & 0x04 ? 64 : 32;
    this.uleb(bits);
    if (flags & 0x01) this.uleb(bits);
  }
}

const encodeU32 = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const encodeName = (s) => {
  const b = new TextEncoder().encode(s);
  return [...encodeU32(b.length), ...b];
};

/** The module's sections: { id, start, end (header included), body (payload start) }. */
export function parseSections(bytes) {
  const head = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || head.some((b, i) => bytes[i] !== b)) fail("wasm: not a WebAssembly 1.0 module (magic or version)");
  const sections = [];
  const r = new Reader(bytes, 8, bytes.length);
  while (r.pos < bytes.length) {
    const start = r.pos, id = r.byte(), size = r.uleb(), body = r.pos;
    if (body + size > bytes.length) fail(`wasm: section ${id} at byte ${start} runs past the end`);
    sections.push({ id, start, body, end: body + size });
    r.pos = body + size;
  }
  for (const id of [2, 7]) {
    if (sections.filter((s) => s.id === id).length > 1) fail(`wasm: more than one section ${id}`);
  }
  return sections;
}

/** Import entries: { module, name, desc (the bytes of the import's type, copied as they are) }. */
export function parseImports(bytes, section) {
  const r = new Reader(bytes, section.body, section.end);
  const n = r.uleb(), imports = [];
  for (let i = 0; i < n; i++) {
    const module = r.name(), name = r.name(), descStart = r.pos, kind = r.byte();
    if (kind === 0x00) r.uleb(); // function: type index
    else if (kind === 0x01) (r.valType(), r.limits()); // table
    else if (kind === 0x02) r.limits(); // memory
    else if (kind === 0x03) (r.valType(), r.byte()); // global: type, mutability
    else if (kind === 0x04) (r.byte(), r.uleb()); // tag: attribute, type index
    else fail(`wasm: import ${JSON.stringify(module)}.${JSON.stringify(name)} has kind 0x${kind.toString(16)}, not understood`);
    imports.push({ module, name, kind, desc: bytes.subarray(descStart, r.pos) });
  }
  if (r.pos !== section.end) fail(`wasm: ${section.end - r.pos} bytes left over after the import section's ${n} entries`);
  return imports;
}

/** Export entries: { name, kind (0 function, 1 table, 2 memory, 3 global, 4 tag), index }. */
export function parseExports(bytes, section) {
  const r = new Reader(bytes, section.body, section.end);
  const n = r.uleb(), exports = [];
  for (let i = 0; i < n; i++) {
    const name = r.name(), kind = r.byte();
    if (kind > 0x04) fail(`wasm: export ${JSON.stringify(name)} has kind 0x${kind.toString(16)}, not understood`);
    exports.push({ name, kind, index: r.uleb() });
  }
  if (r.pos !== section.end) fail(`wasm: ${section.end - r.pos} bytes left over after the export section's ${n} entries`);
  return exports;
}

const encodeSection = (id, payload) => [id, ...encodeU32(payload.length), ...payload];
const encodeImports = (imports) =>
  encodeSection(2, [...encodeU32(imports.length), ...imports.flatMap((i) => [...encodeName(i.module), ...encodeName(i.name), ...i.desc])]);
const encodeExports = (exports) =>
  encodeSection(7, [...encodeU32(exports.length), ...exports.flatMap((e) => [...encodeName(e.name), e.kind, ...encodeU32(e.index)])]);

// ---------------------------------------------------------------------------------------
// Names.

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await async of get set arguments eval " +
    "undefined NaN Infinity").split(" "),
);
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";

/** a … Z, aa … Z9, aaa …: valid identifiers, shortest first, never a reserved word or in `skip`. */
function* shortNames(skip) {
  for (let len = 1; ; len++) {
    const idx = new Array(len).fill(0);
    for (;;) {
      const name = idx.map((k, i) => (i === 0 ? LETTERS : LETTERS + DIGITS)[k]).join("");
      if (!RESERVED.has(name) && !skip.has(name)) yield name;
      let i = len - 1;
      while (i >= 0 && ++idx[i] === (i === 0 ? LETTERS : LETTERS + DIGITS).length) idx[i--] = 0;
      if (i < 0) break;
    }
  }
}
// The import module's new name: wasm-bindgen's name for it until 0.2.10x, a valid identifier.
const MODULE = "wbg";
const isShort = (name) => /^[A-Za-z][A-Za-z0-9]?$/.test(name);
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const identifiers = (text) => new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? []);
const shown = (name) => (name.length > 60 ? `${name.slice(0, 57)}...` : name);
const lineOf = (text, i) => text.slice(0, i).split("\n").length;

/** Each place `name` occurs in `text` as a whole identifier: { at, end, how } where how is
 * "wasm" (`wasm.NAME`), "member" (`other.NAME`) or "bare". */
function occurrences(text, name) {
  const re = new RegExp(`(?<![\\w$])${escapeRe(name)}(?![\\w$])`, "g");
  return [...text.matchAll(re)].map((m) => {
    const before = text.slice(Math.max(0, m.index - 6), m.index);
    const how = /(?:^|[^\w$.])wasm\.$/.test(before) ? "wasm" : /\.\s*$/.test(before) ? "member" : "bare";
    return { at: m.index, end: m.index + name.length, how };
  });
}

const applyEdits = (text, edits) => {
  edits.sort((a, b) => a.at - b.at);
  let out = "", pos = 0;
  for (const e of edits) {
    if (e.at < pos) fail("internal: overlapping edits");
    out += text.slice(pos, e.at) + e.to;
    pos = e.end;
  }
  return out + text.slice(pos);
};

/** Names the glue gives its users (`export function X`, `export class X`, `exports.X = `). */
function publicNames(glue) {
  const names = new Set();
  for (const m of glue.matchAll(/^export (?:async )?(?:function\*?|class|const|let|var) ([\w$]+)/gm)) names.add(m[1]);
  for (const m of glue.matchAll(/^exports\.([\w$]+) = /gm)) names.add(m[1]);
  for (const m of glue.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const part of m[1].split(",")) if (part.trim()) names.add(part.trim().split(/\s+as\s+/).pop());
  }
  return names;
}

/** The glue's import object for `module`: { name (import0), start, end } of its body. */
function importBlock(glue, module) {
  const quoted = escapeRe(JSON.stringify(module)) + (/^[A-Za-z_$][\w$]*$/.test(module) ? `|${module}` : "");
  const key = new RegExp(`^([ \\t]*)(?:${quoted}): (import\\d+),?$`, "gm");
  const keys = [...glue.matchAll(key)];
  if (keys.length !== 1) fail(`glue: expected one \`${JSON.stringify(module)}: importN\` (the import module), found ${keys.length}`);
  const name = keys[0][2];
  const open = [...glue.matchAll(new RegExp(`^([ \\t]*)const ${name} = \\{\\n`, "gm"))];
  if (open.length !== 1) fail(`glue: expected one \`const ${name} = {\` (the import object), found ${open.length}`);
  const start = open[0].index + open[0][0].length;
  const end = glue.indexOf(`\n${open[0][1]}};`, start);
  if (end < 0) fail(`glue: the import object \`${name}\` has no closing \`};\``);
  const keyAt = keys[0].index + keys[0][1].length;
  return { name, start, end, key: { at: keyAt, end: glue.indexOf(":", keyAt) } };
}

// ---------------------------------------------------------------------------------------
// The renaming.

/**
 * Renames the names in memory. `files`: { wasm: Uint8Array, glue: string, dts?: string,
 * wasmDts?: string } (dts: NAME.d.ts; wasmDts: NAME_bg.wasm.d.ts). Returns the same keys
 * rewritten, plus `imports` and `exports` (Maps old → new), `locals` (wrapper functions) and
 * `already` (true when there was nothing to rename). Throws a ShortenError on anything unexpected.
 */
export function shortenNames(files) {
  const { wasm, glue } = files;
  const sections = parseSections(wasm);
  const importSec = sections.find((s) => s.id === 2), exportSec = sections.find((s) => s.id === 7);
  const imports = importSec ? parseImports(wasm, importSec) : [];
  const exports = exportSec ? parseExports(wasm, exportSec) : [];

  const modules = [...new Set(imports.map((i) => i.module))];
  if (modules.length > 1) fail(`wasm: imports from ${modules.length} modules (${modules.join(", ")}); the glue is expected to supply one`);
  const module = modules[0];
  const nonFunction = imports.filter((i) => i.kind !== 0);
  if (nonFunction.length) fail(`wasm: non-function imports (${nonFunction.map((i) => i.name).join(", ")}); not expected from wasm-bindgen`);
  const renamedExports = exports.filter((e) => e.kind === 0);
  const keptExports = exports.filter((e) => e.kind !== 0);
  const publics = publicNames(glue);

  if (imports.every((i) => isShort(i.name) && i.module === MODULE) && renamedExports.every((e) => isShort(e.name))) {
    check({ ...files, imports: new Map(), exports: new Map(), locals: new Map(), old: { imports, exports, module }, publics });
    return { ...files, imports: new Map(), exports: new Map(), locals: new Map(), already: true };
  }

  const edits = [];
  const glueIds = identifiers(glue);

  // Imports: each once, as a key of the import object: `NAME: function(`.
  const importMap = new Map();
  if (imports.length) {
    const block = importBlock(glue, module);
    const wanted = new Set(imports.map((i) => i.name));
    if (wanted.size !== imports.length) fail("wasm: an import name occurs twice");
    for (const m of glue.slice(block.start, block.end).matchAll(/^ {8}([\w$]+):/gm)) {
      if (m[1] !== "__proto__" && !wanted.has(m[1])) fail(`glue: the import object has a key \`${shown(m[1])}\` that the wasm does not import`);
    }
    edits.push({ ...block.key, to: MODULE });
    const gen = shortNames(new Set());
    for (const imp of imports) {
      const found = occurrences(glue, imp.name);
      const expected = found.filter(
        (o) =>
          o.how === "bare" &&
          o.at > block.start &&
          o.at < block.end &&
          /^[ \t]*$/.test(glue.slice(glue.lastIndexOf("\n", o.at) + 1, o.at)) &&
          glue.startsWith(": function(", o.end),
      );
      if (expected.length !== 1) fail(`glue: import \`${shown(imp.name)}\` is not found exactly once as \`${shown(imp.name)}: function(\` in the import object \`${block.name}\` (found ${expected.length})`);
      const stray = found.filter((o) => o !== expected[0]);
      if (stray.length) fail(`glue: import \`${shown(imp.name)}\` also occurs outside the import object, line ${lineOf(glue, stray[0].at)}`);
      const to = gen.next().value;
      importMap.set(imp.name, to);
      edits.push({ ...expected[0], to });
    }
  }

  // Exports: functions reached as `wasm.NAME`; a closure invoker's wrapper `function NAME(`
  // and its uses; a public JS function of the same name left alone.
  const plans = renamedExports.map((exp, order) => {
    const found = occurrences(glue, exp.name);
    const uses = found.filter((o) => o.how === "wasm");
    const isPublic = publics.has(exp.name);
    const members = found.filter((o) => o.how === "member");
    for (const o of members) {
      if (!(isPublic && /(?:^|[^\w$.])exports\.$/.test(glue.slice(Math.max(0, o.at - 9), o.at)))) {
        fail(`glue: export \`${shown(exp.name)}\` is used as a property of something other than \`wasm\`, line ${lineOf(glue, o.at)}`);
      }
    }
    const bare = found.filter((o) => o.how === "bare");
    let local = false;
    if (bare.length && !isPublic) {
      const defs = [...glue.matchAll(new RegExp(`^function ${escapeRe(exp.name)}\\(`, "gm"))];
      if (defs.length !== 1) fail(`glue: export \`${shown(exp.name)}\` occurs outside \`wasm.${shown(exp.name)}\` (line ${lineOf(glue, bare[0].at)}) and is neither a wrapper \`function ${shown(exp.name)}(\` nor a name the glue exports`);
      local = true;
    }
    return { exp, order, uses, bare: local ? bare : [], count: uses.length + (local ? bare.length : 0) };
  });
  const exportMap = new Map(), localMap = new Map();
  const exportGen = shortNames(new Set(keptExports.map((e) => e.name)));
  for (const p of [...plans].sort((a, b) => b.count - a.count || a.order - b.order)) {
    const to = exportGen.next().value;
    exportMap.set(p.exp.name, to);
    for (const o of p.uses) edits.push({ ...o, to });
  }
  // Wrapper functions: names no identifier in the glue has, nor any new import or export name.
  const localGen = shortNames(new Set([...glueIds, ...importMap.values(), ...exportMap.values()]));
  for (const p of plans) {
    if (!p.bare.length) continue;
    const to = localGen.next().value;
    localMap.set(p.exp.name, to);
    for (const o of p.bare) edits.push({ ...o, to });
  }

  // The declarations: InitOutput's `readonly NAME:` (web target) and NAME_bg.wasm.d.ts's
  // `export const NAME:`, each export exactly once; a renamed name nowhere else.
  const renameDts = (text, file, line, region) => {
    if (text === undefined) return undefined;
    const dtsEdits = [];
    const [from0, to0] = region(text);
    const listed = new RegExp(`^[ \\t]*${line}([\\w$]+):`, "gm");
    const entries = [...text.slice(from0, to0).matchAll(listed)];
    if (entries.length) {
      // Every function export, and no name the wasm does not export (wasm-bindgen leaves out
      // the globals it adds, such as `__instance_terminated`).
      const names = entries.map((m) => m[1]), all = exports.map((e) => e.name);
      const unknown = names.filter((n) => !all.includes(n)), unlisted = renamedExports.filter((e) => !names.includes(e.name));
      if (unknown.length || unlisted.length || new Set(names).size !== names.length) {
        fail(`${file}: its list of exports does not match the wasm's (not exported: ${unknown.map(shown).join(", ") || "none"}; not listed: ${unlisted.map((e) => shown(e.name)).join(", ") || "none"})`);
      }
    }
    for (const [from, to] of exportMap) {
      const found = occurrences(text, from);
      const declared = found.filter((o) => {
        const ls = text.lastIndexOf("\n", o.at) + 1;
        return o.at > from0 && o.at < to0 && new RegExp(`^[ \\t]*${line}$`).test(text.slice(ls, o.at)) && text[o.end] === ":";
      });
      if (entries.length && declared.length !== 1) fail(`${file}: export \`${shown(from)}\` is not declared exactly once (found ${declared.length})`);
      for (const o of declared) dtsEdits.push({ ...o, to });
      const others = found.filter((o) => !declared.includes(o));
      if (others.length && !publics.has(from)) fail(`${file}: export \`${shown(from)}\` occurs outside its declaration, line ${lineOf(text, others[0].at)}`);
    }
    for (const from of importMap.keys()) {
      if (occurrences(text, from).length) fail(`${file}: names the import \`${shown(from)}\``);
    }
    return applyEdits(text, dtsEdits);
  };
  const initOutput = (text) => {
    const open = text.indexOf("\nexport interface InitOutput {\n");
    if (open < 0) return [0, 0]; // the nodejs target declares none
    const close = text.indexOf("\n}", open + 1);
    if (close < 0) fail("NAME.d.ts: `interface InitOutput` has no closing `}`");
    return [open, close];
  };
  const dts = renameDts(files.dts, "NAME.d.ts", "readonly ", initOutput);
  const wasmDts = renameDts(files.wasmDts, "NAME_bg.wasm.d.ts", "export const ", (text) => [0, text.length]);

  // The wasm: the two sections re-encoded, every other byte as it was.
  const newImports = imports.map((i) => ({ ...i, module: MODULE, name: importMap.get(i.name) }));
  const newExports = exports.map((e) => ({ ...e, name: exportMap.get(e.name) ?? e.name }));
  const parts = [wasm.subarray(0, 8)];
  for (const s of sections) {
    if (s.id === 2) parts.push(Uint8Array.from(encodeImports(newImports)));
    else if (s.id === 7) parts.push(Uint8Array.from(encodeExports(newExports)));
    else parts.push(wasm.subarray(s.start, s.end));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((pos, p) => (out.set(p, pos), pos + p.length), 0);

  const result = { wasm: out, glue: applyEdits(glue, edits), dts, wasmDts, imports: importMap, exports: exportMap, locals: localMap, already: false };
  check({ ...result, old: { imports, exports, module, sections, bytes: wasm }, publics });
  return result;
}

/** Checks the result whole: the module is valid, its imports are the import object's keys,
 * each `wasm.X` in the glue is an export, the other sections are unchanged, and no old or
 * wasm-bindgen name is left. */
function check({ wasm, glue, dts, wasmDts, imports, exports, locals, old, publics }) {
  let mod;
  try {
    mod = new WebAssembly.Module(wasm);
  } catch (e) {
    fail(`wasm: the rewritten module does not compile: ${e.message}`);
  }
  const modImports = WebAssembly.Module.imports(mod), modExports = WebAssembly.Module.exports(mod);
  const exportNames = new Set(modExports.map((e) => e.name));

  if (old.sections) {
    const now = parseSections(wasm);
    const before = old.sections.filter((s) => s.id !== 2 && s.id !== 7), after = now.filter((s) => s.id !== 2 && s.id !== 7);
    if (now.map((s) => s.id).join() !== old.sections.map((s) => s.id).join()) fail("wasm: the section order changed");
    before.forEach((s, i) => {
      const a = old.bytes.subarray(s.start, s.end), b = wasm.subarray(after[i].start, after[i].end);
      if (a.length !== b.length || a.some((x, k) => x !== b[k])) fail(`wasm: section ${s.id} changed`);
    });
    const imp = parseImports(wasm, now.find((s) => s.id === 2) ?? { body: 0, end: 0 });
    if (imp.some((x, i) => x.module !== MODULE || x.name !== (imports.get(old.imports[i].name) ?? old.imports[i].name))) fail("wasm: the imports do not read back as written");
  }

  if (modImports.length) {
    const block = importBlock(glue, MODULE);
    const keys = [...glue.slice(block.start, block.end).matchAll(/^ {8}([\w$]+): function\(/gm)].map((m) => m[1]);
    const want = modImports.map((i) => i.name);
    const missing = want.filter((n) => !keys.includes(n)), extra = keys.filter((n) => !want.includes(n));
    if (missing.length || extra.length || keys.length !== new Set(keys).size) {
      fail(`glue: the import object's keys do not match the wasm's imports (missing ${missing.join(", ") || "none"}; extra ${extra.map(shown).join(", ") || "none"})`);
    }
  }
  for (const m of glue.matchAll(/(?<![\w$.])wasm\.([\w$]+)/g)) {
    if (!exportNames.has(m[1])) fail(`glue: \`wasm.${shown(m[1])}\` (line ${lineOf(glue, m.index)}) is not an export of the module`);
  }

  // No old name and no wasm-bindgen-shaped name survives (the glue's own helpers, such as
  // `__wbg_init` or `__wbindgen_enum_X`, carry no hash and are not imports or exports).
  const kept = new Set(old.exports.filter((e) => e.kind !== 0).map((e) => e.name));
  const gone = [...imports.keys(), ...[...exports.keys()].filter((n) => !publics.has(n))];
  const long = (id) =>
    !kept.has(id) && !publics.has(id) && (/^__wbg_.*_[0-9a-f]{16}$/.test(id) || /^wasm_bindgen_[0-9a-f]{16}/.test(id) || /^__wbindgen_(?!enum_)/.test(id) || /^__externref_/.test(id));
  for (const [file, text] of [["glue", glue], ["NAME.d.ts", dts], ["NAME_bg.wasm.d.ts", wasmDts]]) {
    if (text === undefined) continue;
    for (const name of gone) {
      const o = occurrences(text, name);
      if (o.length) fail(`${file}: the old name \`${shown(name)}\` is still there, line ${lineOf(text, o[0].at)}`);
    }
    for (const id of identifiers(text)) if (long(id)) fail(`${file}: a wasm-bindgen name survives: \`${shown(id)}\``);
  }
  for (const n of [...modImports.map((i) => i.name), ...modExports.filter((e) => e.kind === "function").map((e) => e.name)]) {
    if (long(n) || /^__wbg_/.test(n)) fail(`wasm: a long name survives: \`${shown(n)}\``);
  }
  for (const [from, to] of locals) {
    if (new RegExp(`^function ${escapeRe(to)}\\(`, "m").test(glue) !== true) fail(`glue: the wrapper of \`${shown(from)}\` was not renamed to \`${to}\``);
  }
}

// ---------------------------------------------------------------------------------------
// The command.

function main(dir) {
  if (!dir) fail("usage: node scripts/shorten-names.mjs DIR");
  const wasms = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith("_bg.wasm")) : [];
  if (wasms.length !== 1) fail(`${dir}: expected one *_bg.wasm, found ${wasms.length}`);
  const base = wasms[0].slice(0, -"_bg.wasm".length);
  const paths = {
    wasm: join(dir, `${base}_bg.wasm`),
    glue: join(dir, `${base}.js`),
    dts: join(dir, `${base}.d.ts`),
    wasmDts: join(dir, `${base}_bg.wasm.d.ts`),
  };
  if (!existsSync(paths.glue)) fail(`${dir}: no ${base}.js beside ${wasms[0]}`);
  const files = { wasm: new Uint8Array(readFileSync(paths.wasm)) };
  for (const k of ["glue", "dts", "wasmDts"]) if (existsSync(paths[k])) files[k] = readFileSync(paths[k], "utf8");
  const r = shortenNames(files);
  if (r.already) {
    console.error(`shorten-names: ${dir}: already short, nothing changed`);
    return;
  }
  // Everything checked in memory first; the .wasm last, so a failure leaves it as wasm-pack wrote it.
  for (const k of ["dts", "wasmDts", "glue", "wasm"]) {
    if (r[k] === undefined) continue;
    writeFileSync(`${paths[k]}.tmp`, r[k]);
    renameSync(`${paths[k]}.tmp`, paths[k]);
  }
  console.error(
    `shorten-names: ${dir}: ${r.imports.size} imports and ${r.exports.size} exports renamed: ` +
      `wasm ${files.wasm.length} → ${r.wasm.length} B, glue ${Buffer.byteLength(files.glue)} → ${Buffer.byteLength(r.glue)} B (not gzipped)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    main(process.argv[2]);
  } catch (e) {
    if (!(e instanceof ShortenError)) throw e;
    console.error(`shorten-names: FAILED: ${e.message}`);
    process.exit(1);
  }
}
