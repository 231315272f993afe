import type { Context } from "hono";
import type { CommitWith } from "../../application/shared/commit-with.js";
import type { HttpEnv } from "./http-env.js";

/**
 * For a route whose use case's only effect is one transaction (marked `ANSWERED_IN_TRANSACTION`): the
 * use-case options that commit the request's Idempotency-Key answer in that transaction, so no crash can
 * fall between the work and its answer, and the answer to send — the one committed, so a retry replays
 * exactly what this request answered.
 */
export function committedAnswer<R, B extends object>(
  c: Context<HttpEnv>,
  status: number,
  present: (result: R) => B,
  locate?: (result: R) => string,
) {
  const idempotency = c.get("idempotency");
  let committed: B | undefined;
  const options: CommitWith<R> = { correlationId: c.get("correlationId") };
  if (idempotency) {
    options.alsoWrite = (result) => {
      committed = present(result);
      return [idempotency.answer({ status, body: committed, ...(locate ? { location: locate(result) } : {}) })];
    };
  }
  return {
    options,
    /** The answer's body for the result the use case returned, its `Location` header set. */
    body(result: R): B {
      if (locate) c.header("Location", locate(result));
      return committed ?? present(result);
    },
  };
}

/**
 * Marks a route as answering in its use case's transaction (spread into its `createRoute`): the
 * Idempotency-Key middleware then writes no claim first, and the OpenAPI document says so.
 */
export const ANSWERED_IN_TRANSACTION = {
  "x-idempotency": "A retried request replays the answer committed with its work, in one transaction",
} as const;

/** Whether a registered route carries the ANSWERED_IN_TRANSACTION mark. */
export const isAnsweredInTransaction = (route: object) => "x-idempotency" in route;
