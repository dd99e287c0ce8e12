// A webpack 5 app: the package by its name, webpack's defaults (no config file).
import { AuthenticationClient, isGenAuthError } from "genauth-phone";
import { changePhone, paramsFrom, show } from "./flow.mjs";

show(() => changePhone({ AuthenticationClient, isGenAuthError }, paramsFrom(location.search)));
