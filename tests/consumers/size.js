// The smallest app that uses the package (every export kept alive): what a bundler ships for it.
import { AuthenticationClient, isGenAuthError, parsePhoneNumber } from "genauth-phone";

globalThis.genauth = { AuthenticationClient, isGenAuthError, parsePhoneNumber };
