import pdfParse from "pdf-parse/lib/pdf-parse.js";
import { describe, expect, it } from "vitest";
import type { ReceiptData } from "../../ports/receipt-renderer.js";
import { PdfReceiptRenderer, qrModules } from "./pdf-receipt-renderer.js";

const receipt: ReceiptData = {
  shopName: "Test Bakery",
  orderId: "ord_01JTEST",
  placedAt: "2026-03-01T10:15:00.000Z",
  customerName: "Ada Lovelace",
  customerEmail: "ada@example.com",
  deliveryAddress: { line1: "12 Analytical Row", city: "London", postalCode: "N1 7AA", country: "GB" },
  lines: [
    {
      productId: "lemon",
      name: "Lemon Drizzle Cake",
      quantity: 2,
      unitPrice: { amount: 2200, currency: "EUR" },
      lineTotal: { amount: 4400, currency: "EUR" },
    },
    {
      productId: "carrot",
      name: "Carrot Cake",
      quantity: 1,
      unitPrice: { amount: 2900, currency: "EUR" },
      lineTotal: { amount: 2900, currency: "EUR" },
    },
  ],
  total: { amount: 7300, currency: "EUR" },
  paymentLast4: "4242",
  trackingUrl: "http://localhost:3000/orders/ord_01JTEST?token=abc",
};

describe("PdfReceiptRenderer", () => {
  it("prints shop, order, date, address, every line, the total and the tracking link", async () => {
    const pdf = Buffer.from(await new PdfReceiptRenderer().render(receipt));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const { text, numpages } = await pdfParse(pdf);
    expect(numpages).toBe(1);
    for (const expected of [
      "Test Bakery",
      "ord_01JTEST",
      "2026-03-01",
      "12 Analytical Row",
      "N1 7AA London",
      "Lemon Drizzle Cake",
      "Carrot Cake",
      "EUR 44.00",
      "EUR 73.00",
      "card ending 4242",
      receipt.trackingUrl,
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("draws the QR code as vector squares, one per dark module, with no embedded image", async () => {
    const pdf = Buffer.from(await new PdfReceiptRenderer({ compress: false }).render(receipt)).toString("latin1");
    expect(pdf).not.toContain("/Subtype /Image");
    const rectangles = pdf.match(/ re\n/g)?.length ?? 0;
    expect(rectangles).toBe(qrModules(receipt.trackingUrl).dark.length);
    expect(rectangles).toBeGreaterThan(100);
  });
});

describe("PdfReceiptRenderer.stream", () => {
  it("streams the same document in several chunks", async () => {
    const renderer = new PdfReceiptRenderer();
    const chunks: Uint8Array[] = [];
    for await (const chunk of renderer.stream(receipt) as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    const streamed = Buffer.concat(chunks);
    const rendered = Buffer.from(await renderer.render(receipt));
    expect(streamed.equals(rendered)).toBe(true);
    expect((await pdfParse(rendered)).text).toContain("ord_01JTEST");
  });
});
