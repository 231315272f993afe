import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/adapters/local/system-clock.js";
import { createAwsHttpApp } from "../../src/runtime/aws/http-app.js";
import { composeLocalRuntime, type LocalRuntime } from "../../src/runtime/local/compose.js";
import { loadConfig } from "../../src/runtime/local/config.js";
import { orderBody } from "../support/test-server.js";
import { httpApiEvent } from "./api-gateway-events.js";

const WEB_ORIGIN = "https://d111111abcdef8.cloudfront.net";

/*
 * The HTTP Lambda's app (`src/runtime/aws/http-app.ts`) driven through hono's Lambda adapter with API
 * Gateway v2 events. Behind it: the application composed with the local adapters, so the test needs no
 * AWS; the AWS adapters have their own tests.
 */
describe("HTTP Lambda behind API Gateway v2", () => {
  let runtime: LocalRuntime;
  let invoke: (event: ReturnType<typeof httpApiEvent>) => Promise<APIGatewayProxyStructuredResultV2>;

  beforeAll(async () => {
    runtime = composeLocalRuntime(
      loadConfig({
        DATA_DIR: mkdtempSync(join(tmpdir(), "orderflow-aws-http-")),
        LOG_LEVEL: "silent",
        SIGN_UPS_PER_HOUR: "2",
      }),
    );
    await runtime.start();
    const handler = handle(
      createAwsHttpApp({
        application: runtime.application,
        events: runtime.store,
        queues: runtime.dispatcher,
        clock: systemClock,
        logger: runtime.logger,
        publicUrl: WEB_ORIGIN,
      }),
    );
    invoke = async (event) =>
      (await handler(event as never)) as APIGatewayProxyResult as APIGatewayProxyStructuredResultV2;
  });
  afterAll(() => runtime.stop());

  it("places an order, then answers its timeline with what is there and ends the response", async () => {
    const placed = await invoke(
      httpApiEvent("POST", "/orders", { body: orderBody(), headers: { origin: WEB_ORIGIN } }),
    );
    expect(placed.statusCode).toBe(201);
    expect(placed.headers?.["access-control-allow-origin"]).toBe(WEB_ORIGIN);
    const { order, trackingToken, trackingUrl } = JSON.parse(String(placed.body));
    expect(trackingUrl).toBe(`${WEB_ORIGIN}/orders/${order.id}?token=${trackingToken}`);
    await runtime.idle();

    const timeline = await invoke(
      httpApiEvent("GET", `/orders/${order.id}/events?token=${trackingToken}`, {
        headers: { accept: "text/event-stream" },
      }),
    );
    expect(timeline.statusCode).toBe(200);
    expect(timeline.headers?.["content-type"]).toContain("text/event-stream");
    // API Gateway decodes base64 bodies before the client sees them.
    const text = (answer: APIGatewayProxyStructuredResultV2) =>
      answer.isBase64Encoded ? Buffer.from(String(answer.body), "base64").toString("utf8") : String(answer.body);
    const body = text(timeline);
    expect(body).toContain("event: order_received");
    expect(body).toContain("event: order_placed");
    expect(body).toMatch(/retry: 2000/);

    // Resuming after the last event answers nothing new, at once.
    const lastId = Math.max(...[...body.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
    const resumed = await invoke(
      httpApiEvent("GET", `/orders/${order.id}/events?token=${trackingToken}`, {
        headers: { accept: "text/event-stream", "last-event-id": String(lastId) },
      }),
    );
    expect(resumed.statusCode).toBe(200);
    expect(text(resumed)).not.toContain("event:");
  });

  it("returns the PDF receipt base64-encoded, as API Gateway needs for binary bodies", async () => {
    const placed = await invoke(httpApiEvent("POST", "/orders", { body: orderBody() }));
    const { order, trackingToken } = JSON.parse(String(placed.body));
    await runtime.idle();
    const receipt = await invoke(httpApiEvent("GET", `/orders/${order.id}/receipt?token=${trackingToken}`));
    expect(receipt.statusCode).toBe(200);
    expect(receipt.isBase64Encoded).toBe(true);
    expect(Buffer.from(String(receipt.body), "base64").subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("admits the web app's origin in CORS preflights and no other", async () => {
    const preflight = (origin: string) =>
      invoke(
        httpApiEvent("OPTIONS", "/orders", {
          headers: {
            origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,idempotency-key",
          },
        }),
      );
    const allowed = await preflight(WEB_ORIGIN);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers?.["access-control-allow-origin"]).toBe(WEB_ORIGIN);
    expect(String(allowed.headers?.["access-control-allow-headers"])).toContain("idempotency-key");
    const refused = await preflight("https://evil.example");
    expect(refused.headers?.["access-control-allow-origin"]).toBeUndefined();
  });

  it("limits sign-ups per caller by API Gateway's source IP", async () => {
    const signUp = (n: number, sourceIp: string) =>
      invoke(
        httpApiEvent("POST", "/auth/sign-up", {
          body: { email: `lambda-${n}@example.com`, password: "a long enough password", name: `Lambda ${n}` },
          sourceIp,
        }),
      );
    expect((await signUp(1, "198.51.100.1")).statusCode).toBe(201);
    expect((await signUp(2, "198.51.100.1")).statusCode).toBe(201);
    const refused = await signUp(3, "198.51.100.1");
    expect(refused.statusCode).toBe(429);
    expect(JSON.parse(String(refused.body))).toMatchObject({ error: { code: "TOO_MANY_SIGN_UPS" } });
    expect((await signUp(3, "198.51.100.2")).statusCode).toBe(201);
  });

  it("answers bad input with the standard error shape", async () => {
    const answer = await invoke(httpApiEvent("POST", "/orders", { body: { items: [] } }));
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(String(answer.body))).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    const unknown = await invoke(httpApiEvent("GET", "/no-such-route"));
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(String(unknown.body))).toMatchObject({ error: { code: "ROUTE_NOT_FOUND" } });
  });
});
