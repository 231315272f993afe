import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/adapters/local/json-logger.js";
import { LocalWorkflowRunner } from "../../src/adapters/local/local-workflow-runner.js";
import { openSqliteDatabase, type SqliteDatabase } from "../../src/adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../src/adapters/local/sqlite-item-store.js";
import { createUlidGenerator, systemClock } from "../../src/adapters/local/system-clock.js";
import { TestPaymentGateway } from "../../src/adapters/local/test-payment-gateway.js";
import { makeCreateProduct } from "../../src/application/catalog/create-product.js";
import { loadOrder } from "../../src/application/orders/order-items.js";
import { ORDER_PIPELINE, orderPipelineTasks } from "../../src/application/orders/pipeline/order-pipeline-tasks.js";
import { makePlaceOrder } from "../../src/application/orders/place-order.js";
import type { ItemStore } from "../../src/ports/item-store.js";
import type { Mailer } from "../../src/ports/mailer.js";
import type { ObjectStore } from "../../src/ports/object-store.js";
import type { ReceiptRenderer } from "../../src/ports/receipt-renderer.js";
import { WORKFLOWS_DIR } from "../../src/runtime/local/compose.js";
import { orderBody } from "../support/test-server.js";

const PRODUCTS = ["sponge", "eclair"] as const;
const GOOD_CARD = "4242424242424242";
const DECLINED_CARD = "4000000000000002";

interface OrderPlan {
  lines: Array<{ productId: (typeof PRODUCTS)[number]; quantity: number }>;
  declined: boolean;
  /** The order's pipeline is delivered twice at once (at-least-once delivery). */
  redelivered: boolean;
  /**
   * ConfirmOrder fails once before writing (an error no retry covers), so that run compensates while a
   * redelivered run may be confirming: of the two, one must win whole.
   */
  confirmFailsOnce: boolean;
}

const orderPlan: fc.Arbitrary<OrderPlan> = fc.record({
  lines: fc.uniqueArray(
    fc.record({ productId: fc.constantFrom(...PRODUCTS), quantity: fc.integer({ min: 1, max: 3 }) }),
    { minLength: 1, maxLength: 2, selector: (line) => line.productId },
  ),
  declined: fc.boolean(),
  redelivered: fc.boolean(),
  confirmFailsOnce: fc.boolean(),
});

/** Every store call waits for the fast-check scheduler, which picks the order in which concurrent calls run. */
function scheduledStore(store: ItemStore, s: fc.Scheduler, afterEachCall: () => void): ItemStore {
  const scheduled =
    <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await s.schedule(Promise.resolve(), name);
      try {
        return await call(...args);
      } finally {
        afterEachCall();
      }
    };
  return {
    get: scheduled("get", (key) => store.get(key)),
    put: scheduled("put", (item, condition) => store.put(item, condition)),
    update: scheduled("update", (key, update, condition) => store.update(key, update, condition)),
    delete: scheduled("delete", (key, condition) => store.delete(key, condition)),
    query: scheduled("query", (input) => store.query(input)),
    transact: scheduled("transact", (ops, events) => store.transact(ops, events)),
  };
}

/** Stock on hand and the units orders hold (reserved, not released), read straight from the database. */
function stockLedger(db: SqliteDatabase) {
  const rows = (sk: string) =>
    (db.prepare("SELECT data FROM items WHERE sk = ?").all(sk) as Array<{ data: string }>).map(
      (row) => JSON.parse(row.data) as Record<string, any>,
    );
  const stock = Object.fromEntries(rows("PRODUCT").map((product) => [product.id as string, product.stock as number]));
  const held: Record<string, number> = Object.fromEntries(PRODUCTS.map((id) => [id, 0]));
  const heldByConfirmed: Record<string, number> = Object.fromEntries(PRODUCTS.map((id) => [id, 0]));
  for (const order of rows("ORDER")) {
    for (const line of order.lines as Array<{ productId: string; quantity: number }>) {
      if (order.stockReservedAt) held[line.productId] = (held[line.productId] ?? 0) + line.quantity;
      if (order.status === "confirmed")
        heldByConfirmed[line.productId] = (heldByConfirmed[line.productId] ?? 0) + line.quantity;
    }
  }
  return { stock, held, heldByConfirmed };
}

const memoryMailer = (): Mailer => {
  const sent = new Set<string>();
  return {
    send: async (message) => {
      const sentNow = !sent.has(message.id);
      sent.add(message.id);
      return { messageId: `<${message.id}@test>`, sentNow };
    },
  };
};

const memoryObjects = (): ObjectStore => {
  const objects = new Map<string, { body: Uint8Array; contentType: string }>();
  return {
    put: async (key, body, contentType) => {
      objects.set(key, { body, contentType });
    },
    get: async (key) => objects.get(key),
    exists: async (key) => objects.has(key),
    stream: async () => undefined,
    delete: async (key) => {
      objects.delete(key);
    },
  };
};

/** Receipts are not what this property is about: a few bytes instead of a rendered PDF. */
const tinyReceipts: ReceiptRenderer = {
  render: async () => new TextEncoder().encode("%PDF-"),
  stream: () => new ReadableStream({ start: (controller) => controller.close() }),
};

describe("stock under any interleaving of orders and their pipelines", () => {
  it("never goes below zero, stock plus the units held by orders always equals what there was, and only confirmed orders keep a charge", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ sponge: fc.integer({ min: 0, max: 5 }), eclair: fc.integer({ min: 0, max: 5 }) }),
        fc.array(orderPlan, { minLength: 1, maxLength: 6 }),
        fc.scheduler(),
        async (initial, plans, s) => {
          const db = openSqliteDatabase(":memory:");
          const sqlite = new SqliteItemStore(db);
          const ids = createUlidGenerator();
          const clock = systemClock;
          for (const id of PRODUCTS) {
            await makeCreateProduct({ store: sqlite, ids, clock })(
              { name: id, description: "", price: { amount: 500, currency: "EUR" }, stock: initial[id] },
              { id },
            );
          }

          // Checked after every store call, at every point of every interleaving.
          const violations: string[] = [];
          const checkLedger = () => {
            const { stock, held } = stockLedger(db);
            for (const id of PRODUCTS) {
              if (!((stock[id] ?? -1) >= 0)) violations.push(`${id}: stock ${stock[id]}`);
              if ((stock[id] ?? 0) + (held[id] ?? 0) !== initial[id])
                violations.push(`${id}: stock ${stock[id]} + held ${held[id]} != ${initial[id]}`);
            }
          };
          const store = scheduledStore(sqlite, s, checkLedger);
          const payments = new TestPaymentGateway({ store, ids, clock });
          // The same gateway's records, read outside the scheduler once the run is over.
          const gatewayBooks = new TestPaymentGateway({ store: sqlite, ids, clock });
          const tasks = orderPipelineTasks({
            store,
            ids,
            clock,
            payments,
            logger: createJsonLogger({ level: "silent" }),
            objects: memoryObjects(),
            mailer: memoryMailer(),
            receipts: tinyReceipts,
            shop: { shopName: "Test Bakery", makerEmail: "maker@example.com", publicUrl: "http://localhost:3000" },
          });
          const confirmFailsOnce = new Set<string>();
          const confirm = tasks.ConfirmOrder!;
          tasks.ConfirmOrder = async (input) => {
            const { orderId } = input as { orderId: string };
            if (confirmFailsOnce.delete(orderId))
              throw Object.assign(new Error("lost"), { name: "InfrastructureError" });
            return confirm(input);
          };
          const runner = new LocalWorkflowRunner({
            directory: WORKFLOWS_DIR,
            handlers: { [ORDER_PIPELINE]: tasks },
            logger: createJsonLogger({ level: "silent" }),
            retryIntervalMs: 1,
          });
          const placeOrder = makePlaceOrder({ store, ids, clock });

          // Each customer places an order and its pipeline runs (twice at once when redelivered); all concurrently.
          const customers = plans.map(async (plan) => {
            const order = await placeOrder(
              orderBody({ items: plan.lines, payment: { card: plan.declined ? DECLINED_CARD : GOOD_CARD } }) as never,
              { roles: [] },
            );
            if (plan.confirmFailsOnce) confirmFailsOnce.add(order.id);
            const runs = Array.from({ length: plan.redelivered ? 2 : 1 }, () =>
              runner.run(ORDER_PIPELINE, { orderId: order.id }, order.id),
            );
            return { plan, order, results: await Promise.all(runs) };
          });
          const outcomes = await s.waitFor(Promise.all(customers));

          expect(violations).toEqual([]);
          let confirmed = 0;
          for (const { plan, order, results } of outcomes) {
            const final = await loadOrder(sqlite, order.id);
            if (results.some((result) => result.status !== "succeeded")) {
              // Only a run that lost the race to confirm (its undoing refused) fails; its redelivery succeeds.
              expect(plan.confirmFailsOnce && final.status === "confirmed").toBe(true);
              const redelivery = runner.run(ORDER_PIPELINE, { orderId: order.id }, order.id);
              expect((await s.waitFor(redelivery)).status).toBe("succeeded");
            }
            expect(["confirmed", "failed"]).toContain(final.status);
            if (plan.declined) expect(final.status).toBe("failed");
            // A good card fails an order only when the stock ran out, or when its confirmation failed.
            else if (final.status === "failed" && final.failureCode !== "PROCESSING_ERROR") {
              expect(final.failureReason).toMatch(/ is sold out$|^Only \d+ × .+ left$/);
              expect(final.failureCode).toBe("OUT_OF_STOCK");
            } else if (final.status === "failed") expect(plan.confirmFailsOnce).toBe(true);
            if (final.status === "confirmed") {
              confirmed++;
              expect(final.refundId).toBeUndefined();
            }
            if (final.status === "failed") {
              expect(final.stockReservedAt).toBeUndefined();
              if (final.chargeId) expect(final.refundId).toBeDefined();
            }
          }
          // Every confirmed order holds its units; everything else went back on the shelf.
          const { stock, heldByConfirmed } = stockLedger(db);
          for (const id of PRODUCTS) expect(stock[id]! + heldByConfirmed[id]!).toBe(initial[id]);
          // Money: every charge not refunded belongs to a confirmed order, and each of those has one.
          const refunded = await gatewayBooks.countRefunds();
          expect((await gatewayBooks.countCharges()) - refunded).toBe(confirmed);
          if (!plans.some((plan) => plan.confirmFailsOnce)) expect(refunded).toBe(0);
          db.close();
        },
      ),
      { numRuns: 100 },
    );
  });
});
