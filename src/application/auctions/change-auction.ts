import type { Auction } from "../../domain/auctions/auction.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import { assertEditable, assertNotEnded } from "../../domain/auctions/auction-rules.js";
import { termsProblems, type UpdateAuctionBody } from "../../domain/auctions/auction-schemas.js";
import { type Actor, hasRole } from "../../domain/shared/actor.js";
import { ConflictError, ForbiddenError, UnauthenticatedError, ValidationError } from "../../domain/shared/errors.js";
import { commitOnce } from "../shared/commit-once.js";
import { type CommitWith, correlated } from "../shared/commit-with.js";
import { type AuctionDeps, auctionEvent, nextVersionWrite } from "./auction-deps.js";
import { loadAuction } from "./auction-items.js";

function assertOwner(actor: Actor, auction: Auction, adminToo: boolean): void {
  if (!actor.userId) throw new UnauthenticatedError();
  if (auction.sellerId === actor.userId || (adminToo && hasRole(actor, "admin"))) return;
  throw new ForbiddenError("Only the auction's seller may change it", "NOT_YOUR_AUCTION");
}

async function commitChange(
  deps: AuctionDeps,
  previous: Auction,
  next: Auction,
  type: string,
  data: Record<string, unknown>,
  options: CommitWith<Auction>,
) {
  const changed = { ...next, version: previous.version + 1 };
  const committed = await commitOnce(
    deps.store,
    [nextVersionWrite(previous, next), ...(options.alsoWrite?.(changed) ?? [])],
    correlated(options, auctionEvent(deps, next.id, type, data)),
  );
  if (!committed)
    throw new ConflictError("AUCTION_CHANGED", "The auction changed meanwhile (a bid came in); reload it");
  return changed;
}

/** The seller edits an auction, only before its first bid; the same rules as at creation apply. */
export function makeUpdateAuction(deps: AuctionDeps) {
  return async (
    id: string,
    changes: UpdateAuctionBody,
    actor: Actor,
    options: CommitWith<Auction> = {},
  ): Promise<Auction> => {
    const auction = await loadAuction(deps.store, id);
    assertOwner(actor, auction, false);
    assertEditable(auction, deps.clock.now());
    const next: Auction = {
      ...auction,
      ...changes,
      ...(changes.startsAt ? { startsAt: new Date(changes.startsAt).toISOString() } : {}),
      ...(changes.endsAt ? { endsAt: new Date(changes.endsAt).toISOString() } : {}),
      updatedAt: deps.clock.now().toISOString(),
    };
    const problems = termsProblems(next);
    if (Date.parse(next.endsAt) <= deps.clock.now().getTime())
      problems.push({ path: "endsAt", message: "Must be in the future" });
    if (problems.length > 0) throw new ValidationError("The changed auction would be invalid", problems);
    return commitChange(deps, auction, next, AuctionEvent.updated, { endsAt: next.endsAt }, options);
  };
}

/** The seller (or an admin) cancels an active auction; its bidders are told. */
export function makeCancelAuction(deps: AuctionDeps) {
  return async (id: string, actor: Actor, options: CommitWith<Auction> = {}): Promise<Auction> => {
    const auction = await loadAuction(deps.store, id);
    assertOwner(actor, auction, true);
    assertNotEnded(auction, deps.clock.now());
    const next: Auction = { ...auction, status: "cancelled", updatedAt: deps.clock.now().toISOString() };
    return commitChange(deps, auction, next, AuctionEvent.cancelled, { by: actor.userId }, options);
  };
}
