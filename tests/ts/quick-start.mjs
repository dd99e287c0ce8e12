// Compiles the README's quick start exactly as written under `tsc --strict` (run by
// scripts/test.sh): the code block after "## Quick start", with the one name it leaves to the
// reader declared and its import pointed at this checkout's pkg/.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const block = readme.split("## Quick start")[1]?.match(/```js\n([\s\S]*?)```/)?.[1];
if (!block) throw new Error("README.md: no js block after '## Quick start'");
const pkg = join(root, "pkg/genauth_phone.js");
if (!block.includes('"./pkg/genauth_phone.js"')) throw new Error("the quick start no longer imports ./pkg/genauth_phone.js");
const dir = mkdtempSync(join(tmpdir(), "quick-start-"));
try {
  const source = "declare const accessTokenOfTheSignedInUser: string;\n" + block.replace('"./pkg/genauth_phone.js"', JSON.stringify(pkg)) + "\nexport {};\n";
  writeFileSync(join(dir, "quick-start.ts"), source);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom", "esnext.disposable"] },
    files: ["quick-start.ts"],
  }));
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", join(dir, "tsconfig.json")], { stdio: "inherit" });
  console.log("tsc --strict: the README's quick start compiles as written");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
