// Who is signed in, to what, and whether the pool verifies the old number.
// Panels read `session` and subscribe to changes; only the connection panel and
// the flows that change the phone write to it.

export const session = {
  /** "emulator" | "real" | null (signed out). */
  mode: null,
  /** The AuthenticationClient, or null. */
  client: null,
  /** The Emulator (dev endpoints) in emulator mode. */
  emulator: null,
  /** Where the API is, for display: "Local emulator" / "Your GenAuth app", and its URL. */
  hostLabel: "",
  host: "",
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

/** Re-reads the user from the emulator (the source of truth), in emulator mode. */
export async function refreshUser() {
  if (session.mode !== "emulator" || !session.userId) return;
  const user = await session.emulator.user(session.userId);
  session.phone = user.phone;
  session.countryCode = user.phoneCountryCode || "+86";
  session.email = user.email;
  sessionChanged();
}
