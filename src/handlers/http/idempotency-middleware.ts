import { createHash } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { Idempotency, StoredResponse } from "../../application/idempotency/idempotency.js";
import { ValidationError } from "../../domain/shared/errors.js";
import type { Logger } from "../../ports/logger.js";
import type { HttpEnv } from "./http-env.js";
import { JSON_TYPE } from "./json-body.js";
import type { RouteMatcher } from "./registered-routes.js";
import { IDEMPOTENCY_KEY } from "./schemas.js";

export interface IdempotencyOptions {
  logger: Logger;
  /** The routes of the API: a key sent anywhere else is not looked at (the request gets its 404 or 405). */
  isRoute: RouteMatcher;
  /**
   * Routes documented with a JSON body: only theirs is read (and only when sent as JSON, which the
   * size limit before this middleware has measured), so a key never makes the server read another body.
   */
  hasJsonBody: RouteMatcher;
  /**
   * Routes whose only effect is one transaction that commits the answer with its writes (through the
   * `idempotency` request variable): no claim is written first, so one commit per request.
   */
  answeredInTransaction?: RouteMatcher;
}

/** The answer to keep for replays: its status and JSON body (null when it has none, as a 204). */
async function storedResponse(response: Response): Promise<StoredResponse> {
  const json = JSON_TYPE.test(response.headers.get("content-type") ?? "");
  const location = response.headers.get("location");
  return {
    status: response.status,
    body: json ? await response.clone().json() : null,
    ...(location ? { location } : {}),
  };
}

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A JSON value written with its object keys sorted (by UTF-16 code units, as `sort()` orders strings), so
 * that formatting and key order do not matter. Written out piece by piece: it runs on every keyed request.
 */
function canonicalJson(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  let out: string;
  if (Array.isArray(value)) {
    out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${out}]`;
  }
  const names = Object.keys(value).sort();
  out = "{";
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    out += `${i === 0 ? "" : ","}${JSON.stringify(name)}:${canonicalJson((value as Record<string, unknown>)[name])}`;
  }
  return `${out}}`;
}

/**
 * What makes two requests with one key the same request: the JSON body as data (a body that is not JSON
 * as its text, for the route to refuse) and the query parameters (a guest's tracking token is one).
 * Records keep it for 24 hours, so its formula stays as it is (a test holds it to the first version).
 */
export function requestFingerprint(body: string, url: string): string {
  let content = body;
  try {
    if (body.trim() !== "") content = canonicalJson(JSON.parse(body));
  } catch {
    // Not JSON: compared as written.
  }
  // Most keyed requests have no query: no URL to parse for it.
  const parameters = url.includes("?") ? [...new URL(url).searchParams].sort(byName) : [];
  return createHash("sha256")
    .update(JSON.stringify([content, parameters]))
    .digest("base64url");
}

/**
 * `Idempotency-Key` on mutating requests: a retry with the same key and request replays the first answer,
 * the same key with another body or query is refused (422), and one still in flight gets 409. Bodies are
 * compared as JSON data (key order and spacing aside). Keys are scoped per caller and route.
 */
export function idempotencyMiddleware(
  idempotency: Idempotency,
  options: IdempotencyOptions,
): MiddlewareHandler<HttpEnv> {
  const replay = (c: Context<HttpEnv>, response: StoredResponse) => {
    c.header("Idempotent-Replayed", "true");
    if (response.location) c.header("Location", response.location);
    if (response.body === null) return c.body(null, response.status as 204);
    return c.json(response.body as object, response.status as 200);
  };

  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined || !options.isRoute(c.req.method, c.req.path)) return next();
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationError("Invalid Idempotency-Key", [
        { path: "headers.idempotency-key", message: "Use 1-255 visible ASCII characters" },
      ]);
    }
    const actor = c.get("actor");
    const scope = `${actor.userId ?? "guest"}:${c.req.method}:${c.req.path}`;
    const readsBody =
      options.hasJsonBody(c.req.method, c.req.path) && JSON_TYPE.test(c.req.header("content-type") ?? "");
    const fingerprint = requestFingerprint(readsBody ? await c.req.text() : "", c.req.url);

    if (options.answeredInTransaction?.(c.req.method, c.req.path)) {
      // Nothing is read first: the answer commits only while the key is free, so a new key costs no read.
      c.set("idempotency", { answer: (response) => idempotency.answer(scope, key, fingerprint, response) });
      await next();
      // A failed request may be a retry, or a duplicate that raced the first: that one's answer made this
      // transaction's condition fail, or this request was refused against what it wrote (a bid no longer
      // high enough). Its answer is replayed; a key used for another request gets 422.
      if (c.error) {
        const earlier = await idempotency.lookup(scope, key, fingerprint);
        if (earlier.kind === "replay") c.res = replay(c, earlier.response);
      }
      return;
    }

    const claim = await idempotency.claim(scope, key, fingerprint);
    if (claim.kind === "replay") return replay(c, claim.response);
    await next();
    if (c.error || c.res.status >= 400) {
      await idempotency.release(scope, key, claim.token);
      return;
    }
    try {
      await idempotency.complete(scope, key, claim.token, await storedResponse(c.res));
    } catch (error) {
      // The work is done: its answer stands. A retry finds the key in flight (409) until the lock runs out.
      options.logger.error("idempotency record not completed", { error, method: c.req.method, path: c.req.path });
    }
  };
}
