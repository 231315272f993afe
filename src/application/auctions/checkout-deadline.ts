import type { Auction } from "../../domain/auctions/auction.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { Scheduler } from "../../ports/scheduler.js";
import { commitOnce } from "../shared/commit-once.js";
import { type AuctionDeps, auctionEvent, nextVersionWrite } from "./auction-deps.js";
import { loadAuction } from "./auction-items.js";

export const CHECKOUT_DUE = "auction_checkout_due";

/** Consumer of `auction_closed`: a sold auction gets a persisted timer at its checkout deadline. */
export function makeScheduleCheckoutDeadline(deps: { scheduler: Scheduler }) {
  return async (event: StoredEvent): Promise<void> => {
    if (event.data.outcome !== "sold" || typeof event.data.checkoutDeadline !== "string") return;
    await deps.scheduler.schedule(`checkout-deadline-${event.key}`, new Date(event.data.checkoutDeadline), {
      type: CHECKOUT_DUE,
      key: event.key,
    });
  };
}

/**
 * At the deadline, a winner who has not paid loses the win and the auction ends unsold (the rule we
 * chose: no second-chance offer to the next bidder). A checkout still running then is refused at its
 * next step and compensated; a paid one is left alone.
 */
export function makeLapseUnpaidAuction(deps: AuctionDeps) {
  return async (auctionId: string): Promise<Auction | undefined> => {
    for (;;) {
      const auction = await loadAuction(deps.store, auctionId);
      if (auction.status !== "sold" || auction.checkout?.state === "paid") return undefined;
      if (!auction.checkoutDeadline || deps.clock.now().getTime() < Date.parse(auction.checkoutDeadline))
        return undefined;
      const next: Auction = {
        ...auction,
        status: "unsold",
        ...(auction.highestBid ? { lapsedWinnerId: auction.highestBid.bidderId } : {}),
        updatedAt: deps.clock.now().toISOString(),
      };
      const lapsed = await commitOnce(
        deps.store,
        [nextVersionWrite(auction, next)],
        [
          auctionEvent(deps, auctionId, AuctionEvent.checkoutLapsed, {
            winnerId: auction.highestBid?.bidderId,
            sellerId: auction.sellerId,
          }),
        ],
      );
      if (lapsed) return next;
    }
  };
}
