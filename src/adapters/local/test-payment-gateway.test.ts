import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { paymentGatewayContract } from "../../../test/contract/payment-gateway.contract.js";
import type { ChargeRequest } from "../../ports/payment-gateway.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { SqliteItemStore } from "./sqlite-item-store.js";
import { createUlidGenerator, systemClock } from "./system-clock.js";
import {
  describeCard,
  isValidCardSource,
  last4,
  TEST_CARDS,
  TestPaymentGateway,
  type TestPaymentGatewayOptions,
} from "./test-payment-gateway.js";

function setup(options: Partial<TestPaymentGatewayOptions> = {}) {
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  const gateway = new TestPaymentGateway({ store, ids: createUlidGenerator(), clock: systemClock, ...options });
  return { store, gateway };
}

const gateway = (options: Partial<TestPaymentGatewayOptions> = {}) => setup(options).gateway;

paymentGatewayContract("local test gateway", async () => {
  const g = gateway();
  return { gateway: g, charges: () => g.countCharges(), refunds: () => g.countRefunds() };
});

paymentGatewayContract(
  "local test gateway, spaced numbers and tokens",
  async () => {
    const g = gateway();
    return { gateway: g, charges: () => g.countCharges(), refunds: () => g.countRefunds() };
  },
  { success: "4242 4242 4242 4242", declined: "tok_chargeDeclined" },
);

const request = (source: string, idempotencyKey = "k", amount = 1000): ChargeRequest => ({
  idempotencyKey,
  amount: { amount, currency: "EUR" },
  source,
  description: "test",
});

describe("TestPaymentGateway test cards", () => {
  it.each([
    ["4000000000000002", "CARD_DECLINED"],
    ["tok_chargeDeclined", "CARD_DECLINED"],
    ["4000000000009995", "INSUFFICIENT_FUNDS"],
    ["4000000000000069", "EXPIRED_CARD"],
    ["4242424242424241", "INVALID_CARD_NUMBER"],
    ["tok_unknown", "INVALID_CARD_NUMBER"],
  ])("%s is declined with %s and charges nothing", async (card, code) => {
    const g = gateway();
    await expect(g.charge(request(card))).rejects.toMatchObject({ name: "PaymentDeclinedError", code });
    expect(await g.countCharges()).toBe(0);
  });

  it.each(["4242424242424242", "tok_visa", "5555 5555 5555 4444", "378282246310005"])("%s succeeds", async (card) => {
    const charge = await gateway().charge(request(card));
    expect(charge).toMatchObject({ chargeId: expect.stringMatching(/^ch_/), last4: last4(card) });
  });

  it("fails transiently, never charging, on the processing-error card", async () => {
    const g = gateway();
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(g.charge(request("4000000000000119"))).rejects.toMatchObject({ name: "PaymentUnavailableError" });
    }
    expect(await g.countCharges()).toBe(0);
  });

  it("keeps the caller waiting for timeoutMs on the timeout card, then fails transiently", async () => {
    const g = gateway({ timeoutMs: 30 });
    let settled = false;
    const charging = g.charge(request("4000 0000 0000 5126")).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(settled).toBe(false);
    await expect(charging).rejects.toMatchObject({ name: "PaymentUnavailableError", code: "PAYMENT_UNAVAILABLE" });
    expect(await g.countCharges()).toBe(0);
  });

  it("behaves as its table says for every listed card", () => {
    for (const [card, behaviour] of Object.entries(TEST_CARDS)) {
      expect(isValidCardSource(card)).toBe(true);
      expect(describeCard(card)).toEqual(behaviour);
      expect(behaviour.message).not.toBe("");
    }
  });

  it("tells well-formed card input from anything else", () => {
    for (const good of ["4242424242424242", "4242 4242 4242 4242", "424242424242", "tok_visa", "4242424242424241"]) {
      expect(isValidCardSource(good)).toBe(true);
    }
    for (const bad of ["", "4242", "4".repeat(20), "4242-4242-4242-4242", "tok_", "tok_a b", "tok_\u00e9", "card"]) {
      expect(isValidCardSource(bad)).toBe(false);
    }
    expect(last4("4242 4242 4242 4242")).toBe("4242");
    expect(last4("tok_visa")).toBe("tok");
  });
});

describe("TestPaymentGateway idempotency and chaos", () => {
  it("with failureRate 1 always fails transiently: half before recording anything, half after charging", async () => {
    const draws = [0.1, 0.7, 0.2, 0.9];
    const { gateway: g, store } = setup({ failureRate: 1, random: () => draws.shift() ?? 0 });
    for (let i = 0; i < 4; i++) {
      await expect(g.charge(request("4242424242424242", `k${i}`))).rejects.toMatchObject({
        name: "PaymentUnavailableError",
      });
    }
    const charged = async (key: string) => (await store.query({ partition: `PAYMENT#${key}` })).items.length > 0;
    expect([await charged("k0"), await charged("k1"), await charged("k2"), await charged("k3")]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect(await g.countCharges()).toBe(2);
  });

  it("refuses a failure rate outside 0..1", () => {
    expect(() => gateway({ failureRate: 1.5 })).toThrow(RangeError);
    expect(() => gateway({ failureRate: Number.NaN })).toThrow(RangeError);
  });

  it("charges once when a caller retries through injected failures", async () => {
    const outcomes = [0.1, 0.1, 0.9, 0.1, 0.9];
    const g = gateway({ failureRate: 0.5, random: () => outcomes.shift() ?? 0.9 });
    const charged = [];
    while (charged.length < 2) {
      try {
        charged.push(await g.charge(request("4242424242424242", "retried")));
      } catch (error) {
        expect(error).toMatchObject({ name: "PaymentUnavailableError" });
      }
    }
    expect(charged[1]).toEqual(charged[0]);
    expect(await g.countCharges()).toBe(1);
  });

  it("refunds each charge once and refuses unknown charges", async () => {
    const g = gateway();
    const charge = await g.charge(request("4242424242424242", "order-1"));
    const refunds = await Promise.all(Array.from({ length: 10 }, (_, i) => g.refund(charge.chargeId, `r${i % 2}`)));
    expect(new Set(refunds.map((refund) => refund.refundId)).size).toBe(1);
    expect(await g.countRefunds()).toBe(1);
    await expect(g.refund("ch_missing", "r")).rejects.toMatchObject({ code: "CHARGE_NOT_FOUND" });
  });

  it("keeps one charge per key under any interleaving of charges with reused keys and amounts", async () => {
    const call = fc.record({ key: fc.constantFrom("a", "b", "c"), amount: fc.constantFrom(100, 200) });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 20 }), async (calls) => {
        const g = gateway();
        const results = await Promise.allSettled(
          calls.map(({ key, amount }) => g.charge(request("4242424242424242", key, amount))),
        );
        const keys = new Set(calls.map((c) => c.key));
        for (const key of keys) {
          const mine = results.filter((_, i) => calls[i]?.key === key);
          const charged = mine.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
          expect(new Set(charged.map((c) => c.chargeId)).size).toBe(1);
          expect(new Set(charged.map((c) => c.amount.amount)).size).toBe(1);
          for (const [i, r] of mine.entries()) {
            if (r.status === "rejected") {
              expect(r.reason).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
              const amount = calls.filter((c) => c.key === key)[i]?.amount;
              expect(amount).not.toBe(charged[0]?.amount.amount);
            }
          }
        }
        expect(await g.countCharges()).toBe(keys.size);
      }),
      { numRuns: 50 },
    );
  });
});
