import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DomainError, ValidationError } from "../../domain/shared/errors.js";
import type { RouteMatcher } from "./registered-routes.js";

/** The largest JSON body the API reads: an order of 100 lines is about 10 KB. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** A JSON media type: application/json, or any application/*+json. */
export const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;

/**
 * Refuses a JSON request body over `maxBytes` with 413 PAYLOAD_TOO_LARGE before it is read. A declared
 * length is checked on its header, so a body within it is then read the fast way; a body sent in chunks
 * without a length is counted as it streams. Other bodies (uploads) keep their own limits.
 */
export function jsonBodySizeLimit(maxBytes = MAX_JSON_BODY_BYTES): MiddlewareHandler {
  const tooLarge = () =>
    new DomainError("PAYLOAD_TOO_LARGE", "too_large", `A request body may have at most ${maxBytes} bytes`);
  const counted = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) return next();
    const length = c.req.header("content-length");
    if (length !== undefined) {
      if (Number(length) > maxBytes) throw tooLarge();
      return next();
    }
    return c.req.header("transfer-encoding") === undefined ? next() : counted(c, next);
  };
}

/**
 * A route that documents a JSON body refuses a request that sends none (400 naming `body`): Hono would
 * validate a missing body as `{}`, which for some routes means something (a redrive of every dead letter).
 */
export function jsonBodyRequired(needsBody: RouteMatcher): MiddlewareHandler {
  return async (c, next) => {
    if (!needsBody(c.req.method, c.req.path)) return next();
    // A declared length says it all; without one (a request built in-process, or relayed without the
    // header), the body is read, and kept for the route's validator.
    const length = c.req.header("content-length");
    const sent =
      length !== undefined || c.req.header("transfer-encoding") !== undefined
        ? Number(length ?? 1) > 0
        : (await c.req.text()) !== "";
    if (sent) return next();
    throw new ValidationError("The request needs a body", [
      { path: "body", message: "Send a JSON body with Content-Type: application/json" },
    ]);
  };
}
