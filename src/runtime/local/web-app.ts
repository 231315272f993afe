import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";

export const WEB_DIST = fileURLToPath(new URL("../../../web/dist", import.meta.url));

/**
 * Serves the built web app (web/dist) beside the API: a browser navigation (GET accepting HTML) gets
 * the file or the single-page app's index.html; everything else goes to the API, whose paths the
 * app's own routes share (`/orders/{id}` is both a page and a resource).
 */
export function withWebApp(api: { fetch: (request: Request) => Response | Promise<Response> }, root = WEB_DIST) {
  if (!existsSync(root)) return api.fetch;
  const site = new Hono();
  site.use("/assets/*", serveStatic({ root }));
  site.get("*", serveStatic({ root }), serveStatic({ root, path: "index.html" }));
  return (request: Request) => {
    const isPage = request.method === "GET" && (request.headers.get("accept") ?? "").includes("text/html");
    const isAsset = request.method === "GET" && new URL(request.url).pathname.startsWith("/assets/");
    return isPage || isAsset ? site.fetch(request) : api.fetch(request);
  };
}
