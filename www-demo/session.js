// Who is signed in, to what, and the client in the page's language. Panels read `session`
// and subscribe to changes; the connection panel signs in and out, the language switch remakes
// the client.

import { AuthenticationClient } from "/pkg/genauth_phone.js";

export const session = {
  /** "emulator" | "real" | null (signed out). */
  mode: null,
  /** The AuthenticationClient, or null. */
  client: null,
  /** What the client was made with (appHost, appId, accessToken), to make it in another language. */
  connection: null,
  /** The Emulator (dev endpoints) in emulator mode. */
  emulator: null,
  /** Where the API is, for display. */
  host: "",
  /** The emulator's user (emulator mode): its id, phone and email. */
  userId: null,
  phone: null,
  countryCode: "+86",
  email: null,
  verifyOldPhone: false,
};

const listeners = new Set();

export function onSessionChange(fn) {
  listeners.add(fn);
}

export function sessionChanged() {
  for (const fn of listeners) fn(session);
}

/**
 * A client for `connection` whose messages are in `lang` (a client's language is fixed when it
 * is made). Throws the constructor's GenAuthError for a bad host, app id or token.
 */
export function makeClient(connection, lang) {
  return new AuthenticationClient({ ...connection, lang });
}

/** The page changed language: the same connection, a client in the new language (the elements
 *  start over with it; a confirm already sent still finishes and is heard). False when signed out. */
export function changeLanguage(lang) {
  if (!session.client) return false;
  const old = session.client;
  session.client = makeClient(session.connection, lang);
  sessionChanged();
  old.free();
  return true;
}

/** Re-reads the user from the emulator (the source of truth), in emulator mode. */
export async function refreshUser() {
  const userId = session.mode === "emulator" ? session.userId : null;
  if (!userId) return;
  const user = await session.emulator.user(userId);
  // Signed out, or in as someone else, meanwhile: not theirs to show.
  if (session.userId !== userId) return;
  session.phone = user.phone;
  session.countryCode = user.phoneCountryCode || "+86";
  session.email = user.email;
  sessionChanged();
}
