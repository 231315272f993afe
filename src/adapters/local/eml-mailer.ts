import { randomBytes } from "node:crypto";
import { link, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { Clock } from "../../ports/clock.js";
import type { Mailer, MailMessage, SentMail } from "../../ports/mailer.js";

export interface EmlMailerOptions {
  /** Folder the `.eml` files are written to (the captured outbox). */
  mailDir: string;
  /** The sender, e.g. `"Orderflow Bakery" <shop@orderflow.local>`. */
  from: string;
  /** Also send every message through this SMTP server. */
  smtpUrl?: string;
  clock?: Clock;
}

export interface MailboxEntry {
  fileName: string;
  to: string;
  subject: string;
  date: string;
  size: number;
}

const MESSAGE_DOMAIN = "orderflow.local";

function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 200);
}

/**
 * Writes each message as a real RFC 5322 `.eml` file named after its id. The file is created with an
 * exclusive hard link, so a message id is written once however many times (or concurrently) it is sent.
 */
export class EmlMailer implements Mailer {
  private readonly transport;

  constructor(private readonly options: EmlMailerOptions) {
    this.transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  }

  async send(message: MailMessage): Promise<SentMail> {
    const name = safeName(message.id);
    const messageId = `<${name}@${MESSAGE_DOMAIN}>`;
    const path = join(this.options.mailDir, `${name}.eml`);
    await mkdir(this.options.mailDir, { recursive: true });
    const raw = await new MailComposer({
      from: this.options.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      messageId,
      date: this.options.clock?.now() ?? new Date(),
      attachments: (message.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content),
      })),
    })
      .compile()
      .build();
    const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temp, raw);
    let sentNow = true;
    try {
      await link(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      sentNow = false;
    } finally {
      await rm(temp, { force: true });
    }
    await this.relay(name, message.to, sentNow ? raw : await readFile(path));
    return { messageId, sentNow };
  }

  /** Newest first: the captured outbox, like a developer mailbox. */
  async listMessages(): Promise<MailboxEntry[]> {
    let files: string[];
    try {
      files = (await readdir(this.options.mailDir)).filter((file) => file.endsWith(".eml"));
    } catch {
      return [];
    }
    const entries = await Promise.all(
      files.map(async (fileName) => {
        const path = join(this.options.mailDir, fileName);
        const [info, head] = await Promise.all([stat(path), readFile(path, "utf8")]);
        const header = (name: string) =>
          new RegExp(`^${name}: (.*)$`, "mi").exec(head.slice(0, head.indexOf("\r\n\r\n")))?.[1] ?? "";
        return {
          fileName,
          to: header("To"),
          subject: header("Subject"),
          date: header("Date"),
          size: info.size,
          mtime: info.mtimeMs,
        };
      }),
    );
    return entries.sort((a, b) => b.mtime - a.mtime).map(({ mtime: _m, ...entry }) => entry);
  }

  async readMessage(fileName: string): Promise<Uint8Array | undefined> {
    if (!/^[A-Za-z0-9._-]+\.eml$/.test(fileName)) return undefined;
    try {
      return new Uint8Array(await readFile(join(this.options.mailDir, fileName)));
    } catch {
      return undefined;
    }
  }

  /**
   * Sends through SMTP once per message, recorded by a `.sent` marker. A crash between the SMTP
   * answer and the marker re-sends once after restart: SMTP itself is at-least-once.
   */
  private async relay(name: string, to: string, raw: Buffer | Uint8Array): Promise<void> {
    if (!this.transport) return;
    const marker = join(this.options.mailDir, ".sent", name);
    try {
      await stat(marker);
      return;
    } catch {
      // not sent yet
    }
    await this.transport.sendMail({ envelope: { from: this.envelopeFrom(), to }, raw: Buffer.from(raw) });
    await mkdir(join(this.options.mailDir, ".sent"), { recursive: true });
    await writeFile(marker, "");
  }

  private envelopeFrom(): string {
    return /<([^>]+)>/.exec(this.options.from)?.[1] ?? this.options.from;
  }
}
