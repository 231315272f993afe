import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { mockClient } from "aws-sdk-client-mock";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { mailerContract } from "../../../test/contract/mailer.contract.js";
import { openSqliteDatabase } from "../local/sqlite-database.js";
import { SqliteItemStore } from "../local/sqlite-item-store.js";
import { CLAIM_LEASE_MS, MailSendInProgressError, SesMailer, type SesMailerOptions } from "./ses-mailer.js";

const clock = { now: () => new Date("2026-03-01T10:00:00Z") };

/** A mailer over a mocked SES client (`ses`) and a real in-memory item store for the claims. */
function setup(options: Partial<SesMailerOptions> = {}) {
  const client = new SESv2Client({
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const ses = mockClient(client);
  ses.on(SendEmailCommand).resolves({ MessageId: "0100018e-ses-id" });
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  const mailer = new SesMailer({ client, from: '"Test Bakery" <shop@bakery.example>', store, clock, ...options });
  const sends = () => ses.commandCalls(SendEmailCommand);
  return { mailer, ses, store, sends };
}

mailerContract("SES (mocked client, SQLite claims)", async () => {
  const { mailer, sends } = setup();
  return { mailer, sentCount: async () => sends().length };
});

describe("SesMailer", () => {
  it("sends the message as raw MIME with From, To, Subject, Message-ID, parts and attachment bytes", async () => {
    const { mailer, sends } = setup({ configurationSet: "orderflow-mail" });
    const pdf = new Uint8Array(Buffer.from("%PDF-1.3 fake receipt \u0000\u00ff bytes"));
    const sent = await mailer.send({
      id: "order-confirmed-ord_1",
      to: "ada@example.com",
      subject: "Your order ord_1 — confirmed",
      text: "Thank you, Ada. 2 × Lemon Drizzle Cake",
      html: "<p>Thank you, <b>Ada</b>.</p>",
      attachments: [{ filename: "receipt-ord_1.pdf", contentType: "application/pdf", content: pdf }],
    });
    expect(sent.sentNow).toBe(true);
    expect(sent.messageId).toMatch(/^<order-confirmed-ord_1\.[0-9a-f]{24}@bakery\.example>$/);

    const input = sends()[0]!.args[0].input;
    expect(input.FromEmailAddress).toBe('"Test Bakery" <shop@bakery.example>');
    expect(input.Destination).toEqual({ ToAddresses: ["ada@example.com"] });
    expect(input.ConfigurationSetName).toBe("orderflow-mail");
    const parsed = await simpleParser(Buffer.from(input.Content!.Raw!.Data!));
    expect(parsed.from?.text).toBe('"Test Bakery" <shop@bakery.example>');
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : "").toBe("ada@example.com");
    expect(parsed.subject).toBe("Your order ord_1 — confirmed");
    expect(parsed.messageId).toBe(sent.messageId);
    expect(parsed.date?.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    expect(parsed.text?.trim()).toBe("Thank you, Ada. 2 × Lemon Drizzle Cake");
    expect(parsed.html).toContain("<b>Ada</b>");
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe("receipt-ord_1.pdf");
    expect(parsed.attachments[0]?.contentType).toBe("application/pdf");
    expect(Buffer.compare(parsed.attachments[0]!.content, Buffer.from(pdf))).toBe(0);
  });

  it("keeps a claim with the Message-ID, SES's id and a 30-day expiry", async () => {
    const { mailer, store } = setup();
    const sent = await mailer.send({ id: "maker-bake-ord_7", to: "maker@example.com", subject: "Bake", text: "2" });
    const claim = await store.get({ pk: "MAIL#maker-bake-ord_7", sk: "MAIL" });
    expect(claim).toMatchObject({ messageId: sent.messageId, sesMessageId: "0100018e-ses-id" });
    expect(claim?.expiresAt).toBe(Date.parse("2026-03-31T10:00:00Z") / 1000);
  });

  it("releases the claim when SES refuses, so the next call sends", async () => {
    const { mailer, ses, store, sends } = setup();
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error("Maximum sending rate exceeded"), { name: "TooManyRequestsException" }))
      .resolves({ MessageId: "ses-2" });
    const message = { id: "outbid/auc_1:bid_2", to: "ada@example.com", subject: "Outbid", text: "Bid again" };

    await expect(mailer.send(message)).rejects.toThrow("Maximum sending rate exceeded");
    expect(await store.get({ pk: "MAIL#outbid/auc_1:bid_2", sk: "MAIL" })).toBeUndefined();
    expect((await mailer.send(message)).sentNow).toBe(true);
    expect((await mailer.send(message)).sentNow).toBe(false);
    expect(sends()).toHaveLength(2);
  });

  it("answers a duplicate with the Message-ID stored by the first send, not a recomputed one", async () => {
    const { mailer, store, sends } = setup();
    // Claimed while the shop sent from another domain: the duplicate must report what was really sent.
    await store.put({
      pk: "MAIL#welcome-1",
      sk: "MAIL",
      messageId: "<welcome-1@old.example>",
      claimToken: "t",
      claimedAt: "2026-02-01T10:00:00.000Z",
      sentAt: "2026-02-01T10:00:01.000Z",
    });
    const sent = await mailer.send({ id: "welcome-1", to: "ada@example.com", subject: "Hi", text: "Hi" });
    expect(sent).toEqual({ messageId: "<welcome-1@old.example>", sentNow: false });
    expect(sends()).toHaveLength(0);
  });

  it("sends a message whose claim a sender that died left unsent, once its lease has run out", async () => {
    const { mailer, store, sends } = setup();
    const claimedAt = new Date(clock.now().getTime() - CLAIM_LEASE_MS - 1000).toISOString();
    await store.put({
      pk: "MAIL#receipt-ord_3",
      sk: "MAIL",
      messageId: "<r3@bakery.example>",
      claimToken: "dead",
      claimedAt,
    });
    const sent = await mailer.send({ id: "receipt-ord_3", to: "ada@example.com", subject: "Receipt", text: "Thanks" });
    expect(sent).toEqual({ messageId: "<r3@bakery.example>", sentNow: true });
    expect(sends()).toHaveLength(1);
    expect(await store.get({ pk: "MAIL#receipt-ord_3", sk: "MAIL" })).toMatchObject({
      sesMessageId: "0100018e-ses-id",
    });
    expect(
      (await mailer.send({ id: "receipt-ord_3", to: "ada@example.com", subject: "Receipt", text: "Thanks" })).sentNow,
    ).toBe(false);
    expect(sends()).toHaveLength(1);
  });

  it("does not send a message another caller claimed within the lease: the caller is told to retry later", async () => {
    const { mailer, store, sends } = setup();
    const claimedAt = new Date(clock.now().getTime() - 10_000).toISOString();
    await store.put({
      pk: "MAIL#receipt-ord_4",
      sk: "MAIL",
      messageId: "<r4@bakery.example>",
      claimToken: "busy",
      claimedAt,
    });
    await expect(
      mailer.send({ id: "receipt-ord_4", to: "ada@example.com", subject: "Receipt", text: "Thanks" }),
    ).rejects.toBeInstanceOf(MailSendInProgressError);
    expect(sends()).toHaveLength(0);
  });

  it("refuses a sender without an e-mail domain when it is composed", () => {
    const { store } = setup();
    expect(() => new SesMailer({ client: new SESv2Client({}), from: "Orderflow", store })).toThrow(/no e-mail domain/);
  });
});
