// React 19 JSX types of the drop-in elements: `import type {} from "genauth-phone/elements-react";`
// once in your app (or list it in tsconfig "types"). React 19 sets `client` as a property.
import type { DetailedHTMLProps, HTMLAttributes } from "react";
import type { AuthenticationClient } from "./web.js";
import type { ChangePhoneElement, GenAuthDoneDetail, GenAuthFailedDetail, RemovePhoneElement } from "./elements.js";

type ElementProps<E> = Omit<DetailedHTMLProps<HTMLAttributes<E>, E>, "lang"> & {
  /** The signed-in client (a property, never an attribute). */
  client?: AuthenticationClient | null;
  /** "zh-CN" or "en-US"; the client's `lang` when absent. */
  lang?: "zh-CN" | "en-US";
  /** React 19 listens to a custom element's event named after "on". */
  "ongenauth-done"?: (event: CustomEvent<GenAuthDoneDetail>) => void;
  "ongenauth-failed"?: (event: CustomEvent<GenAuthFailedDetail>) => void;
};

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "genauth-change-phone": ElementProps<ChangePhoneElement> & {
        /** The user pool also verifies the current number. */
        "verify-old-phone"?: boolean;
        /** The country code of a national number (e.g. "+86"). */
        "default-country-code"?: string;
      };
      "genauth-remove-phone": ElementProps<RemovePhoneElement>;
    }
  }
}
