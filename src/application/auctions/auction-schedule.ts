import type { StoredEvent } from "../../domain/shared/event.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { Scheduler } from "../../ports/scheduler.js";
import { ACTIVE_AUCTIONS, loadAuction } from "./auction-items.js";
import type { makeCloseAuction } from "./close-auction.js";

export const CLOSE_DUE = "auction_close_due";
/**
 * "Sweep now", put on the closer's queue every few minutes on AWS by a recurring schedule (the local
 * runtime sweeps on its own timer): auctions whose close timer was missed or dead-lettered still close.
 */
export const SWEEP_DUE = "auction_sweep_due";
const closeTimer = (auctionId: string) => `auction-close-${auctionId}`;

/** Consumer of auction_created / _updated / _cancelled: keeps one persisted close timer per auction. */
export function makeKeepCloseSchedule(deps: { store: ItemStore; scheduler: Scheduler }) {
  return async (event: StoredEvent): Promise<void> => {
    const auction = await loadAuction(deps.store, event.key);
    if (auction.status !== "active") return deps.scheduler.cancel(closeTimer(auction.id));
    await deps.scheduler.schedule(closeTimer(auction.id), new Date(auction.endsAt), {
      type: CLOSE_DUE,
      key: auction.id,
    });
  };
}

/** The periodic sweep: closes every active auction whose end has passed (a timer that was missed). */
export function makeSweepAuctions(deps: { store: ItemStore; closeAuction: ReturnType<typeof makeCloseAuction> }) {
  return async (now: Date): Promise<number> => {
    let closed = 0;
    let cursor: string | undefined;
    do {
      const page = await deps.store.query({
        partition: ACTIVE_AUCTIONS,
        index: "gsi1",
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.items) {
        if (String(item.endsAt) > now.toISOString()) return closed; // sorted by end time: the rest end later
        if (await deps.closeAuction(String(item.id))) closed++;
      }
      cursor = page.cursor;
    } while (cursor);
    return closed;
  };
}
