import { Hono } from "hono";
import { cors } from "hono/cors";
import { createHttpApp } from "../../handlers/http/app.js";
import type { Clock } from "../../ports/clock.js";
import type { EventLog } from "../../ports/event-log.js";
import type { Logger } from "../../ports/logger.js";
import type { QueueAdmin } from "../../ports/queue-admin.js";
import type { Application } from "../shared/compose-application.js";
import { createUsageMeter } from "../shared/usage-meter.js";

export interface AwsHttpParts {
  application: Application;
  events: EventLog;
  queues: QueueAdmin;
  clock: Clock;
  logger: Logger;
  publicUrl: string;
}

/**
 * The one Hono app as the HTTP Lambda serves it. API Gateway buffers Lambda responses, so a timeline
 * (SSE) request answers with the events after Last-Event-ID and ends; the browser's EventSource
 * reconnects. The web app on CloudFront calls the API cross-origin, so CORS admits exactly its origin.
 * Usage figures are this container's own (the bill is in AWS Cost Explorer).
 */
export function createAwsHttpApp(parts: AwsHttpParts) {
  const { useCases } = parts.application;
  const api = createHttpApp({
    useCases,
    idempotency: useCases.idempotency,
    queues: parts.queues,
    usage: createUsageMeter(),
    clock: parts.clock,
    events: parts.events,
    streamWindowMs: 0,
    seedRoutes: { paymentSource: "tok_visa", country: "NL", fallbackEmail: "guest@orderflow.local" },
    resolveActor: useCases.resolveActor,
    logger: parts.logger,
    publicUrl: parts.publicUrl,
    // The Lambda adapter passes the API Gateway (HTTP API) event's request context as the app's env.
    clientAddress: (c) =>
      (c.env as { requestContext?: { http?: { sourceIp?: string } } } | undefined)?.requestContext?.http?.sourceIp,
  });
  const site = new Hono();
  site.use(
    "*",
    cors({
      origin: parts.publicUrl,
      allowHeaders: ["authorization", "content-type", "idempotency-key", "last-event-id", "x-correlation-id"],
      exposeHeaders: ["Idempotent-Replayed", "X-Correlation-Id", "Location", "Retry-After"],
      maxAge: 600,
    }),
  );
  // Handed over whole (not mounted), so the app's own not-found and error answers apply.
  site.all("*", (c) => api.fetch(c.req.raw, c.env));
  return site;
}
