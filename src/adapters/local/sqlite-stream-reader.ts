import type { StreamConsumer, StreamRecord } from "../../ports/event-stream.js";
import type { Logger } from "../../ports/logger.js";
import { PacedRounds } from "./paced-rounds.js";
import type { SqliteDatabase } from "./sqlite-database.js";
import { toStoredEvent } from "./sqlite-item-store.js";
import { backoffMs, deliveryDefaults, type Subscription } from "./subscription.js";

export interface StreamReaderOptions {
  db: SqliteDatabase;
  consumer: StreamConsumer;
  logger: Logger;
  /** Most records in one batch. */
  batchSize?: number;
  /** How long a partial batch waits for more after its first event was seen (Kinesis' batching window). */
  batchWindowMs?: number;
  /** Longest sleep between polls when nothing wakes the reader. */
  idlePollMs?: number;
  /** How far apart rounds start under load (see PacedRounds). */
  minRoundGapMs?: number;
  /** Attempts at one batch before it is skipped. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`, with jitter. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

type OutboxRow = Parameters<typeof toStoredEvent>[0];

/** The batch being gathered, waited for or handed. */
interface Batch {
  records: StreamRecord[];
  /** Where the cursor goes once the batch is handled: past its records and the other rows scanned with them. */
  end: number;
  /** When its first record was seen: a partial batch waits the batching window from then. */
  seenAt: number;
  /** Failed attempts so far. A failed batch is handed again as it is, once `retryAt` has passed. */
  failures: number;
  retryAt: number;
}

const SHARD = "local";
/**
 * The backlog is counted up to this many events: it is read with every queue view, and a reader that never
 * ran (event dispatch off) on a large database would otherwise count the whole outbox each time.
 */
const MAX_BACKLOG_COUNTED = 100_000;
/** Outbox rows read per query, in batches: a consumer of rare types skips the others quickly. */
const SCAN_FACTOR = 10;

/**
 * The local stand-in for a Kinesis stream read by a Lambda event source mapping: hands the outbox events
 * of one consumer's types, in commit order, in batches, at least once, one batch at a time. The cursor
 * (in `stream_cursors`) moves only after a batch was handled, so a crash hands that batch again and the
 * consumer dedupes by position. A batch that keeps failing is skipped after `maxAttempts`, as an event
 * source parks records in its on-failure destination after its retries.
 */
export class SqliteStreamReader {
  private readonly consumer: StreamConsumer;
  private readonly types: ReadonlySet<string>;
  private readonly typesJson: string;
  private readonly batchSize: number;
  private readonly batchWindowMs: number;
  private readonly maxAttempts: number;
  private readonly retryPolicy: Pick<Subscription, "baseBackoffMs" | "maxBackoffMs">;
  private readonly random: () => number;
  private running = false;
  private readonly rounds: PacedRounds;
  private timer: NodeJS.Timeout | undefined;
  private batch: Batch | undefined;
  /** The batch being handed, until its cursor has moved (or it failed). */
  private handing: Promise<void> | undefined;
  private idleWaiters: Array<() => void> = [];
  private readonly sql;

  constructor(private readonly options: StreamReaderOptions) {
    this.consumer = options.consumer;
    this.types = new Set(options.consumer.eventTypes);
    this.typesJson = JSON.stringify([...this.types]);
    this.batchSize = Math.max(1, options.batchSize ?? 100);
    this.batchWindowMs = options.batchWindowMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? deliveryDefaults.maxAttempts;
    this.retryPolicy = { baseBackoffMs: options.baseBackoffMs, maxBackoffMs: options.maxBackoffMs };
    this.random = options.random ?? Math.random;
    this.rounds = new PacedRounds(() => {
      // Stopped meanwhile: the database may already be closed.
      if (this.running) this.round();
    }, options.minRoundGapMs);
    const db = options.db;
    this.sql = {
      cursor: db.prepare<[string], { seq: number }>("SELECT seq FROM stream_cursors WHERE name = ?"),
      setCursor: db.prepare("INSERT OR REPLACE INTO stream_cursors (name, seq) VALUES (?, ?)"),
      leftoverDeliveries: db.prepare<[string], { seq: number | null }>(
        "SELECT MIN(seq) - 1 AS seq FROM deliveries WHERE subscription = ?",
      ),
      dispatcherCursor: db.prepare<[], { seq: number }>("SELECT seq FROM dispatcher_cursor WHERE id = 1"),
      forgetDeliveries: db.prepare("DELETE FROM deliveries WHERE subscription = ?"),
      forgetDeadLetters: db.prepare("DELETE FROM dead_letters WHERE subscription = ?"),
      after: db.prepare<[number, number], OutboxRow>(
        "SELECT seq, id, type, key, at, correlation_id, data FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
      ),
      backlog: db.prepare<[number, string, number], { n: number }>(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE seq > ? AND type IN (SELECT value FROM json_each(?)) LIMIT ?)",
      ),
      anyAfter: db.prepare<[number, string], { one: number }>(
        "SELECT 1 AS one FROM outbox WHERE seq > ? AND type IN (SELECT value FROM json_each(?)) LIMIT 1",
      ),
    };
  }

  /**
   * Starts reading. A consumer without a cursor yet takes over from the dispatcher subscription of its name:
   * it starts before that subscription's oldest pending delivery, or else where the dispatcher's fan-out
   * stopped, and that subscription's deliveries and dead letters go in the same transaction.
   */
  start(): void {
    if (this.running) return;
    const name = this.consumer.name;
    this.options.db
      .transaction(() => {
        if (this.sql.cursor.get(name)) return;
        const seq = this.initialCursor();
        this.sql.forgetDeliveries.run(name);
        this.sql.forgetDeadLetters.run(name);
        this.sql.setCursor.run(name, seq);
        this.options.logger.info("stream cursor created", { consumer: name, afterSeq: seq });
      })
      .immediate();
    this.running = true;
    this.batch = undefined;
    this.wake();
  }

  /** Starts no new batch and waits for the running one; afterwards the reader leaves the database alone. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.rounds.cancel();
    await this.handing;
  }

  /**
   * Asks the reader to look for events (after each commit that appended some). Wakes until the round starts
   * share it; under load rounds start BACKGROUND_ROUND_GAP_MS apart, unless `now` (a backlog to work through).
   */
  wake(now = false): void {
    if (this.running) this.rounds.wake(now);
  }

  /**
   * Resolves once no event of the consumer's types is left after its cursor and no batch is running.
   * While someone waits, partial batches go without waiting for the batching window.
   */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wake();
    });
  }

  /** Events of the consumer's types after its cursor (at most MAX_BACKLOG_COUNTED). */
  backlog(): number {
    return this.sql.backlog.get(this.cursor(), this.typesJson, MAX_BACKLOG_COUNTED)?.n ?? 0;
  }

  private cursor(): number {
    return this.sql.cursor.get(this.consumer.name)?.seq ?? this.initialCursor();
  }

  private initialCursor(): number {
    return this.sql.leftoverDeliveries.get(this.consumer.name)?.seq ?? this.sql.dispatcherCursor.get()?.seq ?? 0;
  }

  private isIdle(): boolean {
    return this.handing === undefined && this.sql.anyAfter.get(this.cursor(), this.typesJson) === undefined;
  }

  /** Hands the next batch if it is ready; otherwise sleeps until it may be, or until the next poll. */
  private round(): void {
    // The running batch wakes the reader when it ends.
    if (this.handing) return;
    const consumer = this.consumer.name;
    try {
      const now = Date.now();
      const batch = this.gather(now);
      // Rows of other types only move the batch's end, not the stored cursor: that moves with the next batch
      // handed (a write per commit would cost more than reading those rows again after a restart).
      if (batch.records.length > 0 && this.isReady(batch, now)) {
        this.handing = this.hand(batch)
          .finally(() => {
            this.handing = undefined;
          })
          .then(
            // After a full batch more may be waiting: the next round starts at once, as before pacing.
            () => this.wake(batch.records.length >= this.batchSize),
            (error) => {
              // Handled but not recorded: read again from the cursor at the next poll (at-least-once).
              this.batch = undefined;
              this.options.logger.error("stream reader could not move its cursor", { consumer, error });
              this.schedule();
            },
          );
        return;
      }
    } catch (error) {
      this.options.logger.error("stream reader round failed", { consumer, error });
    }
    this.schedule();
    if (this.idleWaiters.length > 0 && this.isIdle()) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /**
   * Extends the batch kept from earlier rounds (a partial one waiting for its window) with the rows committed
   * since, until it is full or the outbox ends. Only rows after it are read, so waiting costs no re-reading.
   * A batch that failed stays as it was: it is handed again with the same records.
   */
  private gather(now: number): Batch {
    const batch = this.batch ?? { records: [], end: this.cursor(), seenAt: now, failures: 0, retryAt: 0 };
    this.batch = batch;
    const scan = this.batchSize * SCAN_FACTOR;
    while (batch.failures === 0 && batch.records.length < this.batchSize) {
      const rows = this.sql.after.all(batch.end, scan);
      for (const row of rows) {
        batch.end = row.seq;
        if (!this.types.has(row.type)) continue;
        if (batch.records.length === 0) batch.seenAt = now;
        batch.records.push({ position: String(row.seq), event: toStoredEvent(row) });
        if (batch.records.length === this.batchSize) break;
      }
      if (rows.length < scan) break;
    }
    return batch;
  }

  private isReady(batch: Batch, now: number): boolean {
    if (batch.failures > 0) return now >= batch.retryAt;
    return (
      batch.records.length >= this.batchSize || this.idleWaiters.length > 0 || now - batch.seenAt >= this.batchWindowMs
    );
  }

  /** Hands one attempt of the batch; the cursor moves past it once it is handled or skipped. */
  private async hand(batch: Batch): Promise<void> {
    try {
      await this.consumer.handleBatch({ shard: SHARD, records: batch.records });
    } catch (error) {
      batch.failures++;
      const fields = {
        consumer: this.consumer.name,
        attempt: batch.failures,
        firstPosition: batch.records[0]?.position,
        lastPosition: batch.records.at(-1)?.position,
        error,
      };
      if (batch.failures < this.maxAttempts) {
        const delay = backoffMs(this.retryPolicy, batch.failures, this.random);
        batch.retryAt = Date.now() + delay;
        this.options.logger.warn("stream batch failed, will hand it again", { ...fields, retryInMs: delay });
        return;
      }
      this.options.logger.error("stream batch skipped after its last attempt", fields);
    }
    this.sql.setCursor.run(this.consumer.name, batch.end);
    this.batch = undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    let wait = this.options.idlePollMs ?? 1000;
    const batch = this.batch;
    if (batch && batch.records.length > 0) {
      const due = batch.failures > 0 ? batch.retryAt : batch.seenAt + this.batchWindowMs;
      wait = Math.min(wait, due - Date.now());
    }
    this.timer = setTimeout(() => this.wake(), Math.max(1, wait));
    this.timer.unref();
  }
}
