import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { readSse } from "../support/sse-client.js";
import { DEMO_PASSWORD, startTestServer, type TestServer } from "../support/test-server.js";

/** A clock the test moves forward, so auctions can end without waiting for them. */
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };

let server: TestServer;
let seller: string;
let otherSeller: string;
const bidders: string[] = [];

async function account(email: string, roles: string[]) {
  await server.runtime.useCases.ensureUser({ email, password: "auction-password", name: email, roles: roles as never });
  return (await server.api("/auth/sign-in", { body: { email, password: "auction-password" } })).body.token as string;
}

/** Signs everyone in again (tokens expire by the moved clock too). */
async function signInAll() {
  seller = (await server.api("/auth/sign-in", { body: { email: "seller@orderflow.local", password: DEMO_PASSWORD } }))
    .body.token;
  otherSeller = await account("seller2@example.com", ["seller"]);
  for (let i = 0; i < 4; i++) bidders[i] = await account(`bidder${i}@example.com`, ["customer"]);
}

beforeAll(async () => {
  server = await startTestServer({ AUCTION_SWEEP_MS: "200" }, { clock });
  await signInAll();
});
afterAll(async () => {
  await server.close();
});

function auctionBody(overrides: Record<string, unknown> = {}) {
  const start = clock.now().getTime();
  return {
    title: "Three-tier wedding cake",
    description: "Tasting for two included.",
    startingPrice: 10_000,
    startsAt: new Date(start - 1000).toISOString(),
    endsAt: new Date(start + 3_600_000).toISOString(),
    ...overrides,
  };
}

async function createAuction(overrides: Record<string, unknown> = {}, token = seller) {
  const created = await server.api("/auctions", { body: auctionBody(overrides), token });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const bid = (id: string, amount: number, token: string, headers: Record<string, string> = {}) =>
  server.api(`/auctions/${id}/bids`, { body: { amount }, token, headers });

/** The bids stored for an auction, in order. */
const storedBids = (id: string) =>
  server.runtime.db
    .prepare(
      "SELECT json_extract(data, '$.id') AS id, json_extract(data, '$.amount') AS amount FROM items WHERE pk = ? AND sk LIKE 'BID#%' ORDER BY sk",
    )
    .all(`AUCTION#${id}`) as Array<{ id: string; amount: number }>;

/** The writes (store method, and the pk of each item) that touch items whose pk starts with a prefix, while `work` runs. */
async function writesTo(prefixes: string[], work: () => Promise<unknown>) {
  const store = server.runtime.store;
  const spies = {
    put: vi.spyOn(store, "put"),
    update: vi.spyOn(store, "update"),
    delete: vi.spyOn(store, "delete"),
    transact: vi.spyOn(store, "transact"),
  };
  try {
    await work();
    const writes = [
      ...spies.put.mock.calls.map(([item]) => ({ method: "put", pks: [item.pk] })),
      ...spies.update.mock.calls.map(([key]) => ({ method: "update", pks: [key.pk] })),
      ...spies.delete.mock.calls.map(([key]) => ({ method: "delete", pks: [key.pk] })),
      ...spies.transact.mock.calls.map(([ops]) => ({
        method: "transact",
        pks: ops.map((op) => (op.op === "put" ? op.item : op.key).pk),
      })),
    ];
    return writes.filter((write) => write.pks.some((pk) => prefixes.some((prefix) => pk.startsWith(prefix))));
  } finally {
    // Also forgets the calls recorded.
    for (const spy of Object.values(spies)) spy.mockRestore();
  }
}

describe("auctions", () => {
  it("validates a new auction and lets only sellers create one", async () => {
    const start = Date.now();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ endsAt: new Date(start - 5000).toISOString() }, "endsAt"],
      [{ endsAt: new Date(start + 40 * 86_400_000).toISOString() }, "endsAt"],
      [{ startingPrice: -5 }, "startingPrice"],
      [{ startingPrice: 10.5 }, "startingPrice"],
      [{ reservePrice: 5_000 }, "reservePrice"],
      [{ reservePrice: 20_000, buyNowPrice: 15_000 }, "buyNowPrice"],
      [{ title: "x" }, "title"],
      [{ description: "d".repeat(5001) }, "description"],
      [{ status: "sold" }, "status"],
      [{ productId: "no-such-cake" }, "productId"],
    ];
    for (const [overrides, field] of cases) {
      const response = await server.api("/auctions", { body: auctionBody(overrides), token: seller });
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect(response.body.error.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect((await server.api("/auctions", { body: auctionBody() })).status).toBe(401);
    expect((await server.api("/auctions", { body: auctionBody(), token: bidders[0] })).status).toBe(403);
    // A catalog product is named by its id or its catalog number, and stored by its id.
    const byNumber = await server.api("/auctions", { body: auctionBody({ productId: "1" }), token: seller });
    expect(byNumber.status).toBe(201);
    expect(byNumber.body.productId).toBe((await server.api("/products/1")).body.id);
  });

  it("accepts rising bids, refuses low, own and unauthenticated ones with the current highest, and hides bidders", async () => {
    const id = await createAuction();
    const own = await bid(id, 20_000, seller);
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe("OWN_AUCTION");
    expect((await bid(id, 9_999, bidders[0]!)).body.error).toMatchObject({
      code: "BID_TOO_LOW",
      details: { currentHighest: null, minimumBid: 10_000 },
    });
    expect((await bid(id, 10_000, bidders[0]!)).status).toBe(201);
    const low = await bid(id, 10_100, bidders[1]!);
    expect(low.status).toBe(422);
    expect(low.body.error).toMatchObject({
      code: "BID_TOO_LOW",
      details: { currentHighest: 10_000, minimumBid: 10_500 },
    });
    expect((await bid(id, 10_500, bidders[1]!)).status).toBe(201);
    expect((await server.api(`/auctions/${id}/bids`, { body: { amount: 99_999 } })).status).toBe(401);

    const asBidder0 = (await server.api(`/auctions/${id}`, { token: bidders[0] })).body;
    expect(asBidder0).toMatchObject({
      bidCount: 2,
      highestBid: { amount: 10_500, yours: false },
      minimumBid: 11_025,
      phase: "open",
    });
    expect(JSON.stringify(asBidder0)).not.toMatch(/bidder\d@example\.com|bidderId/);
    expect((await server.api(`/auctions/${id}`, { token: bidders[1] })).body.highestBid.yours).toBe(true);
  });

  it("streams live bids to watchers without revealing who bid", async () => {
    const id = await createAuction({ title: "Live bids cake" });
    await server.idle();
    const watching = readSse(
      `${server.url}/auctions/${id}/events`,
      (events) => events.filter((e) => e.event === "bid_placed").length >= 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await bid(id, 10_000, bidders[0]!);
    await bid(id, 11_000, bidders[1]!);
    const events = await watching;
    expect(events.map((e) => e.event)).toEqual(["auction_created", "bid_placed", "bid_placed"]);
    expect(events.filter((e) => e.event === "bid_placed").map((e) => e.data.data.amount)).toEqual([10_000, 11_000]);
    expect(JSON.stringify(events)).not.toMatch(/bidder|@example\.com/);
  });

  it("streams an auction's outcome to watchers without naming its winner, nor who cancelled one", async () => {
    const sold = await createAuction({ title: "Watched brownies", buyNowPrice: 30_000 });
    await bid(sold, 30_000, bidders[0]!);
    const cancelled = await createAuction({ title: "Withdrawn tart" });
    await server.api(`/auctions/${cancelled}/cancel`, { method: "POST", token: seller });
    await server.idle();
    const closing = await readSse(`${server.url}/auctions/${sold}/events`, (events) =>
      events.some((e) => e.event === "auction_closed"),
    );
    const closed = closing.find((e) => e.event === "auction_closed")!;
    expect(closed.data.data).toMatchObject({ amount: 30_000 });
    expect(closed.data.data).not.toHaveProperty("winnerId");
    const withdrawing = await readSse(`${server.url}/auctions/${cancelled}/events`, (events) =>
      events.some((e) => e.event === "auction_cancelled"),
    );
    expect(withdrawing.find((e) => e.event === "auction_cancelled")!.data.data).not.toHaveProperty("by");
    expect(JSON.stringify([...closing, ...withdrawing])).not.toMatch(/"(winnerId|bidderId|by)"/);
  });

  it("keeps 200 concurrent bids consistent: no lost update, the highest is the maximum accepted", async () => {
    const id = await createAuction({ startingPrice: 100 });
    const amounts = Array.from({ length: 200 }, (_, i) => 100 + ((i * 7919) % 20_000));
    const responses = await Promise.all(amounts.map((amount, i) => bid(id, amount, bidders[i % bidders.length]!)));
    const accepted = responses.filter((r) => r.status === 201).map((r) => r.body.bid.amount as number);
    const refused = responses.filter((r) => r.status !== 201);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.every((r) => ["BID_TOO_LOW", "AUCTION_BUSY"].includes(r.body.error.code))).toBe(true);
    const auction = (await server.api(`/auctions/${id}`)).body;
    expect(auction.bidCount).toBe(accepted.length);
    expect(auction.highestBid.amount).toBe(Math.max(...accepted));
    expect(storedBids(id).map((row) => row.amount)).toEqual([...accepted].sort((a, b) => a - b));
  });

  it("lets only the seller edit, and only before the first bid; the seller or an admin cancels, and bidders are told", async () => {
    const id = await createAuction();
    const foreign = await server.api(`/auctions/${id}`, {
      method: "PATCH",
      body: { title: "Mine now" },
      token: otherSeller,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe("NOT_YOUR_AUCTION");
    expect(
      (
        await server.api(`/auctions/${id}`, {
          method: "PATCH",
          body: { title: "Two-tier wedding cake" },
          token: seller,
        })
      ).body.title,
    ).toBe("Two-tier wedding cake");
    const invalid = await server.api(`/auctions/${id}`, { method: "PATCH", body: { reservePrice: 1 }, token: seller });
    expect(invalid.status).toBe(400);
    await bid(id, 10_000, bidders[2]!);
    const late = await server.api(`/auctions/${id}`, { method: "PATCH", body: { title: "Too late" }, token: seller });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("AUCTION_HAS_BIDS");
    expect((await server.api(`/auctions/${id}/cancel`, { method: "POST", token: otherSeller })).status).toBe(403);
    const cancelled = await server.api(`/auctions/${id}/cancel`, {
      method: "POST",
      token: await server.tokenFor("admin"),
    });
    expect(cancelled.body.status).toBe("cancelled");
    expect((await bid(id, 50_000, bidders[3]!)).body.error.code).toBe("AUCTION_CLOSED");
    await server.idle();
    const told = (await readMailbox(server.config.mailDir)).filter(
      (mail) => mail.subject?.includes("was cancelled") && addressesOf(mail).includes("bidder2@example.com"),
    );
    expect(told).toHaveLength(1);
  });

  it("closes on time, notifies winner and seller once, and e-mails an outbid bidder once per burst", async () => {
    const id = await createAuction({
      title: "Croquembouche",
      endsAt: new Date(clock.now().getTime() + 90_000).toISOString(),
      reservePrice: 12_000,
    });
    await bid(id, 10_000, bidders[0]!);
    await bid(id, 11_000, bidders[1]!);
    await bid(id, 12_000, bidders[0]!);
    await bid(id, 13_000, bidders[1]!);
    offset.ms += 91_000;
    for (let waited = 0; (await server.api(`/auctions/${id}`)).body.status === "active" && waited < 50; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await server.idle();
    const closed = (await server.api(`/auctions/${id}`, { token: bidders[1] })).body;
    expect(closed).toMatchObject({ status: "sold", phase: "sold", highestBid: { amount: 13_000, yours: true } });
    expect((await bid(id, 20_000, bidders[2]!)).body.error.code).toBe("AUCTION_CLOSED");

    await server.runtime.useCases.closeAuction(id);
    await server.idle();
    const mails = (await readMailbox(server.config.mailDir)).filter(
      (mail) => mail.text?.includes("Croquembouche") || mail.subject?.includes("Croquembouche"),
    );
    const to = (address: string) => mails.filter((mail) => addressesOf(mail).includes(address));
    expect(to("bidder1@example.com").filter((mail) => mail.subject?.includes("you won"))).toHaveLength(1);
    expect(to("seller@orderflow.local").filter((mail) => mail.subject?.includes("sold"))).toHaveLength(1);
    expect(to("bidder0@example.com").filter((mail) => mail.subject?.includes("outbid"))).toHaveLength(1);
  });

  it("ends unsold when the reserve is not met, and tells the seller", async () => {
    const id = await createAuction({
      title: "Macaron tower",
      endsAt: new Date(clock.now().getTime() + 61_000).toISOString(),
      reservePrice: 50_000,
    });
    await bid(id, 10_000, bidders[3]!);
    offset.ms += 62_000;
    for (let waited = 0; (await server.api(`/auctions/${id}`)).body.status === "active" && waited < 50; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await server.idle();
    expect((await server.api(`/auctions/${id}`)).body.status).toBe("unsold");
    const mails = await readMailbox(server.config.mailDir);
    expect(mails.filter((mail) => mail.subject?.includes('"Macaron tower" ended unsold'))).toHaveLength(1);
  });

  it("a bid at or above the buy-now price wins at once at that price and closes the auction", async () => {
    const id = await createAuction({ title: "Buy-now brownies", buyNowPrice: 30_000 });
    await bid(id, 10_000, bidders[0]!);
    const bought = await bid(id, 3_000_000, bidders[1]!); // one zero too many
    expect(bought.status).toBe(201);
    expect(bought.body.bid.amount).toBe(30_000);
    expect(bought.body.auction).toMatchObject({ status: "sold", phase: "sold", highestBid: { amount: 30_000 } });
    expect(storedBids(id).map((stored) => stored.amount)).toEqual([10_000, 30_000]);
    expect((await bid(id, 40_000, bidders[2]!)).body.error.code).toBe("AUCTION_CLOSED");
    await server.idle();
    const mails = await readMailbox(server.config.mailDir);
    expect(
      mails.filter(
        (mail) =>
          mail.subject?.includes('you won "Buy-now brownies"') && addressesOf(mail).includes("bidder1@example.com"),
      ),
    ).toHaveLength(1);
  });

  it("lists active auctions ending soonest first, and a seller's own", async () => {
    const soon = await createAuction({
      title: "Ending soon",
      endsAt: new Date(clock.now().getTime() + 120_000).toISOString(),
    });
    const list = (await server.api("/auctions?limit=100")).body.items;
    expect(list[0].id).toBe(soon);
    const ends = list.map((a: { endsAt: string }) => a.endsAt);
    expect(ends).toEqual([...ends].sort());
    const mine = (await server.api(`/auctions?seller=${list[0].sellerId}&limit=100`)).body.items;
    expect(mine.every((a: { sellerId: string }) => a.sellerId === list[0].sellerId)).toBe(true);
  });
});

describe("bids with an Idempotency-Key", () => {
  const key = (name: string) => ({ "idempotency-key": name });
  const keptUnder = (name: string) =>
    (
      server.runtime.db.prepare("SELECT COUNT(*) AS n FROM items WHERE pk LIKE ?").get(`IDEMPOTENCY#%#${name}`) as {
        n: number;
      }
    ).n;

  it("commits the bid, its auction and the answer in one transaction, and replays a retry", async () => {
    const id = await createAuction({ title: "Idempotent eclair" });
    let first!: Awaited<ReturnType<typeof bid>>;
    const writes = await writesTo([`AUCTION#${id}`, "IDEMPOTENCY#"], async () => {
      first = await bid(id, 10_000, bidders[0]!, key("bid-retry"));
    });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(writes).toEqual([
      {
        method: "transact",
        pks: [`AUCTION#${id}`, `AUCTION#${id}`, expect.stringMatching(/^IDEMPOTENCY#.*#bid-retry$/)],
      },
    ]);

    let retry!: Awaited<ReturnType<typeof bid>>;
    const retryWrites = await writesTo([`AUCTION#${id}`, "IDEMPOTENCY#"], async () => {
      retry = await bid(id, 10_000, bidders[0]!, key("bid-retry"));
    });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(retryWrites).toEqual([]);
    expect(storedBids(id).map((row) => row.id)).toEqual([first.body.bid.id]);
    expect((await server.api(`/auctions/${id}`)).body.bidCount).toBe(1);
  });

  it("turns 20 parallel identical bids with one key into one bid, answered to all of them", async () => {
    const id = await createAuction({ title: "Racing religieuse" });
    // Sent to the app in-process, so all twenty have looked the key up before the first one commits:
    // those waiting for its write are then refused against it (too low), and replay its answer instead.
    const responses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await server.runtime.fetch(
          new Request(`${server.url}/auctions/${id}/bids`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${bidders[1]}`, ...key("bid-race") },
            body: JSON.stringify({ amount: 10_000 }),
          }),
        );
        return { status: response.status, headers: response.headers, body: await response.json() };
      }),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body.bid.id)).size).toBe(1);
    // One request placed the bid; every other answer is a replay of its answer.
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") !== "true")).toHaveLength(1);
    expect(storedBids(id)).toHaveLength(1);
    expect((await server.api(`/auctions/${id}`)).body.bidCount).toBe(1);
  });

  it("refuses the same key with another amount (422) and places nothing", async () => {
    const id = await createAuction({ title: "Reused-key rum baba" });
    expect((await bid(id, 10_000, bidders[2]!, key("bid-reused"))).status).toBe(201);
    const other = await bid(id, 12_000, bidders[2]!, key("bid-reused"));
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(storedBids(id)).toHaveLength(1);
  });

  it("keeps nothing for a refused bid, so its retry is judged again", async () => {
    const id = await createAuction({ title: "Refused-key financier" });
    const before = (await server.api(`/auctions/${id}`)).body;
    let refused!: Awaited<ReturnType<typeof bid>>;
    const writes = await writesTo([`AUCTION#${id}`, "IDEMPOTENCY#"], async () => {
      refused = await bid(id, 9_000, bidders[3]!, key("bid-refused"));
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: "BID_TOO_LOW", details: { currentHighest: null } });
    expect(writes).toEqual([]);
    expect((await server.api(`/auctions/${id}`)).body).toEqual(before);
    expect(keptUnder("bid-refused")).toBe(0);

    // Judged against the auction as it is now (a replay would repeat the first refusal).
    expect((await bid(id, 10_000, bidders[0]!)).status).toBe(201);
    const retry = await bid(id, 9_000, bidders[3]!, key("bid-refused"));
    expect(retry.status).toBe(422);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    expect(retry.body.error).toMatchObject({ code: "BID_TOO_LOW", details: { currentHighest: 10_000 } });
    expect(keptUnder("bid-refused")).toBe(0);
  });
});

describe("QR codes and seller notes", () => {
  it("renders each auction's QR code as SVG and PNG after it is created", async () => {
    const id = await createAuction({ title: "QR gateau" });
    await server.idle();
    const svg = await fetch(`${server.url}/auctions/${id}/qr?format=svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(await svg.text()).toContain("<svg");
    const png = await fetch(`${server.url}/auctions/${id}/qr?format=png`);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect((await fetch(`${server.url}/auctions/auc_missing/qr?format=png`)).status).toBe(404);
  });

  it("stores QR codes under qr-codes/ (the prefix the AWS functions are granted) and still serves ones stored before", async () => {
    const id = await createAuction({ title: "Prefixed gateau" });
    await server.idle();
    expect(await server.runtime.objects.exists(`qr-codes/${id}.svg`)).toBe(true);
    expect(await server.runtime.objects.exists(`qr-codes/${id}.png`)).toBe(true);
    await server.runtime.objects.delete(`qr-codes/${id}.svg`);
    await server.runtime.objects.put(
      `auctions/${id}/qr.svg`,
      new TextEncoder().encode("<svg>old</svg>"),
      "image/svg+xml",
    );
    const old = await fetch(`${server.url}/auctions/${id}/qr?format=svg`);
    expect(old.status).toBe(200);
    expect(await old.text()).toBe("<svg>old</svg>");
  });

  it("keeps each seller's notes private to their author", async () => {
    const id = await createAuction({ title: "Noted cake" });
    const created = await server.api("/seller/notes", {
      body: { text: "Buyer asked about nuts", auctionId: id },
      token: seller,
    });
    expect(created.status).toBe(201);
    const noteId = created.body.id;
    expect(
      (await server.api("/seller/notes", { body: { text: "Not mine", auctionId: id }, token: otherSeller })).status,
    ).toBe(403);
    expect((await server.api(`/seller/notes/${noteId}`, { token: otherSeller })).status).toBe(404);
    expect(
      (await server.api(`/seller/notes/${noteId}`, { method: "PATCH", body: { text: "hijack" }, token: otherSeller }))
        .status,
    ).toBe(404);
    expect((await server.api(`/seller/notes/${noteId}`, { method: "DELETE", token: otherSeller })).status).toBe(404);
    expect((await server.api(`/seller/notes?auctionId=${id}`, { token: otherSeller })).body.items).toEqual([]);
    expect((await server.api("/seller/notes", { token: bidders[0] })).status).toBe(403);
    expect(
      (await server.api(`/seller/notes/${noteId}`, { method: "PATCH", body: { text: "No nuts" }, token: seller })).body
        .text,
    ).toBe("No nuts");
    expect(
      (await server.api(`/seller/notes?auctionId=${id}`, { token: seller })).body.items.map(
        (n: { text: string }) => n.text,
      ),
    ).toEqual(["No nuts"]);
    expect((await server.api(`/seller/notes/${noteId}`, { method: "DELETE", token: seller })).status).toBe(204);
    expect((await server.api(`/seller/notes/${noteId}`, { token: seller })).status).toBe(404);
  });
});

describe("listing agreement uploads", () => {
  const pdf = Buffer.from("%PDF-1.4 listing agreement for the croquembouche");
  // The test server listens on a random port, so its PUBLIC_URL's port is not the real one.
  const put = (url: string, body: Buffer, type = "application/pdf") =>
    fetch(`${server.url}${new URL(url).pathname}`, {
      method: "PUT",
      headers: { "content-type": type },
      body: new Uint8Array(body),
    });

  async function uploadUrl(id: string, size = pdf.length, contentType = "application/pdf", token = seller) {
    return server.api(`/auctions/${id}/agreement/upload-url`, { body: { contentType, size }, token });
  }

  it("accepts exactly one object of the declared type and size, under the seller's prefix, and attaches it", async () => {
    const id = await createAuction({ title: "Agreement cake" });
    const signed = await uploadUrl(id);
    expect(signed.status).toBe(201);
    expect(signed.body.key).toMatch(new RegExp(`^agreements/[^/]+/${id}/[^/]+\\.pdf$`));
    expect((await put(signed.body.url, pdf)).status).toBe(201);
    expect((await put(signed.body.url, pdf)).status).toBe(409);
    const stored = await fetch(`${server.url}/auctions/${id}/agreement`, {
      headers: { authorization: `Bearer ${seller}` },
    });
    expect(Buffer.from(await stored.arrayBuffer()).equals(pdf)).toBe(true);
    expect((await server.api(`/auctions/${id}/agreement`, { token: otherSeller })).status).toBe(404);
    // PUTs racing on a fresh URL (bodies large enough to arrive in many chunks): one is received, the rest refused.
    const large = Buffer.concat([pdf, Buffer.alloc(4 * 1024 * 1024, 0x20)]);
    const raced = await uploadUrl(id, large.length);
    const answers = await Promise.all(Array.from({ length: 20 }, () => put(raced.body.url, large)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, ...Array(19).fill(409)]);
  });

  it("deletes an upload that does not match its grant instead of attaching it (S3 cannot cap a presigned PUT)", async () => {
    const id = await createAuction({ title: "Checked cake" });
    const signed = await uploadUrl(id);
    const { objects, useCases } = server.runtime;
    // As the S3 event reports it: the object is stored, larger than the seller declared.
    await objects.put(signed.body.key, new Uint8Array(pdf.length + 1), "application/pdf");
    expect(
      await useCases.attachAgreement(signed.body.key, { contentType: "application/pdf", size: pdf.length + 1 }),
    ).toBe(false);
    expect(await objects.exists(signed.body.key)).toBe(false);
    expect((await server.api(`/auctions/${id}/agreement`, { token: seller })).status).toBe(404);
    // An object no URL was issued for is not attached either.
    const stray = `agreements/someone/${id}/stray.pdf`;
    await objects.put(stray, new Uint8Array(pdf), "application/pdf");
    expect(await useCases.attachAgreement(stray, { contentType: "application/pdf", size: pdf.length })).toBe(false);
    expect(await objects.exists(stray)).toBe(false);
  });

  it("refuses other sellers, wrong types, oversized and tampered or expired uploads", async () => {
    const id = await createAuction({ title: "Strict cake" });
    expect((await uploadUrl(id, pdf.length, "application/pdf", otherSeller)).status).toBe(403);
    expect((await uploadUrl(id, pdf.length, "text/html")).status).toBe(400);
    expect((await uploadUrl(id, 26 * 1024 * 1024)).status).toBe(400);

    const small = await uploadUrl(id, 10);
    const tooBig = await put(small.body.url, pdf);
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as any).error.code).toBe("UPLOAD_TOO_LARGE");
    const typed = await uploadUrl(id);
    expect((await put(typed.body.url, pdf, "image/png")).status).toBe(415);
    const tampered = typed.body.url.replace(/\.[^.]+$/, ".forged");
    expect((await put(tampered, pdf)).status).toBe(403);
    offset.ms += 301_000;
    const expired = await put(typed.body.url, pdf);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as any).error.code).toBe("UPLOAD_URL_EXPIRED");
  });
});

describe("winner checkout", () => {
  const checkoutBody = (card = "4242 4242 4242 4242") => ({
    deliveryAddress: { line1: "7 Winner Lane", city: "Haarlem", postalCode: "2011 AA", country: "NL" },
    payment: { card },
  });

  async function soldAuction(title: string) {
    const id = await createAuction({ title, endsAt: new Date(clock.now().getTime() + 61_000).toISOString() });
    await bid(id, 15_000, bidders[2]!);
    offset.ms += 62_000;
    for (let waited = 0; (await server.api(`/auctions/${id}`)).body.status === "active" && waited < 50; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await server.idle();
    return id;
  }

  it("the winner pays through the saga; the order then follows the bakery lifecycle", async () => {
    const id = await soldAuction("Saga sachertorte");
    expect((await server.api(`/auctions/${id}/checkout`, { body: checkoutBody(), token: bidders[1] })).status).toBe(
      403,
    );
    const declined = await server.api(`/auctions/${id}/checkout`, {
      body: checkoutBody("4000 0000 0000 0002"),
      token: bidders[2],
    });
    expect(declined.status).toBe(202);
    await server.idle();
    const failed = (await server.api(`/auctions/${id}`, { token: bidders[2] })).body;
    expect(failed.checkout).toEqual({
      state: "failed",
      failureReason: "Your card was declined",
      failureCode: "PAYMENT_DECLINED",
    });
    expect((await server.api(`/auctions/${id}`, { token: bidders[0] })).body.checkout).toBeUndefined();

    expect((await server.api(`/auctions/${id}/checkout`, { body: checkoutBody(), token: bidders[2] })).status).toBe(
      202,
    );
    await server.idle();
    const paid = (await server.api(`/auctions/${id}`, { token: bidders[2] })).body;
    expect(paid.checkout.state).toBe("paid");
    const orderId = paid.checkout.orderId;
    const order = (await server.api(`/orders/${orderId}`, { token: bidders[2] })).body;
    expect(order.order).toMatchObject({ status: "confirmed", total: { amount: 15_000, currency: "EUR" } });
    expect(order.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(["order_received", "payment_charged", "order_placed", "receipt_issued", "maker_notified"]),
    );
    const fulfilled = await server.api(`/orders/${orderId}/fulfilled`, {
      method: "POST",
      token: await server.tokenFor("maker"),
    });
    expect(fulfilled.body.status).toBe("fulfilled");
    expect((await server.api(`/auctions/${id}/checkout`, { body: checkoutBody(), token: bidders[2] })).body.state).toBe(
      "paid",
    );
    // watchers (the seller's page among them) see it paid, without the order or the failed attempt
    const watched = await readSse(`${server.url}/auctions/${id}/events`, (events) =>
      events.some((e) => e.event === "auction_paid"),
    );
    expect(watched.map((e) => e.event)).not.toContain("auction_checkout_failed");
    expect(watched.find((e) => e.event === "auction_paid")!.data.data).toEqual({});
    expect(JSON.stringify(watched)).not.toContain(orderId);
  });

  it("a winner who does not pay by the deadline loses the win: the auction ends unsold and both are told", async () => {
    const id = await soldAuction("Lapsed lamington");
    offset.ms += 49 * 3600 * 1000;
    for (let waited = 0; (await server.api(`/auctions/${id}`)).body.status === "sold" && waited < 50; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await server.idle();
    expect((await server.api(`/auctions/${id}`)).body.status).toBe("unsold");
    await signInAll();
    const late = await server.api(`/auctions/${id}/checkout`, { body: checkoutBody(), token: bidders[2] });
    expect(late.status).toBe(403);
    const mails = await readMailbox(server.config.mailDir);
    expect(mails.filter((mail) => mail.subject?.includes('"Lapsed lamington" was not paid for'))).toHaveLength(1);
    expect(mails.filter((mail) => mail.subject?.includes('your win of "Lapsed lamington" lapsed'))).toHaveLength(1);
    const watched = await readSse(`${server.url}/auctions/${id}/events`, (events) =>
      events.some((e) => e.event === "auction_checkout_lapsed"),
    );
    expect(watched.find((e) => e.event === "auction_checkout_lapsed")!.data.data).toEqual({});
  });
});

describe("auction close survives a restart", () => {
  it("an auction whose end passes while the server is down closes when it starts again", async () => {
    const id = await createAuction({
      title: "Restart torte",
      endsAt: new Date(clock.now().getTime() + 70_000).toISOString(),
    });
    await bid(id, 10_000, bidders[0]!);
    await server.idle();
    const { dataDir } = server;
    await server.close();
    offset.ms += 71_000;
    server = await startTestServer({ DATA_DIR: dataDir, AUCTION_SWEEP_MS: "60000" }, { clock });
    for (let waited = 0; (await server.api(`/auctions/${id}`)).body.status === "active" && waited < 50; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await server.api(`/auctions/${id}`)).body.status).toBe("sold");
  });
});
