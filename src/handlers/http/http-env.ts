import type { StoredResponse } from "../../application/idempotency/idempotency.js";
import type { Actor } from "../../domain/shared/actor.js";
import type { TransactOp } from "../../ports/item-store.js";

/** Per-request state shared by middlewares and routes. */
export interface HttpEnv {
  Variables: {
    actor: Actor;
    /**
     * Whether the caller's credentials still hold (a session may be ended while a stream is open): the
     * bearer token resolved again; always true for a request without one.
     */
    stillSignedIn: () => Promise<boolean>;
    correlationId: string;
    /** The caller's network address, where the runtime knows it (sign-ups are limited per address). */
    clientAddress: string | undefined;
    /** Set when the request carries a new Idempotency-Key on a route that answers in its transaction. */
    idempotency?: {
      /** The write recording this answer under the key, for the use case to commit with its own writes. */
      answer(response: StoredResponse): TransactOp;
    };
  };
}
