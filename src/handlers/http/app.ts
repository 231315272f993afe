import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Idempotency } from "../../application/idempotency/idempotency.js";
import type { makeOrderStats } from "../../application/orders/order-stats.js";
import type { makeSellerNotes } from "../../application/sellers/seller-notes.js";
import type { Clock } from "../../ports/clock.js";
import type { EventLog } from "../../ports/event-log.js";
import type { Logger } from "../../ports/logger.js";
import type { QueueAdmin } from "../../ports/queue-admin.js";
import type { UsageMeter } from "../../ports/usage-meter.js";
import { type ActorResolver, actorMiddleware } from "./actor-middleware.js";
import { isAnsweredInTransaction } from "./committed-answer.js";
import { errorBody, makeErrorHandler, validationFailed } from "./error-response.js";
import type { HttpEnv } from "./http-env.js";
import { idempotencyMiddleware } from "./idempotency-middleware.js";
import { jsonBodyRequired, jsonBodySizeLimit } from "./json-body.js";
import {
  allowedMethods,
  documentMiddlewareAnswers,
  hasJsonBody,
  isSignedInRoute,
  MUTATING_METHODS,
  registeredRoutes,
} from "./registered-routes.js";
import { refuseGuestsOn } from "./require-role.js";
import { registerAdminRoutes } from "./routes/admin-routes.js";
import { type AuctionUseCases, registerAuctionRoutes } from "./routes/auction-routes.js";
import { type AuthUseCases, isCredentialRoute, registerAuthRoutes } from "./routes/auth-routes.js";
import { type CatalogUseCases, registerCatalogRoutes } from "./routes/catalog-routes.js";
import { type LifecycleUseCases, registerLifecycleRoutes } from "./routes/lifecycle-routes.js";
import { registerNoteRoutes } from "./routes/note-routes.js";
import { type OrderUseCases, registerOrderRoutes } from "./routes/order-routes.js";
import { registerOrderStreamRoute } from "./routes/order-stream-route.js";
import { registerSeedRoutes, type SeedRouteDefaults } from "./routes/seed-routes.js";
import { OpenStreams, type TimelineFeed } from "./timeline-stream.js";

export interface HttpAppDeps {
  useCases: CatalogUseCases &
    OrderUseCases &
    LifecycleUseCases &
    AuthUseCases &
    AuctionUseCases & {
      sellerNotes: ReturnType<typeof makeSellerNotes>;
      orderStats: ReturnType<typeof makeOrderStats>;
    };
  clock: Clock;
  events: EventLog;
  /** How long an SSE response stays open (see TimelineFeed); unset streams until the client leaves. */
  streamWindowMs?: number;
  /** Live timelines open at once, beyond which new ones get 503 (see OpenStreams); 1,000 when unset. */
  maxOpenStreams?: number;
  seedRoutes: SeedRouteDefaults;
  idempotency: Idempotency;
  queues: QueueAdmin;
  usage: UsageMeter;
  resolveActor: ActorResolver;
  logger: Logger;
  /** Base URL of the web app, for links in answers. */
  publicUrl: string;
  /** The caller's network address as the runtime knows it (the socket's, or API Gateway's source IP). */
  clientAddress?: (c: Context<HttpEnv>) => string | undefined;
}

export const OPENAPI_INFO = {
  title: "orderflow API",
  version: "0.1.0",
  description:
    "Event-driven order processing: catalog, orders with a durable pipeline, receipts, and operations. Errors always have the shape `{ error: { code, message, fields? } }`.",
};

/** The one HTTP app: served by @hono/node-server locally and by `handle(app)` on Lambda. */
export function createHttpApp(deps: HttpAppDeps) {
  const app = new OpenAPIHono<HttpEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return validationFailed(c, result.error);
    },
  });
  app.onError(makeErrorHandler(deps.logger));
  const methodsAt = allowedMethods(app);
  app.notFound((c) => {
    const allowed = methodsAt(c.req.path);
    if (allowed.length === 0) {
      return c.json(errorBody("ROUTE_NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`), 404);
    }
    c.header("Allow", [...allowed, "OPTIONS"].join(", "));
    if (c.req.method === "OPTIONS") return c.body(null, 204);
    const message = `${c.req.path} answers ${allowed.join(", ")}, not ${c.req.method}`;
    return c.json(errorBody("METHOD_NOT_ALLOWED", message), 405);
  });

  app.use("*", async (c, next) => {
    const correlationId = c.req.header("x-correlation-id")?.slice(0, 100) || randomUUID();
    c.set("correlationId", correlationId);
    c.set("clientAddress", deps.clientAddress?.(c));
    c.header("X-Correlation-Id", correlationId);
    c.header("X-Content-Type-Options", "nosniff");
    await next();
    // Answers hold orders, addresses, tokens and receipts (some reached with a token in the URL): no cache
    // keeps them unless a route says otherwise.
    if (!c.res.headers.has("cache-control")) c.res.headers.set("Cache-Control", "no-store");
  });
  app.use("*", actorMiddleware(deps.resolveActor, isCredentialRoute));
  app.use("*", refuseGuestsOn(registeredRoutes(app, isSignedInRoute)));
  const takesJsonBody = registeredRoutes(app, hasJsonBody);
  app.on([...MUTATING_METHODS], "*", jsonBodySizeLimit(), jsonBodyRequired(takesJsonBody));
  app.on(
    [...MUTATING_METHODS],
    "*",
    idempotencyMiddleware(deps.idempotency, {
      logger: deps.logger,
      isRoute: registeredRoutes(app, () => true),
      hasJsonBody: takesJsonBody,
      answeredInTransaction: registeredRoutes(app, isAnsweredInTransaction),
    }),
  );

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  registerAuthRoutes(app, deps.useCases);
  registerCatalogRoutes(app, deps.useCases);
  registerOrderRoutes(app, deps.useCases, deps.publicUrl);
  const feed: TimelineFeed = {
    events: deps.events,
    streams: new OpenStreams(deps.maxOpenStreams ?? 1000),
    ...(deps.streamWindowMs === undefined ? {} : { windowMs: deps.streamWindowMs }),
  };
  registerOrderStreamRoute(app, deps.useCases, feed);
  registerLifecycleRoutes(app, deps.useCases);
  registerSeedRoutes(app, deps.useCases, deps.seedRoutes, deps.publicUrl);
  registerAuctionRoutes(app, deps.useCases, feed, deps.clock);
  registerNoteRoutes(app, deps.useCases.sellerNotes);
  registerAdminRoutes(app, deps.queues, deps.usage, deps.useCases.orderStats);

  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/", (c) =>
    c.json({
      name: OPENAPI_INFO.title,
      links: { openapi: "/openapi.json", products: "/products", orders: "/orders", signIn: "/auth/sign-in" },
    }),
  );
  documentMiddlewareAnswers(app, isCredentialRoute);
  app.doc31("/openapi.json", { openapi: "3.1.0", info: OPENAPI_INFO });
  return app;
}

export type HttpApp = ReturnType<typeof createHttpApp>;
