import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { DeadLetter, QueueAdmin, QueueDepth } from "../../ports/queue-admin.js";
import { PacedRounds } from "./paced-rounds.js";
import type { SqliteDatabase } from "./sqlite-database.js";
import { toStoredEvent } from "./sqlite-item-store.js";
import { backoffMs, deliveryDefaults, type Subscription } from "./subscription.js";

interface DeliveryRow {
  subscription: string;
  seq: number;
  key: string;
  attempts: number;
  /** While claimed: the claim's deadline (visibility timeout), which also tells its claims apart. */
  visible_at: number;
}

/** A ready delivery with its event's columns (null when the event is gone). */
type ReadyRow = DeliveryRow & {
  /** 1 when later events of its line wait for it. */
  has_next: number;
  id: string | null;
  type: string;
  at: string;
  correlation_id: string | null;
  data: string;
};

export interface DispatcherOptions {
  db: SqliteDatabase;
  subscriptions: Subscription[];
  clock: Clock;
  logger: Logger;
  /** How many deliveries run at once across all subscriptions. */
  concurrency?: number;
  /** Longest sleep between polls when nothing wakes the dispatcher. */
  idlePollMs?: number;
  /** How far apart pumps start under load (see PacedRounds). */
  minPumpGapMs?: number;
  random?: () => number;
}

const FAN_OUT_BATCH = 1000;

/** A delivery with its event's columns and whether later events of its line wait (ReadyRow), from `d` and `o`. */
const READY_COLUMNS = `d.subscription, d.seq, d.key, d.attempts, d.visible_at, d.in_flight,
    o.id, o.type, o.at, o.correlation_id, o.data,
    EXISTS (SELECT 1 FROM deliveries n WHERE n.subscription = d.subscription AND n.key = d.key AND n.seq > d.seq)
      AS has_next`;
/** The delivery is the first of its (subscription, key) line: later events of a key wait for earlier ones. */
const LINE_HEAD = `NOT EXISTS (
    SELECT 1 FROM deliveries e WHERE e.subscription = d.subscription AND e.key = d.key AND e.seq < d.seq)`;

/** A (subscription, key) line: its events are delivered one at a time, in order. */
const lineOf = (row: Pick<DeliveryRow, "subscription" | "key">) => `${row.subscription}\u0000${row.key}`;
/**
 * One attempt at one delivery, as claimed: its attempt number and its deadline. The deadline tells apart
 * claims the attempt number cannot: a redriven delivery counts its attempts from 0 again, while an attempt
 * that timed out before it was dead-lettered may still be running.
 */
const claimOf = (row: DeliveryRow) => `${lineOf(row)}#${row.seq}#${row.attempts}#${row.visible_at}`;

/**
 * Delivers outbox events to subscriptions with SQS-like semantics: at-least-once, ordered per key
 * within a subscription, visibility timeout, exponential backoff, max attempts, dead letters, redrive.
 * State lives in the database, so a restart (or kill -9) resumes where it stopped.
 */
export class OutboxDispatcher implements QueueAdmin {
  private readonly subscriptions: Map<string, Subscription>;
  /** Running deliveries by claim (line, event and attempt): a claim whose visibility timeout ran out leaves. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly concurrency: number;
  private readonly random: () => number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly pumps: PacedRounds;
  private idleWaiters: Array<() => void> = [];
  /** (subscription, key) lines with a delivery in flight, and its claim: the next event of a line waits for it. */
  private readonly busyLines = new Map<string, string>();
  /** Deliveries handled since the last pump; deleted in the pump's transaction. */
  private acks: Array<[string, number]> = [];
  /** Claims that timed out while their handler still ran: a late success of one also clears its dead letter. */
  private readonly timedOut = new Set<string>();
  /** Deliveries that succeeded after they timed out, whose dead letters (if any) go with the acks. */
  private lateAcks: Array<[string, number]> = [];
  private lastExpiryCheck = 0;
  private readonly sql;

  constructor(private readonly options: DispatcherOptions) {
    this.subscriptions = new Map(options.subscriptions.map((s) => [s.name, s]));
    this.concurrency = options.concurrency ?? 32;
    this.random = options.random ?? Math.random;
    this.pumps = new PacedRounds(() => {
      // Stopped meanwhile: the database may already be closed; what is left is picked up after a restart.
      if (this.running) this.pump();
    }, options.minPumpGapMs);
    const db = options.db;
    this.sql = {
      cursor: db.prepare<[], { seq: number }>("SELECT seq FROM dispatcher_cursor WHERE id = 1"),
      newEvents: db.prepare<[number, number], { seq: number; type: string; key: string }>(
        "SELECT seq, type, key FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
      ),
      setCursor: db.prepare("UPDATE dispatcher_cursor SET seq = ? WHERE id = 1"),
      insertDelivery: db.prepare(
        "INSERT OR IGNORE INTO deliveries (subscription, seq, key, visible_at) VALUES (?, ?, ?, ?)",
      ),
      // The head of each line only, oldest visible first.
      ready: db.prepare<[number, number], ReadyRow>(
        `SELECT ${READY_COLUMNS} FROM deliveries d LEFT JOIN outbox o ON o.seq = d.seq
         WHERE d.visible_at <= ? AND d.in_flight = 0 AND ${LINE_HEAD}
         ORDER BY d.visible_at, d.seq LIMIT ?`,
      ),
      // The first delivery of one line (ready or not).
      lineHead: db.prepare<[string, string], ReadyRow & { in_flight: number }>(
        `SELECT ${READY_COLUMNS} FROM deliveries d INDEXED BY deliveries_by_key LEFT JOIN outbox o ON o.seq = d.seq
         WHERE d.subscription = ? AND d.key = ? ORDER BY d.seq LIMIT 1`,
      ),
      claim: db.prepare(
        "UPDATE deliveries SET in_flight = 1, attempts = attempts + 1, visible_at = ? WHERE subscription = ? AND seq = ?",
      ),
      done: db.prepare("DELETE FROM deliveries WHERE subscription = ? AND seq = ?"),
      // A failed attempt reschedules its delivery only while it is still that attempt's claim.
      retry: db.prepare(
        "UPDATE deliveries SET in_flight = 0, visible_at = ?, last_error = ? WHERE subscription = ? AND seq = ? AND in_flight = 1 AND attempts = ? AND visible_at = ?",
      ),
      doneAttempt: db.prepare(
        "DELETE FROM deliveries WHERE subscription = ? AND seq = ? AND in_flight = 1 AND attempts = ? AND visible_at = ?",
      ),
      forgetDeadLetter: db.prepare("DELETE FROM dead_letters WHERE subscription = ? AND seq = ?"),
      deadLetter: db.prepare(
        "INSERT OR REPLACE INTO dead_letters (subscription, seq, key, attempts, error, failed_at) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      nextVisible: db.prepare<[], { at: number | null }>(
        "SELECT MIN(visible_at) AS at FROM deliveries WHERE in_flight = 0",
      ),
      releaseClaims: db.prepare("UPDATE deliveries SET in_flight = 0, visible_at = ? WHERE in_flight = 1"),
      expiredClaims: db.prepare<[number], DeliveryRow>(
        "SELECT subscription, seq, key, attempts, visible_at FROM deliveries WHERE in_flight = 1 AND visible_at <= ?",
      ),
      unclaim: db.prepare("UPDATE deliveries SET in_flight = 0 WHERE subscription = ? AND seq = ?"),
      pending: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM deliveries"),
    };
  }

  /** Starts delivering. Claims left by a process that died are released first (crash recovery). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const released = this.sql.releaseClaims.run(this.now()).changes;
    if (released > 0) this.options.logger.warn("released deliveries claimed before a restart", { released });
    this.wake();
  }

  /** Stops claiming new deliveries and waits for the running ones to finish. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.pumps.cancel();
    await Promise.allSettled([...this.inFlight.values()]);
    try {
      this.options.db.transaction(() => this.forgetHandled()).immediate();
    } catch (error) {
      // Not forgotten: delivered again after the restart (at-least-once).
      this.options.logger.warn("could not record the last deliveries as done", { error });
    }
  }

  private forgetHandled(): void {
    for (const [subscription, seq] of this.acks) this.sql.done.run(subscription, seq);
    for (const [subscription, seq] of this.lateAcks) this.sql.forgetDeadLetter.run(subscription, seq);
    this.acks = [];
    this.lateAcks = [];
  }

  /**
   * Asks the dispatcher to look for work (called after every commit that appended events and after
   * every delivery). Wakes until the pump starts share it, so one transaction; under load pumps start
   * BACKGROUND_ROUND_GAP_MS apart, unless `now` (a line's next event waits for this pump).
   */
  wake(now = false): void {
    if (this.running) this.pumps.wake(now);
  }

  /** Resolves when every event has been delivered or dead-lettered and nothing is in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }

  private isIdle(): boolean {
    const cursor = this.sql.cursor.get()?.seq ?? 0;
    const behind = this.sql.newEvents.all(cursor, 1).length > 0;
    return !behind && this.inFlight.size === 0 && this.acks.length === 0 && (this.sql.pending.get()?.n ?? 0) === 0;
  }

  /**
   * One round, in one write transaction: forget the deliveries handled since the last round, fan new
   * outbox events out to deliveries, and claim what is ready; the claimed deliveries then run.
   */
  private pump(): void {
    try {
      const claimed = this.options.db
        .transaction(() => {
          this.forgetHandled();
          this.fanOut();
          return this.claim();
        })
        .immediate();
      for (const { subscription, row, line } of claimed) this.run(subscription, row, line);
    } catch (error) {
      this.options.logger.error("dispatcher pump failed", { error });
    } finally {
      this.schedule();
      if (this.idleWaiters.length > 0 && this.isIdle()) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
    }
  }

  /** Copies new outbox events into per-subscription deliveries and advances the cursor. */
  private fanOut(): void {
    let cursor = this.sql.cursor.get()?.seq ?? 0;
    const start = cursor;
    for (;;) {
      const events = this.sql.newEvents.all(cursor, FAN_OUT_BATCH);
      if (events.length === 0) break;
      const now = this.now();
      for (const event of events) {
        for (const subscription of this.subscriptions.values()) {
          if (subscription.eventTypes.includes(event.type)) {
            this.sql.insertDelivery.run(subscription.name, event.seq, event.key, now);
          }
        }
        cursor = event.seq;
      }
    }
    if (cursor !== start) this.sql.setCursor.run(cursor);
  }

  /** Claims ready deliveries, at most one per (subscription, key) line and up to the free concurrency. */
  private claim(): Array<{ subscription: Subscription; row: ReadyRow; line: string }> {
    if (!this.running) return [];
    const now = this.now();
    // Before counting free slots: handlers that hang in every slot must not keep them all.
    if (now - this.lastExpiryCheck >= 1000) {
      this.lastExpiryCheck = now;
      this.expireClaims(now);
    }
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return [];
    const claimed: Array<{ subscription: Subscription; row: ReadyRow; line: string }> = [];
    for (const row of this.sql.ready.all(now, free * 2)) {
      if (claimed.length >= free) break;
      const subscription = this.subscriptions.get(row.subscription);
      if (!subscription) continue;
      const line = lineOf(row);
      if (this.busyLines.has(line)) continue;
      claimed.push({ subscription, row: this.claimRow(subscription, row, line, now), line });
    }
    return claimed;
  }

  /** Marks `row` claimed (in the caller's transaction) and its line busy; returns it as claimed. */
  private claimRow(subscription: Subscription, row: ReadyRow, line: string, now: number): ReadyRow {
    const timeout = subscription.visibilityTimeoutMs ?? deliveryDefaults.visibilityTimeoutMs;
    this.sql.claim.run(now + timeout, row.subscription, row.seq);
    const claimedRow = { ...row, attempts: row.attempts + 1, visible_at: now + timeout };
    this.busyLines.set(line, claimOf(claimedRow));
    return claimedRow;
  }

  /**
   * After a delivery whose line has more events: one small transaction writes the acks and claims the
   * line's next event, which then runs at once. A full pump (fan-out, the ready query over every line,
   * the next wake-up) for each event of a busy line cost about twice as much; everything else waits
   * for the next paced pump, as before.
   */
  private continueLine(subscription: Subscription, key: string, line: string): void {
    if (!this.running || this.busyLines.has(line) || this.inFlight.size >= this.concurrency) {
      this.wake(true);
      return;
    }
    let next: ReadyRow | undefined;
    try {
      next = this.options.db
        .transaction(() => {
          this.forgetHandled();
          const now = this.now();
          const head = this.sql.lineHead.get(subscription.name, key);
          const ready = head && head.in_flight === 0 && head.visible_at <= now;
          return ready ? this.claimRow(subscription, head, line, now) : undefined;
        })
        .immediate();
    } catch (error) {
      this.options.logger.error("dispatcher could not continue a line", { error });
    }
    if (next) this.run(subscription, next, line);
    else this.wake(true);
  }

  /**
   * Claims whose visibility timeout ran out (a handler that hangs) leave the running set: the delivery is
   * ready again, as an SQS message becomes visible again, or dead-lettered if that was its last attempt.
   * A late answer of the expired attempt is still taken as done, but can no longer reschedule it.
   */
  private expireClaims(now: number): void {
    for (const row of this.sql.expiredClaims.all(now)) {
      const subscription = this.subscriptions.get(row.subscription);
      const maxAttempts = subscription?.maxAttempts ?? deliveryDefaults.maxAttempts;
      const claim = claimOf(row);
      if (this.busyLines.get(lineOf(row)) === claim) this.busyLines.delete(lineOf(row));
      if (this.inFlight.delete(claim)) this.timedOut.add(claim);
      const fields = { subscription: row.subscription, seq: row.seq, key: row.key, attempt: row.attempts };
      if (row.attempts >= maxAttempts) {
        this.deadLetter(row, "No answer within the visibility timeout");
        this.options.logger.error("delivery timed out on its last attempt, dead-lettered", fields);
      } else {
        this.sql.unclaim.run(row.subscription, row.seq);
        this.options.logger.warn("delivery timed out, delivering again", fields);
      }
    }
  }

  private run(subscription: Subscription, row: ReadyRow, line: string): void {
    const claim = claimOf(row);
    let acked = false;
    const delivery = this.deliver(subscription, row)
      .then((done) => {
        acked = done;
      })
      .finally(() => {
        this.inFlight.delete(claim);
        this.timedOut.delete(claim);
        const stillOurs = this.busyLines.get(line) === claim;
        if (stillOurs) this.busyLines.delete(line);
        // The line's next event goes once this one's ack is written, without waiting for a paced pump.
        if (acked && stillOurs && row.has_next === 1) this.continueLine(subscription, row.key, line);
        else this.wake(row.has_next === 1);
      });
    this.inFlight.set(claim, delivery);
  }

  /** Moves a delivery to the dead letters with its error, if it is still the claim of `row`'s attempt. */
  private deadLetter(row: DeliveryRow, error: string): void {
    if (this.sql.doneAttempt.run(row.subscription, row.seq, row.attempts, row.visible_at).changes === 0) return;
    this.sql.deadLetter.run(
      row.subscription,
      row.seq,
      row.key,
      row.attempts,
      error,
      new Date(this.now()).toISOString(),
    );
  }

  /** Runs one delivery; true when it is done (to be acked), false when it was rescheduled or dead-lettered. */
  private async deliver(subscription: Subscription, row: ReadyRow): Promise<boolean> {
    if (row.id === null) {
      this.acks.push([row.subscription, row.seq]);
      return true;
    }
    const event = toStoredEvent(row as Parameters<typeof toStoredEvent>[0]);
    try {
      await subscription.handle(event);
      this.acks.push([row.subscription, row.seq]);
      if (this.timedOut.size > 0 && this.timedOut.has(claimOf(row))) this.lateAcks.push([row.subscription, row.seq]);
      return true;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const maxAttempts = subscription.maxAttempts ?? deliveryDefaults.maxAttempts;
      const fields = { subscription: subscription.name, eventId: event.id, key: event.key, attempt: row.attempts };
      if (row.attempts >= maxAttempts) {
        this.options.db.transaction(() => this.deadLetter(row, message)).immediate();
        this.options.logger.error("delivery dead-lettered", { ...fields, error });
      } else {
        const delay = backoffMs(subscription, row.attempts, this.random);
        this.sql.retry.run(this.now() + delay, message, row.subscription, row.seq, row.attempts, row.visible_at);
        this.options.logger.warn("delivery failed, will retry", { ...fields, retryInMs: delay, error });
      }
      return false;
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    const idlePoll = this.options.idlePollMs ?? 1000;
    const next = this.sql.nextVisible.get()?.at;
    const wait = next == null ? idlePoll : Math.max(5, Math.min(idlePoll, next - this.now()));
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }

  async depths(): Promise<QueueDepth[]> {
    const now = this.now();
    const rows = this.options.db
      .prepare<[number, number], { subscription: string; ready: number; inFlight: number; delayed: number }>(
        `SELECT subscription,
           SUM(in_flight = 0 AND visible_at <= ?) AS ready,
           SUM(in_flight = 1) AS inFlight,
           SUM(in_flight = 0 AND visible_at > ?) AS delayed
         FROM deliveries GROUP BY subscription`,
      )
      .all(now, now);
    const dead = this.options.db
      .prepare<[], { subscription: string; n: number }>(
        "SELECT subscription, COUNT(*) AS n FROM dead_letters GROUP BY subscription",
      )
      .all();
    return [...this.subscriptions.keys()].map((name) => {
      const row = rows.find((r) => r.subscription === name);
      return {
        subscription: name,
        ready: row?.ready ?? 0,
        inFlight: row?.inFlight ?? 0,
        delayed: row?.delayed ?? 0,
        deadLetters: dead.find((d) => d.subscription === name)?.n ?? 0,
      };
    });
  }

  async listDeadLetters(filter: { subscription?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const rows = this.options.db
      .prepare(
        `SELECT d.subscription, d.attempts, d.error, d.failed_at, o.* FROM dead_letters d JOIN outbox o ON o.seq = d.seq
         WHERE (@subscription IS NULL OR d.subscription = @subscription) ORDER BY d.failed_at DESC LIMIT @limit`,
      )
      .all({ subscription: filter.subscription ?? null, limit: filter.limit ?? 100 }) as Array<
      Parameters<typeof toStoredEvent>[0] & { subscription: string; attempts: number; error: string; failed_at: string }
    >;
    return rows.map((row) => ({
      subscription: row.subscription,
      attempts: row.attempts,
      error: row.error,
      failedAt: row.failed_at,
      event: toStoredEvent(row),
    }));
  }

  async redrive(target: { subscription?: string; eventId?: string } = {}): Promise<number> {
    const params = { subscription: target.subscription ?? null, eventId: target.eventId ?? null, now: this.now() };
    const where =
      "(@subscription IS NULL OR subscription = @subscription) AND (@eventId IS NULL OR seq = (SELECT seq FROM outbox WHERE id = @eventId))";
    const moved = this.options.db
      .transaction(() => {
        const count = this.options.db
          .prepare(
            `INSERT OR IGNORE INTO deliveries (subscription, seq, key, attempts, visible_at)
             SELECT subscription, seq, key, 0, @now FROM dead_letters WHERE ${where}`,
          )
          .run(params).changes;
        this.options.db.prepare(`DELETE FROM dead_letters WHERE ${where}`).run(params);
        return count;
      })
      .immediate();
    if (moved > 0) this.options.logger.info("dead letters redriven", { ...target, moved });
    this.wake();
    return moved;
  }
}
