import type { Clock } from "../../ports/clock.js";
import {
  ConditionFailedError,
  expiresAfter,
  type ItemKey,
  type ItemStore,
  itemAt,
  when,
} from "../../ports/item-store.js";

export interface WindowedAllowance {
  /**
   * Counts one use against `key`'s allowance, or throws what `refuse` makes (with the seconds until the
   * window ends) when it is used up. Counted with conditional writes, so concurrent uses cannot slip past.
   */
  take(key: ItemKey): Promise<void>;
  /** Gives the whole allowance back (e.g. after a sign-in that got the password right). */
  reset(key: ItemKey): Promise<void>;
}

/**
 * At most `max` uses per key within `windowMs` from the first, then refused until that window ends; the
 * record expires with its window. The count is read, then written on the condition that nobody counted
 * meanwhile (same window, same count); a lost race reads again, a bounded number of times.
 */
export function makeWindowedAllowance(options: {
  store: ItemStore;
  clock: Clock;
  max: number;
  windowMs: number;
  refuse: (retryAfterSeconds: number) => Error;
}): WindowedAllowance {
  const { store, clock, max, windowMs, refuse } = options;
  const attempts = 2 * max + 2;
  return {
    async take(key) {
      for (let attempt = 1; ; attempt++) {
        const now = clock.now().getTime();
        const record = await store.get(key);
        const since = Number(record?.since);
        const used = Number(record?.used);
        try {
          if (record && now - since < windowMs && Number.isFinite(used)) {
            if (used >= max) throw refuse(Math.ceil((since + windowMs - now) / 1000));
            await store.update(key, { add: { used: 1 } }, when.and(when.eq("since", since), when.eq("used", used)));
          } else {
            const fresh = itemAt(key, { used: 1, since: now, expiresAt: expiresAfter(now, windowMs / 1000) });
            await store.put(fresh, record ? when.eq("since", since) : when.notExists());
          }
          return;
        } catch (error) {
          // Another use was counted first: read the count again.
          if (!(error instanceof ConditionFailedError) || attempt >= attempts) throw error;
        }
      }
    },
    async reset(key) {
      await store.delete(key);
    },
  };
}
