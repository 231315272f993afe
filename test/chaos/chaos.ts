import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteDatabase, type SqliteDatabase } from "../../src/adapters/local/sqlite-database.js";
import { freePort, startChildServer } from "../support/child-server.js";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { DEMO_PASSWORD, orderBody } from "../support/test-server.js";
import { startWebhookReceiver } from "../support/webhook-receiver.js";
import { checkOrderActivity } from "./activity-chaos.js";
import { type AuctionChaosReport, auctionChaos, auctionOrderChargeKey, checkAuctions } from "./auction-chaos.js";

export interface ChaosReport extends AuctionChaosReport {
  rounds: number;
  kills: number;
  acknowledged: number;
  stored: number;
  byStatus: Record<string, number>;
  lost: string[];
  duplicated: string[];
  stuck: string[];
  duplicateCharges: string[];
  missingCharges: string[];
  unrefundedFailures: string[];
  duplicateEmails: string[];
  /** A confirmed order without its confirmation or maker e-mail; a failed one without its failure e-mail (more than one: duplicateEmails). */
  missingEmails: string[];
  /** A failed order that got a confirmation or maker e-mail, or a confirmed one told it failed. */
  unexpectedEmails: string[];
  /** A confirmed order without its receipt stored. */
  missingReceipts: string[];
  /** The payment gateway's own charge and refund counts disagree with the orders and checkouts charged. */
  paymentCountMismatch: string[];
  gatewayCharges: number;
  gatewayRefunds: number;
  duplicateDeliveries: string[];
  duplicateFeedback: string[];
  deadLetters: number;
  /** Order events the activity projection counted, and minutes whose counters disagree with the events. */
  activityCounted: number;
  activityMismatches: string[];
}

/** The checker's lists of anomalies: each must come out empty. */
export const CHAOS_ANOMALIES = [
  "lost",
  "duplicated",
  "stuck",
  "duplicateCharges",
  "missingCharges",
  "unrefundedFailures",
  "duplicateEmails",
  "missingEmails",
  "unexpectedEmails",
  "missingReceipts",
  "paymentCountMismatch",
  "duplicateDeliveries",
  "duplicateFeedback",
  "activityMismatches",
  "lostBids",
  "duplicateBids",
  "unexpectedBids",
  "bidRuleViolations",
  "openPastEnd",
  "duplicateCheckoutCharges",
  "unrefundedCheckouts",
  "checkoutOrderProblems",
  "stuckCheckouts",
] as const satisfies ReadonlyArray<keyof ChaosReport>;

const SECRET = "chaos-webhook-secret-123";
const MAKER = "maker@orderflow.local";
/** Statuses an order reaches only through confirmation. */
const CONFIRMED = new Set(["confirmed", "fulfilled", "out_for_delivery", "delivered", "reviewed"]);
const CARDS = ["4242424242424242", "4242424242424242", "4242424242424242", "4242424242424242", "4000000000000002"];

/**
 * A Jepsen-style run: clients place orders (with Idempotency-Keys) and drive them through the bakery
 * lifecycle while the server is killed with SIGKILL at random moments and restarted, and a share of
 * payment, e-mail and webhook calls fail. Then the checker compares what clients were told with the
 * database, the mailbox and what the webhook receivers got. The same run lists auctions, bids on them
 * and checks the winners out (see auction-chaos.ts).
 */
export async function runChaos(options: { rounds: number; roundMs: number; clients: number; faultRate: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), "orderflow-chaos-"));
  const courier = await startWebhookReceiver(SECRET);
  const service = await startWebhookReceiver(SECRET);
  courier.setFailureRate(options.faultRate);
  service.setFailureRate(options.faultRate);
  const env = {
    PORT: String(await freePort()),
    DATA_DIR: dataDir,
    DEMO_PASSWORD,
    WORKFLOW_RETRY_INTERVAL_MS: "5",
    DELIVERY_BACKOFF_MS: "20",
    DELIVERY_MAX_ATTEMPTS: "25",
    PAYMENT_FAILURE_RATE: String(options.faultRate),
    MAIL_FAILURE_RATE: String(options.faultRate),
    DELIVERY_WEBHOOK_URL: courier.url,
    DELIVERY_WEBHOOK_SECRET: SECRET,
    CUSTOMER_SERVICE_WEBHOOK_URL: service.url,
    CUSTOMER_SERVICE_WEBHOOK_SECRET: SECRET,
    // Short enough that some winners lapse (a checkout then refused and refunded), long enough that most pay.
    CHECKOUT_WINDOW_HOURS: String((4 * options.roundMs) / 3_600_000),
  };
  const acknowledged = new Map<string, { id: string; token: string }>(); // idempotency key → order
  let attempt = 0;
  let url = "";
  let makerToken = "";

  async function call(path: string, init: RequestInit = {}) {
    try {
      const response = await fetch(`${url}${path}`, init);
      const body = (response.headers.get("content-type") ?? "").includes("json") ? await response.json() : undefined;
      return { status: response.status, body: body as any };
    } catch {
      return { status: 0, body: undefined }; // the server is down: outcome unknown
    }
  }

  const auctions = auctionChaos(call);

  async function client() {
    const n = attempt++;
    // A modest share of iterations bid or check out, so orders keep their volume.
    if (auctions.ready() && Math.random() < 0.2) return auctions.iteration(n);
    const key = `chaos-${n}`;
    const known = [...acknowledged.values()];
    const pick = known[Math.floor(Math.random() * known.length)];
    if (pick && Math.random() < 0.5) {
      const view = await call(`/orders/${pick.id}?token=${pick.token}`);
      const status = view.body?.order?.status;
      const q = `?token=${pick.token}`;
      if (status === "confirmed") {
        await call(`/orders/${pick.id}/fulfilled`, {
          method: "POST",
          headers: { authorization: `Bearer ${makerToken}` },
        });
      } else if (status === "out_for_delivery") await call(`/orders/${pick.id}/delivered${q}`, { method: "POST" });
      else if (status === "delivered") {
        await call(`/orders/${pick.id}/feedback${q}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ rating: 1 + (n % 5) }),
        });
      }
      return;
    }
    const body = JSON.stringify(
      orderBody({
        items: [{ productId: String((n % 8) + 1), quantity: 1 }],
        payment: { card: CARDS[n % CARDS.length] },
        customer: { name: `Chaos ${n}`, email: `chaos${n}@example.com` },
      }),
    );
    // Retry with the same key until the server answers: a client that saw no answer cannot know.
    for (let tries = 0; tries < 3; tries++) {
      const placed = await call("/orders", {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body,
      });
      if (placed.status === 201) {
        acknowledged.set(key, { id: placed.body.order.id, token: placed.body.trackingToken });
        return;
      }
      if (placed.status !== 0 && placed.status !== 409) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function signInMaker() {
    const signIn = await call("/auth/sign-in", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "maker@orderflow.local", password: DEMO_PASSWORD }),
    });
    makerToken = signIn.body?.token ?? makerToken;
  }

  /** Plenty of stock, so orders exercise the whole lifecycle rather than end out of stock. */
  async function restock() {
    const admin = await call("/auth/sign-in", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@orderflow.local", password: DEMO_PASSWORD }),
    });
    const headers = { authorization: `Bearer ${admin.body.token}`, "content-type": "application/json" };
    for (let number = 1; number <= 10; number++) {
      const product = await call(`/products/${number}`);
      await call(`/products/${product.body.id}/stock`, {
        method: "PUT",
        headers,
        body: JSON.stringify({ stock: 100_000 }),
      });
    }
  }

  let kills = 0;
  for (let round = 0; round < options.rounds; round++) {
    const server = await startChildServer(env);
    url = server.url;
    await signInMaker();
    if (round === 0) {
      await restock();
      // Auctions end during the rounds: some close while the server is up, some while it is down.
      await auctions.setup(options.rounds * options.roundMs);
    }
    const killAt = Date.now() + options.roundMs * (0.5 + Math.random());
    const clients = Array.from({ length: options.clients }, async () => {
      while (Date.now() < killAt + 50) await client();
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killAt - Date.now())));
    await server.kill9();
    kills++;
    await Promise.all(clients);
  }

  // Heal: faults off, restart, let recovery finish every order.
  courier.setFailureRate(0);
  service.setFailureRate(0);
  const server = await startChildServer({ ...env, PAYMENT_FAILURE_RATE: "0", MAIL_FAILURE_RATE: "0" });
  url = server.url;
  const admin = await call("/auth/sign-in", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@orderflow.local", password: DEMO_PASSWORD }),
  });
  const auth = { authorization: `Bearer ${admin.body.token}` };
  const deadline = Date.now() + 120_000;
  for (;;) {
    const queues = await call("/admin/queues", { headers: auth });
    const busy = (queues.body.queues as Array<{ ready: number; inFlight: number; delayed: number }>).some(
      (q) => q.ready + q.inFlight + q.delayed > 0,
    );
    if (!busy || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const deadLetters = ((await call("/admin/dead-letters", { headers: auth })).body.items as unknown[]).length;
  await server.stop();
  const stoppedAt = Date.now();

  const { orderCharges, ...report } = await check(dataDir, acknowledged, courier.received, service.received);
  const db = openSqliteDatabase(join(dataDir, "orderflow.db"));
  const auctionReport = checkAuctions(db, auctions, stoppedAt);
  const payments = checkPayments(db, orderCharges, auctionReport.checkoutsPaid);
  const activity = checkOrderActivity(db);
  db.close();
  await courier.close();
  await service.close();
  return {
    ...report,
    ...auctionReport,
    ...payments,
    ...activity,
    rounds: options.rounds,
    kills,
    deadLetters,
  } satisfies ChaosReport;
}

async function check(
  dataDir: string,
  acknowledged: Map<string, { id: string }>,
  deliveries: Array<{ body: { id: string; data: Record<string, any> } }>,
  feedback: Array<{ body: { id: string; data: Record<string, any> } }>,
) {
  const db = openSqliteDatabase(join(dataDir, "orderflow.db"));
  const orders = db
    .prepare("SELECT data FROM items WHERE sk = 'ORDER'")
    .all()
    .map((row) => JSON.parse((row as { data: string }).data) as Record<string, any>);
  const charge = db.prepare("SELECT data FROM items WHERE pk = ? AND sk = ?");
  const byId = new Map(orders.map((order) => [order.id as string, order]));
  const mails = await readMailbox(join(dataDir, "mail"));
  const byStatus: Record<string, number> = {};
  const result = {
    acknowledged: acknowledged.size,
    stored: orders.length,
    lost: [...acknowledged.values()].filter((a) => !byId.has(a.id)).map((a) => a.id),
    duplicated: [] as string[],
    stuck: [] as string[],
    duplicateCharges: [] as string[],
    missingCharges: [] as string[],
    unrefundedFailures: [] as string[],
    duplicateEmails: [] as string[],
    missingEmails: [] as string[],
    unexpectedEmails: [] as string[],
    missingReceipts: [] as string[],
    duplicateDeliveries: [] as string[],
    duplicateFeedback: [] as string[],
    byStatus,
    /** Orders charged under their own key (checkouts charge auction orders), and those of them that keep the charge. */
    orderCharges: { charged: 0, kept: 0 },
  };
  const perEmail = new Map<string, number>();
  for (const order of orders) {
    const id = order.id as string;
    byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
    const email = order.customer.email as string;
    // pending is never a resting state; fulfilled means the delivery queue did not move it on.
    if (order.status === "pending" || order.status === "fulfilled") result.stuck.push(`${id} (${order.status})`);
    // A winner's order is charged by its checkout; one per sold auction is checked with the auctions.
    const auctionKey = auctionOrderChargeKey(order as { id: string; lines: Array<{ productId: string }> });
    const paymentKey = auctionKey ?? `PAYMENT#order-${id}`;
    if (!auctionKey) perEmail.set(email, (perEmail.get(email) ?? 0) + 1);
    const charged = charge.get(paymentKey, "CHARGE");
    const refunded = charge.get(paymentKey, "REFUND");
    if (order.status === "failed" && charged && !refunded) result.unrefundedFailures.push(id);
    if (order.status !== "failed" && order.status !== "pending" && !charged) result.missingCharges.push(id);
    if (!auctionKey && charged) {
      result.orderCharges.charged++;
      if (CONFIRMED.has(order.status)) result.orderCharges.kept++;
    }
    const customerMails = mails.filter((mail) => mail.subject?.includes(id) && addressesOf(mail).includes(email));
    const makerMails = mails.filter((mail) => mail.subject?.includes(id) && addressesOf(mail).includes(MAKER));
    if (customerMails.length > 1 || makerMails.length > 1) result.duplicateEmails.push(id);
    // What the pipeline owes a settled order: a confirmed one its confirmation (with the receipt) and the
    // maker's e-mail; a failed one the e-mail saying why. Pending orders are reported as stuck above.
    const sent = {
      confirmation: customerMails.filter((mail) => mail.subject?.endsWith(`order ${id} is confirmed`)).length,
      maker: makerMails.filter((mail) => mail.subject?.endsWith(`please bake order ${id}`)).length,
      failure: customerMails.filter((mail) => mail.subject?.endsWith(`could not complete order ${id}`)).length,
    };
    const owed = CONFIRMED.has(order.status)
      ? { confirmation: 1, maker: 1, failure: 0 }
      : order.status === "failed"
        ? { confirmation: 0, maker: 0, failure: 1 }
        : undefined;
    for (const kind of ["confirmation", "maker", "failure"] as const) {
      if (owed && sent[kind] < owed[kind]) result.missingEmails.push(`${id} (${order.status}): no ${kind} e-mail`);
      if (owed?.[kind] === 0 && sent[kind] > 0)
        result.unexpectedEmails.push(`${id} (${order.status}): a ${kind} e-mail`);
    }
    if (
      CONFIRMED.has(order.status) &&
      !(order.receiptKey && existsSync(join(dataDir, "objects", ...String(order.receiptKey).split("/"))))
    )
      result.missingReceipts.push(`${id} (receipt ${order.receiptKey ?? "not recorded"})`);
    const deliveryIds = new Set(deliveries.filter((d) => d.body.data.orderId === id).map((d) => d.body.id));
    if (deliveryIds.size > 1) result.duplicateDeliveries.push(id);
    const feedbackIds = new Set(feedback.filter((f) => f.body.data.orderId === id).map((f) => f.body.id));
    if (feedbackIds.size > 1) result.duplicateFeedback.push(id);
  }
  // One charge record per idempotency key is structural; count charges against charged orders instead.
  const chargeCount = orders.filter((order) => charge.get(`PAYMENT#order-${order.id}`, "CHARGE")).length;
  const chargedTotal = db
    .prepare("SELECT COUNT(*) AS n FROM items WHERE pk LIKE 'PAYMENT#order-%' AND sk = 'CHARGE'")
    .get() as { n: number };
  db.close();
  if (chargedTotal.n !== chargeCount)
    result.duplicateCharges.push(`${chargedTotal.n} charges for ${chargeCount} orders`);
  result.duplicated = [...perEmail].filter(([, count]) => count > 1).map(([email]) => email);
  return result;
}

/**
 * The payment gateway counts every charge and refund it makes (PAYMENT_STATS, beside its records). Every
 * charge must belong to an order or a checkout, and the charges it keeps (not refunded) must be exactly one
 * per confirmed order and one per paid checkout: a second charge, one never refunded or a refund too many
 * shows here even if it was made under a key the other checks do not look at.
 */
function checkPayments(db: SqliteDatabase, orderCharges: { charged: number; kept: number }, paidCheckouts: number) {
  const row = db
    .prepare<[], { data: string }>("SELECT data FROM items WHERE pk = 'PAYMENT_STATS' AND sk = 'PAYMENT_STATS'")
    .get();
  const stats = row ? (JSON.parse(row.data) as { charges?: number; refunds?: number }) : {};
  const gatewayCharges = Number(stats.charges ?? 0);
  const gatewayRefunds = Number(stats.refunds ?? 0);
  const checkoutCharges = (
    db
      .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM items WHERE pk LIKE 'PAYMENT#auction-%' AND sk = 'CHARGE'")
      .get() ?? { n: 0 }
  ).n;
  const paymentCountMismatch: string[] = [];
  if (gatewayCharges !== orderCharges.charged + checkoutCharges)
    paymentCountMismatch.push(
      `the gateway made ${gatewayCharges} charges for ${orderCharges.charged} charged orders and ${checkoutCharges} charged checkouts`,
    );
  if (gatewayCharges - gatewayRefunds !== orderCharges.kept + paidCheckouts)
    paymentCountMismatch.push(
      `the gateway kept ${gatewayCharges - gatewayRefunds} charges (${gatewayCharges} made, ${gatewayRefunds} refunded) for ${orderCharges.kept} confirmed orders and ${paidCheckouts} paid checkouts`,
    );
  return { gatewayCharges, gatewayRefunds, paymentCountMismatch };
}
