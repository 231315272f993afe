import type { NoteBody, SellerNote } from "../../domain/auctions/note.js";
import type { Actor } from "../../domain/shared/actor.js";
import { ForbiddenError, NotFoundError } from "../../domain/shared/errors.js";
import { ConditionFailedError, type Item, itemAt, when } from "../../ports/item-store.js";
import type { AuctionDeps } from "../auctions/auction-deps.js";
import { loadAuction } from "../auctions/auction-items.js";
import { assertSeller } from "../auctions/create-auction.js";
import type { CommitWith } from "../shared/commit-with.js";

const noteKey = (sellerId: string, id: string) => ({ pk: `NOTES#${sellerId}`, sk: `NOTE#${id}` });
const notFound = (id: string) => new NotFoundError("NOTE_NOT_FOUND", `There is no note ${id}`);

function fromItem(item: Item): SellerNote {
  const { pk: _pk, sk: _sk, ...note } = item;
  return note as unknown as SellerNote;
}

/**
 * Private notes per seller: every read and write is scoped to the caller's own partition, so another
 * seller's note is simply not found, and a note can only be about the author's own auction.
 */
export function makeSellerNotes(deps: AuctionDeps) {
  const { store, clock, ids } = deps;
  return {
    async create(input: NoteBody, actor: Actor, options: CommitWith<SellerNote> = {}): Promise<SellerNote> {
      const sellerId = assertSeller(actor);
      if (input.auctionId) {
        const auction = await loadAuction(store, input.auctionId);
        if (auction.sellerId !== sellerId)
          throw new ForbiddenError("Notes can only be about your own auctions", "NOT_YOUR_AUCTION");
      }
      const now = clock.now().toISOString();
      const note: SellerNote = { id: `note_${ids.next()}`, sellerId, ...input, createdAt: now, updatedAt: now };
      await store.transact(
        [
          { op: "put", item: itemAt(noteKey(sellerId, note.id), note), condition: when.notExists() },
          ...(options.alsoWrite?.(note) ?? []),
        ],
        [],
      );
      return note;
    },
    async list(actor: Actor, auctionId?: string): Promise<SellerNote[]> {
      const sellerId = assertSeller(actor);
      const page = await store.query({
        partition: `NOTES#${sellerId}`,
        beginsWith: "NOTE#",
        limit: 500,
        descending: true,
        ...(auctionId ? { filter: when.eq("auctionId", auctionId) } : {}),
      });
      return page.items.map(fromItem);
    },
    async get(id: string, actor: Actor): Promise<SellerNote> {
      const item = await store.get(noteKey(assertSeller(actor), id));
      if (!item) throw notFound(id);
      return fromItem(item);
    },
    async update(id: string, text: string, actor: Actor): Promise<SellerNote> {
      try {
        return fromItem(
          await store.update(
            noteKey(assertSeller(actor), id),
            { set: { text, updatedAt: clock.now().toISOString() } },
            when.exists(),
          ),
        );
      } catch (error) {
        if (error instanceof ConditionFailedError) throw notFound(id);
        throw error;
      }
    },
    async remove(id: string, actor: Actor): Promise<void> {
      try {
        await store.delete(noteKey(assertSeller(actor), id), when.exists());
      } catch (error) {
        if (error instanceof ConditionFailedError) throw notFound(id);
        throw error;
      }
    },
  };
}
