import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mailer } from "../../src/ports/mailer.js";
import { orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let mailBroken = true;

beforeAll(async () => {
  server = await startTestServer(
    { DELIVERY_MAX_ATTEMPTS: "3", DELIVERY_BACKOFF_MS: "5" },
    {
      mailer: (real): Mailer => ({
        send: async (message) => {
          if (mailBroken) throw new Error("SMTP server refused the connection");
          return real.send(message);
        },
      }),
    },
  );
});
afterAll(async () => {
  await server.close();
});

describe("dead letters", () => {
  it("a delivery that keeps failing is dead-lettered with its error, shown to the admin, and redriven once fixed", async () => {
    const admin = await server.tokenFor("admin");
    const placed = await server.api("/orders", { body: orderBody() });
    const track = `/orders/${placed.body.order.id}?token=${encodeURIComponent(placed.body.trackingToken)}`;
    await server.idle();

    const dead = await server.api("/admin/dead-letters", { token: admin });
    expect(dead.status).toBe(200);
    expect(dead.body.items).toHaveLength(1);
    expect(dead.body.items[0]).toMatchObject({
      subscription: "order-pipeline",
      attempts: 3,
      event: { type: "order_received", key: placed.body.order.id },
    });
    expect(dead.body.items[0].error).toContain("SMTP server refused the connection");
    const queues = await server.api("/admin/queues", { token: admin });
    expect(queues.body.queues).toContainEqual(
      expect.objectContaining({ subscription: "order-pipeline", deadLetters: 1 }),
    );
    // The order was paid and confirmed; only its receipt and maker e-mail are owed.
    const stuck = await server.api(track);
    expect(stuck.body.order.status).toBe("confirmed");
    expect(stuck.body.timeline.map((e: { type: string }) => e.type)).not.toContain("receipt_issued");

    // The receipt is not issued yet, but a confirmed order's receipt is rendered and streamed on demand.
    const live = await fetch(
      `${server.url}/orders/${placed.body.order.id}/receipt?token=${encodeURIComponent(placed.body.trackingToken)}`,
    );
    expect(live.status).toBe(200);
    expect(live.headers.get("transfer-encoding")).toBe("chunked");
    expect(
      Buffer.from(await live.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    mailBroken = false;
    const redrive = await server.api("/admin/dead-letters/redrive", { body: {}, token: admin });
    expect(redrive.body).toEqual({ redriven: 1 });
    await server.idle();

    const done = await server.api(track);
    const types = done.body.timeline.map((e: { type: string }) => e.type);
    expect(types.filter((type: string) => type === "receipt_issued")).toHaveLength(1);
    expect(types.filter((type: string) => type === "maker_notified")).toHaveLength(1);
    expect(types.filter((type: string) => type === "payment_charged")).toHaveLength(1);
    expect((await server.api("/admin/dead-letters", { token: admin })).body.items).toEqual([]);
  });
});
