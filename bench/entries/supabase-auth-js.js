// @supabase/auth-js tree-shaken to its phone-change calls: updateUser({ phone }) sends the
// SMS to the new number, verifyOtp({ type: "phone_change" }) proves it.
// Bundled by bench/size.mjs with esbuild --bundle --minify (format esm, platform browser).
import { AuthClient } from "@supabase/auth-js";

const client = new AuthClient({
  url: "https://bench.example/auth/v1",
  headers: { apikey: "bench-anon-key" },
  persistSession: false,
  autoRefreshToken: false,
});
globalThis.benchClient = client; // for the cold-start page: the client is ready once this ran

export const changePhone = (phone) => client.updateUser({ phone });
export const verifyPhoneChange = (phone, token) => client.verifyOtp({ phone, token, type: "phone_change" });
