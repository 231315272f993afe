import { formatMoney } from "../../domain/shared/money.js";
import type { ReceiptData, ReceiptRenderer } from "../../ports/receipt-renderer.js";
import { A4, lineHeight, PdfWriter, widthOf } from "./pdf/pdf-writer.js";
import { type StandardFont, winAnsiCode } from "./pdf/standard-fonts.js";
import { darkModules, qrModules } from "./qr/qr-modules.js";

/** The QR code (the receipt draws its dark modules); also used by tests. */
export { darkModules, qrModules } from "./qr/qr-modules.js";

const MARGIN = 50;
const RIGHT = 545;
const BOTTOM = A4.height - MARGIN;
/** Table columns: x and width; amounts are right-aligned so their decimals line up. */
const COL = {
  name: { x: MARGIN, width: 250 },
  quantity: { x: 305, width: 40 },
  unit: { x: 355, width: 85 },
  total: { x: 445, width: RIGHT - 445 },
};
const QR_CELL = 3;
const GRAY = 1 / 3;

const NO_DECOMPOSITION: Record<string, string> = { Ł: "L", ł: "l", Đ: "D", đ: "d", ı: "i", Ø: "O" };
const printable = (c: string) => winAnsiCode(c.codePointAt(0)!) !== undefined;

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

/** Greedy word wrap to `width` points; a word longer than a line is broken between characters. */
function wrap(text: string, font: StandardFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const candidate = line ? `${line} ${word}` : word;
    if (widthOf(candidate, font, size) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    for (const c of word) {
      if (line && widthOf(line + c, font, size) > width) {
        lines.push(line);
        line = "";
      }
      line += c;
    }
  }
  lines.push(line);
  return lines;
}

interface TextOptions {
  width?: number;
  align?: "left" | "right";
  /** Links the text's lines to this URL. */
  link?: string;
}

/** A text cursor over the writer, with pdfkit's habits: text without a position continues below the last. */
class Flow {
  font: StandardFont = "Helvetica";
  size = 10;
  gray = 0;
  x = MARGIN;
  y = MARGIN;

  constructor(readonly pdf: PdfWriter) {}

  use(font: StandardFont, size = this.size, gray = this.gray): this {
    this.font = font;
    this.size = size;
    this.gray = gray;
    return this;
  }

  text(text: string, x = this.x, y = this.y, options: TextOptions = {}): this {
    const width = options.width ?? A4.width - MARGIN - x;
    const height = lineHeight(this.font, this.size);
    const lines = wrap(text, this.font, this.size, width);
    lines.forEach((line, i) => {
      const left = options.align === "right" ? x + width - widthOf(line, this.font, this.size) : x;
      this.pdf.text(line, left, y + i * height, this.font, this.size, this.gray);
      if (options.link) this.pdf.link(left, y + i * height, widthOf(line, this.font, this.size), height, options.link);
    });
    this.x = x;
    this.y = y + lines.length * height;
    return this;
  }

  heightOf(text: string, width: number): number {
    return wrap(text, this.font, this.size, width).length * lineHeight(this.font, this.size);
  }

  moveDown(): this {
    this.y += lineHeight(this.font, this.size);
    return this;
  }
}

/**
 * A4 PDF receipts in the built-in Helvetica (no font files to load), written by a small PDF writer made
 * for them; one page for a usual order, continued on further pages for a long one. The QR code is drawn
 * as vector squares. The same receipt always gives the same bytes.
 */
export class PdfReceiptRenderer implements ReceiptRenderer {
  /** `compress: false` leaves content streams readable (tests count the QR's squares). */
  constructor(private readonly options: { compress?: boolean } = {}) {}

  async render(receipt: ReceiptData): Promise<Uint8Array> {
    const parts = this.draw(receipt);
    const pdf = Buffer.concat(parts);
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  }

  stream(receipt: ReceiptData): ReadableStream<Uint8Array> {
    let parts: Buffer[] | undefined;
    return new ReadableStream<Uint8Array>({
      // A receipt that cannot be drawn errors the stream; it never throws out of the caller's hands.
      pull: (controller) => {
        parts ??= this.draw(receipt);
        const part = parts.shift();
        if (part) controller.enqueue(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
        else controller.close();
      },
    });
  }

  private draw(receipt: ReceiptData): Buffer[] {
    const qr = qrModules(receipt.trackingUrl); // first: a URL no QR code can hold fails before any output
    const placed = new Date(receipt.placedAt).toISOString();
    const pdf = new PdfWriter({
      compress: this.options.compress ?? true,
      info: {
        title: pdfText(`Receipt ${receipt.orderId}`),
        author: pdfText(receipt.shopName),
        creationDate: new Date(receipt.placedAt),
      },
    });
    const doc = new Flow(pdf);
    doc.use("Helvetica-Bold", 22).text(pdfText(receipt.shopName), MARGIN, MARGIN);
    doc.use("Helvetica", 10, GRAY).text("Receipt", MARGIN, MARGIN + 28);
    doc.use("Helvetica", 10, 0).text(pdfText(`Order: ${receipt.orderId}`), MARGIN, 110);
    doc.text(`Date: ${placed.slice(0, 10)} ${placed.slice(11, 16)} UTC`);
    doc.text(pdfText(`Customer: ${receipt.customerName} <${receipt.customerEmail}>`));

    const a = receipt.deliveryAddress;
    doc.moveDown().use("Helvetica-Bold").text("Deliver to");
    doc.use("Helvetica");
    for (const line of [a.line1, a.line2, `${a.postalCode} ${a.city}`, a.country]) if (line) doc.text(pdfText(line));

    let y = this.tableHeader(doc, doc.y + 20);
    for (const line of receipt.lines) {
      const name = pdfText(line.name);
      const height = doc.heightOf(name, COL.name.width);
      if (y + 8 + height > BOTTOM) y = this.tableHeader(doc, this.newPage(doc, receipt));
      y += 8;
      doc.text(name, COL.name.x, y, { width: COL.name.width });
      const cells = {
        quantity: String(line.quantity),
        unit: formatMoney(line.unitPrice),
        total: formatMoney(line.lineTotal),
      };
      for (const [col, value] of Object.entries(cells) as Array<[keyof typeof cells, string]>) {
        doc.text(pdfText(value), COL[col].x, y, { width: COL[col].width, align: "right" });
      }
      y += height;
    }

    // Total, payment and the QR block stay together: rule, two text lines, label, squares, URL below.
    if (y + 125 + qr.size * QR_CELL > BOTTOM) y = this.newPage(doc, receipt);
    y += 8;
    pdf.line(MARGIN, y, RIGHT, y);
    doc.use("Helvetica-Bold").text("Total", COL.unit.x, y + 8, { width: COL.unit.width, align: "right" });
    doc.text(pdfText(formatMoney(receipt.total)), COL.total.x, y + 8, { width: COL.total.width, align: "right" });
    doc.use("Helvetica").text(pdfText(`Paid by card ending ${receipt.paymentLast4}`), MARGIN, y + 30);

    doc.use("Helvetica", 9).text("Follow your order:", MARGIN, y + 60);
    const top = y + 76;
    pdf.grid(MARGIN, top, QR_CELL, darkModules(qr));
    const url = receipt.trackingUrl;
    doc
      .use("Helvetica", 8)
      .text(pdfText(url), MARGIN, top + qr.size * QR_CELL + 8, { width: RIGHT - MARGIN, link: url });
    return pdf.end();
  }

  /** Column titles and a rule; returns the y below them. */
  private tableHeader(doc: Flow, y: number): number {
    doc.use("Helvetica-Bold", 10, 0).text("Item", COL.name.x, y, { width: COL.name.width });
    for (const [col, title] of [
      ["quantity", "Qty"],
      ["unit", "Unit price"],
      ["total", "Amount"],
    ] as const) {
      doc.text(title, COL[col].x, y, { width: COL[col].width, align: "right" });
    }
    doc.pdf.line(MARGIN, y + 16, RIGHT, y + 16);
    doc.use("Helvetica");
    return y + 16;
  }

  /** A continuation page, headed so a loose sheet still says whose receipt it is; returns the top y. */
  private newPage(doc: Flow, receipt: ReceiptData): number {
    doc.pdf.addPage();
    doc.use("Helvetica", 9, GRAY);
    doc.text(pdfText(`${receipt.shopName}: receipt for order ${receipt.orderId} (continued)`), MARGIN, MARGIN);
    doc.use("Helvetica", 10, 0);
    return MARGIN + 24;
  }
}
