// Compiled with `tsc --strict --noEmit` by scripts/test.sh: every method, every DTO,
// the guard and the error fields, as a TypeScript user would write them.
import init, {
  AuthenticationClient,
  isGenAuthError,
  type AuthenticationClientOptions,
  type CallOptions,
  type GenAuthError,
  type GenAuthErrorCode,
  type SendSMSDto,
  type SmsChannel,
  type UpdatePhoneRespDto,
  type VerifyUpdatePhoneRequestRespDto,
} from "../../pkg/genauth_phone.js";

async function changeNumber(accessToken: string, newPhone: string, code: string): Promise<string> {
  await init();
  const options: AuthenticationClientOptions = { appId: "APP_ID", appHost: "example.genauth.ai", lang: "en-US", timeout: 5000 };
  const client = new AuthenticationClient(options);
  client.setAccessToken(accessToken);
  const channel: SmsChannel = "CHANNEL_BIND_PHONE";
  const sms: SendSMSDto = { channel, phoneNumber: newPhone, phoneCountryCode: "+86" };
  const controller = new AbortController();
  const callOptions: CallOptions = { signal: controller.signal, timeout: 3000 };
  const sent = await client.sendSms(sms, callOptions);
  const waitMs: number = client.smsCooldownRemaining(sms);
  const verified: VerifyUpdatePhoneRequestRespDto = await client.verifyUpdatePhoneRequest({
    verifyMethod: "PHONE_PASSCODE",
    phonePassCodePayload: { newPhoneNumber: newPhone, newPhonePassCode: code },
  });
  const token: string | undefined = verified.data?.updatePhoneToken;
  const lifetime: number | undefined = verified.data?.tokenExpiresIn;
  if (token === undefined) return `${sent.statusCode} ${verified.message} ${verified.apiCode ?? ""} ${waitMs} ${lifetime}`;
  const updated: UpdatePhoneRespDto = await client.updatePhone({ updatePhoneToken: token });
  const ok: boolean | undefined = updated.data?.success;
  const unbound = await client.unbindPhone({ passCode: "1234" });
  return `${updated.statusCode} ${ok} ${unbound.requestId ?? ""}`;
}

function describe(e: unknown): string {
  if (isGenAuthError(e)) {
    const err: GenAuthError = e;
    const code: GenAuthErrorCode = err.code;
    return `${code} ${err.field ?? ""} ${err.statusCode ?? ""} ${err.apiCode ?? ""} ${err.requestId ?? ""} ${err.retryAfterMs ?? ""} ${err.message}`;
  }
  return String(e);
}

changeNumber("token", "18800000000", "123456").catch(describe);

// @ts-expect-error an app secret is not an option, on purpose
new AuthenticationClient({ appId: "a", appHost: "h", appSecret: "never in a browser" });
// @ts-expect-error channels are a closed set
const wrongChannel: SmsChannel = "CHANNEL_UPDATE_PHONE";
void wrongChannel;

// The flows, typed as a state-driven UI uses them: steps resolve with an error or null, the
// state narrows on `step`, and `subscribe` is a property that works unbound.
import type { PhoneChange, PhoneChangeState, PhoneRemoval, FlowSubscribe } from "../../pkg/genauth_phone.js";

async function changeWithFlow(client: AuthenticationClient, typed: string, code: string): Promise<string | null> {
  const flow: PhoneChange = client.phoneChange({ verifyOldPhone: false });
  const subscribe: FlowSubscribe = flow.subscribe;
  const unsubscribe: () => void = subscribe(() => render(flow.state));
  const problem: GenAuthError | null = flow.setNewNumber(typed);
  if (problem) return problem.field ?? null;
  const sent = await flow.sendCode("new");
  if (sent?.code === "SMS_COOLDOWN") return String(sent.retryAfterMs);
  const wrong = await flow.verify({ newCode: code });
  if (wrong) return wrong.message;
  const state: PhoneChangeState = flow.state;
  if (state.step === "confirm") {
    const expiresAt: number = state.tokenExpiresAt;
    const masked: string = state.newNumber.masked;
    void expiresAt, masked;
  }
  const failed = await flow.confirm();
  unsubscribe();
  return failed ? failed.code : null;
}

function render(state: PhoneChangeState): string {
  const send = state.sends[0];
  const cc: string | null = state.newNumber?.phoneCountryCode ?? null;
  return `${state.step} ${state.busy ?? ""} ${send?.cooldownUntil ?? 0} ${cc}`;
}

async function removeWithFlow(client: AuthenticationClient, code: string): Promise<boolean> {
  const flow: PhoneRemoval = client.phoneRemoval();
  if ((await flow.sendCode()) !== null) return false;
  const error = await flow.confirm(code);
  flow.free();
  return error === null && flow.state.step === "done";
}
void changeWithFlow, removeWithFlow;

// Phone numbers as typed, and messages: parsePhoneNumber, the `messages` option, reason and detail.
import {
  parsePhoneNumber,
  type GenAuthErrorReason,
  type GenAuthMessages,
  type ParsedPhoneNumber,
  type ParsePhoneNumberOptions,
} from "../../pkg/genauth_phone.js";

function split(typed: string): ParsedPhoneNumber | GenAuthErrorReason | string {
  const options: ParsePhoneNumberOptions = { defaultCountryCode: "+86", lang: "zh-CN" };
  try {
    const parsed: ParsedPhoneNumber = parsePhoneNumber(typed, options);
    const sms: SendSMSDto = { channel: "CHANNEL_BIND_PHONE", ...parsed };
    return sms.phoneNumber;
  } catch (e) {
    if (!isGenAuthError(e)) throw e;
    const detail: string = e.detail;
    return e.reason ?? detail;
  }
}

function worded(): AuthenticationClient {
  const messages: GenAuthMessages = { PHONE_TOO_SHORT: "Too short", NETWORK: "Offline?", BLOCKED: "Ask IT" };
  return new AuthenticationClient({ appId: "APP_ID", appHost: "example.genauth.ai", lang: "en-US", messages });
}
void split, worded;
