#!/usr/bin/env bash
# Assembles the publishable npm package into dist/npm/ from pkg-template/ (what we own:
# package.json, README, the entry files), the repository's LICENSE and two wasm-pack builds
# (the web target for bundlers, browsers and workers; the nodejs target for Node), then packs
# it into dist/genauth-phone-VERSION.tgz and checks that `npm publish --dry-run` accepts it.
# Usage: scripts/package.sh            (after scripts/install-tools.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's binaryen 132 first on PATH: Debian's wasm-opt 108 breaks the module (docs/TOOLCHAIN.md).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# 1-2. The web target in pkg/ and the nodejs target (CommonJS glue that reads the .wasm
# with fs) in pkg-node/; build.sh keeps either when it is newer than the sources.
scripts/build.sh web >/dev/null
scripts/build.sh nodejs

# 3. Version and repository are Cargo.toml's, so the crate and the npm package never disagree.
read -r version repository < <(cargo metadata --no-deps --format-version 1 --manifest-path Cargo.toml \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
      const p=JSON.parse(s).packages.find(p=>p.name==="genauth-phone");
      console.log(p.version, p.repository || "https://www.npmjs.com/package/genauth-phone")})')
test -n "$version"

# 4. A clean dist/npm/ from the template; dist/ ignores itself (like wasm-pack's pkg/).
rm -rf dist/npm
mkdir -p dist/npm/web dist/npm/node
printf '*\n' > dist/.gitignore
cp -R pkg-template/. dist/npm/
#    The license is the crate's (one file: wasm-pack looks for it at the crate root, too).
cp LICENSE dist/npm/

# 5. The generated glue, declarations and wasm (not wasm-pack's own package.json and README,
#    nor the *_bg.wasm.d.ts of the raw wasm exports, which no entry exposes).
for f in genauth_phone.js genauth_phone.d.ts genauth_phone_bg.wasm; do
  cp "pkg/$f" dist/npm/web/
  cp "pkg-node/$f" dist/npm/node/
done
#    The Node glue `require`s its transport from snippets/ (js/node-transport.cjs, copied
#    there by wasm-bindgen); the web build must import nothing but its own glue.
cp -R pkg-node/snippets dist/npm/node/
grep -q "require(String.raw\`./snippets/genauth-phone-[0-9a-f]*/js/node-transport.cjs\`)" dist/npm/node/genauth_phone.js \
  || { echo "package: the Node glue does not load js/node-transport.cjs (built without --features node?)" >&2; exit 1; }
if [ -e pkg/snippets ] || grep -q snippets dist/npm/web/genauth_phone.js; then
  echo "package: the web build imports a snippet; it must use the global fetch" >&2
  exit 1
fi

# 6. wasm-bindgen 0.2.130 declares `[Symbol.dispose](): void;` on each class. That type needs
#    TypeScript's lib "esnext.disposable", so a user with the default lib would get an error
#    from our .d.ts. Drop the line (the runtime method stays; `free()` is declared anyway).
sed -i '/^[[:space:]]*\[Symbol\.dispose\]()[[:space:]]*:[[:space:]]*void;[[:space:]]*$/d' \
  dist/npm/web/genauth_phone.d.ts dist/npm/node/genauth_phone.d.ts
if grep -n 'Symbol\.dispose' dist/npm/web/genauth_phone.d.ts dist/npm/node/genauth_phone.d.ts; then
  echo "package: Symbol.dispose is still declared (the generated .d.ts changed shape)" >&2
  exit 1
fi
# Each class defines its own documented `free()` (AuthenticationClient in src/client.rs, the
# flows in src/flow/api.rs), so each declares it twice: in every class, keep the documented one
# (the second), drop wasm-bindgen's bare first declaration; then each class declares it once.
for f in dist/npm/web/genauth_phone.d.ts dist/npm/node/genauth_phone.d.ts; do
  awk '/^export class / { in_class = 1; seen = 0 } /^}/ { in_class = 0 }
       in_class && /^[[:space:]]*free\(\): void;$/ && !seen++ { next } { print }' "$f" > "$f.tmp" && mv "$f.tmp" "$f"
  awk '/^export class / { in_class = 1; classes++; n = 0 } in_class && /^[[:space:]]*free\(\): void;$/ { n++ }
       /^}/ && in_class { in_class = 0; if (n != 1) bad = 1 } END { exit (bad || classes < 2) }' "$f" \
    || { echo "package: free() is not declared once in each class of $f" >&2; exit 1; }
done

# 7. Fill in the version and the repository (package.json, and the README's link to the API).
node -e 'const fs=require("fs"),[f,version,repository]=process.argv.slice(1),p=JSON.parse(fs.readFileSync(f,"utf8"));
  p.version=version;if(!repository.startsWith("https://www.npmjs.com/"))p.repository={type:"git",url:repository};
  fs.writeFileSync(f,JSON.stringify(p,null,2)+"\n")' dist/npm/package.json "$version" "$repository"
sed -i "s|{{repository}}|$repository|g" dist/npm/README.md

# 8. Every file the package.json names must exist (a typo would publish a broken package).
node -e 'const fs=require("fs"),p=require("./dist/npm/package.json");
  const walk=(v)=>typeof v==="string"?[v]:Object.values(v).flatMap(walk);
  const named=[...p.files,...walk(p.exports),p.main,p.types,...p.sideEffects];
  const missing=named.filter(f=>!fs.existsSync("dist/npm/"+f));
  if(missing.length){console.error("package: missing",missing.join(", "));process.exit(1)}'

# 9. Pack into dist/ and list what is inside.
rm -f dist/genauth-phone-*.tgz
(cd dist && npm pack ./npm --json --loglevel=error > pack.json)
node -e 'const [r]=require("./dist/pack.json");
  console.log(`package: dist/${r.filename} (${r.size} B packed, ${r.unpackedSize} B unpacked, ${r.entryCount} files)`);
  for (const f of r.files) console.log(`  ${String(f.size).padStart(7)}  ${f.path}`)
  if (!r.files.some(f=>f.path==="LICENSE")) {console.error("package: LICENSE is not in the tarball");process.exit(1)}'
rm -f dist/pack.json

# 10. npm's own checks of a publish, without publishing.
(cd dist/npm && npm publish --dry-run --loglevel=error >/dev/null)
echo "package: npm publish --dry-run accepts dist/npm"
