// The drop-in element in React 19: the client as a prop (React 19 sets it as a property), typed
// by genauth-phone/elements-react. Shown with ?element (the flow test drives <ChangePhone />).
import type {} from "genauth-phone/elements-react";
import "genauth-phone/elements";
import { AuthenticationClient } from "genauth-phone";
import { useRef } from "react";
import { accessToken, appHost, appId } from "./session";

const client = new AuthenticationClient({ appId, appHost, accessToken, lang: "en-US" });

export function ChangePhoneElement() {
  const ref = useRef<HTMLElementTagNameMap["genauth-change-phone"]>(null);
  // React 19 listens to the element's own event through the "on" + name prop.
  return (
    <genauth-change-phone
      ref={ref}
      client={client}
      lang="en-US"
      default-country-code="+86"
      ongenauth-done={(e) => console.log(`changed to ${e.detail.maskedNumber}`)}
    />
  );
}
