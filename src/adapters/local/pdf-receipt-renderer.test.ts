import pdfParse from "pdf-parse/lib/pdf-parse.js";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import type { ReceiptData } from "../../ports/receipt-renderer.js";
import { darkModules as darkModulesOf, PdfReceiptRenderer, qrModules } from "./pdf-receipt-renderer.js";
import { byteSegment } from "./qr/qr-modules.js";

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

/** A copy as a plain Uint8Array: pdf-parse misreads small Node Buffers (pooled memory). */
const textOf = async (pdf: Uint8Array) => pdfParse(new Uint8Array(pdf));
/** Grid cells ("row,col") the rectangles (`col row width height re`) of an uncompressed PDF cover: only the QR code's. */
const coveredCells = (pdf: Uint8Array) => {
  const cells: string[] = [];
  for (const [, col, row, width, height] of Buffer.from(pdf)
    .toString("latin1")
    .matchAll(/(\d+) (\d+) (\d+) (\d+) re\n/g)) {
    for (let r = 0; r < Number(height); r++) {
      for (let c = 0; c < Number(width); c++) cells.push(`${Number(row) + r},${Number(col) + c}`);
    }
  }
  return cells.sort();
};
const darkModules = (url: string) => {
  const { modules } = QRCode.create(byteSegment(url), { errorCorrectionLevel: "M" });
  const cells: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) cells.push(`${row},${col}`);
  }
  return cells.sort();
};

describe("PdfReceiptRenderer", () => {
  it("prints shop, order, date, address, every line, the total, the payment and the tracking link", async () => {
    const pdf = await new PdfReceiptRenderer().render(receipt);
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe("%PDF-");
    const { text, numpages } = await textOf(pdf);
    expect(numpages).toBe(1);
    for (const expected of [
      "Test Bakery",
      "ord_01JTEST",
      "2026-03-01 10:15 UTC",
      "Ada Lovelace",
      "12 Analytical Row",
      "N1 7AA London",
      "Lemon Drizzle Cake",
      "Carrot Cake",
      "EUR 22.00",
      "EUR 44.00",
      "EUR 73.00",
      "Paid by card ending 4242",
      receipt.trackingUrl,
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("draws the QR code as vector rectangles covering exactly its dark modules, with no embedded image", async () => {
    const pdf = await new PdfReceiptRenderer({ compress: false }).render(receipt);
    expect(Buffer.from(pdf).toString("latin1")).not.toContain("/Subtype /Image");
    // Every dark module filled once (runs of neighbours in a row share a rectangle), nothing else.
    expect(coveredCells(pdf)).toEqual(darkModules(receipt.trackingUrl));
    expect(darkModulesOf(qrModules(receipt.trackingUrl))).toHaveLength(darkModules(receipt.trackingUrl).length);
  });

  it("gives the same bytes for the same receipt", async () => {
    const renderer = new PdfReceiptRenderer();
    const [first, second] = await Promise.all([renderer.render(receipt), renderer.render(receipt)]);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });

  it("prints the time in UTC whatever offset the order time was written with", async () => {
    const { text } = await textOf(
      await new PdfReceiptRenderer().render({ ...receipt, placedAt: "2026-03-01T23:30:00+02:00" }),
    );
    expect(text).toContain("2026-03-01 21:30 UTC");
  });

  it("prints letters outside Latin-1 readably instead of as junk", async () => {
    const { text } = await textOf(
      await new PdfReceiptRenderer().render({ ...receipt, customerName: "Zoë Łódź", shopName: "Café — Crème € 蛋糕" }),
    );
    expect(text).toContain("Zoë Lódz");
    expect(text).toContain("Café — Crème € ??");
  });

  it("continues a long order on further pages with every line, the total and the whole QR code", async () => {
    const lines = Array.from({ length: 45 }, (_, i) => ({
      ...receipt.lines[0]!,
      productId: `p${i}`,
      name: `Celebration cake number ${i} with a long name that has to wrap onto a second line`,
    }));
    const long = { ...receipt, lines, total: { amount: 45 * 4400, currency: "EUR" } };
    const pdf = await new PdfReceiptRenderer({ compress: false }).render(long);
    const { text, numpages } = await textOf(pdf);
    expect(numpages).toBeGreaterThan(1);
    expect(numpages).toBeLessThanOrEqual(3);
    for (let i = 0; i < 45; i++) expect(text).toContain(`Celebration cake number ${i} `);
    expect(text).toContain("EUR 1980.00");
    expect(text).toContain("Test Bakery: receipt for order ord_01JTEST (continued)");
    expect(coveredCells(pdf)).toEqual(darkModules(receipt.trackingUrl));
  });

  it("rejects a tracking URL no QR code can carry, without output", async () => {
    await expect(new PdfReceiptRenderer().render({ ...receipt, trackingUrl: "" })).rejects.toThrow();
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
    expect((await textOf(rendered)).text).toContain("ord_01JTEST");
  });

  it("errors the stream (and does not crash the process) when the receipt cannot be drawn", async () => {
    const stream = new PdfReceiptRenderer().stream({ ...receipt, trackingUrl: "" });
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow();
  });
});
