import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type {
  makeGetAgreement,
  makeGetAgreementSummary,
  makeRequestAgreementUpload,
} from "../../../application/auctions/agreement-upload.js";
import type { makeGetAuctionQr } from "../../../application/auctions/auction-qr.js";
import type { makeCancelAuction, makeUpdateAuction } from "../../../application/auctions/change-auction.js";
import type { makeCreateAuction } from "../../../application/auctions/create-auction.js";
import type { makePlaceBid, PlacedBid } from "../../../application/auctions/place-bid.js";
import {
  AUCTION_STATUSES,
  auctionView,
  type makeGetAuction,
  type makeListAuctions,
  type makeListMyBids,
} from "../../../application/auctions/read-auctions.js";
import type { makeRequestCheckout } from "../../../application/auctions/request-checkout.js";
import { AgreementUploadBody } from "../../../domain/auctions/agreement.js";
import type { Auction } from "../../../domain/auctions/auction.js";
import { AuctionEvent } from "../../../domain/auctions/auction-events.js";
import {
  BidBody,
  CheckoutBody,
  CreateAuctionBody,
  UpdateAuctionBody,
} from "../../../domain/auctions/auction-schemas.js";
import type { StoredEvent } from "../../../domain/shared/event.js";
import type { Clock } from "../../../ports/clock.js";
import { ANSWERED_IN_TRANSACTION, committedAnswer } from "../committed-answer.js";
import type { HttpEnv } from "../http-env.js";
import { signedInOnly } from "../require-role.js";
import { errorResponses, FailureCodeSchema, jsonContent, PageQuery, tooManyStreams } from "../schemas.js";
import { type TimelineFeed, timelineStream } from "../timeline-stream.js";

export interface AuctionUseCases {
  createAuction: ReturnType<typeof makeCreateAuction>;
  updateAuction: ReturnType<typeof makeUpdateAuction>;
  cancelAuction: ReturnType<typeof makeCancelAuction>;
  placeBid: ReturnType<typeof makePlaceBid>;
  getAuction: ReturnType<typeof makeGetAuction>;
  listAuctions: ReturnType<typeof makeListAuctions>;
  listMyBids: ReturnType<typeof makeListMyBids>;
  getAuctionQr: ReturnType<typeof makeGetAuctionQr>;
  requestAgreementUpload: ReturnType<typeof makeRequestAgreementUpload>;
  getAgreement: ReturnType<typeof makeGetAgreement>;
  getAgreementSummary: ReturnType<typeof makeGetAgreementSummary>;
  requestCheckout: ReturnType<typeof makeRequestCheckout>;
}

const AuctionSchema = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    title: z.string(),
    description: z.string(),
    productId: z.string().optional(),
    currency: z.string(),
    startingPrice: z.number().int(),
    reservePrice: z.number().int().optional(),
    buyNowPrice: z.number().int().optional(),
    startsAt: z.string(),
    endsAt: z.string(),
    status: z.enum(AUCTION_STATUSES),
    phase: z.enum(["scheduled", "open", "ended", "sold", "unsold", "cancelled"]),
    minimumBid: z.number().int(),
    bidCount: z.number().int(),
    highestBid: z.object({ amount: z.number().int(), at: z.string(), yours: z.boolean() }).optional(),
    checkoutDeadline: z.string().optional(),
    checkout: z
      .object({
        state: z.string(),
        orderId: z.string().optional(),
        failureReason: z.string().optional(),
        failureCode: FailureCodeSchema.optional(),
      })
      .optional()
      .meta({ description: "Shown to the winner and the seller only" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Auction" });
const AuctionId = z.object({ id: z.string().min(1).max(64) });
const json = <S extends z.ZodType>(schema: S) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const tags = ["Auctions"];
/**
 * The auction events anyone may watch, each with the fields that name a person left out: bid amounts and
 * the outcome (sold, paid, lapsed, cancelled) are public; who bid, who won and who cancelled are not, nor
 * the winner's order or failed payment attempts (outbid notices go to the bidder only).
 */
const PUBLIC_AUCTION_EVENTS = new Map<string, readonly string[]>([
  [AuctionEvent.created, []],
  [AuctionEvent.updated, []],
  [AuctionEvent.bidPlaced, ["bidderId"]],
  [AuctionEvent.cancelled, ["by"]],
  [AuctionEvent.closed, ["winnerId"]],
  // The outcome of the payment (paid, or the win lapsed unpaid); a failed attempt stays between winner and seller.
  [AuctionEvent.paid, ["orderId", "checkoutId"]],
  [AuctionEvent.checkoutLapsed, ["winnerId", "sellerId"]],
]);

/** An auction event as a public watcher gets it; undefined for one they do not get. */
function publicAuctionEvent(event: StoredEvent): StoredEvent | undefined {
  const hidden = PUBLIC_AUCTION_EVENTS.get(event.type);
  if (!hidden) return undefined;
  if (!hidden.some((field) => field in event.data)) return event;
  return {
    ...event,
    data: Object.fromEntries(Object.entries(event.data).filter(([field]) => !hidden.includes(field))),
  };
}

export function registerAuctionRoutes(
  app: OpenAPIHono<HttpEnv>,
  useCases: AuctionUseCases,
  feed: TimelineFeed,
  clock: Clock,
) {
  const view = (
    c: { get(key: "actor"): import("../../../domain/shared/actor.js").Actor },
    auction: Parameters<typeof auctionView>[0],
  ) => auctionView(auction, c.get("actor"), clock.now());

  app.openapi(
    createRoute({
      method: "get",
      path: "/auctions",
      tags,
      summary: "Auctions by status, ending soonest first (default: active), or one seller's",
      request: {
        query: PageQuery.extend({ status: z.enum(AUCTION_STATUSES).optional(), seller: z.string().max(64).optional() }),
      },
      responses: {
        200: jsonContent(z.object({ items: z.array(AuctionSchema), cursor: z.string().optional() }), "A page"),
        400: errorResponses[400],
      },
    }),
    async (c) => {
      const { seller, ...query } = c.req.valid("query");
      return c.json(
        await useCases.listAuctions({ ...query, ...(seller ? { sellerId: seller } : {}) }, c.get("actor")),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/me/bids",
      tags,
      summary: "Your bids, newest first, each with its auction",
      ...signedInOnly,
      request: { query: PageQuery },
      responses: {
        200: jsonContent(
          z.object({
            items: z.array(
              z.object({
                bid: z.object({ id: z.string(), amount: z.number().int(), at: z.string() }),
                auction: AuctionSchema,
              }),
            ),
            cursor: z.string().optional(),
          }),
          "Your bids",
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await useCases.listMyBids(c.get("actor"), c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auctions/{id}",
      tags,
      summary: "One auction with its highest bid and bid count",
      request: { params: AuctionId },
      responses: { 200: jsonContent(AuctionSchema, "The auction"), 404: errorResponses[404] },
    }),
    async (c) => c.json(await useCases.getAuction(c.req.valid("param").id, c.get("actor")), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auctions",
      tags,
      summary: "List an auction (seller)",
      ...signedInOnly,
      ...ANSWERED_IN_TRANSACTION,
      request: json(CreateAuctionBody),
      responses: { 201: jsonContent(AuctionSchema, "Created"), ...errorResponses },
    }),
    async (c) => {
      const answer = committedAnswer(
        c,
        201,
        (auction: Auction) => view(c, auction),
        (auction) => `/auctions/${auction.id}`,
      );
      const auction = await useCases.createAuction(c.req.valid("json"), c.get("actor"), answer.options);
      return c.json(answer.body(auction), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/auctions/{id}",
      tags,
      summary: "Change an auction before its first bid (its seller)",
      ...signedInOnly,
      ...ANSWERED_IN_TRANSACTION,
      request: { params: AuctionId, ...json(UpdateAuctionBody) },
      responses: { 200: jsonContent(AuctionSchema, "Updated"), ...errorResponses },
    }),
    async (c) => {
      const answer = committedAnswer(c, 200, (auction: Auction) => view(c, auction));
      const { id } = c.req.valid("param");
      return c.json(
        answer.body(await useCases.updateAuction(id, c.req.valid("json"), c.get("actor"), answer.options)),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auctions/{id}/cancel",
      tags,
      summary: "Cancel an active auction (its seller or an admin); bidders are told",
      ...signedInOnly,
      ...ANSWERED_IN_TRANSACTION,
      request: { params: AuctionId },
      responses: { 200: jsonContent(AuctionSchema, "Cancelled"), ...errorResponses },
    }),
    async (c) => {
      const answer = committedAnswer(c, 200, (auction: Auction) => view(c, auction));
      return c.json(
        answer.body(await useCases.cancelAuction(c.req.valid("param").id, c.get("actor"), answer.options)),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auctions/{id}/bids",
      tags,
      summary: "Bid; refusals (BID_TOO_LOW, AUCTION_CLOSED, OWN_AUCTION) carry the current highest amount",
      description: "A refused bid stores nothing under its Idempotency-Key, so its retry is judged again.",
      ...signedInOnly,
      ...ANSWERED_IN_TRANSACTION,
      request: { params: AuctionId, ...json(BidBody) },
      responses: {
        201: jsonContent(
          z.object({
            auction: AuctionSchema,
            bid: z.object({ id: z.string(), amount: z.number().int(), at: z.string() }),
          }),
          "Accepted",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const answer = committedAnswer(c, 201, ({ auction, bid }: PlacedBid) => ({
        auction: view(c, auction),
        bid: { id: bid.id, amount: bid.amount, at: bid.at },
      }));
      const placed = await useCases.placeBid(
        c.req.valid("param").id,
        c.req.valid("json").amount,
        c.get("actor"),
        answer.options,
      );
      return c.json(answer.body(placed), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auctions/{id}/checkout",
      tags,
      summary:
        "The winner pays before the deadline: reserve, charge, create the order (a saga); poll the auction for the outcome",
      ...signedInOnly,
      request: { params: AuctionId, ...json(CheckoutBody) },
      responses: {
        202: jsonContent(
          z.object({ checkoutId: z.string(), state: z.string() }),
          "Checkout started (or already running or done)",
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const checkout = await useCases.requestCheckout(c.req.valid("param").id, c.req.valid("json"), c.get("actor"));
      return c.json({ checkoutId: checkout.id, state: checkout.state }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auctions/{id}/agreement/upload-url",
      tags,
      summary: "A short-lived URL to PUT the listing agreement to (its seller): one object, declared type and size",
      ...signedInOnly,
      request: { params: AuctionId, ...json(AgreementUploadBody) },
      responses: {
        201: jsonContent(
          z.object({
            url: z.string(),
            method: z.literal("PUT"),
            headers: z.record(z.string(), z.string()),
            expiresAt: z.string(),
            key: z.string(),
          }),
          "Upload with exactly these method and headers before expiresAt",
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(await useCases.requestAgreementUpload(c.req.valid("param").id, c.req.valid("json"), c.get("actor")), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auctions/{id}/agreement/summary",
      tags,
      summary: "Whether the listing agreement is attached, and which (its seller or an admin), without reading it",
      description:
        "`key` is the key the upload URL was given for: after an upload, the agreement is attached once this answers that key. 404 while none is attached.",
      ...signedInOnly,
      request: { params: AuctionId },
      responses: {
        200: jsonContent(
          z
            .object({ key: z.string(), contentType: z.string(), size: z.number().int(), uploadedAt: z.string() })
            .meta({ id: "AgreementSummary" }),
          "The attached agreement",
        ),
        404: errorResponses[404],
      },
    }),
    async (c) => c.json(await useCases.getAgreementSummary(c.req.valid("param").id, c.get("actor")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auctions/{id}/agreement",
      tags,
      summary: "The uploaded listing agreement (its seller or an admin)",
      description:
        "Locally the document itself; on AWS a 303 redirect to a link that serves it for a minute (an agreement may be larger than an API answer).",
      ...signedInOnly,
      request: { params: AuctionId },
      responses: {
        200: { description: "The document" },
        303: { description: "The document is served at `Location` (a link that works for a minute)" },
        404: errorResponses[404],
      },
    }),
    async (c) => {
      const document = await useCases.getAgreement(c.req.valid("param").id, c.get("actor"));
      if ("url" in document) return c.redirect(document.url, 303) as never;
      return c.body(document.body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": document.contentType }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auctions/{id}/qr",
      tags,
      summary: "The auction page's QR code, as SVG or PNG",
      request: { params: AuctionId, query: z.object({ format: z.enum(["svg", "png"]).default("svg") }) },
      responses: {
        200: {
          description: "The QR code",
          content: {
            "image/svg+xml": { schema: z.string() },
            "image/png": { schema: z.string().meta({ format: "binary" }) },
          },
        },
        404: errorResponses[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { format } = c.req.valid("query");
      await useCases.getAuction(id, c.get("actor"));
      const qr = await useCases.getAuctionQr(id, format);
      return c.body(qr.body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": qr.contentType }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auctions/{id}/events",
      tags,
      summary: "Live bids and the outcome (Server-Sent Events); resumes after `Last-Event-ID`",
      request: { params: AuctionId, headers: z.object({ "last-event-id": z.coerce.number().int().min(0).optional() }) },
      responses: {
        200: { description: "Auction events", content: { "text/event-stream": { schema: z.string() } } },
        404: errorResponses[404],
        503: tooManyStreams,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await useCases.getAuction(id, c.get("actor"));
      const after = c.req.valid("header")["last-event-id"] ?? 0;
      return timelineStream(c, id, feed, after, publicAuctionEvent) as never;
    },
  );
}
