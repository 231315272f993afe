import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../adapters/local/system-clock.js";
import type { Auction } from "../../domain/auctions/auction.js";
import { phaseAt } from "../../domain/auctions/auction-rules.js";
import { DomainError } from "../../domain/shared/errors.js";
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

/** The refusal a change by the seller must get, or undefined when it must succeed (changes here run one at a time). */
function expectedChangeRefusal(kind: "update" | "cancel", auction: Auction, now: number): string | undefined {
  if (auction.status !== "active") return "AUCTION_NOT_ACTIVE";
  // Past its end, even before the close has run, the outcome is the close's: the seller cannot back out.
  if (now >= Date.parse(auction.endsAt)) return "AUCTION_ENDED";
  if (kind === "cancel") return undefined;
  return auction.bidCount > 0 ? "AUCTION_HAS_BIDS" : undefined;
}

/** Asserts a rejection is a domain refusal with one of `codes` (a TypeError or a stray error fails the property). */
function expectRefusal(reason: unknown, codes: readonly string[]): asserts reason is DomainError {
  expect(reason).toBeInstanceOf(DomainError);
  expect(codes).toContain((reason as DomainError).code);
}

// The local runtime serves auctions from the rows its store keeps in memory; both ways must keep the rules.
describe.each([
  { store: "SQLite", cacheRows: undefined },
  { store: "SQLite with auctions cached", cacheRows: isAuctionKey },
])("auction rules under any interleaving ($store)", ({ cacheRows }) => {
  // Outcomes over all runs: the property must not hold only because every bid was refused, or none was.
  const outcomes = new Map<string, number>();
  const tally = (outcome: string) => outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  afterAll(() => {
    expect(outcomes.get("accepted") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("BID_TOO_LOW") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("AUCTION_CLOSED") ?? 0).toBeGreaterThan(0);
  });

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
            else if (step.kind === "update" || step.kind === "cancel") {
              const expected = expectedChangeRefusal(step.kind, await loadAuction(deps.store, auction.id), now);
              const change =
                step.kind === "update"
                  ? makeUpdateAuction(deps)(auction.id, { title: "Renamed" }, seller)
                  : makeCancelAuction(deps)(auction.id, seller);
              const [result] = await Promise.allSettled([change]);
              if (expected === undefined) expect(result.status).toBe("fulfilled");
              else if (result.status === "fulfilled") expect.fail(`${step.kind} succeeded, expected ${expected}`);
              else expectRefusal(result.reason, [expected]);
            } else if (step.kind === "close") await close(auction.id);
            else {
              // The clock stands still during a burst and no bid here buys now, so the phase holds for all of it.
              const open = phaseAt(await loadAuction(deps.store, auction.id), new Date(now)) === "open";
              // Concurrent bids: all start before any commits.
              const results = await Promise.allSettled(
                step.bids.map((b) => bid(auction.id, b.amount, { userId: `bidder-${b.bidder}`, roles: ["customer"] })),
              );
              results.forEach((result, i) => {
                if (result.status === "fulfilled") {
                  expect(open).toBe(true);
                  accepted.push({ amount: result.value.bid.amount, at: Date.parse(result.value.bid.at) });
                  tally("accepted");
                  return;
                }
                expectRefusal(result.reason, open ? ["BID_TOO_LOW", "AUCTION_BUSY"] : ["AUCTION_CLOSED"]);
                if (result.reason.code === "BID_TOO_LOW")
                  expect(result.reason.details?.minimumBid).toBeGreaterThan(step.bids[i]!.amount);
                tally(result.reason.code);
              });
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
