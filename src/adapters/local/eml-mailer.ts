import { createHash, randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir, open, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { Clock } from "../../ports/clock.js";
import type { Mailer, MailMessage, SentMail } from "../../ports/mailer.js";
import { composeMimeMessage } from "../mail/mime-message.js";

export interface EmlMailerOptions {
  /** Folder the `.eml` files are written to (the captured outbox). */
  mailDir: string;
  /** The sender, e.g. `"Orderflow Bakery" <shop@orderflow.local>`. */
  from: string;
  /** Also send every message through this SMTP server, e.g. `smtp://127.0.0.1:1025`. */
  smtpUrl?: string;
  clock?: Clock;
}

/** One captured message, as a dev-mailbox list shows it (headers decoded, `date` as ISO-8601). */
export interface MailboxEntry {
  fileName: string;
  to: string;
  subject: string;
  date: string;
  size: number;
}

const MESSAGE_DOMAIN = "orderflow.local";
const HEAD_BYTES = 64 * 1024;

/**
 * The file and Message-ID name of a message id. Ids that are already safe are used as they are; others
 * are sanitised and suffixed with a hash, so two different ids can never share a file (and a dedupe).
 */
function emlNameOf(id: string): string {
  if (id.length === 0) throw new Error("A mail message needs a non-empty id");
  if (/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(id) && id.length <= 150) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 16);
  return `${id.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 100)}-${hash}`;
}

/**
 * Writes each message as a real RFC 5322 `.eml` file named after its id. The file is published with an
 * exclusive hard link of a complete temp file, so an id is written once however often (or concurrently)
 * it is sent, and a crash never leaves half a message.
 */
export class EmlMailer implements Mailer {
  private readonly transport;
  /** SMTP relays in flight by name: concurrent sends of one id must not each relay it. */
  private readonly relaying = new Map<string, Promise<void>>();

  constructor(private readonly options: EmlMailerOptions) {
    this.transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  }

  async send(message: MailMessage): Promise<SentMail> {
    const name = emlNameOf(message.id);
    const messageId = `<${name}@${MESSAGE_DOMAIN}>`;
    const path = join(this.options.mailDir, `${name}.eml`);
    // Already written (a redelivery, or one e-mail per burst of notices): nothing to compose. The
    // exclusive link below still decides when two first sends race.
    if (existsSync(path)) {
      if (this.transport) await this.relayOnce(name, message.to, path);
      return { messageId, sentNow: false };
    }
    const raw = await composeMimeMessage(message, {
      from: this.options.from,
      messageId,
      date: this.options.clock?.now() ?? new Date(),
    });
    // Written synchronously: a message is a few kilobytes, quicker to write than a thread-pool round trip.
    const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      writeFileSync(temp, raw);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      mkdirSync(this.options.mailDir, { recursive: true });
      writeFileSync(temp, raw);
    }
    let sentNow = true;
    try {
      linkSync(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      sentNow = false;
    } finally {
      unlinkSync(temp);
    }
    // A duplicate still relays: the first attempt may have crashed after writing the file.
    if (this.transport) await this.relayOnce(name, message.to, path);
    return { messageId, sentNow };
  }

  /** The captured outbox, newest first, like a developer mailbox. */
  async listMessages(): Promise<MailboxEntry[]> {
    let files: string[];
    try {
      files = (await readdir(this.options.mailDir)).filter((file) => file.endsWith(".eml"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const entries = await Promise.all(
      files.map(async (fileName) => {
        const { head, size, mtimeMs } = await readHead(join(this.options.mailDir, fileName));
        const headers = parseHeaders(head);
        const date = new Date(headers.get("date") ?? mtimeMs);
        const at = Number.isNaN(date.getTime()) ? mtimeMs : date.getTime();
        const entry = { fileName, to: headers.get("to") ?? "", subject: headers.get("subject") ?? "", size };
        return { ...entry, date: new Date(at).toISOString(), at, mtimeMs };
      }),
    );
    entries.sort((a, b) => b.at - a.at || b.mtimeMs - a.mtimeMs || b.fileName.localeCompare(a.fileName));
    return entries.map(({ at: _at, mtimeMs: _mtime, ...entry }) => entry);
  }

  /** The raw RFC 5322 bytes of a captured message, or undefined (also for names outside the mail folder). */
  async readMessage(fileName: string): Promise<Uint8Array | undefined> {
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*\.eml$/.test(fileName)) return undefined;
    try {
      return new Uint8Array(await readFile(join(this.options.mailDir, fileName)));
    } catch {
      return undefined;
    }
  }

  private relayOnce(name: string, to: string, path: string): Promise<void> {
    const running = this.relaying.get(name);
    if (running) return running;
    const relay = this.relay(name, to, path).finally(() => this.relaying.delete(name));
    this.relaying.set(name, relay);
    return relay;
  }

  /**
   * Sends the written file through SMTP unless its `.sent/<name>` marker exists. A crash between the
   * SMTP answer and the marker re-sends once after restart: SMTP itself is at-least-once.
   */
  private async relay(name: string, to: string, path: string): Promise<void> {
    const marker = join(this.options.mailDir, ".sent", name);
    try {
      await stat(marker);
      return;
    } catch {
      // Not relayed yet.
    }
    await this.transport!.sendMail({ envelope: { from: this.envelopeFrom(), to }, raw: await readFile(path) });
    await mkdir(join(this.options.mailDir, ".sent"), { recursive: true });
    await writeFile(marker, "");
  }

  private envelopeFrom(): string {
    return /<([^>]+)>/.exec(this.options.from)?.[1] ?? this.options.from;
  }
}

async function readHead(path: string): Promise<{ head: string; size: number; mtimeMs: number }> {
  const file = await open(path, "r");
  try {
    const { size, mtimeMs } = await file.stat();
    const buffer = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString("utf8");
    const end = text.indexOf("\r\n\r\n");
    return { head: end >= 0 ? text.slice(0, end) : text, size, mtimeMs };
  } finally {
    await file.close();
  }
}

/** Unfolded header values by lower-case name, RFC 2047 encoded-words decoded. */
function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !headers.has(name)) headers.set(name, decodeWords(line.slice(colon + 1).trim()));
  }
  return headers;
}

const WORD = /=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g;
const WORD_RUN = /=\?[^?]+\?[BbQq]\?[^?]*\?=(?:\s+=\?[^?]+\?[BbQq]\?[^?]*\?=)*/g;

/** Decodes `=?charset?B|Q?...?=` words; adjacent words are joined as bytes (a character may span two). */
function decodeWords(value: string): string {
  return value.replace(WORD_RUN, (run) => {
    let charset = "utf-8";
    const bytes: Buffer[] = [];
    for (const [, cs, encoding, text = ""] of run.matchAll(WORD)) {
      charset = cs ?? charset;
      bytes.push(encoding?.toUpperCase() === "B" ? Buffer.from(text, "base64") : qBytes(text));
    }
    try {
      return new TextDecoder(charset).decode(Buffer.concat(bytes));
    } catch {
      return run; // an unknown charset: show the word as it is rather than fail the whole list
    }
  });
}

/** Q encoding: `_` is a space, `=XX` a byte ("latin1" maps char codes 0-255 to those bytes). */
function qBytes(text: string): Buffer {
  const decoded = text
    .replace(/_/g, " ")
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(decoded, "latin1");
}
