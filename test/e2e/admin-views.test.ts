import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.tokenFor("admin");
});
afterAll(async () => {
  await server.close();
});

describe("admin views", () => {
  it("the captured mailbox lists messages, shows one parsed with its PDF attachment, and its raw .eml", async () => {
    const placed = await server.api("/orders", { body: orderBody() });
    await server.idle();
    const list = await server.api("/admin/mail", { token: admin });
    const confirmation = list.body.items.find(
      (m: { subject: string }) => m.subject.includes(placed.body.order.id) && m.subject.includes("confirmed"),
    );
    expect(confirmation).toMatchObject({ to: "ada@example.com" });
    const message = await server.api(`/admin/mail/${confirmation.fileName}`, { token: admin });
    expect(message.body.text).toContain("thank you for your order");
    expect(message.body.attachments).toEqual([expect.objectContaining({ index: 0, contentType: "application/pdf" })]);
    const pdf = await fetch(`${server.url}/admin/mail/${confirmation.fileName}/attachments/0`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const raw = await fetch(`${server.url}/admin/mail/${confirmation.fileName}/raw`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(raw.headers.get("content-type")).toBe("message/rfc822");
    expect(await raw.text()).toContain("Message-ID:");
    expect((await server.api("/admin/mail", { token: await server.tokenFor("customer") })).status).toBe(403);
    expect((await server.api(`/admin/mail/${confirmation.fileName}`)).status).toBe(401);
    expect((await server.api("/admin/mail/..%2Fjwt-secret", { token: admin })).status).toBe(404);
  });

  it("live figures count orders and failures per minute", async () => {
    await server.api("/orders", { body: orderBody({ payment: { card: "4000000000000002" } }) });
    await server.idle();
    const stats = (await server.api("/admin/stats", { token: admin })).body;
    expect(stats.perMinute).toHaveLength(30);
    expect(stats.ordersLast30Minutes).toBe(2);
    expect(stats.failedLast30Minutes).toBe(1);
    const confirmed = stats.perMinute.reduce((sum: number, m: { confirmed: number }) => sum + m.confirmed, 0);
    expect(confirmed).toBe(1);
    expect(stats.queues.map((q: { subscription: string }) => q.subscription)).toContain("order-pipeline");
  });
});
