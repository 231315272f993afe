import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.ORDERFLOW_API ?? "http://localhost:3000";
const root = fileURLToPath(new URL(".", import.meta.url));

/** A browser navigation (wants HTML) to an SPA route that shares its path with the API, e.g. /orders/{id}. */
const isPageNavigation = (accept: string | undefined, url: string | undefined) =>
  !!accept?.includes("text/html") && !/\/(receipt|events|qr|agreement)(\?|$)/.test(url ?? "");

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: {
      "^/(auth|products|orders|order|admin|auctions|seller|me|openapi\\.json)(/|$|\\?)": {
        target: api,
        changeOrigin: true,
        bypass: (req) => (isPageNavigation(req.headers.accept, req.url) ? "/index.html" : undefined),
      },
    },
  },
});
