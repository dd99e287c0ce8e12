// A Vite 8 + React app as `npm create vite` makes one: the React plugin, nothing for genauth-phone.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({ plugins: [react()] });
