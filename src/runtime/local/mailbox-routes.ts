import type { Hono } from "hono";
import { simpleParser } from "mailparser";
import type { EmlMailer } from "../../adapters/local/eml-mailer.js";
import { NotFoundError } from "../../domain/shared/errors.js";
import type { HttpEnv } from "../../handlers/http/http-env.js";
import { requireRole } from "../../handlers/http/require-role.js";

/**
 * The captured outbox of the embedded runtime, like a developer mailbox (admin only): the list, one
 * message parsed, its attachments and its raw `.eml`. On AWS, SES sends the mail instead.
 */
export function registerMailboxRoutes(app: Hono<HttpEnv>, mailer: EmlMailer) {
  app.use("/admin/mail", requireRole("admin"));
  app.use("/admin/mail/*", requireRole("admin"));

  const load = async (fileName: string) => {
    const raw = await mailer.readMessage(fileName);
    if (!raw) throw new NotFoundError("MESSAGE_NOT_FOUND", `There is no message ${fileName}`);
    return { raw, parsed: await simpleParser(Buffer.from(raw)) };
  };

  app.get("/admin/mail", async (c) => c.json({ items: await mailer.listMessages() }));

  app.get("/admin/mail/:file", async (c) => {
    const { parsed } = await load(c.req.param("file"));
    return c.json({
      fileName: c.req.param("file"),
      messageId: parsed.messageId,
      from: parsed.from?.text ?? "",
      to: Array.isArray(parsed.to) ? parsed.to.map((a) => a.text).join(", ") : (parsed.to?.text ?? ""),
      subject: parsed.subject ?? "",
      date: parsed.date?.toISOString() ?? "",
      text: parsed.text ?? "",
      attachments: parsed.attachments.map((a, index) => ({
        index,
        filename: a.filename ?? `attachment-${index}`,
        contentType: a.contentType,
        size: a.size,
      })),
    });
  });

  app.get("/admin/mail/:file/raw", async (c) => {
    const { raw } = await load(c.req.param("file"));
    return c.body(raw as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": "message/rfc822",
      "Content-Disposition": `attachment; filename="${c.req.param("file")}"`,
    });
  });

  app.get("/admin/mail/:file/attachments/:index", async (c) => {
    const { parsed } = await load(c.req.param("file"));
    const attachment = parsed.attachments[Number(c.req.param("index"))];
    if (!attachment) throw new NotFoundError("ATTACHMENT_NOT_FOUND", "There is no such attachment");
    return c.body(new Uint8Array(attachment.content), 200, {
      "Content-Type": attachment.contentType,
      "Content-Disposition": `inline; filename="${attachment.filename ?? "attachment"}"`,
    });
  });
}
