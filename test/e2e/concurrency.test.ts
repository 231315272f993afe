import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("concurrency", () => {
  it("sells exactly the last 10 items to 50 parallel orders and never goes below zero", async () => {
    const admin = await server.tokenFor("admin");
    const stock = await server.api("/products/tarte-au-citron/stock", {
      method: "PUT",
      body: { stock: 10 },
      token: admin,
    });
    expect(stock.status).toBe(200);
    const chargesBefore = await server.runtime.payments.countCharges();

    const placed = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.api("/orders", {
          body: orderBody({
            items: [{ productId: "tarte-au-citron", quantity: 1 }],
            customer: { name: `Buyer ${i}`, email: `buyer${i}@example.com` },
          }),
        }),
      ),
    );
    expect(placed.every((response) => response.status === 201)).toBe(true);
    await server.idle();

    const orders = await Promise.all(
      placed.map(async ({ body }) => {
        const view = await server.api(`/orders/${body.order.id}?token=${encodeURIComponent(body.trackingToken)}`);
        return view.body.order;
      }),
    );
    const confirmed = orders.filter((order) => order.status === "confirmed");
    const failed = orders.filter((order) => order.status === "failed");
    expect(confirmed).toHaveLength(10);
    expect(failed).toHaveLength(40);
    expect(failed.every((order) => /sold out|left/.test(order.failureReason))).toBe(true);
    expect(failed.every((order) => order.failureCode === "OUT_OF_STOCK")).toBe(true);
    expect((await server.api("/products/tarte-au-citron")).body.stock).toBe(0);
    expect((await server.runtime.payments.countCharges()) - chargesBefore).toBe(10);
  });

  it("turns 50 parallel identical requests with one Idempotency-Key into one order and one charge", async () => {
    const chargesBefore = await server.runtime.payments.countCharges();
    const ordersBefore = (await server.api("/orders?limit=100", { token: await server.tokenFor("admin") })).body.items
      .length;
    const body = orderBody({ items: [{ productId: "carrot-cake", quantity: 1 }] });
    const headers = { "idempotency-key": "checkout-7f3a" };
    const responses = await Promise.all(Array.from({ length: 50 }, () => server.api("/orders", { body, headers })));

    // The order and its answer commit together under a not-exists condition on the key: nothing is ever
    // "in flight" (409), a duplicate that lost the race replays the winner's answer.
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(50);
    expect(new Set(created.map((r) => r.body.order.id)).size).toBe(1);
    // One request created the order; every other 201 is a replay of its answer.
    expect(created.filter((r) => r.headers.get("idempotent-replayed") !== "true")).toHaveLength(1);

    await server.idle();
    const replay = await server.api("/orders", { body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(created[0]!.body);
    expect(replay.headers.get("location")).toBe(`/orders/${replay.body.order.id}`);

    const orders = (await server.api("/orders?limit=100", { token: await server.tokenFor("admin") })).body.items;
    expect(orders.length - ordersBefore).toBe(1);
    expect((await server.runtime.payments.countCharges()) - chargesBefore).toBe(1);
  });

  it("refuses the same Idempotency-Key with another body (422) and stores nothing", async () => {
    const headers = { "idempotency-key": "checkout-reused" };
    const first = await server.api("/orders", { body: orderBody(), headers });
    expect(first.status).toBe(201);
    const other = await server.api("/orders", {
      body: orderBody({ items: [{ productId: "carrot-cake", quantity: 2 }] }),
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("takes the same body in another formatting or key order as the same request, and another query as another", async () => {
    const headers = { "idempotency-key": "checkout-reformatted" };
    const body = orderBody();
    const first = await server.api("/orders", { body, headers });
    expect(first.status).toBe(201);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await server.api("/orders", { rawBody: JSON.stringify(reordered, null, 2), headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.order.id).toBe(first.body.order.id);
    const { order, trackingToken } = first.body;
    await server.idle();
    const maker = await server.tokenFor("maker");
    expect((await server.api(`/orders/${order.id}/fulfilled`, { body: {}, token: maker })).status).toBe(200);
    await server.idle();
    const delivered = (token: string) =>
      server.api(`/orders/${order.id}/delivered?token=${token}`, {
        body: {},
        headers: { "idempotency-key": "delivered-once" },
      });
    // Another guest's token with the same key is another request: refused, never answered with the first's reply.
    const own = await delivered(trackingToken);
    expect(own.status).toBe(200);
    const other = await delivered("not-the-token");
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("lets a key be used again after a request that failed validation", async () => {
    const headers = { "idempotency-key": "checkout-after-typo" };
    const bad = await server.api("/orders", { body: orderBody({ items: [] }), headers });
    expect(bad.status).toBe(400);
    const good = await server.api("/orders", { body: orderBody(), headers });
    expect(good.status).toBe(201);
  });
});

describe("Idempotency-Key on routes that claim the key before their work", () => {
  const product = (name: string) => ({ name, price: { amount: 450, currency: "EUR" }, stock: 3 });

  it("replays the first answer, refuses the key with another body, and creates once", async () => {
    const admin = await server.tokenFor("admin");
    const headers = { "idempotency-key": "new-product-1" };
    const first = await server.api("/products", { body: product("Idempotent tart"), token: admin, headers });
    expect(first.status).toBe(201);
    const again = await server.api("/products", { body: product("Idempotent tart"), token: admin, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(first.headers.get("location")).toBe(`/products/${first.body.id}`);
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    const other = await server.api("/products", { body: product("Another tart"), token: admin, headers });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const names = (await server.api("/products?limit=100")).body.items.map((p: { name: string }) => p.name);
    expect(names.filter((name: string) => name === "Idempotent tart")).toHaveLength(1);
    expect(names).not.toContain("Another tart");
  });

  it("replays an answer without a body (204) as it was, without doing the work again", async () => {
    const seller = (
      await server.api("/auth/sign-in", { body: { email: "seller@orderflow.local", password: DEMO_PASSWORD } })
    ).body.token;
    const note = await server.api("/seller/notes", { body: { text: "Delete me once" }, token: seller });
    expect(note.status).toBe(201);
    const headers = { "idempotency-key": "delete-note-1" };
    const remove = () => server.api(`/seller/notes/${note.body.id}`, { method: "DELETE", token: seller, headers });
    const first = await remove();
    expect(first.status).toBe(204);
    const again = await remove();
    expect(again.status).toBe(204);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.response.text()).toBe("");
    // Without the key the note is gone: the replay did not run the delete again (it would answer 404).
    expect((await server.api(`/seller/notes/${note.body.id}`, { method: "DELETE", token: seller })).status).toBe(404);
  });

  it("refuses a guest on a route for signed-in users (401) before looking at the key", async () => {
    for (const key of ["valid-key", "bad key with spaces"]) {
      const response = await server.api("/products", {
        body: product("Guest tart"),
        headers: { "idempotency-key": key },
      });
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe("UNAUTHENTICATED");
    }
    const malformed = await server.api("/orders", { body: orderBody(), headers: { "idempotency-key": "bad key" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields).toEqual([{ path: "headers.idempotency-key", message: expect.any(String) }]);
  });
});
