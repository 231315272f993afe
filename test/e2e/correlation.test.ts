import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** The correlation ids the events recorded for `key` carry, by event type. */
function correlationsOf(key: string): Record<string, string | null> {
  const rows = server.runtime.db
    .prepare("SELECT type, correlation_id FROM outbox WHERE key = ? ORDER BY seq")
    .all(key) as Array<{ type: string; correlation_id: string | null }>;
  return Object.fromEntries(rows.map((row) => [row.type, row.correlation_id]));
}

describe("X-Correlation-Id", () => {
  it("is answered back and carried by the events the request records", async () => {
    const placed = await server.api("/orders", { body: orderBody(), headers: { "x-correlation-id": "corr-order" } });
    expect(placed.headers.get("x-correlation-id")).toBe("corr-order");
    expect(correlationsOf(placed.body.order.id).order_received).toBe("corr-order");

    const seller = (
      await server.api("/auth/sign-in", { body: { email: "seller@orderflow.local", password: DEMO_PASSWORD } })
    ).body.token;
    const start = Date.now();
    const auction = await server.api("/auctions", {
      body: {
        title: "Correlated cake",
        description: "",
        startingPrice: 1000,
        startsAt: new Date(start - 1000).toISOString(),
        endsAt: new Date(start + 3_600_000).toISOString(),
      },
      token: seller,
      headers: { "x-correlation-id": "corr-auction" },
    });
    expect(auction.status).toBe(201);
    const bid = await server.api(`/auctions/${auction.body.id}/bids`, {
      body: { amount: 1000 },
      token: await server.tokenFor("customer"),
      headers: { "x-correlation-id": "corr-bid" },
    });
    expect(bid.status).toBe(201);
    expect(correlationsOf(auction.body.id)).toMatchObject({
      auction_created: "corr-auction",
      bid_placed: "corr-bid",
    });
  });
});
