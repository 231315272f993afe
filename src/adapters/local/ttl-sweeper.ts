import type { Clock } from "../../ports/clock.js";
import { epochSeconds } from "../../ports/item-store.js";
import type { Logger } from "../../ports/logger.js";
import type { SqliteItemStore } from "./sqlite-item-store.js";

export interface TtlSweeperOptions {
  store: Pick<SqliteItemStore, "deleteExpired">;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** Rows deleted per transaction: small, because HTTP requests wait for the one writer meanwhile. */
  batchSize?: number;
}

export interface TtlSweeper {
  /** Deletes every item expired by now, batch by batch; resolves to how many. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for a sweep under way to end after its current batch. */
  stop(): Promise<void>;
}

const BATCH_SIZE = 500;

/**
 * The local stand-in for DynamoDB TTL: removes items whose `expiresAt` has passed (idempotency records,
 * card records a crash left behind...), once at start and then every `intervalMs`. Between batches it
 * yields to the event loop, so a large backlog never holds the database writer for long.
 */
export function startTtlSweeper({
  store,
  clock,
  logger,
  intervalMs,
  batchSize = BATCH_SIZE,
}: TtlSweeperOptions): TtlSweeper {
  let stopped = false;
  let running: Promise<number> | undefined;

  async function sweepAll(): Promise<number> {
    const nowSeconds = epochSeconds(clock.now());
    let total = 0;
    for (;;) {
      const deleted = store.deleteExpired(nowSeconds, batchSize);
      total += deleted;
      if (deleted < batchSize || stopped) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  function sweep(): Promise<number> {
    if (stopped) return Promise.resolve(0);
    // One sweep at a time: a timer tick during a long sweep joins it instead of starting another.
    running ??= sweepAll()
      .then((deleted) => {
        if (deleted > 0) logger.info("deleted expired items", { deleted });
        return deleted;
      })
      .catch((error) => {
        logger.error("TTL sweep failed", { error });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  void sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
