import type { Auction, Bid } from "../../domain/auctions/auction.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import { checkBid } from "../../domain/auctions/auction-rules.js";
import type { Actor } from "../../domain/shared/actor.js";
import { ConflictError, UnauthenticatedError } from "../../domain/shared/errors.js";
import type { DomainEvent } from "../../domain/shared/event.js";
import type { TransactOp } from "../../ports/item-store.js";
import { commitOnce } from "../shared/commit-once.js";
import { type CommitWith, correlated } from "../shared/commit-with.js";
import { type AuctionDeps, auctionEvent, DEFAULT_CHECKOUT_WINDOW_MS, nextVersionWrite } from "./auction-deps.js";
import { bidToItem, loadAuction } from "./auction-items.js";

const MAX_RACES = 50;

export interface PlacedBid {
  auction: Auction;
  bid: Bid;
}

/** If a condition of the extra writes fails, the bid is not retried: that ConditionFailedError is thrown. */
export type PlaceBidOptions = CommitWith<PlacedBid>;

/**
 * A bid is accepted only if, against the auction as it is at commit time, it follows the rules: the
 * write is conditional on the version it was checked against, and a lost race re-reads and re-checks.
 * So accepted bids strictly increase under any concurrency, and none lands after the end.
 *
 * On a hot auction most bids arrive while another one is being written. Within this process they wait
 * for that write and are then checked against its outcome, instead of all passing the check against the
 * same version and losing the race at commit: one write per auction at a time, and a refused bid never
 * writes. (Other processes or Lambdas still race through the version condition.)
 */
export function makePlaceBid(deps: AuctionDeps) {
  /** Per auction, the bid write this process has in flight; settles (never rejects) when it is done. */
  const writing = new Map<string, Promise<unknown>>();
  return async (auctionId: string, amount: number, actor: Actor, options: PlaceBidOptions = {}): Promise<PlacedBid> => {
    if (!actor.userId) throw new UnauthenticatedError("Sign in to bid");
    for (let race = 0; race < MAX_RACES; ) {
      const pending = writing.get(auctionId);
      if (pending) {
        await pending;
        continue;
      }
      const auction = await loadAuction(deps.store, auctionId);
      // Another bid may have started its write while this one read; check against that write's outcome.
      if (writing.has(auctionId)) continue;
      const now = deps.clock.now();
      checkBid(auction, actor.userId, amount, now);
      // A bid at or above the buy-now price wins at once, at that price (a slip of the finger above it costs
      // nothing): the auction closes sold in the same write.
      const boughtNow = auction.buyNowPrice !== undefined && amount >= auction.buyNowPrice;
      const bid: Bid = {
        id: `bid_${deps.ids.next()}`,
        auctionId,
        bidderId: actor.userId,
        amount: boughtNow ? (auction.buyNowPrice ?? amount) : amount,
        at: now.toISOString(),
      };
      const next: Auction = {
        ...auction,
        highestBid: bid,
        bidCount: auction.bidCount + 1,
        updatedAt: bid.at,
        ...(boughtNow
          ? {
              status: "sold" as const,
              checkoutDeadline: new Date(
                now.getTime() + (deps.checkoutWindowMs ?? DEFAULT_CHECKOUT_WINDOW_MS),
              ).toISOString(),
            }
          : {}),
      };
      const events: DomainEvent[] = [
        auctionEvent(deps, auctionId, AuctionEvent.bidPlaced, { amount: bid.amount, bidCount: next.bidCount }),
      ];
      const outbid = auction.highestBid;
      if (outbid && outbid.bidderId !== actor.userId) {
        events.push(
          auctionEvent(deps, auctionId, AuctionEvent.outbid, {
            bidderId: outbid.bidderId,
            amount: outbid.amount,
            newAmount: bid.amount,
          }),
        );
      }
      if (boughtNow) {
        events.push(
          auctionEvent(deps, auctionId, AuctionEvent.closed, {
            outcome: "sold",
            boughtNow: true,
            sellerId: auction.sellerId,
            winnerId: actor.userId,
            amount: bid.amount,
            checkoutDeadline: next.checkoutDeadline,
          }),
        );
      }
      const placed: PlacedBid = { auction: { ...next, version: auction.version + 1 }, bid };
      const ops: TransactOp[] = [
        nextVersionWrite(auction, next),
        { op: "put", item: bidToItem(bid, next.bidCount) },
        ...(options.alsoWrite?.(placed) ?? []),
      ];
      // Only a failed version condition (operation 0) is a lost race; another one failing is thrown.
      const commit = commitOnce(deps.store, ops, correlated(options, ...events), [0]);
      const done = () => writing.delete(auctionId);
      writing.set(auctionId, commit.then(done, done));
      if (await commit) return placed;
      race++;
    }
    throw new ConflictError("AUCTION_BUSY", "Too many bids at once; try again");
  };
}
