import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { ConditionFailedError, itemAt } from "../../ports/item-store.js";
import { makeIdempotency } from "./idempotency.js";

function setup() {
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  let now = Date.parse("2026-12-01T10:00:00.000Z");
  let id = 0;
  const clock = { now: () => new Date(now) };
  const ids = { next: () => `id${++id}`, secret: () => `secret${++id}` };
  const idempotency = makeIdempotency({ store, ids, clock });
  return { store, idempotency, advance: (ms: number) => (now += ms) };
}

const created = { status: 201, body: { order: { id: "ord_1" } } };

describe("idempotency records", () => {
  it("replays a completed claim, refuses one in flight (409) and another body under the key (422)", async () => {
    const { idempotency } = setup();
    const claim = await idempotency.claim("guest:POST:/orders", "k1", "body-a");
    expect(claim.kind).toBe("claimed");
    await expect(idempotency.claim("guest:POST:/orders", "k1", "body-a")).rejects.toMatchObject({
      code: "REQUEST_IN_PROGRESS",
    });
    await idempotency.complete("guest:POST:/orders", "k1", claim.kind === "claimed" ? claim.token : "", created);
    expect(await idempotency.claim("guest:POST:/orders", "k1", "body-a")).toEqual({
      kind: "replay",
      response: created,
    });
    await expect(idempotency.lookup("guest:POST:/orders", "k1", "body-b")).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
    });
  });

  it("lets a claim abandoned by a crashed request be taken again once its lock runs out", async () => {
    const { idempotency, advance } = setup();
    await idempotency.claim("s", "k", "f");
    advance(59_000);
    await expect(idempotency.lookup("s", "k", "f")).rejects.toMatchObject({ code: "REQUEST_IN_PROGRESS" });
    advance(2_000);
    expect(await idempotency.lookup("s", "k", "f")).toEqual({ kind: "new" });
    expect((await idempotency.claim("s", "k", "f")).kind).toBe("claimed");
  });

  it("commits an answer with the request's own writes; a second answer under the key fails the whole transaction", async () => {
    const { store, idempotency, advance } = setup();
    expect(await idempotency.lookup("s", "k", "f")).toEqual({ kind: "new" });
    await store.transact([
      { op: "put", item: itemAt({ pk: "ORDER#1", sk: "ORDER" }, {}) },
      idempotency.answer("s", "k", "f", created),
    ]);

    const second = store.transact([
      { op: "put", item: itemAt({ pk: "ORDER#2", sk: "ORDER" }, {}) },
      idempotency.answer("s", "k", "f", { status: 201, body: { order: { id: "ord_2" } } }),
    ]);
    await expect(second).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await store.get({ pk: "ORDER#2", sk: "ORDER" })).toBeUndefined();
    expect(await idempotency.lookup("s", "k", "f")).toEqual({ kind: "replay", response: created });
    // A completed answer never expires into a new request while it is kept.
    advance(3_600_000);
    expect(await idempotency.lookup("s", "k", "f")).toEqual({ kind: "replay", response: created });
  });

  it("answers over a claim abandoned by a crashed request, not over one still in flight", async () => {
    const { store, idempotency, advance } = setup();
    await idempotency.claim("s", "k", "f");
    await expect(store.transact([idempotency.answer("s", "k", "f", created)])).rejects.toBeInstanceOf(
      ConditionFailedError,
    );
    advance(61_000);
    await store.transact([idempotency.answer("s", "k", "f", created)]);
    expect(await idempotency.lookup("s", "k", "f")).toEqual({ kind: "replay", response: created });
  });

  describe("once a record has expired (24 h), though TTL has not removed it yet", () => {
    const DAY_MS = 24 * 3_600_000;

    async function answered() {
      const context = setup();
      await context.store.transact([context.idempotency.answer("s", "k", "f", created)]);
      return context;
    }

    it("replays its answer until the last second it is kept", async () => {
      const { idempotency, advance } = await answered();
      advance(DAY_MS);
      expect(await idempotency.lookup("s", "k", "f")).toEqual({ kind: "replay", response: created });
    });

    it("does not replay its answer, nor refuse another request under the key", async () => {
      const { store, idempotency, advance } = await answered();
      advance(DAY_MS + 1_000);
      expect(await store.get({ pk: "IDEMPOTENCY#s#k", sk: "IDEMPOTENCY" })).toBeDefined();
      expect(await idempotency.lookup("s", "k", "f")).toEqual({ kind: "new" });
      expect(await idempotency.lookup("s", "k", "another body")).toEqual({ kind: "new" });
    });

    it("lets a new claim take the key, and then holds that claim", async () => {
      const { idempotency, advance } = await answered();
      advance(DAY_MS + 1_000);
      expect((await idempotency.claim("s", "k", "another body")).kind).toBe("claimed");
      await expect(idempotency.claim("s", "k", "another body")).rejects.toMatchObject({
        code: "REQUEST_IN_PROGRESS",
      });
    });

    it("lets a new answer commit over it, which is replayed from then on", async () => {
      const { store, idempotency, advance } = await answered();
      advance(DAY_MS + 1_000);
      const second = { status: 201, body: { order: { id: "ord_2" } } };
      await store.transact([idempotency.answer("s", "k", "f", second)]);
      expect(await idempotency.lookup("s", "k", "f")).toEqual({ kind: "replay", response: second });
    });
  });
});
