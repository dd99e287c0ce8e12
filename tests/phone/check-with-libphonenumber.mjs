#!/usr/bin/env node
// Holds tests/phone/cases.tsv against libphonenumber-js (the version scripts/phone-table.mjs
// pins, whose metadata the table comes from): every case must get the same answer from it,
// or say in its last two columns exactly what libphonenumber-js answers and why ours differs.
// Fails (exit 1) on an undocumented disagreement and on a documented one that is gone.
//
// Usage: node tests/phone/check-with-libphonenumber.mjs
//   installs the pinned libphonenumber-js into a temporary folder (npm, ~13 MB, no
//   dependencies; removed after), or uses LIBPHONENUMBER_JS_DIR=DIR as the table script does.
//
// libphonenumber-js is asked as most code asks it: parsePhoneNumberWithError(input, options)
// for the split, validatePhoneNumberLength(the E.164 form it parsed) for the length; options name
// the default as `defaultCountry`, the main region of the default calling code (CN for +86,
// US for +1), so that it knows that country's trunk and exit prefixes; a default it has no
// region for goes in as `defaultCallingCode`. Its answer is written as ours is: "+code
// national", or its error's message.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withLibphonenumber } from "../../scripts/phone-table.mjs";

const CASES = join(dirname(fileURLToPath(import.meta.url)), "cases.tsv");

// Our refusals and the libphonenumber-js error that means the same (none: always documented).
const SAME = {
  Empty: "NOT_A_NUMBER",
  NotANumber: "NOT_A_NUMBER",
  NoCountryCode: "INVALID_COUNTRY",
  UnknownCountryCode: "INVALID_COUNTRY",
  BadDefaultCountryCode: "INVALID_COUNTRY",
  TooShort: "TOO_SHORT",
  TooLong: "TOO_LONG",
  InvalidLength: "INVALID_LENGTH",
  ExtraTrunkPrefix: null,
};

const unescape = (s) => s.replace(/\\u\{([0-9a-f]+)\}/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)));

export function theirs(lib, regions, input, defaultCode) {
  const digits = defaultCode?.replace(/^\+/, "");
  const region = regions[digits]?.[0];
  const options = defaultCode === undefined ? {} : region ? { defaultCountry: region } : { defaultCallingCode: digits };
  let number;
  try {
    number = lib.parsePhoneNumberWithError(input, options);
  } catch (e) {
    return e.message;
  }
  // The length of what it parsed: asked of the raw input, it refuses what its parser took.
  const length = lib.validatePhoneNumberLength(number.number);
  return length ?? `+${number.countryCallingCode} ${number.nationalNumber}`;
}

function main() {
  const lines = readFileSync(CASES, "utf8").split("\n");
  const problems = [];
  let agree = 0;
  let documented = 0;
  // The reasons a disagreement may give: the "# why TAG:" lines of the file's header.
  const reasons = new Set(lines.flatMap((l) => l.match(/^# why ([a-z0-9-]+):/)?.[1] ?? []));
  withLibphonenumber((pkg) => {
    const require = createRequire(import.meta.url);
    const lib = require(join(pkg, "index.cjs"));
    const regions = require(join(pkg, "metadata.min.json")).country_calling_codes;
    lines.forEach((line, i) => {
      if (line === "" || line.startsWith("#")) return;
      const [input, def, ours, said, why] = line.split("\t");
      const answer = theirs(lib, regions, unescape(input), def === "-" ? undefined : unescape(def));
      const where = `cases.tsv:${i + 1} ${JSON.stringify(unescape(input))} (default ${def})`;
      const same = answer === ours || (SAME[ours] !== undefined && SAME[ours] === answer);
      if (said === undefined) {
        if (same) agree++;
        else problems.push(`${where}: ours ${ours}, libphonenumber-js ${answer}: fix the case or document why`);
      } else if (!reasons.has(why)) {
        problems.push(`${where}: "${why}" is none of the reasons ("# why ...:") in the header`);
      } else if (same) {
        problems.push(`${where}: libphonenumber-js now agrees (${answer}): drop the note`);
      } else if (said !== answer) {
        problems.push(`${where}: libphonenumber-js says ${answer}, not ${said} as noted`);
      } else {
        documented++;
      }
    });
  });
  for (const p of problems) console.error(p);
  console.log(`${agree + documented} passed, ${problems.length} failed (${agree} agree with libphonenumber-js, ${documented} documented differences)`);
  process.exit(problems.length ? 1 : 0);
}

main();
