import { describe, expect, it } from "vitest";
import type { PaymentGateway } from "../../src/ports/payment-gateway.js";

const eur = (amount: number) => ({ amount, currency: "EUR" });

/** The behaviour every PaymentGateway adapter must have; `charges` counts real charges made. */
export function paymentGatewayContract(
  name: string,
  make: () => Promise<{ gateway: PaymentGateway; charges: () => Promise<number> }>,
  cards: { success: string; declined: string },
) {
  describe(`PaymentGateway contract: ${name}`, () => {
    it("charges and reports the charge id and last four digits", async () => {
      const { gateway, charges } = await make();
      const charge = await gateway.charge({
        idempotencyKey: "k1",
        amount: eur(1200),
        source: cards.success,
        description: "x",
      });
      expect(charge.chargeId).toMatch(/\S+/);
      expect(charge.amount).toEqual(eur(1200));
      expect(charge.last4).toBe(cards.success.replace(/\s/g, "").slice(-4));
      expect(await charges()).toBe(1);
    });

    it("returns the first charge for a repeated idempotency key, also under 50 concurrent calls", async () => {
      const { gateway, charges } = await make();
      const request = { idempotencyKey: "order-1", amount: eur(3000), source: cards.success, description: "x" };
      const results = await Promise.all(Array.from({ length: 50 }, () => gateway.charge(request)));
      expect(new Set(results.map((charge) => charge.chargeId)).size).toBe(1);
      expect((await gateway.charge(request)).chargeId).toBe(results[0]?.chargeId);
      expect(await charges()).toBe(1);
    });

    it("throws PaymentDeclinedError with a stable code for a declined card and charges nothing", async () => {
      const { gateway, charges } = await make();
      await expect(
        gateway.charge({ idempotencyKey: "k2", amount: eur(100), source: cards.declined, description: "x" }),
      ).rejects.toMatchObject({ name: "PaymentDeclinedError", code: expect.stringMatching(/^[A-Z_]+$/) });
      expect(await charges()).toBe(0);
    });

    it("refunds a charge once, however often asked", async () => {
      const { gateway } = await make();
      const charge = await gateway.charge({
        idempotencyKey: "k3",
        amount: eur(500),
        source: cards.success,
        description: "x",
      });
      const refunds = await Promise.all([1, 2, 3].map(() => gateway.refund(charge.chargeId, "refund-k3")));
      expect(new Set(refunds.map((refund) => refund.refundId)).size).toBe(1);
      expect(refunds[0]?.chargeId).toBe(charge.chargeId);
    });
  });
}
