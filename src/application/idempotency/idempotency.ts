import { ConflictError, DomainError } from "../../domain/shared/errors.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import {
  ConditionFailedError,
  type ItemKey,
  type ItemStore,
  itemAt,
  type TransactOp,
  when,
} from "../../ports/item-store.js";

/** The first answer to a request, replayed to retries with the same key. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim = { kind: "claimed"; token: string } | { kind: "replay"; response: StoredResponse };

const LOCK_MS = 60_000;
const KEEP_SECONDS = 24 * 3600;

const recordKey = (scope: string, key: string): ItemKey => ({ pk: `IDEMPOTENCY#${scope}#${key}`, sk: "IDEMPOTENCY" });

/**
 * Idempotency records (as Powertools' idempotency utility keeps them): a request first claims its key
 * (in flight), then completes it with its response — in the same transaction as its own writes where
 * the use case allows, so an order and the answer that created it are committed together.
 */
export function makeIdempotency({ store, ids, clock }: { store: ItemStore; ids: IdGenerator; clock: Clock }) {
  return {
    async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
      const now = clock.now().getTime();
      const token = ids.next();
      const record = itemAt(recordKey(scope, key), {
        status: "in_flight",
        token,
        fingerprint,
        lockedUntil: now + LOCK_MS,
        expiresAt: Math.floor(now / 1000) + KEEP_SECONDS,
      });
      try {
        // New key, or a claim abandoned by a request that crashed (its lock has run out).
        await store.put(
          record,
          when.or(when.notExists(), when.and(when.eq("status", "in_flight"), when.lt("lockedUntil", now))),
        );
        return { kind: "claimed", token };
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
      const existing = await store.get(recordKey(scope, key));
      if (!existing) return this.claim(scope, key, fingerprint);
      if (existing.fingerprint !== fingerprint) {
        throw new DomainError(
          "IDEMPOTENCY_KEY_REUSED",
          "unprocessable",
          "This Idempotency-Key was used with a different request; use a new key for a new request",
        );
      }
      if (existing.status === "in_flight") {
        throw new ConflictError("REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still being processed");
      }
      return { kind: "replay", response: existing.response as StoredResponse };
    },

    /** The write that completes a claim; pass it to the use case's transaction or to `complete`. */
    completion(scope: string, key: string, token: string, response: StoredResponse): TransactOp {
      return {
        op: "update",
        key: recordKey(scope, key),
        update: { set: { status: "completed", response }, remove: ["lockedUntil"] },
        condition: when.eq("token", token),
      };
    },

    async complete(scope: string, key: string, token: string, response: StoredResponse): Promise<void> {
      await store.transact([this.completion(scope, key, token, response)]);
    },

    /** Gives the key back after a request failed without changing anything, so it may be retried. */
    async release(scope: string, key: string, token: string): Promise<void> {
      await store.delete(recordKey(scope, key), when.eq("token", token)).catch((error) => {
        if (!(error instanceof ConditionFailedError)) throw error;
      });
    },
  };
}

export type Idempotency = ReturnType<typeof makeIdempotency>;
