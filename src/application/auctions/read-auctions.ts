import type { Auction } from "../../domain/auctions/auction.js";
import { AUCTION_STATUSES, type AuctionStatus } from "../../domain/auctions/auction.js";
import { minimumNextBid, phaseAt } from "../../domain/auctions/auction-rules.js";
import type { Actor } from "../../domain/shared/actor.js";
import { UnauthenticatedError } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemStore } from "../../ports/item-store.js";
import { auctionFromItem, bidderBids, loadAuction, sellerAuctions } from "./auction-items.js";

/** An auction as anyone may see it: bidders are never identified, except "yours" to the bidder. */
export function auctionView(auction: Auction, actor: Actor, now: Date) {
  const { highestBid, version: _version, checkout, lapsedWinnerId: _lapsed, ...rest } = auction;
  const party = checkout && (checkout.buyerId === actor.userId || auction.sellerId === actor.userId);
  return {
    ...rest,
    ...(checkout && party
      ? {
          checkout: {
            state: checkout.state,
            ...(checkout.orderId ? { orderId: checkout.orderId } : {}),
            ...(checkout.failureReason ? { failureReason: checkout.failureReason } : {}),
            ...(checkout.failureCode ? { failureCode: checkout.failureCode } : {}),
          },
        }
      : {}),
    phase: phaseAt(auction, now),
    minimumBid: minimumNextBid(auction),
    ...(highestBid
      ? { highestBid: { amount: highestBid.amount, at: highestBid.at, yours: highestBid.bidderId === actor.userId } }
      : {}),
  };
}
export type AuctionView = ReturnType<typeof auctionView>;

export function makeGetAuction({ store, clock }: { store: ItemStore; clock: Clock }) {
  return async (id: string, actor: Actor): Promise<AuctionView> =>
    auctionView(await loadAuction(store, id), actor, clock.now());
}

export interface ListAuctionsQuery {
  status?: AuctionStatus;
  sellerId?: string;
  limit?: number;
  cursor?: string;
}

/** Auctions by status, ending soonest first (default: active), or one seller's, newest first. */
export function makeListAuctions({ store, clock }: { store: ItemStore; clock: Clock }) {
  return async (query: ListAuctionsQuery, actor: Actor) => {
    const page = await store.query({
      ...(query.sellerId
        ? { partition: sellerAuctions(query.sellerId), index: "gsi2" as const, descending: true }
        : { partition: `AUCTIONS#${query.status ?? "active"}`, index: "gsi1" as const }),
      limit: query.limit ?? 20,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    const now = clock.now();
    const items = page.items
      .map(auctionFromItem)
      .filter((auction) => !query.sellerId || !query.status || auction.status === query.status)
      .map((auction) => auctionView(auction, actor, now));
    return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
  };
}

/** The caller's own bids, newest first, each with its auction as the caller may see it. */
export function makeListMyBids({ store, clock }: { store: ItemStore; clock: Clock }) {
  return async (actor: Actor, page: { limit?: number; cursor?: string } = {}) => {
    if (!actor.userId) throw new UnauthenticatedError("Sign in to see your bids");
    const bids = await store.query({
      partition: bidderBids(actor.userId),
      index: "gsi1",
      descending: true,
      limit: page.limit ?? 50,
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
    const now = clock.now();
    const items = await Promise.all(
      bids.items.map(async (bid) => ({
        bid: { id: String(bid.id), amount: Number(bid.amount), at: String(bid.at) },
        auction: auctionView(await loadAuction(store, String(bid.auctionId)), actor, now),
      })),
    );
    return { items, ...(bids.cursor ? { cursor: bids.cursor } : {}) };
  };
}

export { AUCTION_STATUSES };
