import { describe, expect, it } from "vitest";
import type { ChargeRequest, PaymentGateway } from "../../src/ports/payment-gateway.js";

const eur = (amount: number) => ({ amount, currency: "EUR" });

/** A gateway under test and how many real charges and refunds it has made (its own counts, not the caller's). */
export interface PaymentGatewayUnderTest {
  gateway: PaymentGateway;
  charges: () => Promise<number>;
  refunds: () => Promise<number>;
}

/** Card sources the adapter treats as "succeeds" and "declined"; Stripe's test numbers unless given. */
export interface ContractCards {
  success: string;
  declined: string;
}

const STRIPE_TEST_CARDS: ContractCards = { success: "4242424242424242", declined: "4000000000000002" };

/** The behaviour every PaymentGateway adapter must have. */
export function paymentGatewayContract(
  name: string,
  make: () => Promise<PaymentGatewayUnderTest>,
  cards: ContractCards = STRIPE_TEST_CARDS,
) {
  const request = (idempotencyKey: string, amount = 1200, source = cards.success): ChargeRequest => ({
    idempotencyKey,
    amount: eur(amount),
    source,
    description: "contract",
  });

  describe(`PaymentGateway contract: ${name}`, () => {
    it("charges and reports the charge id and last four digits", async () => {
      const { gateway, charges, refunds } = await make();
      const charge = await gateway.charge(request("k1"));
      expect(charge.chargeId).toMatch(/\S+/);
      expect(charge.amount).toEqual(eur(1200));
      expect(charge.last4).toBe(cards.success.replace(/\s/g, "").slice(-4));
      expect(await charges()).toBe(1);
      expect(await refunds()).toBe(0);
    });

    it("returns the first charge for a repeated idempotency key", async () => {
      const { gateway, charges } = await make();
      const first = await gateway.charge(request("order-1"));
      expect(await gateway.charge(request("order-1"))).toEqual(first);
      expect((await gateway.charge(request("order-2"))).chargeId).not.toBe(first.chargeId);
      expect(await charges()).toBe(2);
    });

    it("charges once under 50 concurrent calls with one idempotency key", async () => {
      const { gateway, charges } = await make();
      const results = await Promise.all(Array.from({ length: 50 }, () => gateway.charge(request("order-1", 3000))));
      expect(new Set(results.map((charge) => charge.chargeId)).size).toBe(1);
      expect((await gateway.charge(request("order-1", 3000))).chargeId).toBe(results[0]?.chargeId);
      expect(await charges()).toBe(1);
    });

    it("refuses an idempotency key reused for another amount", async () => {
      const { gateway, charges } = await make();
      await gateway.charge(request("order-1", 3000));
      await expect(gateway.charge(request("order-1", 2999))).rejects.toMatchObject({
        name: "ConflictError",
        code: "IDEMPOTENCY_KEY_REUSED",
      });
      expect(await charges()).toBe(1);
    });

    it("throws PaymentDeclinedError with a stable code for a declined card and charges nothing", async () => {
      const { gateway, charges } = await make();
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(gateway.charge(request("k2", 100, cards.declined))).rejects.toMatchObject({
          name: "PaymentDeclinedError",
          code: expect.stringMatching(/^[A-Z_]+$/),
        });
      }
      expect(await charges()).toBe(0);
    });

    it("finds the charge made under an idempotency key without charging again, and none under another", async () => {
      const { gateway, charges } = await make();
      expect(await gateway.findCharge("order-9")).toBeUndefined();
      const charge = await gateway.charge(request("order-9", 700));
      expect(await gateway.findCharge("order-9")).toEqual(charge);
      expect(await gateway.findCharge("order-10")).toBeUndefined();
      await expect(gateway.charge(request("k4", 100, cards.declined))).rejects.toMatchObject({
        name: "PaymentDeclinedError",
      });
      expect(await gateway.findCharge("k4")).toBeUndefined();
      expect(await charges()).toBe(1);
    });

    it("refunds a charge once, however often and however concurrently asked", async () => {
      const { gateway, charges, refunds } = await make();
      const charge = await gateway.charge(request("k3", 500));
      expect(await refunds()).toBe(0);
      const answers = await Promise.all([1, 2, 3].map(() => gateway.refund(charge.chargeId, "refund-k3")));
      answers.push(await gateway.refund(charge.chargeId, "refund-k3"));
      expect(new Set(answers.map((refund) => refund.refundId)).size).toBe(1);
      expect(answers[0]?.chargeId).toBe(charge.chargeId);
      expect(await refunds()).toBe(1);
      expect(await charges()).toBe(1);
    });

    it("refunds only the charge it is asked to refund", async () => {
      const { gateway, refunds } = await make();
      const kept = await gateway.charge(request("order-kept", 800));
      const refunded = await gateway.charge(request("order-refunded", 900));
      await gateway.refund(refunded.chargeId, "refund-order-refunded");
      expect(await refunds()).toBe(1);
      expect(await gateway.findCharge("order-kept")).toEqual(kept);
      await gateway.refund(kept.chargeId, "refund-order-kept");
      expect(await refunds()).toBe(2);
    });
  });
}
