import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DomainError } from "../../domain/shared/errors.js";

/** The largest JSON body the API reads: an order of 100 lines is about 10 KB. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;

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
