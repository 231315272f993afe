import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withBufferedJsonBodies } from "./buffered-json-body.js";

const app = new Hono();
app.post("/echo", async (c) => c.json({ text: await c.req.text(), json: await c.req.json() }));
app.post("/raw", async (c) => c.json(await c.req.raw.json()));
app.post("/parse", async (c) => {
  try {
    return c.json(await c.req.json());
  } catch (error) {
    return c.json({ error: (error as Error).name }, 400);
  }
});
app.put("/bytes", async (c) => c.json({ size: (await c.req.arrayBuffer()).byteLength }));

let server: ReturnType<typeof serve>;
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: withBufferedJsonBodies(app.fetch), port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (path: string, body: string | Blob, type = "application/json", method = "POST") =>
  fetch(`${url}${path}`, { method, headers: { "content-type": type }, body });

describe("withBufferedJsonBodies", () => {
  it("answers text() and json() of a JSON body, also read twice and through the raw request", async () => {
    const body = JSON.stringify({ name: "Zoë", cakes: ["lemon", "€"] });
    expect(await (await post("/echo", body)).json()).toEqual({ text: body, json: JSON.parse(body) });
    expect(await (await post("/raw", body, "application/merge-patch+json")).json()).toEqual(JSON.parse(body));
  });

  it("keeps a body that arrives in many chunks whole", async () => {
    const body = JSON.stringify({ filler: "x".repeat(300_000) });
    const answer = (await (await post("/echo", body)).json()) as { text: string };
    expect(answer.text).toBe(body);
  });

  it("lets malformed JSON fail as a syntax error", async () => {
    const response = await post("/parse", "{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "SyntaxError" });
  });

  it("leaves other bodies to the request's own stream", async () => {
    const response = await post("/bytes", new Blob([new Uint8Array(70_000)]), "application/octet-stream", "PUT");
    expect(await response.json()).toEqual({ size: 70_000 });
  });
});
