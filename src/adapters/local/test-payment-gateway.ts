import { setTimeout as sleep } from "node:timers/promises";
import { ConflictError, PaymentDeclinedError, PaymentUnavailableError } from "../../domain/shared/errors.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import { ConditionFailedError, type ItemStore, when } from "../../ports/item-store.js";
import type { Charge, ChargeRequest, PaymentGateway, Refund } from "../../ports/payment-gateway.js";
import { describeCard, last4 } from "./test-cards.js";

export { type CardBehaviour, describeCard, isValidCardSource, last4, TEST_CARDS } from "./test-cards.js";

export interface TestPaymentGatewayOptions {
  store: ItemStore;
  ids: IdGenerator;
  clock: Clock;
  /**
   * Share (0..1) of calls failing transiently (fault injection): the first half of that share before
   * anything is recorded, the second after the charge or refund is made, as an answer lost on the way.
   */
  failureRate?: number;
  random?: () => number;
  /** How long the "timeout" test card keeps the caller waiting before failing (default 20 s). */
  timeoutMs?: number;
}

const chargeKey = (idempotencyKey: string) => ({ pk: `PAYMENT#${idempotencyKey}`, sk: "CHARGE" });
const refundKey = (idempotencyKey: string) => ({ pk: `PAYMENT#${idempotencyKey}`, sk: "REFUND" });
const chargeIdKey = (chargeId: string) => ({ pk: `CHARGE_ID#${chargeId}`, sk: "CHARGE_ID" });
const STATS = { pk: "PAYMENT_STATS", sk: "PAYMENT_STATS" };

const chargeOf = (item: Record<string, unknown>): Charge => ({
  chargeId: String(item.chargeId),
  amount: item.amount as Charge["amount"],
  last4: String(item.last4),
});

const injected = (what = "nothing was done") => new PaymentUnavailableError(`Injected payment failure: ${what}`);

/**
 * A payment gateway in test mode whose charges and refunds are kept in the item store: one charge per
 * idempotency key even across restarts and concurrent calls, as a real processor's idempotency keys do.
 */
export class TestPaymentGateway implements PaymentGateway {
  private readonly random: () => number;

  constructor(private readonly options: TestPaymentGatewayOptions) {
    const rate = options.failureRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`failureRate must be between 0 and 1, got ${rate}`);
    this.random = options.random ?? Math.random;
  }

  async charge(request: ChargeRequest): Promise<Charge> {
    const fault = this.drawFault();
    if (fault === "before") throw injected();
    const charge = await this.chargeOnce(request);
    if (fault === "after") throw injected("the charge was made, its answer lost");
    return charge;
  }

  private async chargeOnce(request: ChargeRequest): Promise<Charge> {
    const existing = await this.options.store.get(chargeKey(request.idempotencyKey));
    if (existing) return this.replay(existing, request);
    const card = describeCard(request.source);
    if (card.kind === "declined") throw new PaymentDeclinedError(card.message, card.code);
    if (card.kind === "processing_error") throw new PaymentUnavailableError(card.message);
    if (card.kind === "timeout") {
      // Unreferenced, so a waiting charge never keeps a stopping process alive.
      await sleep(this.options.timeoutMs ?? 20_000, undefined, { ref: false });
      throw new PaymentUnavailableError(card.message);
    }
    const charge: Charge = {
      chargeId: `ch_${this.options.ids.next()}`,
      amount: request.amount,
      last4: last4(request.source),
    };
    try {
      await this.options.store.transact([
        {
          op: "put",
          item: { ...chargeKey(request.idempotencyKey), ...charge, chargedAt: this.options.clock.now().toISOString() },
          condition: when.notExists(),
        },
        { op: "put", item: { ...chargeIdKey(charge.chargeId), idempotencyKey: request.idempotencyKey } },
        { op: "update", key: STATS, update: { add: { charges: 1 } } },
      ]);
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      const winner = await this.options.store.get(chargeKey(request.idempotencyKey));
      if (winner) return this.replay(winner, request);
      throw error;
    }
    return charge;
  }

  async findCharge(idempotencyKey: string): Promise<Charge | undefined> {
    if (this.drawFault()) throw injected(); // a read: nothing to lose after it
    const existing = await this.options.store.get(chargeKey(idempotencyKey));
    return existing ? chargeOf(existing) : undefined;
  }

  async refund(chargeId: string, idempotencyKey: string): Promise<Refund> {
    const fault = this.drawFault();
    if (fault === "before") throw injected();
    const refund = await this.refundOnce(chargeId, idempotencyKey);
    if (fault === "after") throw injected("the refund was made, its answer lost");
    return refund;
  }

  private async refundOnce(chargeId: string, idempotencyKey: string): Promise<Refund> {
    const pointer = await this.options.store.get(chargeIdKey(chargeId));
    if (!pointer) throw new PaymentDeclinedError(`No charge ${chargeId}`, "CHARGE_NOT_FOUND");
    const key = refundKey(String(pointer.idempotencyKey));
    const refund: Refund = { refundId: `re_${this.options.ids.next()}`, chargeId };
    try {
      await this.options.store.transact([
        {
          op: "put",
          item: { ...key, ...refund, idempotencyKey, refundedAt: this.options.clock.now().toISOString() },
          condition: when.notExists(),
        },
        { op: "update", key: STATS, update: { add: { refunds: 1 } } },
      ]);
      return refund;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      const first = await this.options.store.get(key);
      return { refundId: String(first?.refundId), chargeId };
    }
  }

  /** How many charges were ever made (refunded ones included). */
  async countCharges(): Promise<number> {
    return Number((await this.options.store.get(STATS))?.charges ?? 0);
  }

  async countRefunds(): Promise<number> {
    return Number((await this.options.store.get(STATS))?.refunds ?? 0);
  }

  private replay(existing: Record<string, unknown>, request: ChargeRequest): Charge {
    const charge = chargeOf(existing);
    if (charge.amount.amount !== request.amount.amount || charge.amount.currency !== request.amount.currency) {
      throw new ConflictError("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used for another amount");
    }
    return charge;
  }

  /** Whether this call fails (fault injection), and on which side of its effect; one draw per call. */
  private drawFault(): "before" | "after" | undefined {
    const rate = this.options.failureRate ?? 0;
    if (rate <= 0) return undefined;
    const draw = this.random();
    return draw < rate / 2 ? "before" : draw < rate ? "after" : undefined;
  }
}
