import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StoredEvent } from "../../domain/shared/event.js";
import { createJsonLogger } from "./json-logger.js";
import { OutboxDispatcher } from "./outbox-dispatcher.js";
import { openSqliteDatabase, type SqliteDatabase } from "./sqlite-database.js";
import { SqliteItemStore } from "./sqlite-item-store.js";
import type { Subscription } from "./subscription.js";

const clock = { now: () => new Date() };
const logger = createJsonLogger({ level: "silent" });
const running: OutboxDispatcher[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done` holds, checking every 20 ms, for at most 5 s. */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 5000; !(await done()); ) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(20);
  }
}

function setup(
  subscriptions: Subscription[],
  db: SqliteDatabase = openSqliteDatabase(":memory:"),
  options: { concurrency?: number; minPumpGapMs?: number } = {},
) {
  const store = new SqliteItemStore(db);
  const dispatcher = new OutboxDispatcher({ db, subscriptions, clock, logger, ...options });
  store.watch(() => dispatcher.wake());
  running.push(dispatcher);
  let n = 0;
  const emit = (key: string, type = "thing_happened") =>
    store.transact([], [{ id: `${key}-${n++}`, type, key, at: new Date().toISOString(), data: { n } }]);
  return { db, store, dispatcher, emit };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
});

describe("OutboxDispatcher", () => {
  it("delivers every event once to each subscription whose types match", async () => {
    const a: string[] = [];
    const b: string[] = [];
    const { dispatcher, emit } = setup([
      { name: "a", eventTypes: ["thing_happened"], handle: async (e) => void a.push(e.id) },
      { name: "b", eventTypes: ["other"], handle: async (e) => void b.push(e.id) },
    ]);
    dispatcher.start();
    for (let i = 0; i < 20; i++) await emit(`k${i % 3}`);
    await emit("k9", "other");
    await dispatcher.idle();
    expect(a.sort()).toHaveLength(20);
    expect(new Set(a).size).toBe(20);
    expect(b).toEqual(["k9-20"]);
  });

  it("does not keep the next event of a key waiting for the gap between pumps", async () => {
    const seen: string[] = [];
    const { dispatcher, emit } = setup(
      [{ name: "ordered", eventTypes: ["thing_happened"], handle: async (e) => void seen.push(e.id) }],
      undefined,
      { minPumpGapMs: 60_000 },
    );
    for (let i = 0; i < 10; i++) await emit("busy-key");
    const pumps = vi.spyOn(dispatcher as unknown as { pump(): void }, "pump");
    dispatcher.start();
    // Each event starts as soon as the one before it was handled, not a minute apart: the first pump claims
    // the first event, and each delivery's ack and the line's next claim are one small transaction.
    await until(async () => seen.length === 10);
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `busy-key-${i}`));
    expect(pumps).toHaveBeenCalledTimes(1);
  });

  it("keeps events of one key in order, even when the first one needs retries", async () => {
    const seen: string[] = [];
    let failuresLeft = 2;
    const { dispatcher, emit } = setup([
      {
        name: "ordered",
        eventTypes: ["thing_happened"],
        baseBackoffMs: 5,
        handle: async (e: StoredEvent) => {
          if (e.id === "order-1-0" && failuresLeft-- > 0) throw new Error("flaky");
          seen.push(e.id);
        },
      },
    ]);
    await emit("order-1");
    await emit("order-1");
    await emit("order-1");
    dispatcher.start();
    await dispatcher.idle();
    expect(seen).toEqual(["order-1-0", "order-1-1", "order-1-2"]);
  });

  it("keeps other keys moving while one key's first event waits for its retries", async () => {
    const seen: string[] = [];
    let failing = true;
    const { dispatcher, emit } = setup([
      {
        name: "lines",
        eventTypes: ["thing_happened"],
        maxAttempts: 1000,
        baseBackoffMs: 10,
        maxBackoffMs: 20,
        handle: async (e: StoredEvent) => {
          if (e.key === "blocked" && failing) throw new Error("not yet");
          seen.push(e.id);
        },
      },
    ]);
    await emit("blocked");
    await emit("blocked");
    for (let i = 0; i < 5; i++) await emit("free");
    dispatcher.start();
    await expect.poll(() => seen.length).toBe(5);
    expect(seen).toEqual(["free-2", "free-3", "free-4", "free-5", "free-6"]);
    failing = false;
    await dispatcher.idle();
    expect(seen.slice(5)).toEqual(["blocked-0", "blocked-1"]);
  });

  it("dead-letters a poison message with its error after max attempts, and redrives it", async () => {
    let broken = true;
    let attempts = 0;
    const handled: string[] = [];
    const { dispatcher, emit } = setup([
      {
        name: "mailer",
        eventTypes: ["thing_happened"],
        maxAttempts: 3,
        baseBackoffMs: 5,
        handle: async (e) => {
          attempts++;
          if (broken) throw new Error("SMTP refused the message");
          handled.push(e.id);
        },
      },
    ]);
    dispatcher.start();
    await emit("poison");
    await dispatcher.idle();
    expect(attempts).toBe(3);
    const dead = await dispatcher.listDeadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ subscription: "mailer", attempts: 3, event: { id: "poison-0" } });
    expect(dead[0]?.error).toContain("SMTP refused the message");
    expect((await dispatcher.depths())[0]).toMatchObject({ subscription: "mailer", deadLetters: 1, ready: 0 });

    broken = false;
    expect(await dispatcher.redrive({ subscription: "mailer" })).toBe(1);
    await dispatcher.idle();
    expect(handled).toEqual(["poison-0"]);
    expect(await dispatcher.listDeadLetters()).toEqual([]);
  });

  it("redrives one dead letter by its event's id, leaving the others dead", async () => {
    let broken = true;
    const handled: string[] = [];
    const { dispatcher, emit } = setup([
      {
        name: "mailer",
        eventTypes: ["thing_happened"],
        maxAttempts: 1,
        handle: async (e) => {
          if (broken) throw new Error("SMTP refused the message");
          handled.push(e.id);
        },
      },
    ]);
    dispatcher.start();
    await emit("first");
    await emit("second");
    await dispatcher.idle();
    const dead = await dispatcher.listDeadLetters();
    expect(dead.map((d) => d.event.id).sort()).toEqual(["first-0", "second-1"]);

    broken = false;
    expect(await dispatcher.redrive({ eventId: "second-1" })).toBe(1);
    expect(await dispatcher.redrive({ eventId: "no-such-event" })).toBe(0);
    await dispatcher.idle();
    expect(handled).toEqual(["second-1"]);
    expect((await dispatcher.listDeadLetters()).map((d) => d.event.id)).toEqual(["first-0"]);
  });

  it("delivers again when a handler hangs past its visibility timeout; the hung attempt's late answer changes nothing", async () => {
    let calls = 0;
    let answerFirst: (() => void) | undefined;
    const { dispatcher, emit } = setup([
      {
        name: "slow",
        eventTypes: ["thing_happened"],
        visibilityTimeoutMs: 100,
        handle: () => {
          calls++;
          return calls === 1 ? new Promise<void>((resolve) => (answerFirst = resolve)) : Promise.resolve();
        },
      },
    ]);
    dispatcher.start();
    await emit("hang");
    await dispatcher.idle(); // the second attempt answered; the first still hangs
    expect(calls).toBe(2);
    answerFirst?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await dispatcher.idle();
    expect(calls).toBe(2);
    expect((await dispatcher.depths())[0]).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, deadLetters: 0 });
  });

  it("dead-letters a delivery whose last attempt hangs past its visibility timeout", async () => {
    let calls = 0;
    const { dispatcher, emit } = setup([
      {
        name: "stuck",
        eventTypes: ["thing_happened"],
        maxAttempts: 2,
        visibilityTimeoutMs: 50,
        handle: () => {
          calls++;
          return new Promise<void>(() => {});
        },
      },
    ]);
    dispatcher.start();
    await emit("stuck");
    await dispatcher.idle();
    expect(calls).toBe(2);
    const [dead] = await dispatcher.listDeadLetters();
    expect(dead).toMatchObject({ subscription: "stuck", attempts: 2, event: { id: "stuck-0" } });
    expect(dead?.error).toMatch(/visibility timeout/);
  });

  it("frees the slots of handlers that hang past their visibility timeout, also when they hold every slot", async () => {
    const handled: string[] = [];
    const { dispatcher, emit } = setup(
      [
        {
          name: "s",
          eventTypes: ["thing_happened"],
          visibilityTimeoutMs: 50,
          maxAttempts: 1,
          handle: async (e) => {
            if (e.key === "hang") return new Promise<void>(() => {});
            handled.push(e.id);
          },
        },
      ],
      undefined,
      { concurrency: 1 },
    );
    dispatcher.start();
    await emit("hang");
    await sleep(20);
    await emit("other");
    await dispatcher.idle();
    expect(handled).toEqual(["other-1"]);
    expect((await dispatcher.depths())[0]?.deadLetters).toBe(1);
  });

  it("a timed-out attempt that answers after its delivery was dead-lettered and redriven leaves the redriven attempt alone", async () => {
    let calls = 0;
    const answers: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    const subscription: Subscription = {
      name: "s",
      eventTypes: ["thing_happened"],
      visibilityTimeoutMs: 100,
      maxAttempts: 2,
      baseBackoffMs: 1,
      handle: () => {
        calls++;
        return new Promise<void>((resolve, reject) => answers.push({ resolve, reject }));
      },
    };
    const { dispatcher, emit } = setup([subscription]);
    dispatcher.start();
    await emit("k");
    await until(async () => (await dispatcher.listDeadLetters()).length === 1); // both attempts hung
    expect(calls).toBe(2);
    subscription.visibilityTimeoutMs = 60_000;
    await dispatcher.redrive();
    await until(async () => calls === 3); // the redriven attempt 1 runs (and takes its time)
    answers[0]!.reject(new Error("the first attempt 1 gives up, late"));
    await sleep(1200); // past the dispatcher's next checks
    expect(calls).toBe(3); // not run again beside the redriven attempt
    expect((await dispatcher.depths())[0]).toMatchObject({ inFlight: 1, deadLetters: 0 });
    for (const answer of answers) answer.resolve();
    await dispatcher.idle();
    expect((await dispatcher.depths())[0]).toMatchObject({ ready: 0, inFlight: 0, deadLetters: 0 });
  });

  it("a last attempt that timed out and then succeeds is not left among the dead letters", async () => {
    let finish: (() => void) | undefined;
    const { dispatcher, emit } = setup([
      {
        name: "s",
        eventTypes: ["thing_happened"],
        visibilityTimeoutMs: 50,
        maxAttempts: 1,
        handle: () =>
          new Promise<void>((resolve) => {
            finish = resolve;
          }),
      },
    ]);
    dispatcher.start();
    await emit("k");
    await until(async () => (await dispatcher.listDeadLetters()).length === 1);
    finish?.(); // the handler did its work after all (the courier got the webhook)
    await until(async () => (await dispatcher.listDeadLetters()).length === 0);
  });

  it("redelivers what was in flight when the process died", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "orderflow-")), "d.db");
    let answerDeadProcess: (() => void) | undefined;
    const first = setup(
      [
        {
          name: "slow",
          eventTypes: ["thing_happened"],
          handle: () => new Promise<void>((resolve) => (answerDeadProcess = resolve)),
        },
      ],
      openSqliteDatabase(path),
    );
    first.dispatcher.start();
    await first.emit("crash");
    await new Promise((r) => setTimeout(r, 50));
    expect((await first.dispatcher.depths())[0]?.inFlight).toBe(1);
    // Simulate kill -9: the handler never finishes and the process state is gone; only the file remains.
    running.splice(running.indexOf(first.dispatcher), 1);

    const delivered: string[] = [];
    const second = setup(
      [{ name: "slow", eventTypes: ["thing_happened"], handle: async (e) => void delivered.push(e.id) }],
      openSqliteDatabase(path),
    );
    second.dispatcher.start();
    await second.dispatcher.idle();
    expect(delivered).toEqual(["crash-0"]);
    // Let the "dead" process's handler end so its dispatcher stops and its database closes.
    answerDeadProcess?.();
    await first.dispatcher.stop();
    first.db.close();
  });
});
