import type { Auction, Checkout } from "../../domain/auctions/auction.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import type { CheckoutBody } from "../../domain/auctions/auction-schemas.js";
import type { Actor } from "../../domain/shared/actor.js";
import { ConflictError, ForbiddenError, UnauthenticatedError } from "../../domain/shared/errors.js";
import { ConditionFailedError, itemAt } from "../../ports/item-store.js";
import { findUserById } from "../users/user-items.js";
import { type AuctionDeps, auctionEvent, nextVersionWrite } from "./auction-deps.js";
import { loadAuction } from "./auction-items.js";

export const checkoutPaymentKey = (auctionId: string) => ({ pk: `AUCTION#${auctionId}`, sk: "CHECKOUT_PAYMENT" });

/** The winner is the only one who can buy, and only before the deadline. */
export function assertCanCheckOut(auction: Auction, buyerId: string, now: Date): void {
  if (auction.status !== "sold" || auction.highestBid?.bidderId !== buyerId) {
    throw new ForbiddenError("Only the winner of a sold auction can check out", "NOT_THE_WINNER");
  }
  if (auction.checkoutDeadline && now.getTime() >= Date.parse(auction.checkoutDeadline)) {
    throw new ConflictError("CHECKOUT_EXPIRED", "The time to pay for this auction has passed");
  }
}

/**
 * The winner checks out: records the checkout and its payment details in one write and starts the
 * checkout saga (through `auction_checkout_requested`). Asking again while one runs, or after paying,
 * returns that checkout; after a failure, a new attempt starts.
 */
export function makeRequestCheckout(deps: AuctionDeps) {
  return async (auctionId: string, input: CheckoutBody, actor: Actor): Promise<Checkout> => {
    if (!actor.userId) throw new UnauthenticatedError("Sign in as the winner to check out");
    const auction = await loadAuction(deps.store, auctionId);
    const now = deps.clock.now();
    if (auction.checkout && auction.checkout.state !== "failed" && auction.highestBid?.bidderId === actor.userId) {
      return auction.checkout;
    }
    assertCanCheckOut(auction, actor.userId, now);
    const buyer = await findUserById(deps.store, actor.userId);
    const card = input.payment.card.replace(/\s/g, "");
    const checkout: Checkout = {
      id: `chk_${deps.ids.next()}`,
      state: "requested",
      buyerId: actor.userId,
      buyerName: buyer?.name ?? actor.email ?? "Winner",
      buyerEmail: buyer?.email ?? actor.email ?? "",
      deliveryAddress: input.deliveryAddress,
      paymentLast4: card.startsWith("tok_") ? "tok" : card.slice(-4),
      requestedAt: now.toISOString(),
    };
    try {
      await deps.store.transact(
        [
          nextVersionWrite(auction, { ...auction, checkout, updatedAt: now.toISOString() }),
          { op: "put", item: itemAt(checkoutPaymentKey(auctionId), { source: card, checkoutId: checkout.id }) },
        ],
        [auctionEvent(deps, auctionId, AuctionEvent.checkoutRequested, { checkoutId: checkout.id })],
      );
    } catch (error) {
      if (error instanceof ConditionFailedError)
        throw new ConflictError("AUCTION_CHANGED", "The auction changed meanwhile; try again");
      throw error;
    }
    return checkout;
  };
}
