import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { StreamBatch, StreamConsumer } from "../../ports/event-stream.js";
import { createJsonLogger } from "./json-logger.js";
import { openSqliteDatabase, type SqliteDatabase } from "./sqlite-database.js";
import { SqliteItemStore } from "./sqlite-item-store.js";
import { SqliteStreamReader, type StreamReaderOptions } from "./sqlite-stream-reader.js";

const running: SqliteStreamReader[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Handler = (batch: StreamBatch) => Promise<void>;

/** A consumer of `eventTypes` that records every batch handed to it, then runs `handler` (if any). */
function recorder(eventTypes: string[], handler?: Handler) {
  const batches: StreamBatch[] = [];
  const consumer: StreamConsumer = {
    name: "projector",
    eventTypes,
    handleBatch: async (batch) => {
      batches.push(batch);
      await handler?.(batch);
    },
  };
  return { consumer, batches };
}

/** The positions of each batch, e.g. [["1", "3"], ["4"]]. */
const positions = (batches: StreamBatch[]) => batches.map((b) => b.records.map((r) => r.position));

function setup(
  consumer: StreamConsumer,
  options: Partial<StreamReaderOptions> = {},
  db: SqliteDatabase = openSqliteDatabase(":memory:"),
) {
  const store = new SqliteItemStore(db);
  const logs: Array<{ level: string; message: string; [field: string]: unknown }> = [];
  const logger = createJsonLogger({ write: (line) => void logs.push(JSON.parse(line)) });
  const reader = new SqliteStreamReader({ db, consumer, logger, baseBackoffMs: 5, ...options });
  store.watch(() => reader.wake());
  running.push(reader);
  let n = 0;
  /** Appends events of these types in one commit; keys and data count events from 0 per setup. */
  const emit = (...types: string[]) =>
    store.transact(
      [],
      types.map((type) => {
        const i = n++;
        return { id: randomUUID(), type, key: `k${i}`, at: new Date().toISOString(), data: { n: i } };
      }),
    );
  return { db, reader, emit, logs };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

describe("SqliteStreamReader", () => {
  it("hands only the consumer's types, in commit order, with the outbox seq as position", async () => {
    const { consumer, batches } = recorder(["placed", "paid"]);
    const { db, reader, emit } = setup(consumer);
    await emit("placed", "shipped", "paid");
    await emit("shipped");
    await emit("paid", "placed");
    reader.start();
    await reader.idle();

    const outbox = db.prepare("SELECT seq, id, type FROM outbox ORDER BY seq").all() as Array<{
      seq: number;
      id: string;
      type: string;
    }>;
    const expected = outbox.filter((row) => row.type !== "shipped");
    expect(batches.every((b) => b.shard === "local")).toBe(true);
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => [r.position, r.event.id, r.event.type])).toEqual(
      expected.map((row) => [String(row.seq), row.id, row.type]),
    );
    expect(records[0]?.event).toMatchObject({ seq: expected[0]?.seq, key: "k0", data: { n: 0 } });
  });

  it("hands a full batch at once and keeps a partial one for its batching window", async () => {
    const { consumer, batches } = recorder(["placed"]);
    const { reader, emit } = setup(consumer, { batchSize: 3, batchWindowMs: 60_000 });
    reader.start();
    await emit("placed", "placed", "shipped", "placed", "placed", "placed", "placed", "placed");
    await expect.poll(() => batches.length).toBe(2);
    expect(positions(batches)).toEqual([
      ["1", "2", "4"],
      ["5", "6", "7"],
    ]);
    await sleep(50);
    expect(batches).toHaveLength(2); // "8" waits for more
    expect(reader.backlog()).toBe(1);
  });

  it("hands the next full batch of a backlog right after the one before, not a round gap later", async () => {
    const { consumer, batches } = recorder(["placed"]);
    const { reader, emit } = setup(consumer, { batchSize: 3, batchWindowMs: 60_000, minRoundGapMs: 60_000 });
    await emit(...Array.from({ length: 9 }, () => "placed"));
    reader.start();
    await expect.poll(() => batches.length).toBe(3);
    expect(positions(batches)).toEqual([
      ["1", "2", "3"],
      ["4", "5", "6"],
      ["7", "8", "9"],
    ]);
  });

  it("gathers events committed within the window into one partial batch, then hands it without being asked", async () => {
    const { consumer, batches } = recorder(["placed"]);
    const { reader, emit } = setup(consumer, { batchSize: 10, batchWindowMs: 150 });
    reader.start();
    await emit("placed");
    await sleep(20);
    expect(batches).toHaveLength(0);
    await emit("shipped", "placed");
    await expect.poll(() => batches.length).toBe(1);
    expect(positions(batches)).toEqual([["1", "3"]]);
    expect(reader.backlog()).toBe(0);
  });

  it("idle() hands what is pending without waiting for a long window", async () => {
    const { consumer, batches } = recorder(["placed"]);
    const { reader, emit } = setup(consumer, { batchSize: 2, batchWindowMs: 60_000 });
    await emit("placed", "placed", "placed", "shipped");
    reader.start();
    await reader.idle();
    expect(positions(batches)).toEqual([["1", "2"], ["3"]]);
    expect(reader.backlog()).toBe(0);
  });

  it("hands one batch at a time", async () => {
    let active = 0;
    let most = 0;
    const { consumer, batches } = recorder(["placed"], async () => {
      most = Math.max(most, ++active);
      await sleep(5);
      active--;
    });
    const { reader, emit } = setup(consumer, { batchSize: 1 });
    reader.start();
    for (let i = 0; i < 4; i++) await emit("placed");
    await reader.idle();
    expect(positions(batches)).toEqual([["1"], ["2"], ["3"], ["4"]]);
    expect(most).toBe(1);
  });

  it("counts the consumer's events after its cursor as backlog", async () => {
    const { consumer } = recorder(["placed"]);
    const { reader, emit } = setup(consumer);
    await emit("placed", "shipped", "placed", "shipped", "placed");
    expect(reader.backlog()).toBe(3);
    reader.start();
    await reader.idle();
    expect(reader.backlog()).toBe(0);
    await reader.stop();
    await emit("shipped", "placed");
    expect(reader.backlog()).toBe(1);
  });

  it("hands a failing batch again with the same records, then moves on", async () => {
    let failures = 2;
    const { consumer, batches } = recorder(["placed"], async () => {
      if (failures-- > 0) throw new Error("projection store unavailable");
    });
    const { reader, emit, logs } = setup(consumer, { batchWindowMs: 10 });
    reader.start();
    await emit("placed", "placed");
    await reader.idle();
    expect(positions(batches)).toEqual([
      ["1", "2"],
      ["1", "2"],
      ["1", "2"],
    ]);
    const warnings = logs.filter((l) => l.level === "warn");
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatchObject({
      consumer: "projector",
      attempt: 2,
      firstPosition: "1",
      lastPosition: "2",
      error: { message: "projection store unavailable" },
    });

    await emit("placed");
    await reader.idle();
    expect(positions(batches).slice(3)).toEqual([["3"]]);
  });

  it("skips a batch after maxAttempts failed attempts, logging an error", async () => {
    let broken = true;
    const { consumer, batches } = recorder(["placed"], async () => {
      if (broken) throw new Error("poison");
    });
    const { reader, emit, logs } = setup(consumer, { maxAttempts: 3, batchWindowMs: 10 });
    reader.start();
    await emit("placed", "placed");
    await reader.idle();
    expect(batches).toHaveLength(3);
    const errors = logs.filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/skipped/);
    expect(errors[0]).toMatchObject({ consumer: "projector", firstPosition: "1", lastPosition: "2" });
    expect(errors[0]?.error).toMatchObject({ message: "poison" });
    expect(reader.backlog()).toBe(0);

    broken = false;
    await emit("placed");
    await reader.idle();
    expect(positions(batches).slice(3)).toEqual([["3"]]);
  });

  it("resumes after the last handled batch when restarted on the same database", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "orderflow-stream-")), "s.db");
    const first = recorder(["placed"]);
    const before = setup(first.consumer, { batchSize: 2 }, openSqliteDatabase(path));
    before.reader.start();
    await before.emit("placed", "placed", "placed");
    await before.reader.idle();
    await before.reader.stop();
    before.db.close();

    const second = recorder(["placed"]);
    const after = setup(second.consumer, { batchSize: 2 }, openSqliteDatabase(path));
    await after.emit("placed");
    after.reader.start();
    await after.reader.idle();
    expect(positions(first.batches)).toEqual([["1", "2"], ["3"]]);
    expect(positions(second.batches)).toEqual([["4"]]);
    await after.reader.stop();
    after.db.close();
  });

  it("hands a batch again after a crash while it was being handled", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "orderflow-stream-")), "s.db");
    let answerDeadProcess: (() => void) | undefined;
    const first = recorder(["placed"], () => new Promise<void>((resolve) => (answerDeadProcess = resolve)));
    const dead = setup(first.consumer, { batchWindowMs: 10 }, openSqliteDatabase(path));
    dead.reader.start();
    await dead.emit("placed", "placed");
    await expect.poll(() => first.batches.length).toBe(1);
    // Simulate kill -9: the handler never answers; only the file remains.
    running.splice(running.indexOf(dead.reader), 1);

    const second = recorder(["placed"]);
    const next = setup(second.consumer, {}, openSqliteDatabase(path));
    next.reader.start();
    await next.reader.idle();
    expect(positions(second.batches)).toEqual([["1", "2"]]);

    answerDeadProcess?.();
    await dead.reader.stop();
    dead.db.close();
    await next.reader.stop();
    next.db.close();
  });

  it("stop() waits for the running batch; one that failed meanwhile is handed again by the next reader", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "orderflow-stream-")), "s.db");
    let fail: ((error: Error) => void) | undefined;
    const first = recorder(["placed"], () => new Promise<void>((_, reject) => (fail = reject)));
    const before = setup(first.consumer, { baseBackoffMs: 1, batchWindowMs: 10 }, openSqliteDatabase(path));
    before.reader.start();
    await before.emit("placed");
    await expect.poll(() => first.batches.length).toBe(1);
    let stopped = false;
    const stopping = before.reader.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    fail?.(new Error("interrupted"));
    await stopping;
    await sleep(20);
    expect(first.batches).toHaveLength(1); // no retry after stop
    before.db.close();

    const second = recorder(["placed"]);
    const after = setup(second.consumer, {}, openSqliteDatabase(path));
    after.reader.start();
    await after.reader.idle();
    expect(positions(second.batches)).toEqual([["1"]]);
    await after.reader.stop();
    after.db.close();
  });

  it("takes over from the dispatcher subscription of its name, before its oldest pending delivery", async () => {
    const { consumer, batches } = recorder(["placed"]);
    const { db, reader, emit, logs } = setup(consumer);
    await emit("placed", "placed", "placed", "placed", "placed");
    db.prepare("UPDATE dispatcher_cursor SET seq = 5").run();
    const delivery = db.prepare("INSERT INTO deliveries (subscription, seq, key, visible_at) VALUES (?, ?, 'k', 0)");
    delivery.run("projector", 4);
    delivery.run("projector", 3);
    delivery.run("mailer", 2);
    db.prepare("INSERT INTO dead_letters VALUES ('projector', 1, 'k', 5, 'boom', 'then')").run();
    reader.start();
    await reader.idle();
    expect(positions(batches)).toEqual([["3", "4", "5"]]);
    expect(db.prepare("SELECT subscription, seq FROM deliveries").all()).toEqual([{ subscription: "mailer", seq: 2 }]);
    expect(db.prepare("SELECT * FROM dead_letters").all()).toEqual([]);
    expect(db.prepare("SELECT name, seq FROM stream_cursors").all()).toEqual([{ name: "projector", seq: 5 }]);
    expect(logs.find((l) => l.message === "stream cursor created")).toMatchObject({ afterSeq: 2 });
  });

  it("starts where the dispatcher's fan-out stopped when its subscription left no delivery", async () => {
    const { consumer, batches } = recorder(["placed"]);
    const { db, reader, emit } = setup(consumer);
    await emit("placed", "placed", "placed", "placed", "placed");
    db.prepare("UPDATE dispatcher_cursor SET seq = 3").run();
    db.prepare("INSERT INTO deliveries (subscription, seq, key, visible_at) VALUES ('mailer', 1, 'k', 0)").run();
    reader.start();
    await reader.idle();
    expect(positions(batches)).toEqual([["4", "5"]]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM deliveries").get()).toEqual({ n: 1 });
  });
});
