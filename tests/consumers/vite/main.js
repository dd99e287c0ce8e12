// A Vite app: the package by its name, nothing in vite's config (there is none).
import { AuthenticationClient, isGenAuthError } from "genauth-phone";
import { changePhone, paramsFrom, show } from "./flow.mjs";

show(() => changePhone({ AuthenticationClient, isGenAuthError }, paramsFrom(location.search)));
