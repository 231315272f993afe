import type { Auction, Bid } from "../../domain/auctions/auction.js";
import { NotFoundError } from "../../domain/shared/errors.js";
import { type Item, type ItemKey, type ItemStore, itemAt } from "../../ports/item-store.js";

/** Where auctions and bids live in the item store: one place for the key formats. */
export const auctionKey = (id: string): ItemKey => ({ pk: `AUCTION#${id}`, sk: "AUCTION" });
export const isAuctionKey = (key: ItemKey): boolean => key.sk === "AUCTION";
export const bidKey = (auctionId: string, bidCount: number): ItemKey => ({
  pk: `AUCTION#${auctionId}`,
  sk: `BID#${String(bidCount).padStart(8, "0")}`,
});
/** Active auctions by end time (open lists, "ending soon", the closing sweep). */
export const ACTIVE_AUCTIONS = "AUCTIONS#active";
export const sellerAuctions = (sellerId: string) => `SELLER#${sellerId}`;

export function auctionToItem(auction: Auction): Item {
  return itemAt(
    auctionKey(auction.id),
    {
      gsi1pk: `AUCTIONS#${auction.status}`,
      gsi1sk: `${auction.endsAt}#${auction.id}`,
      gsi2pk: sellerAuctions(auction.sellerId),
      gsi2sk: `${auction.createdAt}#${auction.id}`,
    },
    auction,
  );
}

export function auctionFromItem(item: Item): Auction {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _s1, gsi2pk: _g2, gsi2sk: _s2, ...auction } = item;
  return auction as unknown as Auction;
}

export const bidderBids = (bidderId: string) => `BIDDER#${bidderId}`;

export function bidToItem(bid: Bid, bidCount: number): Item {
  return itemAt(
    bidKey(bid.auctionId, bidCount),
    { gsi1pk: bidderBids(bid.bidderId), gsi1sk: `${bid.at}#${bid.id}` },
    bid,
  );
}

export function auctionNotFound(id: string) {
  return new NotFoundError("AUCTION_NOT_FOUND", `There is no auction ${id}`);
}

export async function loadAuction(store: ItemStore, id: string): Promise<Auction> {
  const item = await store.get(auctionKey(id));
  if (!item) throw auctionNotFound(id);
  return auctionFromItem(item);
}
