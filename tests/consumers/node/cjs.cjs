// Node CommonJS: `require` by the package name; node cjs.cjs EMULATOR_URL OLD_PHONE NEW_PHONE
const { AuthenticationClient, isGenAuthError } = require("genauth-phone");

const [emulator, oldPhone, newPhone] = process.argv.slice(2);

(async () => {
  // The installed copy's CommonJS build, not the source tree.
  const resolved = require.resolve("genauth-phone");
  if (!resolved.endsWith("/node_modules/genauth-phone/node/genauth_phone.js")) throw new Error(`resolved ${resolved}`);
  // `import` of the package gives the very same class: one wasm instance, no dual-package hazard.
  const esm = await import("genauth-phone");
  if (esm.AuthenticationClient !== AuthenticationClient) throw new Error("import and require loaded two copies");

  const { changePhone, endToEndInNode } = await import("./flow.mjs");
  console.log(await endToEndInNode({
    emulator, oldPhone, newPhone,
    run: (params) => changePhone({ AuthenticationClient, isGenAuthError }, params),
  }));
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
