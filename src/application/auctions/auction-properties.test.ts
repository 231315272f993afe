import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../adapters/local/system-clock.js";
import { isAuctionKey, loadAuction } from "./auction-items.js";
import { makeCancelAuction, makeUpdateAuction } from "./change-auction.js";
import { makeCloseAuction } from "./close-auction.js";
import { makeCreateAuction } from "./create-auction.js";
import { makePlaceBid } from "./place-bid.js";

const START = Date.parse("2026-06-01T12:00:00Z");
const seller = { userId: "seller-1", roles: ["seller"] };

type Action =
  | { kind: "bids"; bids: Array<{ bidder: number; amount: number }> }
  | { kind: "advance"; seconds: number }
  | { kind: "update" }
  | { kind: "cancel" }
  | { kind: "close" };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("bids" as const),
      bids: fc.array(
        fc.record({ bidder: fc.integer({ min: 1, max: 4 }), amount: fc.integer({ min: 500, max: 5000 }) }),
        { minLength: 1, maxLength: 6 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("advance" as const), seconds: fc.integer({ min: 1, max: 40 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "update" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "cancel" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "close" as const }) },
);

// The local runtime serves auctions from the rows its store keeps in memory; both ways must keep the rules.
describe.each([
  { store: "SQLite", cacheRows: undefined },
  { store: "SQLite with auctions cached", cacheRows: isAuctionKey },
])("auction rules under any interleaving ($store)", ({ cacheRows }) => {
  it("accepted bids strictly increase, none lands after the end, and the winner is the highest bid", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { maxLength: 25 }),
        fc.integer({ min: 500, max: 3000 }),
        async (actions, reserve) => {
          let now = START;
          const clock = { now: () => new Date(now) };
          const deps = {
            store: new SqliteItemStore(openSqliteDatabase(":memory:"), cacheRows ? { cacheRows } : {}),
            ids: createUlidGenerator(clock),
            clock,
          };
          const bid = makePlaceBid(deps);
          const close = makeCloseAuction(deps);
          const auction = await makeCreateAuction(deps)(
            {
              title: "Wedding cake tasting",
              description: "",
              currency: "EUR",
              startingPrice: 500,
              reservePrice: reserve,
              startsAt: new Date(START).toISOString(),
              endsAt: new Date(START + 120_000).toISOString(),
            },
            seller,
          );
          const accepted: Array<{ amount: number; at: number }> = [];
          for (const step of actions) {
            if (step.kind === "advance") now += step.seconds * 1000;
            else if (step.kind === "update")
              await makeUpdateAuction(deps)(auction.id, { title: "Renamed" }, seller).catch(() => undefined);
            else if (step.kind === "cancel") await makeCancelAuction(deps)(auction.id, seller).catch(() => undefined);
            else if (step.kind === "close") await close(auction.id);
            else {
              // Concurrent bids: all start before any commits.
              const results = await Promise.allSettled(
                step.bids.map((b) => bid(auction.id, b.amount, { userId: `bidder-${b.bidder}`, roles: ["customer"] })),
              );
              for (const result of results)
                if (result.status === "fulfilled")
                  accepted.push({ amount: result.value.bid.amount, at: Date.parse(result.value.bid.at) });
            }
          }
          now += 200_000;
          await close(auction.id);
          const final = await loadAuction(deps.store, auction.id);

          const stored = await deps.store.query({ partition: `AUCTION#${auction.id}`, beginsWith: "BID#" });
          const amounts = stored.items.map((item) => Number(item.amount));
          for (let i = 1; i < amounts.length; i++) expect(amounts[i]).toBeGreaterThan(amounts[i - 1]!);
          expect(amounts.sort((a, b) => a - b)).toEqual(accepted.map((a) => a.amount).sort((a, b) => a - b));
          expect(accepted.every((a) => a.at < Date.parse(final.endsAt))).toBe(true);
          const highest = Math.max(0, ...accepted.map((a) => a.amount));
          expect(final.highestBid?.amount ?? 0).toBe(highest);
          if (final.status !== "cancelled") {
            expect(final.status).toBe(highest >= reserve ? "sold" : "unsold");
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
