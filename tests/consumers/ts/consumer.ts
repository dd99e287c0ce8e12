// The main entry as a TypeScript user writes it. run.sh compiles it with tsc --strict --noEmit
// under "moduleResolution": "bundler" and "node16". Each @ts-expect-error proves a type is real:
// were the import `any`, the directive would be unused, which is itself an error.
import {
  AuthenticationClient,
  isGenAuthError,
  type GenAuthError,
  type SendSMSDto,
  type SmsChannel,
  type UpdatePhoneRespDto,
  type VerifyUpdatePhoneRequestRespDto,
} from "genauth-phone";

export async function changeNumber(appHost: string, accessToken: string, newPhone: string, code: string): Promise<string> {
  const client = new AuthenticationClient({ appId: "emulator-app", appHost, accessToken, lang: "en-US" });
  const channel: SmsChannel = "CHANNEL_BIND_PHONE";
  const sms: SendSMSDto = { channel, phoneNumber: newPhone, phoneCountryCode: "+86" };
  try {
    await client.sendSms(sms, { timeout: 5000 });
    const verified: VerifyUpdatePhoneRequestRespDto = await client.verifyUpdatePhoneRequest({
      verifyMethod: "PHONE_PASSCODE",
      phonePassCodePayload: { newPhoneNumber: newPhone, newPhonePassCode: code },
    });
    const token: string | undefined = verified.data?.updatePhoneToken;
    if (token === undefined) return verified.message;
    const updated: UpdatePhoneRespDto = await client.updatePhone({ updatePhoneToken: token });
    return updated.message;
  } catch (e) {
    if (!isGenAuthError(e)) throw e;
    const err: GenAuthError = e;
    return `${err.code} ${err.field ?? ""} ${err.retryAfterMs ?? 0}`;
  } finally {
    client.free();
  }
}

// @ts-expect-error phone numbers are strings
export const badNumber: SendSMSDto = { channel: "CHANNEL_BIND_PHONE", phoneNumber: 18800000000 };
// @ts-expect-error not one of the 11 channels
export const badChannel: SmsChannel = "CHANNEL_CARRIER_PIGEON";
// @ts-expect-error there is no appSecret option
export const withSecret = () => new AuthenticationClient({ appId: "a", appHost: "h", appSecret: "s" });
