// The drop-in element in React 19: the client as a prop (React 19 sets it as a property), typed
// by genauth-phone/elements-react. Shown with ?element (the flow test drives <ChangePhone />).
import type {} from "genauth-phone/elements-react";
import "genauth-phone/elements";
import { AuthenticationClient } from "genauth-phone";
import { useEffect, useRef } from "react";
import { accessToken, appHost, appId } from "./session";

const client = new AuthenticationClient({ appId, appHost, accessToken, lang: "en-US" });

export function ChangePhoneElement() {
  const ref = useRef<HTMLElementTagNameMap["genauth-change-phone"]>(null);
  useEffect(() => {
    const el = ref.current;
    const done = (e: HTMLElementEventMap["genauth-done"]) => console.log(`changed to ${e.detail.maskedNumber}`);
    el?.addEventListener("genauth-done", done);
    return () => el?.removeEventListener("genauth-done", done);
  }, []);
  return <genauth-change-phone ref={ref} client={client} lang="en-US" default-country-code="+86" />;
}
