import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type MiddlewareHandler } from "hono";
import type { HttpFetch } from "./usage-meter.js";

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

/**
 * What the app's pages tell the browser: scripts, styles and connections from this origin only (the
 * build has no inline script; React sets styles through the DOM, which CSP allows), images also as data
 * and blob URLs (the favicon, QR codes); never in a frame (bids, checkout and the back office cannot be
 * clickjacked); and no Referer, since tracking pages carry their token in the URL.
 */
export const PAGE_SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
} as const;

/** Serves the built web app (web/dist) beside the API when it has been built (`npm run build:web`). */
export function withWebApp(api: { fetch: HttpFetch }, root = WEB_DIST): HttpFetch {
  if (!existsSync(root)) return api.fetch;
  const site = new Hono();
  site.use("/assets/*", async (c, next) => {
    await next();
    // File names carry a content hash, so a built asset never changes.
    if (c.res.ok) c.header("Cache-Control", "public, max-age=31536000, immutable");
  });
  site.use("/assets/*", serveStatic({ root }));
  const pageHeaders: MiddlewareHandler = async (c, next) => {
    await next();
    // Revalidated on every visit (a new build changes it); and the same URL also answers JSON.
    c.header("Cache-Control", "no-cache");
    c.header("Vary", "Accept");
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) c.header(name, value);
  };
  // On AWS the web bucket's config.json names the API's URL; here the API shares the app's origin.
  site.get("/config.json", (c) => c.json({}));
  site.get("*", pageHeaders, serveStatic({ root }), serveStatic({ root, path: "index.html" }));
  return async (request, env) => {
    // Only GETs can be for the web app; the API's writes skip parsing the URL here.
    if (request.method !== "GET") return api.fetch(request, env);
    const url = new URL(request.url);
    if (url.pathname.startsWith("/assets/") || url.pathname === "/config.json") return site.fetch(request);
    if (wantsAppPage(request.method, url.pathname, request.headers.get("accept") ?? "")) return site.fetch(request);
    // A browser must not answer a fetch of `/orders/{id}` with the page it cached for the same URL.
    const response = await api.fetch(request, env);
    response.headers.append("Vary", "Accept");
    return response;
  };
}
