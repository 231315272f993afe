import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../adapters/local/system-clock.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { Scheduler } from "../../ports/scheduler.js";
import { CLOSE_DUE, makeKeepCloseSchedule, makeSweepAuctions } from "./auction-schedule.js";
import { makeCancelAuction, makeUpdateAuction } from "./change-auction.js";
import { makeCloseAuction } from "./close-auction.js";
import { makeCreateAuction } from "./create-auction.js";
import { makePlaceBid } from "./place-bid.js";

const START = Date.parse("2026-06-01T12:00:00Z");
const seller = { userId: "seller-1", roles: ["seller"] };
const at = (ms: number) => new Date(START + ms).toISOString();

/** A scheduler that only remembers its timers, as the persisted one keeps them (one per id). */
function recordingScheduler() {
  const timers = new Map<string, { at: string; event: { type: string; key: string } }>();
  const scheduler: Scheduler = {
    schedule: async (id, when, event) => {
      timers.set(id, { at: when.toISOString(), event: { type: event.type, key: event.key } });
    },
    cancel: async (id) => {
      timers.delete(id);
    },
  };
  return { scheduler, timers };
}

function setup() {
  let now = START;
  const clock = { now: () => new Date(now) };
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  const deps = { store, ids: createUlidGenerator(clock), clock };
  const { scheduler, timers } = recordingScheduler();
  const keepCloseSchedule = makeKeepCloseSchedule({ store, scheduler });
  const scheduleEvents = [AuctionEvent.created, AuctionEvent.updated, AuctionEvent.cancelled] as string[];
  const delivered = new Map<string, number>(); // auction id → seq of the last event delivered
  /** Delivers the auction's schedule events not delivered yet, in order, as the auction-schedules queue would. */
  async function deliver(auctionId: string): Promise<StoredEvent[]> {
    const events = await store.listByKey(auctionId, delivered.get(auctionId) ?? 0);
    const scheduling = events.filter((e) => scheduleEvents.includes(e.type));
    for (const event of scheduling) await keepCloseSchedule(event);
    if (events.length > 0) delivered.set(auctionId, events.at(-1)!.seq);
    return scheduling;
  }
  const create = (endsInMs: number) =>
    makeCreateAuction(deps)(
      {
        title: "Sachertorte",
        description: "",
        currency: "EUR",
        startingPrice: 1000,
        startsAt: at(-1000),
        endsAt: at(endsInMs),
      },
      seller,
    );
  return {
    deps,
    timers,
    deliver,
    keepCloseSchedule,
    create,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("keeping an auction's close timer", () => {
  it("a new auction gets one timer at its end time that asks for its close", async () => {
    const { create, deliver, timers } = setup();
    const auction = await create(3_600_000);
    expect((await deliver(auction.id)).map((e) => e.type)).toEqual([AuctionEvent.created]);
    expect([...timers.entries()]).toEqual([
      [`auction-close-${auction.id}`, { at: at(3_600_000), event: { type: CLOSE_DUE, key: auction.id } }],
    ]);
  });

  it("moving the end time moves the timer to the new end, without leaving one at the old end", async () => {
    const { create, deliver, timers, deps } = setup();
    const auction = await create(3_600_000);
    await deliver(auction.id);
    await makeUpdateAuction(deps)(auction.id, { endsAt: at(7_200_000) }, seller);
    expect((await deliver(auction.id)).map((e) => e.type)).toEqual([AuctionEvent.updated]);
    expect([...timers.values()]).toEqual([{ at: at(7_200_000), event: { type: CLOSE_DUE, key: auction.id } }]);

    await makeUpdateAuction(deps)(auction.id, { endsAt: at(1_800_000) }, seller);
    await deliver(auction.id);
    expect([...timers.values()].map((timer) => timer.at)).toEqual([at(1_800_000)]);
  });

  it("cancelling the auction cancels its timer", async () => {
    const { create, deliver, timers, deps } = setup();
    const auction = await create(3_600_000);
    await deliver(auction.id);
    expect(timers.size).toBe(1);
    await makeCancelAuction(deps)(auction.id, seller);
    expect((await deliver(auction.id)).map((e) => e.type)).toEqual([AuctionEvent.cancelled]);
    expect(timers.size).toBe(0);
  });

  it("a late or repeated delivery of an earlier event does not bring back the timer of a cancelled auction, nor an old end", async () => {
    const { create, deliver, timers, deps, keepCloseSchedule } = setup();
    const cancelled = await create(3_600_000);
    const [created] = await deliver(cancelled.id);
    await makeCancelAuction(deps)(cancelled.id, seller);
    await deliver(cancelled.id);
    await keepCloseSchedule(created!); // at-least-once: the created event comes again
    expect(timers.size).toBe(0);

    const moved = await create(3_600_000);
    const [movedCreated] = await deliver(moved.id);
    await makeUpdateAuction(deps)(moved.id, { endsAt: at(5_400_000) }, seller);
    await deliver(moved.id);
    await keepCloseSchedule(movedCreated!);
    expect([...timers.values()].map((timer) => timer.at)).toEqual([at(5_400_000)]);
  });
});

describe("the closing sweep (the timer's safety net)", () => {
  it("closes only the active auctions whose end has passed", async () => {
    const { create, deps, advance } = setup();
    const closeAuction = makeCloseAuction(deps);
    const sweep = makeSweepAuctions({ store: deps.store, closeAuction });
    const early = await create(60_000);
    const withBid = await create(120_000);
    const late = await create(3_600_000);
    await makePlaceBid(deps)(withBid.id, 1000, { userId: "bidder-1", roles: ["customer"] });
    expect(await sweep(deps.clock.now())).toBe(0);

    advance(130_000);
    expect(await sweep(deps.clock.now())).toBe(2);
    const status = async (id: string) => (await deps.store.get({ pk: `AUCTION#${id}`, sk: "AUCTION" }))?.status;
    expect(await status(early.id)).toBe("unsold");
    expect(await status(withBid.id)).toBe("sold");
    expect(await status(late.id)).toBe("active");
    expect(await sweep(deps.clock.now())).toBe(0);
  });
});
