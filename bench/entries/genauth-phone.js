// genauth-phone the way the peers are measured: an entry that imports the package and calls
// its phone-change methods, bundled by esbuild --bundle --minify (format esm, platform
// browser); the .wasm it loads is counted beside the bundle.
import { AuthenticationClient } from "genauth-phone";

const client = new AuthenticationClient({ appId: "bench-app", appHost: "https://bench.example" });
globalThis.benchClient = client;

export const verify = (dto) => client.verifyUpdatePhoneRequest(dto);
export const updatePhone = (dto) => client.updatePhone(dto);
export const unbindPhone = (dto) => client.unbindPhone(dto);
