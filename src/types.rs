//! The TypeScript declarations of the DTOs, options and errors. Written by hand rather than
//! derived (tsify): the derive would add bytes and cannot express the error interface or
//! the channel union; the method signatures refer to these names through
//! `unchecked_param_type` / `unchecked_return_type`, and `tsc --strict` checks them in the tests.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `new AuthenticationClient(...)`. There is deliberately no `appSecret`. */
export interface AuthenticationClientOptions {
  /** The application id (the `x-authing-app-id` header). */
  appId: string;
  /** e.g. "https://example.genauth.ai"; "https://" is added when no scheme is given, trailing "/" dropped. */
  appHost: string;
  /** The signed-in user's access token; or call `setAccessToken` later. */
  accessToken?: string;
  /** Request timeout in ms, 1..=120000; default 10000. */
  timeout?: number;
  /**
   * The language of every `GenAuthError.message` this client reports, and of the server's
   * messages (sent as `x-authing-lang`). Default "zh-CN" for the client's messages; without
   * it no header is sent (as the official SDK), so the server answers in its own default.
   */
  lang?: "zh-CN" | "en-US";
  /** Your own words for any error, by `reason` or `code` (a reason's wins): replaces the built-in message. */
  messages?: GenAuthMessages;
  /** Reject with a `GenAuthError` (code "API") when the envelope's statusCode is not 200. Default false: resolve with the envelope, like the official SDK. */
  throwOnError?: boolean;
  /** Allow plain http:// to a non-loopback host. Default false. */
  allowInsecureHttp?: boolean;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the request (the promise rejects with code "ABORTED"). */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call, in ms (1..=120000). */
  timeout?: number;
}

/** The SMS channels of the GenAuth API. Changing a number uses CHANNEL_BIND_PHONE for the new number and CHANNEL_UNBIND_PHONE for the old one. */
export type SmsChannel =
  | "CHANNEL_LOGIN" | "CHANNEL_REGISTER" | "CHANNEL_RESET_PASSWORD" | "CHANNEL_BIND_PHONE"
  | "CHANNEL_UNBIND_PHONE" | "CHANNEL_BIND_MFA" | "CHANNEL_VERIFY_MFA" | "CHANNEL_UNBIND_MFA"
  | "CHANNEL_COMPLETE_PHONE" | "CHANNEL_IDENTITY_VERIFICATION" | "CHANNEL_DELETE_ACCOUNT";

/** The envelope of every answer. */
export interface CommonResponseDto {
  /** 200 means success. */
  statusCode: number;
  message: string;
  /** Segmented error code (failures only). */
  apiCode?: number;
  /** Request id (failures only). */
  requestId?: string;
}

export interface SendSMSDto {
  channel: SmsChannel;
  /** Digits only, without the country code. */
  phoneNumber: string;
  /** e.g. "+86"; optional for mainland China. */
  phoneCountryCode?: string;
}
export type SendSMSRespDto = CommonResponseDto;

export interface UpdatePhoneByPhonePassCodeDto {
  newPhoneNumber: string;
  newPhonePassCode: string;
  newPhoneCountryCode?: string;
  /** Required (with oldPhonePassCode) when the user pool verifies the old number. */
  oldPhoneNumber?: string;
  oldPhonePassCode?: string;
  oldPhoneCountryCode?: string;
}
export interface VerifyUpdatePhoneRequestDto {
  verifyMethod: "PHONE_PASSCODE";
  phonePassCodePayload: UpdatePhoneByPhonePassCodeDto;
}
export interface VerifyUpdatePhoneRequestData {
  /** One-time token for `updatePhone`. */
  updatePhoneToken: string;
  /** Lifetime of the token, in seconds. */
  tokenExpiresIn: number;
}
export interface VerifyUpdatePhoneRequestRespDto extends CommonResponseDto {
  data?: VerifyUpdatePhoneRequestData;
}
/** A successful verify: what `verifyUpdatePhoneRequest` resolves with under `throwOnError: true`. */
export interface VerifyUpdatePhoneRequestSuccess extends VerifyUpdatePhoneRequestRespDto {
  statusCode: 200;
  data: VerifyUpdatePhoneRequestData;
}

/**
 * What a method resolves with: with `throwOnError: true` (`Strict`) every refusal rejects, so
 * only a success resolves and its `data` is there where a success carries it.
 */
export type Reply<Strict extends boolean, Any, Success> = Strict extends true ? Success : Any;

/** The query of `getProfile` (each flag `false` when absent, as in the official SDK). */
export interface GetProfileDto {
  withCustomData?: boolean;
  withIdentities?: boolean;
  withDepartmentIds?: boolean;
}
/** The signed-in user, as `getProfile` returns it (the fields this package relies on, and the rest as sent). */
export interface UserDto {
  userId: string;
  username: string | null;
  email: string | null;
  /** Digits without the country code; null when no phone is bound. */
  phone: string | null;
  /** e.g. "+86"; null when no phone is bound. */
  phoneCountryCode: string | null;
  [field: string]: unknown;
}
export interface UserSingleRespDto extends CommonResponseDto {
  data?: UserDto;
}
/** A successful `getProfile` (what it resolves with under `throwOnError: true`). */
export interface UserSingleRespSuccess extends UserSingleRespDto {
  statusCode: 200;
  data: UserDto;
}

export interface UpdatePhoneDto {
  updatePhoneToken: string;
}
export interface UpdatePhoneRespDto extends CommonResponseDto {
  data?: { success: boolean };
}

export interface UnbindPhoneDto {
  /** The code sent on CHANNEL_UNBIND_PHONE. */
  passCode: string;
}

/** The stable codes of `GenAuthError`. */
export type GenAuthErrorCode =
  | "INVALID_ARGUMENT" | "NOT_AUTHENTICATED" | "SMS_COOLDOWN" | "TOKEN_EXPIRED" | "TOKEN_CONSUMED"
  | "TIMEOUT" | "ABORTED" | "NETWORK" | "HTTP_STATUS" | "BAD_RESPONSE" | "API" | "CLIENT_FREED"
  | "INVALID_STATE" | "NO_PHONE_NUMBER";

/** What a UI can tell the person to do (INVALID_ARGUMENT about a number or a code), or which network failure it was. */
export type GenAuthErrorReason =
  | "PHONE_MISSING" | "PHONE_NOT_A_NUMBER" | "PHONE_NO_COUNTRY_CODE" | "PHONE_UNKNOWN_COUNTRY_CODE"
  | "PHONE_TOO_SHORT" | "PHONE_TOO_LONG" | "PHONE_TRUNK_PREFIX" | "PHONE_INVALID_LENGTH"
  | "CODE_MISSING" | "CODE_INVALID" | "UNREACHABLE" | "BLOCKED";

/** Replacement messages, by code or reason (the `messages` option). */
export type GenAuthMessages = { [key in GenAuthErrorCode | GenAuthErrorReason]?: string };

/** Every error thrown or rejected by this package: a real `Error` with `name === "GenAuthError"`. */
export interface GenAuthError extends Error {
  name: "GenAuthError";
  code: GenAuthErrorCode;
  /**
   * For people: plain words in the client's `lang` (default zh-CN), or the app's own from
   * `messages`. Never a field name or an input, except for code "API", whose message is the
   * server's own.
   */
  message: string;
  /** What a UI can tell the person to do about it, or which network failure it was (NETWORK: "UNREACHABLE" or "BLOCKED" by CORS). */
  reason?: GenAuthErrorReason;
  /** For developers, in English: the field path and the rule, or what happened (never an input value or a secret). */
  detail: string;
  /**
   * INVALID_ARGUMENT: the path of the offending field, e.g. "phonePassCodePayload.newPhoneNumber".
   * From a flow: the input the failure is about ("newCode", "currentCode", "code",
   * "newPhoneNumber", "currentPhoneNumber"), where the server says which.
   */
  field?: string;
  /** HTTP_STATUS: the HTTP status; API: the envelope's statusCode. */
  statusCode?: number;
  apiCode?: number;
  requestId?: string;
  /** SMS_COOLDOWN, or HTTP 429 with Retry-After: how long to wait, in ms. */
  retryAfterMs?: number;
}

/** What `parsePhoneNumber` returns: the split fields the API and the DTOs take. */
export interface ParsedPhoneNumber {
  /** "+" and the calling code, e.g. "+86". */
  phoneCountryCode: string;
  /** The national number without trunk prefix, digits only, e.g. "13800138000". */
  phoneNumber: string;
}
/** Options of `parsePhoneNumber`. */
export interface ParsePhoneNumberOptions {
  /** The country code of a national number (no "+" or "00"), e.g. "+86". No default: without it a national number is refused (PHONE_NO_COUNTRY_CODE). */
  defaultCountryCode?: string;
  /** The language of the error's message; default "zh-CN". */
  lang?: "zh-CN" | "en-US";
  messages?: GenAuthMessages;
}
"#;

/// The flow objects' types.
#[wasm_bindgen(typescript_custom_section)]
const TS_FLOW_TYPES: &'static str = r#"
/** A phone number a flow knows, with its display form ("+86 138****8000"). */
export interface FlowNumber {
  readonly phoneNumber: string;
  /** As given (or as the profile has it); null when none was: the flow never adds one, and the server applies its default (+86). */
  readonly phoneCountryCode: string | null;
  /** The country code when known, then the first 3 and last 4 digits ("+86 138****8000"). */
  readonly masked: string;
}
/** One code a flow needs: where it goes, whether it went, and until when the number waits. */
export interface CodeSend {
  readonly target: "new" | "current";
  readonly channel: "CHANNEL_BIND_PHONE" | "CHANNEL_UNBIND_PHONE";
  /** null while the number is unknown: the current number before it is read (not signed in yet, being read, the read failed, or the account has none). */
  readonly maskedNumber: string | null;
  /** A code went to exactly this number in this flow: offer "Resend" (never for another number). */
  readonly sent: boolean;
  /** ms since epoch until which sending is refused (this client, another tab, or the server's 429); 0 when it may send now. Subscribers are told when it ends. */
  readonly cooldownUntil: number;
}
/** The step a flow is running at the person's request (one at a time), or null. Reading the current number in the background is not one. */
export type FlowBusy = "send-new" | "send-current" | "verify" | "confirm" | null;

interface PhoneChangeCommon {
  readonly kind: "change";
  readonly busy: FlowBusy;
  /** The last failure, until the next step starts (a number being typed shows its problem here, field "newPhoneNumber"). Never an INVALID_STATE or CLIENT_FREED: those are the page's mistakes. */
  readonly error: GenAuthError | null;
  /** The pool also verifies the current number (its code is in `sends`). */
  readonly verifyOldPhone: boolean;
  /** The current number: given, or read with getProfile (a removal, or with verifyOldPhone) once signed in; null until then. */
  readonly currentNumber: FlowNumber | null;
  /** The codes needed, the new number's first. */
  readonly sends: readonly CodeSend[];
}
/** `phoneChange().state`: a deeply frozen object, the same until the next change. */
export type PhoneChangeState =
  /** No new number yet, or one not finished (its problem is in `error`). */
  | (PhoneChangeCommon & { readonly step: "number"; readonly newNumber: null; readonly tokenExpiresAt: 0 })
  | (PhoneChangeCommon & { readonly step: "codes"; readonly newNumber: FlowNumber; readonly tokenExpiresAt: 0 })
  /** Verified: the one-time token (kept inside the module) lives until `tokenExpiresAt` (ms since epoch). */
  | (PhoneChangeCommon & { readonly step: "confirm"; readonly newNumber: FlowNumber; readonly tokenExpiresAt: number })
  | (PhoneChangeCommon & { readonly step: "done"; readonly newNumber: FlowNumber; readonly tokenExpiresAt: 0 });

/** `phoneRemoval().state`: a deeply frozen object, the same until the next change. */
export interface PhoneRemovalState {
  readonly kind: "removal";
  readonly step: "codes" | "done";
  readonly busy: FlowBusy;
  readonly error: GenAuthError | null;
  /** null until known (given, or read with getProfile once signed in); null again once removed. */
  readonly currentNumber: FlowNumber | null;
  readonly sends: readonly CodeSend[];
}

export interface PhoneChangeOptions {
  /** The number to change to; or call `setNewNumber` later. */
  newPhoneNumber?: string;
  newPhoneCountryCode?: string;
  /** The user pool also verifies the current number (default false; a refusal that says so turns it on). */
  verifyOldPhone?: boolean;
  /** The current number, if the page knows it; otherwise read with getProfile when needed. */
  currentPhoneNumber?: string;
  currentPhoneCountryCode?: string;
  /** Request timeout of the flow's steps in ms (1..=120000); default the client's. */
  timeout?: number;
}
export interface PhoneRemovalOptions {
  currentPhoneNumber?: string;
  currentPhoneCountryCode?: string;
  timeout?: number;
}

/** Subscribes `listener` to every change of `state`; returns the function that unsubscribes it (once). The same function every time, usable unbound: `useSyncExternalStore(flow.subscribe, () => flow.state)`. */
export type FlowSubscribe = (listener: () => void) => () => void;

/**
 * The change-number flow (`client.phoneChange()`). One step at a time. A step's promise never
 * rejects: it resolves with null when the step succeeded, or with the GenAuthError that
 * stopped it (also in `state.error`, unless it is the page's misuse: INVALID_STATE, CLIENT_FREED).
 */
export interface PhoneChange {
  readonly state: PhoneChangeState;
  readonly subscribe: FlowSubscribe;
  /** The number to change to, as typed: never throws; returns (and shows in `state.error`) what is wrong with it, or null. Another number than the one a code went to starts the codes over. */
  setNewNumber(phoneNumber: string, phoneCountryCode?: string | null): GenAuthError | null;
  /** Returns INVALID_STATE while codes are verified or the change confirmed, else null. */
  setVerifyOldPhone(on: boolean): GenAuthError | null;
  /** Sends the code for the new or the current number (SMS_COOLDOWN while the number waits). */
  sendCode(target: "new" | "current"): Promise<GenAuthError | null>;
  /** Exchanges the codes for the one-time token (kept inside the module). */
  verify(codes: { newCode: string; currentCode?: string }): Promise<GenAuthError | null>;
  /** Applies the change, once; a failure after it was sent is checked against the profile. */
  confirm(): Promise<GenAuthError | null>;
  /** Aborts the running step (its promise resolves with ABORTED), except a confirm already sent. */
  cancel(): void;
  /** Retires the flow (a sent confirm still finishes); later calls get CLIENT_FREED. */
  free(): void;
}
/** The remove-number flow (`client.phoneRemoval()`); its steps resolve as `PhoneChange`'s do. */
export interface PhoneRemoval {
  readonly state: PhoneRemovalState;
  readonly subscribe: FlowSubscribe;
  /** Sends the code to the current number (read with getProfile when not given). */
  sendCode(): Promise<GenAuthError | null>;
  /** Removes the number, proven by the code; once. */
  confirm(code: string): Promise<GenAuthError | null>;
  cancel(): void;
  free(): void;
}
"#;
