import type { Transaction } from "better-sqlite3";
import type { DomainEvent, StoredEvent } from "../../domain/shared/event.js";
import type { EventLog } from "../../ports/event-log.js";
import { evaluateCondition } from "../../ports/item-conditions.js";
import {
  type Condition,
  ConditionFailedError,
  type Item,
  type ItemKey,
  type ItemStore,
  invalidCursor,
  type QueryInput,
  type QueryPage,
  type TransactOp,
  type Update,
} from "../../ports/item-store.js";
import { PacedRounds } from "./paced-rounds.js";
import type { SqliteDatabase } from "./sqlite-database.js";

interface Row {
  data: string;
}

interface EventRow {
  seq: number;
  id: string;
  type: string;
  key: string;
  at: string;
  correlation_id: string | null;
  data: string;
}

const PAGE_SCAN = 200;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface SqliteItemStoreOptions {
  /**
   * Items read far more often than written (a hot auction) whose committed row `get` may serve from
   * memory. Every write of such an item through this store drops it there in the same synchronous step
   * that writes it, so what `get` returns is always what is committed — as long as this store is the only
   * writer of those items, as in the local runtime (one process per data folder). The item is parsed once
   * and every `get` returns that same object, deeply frozen (a caller that changed it would throw).
   */
  cacheRows?: (key: ItemKey) => boolean;
  /**
   * Under load, group commits start at least this far apart (PacedRounds), so more writes share each one;
   * after a quiet spell a write still commits in the next turn of the event loop, and so does a write that
   * appends events to a key a commit appended to within the last `HOT_KEY_MS` (see `isHot`). 0 (the
   * default): every turn that has writes commits them.
   */
  minCommitGapMs?: number;
}

/**
 * A key whose events a commit appended this recently is hot: its writes follow one another (a hot auction's
 * bids, each checked against the one before; the events of a line the dispatcher delivers back to back), so
 * they do not wait for the commit gap, which would cap them at one per gap.
 */
export const HOT_KEY_MS = 10;

/** Rows kept for `cacheRows` items at most; the oldest is dropped first. */
const CACHED_ROWS = 1000;

/** One write as a caller asked for it, with the images of every item it touched (see `observeWrites`). */
export interface ObservedWrite {
  /** The store method: `put`, `update` and `delete` write one item alone; `transact` is a transaction. */
  method: "put" | "update" | "delete" | "transact";
  /** Per operation: the item before and as written (or as it would have been, when refused). */
  items: Array<{ op: TransactOp["op"]; before: Item | undefined; after: Item | undefined }>;
  events: DomainEvent[];
  /** A condition failed, so nothing was written. */
  refused: boolean;
}

/** Freezes `value` and everything it holds (a parsed JSON value: plain objects and arrays). */
function deepFreeze(value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  for (const child of Object.values(value)) deepFreeze(child);
  Object.freeze(value);
}

function applyUpdate(current: Item | undefined, key: ItemKey, update: Update): Item {
  const next: Item = { ...(current ?? {}), ...(update.set ?? {}), pk: key.pk, sk: key.sk };
  for (const [attribute, delta] of Object.entries(update.add ?? {})) {
    const before = next[attribute];
    next[attribute] = (typeof before === "number" ? before : 0) + delta;
  }
  for (const attribute of update.remove ?? []) delete next[attribute];
  return next;
}

function encodeCursor(item: Item, sortColumn: string): string {
  return Buffer.from(JSON.stringify([item[sortColumn] ?? item.sk, item.pk, item.sk])).toString("base64url");
}

function decodeCursor(cursor: string): [string, string, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((part) => typeof part === "string")) {
    throw invalidCursor();
  }
  return parsed as [string, string, string];
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    seq: row.seq,
    id: row.id,
    type: row.type,
    key: row.key,
    at: row.at,
    data: JSON.parse(row.data),
    ...(row.correlation_id ? { correlationId: row.correlation_id } : {}),
  };
}

/** The attributes the `items` table keeps in indexed columns beside `data`. */
const INDEXED_ATTRIBUTES = ["gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "expiresAt"] as const;

/**
 * The item store on SQLite: one `items` table (pk, sk, two secondary indexes) and the `outbox` table,
 * written in the same SQLite transaction. better-sqlite3 is synchronous, so a condition check and its
 * write are atomic; IMMEDIATE transactions also serialise writers across processes.
 */
export class SqliteItemStore implements ItemStore, EventLog {
  private readonly listeners = new Set<(keys?: ReadonlySet<string>) => void>();
  private readonly writeObservers = new Set<(write: ObservedWrite) => void>();
  private pending: Array<{
    work: () => unknown;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
    /** The keys of the events this write appends (none for a write without events). */
    eventKeys: readonly string[];
  }> = [];
  private readonly statements;
  /** Runs one job inside the shared transaction, in its own savepoint (better-sqlite3 nests transactions so). */
  private readonly inSavepoint: (work: () => unknown) => unknown;
  private readonly groupCommit: Transaction<(jobs: Array<{ work: () => unknown }>) => Outcome[]>;

  private readonly cachedRows = new Map<string, Readonly<Item>>();
  /** Set while commits are held (see `holdWritesUntil`). */
  private held: Promise<void> | undefined;
  /** Starts the group commits (`flush`). */
  private readonly commits: PacedRounds;
  /** Per event key, when a commit last appended events to it, oldest first (see `HOT_KEY_MS`). */
  private readonly committedKeys = new Map<string, number>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: SqliteItemStoreOptions = {},
  ) {
    this.commits = new PacedRounds(() => this.flush(), options.minCommitGapMs ?? 0);
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.groupCommit = db.transaction((jobs: Array<{ work: () => unknown }>) =>
      jobs.map((job): Outcome => {
        try {
          return { ok: true, value: this.inSavepoint(job.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    this.statements = {
      get: db.prepare<[string, string], Row>("SELECT data FROM items WHERE pk = ? AND sk = ?"),
      upsert: db.prepare(
        `INSERT INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, expires_at, data)
         VALUES (@pk, @sk, @gsi1pk, @gsi1sk, @gsi2pk, @gsi2sk, @expiresAt, @data)
         ON CONFLICT (pk, sk) DO UPDATE SET gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk,
           gsi2pk = excluded.gsi2pk, gsi2sk = excluded.gsi2sk, expires_at = excluded.expires_at, data = excluded.data`,
      ),
      updateData: db.prepare("UPDATE items SET data = ? WHERE pk = ? AND sk = ?"),
      delete: db.prepare("DELETE FROM items WHERE pk = ? AND sk = ?"),
      deleteExpired: db.prepare<[number, number], ItemKey>(
        `DELETE FROM items WHERE rowid IN (SELECT rowid FROM items WHERE expires_at < ? LIMIT ?) RETURNING pk, sk`,
      ),
      appendEvent: db.prepare(
        "INSERT INTO outbox (id, type, key, at, correlation_id, data) VALUES (@id, @type, @key, @at, @correlationId, @data)",
      ),
      eventsByKey: db.prepare<[string, number], EventRow>(
        "SELECT * FROM outbox WHERE key = ? AND seq > ? ORDER BY seq",
      ),
    };
  }

  /**
   * Calls `listener` after every commit that appended events, with their keys (wakes the dispatcher, and
   * the live timelines of those keys).
   */
  watch(listener: (keys?: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` after every write (committed or refused by a condition) with the items it touched
   * before and after: what the usage meter prices writes by. Returns the unsubscribe function.
   */
  observeWrites(listener: (write: ObservedWrite) => void): () => void {
    this.writeObservers.add(listener);
    return () => this.writeObservers.delete(listener);
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    if (!this.options.cacheRows?.(key)) return this.read(key);
    const id = `${key.pk}\u0000${key.sk}`;
    let item = this.cachedRows.get(id);
    if (item === undefined) {
      // Outside any transaction (writes run synchronously in `flush`), so this is the committed row.
      item = this.read(key);
      if (item === undefined) return undefined;
      deepFreeze(item);
      if (this.cachedRows.size >= CACHED_ROWS) this.cachedRows.delete(this.cachedRows.keys().next().value as string);
      this.cachedRows.set(id, item);
    }
    return item;
  }

  async put(item: Item, condition?: Condition): Promise<void> {
    await this.commitWrite("put", [{ op: "put", item, ...(condition ? { condition } : {}) }], []);
  }

  async update(key: ItemKey, update: Update, condition?: Condition): Promise<Item> {
    let observed: ObservedWrite | undefined;
    return this.withObservation(
      () =>
        this.commit(() => {
          const current = this.read(key);
          const result = applyUpdate(current, key, update);
          const refused = condition !== undefined && !evaluateCondition(condition, current);
          if (this.writeObservers.size > 0) {
            const items = [{ op: "update" as const, before: current, after: result }];
            observed = { method: "update", items, events: [], refused };
          }
          if (refused) throw new ConditionFailedError([0]);
          this.write(result, current);
          return result;
        }, []),
      () => observed,
    );
  }

  async delete(key: ItemKey, condition?: Condition): Promise<void> {
    await this.commitWrite("delete", [{ op: "delete", key, ...(condition ? { condition } : {}) }], []);
  }

  async query(input: QueryInput): Promise<QueryPage> {
    const prefix = input.index ?? "";
    const partitionColumn = input.index ? `${prefix}pk` : "pk";
    const sortColumn = input.index ? `${prefix}sk` : "sk";
    const direction = input.descending ? "DESC" : "ASC";
    const after = input.descending ? "<" : ">";
    const limit = input.limit ?? 100;
    const items: Item[] = [];
    let position = input.cursor ? decodeCursor(input.cursor) : undefined;
    for (;;) {
      const where = [`${partitionColumn} = ?`];
      const params: Array<string | number> = [input.partition];
      if (input.beginsWith !== undefined) {
        where.push(`${sortColumn} >= ? AND ${sortColumn} < ?`);
        params.push(input.beginsWith, `${input.beginsWith}\uffff`);
      }
      if (position) {
        where.push(`(${sortColumn}, pk, sk) ${after} (?, ?, ?)`);
        params.push(...position);
      }
      const rows = this.prepared(
        `SELECT data, ${sortColumn} AS s, pk AS p, sk AS k FROM items WHERE ${where.join(" AND ")}
           ORDER BY ${sortColumn} ${direction}, pk ${direction}, sk ${direction} LIMIT ${PAGE_SCAN}`,
      ).all(params) as Array<Row & { s: string; p: string; k: string }>;
      for (const row of rows) {
        position = [row.s, row.p, row.k];
        const item = JSON.parse(row.data) as Item;
        if (input.filter && !evaluateCondition(input.filter, item)) continue;
        items.push(item);
        if (items.length === limit) {
          return { items, cursor: encodeCursor(item, sortColumn) };
        }
      }
      if (rows.length < PAGE_SCAN) return { items };
    }
  }

  async transact(ops: TransactOp[], events: DomainEvent[] = []): Promise<void> {
    await this.commitWrite("transact", ops, events);
  }

  private async commitWrite(method: ObservedWrite["method"], ops: TransactOp[], events: DomainEvent[]): Promise<void> {
    let observed: ObservedWrite | undefined;
    await this.withObservation(
      () =>
        this.commit(
          () => this.apply(ops, events, (write) => (observed = { method, ...write })),
          events.map((event) => event.key),
        ),
      () => observed,
    );
  }

  /** Runs a write, then tells the write observers what it did: committed, or refused by a condition. */
  private async withObservation<T>(write: () => Promise<T>, observation: () => ObservedWrite | undefined): Promise<T> {
    let result: T;
    try {
      result = await write();
    } catch (error) {
      const refused = observation();
      if (refused && error instanceof ConditionFailedError) this.notifyWrite(refused);
      throw error;
    }
    const committed = observation();
    if (committed) this.notifyWrite(committed);
    return result;
  }

  /** Checks every condition, then writes every operation and event (inside the caller's savepoint). */
  private apply(
    ops: TransactOp[],
    events: DomainEvent[],
    observe: (write: Omit<ObservedWrite, "method">) => void,
  ): void {
    const failed: number[] = [];
    const writes: Array<() => void> = [];
    const touched = new Set<string>();
    const items: ObservedWrite["items"] = [];
    ops.forEach((operation, index) => {
      const key = operation.op === "put" ? operation.item : operation.key;
      const id = `${key.pk}\u0000${key.sk}`;
      // DynamoDB refuses two operations on one item in a transaction; refusing here keeps callers portable.
      if (touched.has(id)) throw new Error(`Transaction touches ${key.pk}/${key.sk} twice`);
      touched.add(id);
      const current = this.read(key);
      const next =
        operation.op === "put"
          ? operation.item
          : operation.op === "update"
            ? applyUpdate(current, key, operation.update)
            : undefined;
      items.push({ op: operation.op, before: current, after: next });
      if (operation.condition && !evaluateCondition(operation.condition, current)) {
        failed.push(index);
        return;
      }
      if (operation.op === "put" || operation.op === "update") writes.push(() => this.write(next!, current));
      else if (operation.op === "delete") writes.push(() => this.remove(key));
    });
    if (this.writeObservers.size > 0) observe({ items, events, refused: failed.length > 0 });
    if (failed.length > 0) throw new ConditionFailedError(failed);
    for (const write of writes) write();
    for (const event of events) {
      this.statements.appendEvent.run({
        id: event.id,
        type: event.type,
        key: event.key,
        at: event.at,
        correlationId: event.correlationId ?? null,
        data: JSON.stringify(event.data),
      });
    }
  }

  private notifyWrite(write: ObservedWrite): void {
    for (const observer of this.writeObservers) observer(write);
  }

  /**
   * Group commit: writes requested in the same turn of the event loop (under load, within `minCommitGapMs`)
   * share one SQLite transaction (one WAL append), each inside its own savepoint, so a failed condition
   * undoes only its own writes. Every caller's promise settles after the shared commit, so each answer is
   * still durable.
   */
  private commit<T>(work: () => T, eventKeys: readonly string[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject, eventKeys });
      this.commits.wake(this.isHot(eventKeys));
    });
  }

  /** Some key of `eventKeys` had events appended by a commit within the last `HOT_KEY_MS`. */
  private isHot(eventKeys: readonly string[]): boolean {
    if (eventKeys.length === 0 || this.committedKeys.size === 0) return false;
    const since = performance.now() - HOT_KEY_MS;
    return eventKeys.some((key) => (this.committedKeys.get(key) ?? Number.NEGATIVE_INFINITY) >= since);
  }

  /** Notes when `keys` last had events committed, and forgets keys that have not for `HOT_KEY_MS`. */
  private noteCommittedKeys(keys: ReadonlySet<string>): void {
    const now = performance.now();
    for (const [key, at] of this.committedKeys) {
      if (at >= now - HOT_KEY_MS) break;
      this.committedKeys.delete(key);
    }
    for (const key of keys) {
      this.committedKeys.delete(key); // re-inserted last: the map stays in commit order
      this.committedKeys.set(key, now);
    }
  }

  /**
   * Holds commits until `released` settles: writes queue (and then commit together) while the event loop
   * goes on. The background checkpointer's moment to finish copying the WAL (see sqlite-checkpointer.ts).
   */
  holdWritesUntil(released: Promise<void>): void {
    const hold = released.then(() => {
      if (this.held !== hold) return;
      this.held = undefined;
      this.flush();
    });
    this.held = hold;
  }

  private flush(): void {
    // Held, or already flushed by the end of a hold before this scheduled flush came round.
    if (this.held || this.pending.length === 0) return;
    const jobs = this.pending.splice(0);
    let outcomes: Outcome[];
    try {
      outcomes = this.groupCommit.immediate(jobs);
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    const appendedKeys = new Set<string>();
    jobs.forEach((job, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) {
        for (const key of job.eventKeys) appendedKeys.add(key);
        job.resolve(outcome.value);
      } else job.reject(outcome.error);
    });
    if (appendedKeys.size === 0) return;
    if (this.options.minCommitGapMs) this.noteCommittedKeys(appendedKeys);
    for (const listener of this.listeners) listener(appendedKeys);
  }

  /**
   * Deletes at most `limit` items whose `expiresAt` is before `nowSeconds`, in one transaction, and returns
   * how many: what DynamoDB TTL does on AWS. Not reported to `observeWrites`, as TTL deletes are not billed.
   */
  deleteExpired(nowSeconds: number, limit: number): number {
    const deleted = this.db.transaction(() => this.statements.deleteExpired.all(nowSeconds, limit)).immediate();
    if (this.cachedRows.size > 0) for (const key of deleted) this.cachedRows.delete(`${key.pk}\u0000${key.sk}`);
    return deleted.length;
  }

  async listByKey(key: string, afterSeq = 0): Promise<StoredEvent[]> {
    return this.statements.eventsByKey.all(key, afterSeq).map(toStoredEvent);
  }

  private readonly cache = new Map<string, ReturnType<SqliteDatabase["prepare"]>>();

  private prepared(sql: string) {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }

  private read(key: ItemKey): Item | undefined {
    const row = this.statements.get.get(key.pk, key.sk);
    return row ? (JSON.parse(row.data) as Item) : undefined;
  }

  /** Writes `item` over `stored`, the row as it is now (read in the same transaction), if there is one. */
  private write(item: Item, stored: Item | undefined): void {
    if (this.cachedRows.size > 0) this.cachedRows.delete(`${item.pk}\u0000${item.sk}`);
    // Most writes change an item's data but none of its index keys (an order moving on): updating the data
    // column alone leaves the indexes' entries as they are, where the upsert rewrites every one of them.
    // Measured on 100,000 items updated at random: ~40 us per write against ~100 us (fewer pages to write).
    if (stored && INDEXED_ATTRIBUTES.every((name) => (stored[name] ?? null) === (item[name] ?? null))) {
      this.statements.updateData.run(JSON.stringify(item), item.pk, item.sk);
      return;
    }
    this.statements.upsert.run({
      pk: item.pk,
      sk: item.sk,
      gsi1pk: item.gsi1pk ?? null,
      gsi1sk: item.gsi1sk ?? null,
      gsi2pk: item.gsi2pk ?? null,
      gsi2sk: item.gsi2sk ?? null,
      expiresAt: item.expiresAt ?? null,
      data: JSON.stringify(item),
    });
  }

  private remove(key: ItemKey): void {
    if (this.cachedRows.size > 0) this.cachedRows.delete(`${key.pk}\u0000${key.sk}`);
    this.statements.delete.run(key.pk, key.sk);
  }
}
