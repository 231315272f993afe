import { serve } from "@hono/node-server";
import { Hono } from "hono";

/*
 * The framework floor: the baseline's JSON endpoint on the app's HTTP stack (Hono served by
 * @hono/node-server), nothing stored. The accept path cannot be quicker than this; the gap between it
 * and the baseline is the stack's, the gap between it and the accept path the app's own work.
 */
const app = new Hono();
app.post("/", async (c) => {
  const body = (await c.req.json()) as { items?: unknown };
  return c.json({ ok: true, items: Array.isArray(body.items) ? body.items.length : 0 }, 201);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`listening ${JSON.stringify(info)}\n`);
});
