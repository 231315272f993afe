/**
 * Domain errors carry a stable machine-readable `code` and a `kind`; the HTTP layer maps the kind to
 * a status in exactly one place (src/handlers/http/error-response.ts).
 */
export type ErrorKind =
  | "validation"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "unprocessable"
  | "too_large"
  | "unsupported_media"
  | "too_many_requests"
  | "unavailable";

export interface FieldError {
  /** Dotted path of the offending field, e.g. `items.0.quantity`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  override name = "DomainError";
  /** Extra machine-readable facts about the refusal (e.g. the current highest bid). */
  details?: Record<string, unknown>;
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly fields?: FieldError[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A refusal until a window of uses ends (429): `details.retryAfterSeconds` becomes the Retry-After header. */
export function tooManyRequests(code: string, message: string, retryAfterSeconds: number): DomainError {
  const error = new DomainError(code, "too_many_requests", message);
  error.details = { retryAfterSeconds };
  return error;
}

export class ValidationError extends DomainError {
  override name = "ValidationError";
  constructor(message: string, fields: FieldError[], code = "VALIDATION_FAILED") {
    super(code, "validation", message, fields);
  }
}

export class NotFoundError extends DomainError {
  override name = "NotFoundError";
  constructor(code: string, message: string) {
    super(code, "not_found", message);
  }
}

export class ConflictError extends DomainError {
  override name = "ConflictError";
  /** `fields` name the input the conflict is about (an e-mail that has an account already). */
  constructor(code: string, message: string, options?: { cause?: unknown; fields?: FieldError[] }) {
    super(code, "conflict", message, options?.fields, { cause: options?.cause });
  }
}

export class ForbiddenError extends DomainError {
  override name = "ForbiddenError";
  constructor(message = "You are not allowed to do this", code = "FORBIDDEN") {
    super(code, "forbidden", message);
  }
}

export class UnauthenticatedError extends DomainError {
  override name = "UnauthenticatedError";
  constructor(message = "Sign in first", code = "UNAUTHENTICATED") {
    super(code, "unauthenticated", message);
  }
}

/** The payment was refused; retrying will not help. */
export class PaymentDeclinedError extends DomainError {
  override name = "PaymentDeclinedError";
  constructor(reason: string, code = "PAYMENT_DECLINED") {
    super(code, "unprocessable", reason);
  }
}

/** The payment provider could not be reached or failed; a retry may succeed. */
export class PaymentUnavailableError extends DomainError {
  override name = "PaymentUnavailableError";
  constructor(message = "The payment provider is not responding", options?: { cause?: unknown }) {
    super("PAYMENT_UNAVAILABLE", "unavailable", message, undefined, options);
  }
}
