// authing-js-sdk, the official browser SDK, tree-shaken to the phone change it offers:
// updatePhone (new number + its SMS code, optionally the old one) and unbindPhone.
// Bundled by bench/size.mjs with esbuild --bundle --minify (format esm, platform browser).
import { AuthenticationClient } from "authing-js-sdk";

const client = new AuthenticationClient({ appId: "bench-app", appHost: "https://bench.example" });
globalThis.benchClient = client; // for the cold-start page: the client is ready once this ran

export const updatePhone = (phone, code, oldPhone, oldCode) => client.updatePhone(phone, code, oldPhone, oldCode);
export const unbindPhone = () => client.unbindPhone();
