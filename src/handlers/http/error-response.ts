import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { DomainError, type ErrorKind, type FieldError } from "../../domain/shared/errors.js";
import { fieldErrorsOf } from "../../domain/shared/validation.js";
import { ConditionFailedError } from "../../ports/item-store.js";
import type { Logger } from "../../ports/logger.js";

/** The one place where an error becomes an HTTP status. */
const statusOfKind: Record<ErrorKind, ContentfulStatusCode> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_large: 413,
  unsupported_media: 415,
  too_many_requests: 429,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[]; details?: Record<string, unknown> };
}

export function errorBody(
  code: string,
  message: string,
  fields?: FieldError[],
  details?: Record<string, unknown>,
): ErrorBody {
  return {
    error: { code, message, ...(fields && fields.length > 0 ? { fields } : {}), ...(details ? { details } : {}) },
  };
}

/** Maps a request-validation failure (zod) to 400 VALIDATION_FAILED with every offending field. */
export function validationFailed(c: Context, error: z.ZodError) {
  return c.json(errorBody("VALIDATION_FAILED", "The request has invalid fields", fieldErrorsOf(error)), 400);
}

/** Stable codes for the errors Hono itself raises (an unreadable body, a body type no route reads). */
const HTTP_EXCEPTION_CODES: Record<number, string> = {
  400: "MALFORMED_REQUEST",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/** The challenge a 401 carries (RFC 6750): a token that was sent and did not verify is `invalid_token`. */
function bearerChallenge(code: string): string {
  return code === "INVALID_TOKEN" || code === "TOKEN_EXPIRED"
    ? 'Bearer realm="orderflow", error="invalid_token"'
    : 'Bearer realm="orderflow"';
}

/** Hono `onError`: domain errors keep their code; anything unexpected is a 500 without internals. */
export function makeErrorHandler(logger: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof DomainError) {
      if (error.kind === "unauthenticated") c.header("WWW-Authenticate", bearerChallenge(error.code));
      const retryAfter = error.details?.retryAfterSeconds;
      if (typeof retryAfter === "number") c.header("Retry-After", String(retryAfter));
      return c.json(errorBody(error.code, error.message, error.fields, error.details), statusOfKind[error.kind]);
    }
    if (error instanceof ConditionFailedError) {
      return c.json(errorBody("CONFLICT", "The resource changed while you were changing it; try again"), 409);
    }
    if (error instanceof HTTPException) {
      const code = HTTP_EXCEPTION_CODES[error.status] ?? `HTTP_${error.status}`;
      return c.json(
        errorBody(code, error.message || "The request could not be read"),
        error.status as ContentfulStatusCode,
      );
    }
    logger.error("unhandled error", { error, stack: error.stack, path: c.req.path, method: c.req.method });
    return c.json(errorBody("INTERNAL", "Something went wrong on our side"), 500);
  };
}
