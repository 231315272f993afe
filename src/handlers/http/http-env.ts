import type { StoredResponse } from "../../application/idempotency/idempotency.js";
import type { Actor } from "../../domain/shared/actor.js";
import type { TransactOp } from "../../ports/item-store.js";

/** Per-request state shared by middlewares and routes. */
export interface HttpEnv {
  Variables: {
    actor: Actor;
    correlationId: string;
    /** Set when the request carries an Idempotency-Key that this request now owns. */
    idempotency?: {
      /** The write completing the key with this response, for a use case to commit with its own writes. */
      completion(response: StoredResponse): TransactOp;
      completedInTransaction: boolean;
    };
  };
}
