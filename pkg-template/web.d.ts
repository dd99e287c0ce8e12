// Types of web.js: the client, the guard and every DTO of the generated declarations.
export * from "./web/genauth_phone.js";
