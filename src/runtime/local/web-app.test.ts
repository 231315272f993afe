import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withWebApp } from "./web-app.js";

function site() {
  const root = mkdtempSync(join(tmpdir(), "orderflow-web-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>shop</title>");
  writeFileSync(join(root, "assets", "app.js"), "console.log('app')");
  const api = {
    fetch: async (request: Request) => new Response(`api ${request.method} ${new URL(request.url).pathname}`),
  };
  return withWebApp(api, root);
}

const get = (path: string, accept: string) => new Request(`http://localhost${path}`, { headers: { accept } });

describe("serving the web app beside the API", () => {
  it("gives browser navigations the single-page app, on any path", async () => {
    const fetch = site();
    expect(await (await fetch(get("/", "text/html,*/*"))).text()).toContain("<title>shop</title>");
    expect(await (await fetch(get("/orders/ord_1?token=x", "text/html"))).text()).toContain("<title>shop</title>");
  });

  it("keeps a cached page from answering an API fetch of the same URL", async () => {
    const fetch = site();
    const page = await fetch(get("/orders/ord_1", "text/html"));
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("vary")).toBe("Accept");
    expect((await fetch(get("/orders/ord_1", "application/json"))).headers.get("vary")).toBe("Accept");
    // Assets never change under their hashed names; they are not revalidated.
    const asset = await fetch(get("/assets/app.js", "*/*"));
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("vary")).toBeNull();
  });

  it("sends pages with a content security policy, no framing and no Referer (tracking links carry tokens)", async () => {
    const page = await site()(get("/orders/ord_1?token=x", "text/html"));
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("serves built assets and leaves API calls to the API", async () => {
    const fetch = site();
    expect(await (await fetch(get("/assets/app.js", "*/*"))).text()).toContain("console.log");
    expect(await (await fetch(get("/orders/ord_1", "application/json"))).text()).toBe("api GET /orders/ord_1");
    // Documents a browser opens directly stay with the API even though it accepts HTML.
    expect(await (await fetch(get("/orders/ord_1/receipt", "text/html"))).text()).toBe("api GET /orders/ord_1/receipt");
    expect(await (await fetch(get("/openapi.json", "text/html"))).text()).toBe("api GET /openapi.json");
    expect(
      await (
        await fetch(new Request("http://localhost/orders", { method: "POST", headers: { accept: "text/html" } }))
      ).text(),
    ).toBe("api POST /orders");
  });

  it("tells the app that the API is on its own origin", async () => {
    const answer = await site()(get("/config.json", "application/json"));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({});
  });

  it("is only the API when no web app was built", async () => {
    const api = { fetch: async () => new Response("api") };
    expect(withWebApp(api, "/nonexistent/dist")).toBe(api.fetch);
  });
});
