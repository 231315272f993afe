import type { Auction } from "../../domain/auctions/auction.js";
import type { DomainEvent } from "../../domain/shared/event.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import { type ItemStore, type TransactOp, when } from "../../ports/item-store.js";
import { auctionKey, auctionToItem } from "./auction-items.js";

export interface AuctionDeps {
  store: ItemStore;
  ids: IdGenerator;
  clock: Clock;
  /** How long a winner has to check out (default 48 hours). */
  checkoutWindowMs?: number;
}

export const DEFAULT_CHECKOUT_WINDOW_MS = 48 * 3600 * 1000;

export function auctionEvent(
  deps: AuctionDeps,
  auctionId: string,
  type: string,
  data: Record<string, unknown> = {},
): DomainEvent {
  return { id: `evt_${deps.ids.next()}`, type, key: auctionId, at: deps.clock.now().toISOString(), data };
}

/**
 * The write that replaces an auction with its next version, conditional on the version it was read
 * at (optimistic concurrency): two concurrent changes cannot both win.
 */
export function nextVersionWrite(previous: Auction, next: Auction): TransactOp {
  return {
    op: "put",
    item: auctionToItem({ ...next, version: previous.version + 1 }),
    condition: when.eq("version", previous.version),
  };
}

export { auctionKey };
