import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EmlMailer } from "../../src/adapters/local/eml-mailer.js";
import { FileObjectStore } from "../../src/adapters/local/file-object-store.js";
import { createJsonLogger } from "../../src/adapters/local/json-logger.js";
import { LocalWorkflowRunner } from "../../src/adapters/local/local-workflow-runner.js";
import { PdfReceiptRenderer } from "../../src/adapters/local/pdf-receipt-renderer.js";
import { openSqliteDatabase } from "../../src/adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../src/adapters/local/sqlite-item-store.js";
import { createUlidGenerator, systemClock } from "../../src/adapters/local/system-clock.js";
import { TestPaymentGateway } from "../../src/adapters/local/test-payment-gateway.js";
import { makeCreateProduct } from "../../src/application/catalog/create-product.js";
import { loadProduct, productKey } from "../../src/application/catalog/product-items.js";
import { legacyReservationKey, loadOrder } from "../../src/application/orders/order-items.js";
import { ORDER_PIPELINE, orderPipelineTasks } from "../../src/application/orders/pipeline/order-pipeline-tasks.js";
import { makePlaceOrder } from "../../src/application/orders/place-order.js";
import { PaymentUnavailableError } from "../../src/domain/shared/errors.js";
import type { DomainEvent } from "../../src/domain/shared/event.js";
import type { ItemStore, TransactOp } from "../../src/ports/item-store.js";
import type { PaymentGateway } from "../../src/ports/payment-gateway.js";
import { WORKFLOWS_DIR } from "../../src/runtime/local/compose.js";
import { readMailbox } from "../support/mailbox.js";
import { orderBody } from "../support/test-server.js";

interface Faults {
  /** The step throws after doing its work (a lost answer). */
  afterItsWork?: boolean;
  /** What the pipeline's steps get instead of the gateway. */
  payments?: (gateway: TestPaymentGateway) => PaymentGateway;
  /** What the pipeline's steps get instead of the store. */
  store?: (store: SqliteItemStore) => ItemStore;
  /** The card the order is paid with. */
  card?: string;
  /** Where the workflow definition is read from (a copy with other time limits). */
  workflowsDir?: string;
}

/** `failingStep` throws instead of running (see Faults for the others). */
async function setup(failingStep?: string, faults: Faults = {}) {
  const { afterItsWork = false } = faults;
  const dir = mkdtempSync(join(tmpdir(), "orderflow-wf-"));
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  const ids = createUlidGenerator();
  const clock = systemClock;
  const logger = createJsonLogger({ level: "silent" });
  const payments = new TestPaymentGateway({ store, ids, clock });
  const mailDir = join(dir, "mail");
  const deps = {
    store: faults.store?.(store) ?? store,
    ids,
    clock,
    logger,
    payments: faults.payments?.(payments) ?? payments,
    objects: new FileObjectStore(join(dir, "objects")),
    mailer: new EmlMailer({ mailDir, from: "shop@example.com", clock }),
    receipts: new PdfReceiptRenderer(),
    shop: { shopName: "Test Bakery", makerEmail: "maker@example.com", publicUrl: "http://localhost:3000" },
  };
  const tasks = orderPipelineTasks(deps);
  /** The steps as they work, before `failingStep` was made to fail. */
  const working = { ...tasks };
  if (failingStep) {
    const work = tasks[failingStep]!;
    tasks[failingStep] = async (input) => {
      if (afterItsWork) await work(input);
      const error = new Error(`${failingStep} broke`);
      error.name = "InfrastructureError";
      throw error;
    };
  }
  const runner = new LocalWorkflowRunner({
    directory: faults.workflowsDir ?? WORKFLOWS_DIR,
    // Looked up on each call, so a test may swap a step between runs.
    handlers: {
      [ORDER_PIPELINE]: Object.fromEntries(
        Object.keys(tasks).map((name) => [name, (input: never) => tasks[name]!(input)]),
      ),
    },
    logger,
    retryIntervalMs: 1,
  });
  await makeCreateProduct({ store, ids, clock })(
    { name: "Sponge", description: "", price: { amount: 1000, currency: "EUR" }, stock: 5 },
    { id: "sponge" },
  );
  const order = await makePlaceOrder({ store, ids, clock })(
    orderBody({
      items: [{ productId: "sponge", quantity: 2 }],
      ...(faults.card ? { payment: { card: faults.card } } : {}),
    }) as never,
    { roles: [] },
  );
  const run = () => runner.run(ORDER_PIPELINE, { orderId: order.id }, order.id);
  const timeline = async () => (await store.listByKey(order.id)).map((event) => event.type);
  const stock = async () => (await loadProduct(store, "sponge"))?.stock;
  return { store, payments, order, run, timeline, stock, mailDir, tasks, working, deps };
}

describe("order pipeline compensation: each step failing in turn", () => {
  it.each([
    ["CheckOrder", ["order_received"], "pending"],
    ["ValidateOrder", ["order_received", "order_failed"], "failed"],
    ["ReserveStock", ["order_received", "order_failed"], "failed"],
    ["ChargePayment", ["order_received", "stock_reserved", "stock_released", "order_failed"], "failed"],
    [
      "ConfirmOrder",
      ["order_received", "stock_reserved", "payment_charged", "payment_refunded", "stock_released", "order_failed"],
      "failed",
    ],
  ])("when %s fails the order ends as it should, with everything before it undone", async (step, events, status) => {
    const { run, timeline, stock, store, order, payments, mailDir } = await setup(step);
    const result = await run();
    expect(await timeline()).toEqual(events);
    const after = await loadOrder(store, order.id);
    expect(after.status).toBe(status);
    expect(await stock()).toBe(5);
    if (status === "failed") {
      expect(result.status).toBe("succeeded");
      expect(after.failureReason).toBe(
        `We could not complete your order because of a problem on our side. ${
          step === "ConfirmOrder" ? "Your payment has been refunded." : "You have not been charged."
        }`,
      );
      expect(after.failureCode).toBe("PROCESSING_ERROR");
      const failed = (await store.listByKey(order.id)).find((event) => event.type === "order_failed");
      expect(failed?.data).toMatchObject({ failureCode: "PROCESSING_ERROR", error: "InfrastructureError" });
      const mails = await readMailbox(mailDir);
      expect(mails.map((mail) => mail.subject)).toEqual([`Test Bakery: we could not complete order ${order.id}`]);
      if (step === "ConfirmOrder") expect(mails[0]?.text).toContain("has been refunded");
    } else {
      // CheckOrder failing means nothing was decided: the execution fails and the delivery is retried later.
      expect(result.status).toBe("failed");
    }
    expect(await payments.countCharges()).toBe(step === "ConfirmOrder" ? 1 : 0);
  });

  it.each<[string, Faults, string]>([
    [
      "the gateway charges but its answer is lost on every attempt",
      {
        payments: (gateway) => ({
          charge: async (request) => {
            await gateway.charge(request);
            throw new PaymentUnavailableError("The payment provider timed out");
          },
          findCharge: (key) => gateway.findCharge(key),
          refund: (chargeId, key) => gateway.refund(chargeId, key),
        }),
      },
      "PAYMENT_UNAVAILABLE",
    ],
    [
      "the charge is made but recording it keeps failing",
      {
        store: (store) =>
          Object.assign(Object.create(store), {
            transact: (ops: TransactOp[], events: DomainEvent[] = []) => {
              if (events.some((event) => event.type === "payment_charged")) {
                throw Object.assign(new Error("disk I/O error"), { name: "SqliteError" });
              }
              return store.transact(ops, events);
            },
          }),
      },
      "PROCESSING_ERROR",
    ],
  ])("when %s, the charge is refunded and the customer told so", async (_, faults, code) => {
    const { run, timeline, stock, store, order, payments, mailDir } = await setup(undefined, faults);
    expect((await run()).status).toBe("succeeded");
    const after = await loadOrder(store, order.id);
    expect(after.status).toBe("failed");
    expect(await timeline()).toEqual([
      "order_received",
      "stock_reserved",
      "payment_refunded",
      "stock_released",
      "order_failed",
    ]);
    expect(await payments.countCharges()).toBe(1);
    expect(await payments.countRefunds()).toBe(1);
    expect(after.refundId).toBeDefined();
    expect(after.chargeId).toBe((await payments.findCharge(`order-${order.id}`))?.chargeId);
    expect(after.failureReason).toMatch(/Your payment has been refunded\.$/);
    expect(after.failureCode).toBe(code);
    expect(await stock()).toBe(5);
    const mails = await readMailbox(mailDir);
    expect(mails.map((mail) => mail.subject)).toEqual([`Test Bakery: we could not complete order ${order.id}`]);
    expect(mails[0]?.text).toContain("has been refunded");
  });

  it("when the gateway never answers (the timeout test card), each charge attempt times out and the order fails saying so", async () => {
    // The pipeline as deployed, but with a one-second limit on the charge step instead of fifteen.
    const workflowsDir = mkdtempSync(join(tmpdir(), "orderflow-asl-"));
    const definition = JSON.parse(readFileSync(join(WORKFLOWS_DIR, "order-pipeline.asl.json"), "utf8"));
    expect(definition.States.ChargePayment.TimeoutSeconds).toBe(15);
    definition.States.ChargePayment.TimeoutSeconds = 1;
    writeFileSync(join(workflowsDir, "order-pipeline.asl.json"), JSON.stringify(definition));
    const { run, store, order, payments, stock, mailDir } = await setup(undefined, {
      card: "4000000000005126",
      workflowsDir,
    });
    expect((await run()).status).toBe("succeeded");
    const after = await loadOrder(store, order.id);
    expect(after).toMatchObject({ status: "failed", failureCode: "PAYMENT_TIMEOUT" });
    expect(after.failureReason).toBe(
      "The payment provider did not respond, so the order was cancelled. You have not been charged.",
    );
    expect(await payments.countCharges()).toBe(0);
    expect(await stock()).toBe(5);
    expect((await readMailbox(mailDir)).map((mail) => mail.subject)).toEqual([
      `Test Bakery: we could not complete order ${order.id}`,
    ]);
  }, 15_000);

  it("a run that meets another run's undoing at ReserveStock finishes it, refunding the charge that run left", async () => {
    let refundWorks = false;
    const { run, tasks, working, order, store, payments, stock, timeline } = await setup(undefined, {
      payments: (gateway) => ({
        charge: (request) => gateway.charge(request),
        findCharge: (key) => gateway.findCharge(key),
        refund: async (chargeId, key) => {
          if (!refundWorks) throw Object.assign(new Error("the process died"), { name: "InfrastructureError" });
          return gateway.refund(chargeId, key);
        },
      }),
    });
    // Run A charged, its confirmation failed, and it died in RefundPayment after marking the order.
    for (const step of ["ValidateOrder", "ReserveStock", "ChargePayment"])
      await working[step]!({ orderId: order.id } as never);
    // Run B (a redelivery) read the order at CheckOrder just before run A's mark.
    tasks.CheckOrder = async (input) => {
      const stage = await working.CheckOrder!(input);
      const undoing = { orderId: order.id, error: { Error: "InfrastructureError", Cause: "confirmation lost" } };
      await expect(working.RefundPayment!(undoing as never)).rejects.toThrow("the process died");
      refundWorks = true;
      return stage;
    };
    expect((await run()).status).toBe("succeeded");
    const after = await loadOrder(store, order.id);
    expect(after).toMatchObject({ status: "failed", failureCode: "PROCESSING_ERROR", refundId: expect.any(String) });
    expect(after.failureReason).toMatch(/Your payment has been refunded\.$/);
    expect(await payments.countCharges()).toBe(1);
    expect(await payments.countRefunds()).toBe(1);
    expect(await stock()).toBe(5);
    expect(await timeline()).toContain("payment_refunded");
  });

  it("a charge that lands after its step timed out and the order was undone is refunded when it lands", async () => {
    const workflowsDir = mkdtempSync(join(tmpdir(), "orderflow-asl-"));
    const definition = JSON.parse(readFileSync(join(WORKFLOWS_DIR, "order-pipeline.asl.json"), "utf8"));
    definition.States.ChargePayment.TimeoutSeconds = 1;
    writeFileSync(join(workflowsDir, "order-pipeline.asl.json"), JSON.stringify(definition));
    let landed: Promise<unknown> = Promise.resolve();
    const { run, store, order, payments } = await setup(undefined, {
      workflowsDir,
      // A slow provider: every attempt times out in the workflow (four of a second), and the first one's
      // charge goes through once the order has failed.
      payments: (gateway) => ({
        charge: (request) => {
          const charge = new Promise((resolve) => setTimeout(resolve, 5000)).then(() => gateway.charge(request));
          landed = charge.catch(() => undefined);
          return charge;
        },
        findCharge: (key) => gateway.findCharge(key),
        refund: (chargeId, key) => gateway.refund(chargeId, key),
      }),
    });
    expect((await run()).status).toBe("succeeded");
    expect(await loadOrder(store, order.id)).toMatchObject({ status: "failed", failureCode: "PAYMENT_TIMEOUT" });
    expect(await payments.countCharges()).toBe(0);
    await landed;
    await new Promise((resolve) => setTimeout(resolve, 200)); // the late step's refund after its charge
    const after = await loadOrder(store, order.id);
    expect(after).toMatchObject({ status: "failed", failureCode: "PAYMENT_TIMEOUT" });
    expect(await payments.countCharges()).toBe(1);
    expect(await payments.countRefunds()).toBe(1);
    expect(after.refundId).toBeDefined();
  }, 20_000);

  it("when another run fails the order between ConfirmOrder's read and its write, nothing confirms it", async () => {
    let otherRun: (() => Promise<void>) | undefined;
    const pipeline = await setup(undefined, {
      store: (store) =>
        Object.assign(Object.create(store), {
          transact: async (ops: TransactOp[], events: DomainEvent[] = []) => {
            if (otherRun && events.some((event) => event.type === "order_placed")) {
              const race = otherRun;
              otherRun = undefined;
              await race();
            }
            return store.transact(ops, events);
          },
        }),
    });
    const { run, tasks, order, store, timeline, payments, mailDir } = pipeline;
    otherRun = async () => {
      for (const step of ["RefundPayment", "ReleaseStock", "FailOrder"])
        await tasks[step]!({ orderId: order.id } as never);
    };
    await run();
    expect((await loadOrder(store, order.id)).status).toBe("failed");
    expect(await timeline()).not.toContain("order_placed");
    expect(await payments.countRefunds()).toBe(1);
    const subjects = (await readMailbox(mailDir)).map((mail) => mail.subject ?? "");
    expect(subjects.filter((subject) => !subject.includes("could not complete"))).toEqual([]);
  });

  it.each([
    ["after RefundPayment", "RefundPayment"],
    ["after ReleaseStock", "ReleaseStock"],
    ["before FailOrder's write", "FailOrder"],
  ])(
    "an undoing interrupted %s is finished by the next run: a refunded order is never confirmed",
    async (_, interrupted) => {
      const { run, tasks, working, timeline, stock, store, order, payments, mailDir } = await setup("ConfirmOrder");
      // The first run dies part-way through its compensation (a crash, or a step out of retries).
      const step = tasks[interrupted]!;
      tasks[interrupted] = async (input) => {
        if (interrupted !== "FailOrder") await step(input);
        throw Object.assign(new Error("the process died"), { name: "InfrastructureError" });
      };
      expect((await run()).status).toBe("failed");
      const between = await loadOrder(store, order.id);
      expect(between.status).toBe("pending");
      expect(between.compensation?.error?.Error).toBe("InfrastructureError");

      // The redelivered event runs the pipeline again, with every step working (even ConfirmOrder).
      Object.assign(tasks, working);
      expect((await run()).status).toBe("succeeded");
      const after = await loadOrder(store, order.id);
      expect(after.status).toBe("failed");
      expect(after.failureCode).toBe("PROCESSING_ERROR");
      expect(after.failureReason).toMatch(/Your payment has been refunded\.$/);
      expect(await timeline()).toEqual([
        "order_received",
        "stock_reserved",
        "payment_charged",
        "payment_refunded",
        "stock_released",
        "order_failed",
      ]);
      expect(await payments.countCharges()).toBe(1);
      expect(await payments.countRefunds()).toBe(1);
      expect(await stock()).toBe(5);
      const subjects = (await readMailbox(mailDir)).map((mail) => mail.subject);
      expect(subjects).toEqual([`Test Bakery: we could not complete order ${order.id}`]);
    },
  );

  it.each(["RefundPayment", "ReleaseStock"])(
    "when ConfirmOrder commits while %s is about to begin undoing, the undoing is refused and nothing is taken back",
    async (undoing) => {
      const { run, tasks, deps, order, store, payments, stock } = await setup();
      const confirm = tasks.ConfirmOrder!;
      tasks.ConfirmOrder = async () => {
        throw Object.assign(new Error("lost"), { name: "InfrastructureError" }); // this run will undo
      };
      for (const step of ["ValidateOrder", "ReserveStock", "ChargePayment"])
        await tasks[step]!({ orderId: order.id } as never);
      // Another run confirms between this step's read of the order and its mark.
      const racing = Object.assign(Object.create(store), {
        update: async (...args: Parameters<ItemStore["update"]>) => {
          await confirm({ orderId: order.id } as never);
          return store.update(...args);
        },
      }) as ItemStore;
      const undo = orderPipelineTasks({ ...deps, store: racing })[undoing]!;
      await expect(undo({ orderId: order.id, error: { Error: "InfrastructureError" } } as never)).rejects.toMatchObject(
        {
          code: "INVALID_ORDER_TRANSITION",
        },
      );
      const after = await loadOrder(store, order.id);
      expect(after.status).toBe("confirmed");
      expect(after.compensation).toBeUndefined();
      expect(await payments.countRefunds()).toBe(0);
      expect(await stock()).toBe(3);
      // a redelivery of this run finds the order confirmed and only finishes what confirmation owes
      tasks.ConfirmOrder = confirm;
      expect((await run()).status).toBe("succeeded");
      expect(await payments.countRefunds()).toBe(0);
    },
  );

  it("when undoing begins while the card is being charged, the charge is not recorded and is refunded", async () => {
    let undoMeanwhile: (() => Promise<unknown>) | undefined;
    const { run, tasks, order, store, payments, stock, timeline } = await setup(undefined, {
      payments: (gateway) => ({
        charge: async (request) => {
          const charge = await gateway.charge(request);
          await undoMeanwhile?.(); // another run, failing elsewhere, starts undoing the order now
          return charge;
        },
        findCharge: (key) => gateway.findCharge(key),
        refund: (chargeId, key) => gateway.refund(chargeId, key),
      }),
    });
    undoMeanwhile = async () => {
      undoMeanwhile = undefined;
      await tasks.RefundPayment!({ orderId: order.id, error: { Error: "InfrastructureError" } } as never);
    };
    expect((await run()).status).toBe("succeeded");
    const after = await loadOrder(store, order.id);
    expect(after.status).toBe("failed");
    expect(await timeline()).not.toContain("payment_charged");
    expect(await timeline()).toContain("payment_refunded");
    expect(await payments.countCharges()).toBe(1);
    expect(await payments.countRefunds()).toBe(1);
    expect(after.refundId).toBeDefined();
    expect(await stock()).toBe(5);
  });

  it.each(["IssueReceipt", "NotifyMaker"])(
    "when %s keeps failing the order stays confirmed and the execution fails, to be retried",
    async (step) => {
      const { run, store, order, stock } = await setup(step);
      const result = await run();
      expect(result.status).toBe("failed");
      expect((await loadOrder(store, order.id)).status).toBe("confirmed");
      expect(await stock()).toBe(3);
    },
  );

  it("when ConfirmOrder confirms and then fails, the order stays confirmed: nothing refunded or released, receipt and maker e-mail sent", async () => {
    const { run, timeline, stock, store, order, payments, mailDir } = await setup("ConfirmOrder", {
      afterItsWork: true,
    });
    const result = await run();
    expect(result.status).toBe("succeeded");
    expect((await loadOrder(store, order.id)).status).toBe("confirmed");
    expect(await timeline()).not.toContain("payment_refunded");
    expect(await timeline()).not.toContain("stock_released");
    expect(await payments.countCharges()).toBe(1);
    expect(await payments.countRefunds()).toBe(0);
    expect(await stock()).toBe(3);
    const subjects = (await readMailbox(mailDir)).map((mail) => mail.subject);
    expect(subjects.some((subject) => subject?.includes("could not complete"))).toBe(false);
    expect(subjects).toHaveLength(2); // the customer's confirmation with its receipt, and the maker's
  });

  it("refuses to refund or release a confirmed order, whoever asks", async () => {
    const { run, tasks, order, payments, stock } = await setup();
    await run();
    for (const task of ["RefundPayment", "ReleaseStock"]) {
      await expect(tasks[task]!({ orderId: order.id } as never)).rejects.toMatchObject({
        code: "INVALID_ORDER_TRANSITION",
      });
    }
    expect(await payments.countRefunds()).toBe(0);
    expect(await stock()).toBe(3);
  });

  it("a second run of a finished pipeline adds no event, charge or e-mail", async () => {
    const { run, timeline, payments, mailDir } = await setup();
    await run();
    const events = await timeline();
    const mails = (await readMailbox(mailDir)).length;
    await run();
    await run();
    expect(await timeline()).toEqual(events);
    expect(await payments.countCharges()).toBe(1);
    expect((await readMailbox(mailDir)).length).toBe(mails);
    expect(events).toHaveLength(6);
  });

  it.each([
    [undefined, 3, "confirmed"],
    ["ChargePayment", 5, "failed"],
  ])(
    "an order an earlier version reserved (its own RESERVATION item) is not reserved twice; %s failing releases it",
    async (step, stockAfter, status) => {
      const { run, store, order, stock } = await setup(step);
      await store.transact(
        [
          { op: "update", key: productKey("sponge"), update: { add: { stock: -2 } } },
          { op: "put", item: { ...legacyReservationKey(order.id), lines: [{ productId: "sponge", quantity: 2 }] } },
        ],
        [],
      );
      expect(await stock()).toBe(3);
      await run();
      expect((await loadOrder(store, order.id)).status).toBe(status);
      expect(await stock()).toBe(stockAfter);
      expect(Boolean(await store.get(legacyReservationKey(order.id)))).toBe(status === "confirmed");
    },
  );
});
