// The browser entries: "genauth-phone/web" (ready on import) and "genauth-phone/init" (the raw
// wasm-bindgen glue, for loading the .wasm from a URL or bytes of one's choosing).
import { AuthenticationClient, type CallOptions } from "genauth-phone/web";
import init, { initSync, AuthenticationClient as RawClient, type InitOutput } from "genauth-phone/init";
import type { GenAuthDoneDetail } from "genauth-phone/elements";
import "genauth-phone/elements";

export const sameClass: typeof AuthenticationClient = RawClient;
export const loadFrom = (url: URL): Promise<InitOutput> => init({ module_or_path: url });
export const loadBytes = (bytes: ArrayBuffer): InitOutput => initSync({ module: bytes });
export const abortable = (signal: AbortSignal): CallOptions => ({ signal, timeout: 3000 });
// @ts-expect-error a timeout is a number of milliseconds
export const badTimeout: CallOptions = { timeout: "3s" };

// The elements: typed by tag name, the client as a property, their events' details.
export function mount(client: AuthenticationClient): string {
  const change = document.createElement("genauth-change-phone");
  change.client = client;
  change.setAttribute("default-country-code", "+86");
  change.addEventListener("genauth-done", (e) => {
    const detail: GenAuthDoneDetail = e.detail;
    void detail.maskedNumber;
  });
  const removal = document.querySelector("genauth-remove-phone");
  if (removal) removal.client = null;
  return change.tagName;
}
