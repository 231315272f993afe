/** Event types of an auction's timeline (keyed by the auction id). */
export const AuctionEvent = {
  created: "auction_created",
  updated: "auction_updated",
  bidPlaced: "bid_placed",
  outbid: "bidder_outbid",
  cancelled: "auction_cancelled",
  closed: "auction_closed",
} as const;
