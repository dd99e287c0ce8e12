// `require` from TypeScript under "module": "node16": the CommonJS build's declarations.
import genauth = require("genauth-phone");

const client: genauth.AuthenticationClient = new genauth.AuthenticationClient({ appId: "a", appHost: "https://example.genauth.ai" });
export const wait: number = client.smsCooldownRemaining({ channel: "CHANNEL_BIND_PHONE", phoneNumber: "18800000000", phoneCountryCode: "+86" });
export const guard: (e: unknown) => e is genauth.GenAuthError = genauth.isGenAuthError;
// @ts-expect-error an access token is a string
client.setAccessToken(42);
