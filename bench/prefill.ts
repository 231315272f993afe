import { openSqliteDatabase } from "../src/adapters/local/sqlite-database.js";
import { orderToItem } from "../src/application/orders/order-items.js";
import type { Order } from "../src/domain/orders/order.js";

/** Writes `count` realistic confirmed orders (item + its events) straight into a database file, in batches. */
export function prefillOrders(databaseFile: string, count: number, onProgress: (done: number) => void): void {
  const db = openSqliteDatabase(databaseFile);
  const insertItem = db.prepare(
    "INSERT INTO items (pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, expires_at, data) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
  );
  const insertEvent = db.prepare("INSERT INTO outbox (id, type, key, at, data) VALUES (?, ?, ?, ?, ?)");
  const start = Date.parse("2025-01-01T00:00:00Z");
  const batch = db.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const at = new Date(start + n * 1000).toISOString();
      const id = `ord_prefill${String(n).padStart(10, "0")}`;
      const order: Order = {
        id,
        status: "confirmed",
        customer: { name: `Customer ${n}`, email: `customer${n}@example.com` },
        deliveryAddress: { line1: `${n} Prefill Street`, city: "Utrecht", postalCode: "3511 AA", country: "NL" },
        lines: [
          {
            productId: "carrot-cake",
            name: "Carrot Cake",
            quantity: 1,
            unitPrice: { amount: 2900, currency: "EUR" },
            lineTotal: { amount: 2900, currency: "EUR" },
          },
        ],
        total: { amount: 2900, currency: "EUR" },
        paymentLast4: "4242",
        chargeId: `ch_prefill${n}`,
        trackingToken: `token-${n}`,
        createdAt: at,
        updatedAt: at,
      };
      const item = orderToItem(order);
      insertItem.run(
        item.pk,
        item.sk,
        item.gsi1pk ?? null,
        item.gsi1sk ?? null,
        item.gsi2pk,
        item.gsi2sk,
        JSON.stringify(item),
      );
      for (const type of ["order_received", "stock_reserved", "payment_charged", "order_placed"]) {
        insertEvent.run(`evt_${type}_${n}`, type, id, at, "{}");
      }
    }
  });
  const BATCH = 20_000;
  for (let from = 0; from < count; from += BATCH) {
    batch(from, Math.min(count, from + BATCH));
    onProgress(Math.min(count, from + BATCH));
  }
  // Mark the prefilled events as already dispatched, as they would be in a shop that has been running.
  db.prepare("UPDATE dispatcher_cursor SET seq = (SELECT COALESCE(MAX(seq), 0) FROM outbox) WHERE id = 1").run();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}
