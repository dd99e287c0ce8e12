#!/usr/bin/env node
// Writes src/phone/table.rs, the calling-code table of src/phone/ (issue 18): for each calling
// code a person's number can have, the national lengths such a number has and the trunk
// prefix written before a national number, in 3 bytes. The facts come from Google's
// libphonenumber metadata as libphonenumber-js ships it (metadata.max.json, the only build
// of it that keeps the number types); the pinned version is LIBPHONENUMBER_JS below.
//
// Usage:
//   node scripts/phone-table.mjs            install the pinned libphonenumber-js into a temporary
//                                           folder (npm, about 13 MB, removed after) and rewrite
//                                           src/phone/table.rs
//   node scripts/phone-table.mjs --check    the same, but fail (exit 1) if the file would change
//   LIBPHONENUMBER_JS_DIR=DIR ...           use DIR/node_modules/libphonenumber-js instead
//                                           (it must be the pinned version)
// To refresh: raise LIBPHONENUMBER_JS, run the script, run `cargo test -p genauth-phone --lib`
// and tests/phone/check-with-libphonenumber.mjs, and read the diff of table.rs.
//
// What is taken (each choice is checked below; the script fails on data it cannot encode):
// - Calling codes: every code of `country_calling_codes` and of `nonGeographic` (+800, +881,
//   ...) that has at least one number type a person can have (PERSON_TYPES). The others
//   (+800 freephone, +808 shared cost, +888, +979 premium rate) are left out: nobody
//   receives an SMS there.
// - Lengths: the union, over every region sharing the code (+1: 25 regions, +7: RU and KZ,
//   +44: GB, GG, IM, JE, ...), of the national lengths of the PERSON_TYPES, not of all
//   "possible" lengths: a 7-digit +1 number exists only as a Canadian shared-cost service
//   (310-xxxx), a 5-digit +852 number only as a service code. Lengths outside 4..15
//   (validate::Rule::Phone) are dropped.
// - Trunk prefix: the national prefix of the code's regions ("0", "06" in Hungary, "1" in
//   NANP, "8" in Russia, Kazakhstan, Belarus, Turkmenistan); the regions of one code must
//   agree. Plus one bit: whether a person's number itself may begin with that prefix's
//   first digit (+7: St Petersburg is 812; +250: Rwanda's 0xx fixed lines), found from the
//   first characters the number patterns can match.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const LIBPHONENUMBER_JS = "1.13.17";
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "src/phone/table.rs");

// libphonenumber-js's compressed type list: 0 fixed line, 1 mobile, 2 toll free, 3 premium
// rate, 4 personal number, 5 voicemail, 6 UAN, 7 pager, 8 VoIP, 9 shared cost.
const PERSON_TYPES = [0, 1, 4, 7, 8];
// Trunk prefixes as the Rust side numbers them (src/phone/mod.rs, `Country::trunk`).
const TRUNKS = ["", "0", "1", "8", "06"];
const MIN_LEN = 4;
const MAX_LEN = 15;

/// Runs `use(dir)` with a folder whose node_modules holds the pinned libphonenumber-js.
export function withLibphonenumber(use) {
  const given = process.env.LIBPHONENUMBER_JS_DIR;
  const dir = given ?? mkdtempSync(join(tmpdir(), "libphonenumber-js-"));
  try {
    if (!given) {
      execFileSync("npm", ["install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", "--ignore-scripts",
        `libphonenumber-js@${LIBPHONENUMBER_JS}`], { stdio: ["ignore", "ignore", "inherit"] });
    }
    const pkg = join(dir, "node_modules/libphonenumber-js");
    const version = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version;
    if (version !== LIBPHONENUMBER_JS) throw new Error(`${pkg} is ${version}, not the pinned ${LIBPHONENUMBER_JS}`);
    return use(pkg);
  } finally {
    if (!given) rmSync(dir, { recursive: true, force: true });
  }
}

// The set of first characters a libphonenumber number pattern can match. The patterns use
// digits, \d, classes, (?:...), (...), |, ?, *, + and {m,n}; anything else fails loudly.
export function firstDigits(src) {
  let i = 0;
  const all = () => new Set("0123456789");
  const alt = () => {
    const first = new Set();
    let nullable = false;
    for (;;) {
      const s = seq();
      s.first.forEach((d) => first.add(d));
      nullable ||= s.nullable;
      if (src[i] !== "|") return { first, nullable };
      i++;
    }
  };
  const seq = () => {
    const first = new Set();
    let nullable = true;
    while (i < src.length && src[i] !== "|" && src[i] !== ")") {
      const a = quantified();
      if (nullable) a.first.forEach((d) => first.add(d));
      nullable &&= a.nullable;
    }
    return { first, nullable };
  };
  const quantified = () => {
    let a = atom();
    for (;;) {
      const c = src[i];
      if (c === "?" || c === "*") {
        i++;
        a = { first: a.first, nullable: true };
      } else if (c === "+") {
        i++;
      } else if (c === "{") {
        const end = src.indexOf("}", i);
        const low = src.slice(i + 1, end).split(",")[0];
        if (!/^\d+$/.test(low)) throw new Error(`quantifier in ${src}`);
        i = end + 1;
        if (Number(low) === 0) a = { first: a.first, nullable: true };
      } else {
        return a;
      }
    }
  };
  const atom = () => {
    const c = src[i++];
    if (c === "(") {
      if (src[i] === "?") {
        if (src[i + 1] !== ":") throw new Error(`group kind in ${src}`);
        i += 2;
      }
      const r = alt();
      if (src[i++] !== ")") throw new Error(`unbalanced ${src}`);
      return r;
    }
    if (c === "\\") {
      if (src[i++] === "d") return { first: all(), nullable: false };
      throw new Error(`escape in ${src}`);
    }
    if (c === "[") {
      const set = new Set();
      if (src[i] === "^") throw new Error(`negated class in ${src}`);
      while (src[i] !== "]") {
        if (i >= src.length) throw new Error(`unclosed class in ${src}`);
        const a = src[i++];
        if (a === "\\") {
          if (src[i++] !== "d") throw new Error(`class escape in ${src}`);
          all().forEach((d) => set.add(d));
        } else if (src[i] === "-" && src[i + 1] !== "]") {
          for (let k = a.charCodeAt(0); k <= src.charCodeAt(i + 1); k++) set.add(String.fromCharCode(k));
          i += 2;
        } else {
          set.add(a);
        }
      }
      i++;
      return { first: set, nullable: false };
    }
    if (c >= "0" && c <= "9") return { first: new Set([c]), nullable: false };
    throw new Error(`unexpected ${c} in ${src}`);
  };
  const r = alt();
  if (i !== src.length) throw new Error(`trailing text in ${src}`);
  return r.first;
}

/// The table rows, ascending by code: { code, regions, lengths, trunk, trunkMayStart }.
export function rows(metadata) {
  const codes = new Map(Object.entries(metadata.country_calling_codes));
  for (const code of Object.keys(metadata.nonGeographic ?? {})) {
    if (codes.has(code)) throw new Error(`+${code} is both geographic and not`);
    codes.set(code, ["001"]);
  }
  const out = [];
  for (const [code, regions] of codes) {
    if (!/^[1-9]\d{0,2}$/.test(code)) throw new Error(`calling code ${code}`);
    const plans = regions.map((r) => (r === "001" ? metadata.nonGeographic[code] : metadata.countries[r]));
    const lengths = new Set();
    const starts = new Set();
    const trunks = new Set();
    for (const plan of plans) {
      if (!plan || !Array.isArray(plan[11])) throw new Error(`+${code}: no number types (is this metadata.max.json?)`);
      trunks.add(plan[5] || "");
      for (const t of PERSON_TYPES) {
        const type = plan[11][t];
        if (!type) continue;
        (type[1] || plan[3]).forEach((l) => lengths.add(l));
        firstDigits(type[0]).forEach((d) => starts.add(d));
      }
    }
    if (trunks.size !== 1) throw new Error(`+${code}: its regions have different trunk prefixes ${[...trunks]}`);
    const trunk = [...trunks][0];
    if (!TRUNKS.includes(trunk)) throw new Error(`+${code}: trunk prefix ${trunk} has no number in TRUNKS`);
    const kept = [...lengths].filter((l) => l >= MIN_LEN && l <= MAX_LEN).sort((a, b) => a - b);
    if (lengths.size === 0) continue; // no number a person has: +800, +808, +888, +979
    if (kept.length === 0) throw new Error(`+${code}: no length within ${MIN_LEN}..${MAX_LEN}`);
    out.push({ code: Number(code), regions, lengths: kept, trunk, trunkMayStart: trunk !== "" && starts.has(trunk[0]) });
  }
  return out.sort((a, b) => a.code - b.code);
}

/// The 3 bytes of a row: the code minus the previous row's code; then, little-endian, bits
/// 0-11 the lengths 4..15, bits 12-14 the trunk prefix (index in TRUNKS), bit 15 whether a
/// number may begin with the trunk prefix's first digit.
export function encode(row, previous) {
  const delta = row.code - previous;
  if (delta < 1 || delta > 255) throw new Error(`+${row.code}: gap of ${delta} to the previous code`);
  let bits = 0;
  for (const l of row.lengths) bits |= 1 << (l - MIN_LEN);
  bits |= TRUNKS.indexOf(row.trunk) << 12;
  if (row.trunkMayStart) bits |= 1 << 15;
  return [delta, bits & 0xff, bits >> 8];
}

export function render(table, version) {
  const hex = (b) => `0x${b.toString(16).padStart(2, "0")}`;
  let previous = 0;
  const lines = table.map((row) => {
    const bytes = encode(row, previous);
    previous = row.code;
    const names = row.regions[0] === "001" ? "non-geographic" : row.regions.length > 6 ? `${row.regions.slice(0, 5).join(" ")} and ${row.regions.length - 5} more` : row.regions.join(" ");
    const trunk = row.trunk ? `; trunk ${row.trunk}${row.trunkMayStart ? " (numbers may start with it)" : ""}` : "";
    return `    [${bytes.map(hex).join(", ")}], // +${row.code} ${names}: ${row.lengths.join(",")}${trunk}`;
  });
  return `// @generated by scripts/phone-table.mjs: do not edit; rerun it (see there for how).
//! Every calling code a person's number can have, with the national lengths of such numbers
//! and the trunk prefix written before them at home, from Google's libphonenumber metadata as
//! libphonenumber-js ${version} ships it (metadata.max.json; Apache-2.0 data). Regions sharing a
//! code (+1, +7, +44, ...) are merged: the union of their lengths. Only fixed-line, mobile,
//! personal, pager and VoIP numbers count, not toll-free, premium, shared-cost, UAN or
//! voicemail ones, and only lengths 4 to 15. Refresh: \`node scripts/phone-table.mjs\` (it pins
//! the version; \`--check\` tells whether this file is current).

/// ${table.length} entries of 3 bytes, ascending by code: the code minus the previous entry's
/// code; then a little-endian u16: bits 0-11 the possible lengths 4..15, bits 12-14 the trunk
/// prefix (none, "0", "1", "8", "06"), bit 15 set when a number may itself begin with the trunk
/// prefix's first digit.
#[rustfmt::skip]
pub(super) static CODES: [[u8; 3]; ${table.length}] = [
${lines.join("\n")}
];
`;
}

function main() {
  const check = process.argv.includes("--check");
  const text = withLibphonenumber((pkg) => {
    const metadata = JSON.parse(readFileSync(join(pkg, "metadata.max.json"), "utf8"));
    return render(rows(metadata), LIBPHONENUMBER_JS);
  });
  let old = "";
  try {
    old = readFileSync(OUT, "utf8");
  } catch {}
  if (check) {
    if (old !== text) {
      console.error(`phone-table: ${OUT} is not what libphonenumber-js ${LIBPHONENUMBER_JS} gives; run node scripts/phone-table.mjs`);
      process.exit(1);
    }
    console.log(`phone-table: ${OUT} is current`);
  } else {
    writeFileSync(OUT, text);
    console.log(`phone-table: wrote ${OUT}${old === text ? " (unchanged)" : ""}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
