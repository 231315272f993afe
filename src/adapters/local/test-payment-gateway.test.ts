import { describe, expect, it } from "vitest";
import { paymentGatewayContract } from "../../../test/contract/payment-gateway.contract.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import { SqliteItemStore } from "./sqlite-item-store.js";
import { createUlidGenerator, systemClock } from "./system-clock.js";
import { describeCard, last4 } from "./test-cards.js";
import { TestPaymentGateway } from "./test-payment-gateway.js";

function gateway(options: { failureRate?: number; timeoutMs?: number } = {}) {
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  return new TestPaymentGateway({ store, ids: createUlidGenerator(), clock: systemClock, ...options });
}

paymentGatewayContract(
  "local test gateway",
  async () => {
    const g = gateway();
    return { gateway: g, charges: () => g.countCharges() };
  },
  { success: "4242 4242 4242 4242", declined: "4000000000000002" },
);

const request = (source: string, idempotencyKey = "k") => ({
  idempotencyKey,
  amount: { amount: 1000, currency: "EUR" },
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
  ])("%s is declined with %s", async (card, code) => {
    await expect(gateway().charge(request(card))).rejects.toMatchObject({ name: "PaymentDeclinedError", code });
  });

  it.each(["4242424242424242", "tok_visa", "5555 5555 5555 4444"])("%s succeeds", async (card) => {
    expect((await gateway().charge(request(card))).chargeId).toMatch(/^ch_/);
  });

  it("fails transiently on the processing-error card and on the timeout card", async () => {
    await expect(gateway().charge(request("4000000000000119"))).rejects.toMatchObject({
      name: "PaymentUnavailableError",
    });
    await expect(gateway({ timeoutMs: 5 }).charge(request("4000000000005126"))).rejects.toMatchObject({
      name: "PaymentUnavailableError",
    });
  });

  it("with failureRate 1 always fails transiently and records nothing", async () => {
    const g = gateway({ failureRate: 1 });
    for (let i = 0; i < 5; i++) {
      await expect(g.charge(request("4242424242424242", `k${i}`))).rejects.toMatchObject({
        name: "PaymentUnavailableError",
      });
    }
    expect(await g.countCharges()).toBe(0);
  });

  it("refuses a reused idempotency key with another amount", async () => {
    const g = gateway();
    await g.charge(request("4242424242424242", "same"));
    await expect(
      g.charge({ ...request("4242424242424242", "same"), amount: { amount: 1, currency: "EUR" } }),
    ).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
    });
  });

  it("describes cards and masks them", () => {
    expect(describeCard("4242 4242 4242 4242")).toEqual({ kind: "success" });
    expect(last4("4242 4242 4242 4242")).toBe("4242");
    expect(last4("tok_visa")).toBe("tok");
  });
});
