import type { Auction, Checkout } from "../../domain/auctions/auction.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import type { Order } from "../../domain/orders/order.js";
import {
  causeMessage,
  customerReason,
  failureCode,
  keptWorkflowError,
  REFUSAL_ERROR_NAMES,
  type WorkflowError,
} from "../../domain/orders/order-errors.js";
import { OrderEvent } from "../../domain/orders/order-events.js";
import { ConflictError, DomainError, type ErrorKind } from "../../domain/shared/errors.js";
import { ConditionFailedError, type TransactOp, when } from "../../ports/item-store.js";
import type { PaymentGateway } from "../../ports/payment-gateway.js";
import type { TaskHandler } from "../../ports/workflow-runner.js";
import { orderEvent } from "../orders/new-event.js";
import { orderToItem } from "../orders/order-items.js";
import { commitOnce } from "../shared/commit-once.js";
import { type AuctionDeps, auctionEvent, nextVersionWrite } from "./auction-deps.js";
import { loadAuction } from "./auction-items.js";
import { assertCanCheckOut, checkoutPaymentKey } from "./request-checkout.js";

export const AUCTION_CHECKOUT = "auction-checkout";

/** The gateway's idempotency key of a checkout's one charge. */
const checkoutChargeKey = (checkoutId: string) => `auction-${checkoutId}`;

interface SagaInput {
  auctionId: string;
  /** The checkout this run is for (runs started before checkouts were named act on the current one). */
  checkoutId?: string;
  error?: WorkflowError;
}

/** What a step hands the next one: the run's auction and checkout. */
const carried = ({ auctionId, checkoutId }: SagaInput) => ({ auctionId, ...(checkoutId ? { checkoutId } : {}) });

/** The name a checkout refusal with a failure code is raised under, by its code (see REFUSAL_ERROR_NAMES). */
const CHECKOUT_REFUSAL_NAMES = new Map<string, string>(
  (["CHECKOUT_EXPIRED", "NOT_THE_WINNER", "NO_PAYMENT_DETAILS"] as const).map((code) => [
    code,
    REFUSAL_ERROR_NAMES[code],
  ]),
);

/** Refused for a business reason (expired, lapsed, not the winner): not retried, compensated. */
export class CheckoutRejectedError extends DomainError {
  constructor(code: string, kind: ErrorKind, message: string) {
    super(code, kind, message);
    // A workflow reports only the error's name: it is what FailCheckout reads the failure code from.
    this.name = CHECKOUT_REFUSAL_NAMES.get(code) ?? "CheckoutRejectedError";
  }
}

/** Every name a CheckoutRejectedError goes by, as a workflow reports it. */
const CHECKOUT_REFUSALS = new Set(["CheckoutRejectedError", ...CHECKOUT_REFUSAL_NAMES.values()]);

function current(auction: Auction): Checkout {
  if (!auction.checkout) throw new CheckoutRejectedError("NO_CHECKOUT", "conflict", "There is no checkout to continue");
  return auction.checkout;
}

/**
 * Whether the auction's checkout is no longer this run's: the run's attempt failed and the winner started
 * another. Such a run goes no further and only ever refunds its own attempt's charge.
 */
const replaced = (checkout: Checkout, input: SagaInput) =>
  Boolean(input.checkoutId) && checkout.id !== input.checkoutId;

/** A forward step's check that the run's checkout is still the auction's. */
function stillThisRun(checkout: Checkout, input: SagaInput): Checkout {
  if (replaced(checkout, input)) {
    throw new CheckoutRejectedError("CHECKOUT_REPLACED", "conflict", "A newer checkout replaced this one");
  }
  return checkout;
}

/** Marked for undoing, or failed already: such a checkout is only ever refunded and released. */
const beingUndone = (checkout: Checkout) => Boolean(checkout.undoing) || checkout.state === "failed";

/** A forward step's check: a checkout being undone, or failed, is never reserved, charged or paid. */
function goingAhead(checkout: Checkout): Checkout {
  if (beingUndone(checkout)) {
    throw new CheckoutRejectedError("CHECKOUT_UNDONE", "conflict", "The checkout is being cancelled");
  }
  return checkout;
}

/** A forward step's check that the win still stands: a lapsed one (unpaid by its deadline) is not charged or paid. */
function stillSold(auction: Auction): void {
  if (auction.status !== "sold") {
    throw new CheckoutRejectedError("CHECKOUT_EXPIRED", "conflict", "The auction lapsed before payment completed");
  }
}

/** A paid checkout is never undone: what RefundWinner answers a run that lost the race to pay. */
export class CheckoutPaidError extends DomainError {
  override name = "CheckoutPaidError";
  constructor() {
    super("CHECKOUT_PAID", "conflict", "The checkout was paid: nothing is undone");
  }
}

/** Tries to mark a checkout as being undone while other writes to the auction keep winning. */
const MARK_ATTEMPTS = 3;

/** The Task states of workflows/auction-checkout.asl.json; every step is idempotent. */
export function checkoutSagaTasks(deps: AuctionDeps & { payments: PaymentGateway }): Record<string, TaskHandler> {
  const { store, clock } = deps;
  /** Writes the checkout's next state, conditional on the auction version read. */
  const save = async (
    auction: Auction,
    changes: Partial<Checkout>,
    more: TransactOp[] = [],
    events = [] as ReturnType<typeof auctionEvent>[],
  ) => {
    const next: Auction = {
      ...auction,
      checkout: { ...current(auction), ...changes },
      updatedAt: clock.now().toISOString(),
    };
    if (!(await commitOnce(store, [nextVersionWrite(auction, next), ...more], events))) {
      throw new ConflictError("AUCTION_CHANGED", "The auction changed during checkout");
    }
    return { ...next, version: auction.version + 1 };
  };

  /**
   * The one-way door of compensation: before the first refund, the checkout is marked `undoing` with the
   * error that started it, written conditional on the auction version read, as every forward write is; so
   * of a payment and an undoing racing (a redelivered run, a charge whose record conflicted), exactly one
   * wins: a checkout being undone is never charged or paid, and a paid one is never undone
   * (CheckoutPaidError). A later run that meets the mark finishes the undoing and fails the checkout with
   * the same reason. A failed checkout needs no mark: nothing pays it.
   */
  const beginUndoing = async (input: SagaInput): Promise<Auction | "replaced"> => {
    for (let attempt = 1; ; attempt++) {
      const auction = await loadAuction(store, input.auctionId);
      const checkout = current(auction);
      // Decided on the snapshot the mark is written against: a new attempt landing meanwhile fails the save.
      if (replaced(checkout, input)) return "replaced";
      if (beingUndone(checkout)) return auction;
      if (checkout.state === "paid") throw new CheckoutPaidError();
      const undoing: NonNullable<Checkout["undoing"]> = {
        since: clock.now().toISOString(),
        ...(input.error ? { error: keptWorkflowError(input.error) } : {}),
      };
      try {
        return await save(auction, { undoing });
      } catch (error) {
        // Changed meanwhile (paid, marked, or anything else): read again and decide on what is there now.
        if (!(error instanceof ConflictError) || attempt >= MARK_ATTEMPTS) throw error;
      }
    }
  };

  /** The checkout as it is after a save lost a version race (`error`); any other error is thrown on. */
  const afterLostRace = async (error: unknown, auctionId: string): Promise<Checkout> => {
    if (!(error instanceof ConflictError)) throw error;
    return current(await loadAuction(store, auctionId));
  };

  const steps = {
    reserveCheckout: async (input: SagaInput) => {
      const { auctionId } = input;
      const auction = await loadAuction(store, auctionId);
      const checkout = goingAhead(stillThisRun(current(auction), input));
      if (checkout.state !== "requested") return carried(input);
      try {
        assertCanCheckOut(auction, checkout.buyerId, clock.now());
      } catch (error) {
        throw new CheckoutRejectedError((error as DomainError).code, "conflict", (error as Error).message);
      }
      try {
        await save(auction, { state: "reserved" });
      } catch (error) {
        // A duplicate run of this saga reserved it first: done.
        const now = await afterLostRace(error, auctionId);
        if (replaced(now, input) || beingUndone(now) || now.state !== "reserved") throw error;
      }
      return carried(input);
    },

    chargeWinner: async (input: SagaInput) => {
      const { auctionId } = input;
      const auction = await loadAuction(store, auctionId);
      const checkout = stillThisRun(current(auction), input);
      if (checkout.state === "paid") return carried(input);
      // Once undoing began, never charge (or report a charge as this run's success): the refund is owed.
      goingAhead(checkout);
      if (checkout.chargeId) return carried(input);
      stillSold(auction);
      const source = await store.get(checkoutPaymentKey(auctionId));
      if (!source)
        throw new CheckoutRejectedError("NO_PAYMENT_DETAILS", "conflict", "The checkout has no payment details");
      const charge = await deps.payments.charge({
        idempotencyKey: checkoutChargeKey(checkout.id),
        amount: { amount: auction.highestBid!.amount, currency: auction.currency },
        source: String(source.source),
        description: `Auction ${auction.id}`,
      });
      try {
        await save(auction, { chargeId: charge.chargeId });
      } catch (error) {
        const now = await afterLostRace(error, auctionId);
        // Undone or failed (and perhaps replaced by a new attempt) while the winner was being charged: the
        // undoing may have looked for the charge before it was made, so it is refunded here.
        if (replaced(now, input) || beingUndone(now)) await steps.refundWinner({ ...input, checkoutId: checkout.id });
        // Otherwise a duplicate run may have recorded the same charge (one per checkout at the gateway): done.
        else if (now.chargeId === charge.chargeId) return carried(input);
        throw error;
      }
      return carried(input);
    },

    createOrder: async (input: SagaInput) => {
      const { auctionId } = input;
      const auction = await loadAuction(store, auctionId);
      const checkout = stillThisRun(current(auction), input);
      if (checkout.state === "paid") return { ...carried(input), orderId: checkout.orderId };
      goingAhead(checkout);
      stillSold(auction);
      const now = clock.now().toISOString();
      const amount = { amount: auction.highestBid!.amount, currency: auction.currency };
      const order: Order = {
        id: `ord_${checkout.id.slice(4)}`,
        status: "confirmed",
        customer: { name: checkout.buyerName, email: checkout.buyerEmail, userId: checkout.buyerId },
        deliveryAddress: checkout.deliveryAddress,
        lines: [
          {
            productId: `auction:${auction.id}`,
            name: auction.title,
            quantity: 1,
            unitPrice: amount,
            lineTotal: amount,
          },
        ],
        total: amount,
        notes: `Won at auction ${auction.id}`,
        paymentLast4: checkout.paymentLast4,
        chargeId: checkout.chargeId!,
        trackingToken: deps.ids.secret(),
        createdAt: now,
        updatedAt: now,
      };
      // The order starts confirmed; `order_received` runs the order pipeline, which skips straight to
      // the receipt and the maker's e-mail, and from there the bakery lifecycle goes on as for any order.
      const orderEvents = [OrderEvent.received, OrderEvent.paymentCharged, OrderEvent.placed].map((type) =>
        orderEvent(deps, order.id, type, { total: amount, auctionId: auction.id }),
      );
      await save(
        auction,
        { state: "paid", orderId: order.id },
        [
          { op: "put", item: orderToItem(order), condition: when.notExists() },
          { op: "delete", key: checkoutPaymentKey(auctionId) },
        ],
        [
          ...orderEvents,
          auctionEvent(deps, auctionId, AuctionEvent.paid, { orderId: order.id, checkoutId: checkout.id }),
        ],
      );
      return { ...carried(input), orderId: order.id };
    },

    refundWinner: async (input: SagaInput) => {
      const auction = await beginUndoing(input); // a paid checkout is refused here
      if (auction === "replaced") {
        // The run's attempt failed and the winner started another: only its own charge is refunded, if
        // one landed after its undoing looked (the auction's checkout is the new attempt's, left alone).
        const late = await deps.payments.findCharge(checkoutChargeKey(input.checkoutId!));
        if (late) await deps.payments.refund(late.chargeId, `refund-${input.checkoutId}`);
        return input;
      }
      const checkout = current(auction);
      if (checkout.refundId) return input;
      // A charge whose answer was lost or whose record failed (the auction changed meanwhile) is refunded too.
      const chargeId = checkout.chargeId ?? (await deps.payments.findCharge(checkoutChargeKey(checkout.id)))?.chargeId;
      if (!chargeId) return input;
      const refund = await deps.payments.refund(chargeId, `refund-${checkout.id}`);
      await save(auction, { chargeId, refundId: refund.refundId });
      return input;
    },

    releaseCheckout: async (input: SagaInput) => {
      // Only the card of the checkout being undone: a new attempt's (the winner trying again) stays, also
      // when it arrives between this read and the delete (details kept before checkouts were named go).
      const checkout = current(await loadAuction(store, input.auctionId));
      if (replaced(checkout, input) || !beingUndone(checkout)) return input;
      const ofThisCheckout = when.or(when.lacks("checkoutId"), when.eq("checkoutId", checkout.id));
      try {
        await store.delete(checkoutPaymentKey(input.auctionId), ofThisCheckout);
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
      return input;
    },

    failCheckout: async (input: SagaInput) => {
      const auction = await loadAuction(store, input.auctionId);
      const checkout = current(auction);
      // A replaced checkout had failed before the winner could start another.
      if (replaced(checkout, input) || checkout.state === "paid" || checkout.state === "failed") return input;
      // The error the undoing began with, whichever run gets here first.
      const error = checkout.undoing?.error ?? input.error;
      const reason = CHECKOUT_REFUSALS.has(error?.Error ?? "")
        ? (causeMessage(error?.Cause) ?? "The checkout was refused")
        : customerReason(error?.Error, error?.Cause, Boolean(checkout.refundId));
      const code = failureCode(error?.Error);
      await save(
        auction,
        { state: "failed", failureReason: reason, failureCode: code },
        [],
        [
          auctionEvent(deps, auction.id, AuctionEvent.checkoutFailed, {
            checkoutId: checkout.id,
            reason,
            failureCode: code,
          }),
        ],
      );
      return input;
    },
  };
  return {
    ReserveCheckout: steps.reserveCheckout,
    ChargeWinner: steps.chargeWinner,
    CreateOrder: steps.createOrder,
    RefundWinner: steps.refundWinner,
    ReleaseCheckout: steps.releaseCheckout,
    FailCheckout: steps.failCheckout,
  };
}
