import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../adapters/local/system-clock.js";
import { minimumIncrement } from "../../domain/auctions/auction-rules.js";
import { ConditionFailedError, type ItemStore, itemAt, type TransactOp, when } from "../../ports/item-store.js";
import { isAuctionKey, loadAuction } from "./auction-items.js";
import { makeCancelAuction } from "./change-auction.js";
import { makeCloseAuction } from "./close-auction.js";
import { makeCreateAuction } from "./create-auction.js";
import { makePlaceBid } from "./place-bid.js";

const START = Date.parse("2026-06-01T12:00:00Z");
const seller = { userId: "seller-1", roles: ["seller"] };
const bidder = (n: number) => ({ userId: `bidder-${n}`, roles: ["customer"] });

/** The runtime's store (auction rows served from memory), counting the writes asked of it. */
function setup() {
  let now = START;
  const clock = { now: () => new Date(now) };
  const sqlite = new SqliteItemStore(openSqliteDatabase(":memory:"), { cacheRows: isAuctionKey });
  const writes = { count: 0 };
  const counted = <T>(write: () => Promise<T>) => {
    writes.count++;
    return write();
  };
  let interposed: (() => Promise<unknown>) | undefined;
  const store: ItemStore = {
    get: (key) => sqlite.get(key),
    query: (input) => sqlite.query(input),
    put: (item, condition) => counted(() => sqlite.put(item, condition)),
    update: (key, update, condition) => counted(() => sqlite.update(key, update, condition)),
    delete: (key, condition) => counted(() => sqlite.delete(key, condition)),
    transact: async (ops, events) => {
      const write = interposed;
      interposed = undefined;
      await write?.();
      return counted(() => sqlite.transact(ops, events));
    },
  };
  const deps = { store, ids: createUlidGenerator(clock), clock };
  const createAuction = () =>
    makeCreateAuction(deps)(
      {
        title: "Hot cake",
        description: "",
        currency: "EUR",
        startingPrice: 500,
        startsAt: new Date(START).toISOString(),
        endsAt: new Date(START + 120_000).toISOString(),
      },
      seller,
    );
  return {
    deps,
    sqlite,
    writes,
    createAuction,
    advance: (ms: number) => {
      now += ms;
    },
    /** Commits `write` (e.g. another server's bid) just before the next transaction, after its reads. */
    beforeNextTransact: (write: () => Promise<unknown>) => {
      interposed = write;
    },
  };
}

/** Everything stored for an auction must follow the rules, whatever raced. Returns the stored bid ids. */
async function assertRulesHeld(sqlite: SqliteItemStore, auctionId: string) {
  const auction = await loadAuction(sqlite, auctionId);
  const bids = (await sqlite.query({ partition: `AUCTION#${auctionId}`, beginsWith: "BID#", limit: 10_000 })).items;
  bids.forEach((bid, i) => {
    const previous = bids[i - 1];
    const minimum = previous
      ? Number(previous.amount) + minimumIncrement(Number(previous.amount))
      : auction.startingPrice;
    expect(Number(bid.amount), `bid ${i}`).toBeGreaterThanOrEqual(minimum);
    expect(String(bid.at) < auction.endsAt, `bid ${i} before the end`).toBe(true);
    expect(bid.bidderId).not.toBe(auction.sellerId);
  });
  expect(auction.bidCount).toBe(bids.length);
  expect(auction.highestBid?.id).toBe(bids.at(-1)?.id);
  // Each accepted bid committed with its event; none after the auction closed or was cancelled.
  const events = await sqlite.listByKey(auctionId);
  const placed = events.filter((event) => event.type === "bid_placed");
  expect(placed.map((event) => event.data.amount)).toEqual(bids.map((bid) => bid.amount));
  const ended = events.findIndex((event) => event.type === "auction_closed" || event.type === "auction_cancelled");
  if (ended >= 0) expect(events.slice(ended).some((event) => event.type === "bid_placed")).toBe(false);
  return bids.map((bid) => String(bid.id));
}

type Wave = {
  bids: Array<{ server: 0 | 1; bidder: number; steps: number }>;
  advanceMs: number;
  alongside: "nothing" | "close" | "cancel";
};

const wave: fc.Arbitrary<Wave> = fc.record({
  bids: fc.array(
    fc.record({
      // Two servers (processes, Lambdas) on one table: they race only through the version condition.
      server: fc.constantFrom(0 as const, 1 as const),
      // Bidder 0 is the seller, who may never bid on their own auction.
      bidder: fc.integer({ min: 0, max: 6 }),
      // Below, at or above the minimum next bid as the bidders last saw it.
      steps: fc.integer({ min: -2, max: 3 }),
    }),
    { minLength: 1, maxLength: 24 },
  ),
  advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40_000 })),
  alongside: fc.oneof(
    { weight: 8, arbitrary: fc.constant("nothing" as const) },
    { weight: 1, arbitrary: fc.constant("close" as const) },
    { weight: 1, arbitrary: fc.constant("cancel" as const) },
  ),
});

describe("placing bids on a hot auction", () => {
  it("keeps every rule under concurrent bids from two servers, with closes and cancels racing them", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wave, { minLength: 1, maxLength: 10 }), async (waves) => {
        const { deps, sqlite, createAuction, advance } = setup();
        const servers = [makePlaceBid(deps), makePlaceBid(deps)];
        const close = makeCloseAuction(deps);
        const cancel = makeCancelAuction(deps);
        const auction = await createAuction();
        const accepted: string[] = [];
        for (const { bids, advanceMs, alongside } of waves) {
          advance(advanceMs);
          const seen = await loadAuction(sqlite, auction.id);
          const minimum = seen.highestBid
            ? seen.highestBid.amount + minimumIncrement(seen.highestBid.amount)
            : seen.startingPrice;
          const placing = bids.map((b) =>
            servers[b.server]!(auction.id, minimum + b.steps * 40, b.bidder === 0 ? seller : bidder(b.bidder)),
          );
          const [results] = await Promise.all([
            Promise.allSettled(placing),
            alongside === "close" ? close(auction.id) : undefined,
            alongside === "cancel" ? cancel(auction.id, seller).catch(() => undefined) : undefined,
          ]);
          for (const result of results) {
            if (result.status === "fulfilled") accepted.push(result.value.bid.id);
            else if (result.status === "rejected") {
              expect(["BID_TOO_LOW", "AUCTION_CLOSED", "OWN_AUCTION"]).toContain(result.reason.code);
            }
          }
        }
        const stored = await assertRulesHeld(sqlite, auction.id);
        expect(stored.sort()).toEqual(accepted.sort());
      }),
      { numRuns: 60 },
    );
  });

  it("never writes for a refused bid, and makes bids racing one write wait for it instead of racing it", async () => {
    const { deps, sqlite, writes, createAuction } = setup();
    const placeBid = makePlaceBid(deps);
    const auction = await createAuction();
    const before = writes.count;

    const tooLow = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => placeBid(auction.id, 400, bidder(i))));
    expect(tooLow.every((r) => r.status === "rejected" && r.reason.code === "BID_TOO_LOW")).toBe(true);
    expect(writes.count).toBe(before);

    // Thirty bidders bid the same minimum at once: one wins with a single write, the others are
    // refused against its outcome (carrying the new highest) without attempting one.
    const race = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => placeBid(auction.id, 500, bidder(i))));
    const won = race.filter((r) => r.status === "fulfilled");
    const lost = race.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.every((r) => r.reason.code === "BID_TOO_LOW" && r.reason.currentHighest === 500)).toBe(true);
    expect(writes.count).toBe(before + 1);

    // Rising bids at once: each is checked against the one before it, in turn.
    const rising = await Promise.allSettled(
      [600, 700, 800].map((amount, i) => placeBid(auction.id, amount, bidder(i))),
    );
    expect(rising.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(await assertRulesHeld(sqlite, auction.id)).toHaveLength(4);
  });
});

describe("a bid committed with another write (an Idempotency-Key's answer)", () => {
  const answerKey = { pk: "IDEMPOTENCY#k", sk: "IDEMPOTENCY" };
  const answer = (): TransactOp[] => [{ op: "put", item: itemAt(answerKey, {}), condition: when.notExists() }];

  it("still re-reads, re-checks and retries after losing the auction's version race", async () => {
    const { deps, sqlite, writes, createAuction, beforeNextTransact } = setup();
    const [placeBid, otherServer] = [makePlaceBid(deps), makePlaceBid(deps)];
    const auction = await createAuction();
    beforeNextTransact(() => otherServer(auction.id, 500, bidder(2)));
    const before = writes.count;
    const attempts: string[] = [];

    const placed = await placeBid(auction.id, 600, bidder(1), {
      alsoWrite: ({ bid }) => {
        attempts.push(bid.id);
        return answer();
      },
    });
    expect(placed.auction.bidCount).toBe(2);
    // The other server's bid, this bid's lost race, its retry against the other bid's outcome.
    expect(writes.count - before).toBe(3);
    expect(attempts).toHaveLength(2);
    expect(attempts.at(-1)).toBe(placed.bid.id);
    expect(await sqlite.get(answerKey)).toBeDefined();
    expect(await assertRulesHeld(sqlite, auction.id)).toHaveLength(2);
  });

  it("throws the ConditionFailedError of a failed answer without retrying, and stores no bid", async () => {
    const { deps, sqlite, writes, createAuction } = setup();
    const auction = await createAuction();
    await sqlite.put(itemAt(answerKey, {}));
    const before = writes.count;

    await expect(makePlaceBid(deps)(auction.id, 500, bidder(1), { alsoWrite: answer })).rejects.toBeInstanceOf(
      ConditionFailedError,
    );
    expect(writes.count - before).toBe(1);
    expect(await assertRulesHeld(sqlite, auction.id)).toHaveLength(0);
  });

  it("throws, not races again, when another server committed the same answer with its bid first", async () => {
    const { deps, sqlite, createAuction, beforeNextTransact } = setup();
    const [placeBid, otherServer] = [makePlaceBid(deps), makePlaceBid(deps)];
    const auction = await createAuction();
    beforeNextTransact(() => otherServer(auction.id, 500, bidder(1), { alsoWrite: answer }));

    // Both the version condition and the answer's fail: the answer's decides.
    await expect(placeBid(auction.id, 500, bidder(1), { alsoWrite: answer })).rejects.toMatchObject({
      failedIndexes: [0, 2],
    });
    expect(await assertRulesHeld(sqlite, auction.id)).toHaveLength(1);
  });
});
