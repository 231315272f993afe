import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Idempotency } from "../../application/idempotency/idempotency.js";
import { ValidationError } from "../../domain/shared/errors.js";
import type { HttpEnv } from "./http-env.js";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on mutating requests: a retry with the same key and body replays the first answer,
 * the same key with another body is refused (422), and one still in flight gets 409. Keys are scoped
 * per caller and route. Routes that can commit the answer with their own writes do so (atomically).
 */
export function idempotencyMiddleware(idempotency: Idempotency): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new ValidationError("Invalid Idempotency-Key", [
        { path: "headers.idempotency-key", message: "Use 1-255 visible ASCII characters" },
      ]);
    }
    const actor = c.get("actor");
    const scope = `${actor.userId ?? "guest"}:${c.req.method}:${c.req.path}`;
    const body = await c.req.text();
    const fingerprint = createHash("sha256").update(body).digest("base64url");
    const claim = await idempotency.claim(scope, key, fingerprint);
    if (claim.kind === "replay") {
      c.header("Idempotent-Replayed", "true");
      return c.json(claim.response.body as object, claim.response.status as 200);
    }
    const state = {
      completion: (response: { status: number; body: unknown }) =>
        idempotency.completion(scope, key, claim.token, response),
      completedInTransaction: false,
    };
    c.set("idempotency", state);
    await next();
    if (c.error || c.res.status >= 400) {
      await idempotency.release(scope, key, claim.token);
      return;
    }
    if (state.completedInTransaction) return;
    const responseBody = await c.res.clone().json();
    await idempotency.complete(scope, key, claim.token, { status: c.res.status, body: responseBody });
  };
}
