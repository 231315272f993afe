import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { readSse } from "../support/sse-client.js";
import { orderBody, startTestServer, type TestServer } from "../support/test-server.js";
import { startWebhookReceiver } from "../support/webhook-receiver.js";

const DELIVERY_SECRET = "delivery-secret-0123456789";
const SERVICE_SECRET = "service-secret-0123456789";

let server: TestServer;
let courier: Awaited<ReturnType<typeof startWebhookReceiver>>;
let service: Awaited<ReturnType<typeof startWebhookReceiver>>;
let maker: string;

beforeAll(async () => {
  courier = await startWebhookReceiver(DELIVERY_SECRET);
  service = await startWebhookReceiver(SERVICE_SECRET);
  server = await startTestServer({
    DELIVERY_WEBHOOK_URL: courier.url,
    DELIVERY_WEBHOOK_SECRET: DELIVERY_SECRET,
    CUSTOMER_SERVICE_WEBHOOK_URL: service.url,
    CUSTOMER_SERVICE_WEBHOOK_SECRET: SERVICE_SECRET,
    DELIVERY_MAX_ATTEMPTS: "8",
    DELIVERY_BACKOFF_MS: "20",
  });
  maker = await server.tokenFor("maker");
});
afterAll(async () => {
  await server.close();
  await courier.close();
  await service.close();
});

async function confirmedOrder(token?: string) {
  const placed = await server.api("/orders", { body: orderBody(), ...(token ? { token } : {}) });
  expect(placed.status).toBe(201);
  await server.idle();
  const id: string = placed.body.order.id;
  const q = `?token=${encodeURIComponent(placed.body.trackingToken)}`;
  return { id, q, tracking: placed.body.trackingToken as string };
}

async function timelineOf(id: string, q: string): Promise<string[]> {
  return (await server.api(`/orders/${id}${q}`)).body.timeline.map((e: { type: string }) => e.type);
}

const forDelivery = (id: string) => courier.received.filter((hook) => hook.body.data.orderId === id);

describe("the bakery lifecycle, end to end over HTTP", () => {
  it("carries an order from confirmed to reviewed, with signed webhooks, e-mail and a live timeline", async () => {
    const customer = await server.tokenFor("customer");
    const { id } = await confirmedOrder(customer);
    const live = readSse(
      `${server.url}/orders/${id}/events`,
      (events) => events.some((e) => e.event === "order_reviewed"),
      {
        headers: { authorization: `Bearer ${customer}` },
      },
    );

    const makerMail = (await readMailbox(server.config.mailDir)).find(
      (mail) => addressesOf(mail).includes("maker@orderflow.local") && mail.subject?.includes(id),
    );
    expect(makerMail?.text).toContain("1 × Chocolate Fudge Cake");
    expect(makerMail?.text).toContain("12 Analytical Row");
    expect(makerMail?.text).toMatch(/Due by: \d{4}-\d\d-\d\dT/);

    const fulfilled = await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: maker });
    expect(fulfilled.status).toBe(200);
    expect(fulfilled.body.status).toBe("fulfilled");
    await server.idle();

    const [hook, ...more] = forDelivery(id);
    expect(more).toEqual([]);
    expect(hook?.signatureValid).toBe(true);
    expect(hook?.headers["x-event-type"]).toBe("delivery_requested");
    expect(hook?.headers["x-event-id"]).toBe(hook?.body.id);
    expect(hook?.body.data).toMatchObject({
      orderId: id,
      recipient: "Ada Lovelace",
      items: [{ name: "Chocolate Fudge Cake", quantity: 1 }],
    });
    expect((await server.api(`/orders/${id}`, { token: customer })).body.order.status).toBe("out_for_delivery");

    expect((await server.api(`/orders/${id}/delivered`, { method: "POST", token: customer })).body.status).toBe(
      "delivered",
    );
    const reviewed = await server.api(`/orders/${id}/feedback`, {
      body: { rating: 5, comment: "The best fudge cake in town" },
      token: customer,
    });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({
      status: "reviewed",
      feedback: { rating: 5, comment: "The best fudge cake in town" },
    });
    await server.idle();

    const feedback = service.received.filter((h) => h.body.data.orderId === id);
    expect(feedback).toHaveLength(1);
    expect(feedback[0]?.signatureValid).toBe(true);
    expect(feedback[0]?.body).toMatchObject({
      type: "feedback_received",
      data: { rating: 5, comment: "The best fudge cake in town" },
    });

    const timeline = (await server.api(`/orders/${id}`, { token: customer })).body.timeline;
    const types = timeline.map((e: { type: string }) => e.type);
    expect(types.slice(0, 4)).toEqual(["order_received", "stock_reserved", "payment_charged", "order_placed"]);
    expect(types.slice(4, 6).sort()).toEqual(["maker_notified", "receipt_issued"]);
    expect(types.slice(6)).toEqual([
      "order_fulfilled",
      "delivery_requested",
      "order_out_for_delivery",
      "order_delivered",
      "order_reviewed",
    ]);
    const streamed = await live;
    expect(streamed.map((e) => e.event)).toEqual(types);
    expect(streamed.map((e) => Number(e.id))).toEqual(timeline.map((e: { seq: number }) => e.seq));
  });

  it("resumes a live timeline after Last-Event-ID without gaps or duplicates", async () => {
    const { id, q } = await confirmedOrder();
    const all = await server.api(`/orders/${id}${q}`);
    const third = all.body.timeline[2];
    const resumed = readSse(
      `${server.url}/orders/${id}/events${q}`,
      (events) => events.some((e) => e.event === "order_out_for_delivery"),
      {
        headers: { "last-event-id": String(third.seq) },
      },
    );
    await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: maker });
    const events = await resumed;
    const after = (await server.api(`/orders/${id}${q}`)).body.timeline.filter(
      (e: { seq: number }) => e.seq > third.seq,
    );
    expect(events.map((e) => e.data.id)).toEqual(after.map((e: { id: string }) => e.id));
    expect(events[0]?.data.seq).toBe(all.body.timeline[3].seq);
  });

  it("changes nothing and sends nothing twice when every event is delivered again", async () => {
    const { id, q } = await confirmedOrder();
    await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: maker });
    await server.idle();
    await server.api(`/orders/${id}/delivered${q}`, { method: "POST" });
    await server.api(`/orders/${id}/feedback${q}`, { body: { rating: 4 } });
    await server.idle();
    const before = {
      timeline: await timelineOf(id, q),
      courier: courier.received.length,
      service: service.received.length,
      mails: (await readMailbox(server.config.mailDir)).length,
    };

    // Forced redelivery: rewind the dispatcher so every event ever written goes to every subscriber again.
    server.runtime.db.prepare("UPDATE dispatcher_cursor SET seq = 0").run();
    server.runtime.dispatcher.wake();
    await server.idle();

    expect(await timelineOf(id, q)).toEqual(before.timeline);
    expect(courier.received.length).toBe(before.courier);
    expect(service.received.length).toBe(before.service);
    expect((await readMailbox(server.config.mailDir)).length).toBe(before.mails);
  });

  it("loses nothing while the courier's webhook is down: deliveries wait, retry and arrive once", async () => {
    const { id, q } = await confirmedOrder();
    courier.setStatus(503);
    const attemptsBefore = courier.attempts();
    await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: maker });
    while (courier.attempts() < attemptsBefore + 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(forDelivery(id)).toEqual([]);
    expect((await server.api(`/orders/${id}${q}`)).body.order.status).toBe("fulfilled");
    courier.setStatus(200);
    await server.idle();
    expect(forDelivery(id)).toHaveLength(1);
    expect((await server.api(`/orders/${id}${q}`)).body.order.status).toBe("out_for_delivery");
  });

  it("dead-letters a delivery the webhook keeps refusing, and redrive completes the flow", async () => {
    const admin = await server.tokenFor("admin");
    const { id, q } = await confirmedOrder();
    courier.setStatus(500);
    await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: maker });
    await server.idle();
    const dead = (await server.api("/admin/dead-letters?subscription=delivery", { token: admin })).body.items;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ attempts: 8, event: { type: "delivery_requested", key: id } });
    expect(dead[0].error).toContain("HTTP 500");

    courier.setStatus(200);
    expect(
      (
        await server.api("/admin/dead-letters/redrive", {
          body: { subscription: "delivery", eventId: dead[0].event.id },
          token: admin,
        })
      ).body,
    ).toEqual({
      redriven: 1,
    });
    await server.idle();
    expect(forDelivery(id)).toHaveLength(1);
    expect((await server.api(`/orders/${id}${q}`)).body.order.status).toBe("out_for_delivery");
  });
});

describe("invalid transitions and access", () => {
  it("refuses steps out of order with 409 and changes nothing", async () => {
    const declined = await server.api("/orders", { body: orderBody({ payment: { card: "4000000000000002" } }) });
    await server.idle();
    const failedId = declined.body.order.id;
    const failedQ = `?token=${declined.body.trackingToken}`;
    const failedTimeline = await timelineOf(failedId, failedQ);
    const fulfilFailed = await server.api(`/orders/${failedId}/fulfilled`, { method: "POST", token: maker });
    expect(fulfilFailed.status).toBe(409);
    expect(fulfilFailed.body.error.code).toBe("INVALID_ORDER_TRANSITION");
    expect(await timelineOf(failedId, failedQ)).toEqual(failedTimeline);

    const { id, q } = await confirmedOrder();
    const early = await server.api(`/orders/${id}/delivered${q}`, { method: "POST" });
    expect(early.status).toBe(409);
    const earlyFeedback = await server.api(`/orders/${id}/feedback${q}`, { body: { rating: 3 } });
    expect(earlyFeedback.status).toBe(409);
    expect((await server.api(`/orders/${id}${q}`)).body.order.status).toBe("confirmed");

    await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: maker });
    await server.idle();
    expect((await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: maker })).status).toBe(409);
    await server.api(`/orders/${id}/delivered${q}`, { method: "POST" });
    expect((await server.api(`/orders/${id}/feedback${q}`, { body: { rating: 2, comment: "ok" } })).status).toBe(200);
    const twice = await server.api(`/orders/${id}/feedback${q}`, { body: { rating: 5 } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("FEEDBACK_ALREADY_GIVEN");
    expect((await server.api(`/orders/${id}${q}`)).body.order.feedback.rating).toBe(2);
  });

  it("validates feedback", async () => {
    const { id, q } = await confirmedOrder();
    for (const body of [
      { rating: 0 },
      { rating: 6 },
      { rating: 4.5 },
      { rating: 5, comment: "x".repeat(2001) },
      { rating: 5, extra: 1 },
    ]) {
      const response = await server.api(`/orders/${id}/feedback${q}`, { body });
      expect(response.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(response.body.error.code).toBe("VALIDATION_FAILED");
    }
  });

  it("lets only makers fulfil and only the customer, a courier or an admin mark delivered", async () => {
    const customer = await server.tokenFor("customer");
    const { id, q } = await confirmedOrder();
    expect((await server.api(`/orders/${id}/fulfilled${q}`, { method: "POST" })).status).toBe(401);
    expect((await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: customer })).status).toBe(404);
    expect((await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: maker })).status).toBe(200);
    expect((await server.api(`/orders/${id}/delivered`, { method: "POST", token: maker })).status).toBe(403);
    expect((await server.api(`/orders/${id}/delivered`, { method: "POST", token: customer })).status).toBe(404);
    expect((await server.api(`/orders/${id}/delivered`, { method: "POST" })).status).toBe(404);
    expect(
      (await server.api(`/orders/${id}/feedback`, { body: { rating: 5 }, token: await server.tokenFor("courier") }))
        .status,
    ).toBe(403);
    const courierToken = await server.tokenFor("courier");
    expect((await server.api(`/orders/${id}/delivered`, { method: "POST", token: courierToken })).status).toBe(200);
    expect((await server.api(`/orders/${id}/feedback`, { body: { rating: 5 }, token: courierToken })).status).toBe(403);
    await server.idle();
  });
});

describe("the original bakery routes", () => {
  it("place, fulfil and deliver with feedback using the original bodies", async () => {
    const placed = await server.api("/order", {
      body: { name: "Grace Hopper", address: "1 Compiler Street, Arlington", productId: 3, quantity: 2 },
    });
    expect(placed.status).toBe(201);
    const { orderId, trackingToken } = placed.body;
    expect(placed.body.order.lines[0]).toMatchObject({ productId: "red-velvet-cake", quantity: 2 });
    await server.idle();
    expect((await server.api("/order/fulfilled", { body: { orderId } })).status).toBe(401);
    const fulfilled = await server.api("/order/fulfilled", { body: { orderId }, token: maker });
    expect(fulfilled.body.status).toBe("fulfilled");
    await server.idle();
    expect((await server.api("/order/delivered", { body: { orderId } })).status).toBe(404);
    expect(
      (await server.api("/order/delivered", { body: { orderId, trackingToken, feedback: "Lovely" } })).status,
    ).toBe(400);
    const twoRatings = await server.api("/order/delivered", {
      body: { orderId, trackingToken, feedback: { rating: 2 }, rating: 5 },
    });
    expect(twoRatings.status).toBe(400);
    expect(twoRatings.body.error.fields.map((f: { path: string }) => f.path)).toEqual(["rating"]);
    // Only the customer leaves feedback: a courier delivering with some is refused before anything is written.
    const statusOf = async () => (await server.api(`/orders/${orderId}?token=${trackingToken}`)).body.order.status;
    const before = await statusOf();
    const courierReview = await server.api("/order/delivered", {
      body: { orderId, feedback: "Delivered it myself", rating: 5 },
      token: await server.tokenFor("courier"),
    });
    expect(courierReview.status).toBe(403);
    expect(await statusOf()).toBe(before);
    expect(before).not.toBe("delivered");
    const delivered = await server.api("/order/delivered", {
      body: { orderId, trackingToken, feedback: "Lovely, thank you", rating: 5 },
    });
    expect(delivered.status).toBe(200);
    expect(delivered.body).toMatchObject({ status: "reviewed", feedback: { rating: 5, comment: "Lovely, thank you" } });
    await server.idle();
    expect(service.received.filter((h) => h.body.data.orderId === orderId)).toHaveLength(1);
    const bad = await server.api("/order", { body: { name: "X", address: "Y", productId: 1, quantity: 0, price: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["price", "quantity"]);
    const unknown = await server.api("/order", { body: { name: "X", address: "Y", productId: 999, quantity: 1 } });
    expect(unknown.body.error).toMatchObject({ code: "UNKNOWN_PRODUCT", fields: [{ path: "productId" }] });
  });
});
