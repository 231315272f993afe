import { DomainError } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import { expiresAfter, type ItemKey, type ItemStore, itemAt } from "../../ports/item-store.js";

/** Failed sign-ins allowed per e-mail address in one window; then the address waits for the window to end. */
export const MAX_FAILED_SIGN_INS = 10;
const WINDOW_MS = 15 * 60_000;

const failuresKey = (email: string): ItemKey => ({ pk: `SIGN_IN_FAILURES#${email.toLowerCase()}`, sk: "SIGN_IN" });

/**
 * Slows password guessing: after MAX_FAILED_SIGN_INS wrong passwords for one address within 15 minutes,
 * sign-ins for it are refused (429, with Retry-After) until the window ends. Kept per address, known or
 * not, so the answers do not tell which accounts exist; a successful sign-in clears the count.
 */
export function makeSignInThrottle({ store, clock }: { store: ItemStore; clock: Clock }) {
  return {
    /** Throws TOO_MANY_SIGN_INS while the address is locked out; otherwise says whether failures are counted. */
    async check(email: string): Promise<boolean> {
      const now = clock.now().getTime();
      const record = await store.get(failuresKey(email));
      const since = Number(record?.since ?? 0);
      if (!record || now - since >= WINDOW_MS || Number(record.failures) < MAX_FAILED_SIGN_INS) return !!record;
      const error = new DomainError(
        "TOO_MANY_SIGN_INS",
        "too_many_requests",
        "Too many wrong passwords for this address; try again later",
      );
      error.details = { retryAfterSeconds: Math.ceil((since + WINDOW_MS - now) / 1000) };
      throw error;
    },

    async failed(email: string): Promise<void> {
      const now = clock.now().getTime();
      const key = failuresKey(email);
      const record = await store.get(key);
      if (record && now - Number(record.since) < WINDOW_MS) {
        await store.update(key, { add: { failures: 1 } });
        return;
      }
      const expiresAt = expiresAfter(now, WINDOW_MS / 1000);
      await store.put(itemAt(key, { failures: 1, since: now, expiresAt }));
    },

    /** Clears the count after a sign-in that got the password right. */
    async clear(email: string): Promise<void> {
      await store.delete(failuresKey(email));
    },
  };
}
