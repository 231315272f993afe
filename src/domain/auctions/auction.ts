import type { Money } from "../shared/money.js";

/** Stored states; whether an active auction is open for bids depends on the clock (see auction-rules). */
export const AUCTION_STATUSES = ["active", "sold", "unsold", "cancelled"] as const;
export type AuctionStatus = (typeof AUCTION_STATUSES)[number];

export interface Bid {
  id: string;
  auctionId: string;
  bidderId: string;
  amount: number;
  at: string;
}

export interface Auction {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  productId?: string;
  currency: string;
  /** All amounts in minor units (cents). */
  startingPrice: number;
  reservePrice?: number;
  buyNowPrice?: number;
  startsAt: string;
  endsAt: string;
  status: AuctionStatus;
  highestBid?: Bid;
  bidCount: number;
  /** Incremented by every change; writes are conditional on it, so no update is ever lost. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function money(auction: Auction, amount: number): Money {
  return { amount, currency: auction.currency };
}
