// The smallest app that uses the package (both exports kept alive): what a bundler ships for it.
import { AuthenticationClient, isGenAuthError } from "genauth-phone";

globalThis.genauth = { AuthenticationClient, isGenAuthError };
