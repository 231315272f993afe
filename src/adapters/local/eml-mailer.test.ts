import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { describe, expect, it } from "vitest";
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
  it("writes a real RFC 5322 message with headers, body and a PDF attachment", async () => {
    const mailDir = newDir();
    const mailer = new EmlMailer({ mailDir, from: '"Test Bakery" <shop@example.com>', clock });
    const pdf = new Uint8Array(Buffer.from("%PDF-1.3 fake receipt \u0000\u00ff bytes"));
    const sent = await mailer.send({
      id: "order-confirmed-ord_1",
      to: "ada@example.com",
      subject: "Your order ord_1 — confirmed",
      text: "Thank you, Ada. 2 × Lemon Drizzle Cake",
      attachments: [{ filename: "receipt-ord_1.pdf", contentType: "application/pdf", content: pdf }],
    });
    const [file] = emlFiles(mailDir);
    const parsed = await simpleParser(readFileSync(join(mailDir, file!)));
    expect(parsed.from?.text).toBe('"Test Bakery" <shop@example.com>');
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : "").toBe("ada@example.com");
    expect(parsed.subject).toBe("Your order ord_1 — confirmed");
    expect(parsed.messageId).toBe(sent.messageId);
    expect(parsed.date?.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    expect(parsed.text?.trim()).toBe("Thank you, Ada. 2 × Lemon Drizzle Cake");
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.filename).toBe("receipt-ord_1.pdf");
    expect(Buffer.compare(parsed.attachments[0]!.content, Buffer.from(pdf))).toBe(0);
  });

  it("lists captured messages and reads one back", async () => {
    const mailDir = newDir();
    const mailer = new EmlMailer({ mailDir, from: "shop@example.com", clock });
    await mailer.send({ id: "m-1", to: "a@example.com", subject: "First", text: "1" });
    const list = await mailer.listMessages();
    expect(list).toEqual([expect.objectContaining({ fileName: "m-1.eml", to: "a@example.com", subject: "First" })]);
    expect(Buffer.from((await mailer.readMessage("m-1.eml"))!).toString()).toContain("Subject: First");
    expect(await mailer.readMessage("../secret")).toBeUndefined();
  });

  it("relays through SMTP once per message when SMTP_URL is configured", async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          received.push(Buffer.concat(chunks).toString());
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const port = (smtp.server.address() as { port: number }).port;
    try {
      const mailer = new EmlMailer({
        mailDir: newDir(),
        from: "shop@example.com",
        clock,
        smtpUrl: `smtp://127.0.0.1:${port}`,
      });
      const message = { id: "smtp-1", to: "ada@example.com", subject: "Via SMTP", text: "relayed" };
      await mailer.send(message);
      await mailer.send(message);
      expect(received).toHaveLength(1);
      expect(received[0]).toContain("Subject: Via SMTP");
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
