import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { makeSellerNotes } from "../../../application/sellers/seller-notes.js";
import { NoteBody, NoteChange, type SellerNote } from "../../../domain/auctions/note.js";
import { ANSWERED_IN_TRANSACTION, committedAnswer } from "../committed-answer.js";
import type { HttpEnv } from "../http-env.js";
import { signedInOnly } from "../require-role.js";
import { errorResponses, jsonContent } from "../schemas.js";

const Note = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    auctionId: z.string().optional(),
    text: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Note" });
const NoteId = z.object({ id: z.string().min(1).max(64) });
const common = { tags: ["Seller notes"], ...signedInOnly };
const json = <S extends z.ZodType>(schema: S) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

/** A seller's private notes (CRUD), visible only to their author. */
export function registerNoteRoutes(app: OpenAPIHono<HttpEnv>, notes: ReturnType<typeof makeSellerNotes>) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/seller/notes",
      summary: "Your notes, newest first (optionally about one auction)",
      ...common,
      request: { query: z.object({ auctionId: z.string().max(64).optional() }) },
      responses: { 200: jsonContent(z.object({ items: z.array(Note) }), "Your notes"), ...errorResponses },
    }),
    async (c) => c.json({ items: await notes.list(c.get("actor"), c.req.valid("query").auctionId) }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/seller/notes",
      summary: "Write a note",
      ...common,
      ...ANSWERED_IN_TRANSACTION,
      request: json(NoteBody),
      responses: { 201: jsonContent(Note, "Created"), ...errorResponses },
    }),
    async (c) => {
      const answer = committedAnswer(
        c,
        201,
        (note: SellerNote) => note,
        (note) => `/seller/notes/${note.id}`,
      );
      const note = await notes.create(c.req.valid("json"), c.get("actor"), answer.options);
      return c.json(answer.body(note), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/seller/notes/{id}",
      summary: "One of your notes",
      ...common,
      request: { params: NoteId },
      responses: { 200: jsonContent(Note, "The note"), ...errorResponses },
    }),
    async (c) => c.json(await notes.get(c.req.valid("param").id, c.get("actor")), 200),
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/seller/notes/{id}",
      summary: "Change a note's text",
      ...common,
      request: { params: NoteId, ...json(NoteChange) },
      responses: { 200: jsonContent(Note, "Updated"), ...errorResponses },
    }),
    async (c) => c.json(await notes.update(c.req.valid("param").id, c.req.valid("json").text, c.get("actor")), 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/seller/notes/{id}",
      summary: "Delete a note",
      ...common,
      request: { params: NoteId },
      responses: { 204: { description: "Deleted" }, ...errorResponses },
    }),
    async (c) => {
      await notes.remove(c.req.valid("param").id, c.get("actor"));
      return c.body(null, 204);
    },
  );
}
