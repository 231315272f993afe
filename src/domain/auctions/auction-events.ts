/** Event types of an auction's timeline (keyed by the auction id). */
export const AuctionEvent = {
  created: "auction_created",
  updated: "auction_updated",
  bidPlaced: "bid_placed",
  outbid: "bidder_outbid",
  cancelled: "auction_cancelled",
  closed: "auction_closed",
  checkoutRequested: "auction_checkout_requested",
  paid: "auction_paid",
  checkoutFailed: "auction_checkout_failed",
  checkoutLapsed: "auction_checkout_lapsed",
} as const;
