import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../src/adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../src/adapters/local/sqlite-item-store.js";
import { freePort, startChildServer } from "../support/child-server.js";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { DEMO_PASSWORD, orderBody } from "../support/test-server.js";

const CARDS = ["4242424242424242", "4242424242424242", "4242424242424242", "4000000000000002"];

async function post(url: string, body: unknown) {
  try {
    const response = await fetch(`${url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return response.status === 201 ? ((await response.json()) as { order: { id: string } }) : undefined;
  } catch {
    return undefined; // the server died mid-request: the order may or may not exist; the checker reads the database
  }
}

describe("crash safety", () => {
  it("after kill -9 at random moments every order ends confirmed or failed, charged and e-mailed at most once", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "orderflow-crash-"));
    const env = {
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
      DEMO_PASSWORD,
      WORKFLOW_RETRY_INTERVAL_MS: "5",
      DELIVERY_BACKOFF_MS: "20",
    };
    const accepted = new Set<string>();
    let sent = 0;

    for (let round = 0; round < 3; round++) {
      const server = await startChildServer(env);
      const killAt = Date.now() + 150 + Math.random() * 500;
      const clients = Array.from({ length: 4 }, async () => {
        while (Date.now() < killAt + 100) {
          const n = sent++;
          const placed = await post(
            server.url,
            orderBody({
              items: [{ productId: String((n % 8) + 1), quantity: 1 }],
              payment: { card: CARDS[n % CARDS.length] },
              customer: { name: `Crash ${n}`, email: `crash${n}@example.com` },
            }),
          );
          if (placed) accepted.add(placed.order.id);
        }
      });
      await new Promise((resolve) => setTimeout(resolve, killAt - Date.now()));
      await server.kill9();
      await Promise.all(clients);
    }
    expect(accepted.size).toBeGreaterThan(5);

    // Restart for good and let recovery finish every order.
    const server = await startChildServer(env);
    const signIn = await fetch(`${server.url}/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@orderflow.local", password: DEMO_PASSWORD }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const deadline = Date.now() + 60_000;
    const admin = async <T>(path: string) =>
      (await (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
    for (;;) {
      const { queues } = await admin<{ queues: Array<{ ready: number; inFlight: number; delayed: number }> }>(
        "/admin/queues",
      );
      const pending = await admin<{ items: unknown[] }>("/orders?status=pending&limit=1");
      if (pending.items.length === 0 && queues.every((q) => q.ready + q.inFlight + q.delayed === 0)) break;
      if (Date.now() > deadline) throw new Error(`work still outstanding:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await admin<{ items: unknown[] }>("/admin/dead-letters")).items).toEqual([]);
    expect(await server.stop()).toBe(0);

    const store = new SqliteItemStore(openSqliteDatabase(join(dataDir, "orderflow.db")));
    const orders = (await store.query({ partition: "ORDERS", index: "gsi2", limit: 10_000 })).items;
    const byId = new Map(orders.map((order) => [order.id as string, order]));
    for (const id of accepted) expect(byId.has(id), `accepted order ${id} is stored`).toBe(true);

    const mails = await readMailbox(join(dataDir, "mail"));
    const messageIds = mails.map((mail) => mail.messageId);
    expect(new Set(messageIds).size).toBe(messageIds.length);
    for (const order of orders) {
      const id = order.id as string;
      expect(["confirmed", "failed"], `order ${id}`).toContain(order.status);
      const charge = await store.get({ pk: `PAYMENT#order-${id}`, sk: "CHARGE" });
      const refund = await store.get({ pk: `PAYMENT#order-${id}`, sk: "REFUND" });
      const customerMails = mails.filter(
        (mail) => addressesOf(mail).includes((order.customer as { email: string }).email) && mail.subject?.includes(id),
      );
      expect(customerMails, `one customer e-mail for ${id}`).toHaveLength(1);
      if (order.status === "confirmed") {
        expect(charge, `charge of ${id}`).toBeDefined();
        expect(refund).toBeUndefined();
        expect(
          mails.filter((mail) => mail.subject?.includes(id) && addressesOf(mail).includes("maker@orderflow.local")),
        ).toHaveLength(1);
      } else {
        expect(Boolean(charge) === Boolean(refund), `a failed order ${id} is not charged or is refunded`).toBe(true);
      }
    }
  });
});
