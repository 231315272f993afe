import { Readable } from "node:stream";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import { formatMoney } from "../../domain/shared/money.js";
import type { ReceiptData, ReceiptRenderer } from "../../ports/receipt-renderer.js";

/** The dark modules of the QR code for `text`, as [row, column] pairs. */
export function qrModules(text: string): { size: number; dark: Array<[number, number]> } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const dark: Array<[number, number]> = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) dark.push([row, col]);
  }
  return { size: modules.size, dark };
}

const MARGIN = 50;
const COLUMNS = { name: MARGIN, quantity: 330, unit: 380, total: 470 };

/**
 * One-page A4 PDF receipts with pdfkit's built-in Helvetica (no font files to load). The QR code is
 * drawn as vector squares, which keeps rendering several times faster than embedding a PNG.
 */
export class PdfReceiptRenderer implements ReceiptRenderer {
  constructor(private readonly options: { compress?: boolean } = {}) {}

  render(receipt: ReceiptData): Promise<Uint8Array> {
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
    setImmediate(() => this.draw(doc, receipt));
    return stream;
  }

  private open(receipt: ReceiptData): PDFKit.PDFDocument {
    return new PDFDocument({
      size: "A4",
      margin: MARGIN,
      compress: this.options.compress ?? true,
      info: { Title: `Receipt ${receipt.orderId}`, Author: receipt.shopName, CreationDate: new Date(receipt.placedAt) },
    });
  }

  private draw(doc: PDFKit.PDFDocument, receipt: ReceiptData): void {
    doc.font("Helvetica-Bold").fontSize(22).text(receipt.shopName, MARGIN, MARGIN);
    doc
      .font("Helvetica")
      .fontSize(10)
      .fillColor("#555555")
      .text("Receipt", MARGIN, MARGIN + 28);
    doc.fillColor("#000000").fontSize(10);
    doc.text(`Order: ${receipt.orderId}`, MARGIN, 110);
    doc.text(`Date: ${receipt.placedAt.slice(0, 10)} ${receipt.placedAt.slice(11, 16)} UTC`);
    doc.text(`Customer: ${receipt.customerName} <${receipt.customerEmail}>`);

    const a = receipt.deliveryAddress;
    doc.moveDown().font("Helvetica-Bold").text("Deliver to");
    doc.font("Helvetica").text([a.line1, a.line2, `${a.postalCode} ${a.city}`, a.country].filter(Boolean).join("\n"));

    let y = doc.y + 20;
    doc.font("Helvetica-Bold");
    doc.text("Item", COLUMNS.name, y).text("Qty", COLUMNS.quantity, y).text("Unit", COLUMNS.unit, y);
    doc.text("Amount", COLUMNS.total, y);
    y += 16;
    doc.moveTo(MARGIN, y).lineTo(545, y).stroke();
    doc.font("Helvetica");
    for (const line of receipt.lines) {
      y += 8;
      doc.text(line.name, COLUMNS.name, y, { width: 270 });
      doc.text(String(line.quantity), COLUMNS.quantity, y);
      doc.text(formatMoney(line.unitPrice), COLUMNS.unit, y);
      doc.text(formatMoney(line.lineTotal), COLUMNS.total, y);
      y = doc.y;
    }
    y += 8;
    doc.moveTo(MARGIN, y).lineTo(545, y).stroke();
    doc
      .font("Helvetica-Bold")
      .text("Total", COLUMNS.unit, y + 8)
      .text(formatMoney(receipt.total), COLUMNS.total, y + 8);
    doc.font("Helvetica").text(`Paid by card ending ${receipt.paymentLast4}`, MARGIN, y + 30);

    this.drawQr(doc, receipt.trackingUrl, MARGIN, y + 60);
    doc.end();
  }

  private drawQr(doc: PDFKit.PDFDocument, url: string, x: number, y: number): void {
    const { size, dark } = qrModules(url);
    const cell = 3;
    for (const [row, col] of dark) doc.rect(x + col * cell, y + row * cell, cell, cell);
    doc.fill("#000000");
    doc.fontSize(8).text("Follow your order:", x + size * cell + 15, y + 10);
    doc.text(url, x + size * cell + 15, y + 22, { width: 300, link: url });
  }
}
