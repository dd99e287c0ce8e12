// Types of init.js: the glue's declarations, with init, initSync and InitInput.
export { default } from "./web/genauth_phone.js";
export * from "./web/genauth_phone.js";
