import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, startTestServer, type TestServer } from "../support/test-server.js";

/**
 * Auctions close on time through their persisted close timer. The periodic sweep is the safety net; here it
 * runs once at start-up and then not for a day, so every close below can only come from the timer.
 */
const NO_SWEEP = { AUCTION_SWEEP_MS: String(24 * 3600 * 1000) };

/** A clock the test moves forward, so auctions can end without waiting for them. */
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };

let server: TestServer;
let seller: string;
let bidder: string;

async function signIn() {
  const api = server.api;
  seller = (await api("/auth/sign-in", { body: { email: "seller@orderflow.local", password: DEMO_PASSWORD } })).body
    .token;
  await server.runtime.useCases.ensureUser({
    email: "timer-bidder@example.com",
    password: "timer-bidder-password",
    name: "Timer bidder",
    roles: ["customer"],
  });
  bidder = (
    await api("/auth/sign-in", { body: { email: "timer-bidder@example.com", password: "timer-bidder-password" } })
  ).body.token;
}

beforeAll(async () => {
  server = await startTestServer(NO_SWEEP, { clock });
  await signIn();
});
afterAll(async () => {
  await server.close();
});

async function createAuction(title: string, endsInMs: number) {
  const now = clock.now().getTime();
  const created = await server.api("/auctions", {
    token: seller,
    body: {
      title,
      description: "Closed by its timer.",
      startingPrice: 10_000,
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + endsInMs).toISOString(),
    },
  });
  expect(created.status).toBe(201);
  await server.idle(); // the auction-schedules queue has set its timer
  return { id: created.body.id as string, endsAt: created.body.endsAt as string };
}

/** The persisted close timers of an auction: when each is due. */
const timersOf = (id: string) =>
  (
    server.runtime.db
      .prepare("SELECT due_at FROM timers WHERE key = ? AND type = 'auction_close_due'")
      .all(id) as Array<{
      due_at: number;
    }>
  ).map((timer) => new Date(timer.due_at).toISOString());

const closeDueEvents = (id: string) =>
  (
    server.runtime.db
      .prepare("SELECT COUNT(*) AS n FROM outbox WHERE key = ? AND type = 'auction_close_due'")
      .get(id) as {
      n: number;
    }
  ).n;

/** Waits (up to 5 s) for the auction to leave `active`, and returns its status. */
async function statusOnceClosed(id: string) {
  for (let waited = 0; waited < 50; waited++) {
    const status = (await server.api(`/auctions/${id}`)).body.status as string;
    if (status !== "active") return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return "active";
}

describe("auction close through the persisted timer (the sweep a day away)", () => {
  it("an auction closes sold at its end, by one auction_close_due event from its timer", async () => {
    const auction = await createAuction("Timer torte", 61_000);
    expect(timersOf(auction.id)).toEqual([auction.endsAt]);
    expect((await server.api(`/auctions/${auction.id}/bids`, { body: { amount: 10_000 }, token: bidder })).status).toBe(
      201,
    );
    offset.ms += 62_000;
    expect(await statusOnceClosed(auction.id)).toBe("sold");
    await server.idle();
    expect(closeDueEvents(auction.id)).toBe(1);
    expect(timersOf(auction.id)).toEqual([]);
  });

  it("moving the end time moves the timer: the auction closes at its new end", async () => {
    const auction = await createAuction("Moved macaron", 3_600_000);
    const newEnd = new Date(clock.now().getTime() + 90_000).toISOString();
    const moved = await server.api(`/auctions/${auction.id}`, {
      method: "PATCH",
      token: seller,
      body: { endsAt: newEnd },
    });
    expect(moved.status).toBe(200);
    await server.idle();
    expect(timersOf(auction.id)).toEqual([newEnd]);
    offset.ms += 91_000;
    expect(await statusOnceClosed(auction.id)).toBe("unsold");
    expect(closeDueEvents(auction.id)).toBe(1);
  });

  it("cancelling an auction cancels its timer: nothing fires at its old end", async () => {
    const auction = await createAuction("Cancelled cannoli", 61_000);
    expect(timersOf(auction.id)).toEqual([auction.endsAt]);
    const cancelled = await server.api(`/auctions/${auction.id}/cancel`, { method: "POST", token: seller });
    expect(cancelled.body.status).toBe("cancelled");
    await server.idle();
    expect(timersOf(auction.id)).toEqual([]);
  });

  it("a timer set before a restart still closes the auction at its end after the restart", async () => {
    const auction = await createAuction("Restarted rum baba", 120_000);
    const { dataDir } = server;
    await server.close();
    // Restarted well before the end: the start-up sweep finds nothing to close, the timer has to.
    server = await startTestServer({ ...NO_SWEEP, DATA_DIR: dataDir }, { clock });
    await signIn();
    expect(timersOf(auction.id)).toEqual([auction.endsAt]);
    expect((await server.api(`/auctions/${auction.id}`)).body.status).toBe("active");
    offset.ms += 121_000;
    expect(await statusOnceClosed(auction.id)).toBe("unsold");
    expect(closeDueEvents(auction.id)).toBe(1);
  });
});
