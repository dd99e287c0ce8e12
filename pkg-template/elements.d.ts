// Types of elements.js: <genauth-change-phone> and <genauth-remove-phone>.
import type { AuthenticationClient, GenAuthErrorCode, GenAuthErrorReason } from "./web.js";

/** Shared by both elements: the client is a property (a token must never sit in the DOM). */
declare class GenAuthFlowElement extends HTMLElement {
  /** The signed-in client whose flow the element runs; setting it starts a new flow. */
  client: AuthenticationClient | null;
  /** Starts a new flow on the same client: the inputs are emptied, the codes' stored
   *  cooldowns show again. For "change it again", or after the number changed elsewhere. */
  restart(): void;
  /** Focuses the element's first input (the shadow root delegates focus). */
  focus(options?: FocusOptions): void;
}
/** `<genauth-change-phone lang? verify-old-phone? default-country-code?>` */
export declare class ChangePhoneElement extends GenAuthFlowElement {}
/** `<genauth-remove-phone lang?>` */
export declare class RemovePhoneElement extends GenAuthFlowElement {}

/** `genauth-done`: the change or removal was applied. Never a token or a code. */
export interface GenAuthDoneDetail {
  kind: "change" | "removal";
  /** The new number (change) or the removed one, masked: "+86 138****8000" (null for a
   *  removal whose number the flow never read). */
  maskedNumber: string | null;
}
/** `genauth-failed`: a step failed; `message` is the one the element showed. */
export interface GenAuthFailedDetail {
  kind: "change" | "removal";
  code: GenAuthErrorCode;
  reason?: GenAuthErrorReason;
  field?: string;
  message: string;
}

declare global {
  interface HTMLElementTagNameMap {
    "genauth-change-phone": ChangePhoneElement;
    "genauth-remove-phone": RemovePhoneElement;
  }
  interface HTMLElementEventMap {
    "genauth-done": CustomEvent<GenAuthDoneDetail>;
    "genauth-failed": CustomEvent<GenAuthFailedDetail>;
  }
  // The events bubble out of the shadow root: a listener on the document gets them typed too.
  interface DocumentEventMap {
    "genauth-done": CustomEvent<GenAuthDoneDetail>;
    "genauth-failed": CustomEvent<GenAuthFailedDetail>;
  }
}
