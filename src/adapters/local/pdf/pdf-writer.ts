import { deflateSync } from "node:zlib";
import { FONT_METRICS, type StandardFont, winAnsiCode } from "./standard-fonts.js";

/** A4 in PDF points. */
export const A4 = { width: 595.28, height: 841.89 };

const ENDSTREAM = Buffer.from("\nendstream\nendobj\n", "latin1");
const FONT_RESOURCE: Record<StandardFont, string> = { Helvetica: "F1", "Helvetica-Bold": "F2" };

export interface PdfInfo {
  title: string;
  author: string;
  creationDate: Date;
}

interface Page {
  content: string[];
  links: Array<{ rect: [number, number, number, number]; uri: string }>;
}

/** A number as PDF writes it: at most three decimals, no exponent. */
const num = (n: number) => String(Math.round(n * 1000) / 1000);

/** A WinAnsi-encoded literal string; characters the fonts cannot show print as "?". */
function literal(text: string): string {
  let out = "(";
  for (const c of text) {
    const code = winAnsiCode(c.codePointAt(0)!) ?? 0x3f;
    out += code === 0x28 || code === 0x29 || code === 0x5c ? `\\${c}` : String.fromCharCode(code);
  }
  return `${out})`;
}

/** A text string for the document information: literal when ASCII, else UTF-16BE with a byte order mark. */
function infoString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[()\\]/g, "\\$&")})`;
  let hex = "<FEFF";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0");
  return `${hex}>`;
}

const pdfDate = (date: Date) => `(D:${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z)`;

/** How wide `text` is in `font` at `size`, in points. */
export function widthOf(text: string, font: StandardFont, size: number): number {
  const { widths } = FONT_METRICS[font];
  let width = 0;
  for (const c of text) width += widths[(winAnsiCode(c.codePointAt(0)!) ?? 0x3f) - 32] ?? 0;
  return (width * size) / 1000;
}

/** The height of one line of text, gap included (as pdfkit spaces lines). */
export function lineHeight(font: StandardFont, size: number): number {
  const { ascender, descender, lineGap } = FONT_METRICS[font];
  return ((ascender - descender + lineGap) * size) / 1000;
}

/**
 * A small PDF 1.4 writer for documents made of text in the standard fonts, filled rectangles, lines and
 * link annotations: all a receipt needs, at a fraction of a general library's cost per document.
 * Coordinates are from the top-left corner, y growing downwards; a text's y is the top of its line.
 * The output depends only on what was drawn, so the same drawing always gives the same bytes.
 */
export class PdfWriter {
  private readonly pages: Page[] = [];
  private page!: Page;

  constructor(private readonly options: { info: PdfInfo; compress?: boolean }) {
    this.addPage();
  }

  addPage(): void {
    // Flip the y axis once per page, so everything below is drawn top-down.
    this.page = { content: [`1 0 0 -1 0 ${num(A4.height)} cm\n`], links: [] };
    this.pages.push(this.page);
  }

  get pageCount(): number {
    return this.pages.length;
  }

  text(text: string, x: number, y: number, font: StandardFont, size: number, gray = 0): void {
    const baseline = y + (FONT_METRICS[font].ascender * size) / 1000;
    this.page.content.push(
      `BT\n${num(gray)} g\n/${FONT_RESOURCE[font]} ${num(size)} Tf\n1 0 0 -1 ${num(x)} ${num(baseline)} Tm\n${literal(text)} Tj\nET\n`,
    );
  }

  /**
   * Fills one `cell`-sized square per [row, column] of a grid whose top-left corner is at (x, y), given
   * row by row, in grid units (short integers keep the content stream small).
   */
  grid(x: number, y: number, cell: number, squares: ReadonlyArray<readonly [number, number]>, gray = 0): void {
    let ops = `q\n${num(gray)} g\n${num(cell)} 0 0 ${num(cell)} ${num(x)} ${num(y)} cm\n`;
    // Neighbours in a row are drawn as one rectangle: about half the operators to write and to compress.
    for (let i = 0; i < squares.length; ) {
      const [row, col] = squares[i]!;
      let width = 1;
      while (squares[i + width]?.[0] === row && squares[i + width]![1] === col + width) width++;
      ops += `${col} ${row} ${width} 1 re\n`;
      i += width;
    }
    this.page.content.push(`${ops}f\nQ\n`);
  }

  line(x1: number, y1: number, x2: number, y2: number): void {
    this.page.content.push(`${num(x1)} ${num(y1)} m\n${num(x2)} ${num(y2)} l\nS\n`);
  }

  /** A clickable area that opens `uri`. */
  link(x: number, y: number, width: number, height: number, uri: string): void {
    this.page.links.push({ rect: [x, A4.height - y - height, x + width, A4.height - y], uri });
  }

  /** The finished document, as the parts it is written in (joined, they are the file). */
  end(): Buffer[] {
    const { info, compress = true } = this.options;
    const parts: Buffer[] = [];
    const offsets: number[] = [];
    let length = 0;
    const push = (part: Buffer) => {
      parts.push(part);
      length += part.length;
    };
    const object = (id: number, body: string | Buffer, stream?: Buffer) => {
      offsets[id] = length;
      if (stream === undefined) {
        push(Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, "latin1"));
        return;
      }
      push(Buffer.concat([Buffer.from(`${id} 0 obj\n${body}\nstream\n`, "latin1"), stream, ENDSTREAM]));
    };

    push(Buffer.from("%PDF-1.4\n%\xff\xff\xff\xff\n", "latin1"));
    // 1 catalog, 2 page tree, 3 info, 4-5 fonts, then per page: the page, its content, its links.
    const pageIds: number[] = [];
    let next = 6;
    const layout = this.pages.map((page) => {
      const ids = { page: next, content: next + 1, links: page.links.map((_, i) => next + 2 + i) };
      next += 2 + page.links.length;
      pageIds.push(ids.page);
      return ids;
    });
    object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    object(2, `<< /Type /Pages /Count ${this.pages.length} /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] >>`);
    object(
      3,
      `<< /Title ${infoString(info.title)} /Author ${infoString(info.author)} /Producer (orderflow) /CreationDate ${pdfDate(info.creationDate)} >>`,
    );
    object(4, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    object(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
    this.pages.forEach((page, index) => {
      const ids = layout[index]!;
      const annots = ids.links.length > 0 ? ` /Annots [${ids.links.map((id) => `${id} 0 R`).join(" ")}]` : "";
      object(
        ids.page,
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(A4.width)} ${num(A4.height)}] /Contents ${ids.content} 0 R /Resources << /ProcSet [/PDF /Text] /Font << /F1 4 0 R /F2 5 0 R >> >>${annots} >>`,
      );
      const raw = Buffer.from(page.content.join(""), "latin1");
      // Level 3: some 6% larger than the default level 6, and a receipt renders ~15% quicker.
      const data = compress ? deflateSync(raw, { level: 3 }) : raw;
      object(ids.content, `<< /Length ${data.length}${compress ? " /Filter /FlateDecode" : ""} >>`, data);
      page.links.forEach((link, i) => {
        object(
          ids.links[i]!,
          `<< /Type /Annot /Subtype /Link /Rect [${link.rect.map(num).join(" ")}] /Border [0 0 0] /A << /S /URI /URI ${literal(link.uri)} >> >>`,
        );
      });
    });
    const xref = length;
    const rows = offsets.slice(1).map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`);
    push(
      Buffer.from(
        `xref\n0 ${next}\n0000000000 65535 f \n${rows.join("")}trailer\n<< /Size ${next} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
        "latin1",
      ),
    );
    return parts;
  }
}
