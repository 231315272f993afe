import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/adapters/local/json-logger.js";
import { LocalWorkflowRunner } from "../../src/adapters/local/local-workflow-runner.js";
import { TestPaymentGateway } from "../../src/adapters/local/test-payment-gateway.js";
import { loadAuction } from "../../src/application/auctions/auction-items.js";
import { makeLapseUnpaidAuction } from "../../src/application/auctions/checkout-deadline.js";
import { AUCTION_CHECKOUT, checkoutSagaTasks } from "../../src/application/auctions/checkout-saga.js";
import { makeCloseAuction } from "../../src/application/auctions/close-auction.js";
import { makePlaceBid } from "../../src/application/auctions/place-bid.js";
import { checkoutPaymentKey, makeRequestCheckout } from "../../src/application/auctions/request-checkout.js";
import type { PaymentGateway } from "../../src/ports/payment-gateway.js";
import { WORKFLOWS_DIR } from "../../src/runtime/local/compose.js";
import { openAuction } from "../support/auction-fixture.js";

const address = { line1: "1 Winner Way", city: "Delft", postalCode: "2611 AA", country: "NL" };

/** Wraps the gateway the saga's steps get; `lapse` moves the clock past the payment deadline and lapses the auction. */
type PaymentsFault = (gateway: TestPaymentGateway, lapse: () => Promise<unknown>) => PaymentGateway;

async function wonAuction(failingStep?: string, card = "4242424242424242", paymentsFault?: PaymentsFault) {
  const { deps, store, auction, advance } = await openAuction();
  const payments = new TestPaymentGateway({ ...deps });
  await makePlaceBid(deps)(auction.id, 7500, { userId: "winner", roles: ["customer"] });
  advance(3_700_000);
  await makeCloseAuction(deps)(auction.id);
  await makeRequestCheckout(deps)(
    auction.id,
    { deliveryAddress: address, payment: { card } },
    { userId: "winner", email: "w@example.com", roles: ["customer"] },
  );
  const lapse = () => {
    advance(49 * 3600 * 1000);
    return makeLapseUnpaidAuction(deps)(auction.id);
  };
  const tasks = checkoutSagaTasks({ ...deps, payments: paymentsFault?.(payments, lapse) ?? payments });
  /** The steps as they work, before `failingStep` was made to fail. */
  const working = { ...tasks };
  if (failingStep) {
    tasks[failingStep] = async () => {
      throw Object.assign(new Error(`${failingStep} broke`), { name: "InfrastructureError" });
    };
  }
  const runner = new LocalWorkflowRunner({
    directory: WORKFLOWS_DIR,
    // Looked up on each call, so a test may swap a step between runs.
    handlers: {
      [AUCTION_CHECKOUT]: Object.fromEntries(
        Object.keys(tasks).map((name) => [name, (input: never) => tasks[name]!(input)]),
      ),
    },
    logger: createJsonLogger({ level: "silent" }),
    retryIntervalMs: 1,
  });
  // Started as the checkout consumer starts it: for the checkout its request event names.
  const checkoutId = (await loadAuction(store, auction.id)).checkout!.id;
  const run = () => runner.run(AUCTION_CHECKOUT, { auctionId: auction.id, checkoutId }, checkoutId);
  const orders = async () => (await store.query({ partition: "ORDERS", index: "gsi2" })).items;
  return { run, store, payments, auctionId: auction.id, orders, advance, lapse, tasks, working, deps };
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

  it.each([
    ["after RefundWinner", "RefundWinner"],
    ["after ReleaseCheckout", "ReleaseCheckout"],
    ["before FailCheckout's write", "FailCheckout"],
  ])(
    "an undoing interrupted %s is finished by the next run: a refunded checkout is never paid",
    async (_, interrupted) => {
      const { run, store, payments, auctionId, orders, tasks, working } = await wonAuction("CreateOrder");
      const step = tasks[interrupted]!;
      tasks[interrupted] = async (input) => {
        if (interrupted !== "FailCheckout") await step(input);
        throw Object.assign(new Error("the process died"), { name: "InfrastructureError" });
      };
      expect((await run()).status).toBe("failed");
      expect((await loadAuction(store, auctionId)).checkout?.undoing?.error?.Error).toBe("InfrastructureError");

      // The redelivered checkout request runs the saga again, every step working (even CreateOrder).
      Object.assign(tasks, working);
      expect((await run()).status).toBe("succeeded");
      const checkout = (await loadAuction(store, auctionId)).checkout;
      expect(checkout).toMatchObject({ state: "failed", failureCode: "PROCESSING_ERROR" });
      expect(checkout?.failureReason).toMatch(/Your payment has been refunded\.$/);
      expect(await orders()).toEqual([]);
      expect(await payments.countCharges()).toBe(1);
      expect(await payments.countRefunds()).toBe(1);
    },
  );

  it("when CreateOrder pays the checkout while RefundWinner is about to begin undoing, nothing is refunded", async () => {
    const { store, payments, auctionId, orders, tasks, working, deps } = await wonAuction();
    await tasks.ReserveCheckout!({ auctionId } as never);
    await tasks.ChargeWinner!({ auctionId } as never);
    // Another run creates the order between RefundWinner's read of the auction and its mark.
    const racing = Object.assign(Object.create(store), {
      transact: async (...args: Parameters<typeof store.transact>) => {
        await working.CreateOrder!({ auctionId } as never);
        return store.transact(...args);
      },
    }) as typeof store;
    const refund = checkoutSagaTasks({ ...deps, store: racing, payments }).RefundWinner!;
    await expect(refund({ auctionId, error: { Error: "InfrastructureError" } } as never)).rejects.toMatchObject({
      name: "CheckoutPaidError",
    });
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({ state: "paid" });
    expect((await loadAuction(store, auctionId)).checkout?.undoing).toBeUndefined();
    expect(await orders()).toHaveLength(1);
    expect(await payments.countRefunds()).toBe(0);
  });

  it("two runs of one checkout (a redelivered request) both go through: one charge, one order, nothing undone", async () => {
    let releaseFirst: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let calls = 0;
    const { run, store, payments, auctionId, orders, tasks } = await wonAuction(undefined, undefined, (gateway) => ({
      charge: async (request) => {
        // The first run waits at the provider while the second one charges and records the charge.
        if (++calls === 1) await held;
        return gateway.charge(request);
      },
      findCharge: (key) => gateway.findCharge(key),
      refund: (chargeId, key) => gateway.refund(chargeId, key),
    }));
    const first = run();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await tasks.ReserveCheckout!({ auctionId } as never);
    await tasks.ChargeWinner!({ auctionId } as never);
    releaseFirst();
    expect((await first).status).toBe("succeeded");
    expect((await run()).status).toBe("succeeded");
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({ state: "paid" });
    expect((await loadAuction(store, auctionId)).checkout?.undoing).toBeUndefined();
    expect(await orders()).toHaveLength(1);
    expect(await payments.countCharges()).toBe(1);
    expect(await payments.countRefunds()).toBe(0);
  });

  it("two runs reserving one checkout at once both go on (a lost version race to a twin is not a failure)", async () => {
    const { store, auctionId, tasks, deps, payments } = await wonAuction();
    // The other run reserves between this run's read of the auction and its write.
    const racing = Object.assign(Object.create(store), {
      transact: async (...args: Parameters<typeof store.transact>) => {
        await tasks.ReserveCheckout!({ auctionId } as never);
        return store.transact(...args);
      },
    }) as typeof store;
    const reserve = checkoutSagaTasks({ ...deps, store: racing, payments }).ReserveCheckout!;
    await expect(reserve({ auctionId } as never)).resolves.toEqual({ auctionId });
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({ state: "reserved" });
  });

  it("undoing a failed checkout leaves the card of the winner's new attempt, also one made during the undoing", async () => {
    const { run, store, auctionId, tasks, deps } = await wonAuction(undefined, "4000000000000002"); // declined
    expect((await run()).status).toBe("succeeded");
    expect((await loadAuction(store, auctionId)).checkout?.state).toBe("failed");
    const payment = () => store.get({ pk: `AUCTION#${auctionId}`, sk: "CHECKOUT_PAYMENT" });
    expect(await payment()).toBeUndefined();
    const tryAgain = () =>
      makeRequestCheckout(deps)(
        auctionId,
        { deliveryAddress: address, payment: { card: "4242424242424242" } },
        { userId: "winner", email: "w@example.com", roles: ["customer"] },
      );

    // a redelivered run of the failed checkout, reaching ReleaseCheckout after the winner tried again
    const again = await tryAgain();
    await tasks.ReleaseCheckout!({ auctionId } as never);
    expect(await payment()).toMatchObject({ checkoutId: again.id });

    // and one that read the failed checkout just before the new attempt replaced it
    const failed = await wonAuction(undefined, "4000000000000002");
    expect((await failed.run()).status).toBe("succeeded");
    let newAttempt: { id: string } | undefined;
    const racing = Object.assign(Object.create(failed.store), {
      delete: async (...args: Parameters<typeof failed.store.delete>) => {
        newAttempt = await makeRequestCheckout(failed.deps)(
          failed.auctionId,
          { deliveryAddress: address, payment: { card: "4242424242424242" } },
          { userId: "winner", email: "w@example.com", roles: ["customer"] },
        );
        return failed.store.delete(...args);
      },
    }) as typeof failed.store;
    await checkoutSagaTasks({ ...failed.deps, store: racing, payments: failed.payments }).ReleaseCheckout!({
      auctionId: failed.auctionId,
    } as never);
    expect(await failed.store.get({ pk: `AUCTION#${failed.auctionId}`, sk: "CHECKOUT_PAYMENT" })).toMatchObject({
      checkoutId: newAttempt?.id,
    });
  });

  it("when undoing begins while the winner is being charged, the charge is not recorded and is refunded", async () => {
    let undoMeanwhile: (() => Promise<unknown>) | undefined;
    const { run, store, payments, auctionId, orders, tasks } = await wonAuction(undefined, undefined, (gateway) => ({
      charge: async (request) => {
        const charge = await gateway.charge(request);
        await undoMeanwhile?.(); // a redelivered run, failing, starts undoing the checkout now
        return charge;
      },
      findCharge: (key) => gateway.findCharge(key),
      refund: (chargeId, key) => gateway.refund(chargeId, key),
    }));
    undoMeanwhile = async () => {
      undoMeanwhile = undefined;
      await tasks.RefundWinner!({ auctionId, error: { Error: "InfrastructureError" } } as never);
    };
    expect((await run()).status).toBe("succeeded");
    const checkout = (await loadAuction(store, auctionId)).checkout;
    expect(checkout).toMatchObject({ state: "failed", refundId: expect.any(String) });
    expect(await orders()).toEqual([]);
    expect(await payments.countCharges()).toBe(1);
    expect(await payments.countRefunds()).toBe(1);
  });

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

  it("a reserved checkout whose win lapses before the charge is not charged", async () => {
    const { store, payments, auctionId, tasks, lapse } = await wonAuction();
    const input = { auctionId, checkoutId: (await loadAuction(store, auctionId)).checkout!.id } as never;
    await tasks.ReserveCheckout!(input);
    await lapse();
    await expect(tasks.ChargeWinner!(input)).rejects.toMatchObject({ code: "CHECKOUT_EXPIRED" });
    expect(await payments.countCharges()).toBe(0);
  });

  it("a failed attempt's charge that lands after the winner tried again is refunded; the new attempt pays once", async () => {
    let releaseFirstCharge = () => {};
    const firstChargeHeld = new Promise<void>((resolve) => {
      releaseFirstCharge = resolve;
    });
    let charges = 0;
    const { store, payments, auctionId, tasks, deps, orders } = await wonAuction(undefined, undefined, (gateway) => ({
      // The first attempt's charge is slow at the provider: its step times out, the call goes on.
      charge: async (request) => {
        if (++charges === 1) await firstChargeHeld;
        return gateway.charge(request);
      },
      findCharge: (key) => gateway.findCharge(key),
      refund: (chargeId, key) => gateway.refund(chargeId, key),
    }));
    const first = { auctionId, checkoutId: (await loadAuction(store, auctionId)).checkout!.id };
    await tasks.ReserveCheckout!(first as never);
    const slowCharge = tasks.ChargeWinner!(first as never).then(
      () => "charged",
      (error: { code?: string; name?: string }) => error.code ?? error.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    // ChargeWinner timed out: the run undoes the attempt, finding no charge yet, and fails it.
    const timedOut = { ...first, error: { Error: "States.Timeout", Cause: "" } } as never;
    for (const step of ["RefundWinner", "ReleaseCheckout", "FailCheckout"]) await tasks[step]!(timedOut);
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({ id: first.checkoutId, state: "failed" });

    // The winner tries again with another card; then the first attempt's charge lands.
    await makeRequestCheckout(deps)(
      auctionId,
      { deliveryAddress: address, payment: { card: "5555555555554444" } },
      { userId: "winner", email: "w@example.com", roles: ["customer"] },
    );
    const second = { auctionId, checkoutId: (await loadAuction(store, auctionId)).checkout!.id };
    expect(second.checkoutId).not.toBe(first.checkoutId);
    releaseFirstCharge();
    expect(await slowCharge).not.toBe("charged");
    // Its run goes on to compensation (ChargeWinner's Catch), which touches only its own attempt.
    for (const step of ["RefundWinner", "ReleaseCheckout", "FailCheckout"]) await tasks[step]!(timedOut);
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({ id: second.checkoutId, state: "requested" });

    for (const step of ["ReserveCheckout", "ChargeWinner", "CreateOrder"]) await tasks[step]!(second as never);
    expect((await loadAuction(store, auctionId)).checkout).toMatchObject({ id: second.checkoutId, state: "paid" });
    expect(await orders()).toHaveLength(1);
    expect(await payments.countCharges()).toBe(2);
    expect(await payments.countRefunds()).toBe(1);
  });

  it("a redelivered run of a failed attempt never marks the winner's new attempt, even one landing as it reads", async () => {
    const { store, payments, auctionId, tasks, deps } = await wonAuction(undefined, "4000000000000002");
    const first = { auctionId, checkoutId: (await loadAuction(store, auctionId)).checkout!.id };
    await tasks.ReserveCheckout!(first as never);
    await expect(tasks.ChargeWinner!(first as never)).rejects.toThrow();
    const declined = { ...first, error: { Error: "PaymentDeclinedError" } } as never;
    for (const step of ["RefundWinner", "ReleaseCheckout", "FailCheckout"]) await tasks[step]!(declined);

    // The redelivered run reaches RefundWinner; the winner's new attempt lands between its reads of the auction.
    let reads = 0;
    const newAttempt = () =>
      makeRequestCheckout(deps)(
        auctionId,
        { deliveryAddress: address, payment: { card: "4242424242424242" } },
        { userId: "winner", email: "w@example.com", roles: ["customer"] },
      );
    const racing = Object.assign(Object.create(store), {
      get: async (...args: Parameters<typeof store.get>) => {
        if (args[0].pk.startsWith("AUCTION#") && ++reads === 2) await newAttempt();
        return store.get(...args);
      },
    }) as typeof store;
    const stale = checkoutSagaTasks({ ...deps, store: racing, payments });
    for (const step of ["RefundWinner", "ReleaseCheckout", "FailCheckout"]) {
      await stale[step]!({ ...first, error: { Error: "States.Timeout" } } as never);
    }
    if (reads < 2) await newAttempt();
    const checkout = (await loadAuction(store, auctionId)).checkout!;
    expect(checkout.id).not.toBe(first.checkoutId);
    expect(checkout).toMatchObject({ state: "requested" });
    expect(checkout.undoing).toBeUndefined();
    expect(await store.get(checkoutPaymentKey(auctionId))).toMatchObject({ checkoutId: checkout.id });
  });
});
