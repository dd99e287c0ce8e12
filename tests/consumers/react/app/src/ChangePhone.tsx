import { useEffect, useState, useSyncExternalStore } from "react";
import { AuthenticationClient } from "genauth-phone";
import { accessToken, appHost, appId } from "./session";

// One client for the app, made once when the module loads. Never free it in an effect cleanup.
const client = new AuthenticationClient({ appId, appHost, accessToken });

export function ChangePhone() {
  // One flow per mounted component: the initialiser runs once per mount (StrictMode may call
  // it twice in development and keep one; the other is garbage collected).
  const [flow] = useState(() => client.phoneChange());
  const state = useSyncExternalStore(flow.subscribe, () => flow.state);
  // Leaving stops a code being sent. cancel(), not free(): the flow stays usable, and in
  // development StrictMode runs this cleanup and then uses the same flow again.
  useEffect(() => () => flow.cancel(), [flow]);
  const [code, setCode] = useState("");

  const send = state.sends.find((s) => s.target === "new");
  const resendIn = useSecondsUntil(send?.cooldownUntil ?? 0);
  const confirmWithin = useSecondsUntil(state.tokenExpiresAt);

  if (state.step === "done") return <p role="status">Your number is now {state.newNumber.masked}.</p>;
  return (
    <form onSubmit={(e) => e.preventDefault()}>
      <label>
        New number
        <input
          name="phone"
          inputMode="tel"
          autoComplete="tel-national"
          aria-invalid={state.error?.field === "newPhoneNumber"}
          onChange={(e) => flow.setNewNumber(e.target.value)}
        />
      </label>
      <button type="button" disabled={!state.newNumber || resendIn > 0} onClick={() => void flow.sendCode("new")}>
        {state.busy === "send-new" ? "Sending…" : resendIn > 0 ? `Resend in ${resendIn} s` : send?.sent ? "Resend code" : "Send code"}
      </button>

      {send?.sent && (
        <label>
          Code sent to {send.maskedNumber}
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            aria-invalid={state.error?.field === "newCode"}
            onChange={(e) => setCode(e.target.value)}
          />
        </label>
      )}
      {state.step === "codes" && send?.sent && (
        <button type="button" disabled={state.busy === "verify"} onClick={() => void flow.verify({ newCode: code })}>
          Verify
        </button>
      )}
      {state.step === "confirm" && (
        <button type="button" onClick={() => void flow.confirm()}>
          Change to {state.newNumber.masked} (within {confirmWithin} s)
        </button>
      )}

      {state.error && <p role="alert">{state.error.message}</p>}
    </form>
  );
}

// Seconds left until `time` (ms since epoch; 0 when past), re-read every second.
function useSecondsUntil(time: number): number {
  return useSyncExternalStore(everySecond, () => Math.max(0, Math.ceil((time - Date.now()) / 1000)));
}
function everySecond(tick: () => void) {
  const id = setInterval(tick, 1000);
  return () => clearInterval(id);
}
