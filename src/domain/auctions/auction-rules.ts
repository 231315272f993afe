import { ConflictError, DomainError, ForbiddenError } from "../shared/errors.js";
import type { Auction } from "./auction.js";

/** Smallest raise over the current highest bid: 5 % of it, at least 1.00. */
export function minimumIncrement(current: number): number {
  return Math.max(100, Math.ceil(current * 0.05));
}

/** The lowest amount the next bid may have. */
export function minimumNextBid(auction: Auction): number {
  return auction.highestBid
    ? auction.highestBid.amount + minimumIncrement(auction.highestBid.amount)
    : auction.startingPrice;
}

export type AuctionPhase = "scheduled" | "open" | "ended" | "sold" | "unsold" | "cancelled";

/** Where the auction stands at `now`: an active auction is scheduled, open, or ended awaiting its close. */
export function phaseAt(auction: Auction, now: Date): AuctionPhase {
  if (auction.status !== "active") return auction.status;
  const t = now.getTime();
  if (t < Date.parse(auction.startsAt)) return "scheduled";
  return t < Date.parse(auction.endsAt) ? "open" : "ended";
}

/** A refused bid carries the current highest amount, so the client can show it. */
export class BidRejectedError extends DomainError {
  override name = "BidRejectedError";
  constructor(
    code: "BID_TOO_LOW" | "AUCTION_CLOSED" | "AUCTION_NOT_STARTED",
    message: string,
    readonly currentHighest: number | null,
    readonly minimumBid: number,
  ) {
    super(code, code === "BID_TOO_LOW" ? "unprocessable" : "conflict", message);
    this.details = { currentHighest, minimumBid };
  }
}

/**
 * Refusals are answers, not faults, and on a hot auction nearly every bid gets one: they are made
 * without capturing a stack trace, which would cost more than checking the bid.
 */
function refusal(...args: ConstructorParameters<typeof BidRejectedError>): BidRejectedError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new BidRejectedError(...args);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Checks a bid against the rules; throws the reason it is refused. */
export function checkBid(auction: Auction, bidderId: string, amount: number, now: Date): void {
  if (bidderId === auction.sellerId) throw new ForbiddenError("You cannot bid on your own auction", "OWN_AUCTION");
  const phase = phaseAt(auction, now);
  const highest = auction.highestBid?.amount ?? null;
  const minimum = minimumNextBid(auction);
  if (phase === "scheduled") {
    throw refusal("AUCTION_NOT_STARTED", "The auction has not started yet", highest, minimum);
  }
  if (phase !== "open") throw refusal("AUCTION_CLOSED", "The auction is closed", highest, minimum);
  if (amount < minimum) {
    throw refusal("BID_TOO_LOW", `Bid at least ${(minimum / 100).toFixed(2)} ${auction.currency}`, highest, minimum);
  }
}

/** The result of closing: sold to the highest bidder if the reserve is met, else unsold. */
export function closingOutcome(auction: Auction): { status: "sold" | "unsold"; reason?: string } {
  if (!auction.highestBid) return { status: "unsold", reason: "no bids" };
  if (auction.reservePrice !== undefined && auction.highestBid.amount < auction.reservePrice) {
    return { status: "unsold", reason: "reserve not met" };
  }
  return { status: "sold" };
}

/**
 * A seller may change or cancel an auction only while it runs (or before it starts): once its end time
 * has passed, its outcome is the close's to settle (sold to the highest bid, or unsold), also in the
 * moments before the close has run.
 */
export function assertNotEnded(auction: Auction, now: Date): void {
  if (auction.status !== "active") throw new ConflictError("AUCTION_NOT_ACTIVE", `The auction is ${auction.status}`);
  if (phaseAt(auction, now) === "ended") {
    throw new ConflictError("AUCTION_ENDED", "The auction has ended; its outcome is being settled");
  }
}

/** Sellers may change an auction only before its end and its first bid. */
export function assertEditable(auction: Auction, now: Date): void {
  assertNotEnded(auction, now);
  if (auction.bidCount > 0) throw new ConflictError("AUCTION_HAS_BIDS", "An auction cannot change once it has bids");
}
