import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    DELIVERY_EMAIL: "courier@bikes.example",
    CUSTOMER_SERVICE_EMAIL: "care@shop.example",
  });
});
afterAll(async () => {
  await server.close();
});

describe("partner channels without webhooks fall back to e-mail", () => {
  it("e-mails the delivery request to the courier and the feedback to customer service, once each", async () => {
    const placed = await server.api("/orders", { body: orderBody({ notes: "Ring twice" }) });
    const { id } = placed.body.order;
    const q = `?token=${placed.body.trackingToken}`;
    await server.idle();
    await server.api(`/orders/${id}/fulfilled`, { method: "POST", token: await server.tokenFor("maker") });
    await server.idle();
    await server.api(`/orders/${id}/delivered${q}`, { method: "POST" });
    await server.api(`/orders/${id}/feedback${q}`, { body: { rating: 3, comment: "A bit dry" } });
    await server.idle();

    const mails = await readMailbox(server.config.mailDir);
    const toCourier = mails.filter((mail) => addressesOf(mail).includes("courier@bikes.example"));
    expect(toCourier).toHaveLength(1);
    expect(toCourier[0]?.subject).toBe(`Delivery request for order ${id}`);
    expect(toCourier[0]?.text).toContain("12 Analytical Row");
    expect(toCourier[0]?.text).toContain("Ring twice");
    const toService = mails.filter((mail) => addressesOf(mail).includes("care@shop.example"));
    expect(toService).toHaveLength(1);
    expect(toService[0]?.subject).toBe(`Feedback on order ${id}: 3/5`);
    expect(toService[0]?.text).toContain("A bit dry");
    expect((await server.api(`/orders/${id}${q}`)).body.order.status).toBe("reviewed");
  });
});
