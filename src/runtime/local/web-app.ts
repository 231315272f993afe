import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";

export const WEB_DIST = fileURLToPath(new URL("../../../web/dist", import.meta.url));

/**
 * Is this a browser navigation to a page of the web app? Its paths overlap the API's
 * (`/orders/{id}` is the tracking page and the resource), so a GET that accepts HTML gets the app,
 * except documents the browser opens directly (receipt, streams, QR codes, agreements, the API description).
 */
export function wantsAppPage(method: string, path: string, accept: string): boolean {
  return (
    method === "GET" &&
    accept.includes("text/html") &&
    !/\/(receipt|events|qr|agreement)$/.test(path) &&
    path !== "/openapi.json"
  );
}

/** Serves the built web app (web/dist) beside the API when it has been built (`npm run build:web`). */
export function withWebApp(api: { fetch: (request: Request) => Response | Promise<Response> }, root = WEB_DIST) {
  if (!existsSync(root)) return api.fetch;
  const site = new Hono();
  site.use("/assets/*", async (c, next) => {
    await next();
    // File names carry a content hash, so a built asset never changes.
    if (c.res.ok) c.header("Cache-Control", "public, max-age=31536000, immutable");
  });
  site.use("/assets/*", serveStatic({ root }));
  site.get("*", serveStatic({ root }), serveStatic({ root, path: "index.html" }), async (c, next) => {
    await next();
    c.header("Cache-Control", "no-cache");
  });
  return (request: Request) => {
    // Only GETs can be for the web app; the API's writes skip parsing the URL here.
    if (request.method !== "GET") return api.fetch(request);
    const url = new URL(request.url);
    const isAsset = url.pathname.startsWith("/assets/");
    return isAsset || wantsAppPage(request.method, url.pathname, request.headers.get("accept") ?? "")
      ? site.fetch(request)
      : api.fetch(request);
  };
}
