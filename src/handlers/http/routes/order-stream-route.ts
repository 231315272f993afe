import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { timelineFor } from "../../../application/orders/order-access.js";
import type { HttpEnv } from "../http-env.js";
import { errorResponses, tooManyStreams } from "../schemas.js";
import { type TimelineFeed, timelineStream } from "../timeline-stream.js";
import type { OrderUseCases } from "./order-routes.js";

/**
 * `GET /orders/{id}/events`: the order's timeline as Server-Sent Events — its history, then each new
 * event as it commits. Every event's SSE id is its sequence number, so a client reconnecting with
 * `Last-Event-ID` resumes exactly after the last event it saw.
 */
export function registerOrderStreamRoute(app: OpenAPIHono<HttpEnv>, useCases: OrderUseCases, feed: TimelineFeed) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/orders/{id}/events",
      tags: ["Orders"],
      summary: "Live timeline (Server-Sent Events); resumes after `Last-Event-ID`",
      request: {
        params: z.object({ id: z.string().min(1).max(64) }),
        query: z.object({
          token: z.string().max(200).optional(),
          lastEventId: z.coerce
            .number()
            .int()
            .min(0)
            .optional()
            .meta({ description: "Same as the Last-Event-ID header" }),
        }),
        headers: z.object({ "last-event-id": z.coerce.number().int().min(0).optional() }),
      },
      responses: {
        200: {
          description: "A stream of `TimelineEvent`s; the SSE `event` is the event type and `id` its sequence number",
          content: { "text/event-stream": { schema: z.string() } },
        },
        404: errorResponses[404],
        503: tooManyStreams,
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const actor = c.get("actor");
      await useCases.getOrder(id, actor); // the same authorization as GET /orders/{id}
      const after = c.req.valid("header")["last-event-id"] ?? c.req.valid("query").lastEventId ?? 0;
      return timelineStream(c, id, feed, after, timelineFor(actor), c.get("stillSignedIn")) as never;
    },
  );
}
