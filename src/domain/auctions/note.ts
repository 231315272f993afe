import { z } from "zod";

/** A seller's private note, optionally about one of their auctions. Only its author ever sees it. */
export interface SellerNote {
  id: string;
  sellerId: string;
  auctionId?: string;
  text: string;
  createdAt: string;
  updatedAt: string;
}

export const NoteBody = z
  .strictObject({
    text: z.string().trim().min(1).max(5000),
    auctionId: z.string().min(1).max(64).optional(),
  })
  .meta({ id: "SellerNote" });
export type NoteBody = z.infer<typeof NoteBody>;

export const NoteChange = z.strictObject({ text: z.string().trim().min(1).max(5000) }).meta({ id: "SellerNoteChange" });
