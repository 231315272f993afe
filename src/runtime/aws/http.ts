import { handle } from "hono/aws-lambda";
import { createAwsHttpApp } from "./http-app.js";
import { awsRuntime } from "./runtime.js";

/* Lambda entry: the HTTP API (API Gateway v2 payload format 2.0) runs the one Hono app. */
const runtime = await awsRuntime();
export const handler = handle(
  createAwsHttpApp({
    application: runtime.application,
    events: runtime.store,
    queues: runtime.queues,
    clock: runtime.clock,
    logger: runtime.logger,
    publicUrl: runtime.config.shop.publicUrl,
  }),
);
