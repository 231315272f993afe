import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { mailerContract } from "../../../test/contract/mailer.contract.js";
import { EmlMailer } from "./eml-mailer.js";

const clock = { now: () => new Date("2026-03-01T10:00:00Z") };
const newDir = () => mkdtempSync(join(tmpdir(), "orderflow-mail-"));
const emlFiles = (dir: string) => readdirSync(dir).filter((file) => file.endsWith(".eml"));

mailerContract("eml files", async () => {
  const mailDir = newDir();
  return {
    mailer: new EmlMailer({ mailDir, from: "shop@example.com", clock }),
    sentCount: async () => emlFiles(mailDir).length,
  };
});

describe("EmlMailer", () => {
  it("writes a real RFC 5322 message with headers, text and html parts and a PDF attachment", async () => {
    const mailDir = newDir();
    const mailer = new EmlMailer({ mailDir, from: '"Test Bakery" <shop@example.com>', clock });
    const pdf = new Uint8Array(Buffer.from("%PDF-1.3 fake receipt \u0000\u00ff bytes"));
    const sent = await mailer.send({
      id: "order-confirmed-ord_1",
      to: "ada@example.com",
      subject: "Your order ord_1 — confirmed",
      text: "Thank you, Ada. 2 × Lemon Drizzle Cake",
      html: "<p>Thank you, <b>Ada</b>.</p>",
      attachments: [{ filename: "receipt-ord_1.pdf", contentType: "application/pdf", content: pdf }],
    });
    expect(sent).toEqual({ messageId: "<order-confirmed-ord_1@orderflow.local>", sentNow: true });
    expect(emlFiles(mailDir)).toEqual(["order-confirmed-ord_1.eml"]);
    const parsed = await simpleParser(readFileSync(join(mailDir, "order-confirmed-ord_1.eml")));
    expect(parsed.from?.text).toBe('"Test Bakery" <shop@example.com>');
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

  it("leaves exactly one file and no temp files when one id is sent 20 times at once", async () => {
    const mailDir = newDir();
    const mailer = new EmlMailer({ mailDir, from: "shop@example.com", clock });
    const message = { id: "maker-bake-ord_7", to: "maker@example.com", subject: "Bake", text: "2 cakes" };
    await Promise.all(Array.from({ length: 20 }, () => mailer.send(message)));
    await mailer.send({ ...message, subject: "Changed on retry" });
    expect(readdirSync(mailDir)).toEqual(["maker-bake-ord_7.eml"]);
    expect((await simpleParser(readFileSync(join(mailDir, "maker-bake-ord_7.eml")))).subject).toBe("Bake");
  });

  it("lists captured messages newest first with decoded headers, and reads one back", async () => {
    const mailDir = newDir();
    let now = Date.parse("2026-03-01T10:00:00Z");
    const mailer = new EmlMailer({ mailDir, from: "shop@example.com", clock: { now: () => new Date(now) } });
    const longSubject = "Your order ord_01JTEST — confirmed; Zoë's Crème brûlée and 蛋糕 are on their way very soon";
    await mailer.send({ id: "m-1", to: "a@example.com", subject: "First", text: "1" });
    now += 60_000;
    await mailer.send({ id: "m-2", to: '"Zoë Łódź" <zoe@example.com>', subject: longSubject, text: "2" });
    const list = await mailer.listMessages();
    expect(list).toEqual([
      {
        fileName: "m-2.eml",
        to: "Zoë Łódź <zoe@example.com>",
        subject: longSubject,
        date: "2026-03-01T10:01:00.000Z",
        size: statSync(join(mailDir, "m-2.eml")).size,
      },
      expect.objectContaining({ fileName: "m-1.eml", to: "a@example.com", subject: "First" }),
    ]);
    expect(Buffer.from((await mailer.readMessage("m-1.eml"))!).toString()).toContain("Subject: First");
    expect(await mailer.readMessage("../secret.eml")).toBeUndefined();
    expect(await mailer.readMessage("missing.eml")).toBeUndefined();
  });

  it("lists nothing before the first message", async () => {
    const mailer = new EmlMailer({ mailDir: join(newDir(), "not-yet"), from: "shop@example.com", clock });
    expect(await mailer.listMessages()).toEqual([]);
  });
});

describe("EmlMailer over SMTP", () => {
  const servers: SMTPServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  /** A local SMTP server collecting what it receives; `refuse` rejects the next deliveries. */
  async function startSmtp() {
    const state = { received: [] as string[], refuse: 0 };
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          if (state.refuse > 0) {
            state.refuse--;
            return callback(Object.assign(new Error("try later"), { responseCode: 451 }));
          }
          state.received.push(Buffer.concat(chunks).toString());
          callback();
        });
      },
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const smtpUrl = `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    return { state, smtpUrl };
  }

  const message = { id: "smtp-1", to: "ada@example.com", subject: "Via SMTP", text: "relayed" };

  it("relays a message once, however often and however concurrently it is sent", async () => {
    const { state, smtpUrl } = await startSmtp();
    const mailDir = newDir();
    const mailer = new EmlMailer({ mailDir, from: '"Shop" <shop@example.com>', clock, smtpUrl });
    await mailer.send(message);
    await mailer.send(message);
    await Promise.all(Array.from({ length: 20 }, () => mailer.send({ ...message, id: "smtp-2" })));
    // A restarted process (a new mailer over the same folder) does not relay again either.
    await new EmlMailer({ mailDir, from: "shop@example.com", clock, smtpUrl }).send(message);
    expect(state.received).toHaveLength(2);
    expect(state.received[0]).toContain("Subject: Via SMTP");
    expect(state.received[0]).toContain("Message-ID: <smtp-1@orderflow.local>");
  });

  it("relays on the retry when the server refused the first attempt, keeping the written .eml", async () => {
    const { state, smtpUrl } = await startSmtp();
    state.refuse = 1;
    const mailDir = newDir();
    const mailer = new EmlMailer({ mailDir, from: "shop@example.com", clock, smtpUrl });
    await expect(mailer.send(message)).rejects.toThrow();
    expect(emlFiles(mailDir)).toEqual(["smtp-1.eml"]);
    expect(state.received).toHaveLength(0);
    await mailer.send(message);
    await mailer.send(message);
    expect(state.received).toHaveLength(1);
  });
});
