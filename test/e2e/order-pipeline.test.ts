import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function stockOf(productId: string): Promise<number> {
  return (await server.api(`/products/${productId}`)).body.stock;
}

async function placeAndSettle(body: unknown) {
  const placed = await server.api("/orders", { body });
  expect(placed.status).toBe(201);
  await server.idle();
  const id = placed.body.order.id as string;
  const token = placed.body.trackingToken as string;
  const view = await server.api(`/orders/${id}?token=${encodeURIComponent(token)}`);
  expect(view.status).toBe(200);
  return {
    id,
    token,
    placed: placed.body,
    order: view.body.order,
    timeline: view.body.timeline as Array<{ type: string; at: string; data: Record<string, unknown> }>,
  };
}

async function mailsFor(orderId: string) {
  return (await readMailbox(server.config.mailDir)).filter(
    (mail) => mail.subject?.includes(orderId) || mail.text?.includes(orderId),
  );
}

describe("the order pipeline, end to end over HTTP", () => {
  it("confirms a guest's order, stores a PDF receipt, e-mails it and tells the maker what to bake", async () => {
    const before = await stockOf("red-velvet-cake");
    const { id, token, placed, order, timeline } = await placeAndSettle(
      orderBody({ items: [{ productId: "red-velvet-cake", quantity: 2 }], notes: "Happy birthday, Grace" }),
    );
    expect(placed.order.status).toBe("pending");
    expect(placed.trackingUrl).toContain(`/orders/${id}?token=`);
    expect(order.status).toBe("confirmed");
    expect(order.total).toEqual({ amount: 7200, currency: "EUR" });
    expect(order.paymentLast4).toBe("4242");
    expect(JSON.stringify(order)).not.toContain("4242 4242");
    expect(await stockOf("red-velvet-cake")).toBe(before - 2);

    const types = timeline.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual(["order_received", "stock_reserved", "payment_charged", "order_placed"]);
    expect(types.slice(4).sort()).toEqual(["maker_notified", "receipt_issued"]);
    expect(timeline.every((event) => !Number.isNaN(Date.parse(event.at)))).toBe(true);

    const receipt = await fetch(`${server.url}/orders/${id}/receipt?token=${encodeURIComponent(token)}`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get("content-type")).toBe("application/pdf");
    expect(receipt.headers.get("transfer-encoding")).toBe("chunked");
    const pdf = Buffer.from(await receipt.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");

    const mails = await mailsFor(id);
    const confirmation = mails.find((mail) => addressesOf(mail).includes("ada@example.com"));
    expect(confirmation?.subject).toContain("confirmed");
    expect(confirmation?.attachments).toHaveLength(1);
    expect(confirmation?.attachments[0]?.contentType).toBe("application/pdf");
    expect(Buffer.compare(confirmation!.attachments[0]!.content, pdf)).toBe(0);
    const maker = mails.find((mail) => addressesOf(mail).includes("maker@orderflow.local"));
    expect(maker?.text).toContain("2 × Red Velvet Cake");
    expect(maker?.text).toContain("Happy birthday, Grace");
    expect(mails).toHaveLength(2);
  });

  it("fails a declined card with a readable reason, puts the stock back and charges nothing", async () => {
    const before = await stockOf("carrot-cake");
    const charges = await server.runtime.payments.countCharges();
    const { id, order, timeline } = await placeAndSettle(
      orderBody({ items: [{ productId: "carrot-cake", quantity: 3 }], payment: { card: "4000000000000002" } }),
    );
    expect(order.status).toBe("failed");
    expect(order.failureReason).toMatch(/declined/i);
    expect(order.failureCode).toBe("PAYMENT_DECLINED");
    expect(timeline.find((event) => event.type === "order_failed")?.data.failureCode).toBe("PAYMENT_DECLINED");
    expect(await stockOf("carrot-cake")).toBe(before);
    expect(await server.runtime.payments.countCharges()).toBe(charges);
    expect(timeline.map((event) => event.type)).toEqual([
      "order_received",
      "stock_reserved",
      "stock_released",
      "order_failed",
    ]);
    const mails = await mailsFor(id);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain("could not complete");
    expect(mails[0]?.text).toMatch(/declined/i);
  });

  it("fails an order for more than is in stock before anything is reserved or charged", async () => {
    const before = await stockOf("black-forest-gateau");
    const { order, timeline } = await placeAndSettle(
      orderBody({ items: [{ productId: "black-forest-gateau", quantity: before + 1 }] }),
    );
    expect(order.status).toBe("failed");
    expect(order.failureReason).toBe(`Only ${before} × Black Forest Gâteau left`);
    expect(order.failureCode).toBe("OUT_OF_STOCK");
    expect(timeline.map((event) => event.type)).toEqual(["order_received", "order_failed"]);
    expect(await stockOf("black-forest-gateau")).toBe(before);
  });

  it("gives up on a payment provider that keeps failing, after retries, and releases the stock", async () => {
    const before = await stockOf("victoria-sponge");
    const { order, timeline } = await placeAndSettle(
      orderBody({ items: [{ productId: "victoria-sponge", quantity: 1 }], payment: { card: "4000000000000119" } }),
    );
    expect(order.status).toBe("failed");
    expect(order.failureReason).toMatch(/payment provider/i);
    expect(order.failureCode).toBe("PAYMENT_UNAVAILABLE");
    expect(timeline.map((event) => event.type)).toContain("stock_released");
    expect(await stockOf("victoria-sponge")).toBe(before);
  });

  it("meters what the order would be billed for on AWS", async () => {
    const admin = await server.tokenFor("admin");
    const before = (await server.api("/admin/usage", { token: admin })).body.usage;
    await placeAndSettle(orderBody());
    const after = (await server.api("/admin/usage", { token: admin })).body.usage;
    const delta = (item: string) => after[item] - before[item];
    expect(delta("api.requests")).toBe(3); // the usage read, the order, the order view
    expect(delta("stepfunctions.expressRequests")).toBe(1);
    expect(delta("stepfunctions.transitions")).toBeGreaterThanOrEqual(9);
    expect(delta("s3.putRequests")).toBe(1);
    expect(delta("ses.emails")).toBe(2);
    // The order_received message received and deleted, and sent in a SendMessageBatch request that an earlier
    // order's message may have opened (the relay's batching is tested in usage-meter.test.ts).
    expect(delta("sqs.requests")).toBeGreaterThanOrEqual(2);
    expect(delta("sqs.requests")).toBeLessThanOrEqual(3);
    expect(delta("dynamodb.writeUnits")).toBeGreaterThan(10);
    expect(delta("lambda.invocations")).toBeGreaterThan(9);
    expect(delta("lambda.gbSeconds")).toBeGreaterThan(0);
  });

  it("accepts the seed catalog number as a product id", async () => {
    const { order } = await placeAndSettle(orderBody({ items: [{ productId: "2", quantity: 1 }] }));
    expect(order.lines[0].productId).toBe("lemon-drizzle-cake");
    expect(order.status).toBe("confirmed");
  });
});
