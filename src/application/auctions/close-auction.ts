import type { Auction } from "../../domain/auctions/auction.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import { closingOutcome, phaseAt } from "../../domain/auctions/auction-rules.js";
import { commitOnce } from "../shared/commit-once.js";
import { type AuctionDeps, auctionEvent, DEFAULT_CHECKOUT_WINDOW_MS, nextVersionWrite } from "./auction-deps.js";
import { loadAuction } from "./auction-items.js";

/**
 * Closes an auction whose end time has passed: sold to the highest bidder if the reserve is met,
 * otherwise unsold. Idempotent: an auction closes once however often its timer or the sweep fires.
 */
export function makeCloseAuction(deps: AuctionDeps) {
  return async (auctionId: string): Promise<Auction | undefined> => {
    for (;;) {
      const auction = await loadAuction(deps.store, auctionId);
      if (phaseAt(auction, deps.clock.now()) !== "ended") return undefined; // not due, or already closed
      const outcome = closingOutcome(auction);
      const now = deps.clock.now();
      const next: Auction = {
        ...auction,
        status: outcome.status,
        updatedAt: now.toISOString(),
        ...(outcome.status === "sold"
          ? {
              checkoutDeadline: new Date(
                now.getTime() + (deps.checkoutWindowMs ?? DEFAULT_CHECKOUT_WINDOW_MS),
              ).toISOString(),
            }
          : {}),
      };
      const closed = await commitOnce(
        deps.store,
        [nextVersionWrite(auction, next)],
        [
          auctionEvent(deps, auctionId, AuctionEvent.closed, {
            outcome: outcome.status,
            ...(outcome.reason ? { reason: outcome.reason } : {}),
            sellerId: auction.sellerId,
            ...(outcome.status === "sold" && auction.highestBid
              ? {
                  winnerId: auction.highestBid.bidderId,
                  amount: auction.highestBid.amount,
                  checkoutDeadline: next.checkoutDeadline,
                }
              : {}),
          }),
        ],
      );
      if (closed) return next;
    }
  };
}
