import type { Auction } from "../../domain/auctions/auction.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import type { CreateAuctionBody } from "../../domain/auctions/auction-schemas.js";
import { type Actor, hasRole } from "../../domain/shared/actor.js";
import { ForbiddenError, UnauthenticatedError, ValidationError } from "../../domain/shared/errors.js";
import { when } from "../../ports/item-store.js";
import { findProduct } from "../catalog/product-items.js";
import { type CommitWith, correlated } from "../shared/commit-with.js";
import { type AuctionDeps, auctionEvent } from "./auction-deps.js";
import { auctionToItem } from "./auction-items.js";

export function assertSeller(actor: Actor): string {
  if (!actor.userId) throw new UnauthenticatedError("Sign in as a seller");
  if (!hasRole(actor, "seller")) throw new ForbiddenError("This needs the seller role");
  return actor.userId;
}

/** A seller lists an auction; its close is scheduled by a consumer of `auction_created`. */
export function makeCreateAuction(deps: AuctionDeps) {
  return async (input: CreateAuctionBody, actor: Actor, options: CommitWith<Auction> = {}): Promise<Auction> => {
    const sellerId = assertSeller(actor);
    const now = deps.clock.now();
    if (Date.parse(input.endsAt) <= now.getTime()) {
      throw new ValidationError("The auction would already be over", [
        { path: "endsAt", message: "Must be in the future" },
      ]);
    }
    // A listing may name the catalog product it sells: one that exists, by its id or catalog number.
    const product = input.productId ? await findProduct(deps.store, input.productId) : undefined;
    if (input.productId && !product) {
      throw new ValidationError("There is no such product", [
        { path: "productId", message: "No product in the catalog has this id or number" },
      ]);
    }
    const auction: Auction = {
      id: `auc_${deps.ids.next()}`,
      sellerId,
      title: input.title,
      description: input.description,
      ...(product ? { productId: product.id } : {}),
      currency: input.currency,
      startingPrice: input.startingPrice,
      ...(input.reservePrice !== undefined ? { reservePrice: input.reservePrice } : {}),
      ...(input.buyNowPrice !== undefined ? { buyNowPrice: input.buyNowPrice } : {}),
      startsAt: new Date(input.startsAt).toISOString(),
      endsAt: new Date(input.endsAt).toISOString(),
      status: "active",
      bidCount: 0,
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const created = auctionEvent(deps, auction.id, AuctionEvent.created, { endsAt: auction.endsAt, sellerId });
    await deps.store.transact(
      [
        { op: "put", item: auctionToItem(auction), condition: when.notExists() },
        ...(options.alsoWrite?.(auction) ?? []),
      ],
      correlated(options, created),
    );
    return auction;
  };
}
