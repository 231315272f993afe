import "./polyfills.js";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EmailChannel } from "../../adapters/http/email-channel.js";
import { SignedWebhookChannel } from "../../adapters/http/signed-webhook-channel.js";
import { EmlMailer } from "../../adapters/local/eml-mailer.js";
import { faultyMailer } from "../../adapters/local/fault-injection.js";
import { FileObjectStore } from "../../adapters/local/file-object-store.js";
import { HmacUploadSigner } from "../../adapters/local/hmac-upload-signer.js";
import { createJsonLogger } from "../../adapters/local/json-logger.js";
import { JwtTokenIssuer } from "../../adapters/local/jwt-token-issuer.js";
import { LocalWorkflowRunner } from "../../adapters/local/local-workflow-runner.js";
import { OutboxDispatcher } from "../../adapters/local/outbox-dispatcher.js";
import { PdfReceiptRenderer } from "../../adapters/local/pdf-receipt-renderer.js";
import { qrCodeRenderer } from "../../adapters/local/qr-code-renderer.js";
import { ScryptPasswordHasher } from "../../adapters/local/scrypt-password-hasher.js";
import { startBackgroundCheckpointer } from "../../adapters/local/sqlite-checkpointer.js";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { SqliteScheduler } from "../../adapters/local/sqlite-scheduler.js";
import { SqliteStreamReader } from "../../adapters/local/sqlite-stream-reader.js";
import type { Subscription } from "../../adapters/local/subscription.js";
import { createUlidGenerator, systemClock } from "../../adapters/local/system-clock.js";
import { TestPaymentGateway } from "../../adapters/local/test-payment-gateway.js";
import { startTtlSweeper, type TtlSweeper } from "../../adapters/local/ttl-sweeper.js";
import { isAuctionKey } from "../../application/auctions/auction-items.js";
import { isProductKey } from "../../application/catalog/product-items.js";
import { isUserKey } from "../../application/users/user-items.js";
import { ORDER_EVENTS_STREAM } from "../../handlers/consumers/event-routes.js";
import { createHttpApp } from "../../handlers/http/app.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { Logger } from "../../ports/logger.js";
import type { Mailer } from "../../ports/mailer.js";
import type { ObjectStore } from "../../ports/object-store.js";
import type { PaymentGateway } from "../../ports/payment-gateway.js";
import type { QueueAdmin } from "../../ports/queue-admin.js";
import type { ReceiptRenderer } from "../../ports/receipt-renderer.js";
import { composeApplication } from "../shared/compose-application.js";
import { createUsageMeter } from "../shared/usage-meter.js";
import type { LocalConfig } from "./config.js";
import { registerMailboxRoutes } from "./mailbox-routes.js";
import { loadOrCreateSecret } from "./secret-file.js";
import { registerUploadRoute } from "./upload-route.js";
import {
  meterHttp,
  meterItemStore,
  meterMailer,
  meterObjectStore,
  meterStreamConsumer,
  meterSubscription,
  meterTasks,
  meterWorkflows,
} from "./usage-meter.js";

/** Consumers that run a whole workflow (CONSUMER_TIMEOUT_SECONDS in infra/lib/names.ts gives them 120 s too). */
const RUNS_A_WORKFLOW = new Set(["order-pipeline", "auction-checkout"]);

export const WORKFLOWS_DIR = fileURLToPath(new URL("../../../workflows", import.meta.url));

/** Ports a test may replace (e.g. with fault-injecting wrappers); everything else is wired from config. */
export interface LocalOverrides {
  clock?: Clock;
  logger?: Logger;
  payments?: (real: PaymentGateway) => PaymentGateway;
  mailer?: (real: Mailer) => Mailer;
  objects?: (real: ObjectStore) => ObjectStore;
  receipts?: (real: ReceiptRenderer) => ReceiptRenderer;
  /** The item store as the use cases see it (the dispatcher and housekeeping keep the real one). */
  store?: (real: ItemStore) => ItemStore;
}

/**
 * The caller's address: the socket's (@hono/node-server passes the Node request as the app's env), or
 * behind a trusted reverse proxy the last address it appended to X-Forwarded-For.
 */
function clientAddress(incoming: IncomingMessage | undefined, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? incoming?.headers["x-forwarded-for"] : undefined;
  const last = (Array.isArray(forwarded) ? forwarded.join(",") : forwarded)?.split(",").pop()?.trim();
  return last || incoming?.socket.remoteAddress;
}

/**
 * Under load, group commits start at least 1 ms apart. At 80 % of the accept path's maximum rate commits held
 * one or two orders each, and every one wrote its own WAL pages (~23 KB per order): the WAL filled four to
 * six times a second, and each time the checkpointer held commits for its last pass (3-8 ms). With the gap,
 * the server spends ~18 % less CPU per order at that rate (0.27 against 0.33 ms, five alternating runs each),
 * and nine alternating 10 s runs in a steady hour gave a p99 of 6.3-32.6 ms (median 13.1) against 12.4-34.2
 * (median 23.2; on a day the machine's speed swung by half within minutes, four bench runs gave 15-35 ms for
 * either). The median answer takes ~0.5 ms longer. A write after a quiet spell still commits in the next turn
 * of the event loop, and so does the next write of a hot key (a hot auction's bids: see SqliteItemStore).
 */
const COMMIT_GAP_MS = 1;

/** The composition root of the embedded runtime: one SQLite file, the dispatcher, workflows and the HTTP app. */
export function composeLocalRuntime(config: LocalConfig, overrides: LocalOverrides = {}) {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createJsonLogger({ level: config.logLevel });
  const ids = createUlidGenerator(clock);
  const db = openSqliteDatabase(config.databaseFile);
  const usage = createUsageMeter();
  // Auctions are read by every bid and written by few, products by every order and written once by its
  // stock reservation: their committed rows are served from memory.
  // Rows read on most requests: a hot auction, the catalog, and the accounts every signed-in request checks.
  const sqliteStore = new SqliteItemStore(db, {
    cacheRows: (key) => isAuctionKey(key) || isProductKey(key) || isUserKey(key),
    minCommitGapMs: COMMIT_GAP_MS,
  });
  // WAL checkpoints of a database file run in a worker thread.
  const checkpointer =
    config.databaseFile === ":memory:"
      ? undefined
      : startBackgroundCheckpointer(db, (message) => logger.error("WAL checkpoint failed", { error: message }), {
          holdWrites: (released) => sqliteStore.holdWritesUntil(released),
        });
  const store = meterItemStore(sqliteStore, usage);
  const fileObjects = new FileObjectStore(config.objectsDir);
  const objects = meterObjectStore(overrides.objects?.(fileObjects) ?? fileObjects, usage);
  const emlMailer = new EmlMailer({
    mailDir: config.mailDir,
    from: config.mailFrom,
    clock,
    ...(config.smtpUrl ? { smtpUrl: config.smtpUrl } : {}),
  });
  const mailer = meterMailer(
    overrides.mailer?.(emlMailer) ?? faultyMailer(emlMailer, config.mailFailureRate),
    usage,
    config.mailFrom,
  );
  const testGateway = new TestPaymentGateway({
    // Its own store on the same database: a payment processor's records, not the shop's (and not metered).
    store: new SqliteItemStore(db),
    ids,
    clock,
    failureRate: config.paymentFailureRate,
  });
  const payments = overrides.payments?.(testGateway) ?? testGateway;
  const pdfReceipts = new PdfReceiptRenderer();
  const receipts = overrides.receipts?.(pdfReceipts) ?? pdfReceipts;
  const hasher = new ScryptPasswordHasher();
  const jwtSecret = config.jwtSecret ?? loadOrCreateSecret(join(config.dataDir, "jwt-secret"));
  const tokens = new JwtTokenIssuer({ secret: jwtSecret, clock });

  const signer = new HmacUploadSigner({ secret: jwtSecret, publicUrl: config.publicUrl, clock });
  const shop = { shopName: config.shopName, makerEmail: config.makerEmail, publicUrl: config.publicUrl };
  const channel = (settings: LocalConfig["deliveryChannel"]) =>
    settings.url && settings.secret
      ? new SignedWebhookChannel({ url: settings.url, secret: settings.secret, clock })
      : new EmailChannel({ mailer, to: settings.email });
  const scheduler = new SqliteScheduler({ db, clock, ids, logger, onFired: () => dispatcher.wake() });
  const application = composeApplication({
    store: overrides.store?.(store) ?? store,
    events: store,
    ids,
    clock,
    objects,
    hasher,
    tokens,
    signer,
    receipts,
    shop,
    checkoutWindowMs: config.checkoutWindowMs,
    signUpsPerHour: config.signUpsPerHour,
    logger,
    mailer,
    payments,
    scheduler,
    qr: qrCodeRenderer,
    delivery: channel(config.deliveryChannel),
    customerService: channel(config.customerServiceChannel),
  });
  const { useCases, sweepAuctions } = application;
  const localWorkflows = new LocalWorkflowRunner({
    directory: WORKFLOWS_DIR,
    handlers: Object.fromEntries(
      Object.entries(application.workflowTasks).map(([workflow, tasks]) => [workflow, meterTasks(tasks, usage)]),
    ),
    logger,
    ...(config.workflowRetryIntervalMs !== undefined ? { retryIntervalMs: config.workflowRetryIntervalMs } : {}),
  });
  let sweepTimer: NodeJS.Timeout | undefined;
  let ttlSweeper: TtlSweeper | undefined;
  const workflows = meterWorkflows(localWorkflows, usage);
  const dispatcher = new OutboxDispatcher({
    db,
    clock,
    logger,
    concurrency: config.dispatchConcurrency,
    subscriptions: [
      ...application.consumers(workflows).map((consumer) =>
        meterSubscription(
          {
            ...consumer,
            // The pipeline and checkout consumers run a whole workflow (a charge alone may take 67 s with
            // its retries: redelivered sooner, two runs would race); the others one use case. As on AWS.
            visibilityTimeoutMs: RUNS_A_WORKFLOW.has(consumer.name) ? 120_000 : 30_000,
            ...config.retries,
          } satisfies Subscription,
          usage,
        ),
      ),
    ],
  });
  // The order event stream (Kinesis on AWS): the activity projection reads the outbox in batches.
  const orderEvents = new SqliteStreamReader({
    db,
    logger,
    consumer: meterStreamConsumer(application.orderEvents, usage),
    batchSize: ORDER_EVENTS_STREAM.batchSize,
    batchWindowMs: ORDER_EVENTS_STREAM.batchWindowMs,
    ...config.retries,
  });
  sqliteStore.watch(() => {
    dispatcher.wake();
    orderEvents.wake();
  });
  /** The subscriptions' queues and, as one more line, the order event stream's backlog. */
  const queues: QueueAdmin = {
    depths: async () => [
      ...(await dispatcher.depths()),
      { subscription: ORDER_EVENTS_STREAM.name, ready: orderEvents.backlog(), inFlight: 0, delayed: 0, deadLetters: 0 },
    ],
    listDeadLetters: (filter) => dispatcher.listDeadLetters(filter),
    redrive: (target) => dispatcher.redrive(target),
  };

  const app = createHttpApp({
    useCases,
    idempotency: useCases.idempotency,
    queues,
    usage,
    clock,
    events: store,
    maxOpenStreams: config.maxLiveStreams,
    seedRoutes: config.seedRoutes,
    resolveActor: useCases.resolveActor,
    logger,
    publicUrl: config.publicUrl,
    clientAddress: (c) =>
      clientAddress((c.env as { incoming?: IncomingMessage } | undefined)?.incoming, config.trustProxy),
  });
  registerUploadRoute(app as never, { signer, objects, onUploaded: useCases.attachAgreement });
  registerMailboxRoutes(app as never, emlMailer);

  return {
    config,
    app,
    /** The HTTP entry point, metered like API Gateway + Lambda. */
    fetch: meterHttp(app.fetch, usage),
    usage,
    db,
    store,
    dispatcher,
    orderEvents,
    /** Resolves once every event is delivered (or dead-lettered) and counted by the activity projection. */
    async idle() {
      await dispatcher.idle();
      await orderEvents.idle();
    },
    application,
    tokens,
    useCases,
    mailer: emlMailer,
    objects: fileObjects,
    payments: testGateway,
    logger,
    /** Seeds (when configured) and starts delivering events; crash recovery happens in the dispatcher. */
    async start() {
      if (config.seed) {
        const seeded = await useCases.seedCatalog();
        if (seeded > 0) logger.info("seeded the default catalog", { products: seeded });
        for (const role of ["admin", "maker", "courier", "seller", "customer"] as const) {
          await useCases.ensureUser({
            email: `${role}@orderflow.local`,
            name: `Demo ${role}`,
            password: config.demoPassword,
            roles: [role],
          });
        }
      }
      // Housekeeping, not event processing: runs with dispatch off too. The payment processor's store shares
      // the items table, so this one sweep covers its records as well.
      ttlSweeper = startTtlSweeper({ store: sqliteStore, clock, logger, intervalMs: config.ttlSweepMs });
      if (config.dispatchEnabled) {
        dispatcher.start();
        orderEvents.start();
        scheduler.start();
        const sweep = () =>
          sweepAuctions(clock.now()).catch((error) => logger.error("auction sweep failed", { error }));
        await sweep();
        sweepTimer = setInterval(sweep, config.auctionSweepMs);
        sweepTimer.unref();
      } else logger.warn("event dispatch is off: orders are accepted but not processed (DISPATCH_ENABLED=false)");
    },
    /** Stops taking events, lets running deliveries finish, and closes the database. */
    async stop() {
      clearInterval(sweepTimer);
      await ttlSweeper?.stop();
      scheduler.stop();
      await dispatcher.stop();
      await orderEvents.stop();
      await checkpointer?.stop();
      db.close();
    },
  };
}

export type LocalRuntime = ReturnType<typeof composeLocalRuntime>;
