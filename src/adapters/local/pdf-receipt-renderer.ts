import { Readable } from "node:stream";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { formatMoney } from "../../domain/shared/money.js";
import type { ReceiptData, ReceiptRenderer } from "../../ports/receipt-renderer.js";

/** The dark modules of the QR code for `text` (the renderer draws one square per module), as [row, column]. */
export function qrModules(text: string): { size: number; dark: Array<[number, number]> } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const dark: Array<[number, number]> = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) dark.push([row, col]);
  }
  return { size: modules.size, dark };
}

const MARGIN = 50;
const RIGHT = 545;
/** Table columns: x and width; amounts are right-aligned so their decimals line up. */
const COL = {
  name: { x: MARGIN, width: 250 },
  quantity: { x: 305, width: 40 },
  unit: { x: 355, width: 85 },
  total: { x: 445, width: RIGHT - 445 },
};
const QR_CELL = 3;

// The standard fonts only encode WinAnsi (Latin-1 plus a few signs); anything else would print as junk.
const WIN_ANSI_EXTRAS = new Set([
  0x20ac, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x17d, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x17e, 0x178,
]);
const NO_DECOMPOSITION: Record<string, string> = { Ł: "L", ł: "l", Đ: "D", đ: "d", ı: "i", Ø: "O" };
const printable = (c: string) => {
  const code = c.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(code);
};

/** Text the Helvetica standard font can show: accents dropped where needed (ź → z), the rest as "?". */
function pdfText(text: string): string {
  let out = "";
  for (const c of text) {
    if (printable(c)) {
      out += c;
      continue;
    }
    const base = c.normalize("NFKD").replace(/\p{M}/gu, "");
    out += base && [...base].every(printable) ? base : (NO_DECOMPOSITION[c] ?? "?");
  }
  return out;
}

/**
 * A4 PDF receipts with pdfkit's built-in Helvetica (no font files to load); one page for a usual order,
 * continued on further pages for a long one. The QR code is drawn as vector squares, which renders
 * several times faster than embedding a PNG. The same receipt always gives the same bytes.
 */
export class PdfReceiptRenderer implements ReceiptRenderer {
  /** `compress: false` leaves content streams readable (tests count the QR's squares). */
  constructor(private readonly options: { compress?: boolean } = {}) {}

  async render(receipt: ReceiptData): Promise<Uint8Array> {
    const doc = this.open(receipt);
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<Uint8Array>((resolve, reject) => {
      doc.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
      doc.on("error", reject);
    });
    this.draw(doc, receipt);
    return done;
  }

  stream(receipt: ReceiptData): ReadableStream<Uint8Array> {
    const doc = this.open(receipt);
    const stream = Readable.toWeb(doc as unknown as Readable) as ReadableStream<Uint8Array>;
    // Drawing happens after the consumer is attached: pdfkit emits each part as soon as it is written.
    // A failure must error the stream, not escape as an uncaught exception that ends the process.
    setImmediate(() => {
      try {
        this.draw(doc, receipt);
      } catch (error) {
        doc.destroy(error as Error);
      }
    });
    return stream;
  }

  private open(receipt: ReceiptData): PDFKit.PDFDocument {
    return new PDFDocument({
      size: "A4",
      margin: MARGIN,
      compress: this.options.compress ?? true,
      info: {
        Title: pdfText(`Receipt ${receipt.orderId}`),
        Author: pdfText(receipt.shopName),
        CreationDate: new Date(receipt.placedAt),
      },
    });
  }

  private draw(doc: PDFKit.PDFDocument, receipt: ReceiptData): void {
    const qr = qrModules(receipt.trackingUrl); // first: a URL no QR code can hold fails before any output
    const placed = new Date(receipt.placedAt).toISOString();
    doc.font("Helvetica-Bold").fontSize(22).text(pdfText(receipt.shopName), MARGIN, MARGIN);
    doc
      .font("Helvetica")
      .fontSize(10)
      .fillColor("#555555")
      .text("Receipt", MARGIN, MARGIN + 28);
    doc.fillColor("#000000").text(pdfText(`Order: ${receipt.orderId}`), MARGIN, 110);
    doc.text(`Date: ${placed.slice(0, 10)} ${placed.slice(11, 16)} UTC`);
    doc.text(pdfText(`Customer: ${receipt.customerName} <${receipt.customerEmail}>`));

    const a = receipt.deliveryAddress;
    doc.moveDown().font("Helvetica-Bold").text("Deliver to");
    doc.font("Helvetica");
    for (const line of [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.country]) if (line) doc.text(pdfText(line));

    let y = this.tableHeader(doc, doc.y + 20);
    for (const line of receipt.lines) {
      const name = pdfText(line.name);
      const height = doc.heightOfString(name, { width: COL.name.width });
      if (y + 8 + height > this.bottom(doc)) y = this.tableHeader(doc, this.newPage(doc, receipt));
      y += 8;
      doc.text(name, COL.name.x, y, { width: COL.name.width });
      const cells = {
        quantity: String(line.quantity),
        unit: formatMoney(line.unitPrice),
        total: formatMoney(line.lineTotal),
      };
      for (const [col, value] of Object.entries(cells) as Array<[keyof typeof cells, string]>) {
        doc.text(pdfText(value), COL[col].x, y, { width: COL[col].width, align: "right", lineBreak: false });
      }
      y += height;
    }

    // Total, payment and the QR block stay together: rule, two text lines, label, squares, URL below.
    if (y + 125 + qr.size * QR_CELL > this.bottom(doc)) y = this.newPage(doc, receipt);
    y += 8;
    doc.moveTo(MARGIN, y).lineTo(RIGHT, y).stroke();
    doc.font("Helvetica-Bold").text("Total", COL.unit.x, y + 8, { width: COL.unit.width, align: "right" });
    doc.text(pdfText(formatMoney(receipt.total)), COL.total.x, y + 8, { width: COL.total.width, align: "right" });
    doc.font("Helvetica").text(pdfText(`Paid by card ending ${receipt.paymentLast4}`), MARGIN, y + 30);

    this.drawQr(doc, qr, receipt.trackingUrl, y + 60);
    doc.end();
  }

  /** Column titles and a rule; returns the y below them. */
  private tableHeader(doc: PDFKit.PDFDocument, y: number): number {
    doc.font("Helvetica-Bold").text("Item", COL.name.x, y, { width: COL.name.width });
    for (const [col, title] of [
      ["quantity", "Qty"],
      ["unit", "Unit price"],
      ["total", "Amount"],
    ] as const) {
      doc.text(title, COL[col].x, y, { width: COL[col].width, align: "right" });
    }
    doc
      .moveTo(MARGIN, y + 16)
      .lineTo(RIGHT, y + 16)
      .stroke();
    doc.font("Helvetica");
    return y + 16;
  }

  /** A continuation page, headed so a loose sheet still says whose receipt it is; returns the top y. */
  private newPage(doc: PDFKit.PDFDocument, receipt: ReceiptData): number {
    doc.addPage().fontSize(9).fillColor("#555555");
    doc.text(pdfText(`${receipt.shopName}: receipt for order ${receipt.orderId} (continued)`), MARGIN, MARGIN);
    doc.fillColor("#000000").fontSize(10);
    return MARGIN + 24;
  }

  private bottom(doc: PDFKit.PDFDocument): number {
    return doc.page.height - MARGIN;
  }

  private drawQr(doc: PDFKit.PDFDocument, qr: ReturnType<typeof qrModules>, url: string, y: number): void {
    doc.fontSize(9).text("Follow your order:", MARGIN, y);
    const top = y + 16;
    for (const [row, col] of qr.dark) doc.rect(MARGIN + col * QR_CELL, top + row * QR_CELL, QR_CELL, QR_CELL);
    doc.fill("#000000");
    doc.fontSize(8).text(pdfText(url), MARGIN, top + qr.size * QR_CELL + 8, { width: RIGHT - MARGIN, link: url });
  }
}
