// Types of node.js: the same API as the web entry, declared by the nodejs build.
export * from "./node/genauth_phone.js";
