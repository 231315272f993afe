import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/adapters/local/json-logger.js";
import { LocalWorkflowRunner } from "../../src/adapters/local/local-workflow-runner.js";
import { openSqliteDatabase } from "../../src/adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../src/adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../src/adapters/local/system-clock.js";
import { TestPaymentGateway } from "../../src/adapters/local/test-payment-gateway.js";
import { loadAuction } from "../../src/application/auctions/auction-items.js";
import { makeLapseUnpaidAuction } from "../../src/application/auctions/checkout-deadline.js";
import { AUCTION_CHECKOUT, checkoutSagaTasks } from "../../src/application/auctions/checkout-saga.js";
import { makeCloseAuction } from "../../src/application/auctions/close-auction.js";
import { makeCreateAuction } from "../../src/application/auctions/create-auction.js";
import { makePlaceBid } from "../../src/application/auctions/place-bid.js";
import { makeRequestCheckout } from "../../src/application/auctions/request-checkout.js";
import type { PaymentGateway } from "../../src/ports/payment-gateway.js";
import { WORKFLOWS_DIR } from "../../src/runtime/local/compose.js";

const START = Date.parse("2026-07-01T10:00:00Z");
const address = { line1: "1 Winner Way", city: "Delft", postalCode: "2611 AA", country: "NL" };

/** Wraps the gateway the saga's steps get; `lapse` moves the clock past the payment deadline and lapses the auction. */
type PaymentsFault = (gateway: TestPaymentGateway, lapse: () => Promise<unknown>) => PaymentGateway;

async function wonAuction(failingStep?: string, card = "4242424242424242", paymentsFault?: PaymentsFault) {
  let now = START;
  const clock = { now: () => new Date(now) };
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  const deps = { store, ids: createUlidGenerator(clock), clock };
  const payments = new TestPaymentGateway({ ...deps });
  const auction = await makeCreateAuction(deps)(
    {
      title: "Opera cake",
      description: "",
      currency: "EUR",
      startingPrice: 5000,
      startsAt: new Date(START).toISOString(),
      endsAt: new Date(START + 3_600_000).toISOString(),
    },
    { userId: "seller", roles: ["seller"] },
  );
  await makePlaceBid(deps)(auction.id, 7500, { userId: "winner", roles: ["customer"] });
  now += 3_700_000;
  await makeCloseAuction(deps)(auction.id);
  await makeRequestCheckout(deps)(
    auction.id,
    { deliveryAddress: address, payment: { card } },
    { userId: "winner", email: "w@example.com", roles: ["customer"] },
  );
  const advance = (ms: number) => {
    now += ms;
  };
  const lapse = () => {
    advance(49 * 3600 * 1000);
    return makeLapseUnpaidAuction(deps)(auction.id);
  };
  const tasks = checkoutSagaTasks({ ...deps, payments: paymentsFault?.(payments, lapse) ?? payments });
  if (failingStep) {
    tasks[failingStep] = async () => {
      throw Object.assign(new Error(`${failingStep} broke`), { name: "InfrastructureError" });
    };
  }
  const runner = new LocalWorkflowRunner({
    directory: WORKFLOWS_DIR,
    handlers: { [AUCTION_CHECKOUT]: tasks },
    logger: createJsonLogger({ level: "silent" }),
    retryIntervalMs: 1,
  });
  const run = () => runner.run(AUCTION_CHECKOUT, { auctionId: auction.id }, "chk");
  const orders = async () => (await store.query({ partition: "ORDERS", index: "gsi2" })).items;
  return { run, store, payments, auctionId: auction.id, orders, advance, lapse };
}

describe("auction checkout saga", () => {
  it("reserves, charges the winning amount and creates a confirmed order, once however often it runs", async () => {
    const { run, store, payments, auctionId, orders } = await wonAuction();
    expect((await run()).status).toBe("succeeded");
    await run();
    const auction = await loadAuction(store, auctionId);
    expect(auction.checkout).toMatchObject({ state: "paid" });
    const [order, ...more] = await orders();
    expect(more).toEqual([]);
    expect(order).toMatchObject({
      status: "confirmed",
      total: { amount: 7500, currency: "EUR" },
      customer: { userId: "winner" },
    });
    expect(order?.id).toBe(auction.checkout?.orderId);
    expect(await payments.countCharges()).toBe(1);
    expect((await store.listByKey(String(order?.id))).map((e) => e.type)).toEqual([
      "order_received",
      "payment_charged",
      "order_placed",
    ]);
  });

  it.each([
    ["ReserveCheckout", 0, 0],
    ["ChargeWinner", 0, 0],
    ["CreateOrder", 1, 1],
  ])(
    "when %s fails, everything before it is undone and the checkout fails with a reason",
    async (step, charges, refunds) => {
      const { run, store, payments, auctionId, orders } = await wonAuction(step);
      expect((await run()).status).toBe("succeeded");
      const auction = await loadAuction(store, auctionId);
      expect(auction.checkout?.state).toBe("failed");
      expect(auction.checkout?.failureReason).toMatch(/problem on our side/);
      expect(auction.checkout?.failureCode).toBe("PROCESSING_ERROR");
      expect(await orders()).toEqual([]);
      expect(await payments.countCharges()).toBe(charges);
      expect(await payments.countRefunds()).toBe(refunds);
      expect(await store.get({ pk: `AUCTION#${auctionId}`, sk: "CHECKOUT_PAYMENT" })).toBeUndefined();
    },
  );

  it("when the payment deadline lapses the auction while the charge is in flight, the charge is refunded", async () => {
    const { run, store, payments, auctionId } = await wonAuction(undefined, undefined, (gateway, lapse) => ({
      charge: async (request) => {
        const charge = await gateway.charge(request);
        await lapse();
        return charge;
      },
      findCharge: (key) => gateway.findCharge(key),
      refund: (chargeId, key) => gateway.refund(chargeId, key),
    }));
    expect((await run()).status).toBe("succeeded");
    const auction = await loadAuction(store, auctionId);
    expect(auction.status).toBe("unsold");
    expect(auction.checkout).toMatchObject({ state: "failed", refundId: expect.any(String) });
    expect(auction.checkout?.failureReason).toMatch(/Your payment has been refunded\.$/);
    expect(auction.checkout?.failureCode).toBe("PROCESSING_ERROR"); // the auction changed under the charge
    expect(await payments.countCharges()).toBe(1);
    expect(await payments.countRefunds()).toBe(1);
  });

  it("a declined card fails the checkout with the card's reason and charges nothing", async () => {
    const { run, store, payments, auctionId } = await wonAuction(undefined, "4000000000000002");
    await run();
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({
      state: "failed",
      failureReason: "Your card was declined",
      failureCode: "PAYMENT_DECLINED",
    });
    const failed = (await store.listByKey(auctionId)).find((event) => event.type === "auction_checkout_failed");
    expect(failed?.data).toMatchObject({ reason: "Your card was declined", failureCode: "PAYMENT_DECLINED" });
    expect(await payments.countCharges()).toBe(0);
  });

  it("a checkout that reaches its deadline before it runs is refused and nothing is charged", async () => {
    const { run, store, payments, auctionId, advance } = await wonAuction();
    advance(49 * 3600 * 1000);
    await run();
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({
      state: "failed",
      failureReason: "The time to pay for this auction has passed",
      failureCode: "CHECKOUT_EXPIRED",
    });
    expect(await payments.countCharges()).toBe(0);
  });

  it("a checkout of an auction that lapsed before it runs is refused and nothing is charged", async () => {
    const { run, store, payments, auctionId, lapse } = await wonAuction();
    await lapse();
    await run();
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({
      state: "failed",
      failureReason: "Only the winner of a sold auction can check out",
      failureCode: "NOT_THE_WINNER",
    });
    expect(await payments.countCharges()).toBe(0);
  });
});
