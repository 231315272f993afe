import type { Money } from "../domain/shared/money.js";

export interface ChargeRequest {
  /** One charge per key: a retried step with the same key returns the first charge. */
  idempotencyKey: string;
  amount: Money;
  /** A card number or token as the customer gave it. */
  source: string;
  description: string;
}

export interface Charge {
  chargeId: string;
  amount: Money;
  last4: string;
}

export interface Refund {
  refundId: string;
  chargeId: string;
}

/**
 * Payment port. `charge` throws PaymentDeclinedError (permanent: do not retry) or
 * PaymentUnavailableError (transient: retry).
 */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<Charge>;
  /**
   * The charge made under an idempotency key, if any, without charging: compensation asks it, since a
   * charge whose answer was lost (a timeout, a crash before it was recorded) must be refunded too.
   */
  findCharge(idempotencyKey: string): Promise<Charge | undefined>;
  /** Idempotent: refunding a refunded charge returns the first refund. */
  refund(chargeId: string, idempotencyKey: string): Promise<Refund>;
}
