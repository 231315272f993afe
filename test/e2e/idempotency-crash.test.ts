import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ItemKey, ItemStore, TransactOp } from "../../src/ports/item-store.js";
import { DEMO_PASSWORD, orderBody, startTestServer, type TestServer } from "../support/test-server.js";

/** A clock the test moves past the 60 s lock a crashed request leaves on its key. */
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };

const isRecord = (key: ItemKey) => key.pk.startsWith("IDEMPOTENCY#");

/**
 * A process that dies right after a request's work commits: once the request has committed anything
 * besides its idempotency record, no later write to that record happens (as after a `kill -9` there).
 */
const crash = { armed: false, workCommitted: false };

function dyingAfterTheWork(store: ItemStore): ItemStore {
  const write = async <T>(keys: ItemKey[], run: () => Promise<T>): Promise<T> => {
    const work = keys.some((key) => !isRecord(key));
    if (crash.armed && crash.workCommitted && !work && keys.some(isRecord)) {
      throw new Error("the process died after the work committed");
    }
    const result = await run();
    if (crash.armed && work) crash.workCommitted = true;
    return result;
  };
  const keyOf = (op: TransactOp) => (op.op === "put" ? op.item : op.key);
  return Object.assign(Object.create(store), {
    put: (item, condition) => write([item], () => store.put(item, condition)),
    update: (key, update, condition) => write([key], () => store.update(key, update, condition)),
    delete: (key, condition) => write([key], () => store.delete(key, condition)),
    transact: (ops, events) => write(ops.map(keyOf), () => store.transact(ops, events)),
  } satisfies Partial<ItemStore>) as ItemStore;
}

let server: TestServer;
let seller: string;

beforeAll(async () => {
  server = await startTestServer({}, { clock, store: dyingAfterTheWork });
  seller = (await server.api("/auth/sign-in", { body: { email: "seller@orderflow.local", password: DEMO_PASSWORD } }))
    .body.token;
});
afterAll(async () => {
  await server.close();
});

/**
 * Sends a request with a fresh Idempotency-Key while the process "dies" right after its work commits,
 * then retries it once the key's lock has run out: the retry must replay the first answer.
 */
async function crashThenRetry(
  path: string,
  options: { method?: string; body: unknown; token?: string },
  status: number,
) {
  const request = { ...options, headers: { "idempotency-key": `crash-${path}-${offset.ms}` } };
  crash.armed = true;
  crash.workCommitted = false;
  const first = await server.api(path, request).finally(() => {
    crash.armed = false;
  });
  expect(first.status).toBe(status);
  offset.ms += 61_000;
  const retry = await server.api(path, request);
  expect(retry.status).toBe(status);
  expect(retry.headers.get("idempotent-replayed")).toBe("true");
  expect(retry.body).toEqual(first.body);
  expect(retry.headers.get("location")).toBe(first.headers.get("location"));
  return first.body;
}

/** Stored items with this sort key (or sort-key prefix) whose data contains `text`. */
function countItems(sk: string, text: string): number {
  return (
    server.runtime.db
      .prepare("SELECT COUNT(*) AS n FROM items WHERE sk LIKE ? AND instr(data, ?) > 0")
      .get(sk, text) as { n: number }
  ).n;
}

async function confirmedOrder(name: string) {
  const placed = await server.api("/orders", { body: orderBody({ customer: { name, email: "crash@example.com" } }) });
  expect(placed.status).toBe(201);
  await server.idle();
  return { id: placed.body.order.id as string, query: `?token=${encodeURIComponent(placed.body.trackingToken)}` };
}

async function timelineOf(order: { id: string; query: string }): Promise<string[]> {
  return (await server.api(`/orders/${order.id}${order.query}`)).body.timeline.map((e: { type: string }) => e.type);
}

const auctionBody = (title: string) => ({
  title,
  description: "Listed once, whatever the crash.",
  startingPrice: 1_000,
  startsAt: new Date(clock.now().getTime() - 1000).toISOString(),
  endsAt: new Date(clock.now().getTime() + 24 * 3_600_000).toISOString(),
});

describe("Idempotency-Key across a crash between the work and its answer", () => {
  it("replays a created order, auction, product and note instead of creating them twice", async () => {
    await crashThenRetry(
      "/orders",
      { body: orderBody({ customer: { name: "Crash Order", email: "c@example.com" } }) },
      201,
    );
    expect(countItems("ORDER", "Crash Order")).toBe(1);

    await crashThenRetry("/order", { body: { name: "Crash Seed", address: "1 Lane", productId: 1, quantity: 1 } }, 201);
    expect(countItems("ORDER", "Crash Seed")).toBe(1);

    await crashThenRetry("/auctions", { body: auctionBody("Crash auction"), token: seller }, 201);
    expect(countItems("AUCTION", "Crash auction")).toBe(1);

    const admin = await server.tokenFor("admin");
    const product = { name: "Crash tart", price: { amount: 450, currency: "EUR" }, stock: 3 };
    const created = await crashThenRetry("/products", { body: product, token: admin }, 201);
    expect(countItems("PRODUCT", "Crash tart")).toBe(1);
    // Duplicates racing a request create one product; numbers stay unique (a refused duplicate may skip one).
    const headers = { "idempotency-key": "racing-product" };
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        server.api("/products", { body: { ...product, name: "Raced tart" }, token: admin, headers }),
      ),
    );
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect(countItems("PRODUCT", "Raced tart")).toBe(1);
    const numbers = (await server.api("/products?limit=100")).body.items.map((p: { number: number }) => p.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(racing[0]!.body.number).toBeGreaterThan(created.number);

    await crashThenRetry("/seller/notes", { body: { text: "Crash note" }, token: seller }, 201);
    expect(countItems("NOTE#%", "Crash note")).toBe(1);
  });

  it("replays an accepted bid instead of judging it again against itself", async () => {
    const auction = await server.api("/auctions", { body: auctionBody("Crash bids"), token: seller });
    const customer = await server.tokenFor("customer");
    const placed = await crashThenRetry(
      `/auctions/${auction.body.id}/bids`,
      { body: { amount: 1_500 }, token: customer },
      201,
    );
    expect(placed.bid.amount).toBe(1_500);
    expect(countItems("BID#%", auction.body.id)).toBe(1);
  });

  it("replays an auction's change and its cancellation instead of refusing them (409)", async () => {
    const auction = (await server.api("/auctions", { body: auctionBody("Crash changes"), token: seller })).body;
    const changed = await crashThenRetry(
      `/auctions/${auction.id}`,
      { method: "PATCH", body: { title: "Crash changes, renamed" }, token: seller },
      200,
    );
    expect(changed.title).toBe("Crash changes, renamed");
    const cancelled = await crashThenRetry(`/auctions/${auction.id}/cancel`, { body: {}, token: seller }, 200);
    expect(cancelled.status).toBe("cancelled");
    // Changed twice in all: created at version 1, renamed, cancelled.
    const stored = server.runtime.db
      .prepare("SELECT json_extract(data, '$.version') AS version FROM items WHERE pk = ? AND sk = 'AUCTION'")
      .get(`AUCTION#${auction.id}`) as { version: number };
    expect(stored.version).toBe(3);
  });

  it("replays an order's lifecycle steps instead of refusing them as already done (409)", async () => {
    const maker = await server.tokenFor("maker");
    const order = await confirmedOrder("Crash Lifecycle");
    await crashThenRetry(`/orders/${order.id}/fulfilled`, { body: {}, token: maker }, 200);
    await server.idle();
    await crashThenRetry(`/orders/${order.id}/delivered${order.query}`, { body: {} }, 200);
    await crashThenRetry(`/orders/${order.id}/feedback${order.query}`, { body: { rating: 4 } }, 200);
    const timeline = await timelineOf(order);
    for (const step of ["order_fulfilled", "order_delivered", "order_reviewed"]) {
      expect(timeline.filter((type) => type === step)).toHaveLength(1);
    }

    const seedOrder = await confirmedOrder("Crash Seed Lifecycle");
    await crashThenRetry("/order/fulfilled", { body: { orderId: seedOrder.id }, token: maker }, 200);
    expect((await timelineOf(seedOrder)).filter((type) => type === "order_fulfilled")).toHaveLength(1);
  });

  it("covers every route documented as answering in its transaction", async () => {
    const document = (await server.api("/openapi.json")).body;
    const marked = Object.entries(document.paths as Record<string, Record<string, object>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => "x-idempotency" in operation)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    // The routes exercised above; a route marked later needs its crash case here.
    expect(marked.sort()).toEqual(
      [
        "POST /orders",
        "POST /order",
        "POST /auctions",
        "POST /products",
        "POST /seller/notes",
        "POST /auctions/{id}/bids",
        "POST /orders/{id}/fulfilled",
        "POST /orders/{id}/delivered",
        "POST /orders/{id}/feedback",
        "POST /order/fulfilled",
        "PATCH /auctions/{id}",
        "POST /auctions/{id}/cancel",
      ].sort(),
    );
  });
});
