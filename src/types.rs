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
  /** The language of the server's messages (`x-authing-lang`). */
  lang?: "zh-CN" | "en-US";
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
  | "TIMEOUT" | "ABORTED" | "NETWORK" | "HTTP_STATUS" | "BAD_RESPONSE" | "API" | "CLIENT_FREED";

/** Every error thrown or rejected by this package: a real `Error` with `name === "GenAuthError"`. */
export interface GenAuthError extends Error {
  name: "GenAuthError";
  code: GenAuthErrorCode;
  /** INVALID_ARGUMENT: the path of the offending field, e.g. "phonePassCodePayload.newPhoneNumber". */
  field?: string;
  /** HTTP_STATUS: the HTTP status; API: the envelope's statusCode. */
  statusCode?: number;
  apiCode?: number;
  requestId?: string;
  /** SMS_COOLDOWN, or HTTP 429 with Retry-After: how long to wait, in ms. */
  retryAfterMs?: number;
}
"#;
