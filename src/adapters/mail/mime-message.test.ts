import fc from "fast-check";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { composeMimeMessage } from "./mime-message.js";

const envelope = {
  from: '"Orderflow Bakery" <shop@example.com>',
  messageId: "<m-1@orderflow.local>",
  date: new Date(0),
};
/** Text with the characters that need encoding: accents, symbols, CJK, emoji, "=", long words and lines. */
const text = (minLength = 0) =>
  fc.string({
    minLength,
    maxLength: 300,
    unit: fc.constantFrom("a", "Z", " ", "=", "é", "×", "€", "蛋", "🎂", "\n", "-", ".", "x".repeat(90)),
  });

describe("composeMimeMessage", () => {
  it("round-trips subject, sender name, text, html and attachments through a mail parser", async () => {
    await fc.assert(
      fc.asyncProperty(
        text(),
        text(1), // (a parser reads an empty text part as one line break)
        text(),
        fc.string({ minLength: 1, maxLength: 40, unit: fc.constantFrom("a", " ", "é", "蛋", '"', ",") }),
        fc.uint8Array({ maxLength: 500 }),
        async (subject, body, html, name, bytes) => {
          const raw = await composeMimeMessage(
            {
              id: "x",
              to: "ada@example.com",
              subject,
              text: body,
              html: `<p>${html}</p>`,
              attachments: [{ filename: `receipt ${name}.pdf`, contentType: "application/pdf", content: bytes }],
            },
            { ...envelope, from: `${name.trim() ? `"${name.replace(/"/g, "")}" ` : ""}<shop@example.com>` },
          );
          for (const line of raw.toString("latin1").split("\r\n")) expect(line.length).toBeLessThanOrEqual(998);
          const parsed = await simpleParser(raw);
          expect((parsed.subject ?? "").replace(/\s+/g, " ").trim()).toBe(subject.replace(/\s+/g, " ").trim());
          expect(parsed.from?.value[0]?.address).toBe("shop@example.com");
          expect((parsed.from?.value[0]?.name ?? "").trim()).toBe(name.replace(/"/g, "").trim());
          expect(parsed.text ?? "").toBe(body);
          expect(parsed.html).toBe(`<p>${html}</p>`);
          expect(parsed.attachments[0]?.filename).toBe(`receipt ${name}.pdf`);
          expect(Buffer.compare(parsed.attachments[0]!.content, Buffer.from(bytes))).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("writes a plain message as one quoted-printable text part with the envelope's headers", async () => {
    const raw = (
      await composeMimeMessage({ id: "x", to: "b@example.com", subject: "Bake", text: "2 × cake" }, envelope)
    )
      .toString("latin1")
      .split("\r\n");
    expect(raw).toEqual([
      'From: "Orderflow Bakery" <shop@example.com>',
      "To: b@example.com",
      "Subject: Bake",
      "Message-ID: <m-1@orderflow.local>",
      "Date: Thu, 01 Jan 1970 00:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "2 =C3=97 cake",
    ]);
  });
});
