import { createHash } from "node:crypto";
import type { MailAttachment, MailMessage } from "../../ports/mailer.js";

/** What the sender adds to a message: who sends it, its RFC 5322 Message-ID and its date. */
export interface MimeEnvelope {
  from: string;
  messageId: string;
  date: Date;
}

const CRLF = "\r\n";
const ASCII_TEXT = /^[\x20-\x7e]*$/;

/** RFC 2047 `B` encoded-words of at most 75 characters each, never splitting a character. */
function encodedWords(text: string): string[] {
  const words: string[] = [];
  let chunk = "";
  for (const c of text) {
    // 45 UTF-8 bytes encode to 60 base64 characters: with `=?UTF-8?B?` and `?=` a word stays under 75.
    if (Buffer.byteLength(chunk + c) > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += c;
  }
  if (chunk) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString("base64")}?=`);
}

/** An unstructured header (Subject): plain when ASCII, else encoded-words; folded at spaces near 78. */
function unstructured(name: string, value: string): string {
  const parts = ASCII_TEXT.test(value) ? value.split(" ") : encodedWords(value);
  let line = `${name}:`;
  const lines: string[] = [];
  for (const part of parts) {
    if (line.length + 1 + part.length > 78 && line.length > name.length + 1) {
      lines.push(line);
      line = "";
    }
    line += ` ${part}`;
  }
  lines.push(line);
  return lines.join(CRLF);
}

/** A header value cannot carry line breaks (they would start new headers). */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, " ");

/** One mailbox (`Name <a@b>`, `"Name" <a@b>` or `a@b`) as a header value, a non-ASCII name encoded. */
function mailbox(value: string): string {
  const match = /^\s*([^<>]*?)\s*<([^<>]+)>\s*$/.exec(value);
  if (!match) return value.trim();
  const name = match[1]!.replace(/^"(.*)"$/, "$1").replace(/\\(.)/g, "$1");
  const address = match[2]!.trim();
  if (!name) return address;
  const shown = ASCII_TEXT.test(name) ? `"${name.replace(/(["\\])/g, "\\$1")}"` : encodedWords(name).join(" ");
  return `${shown} <${address}>`;
}

/** RFC 5322 date: `Mon, 23 Nov 2026 01:05:45 +0000`. */
const mailDate = (date: Date) => date.toUTCString().replace(/GMT$/, "+0000");

/** Quoted-printable (RFC 2045) UTF-8 text with CRLF line breaks and lines of at most 76 characters. */
function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const bytes = Buffer.from(line);
    let encoded = "";
    let width = 0;
    bytes.forEach((byte, i) => {
      const last = i === bytes.length - 1;
      const plain = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
      const token = plain ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      if (width + token.length > 75) {
        encoded += `=${CRLF}`;
        width = 0;
      }
      encoded += token;
      width += token.length;
    });
    out.push(encoded);
  }
  return out.join(CRLF);
}

/** Base64 in lines of 76 characters. */
function base64Lines(content: Uint8Array): string {
  const encoded = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join(CRLF);
}

/** A parameter value (`name=...`): quoted when plain ASCII, RFC 2231 percent-encoded UTF-8 otherwise. */
function parameter(name: string, value: string): string {
  if (ASCII_TEXT.test(value)) return `${name}="${value.replace(/(["\\])/g, "\\$1")}"`;
  return `${name}*=UTF-8''${encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function textPart(type: "plain" | "html", body: string): string {
  return `Content-Type: text/${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}${quotedPrintable(body)}`;
}

function attachmentPart(attachment: MailAttachment): string {
  return [
    `Content-Type: ${attachment.contentType}; ${parameter("name", attachment.filename)}`,
    "Content-Transfer-Encoding: base64",
    `Content-Disposition: attachment; ${parameter("filename", attachment.filename)}`,
    "",
    base64Lines(attachment.content),
  ].join(CRLF);
}

/** Parts joined under a boundary; the part texts start with their own headers. */
function multipart(subtype: "mixed" | "alternative", boundary: string, parts: string[]): string {
  const body = parts.map((part) => `--${boundary}${CRLF}${part}${CRLF}`).join("");
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"${CRLF}${CRLF}${body}--${boundary}--${CRLF}`;
}

/**
 * The raw RFC 5322 bytes of a message: headers, a text and optional html part, attachments. Text goes
 * quoted-printable, attachments base64; boundaries start with `=_`, which neither encoding can produce.
 */
export async function composeMimeMessage(message: MailMessage, envelope: MimeEnvelope): Promise<Buffer> {
  const seed = createHash("sha256").update(envelope.messageId).digest("hex").slice(0, 24);
  const text = textPart("plain", message.text);
  const body = message.html ? multipart("alternative", `=_alt_${seed}`, [text, textPart("html", message.html)]) : text;
  const attachments = message.attachments ?? [];
  const content =
    attachments.length > 0 ? multipart("mixed", `=_mixed_${seed}`, [body, ...attachments.map(attachmentPart)]) : body;
  const headers = [
    `From: ${mailbox(oneLine(envelope.from))}`,
    `To: ${mailbox(oneLine(message.to))}`,
    unstructured("Subject", oneLine(message.subject)),
    `Message-ID: ${envelope.messageId}`,
    `Date: ${mailDate(envelope.date)}`,
    "MIME-Version: 1.0",
  ];
  return Buffer.from(`${headers.join(CRLF)}${CRLF}${content}`);
}
