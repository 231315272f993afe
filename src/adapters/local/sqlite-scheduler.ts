import type { Clock, IdGenerator } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { Scheduler } from "../../ports/scheduler.js";
import type { SqliteDatabase } from "./sqlite-database.js";

const MAX_SLEEP_MS = 1000;

/**
 * Timers in the database: when one is due, its event is appended to the outbox and the timer deleted
 * in one transaction, so a timer fires exactly once into the outbox, also across restarts (a timer
 * that came due while the process was down fires at start).
 */
export class SqliteScheduler implements Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly sql;

  constructor(
    private readonly options: {
      db: SqliteDatabase;
      clock: Clock;
      ids: IdGenerator;
      logger: Logger;
      /** Called after due timers were turned into events (wakes the dispatcher). */
      onFired: () => void;
    },
  ) {
    const db = options.db;
    this.sql = {
      upsert: db.prepare(
        `INSERT INTO timers (id, due_at, type, key, data) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, type = excluded.type, key = excluded.key, data = excluded.data`,
      ),
      cancel: db.prepare("DELETE FROM timers WHERE id = ?"),
      due: db.prepare<[number], { id: string; type: string; key: string; data: string; due_at: number }>(
        "SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at LIMIT 500",
      ),
      next: db.prepare<[], { at: number | null }>("SELECT MIN(due_at) AS at FROM timers"),
      append: db.prepare("INSERT INTO outbox (id, type, key, at, data) VALUES (?, ?, ?, ?, ?)"),
    };
  }

  async schedule(id: string, at: Date, event: { type: string; key: string; data?: Record<string, unknown> }) {
    this.sql.upsert.run(id, at.getTime(), event.type, event.key, JSON.stringify(event.data ?? {}));
    this.arm();
  }

  async cancel(id: string) {
    this.sql.cancel.run(id);
  }

  start(): void {
    this.running = true;
    this.fire();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private fire(): void {
    const now = this.options.clock.now();
    const due = this.sql.due.all(now.getTime());
    if (due.length > 0) {
      this.options.db
        .transaction(() => {
          for (const timer of due) {
            this.sql.append.run(`evt_${this.options.ids.next()}`, timer.type, timer.key, now.toISOString(), timer.data);
            this.sql.cancel.run(timer.id);
          }
        })
        .immediate();
      this.options.logger.info("timers fired", { count: due.length });
      this.options.onFired();
    }
    this.arm();
  }

  private arm(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const next = this.sql.next.get()?.at;
    const wait =
      next == null ? MAX_SLEEP_MS : Math.max(0, Math.min(MAX_SLEEP_MS, next - this.options.clock.now().getTime()));
    this.timer = setTimeout(() => this.fire(), wait);
    this.timer.unref();
  }
}
