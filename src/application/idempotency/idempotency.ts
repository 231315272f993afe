import { ConflictError, DomainError } from "../../domain/shared/errors.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import {
  ConditionFailedError,
  epochSeconds,
  expiresAfter,
  type ItemKey,
  type ItemStore,
  isExpired,
  itemAt,
  type TransactOp,
  when,
} from "../../ports/item-store.js";

/** The first answer to a request, replayed to retries with the same key. */
export interface StoredResponse {
  status: number;
  body: unknown;
  /** The `Location` of a created resource, replayed with the rest. */
  location?: string;
}

export type Claim = { kind: "claimed"; token: string } | { kind: "replay"; response: StoredResponse };
export type Lookup = { kind: "new" } | { kind: "replay"; response: StoredResponse };

const LOCK_MS = 60_000;
const KEEP_SECONDS = 24 * 3600;

const recordKey = (scope: string, key: string): ItemKey => ({ pk: `IDEMPOTENCY#${scope}#${key}`, sk: "IDEMPOTENCY" });

/**
 * A key is free if it is new, if the request that claimed it crashed (its lock has run out), or if its
 * record has expired: kept 24 h, after which TTL may still take up to two days to remove it.
 */
const claimable = (now: number) =>
  when.or(
    when.notExists(),
    when.and(when.eq("status", "in_flight"), when.lt("lockedUntil", now)),
    when.expired(epochSeconds(now)),
  );

/**
 * Idempotency records (as Powertools' idempotency utility keeps them): a request first claims its key
 * (in flight), does its work, then completes the key with its response. A request whose only effect is
 * one transaction skips the claim: it commits its answer with its writes (`answer`), so an order and
 * the answer that created it are committed together, in one commit.
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
        expiresAt: expiresAfter(now, KEEP_SECONDS),
      });
      try {
        await store.put(record, claimable(now));
        return { kind: "claimed", token };
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
      const earlier = await this.lookup(scope, key, fingerprint);
      return earlier.kind === "new" ? this.claim(scope, key, fingerprint) : earlier;
    },

    /**
     * What an earlier request with this key left: its answer to replay, or nothing (`new`). Refuses a
     * key used with another request (422) and one whose request is still in flight (409). An expired
     * record is no record: its answer is not replayed, and the key may be used for any request again.
     */
    async lookup(scope: string, key: string, fingerprint: string): Promise<Lookup> {
      const existing = await store.get(recordKey(scope, key));
      if (!existing || isExpired(existing, epochSeconds(clock.now()))) return { kind: "new" };
      if (existing.fingerprint !== fingerprint) {
        throw new DomainError(
          "IDEMPOTENCY_KEY_REUSED",
          "unprocessable",
          "This Idempotency-Key was used with a different request; use a new key for a new request",
        );
      }
      if (existing.status !== "in_flight") return { kind: "replay", response: existing.response as StoredResponse };
      if ((existing.lockedUntil as number) < clock.now().getTime()) return { kind: "new" };
      throw new ConflictError("REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still being processed");
    },

    /**
     * The record of a finished request, without a claim first: for a use case whose only effect is its
     * own transaction, which commits this with its writes. If another request with the key committed
     * first, the condition fails and the whole transaction with it; `lookup` then finds that answer.
     */
    answer(scope: string, key: string, fingerprint: string, response: StoredResponse): TransactOp {
      const now = clock.now().getTime();
      return {
        op: "put",
        item: itemAt(recordKey(scope, key), {
          status: "completed",
          fingerprint,
          response,
          expiresAt: expiresAfter(now, KEEP_SECONDS),
        }),
        condition: claimable(now),
      };
    },

    /** Completes a claim with the request's answer, once its work is done. */
    async complete(scope: string, key: string, token: string, response: StoredResponse): Promise<void> {
      await store.update(
        recordKey(scope, key),
        { set: { status: "completed", response }, remove: ["lockedUntil"] },
        when.eq("token", token),
      );
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
