// Node ESM: `import` by the package name; node esm.mjs EMULATOR_URL OLD_PHONE NEW_PHONE
import { AuthenticationClient, isGenAuthError } from "genauth-phone";
import { changePhone, endToEndInNode } from "./flow.mjs";

const [emulator, oldPhone, newPhone] = process.argv.slice(2);
// The installed copy's Node entry, not the source tree.
const resolved = import.meta.resolve("genauth-phone");
if (!resolved.endsWith("/node_modules/genauth-phone/node.js")) throw new Error(`resolved ${resolved}`);
// The elements entry imports in Node (as during SSR) without throwing, and defines nothing.
const elements = await import("genauth-phone/elements");
if (typeof elements.ChangePhoneElement !== "function" || "customElements" in globalThis) throw new Error("elements in Node");

console.log(await endToEndInNode({
  emulator, oldPhone, newPhone,
  run: (params) => changePhone({ AuthenticationClient, isGenAuthError }, params),
}));
