import { openSqliteDatabase } from "../../src/adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../src/adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../src/adapters/local/system-clock.js";
import { makeCreateAuction } from "../../src/application/auctions/create-auction.js";

export const AUCTION_START = Date.parse("2026-07-01T10:00:00Z");
export const AUCTION_HOURS = 1;
export const SELLER = { userId: "seller", roles: ["seller" as const] };

/**
 * An in-memory store, a clock that stands still until the test moves it, and one auction by SELLER,
 * open from AUCTION_START for an hour at a starting price of 50.00 EUR.
 */
export async function openAuction() {
  let now = AUCTION_START;
  const clock = { now: () => new Date(now) };
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  const deps = { store, ids: createUlidGenerator(clock), clock };
  const auction = await makeCreateAuction(deps)(
    {
      title: "Opera cake",
      description: "",
      currency: "EUR",
      startingPrice: 5000,
      startsAt: new Date(AUCTION_START).toISOString(),
      endsAt: new Date(AUCTION_START + AUCTION_HOURS * 3_600_000).toISOString(),
    },
    SELLER,
  );
  return {
    deps,
    store,
    auction,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
