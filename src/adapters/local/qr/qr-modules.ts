import QRCode, { type QRCodeSegment } from "qrcode";
import { pack, penaltyScorer, setModule, wordsPerLine } from "./qr-penalty.js";

/** `text` as one byte-mode segment (UTF-8), as `QRCode.create` takes segments. */
export const byteSegment = (text: string): QRCodeSegment[] => [{ data: Buffer.from(text, "utf8"), mode: "byte" }];

/** A QR code: its size in modules and every module row by row (1 dark). */
export interface QrModules {
  size: number;
  data: Uint8Array;
}

/** The dark modules of `qr`, as [row, column], row by row. */
export function darkModules({ size, data }: QrModules): Array<[number, number]> {
  const dark: Array<[number, number]> = [];
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) if (data[row * size + col]) dark.push([row, col]);
  }
  return dark;
}

type Mask = (row: number, col: number) => boolean;

/** The eight data masks of ISO/IEC 18004 (the `qrcode` package's `getMaskAt`). */
const MASKS: Mask[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i * j) % 3) + ((i + j) % 2)) % 2 === 0,
];

/** The 15 format bits for error correction level M (bits 00) and a mask: BCH(15,5), then XOR 0x5412. */
function formatBits(mask: number): number {
  const data = mask; // level M contributes 00 in front of the three mask bits
  let d = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((d >> bit) & 1) d ^= 0x537 << (bit - 10);
  return ((data << 10) | d) ^ 0x5412;
}

type Place = [row: number, col: number];

/** Where the `qrcode` package puts format bit i: two copies, each as [row, column]. */
function formatPositions(size: number): Array<[Place, Place]> {
  return Array.from({ length: 15 }, (_, i) => {
    const vertical: Place = i < 6 ? [i, 8] : i < 8 ? [i + 1, 8] : [size - 15 + i, 8];
    const horizontal: Place = i < 8 ? [8, size - i - 1] : i < 9 ? [8, 15 - i] : [8, 14 - i];
    return [vertical, horizontal];
  });
}

/** Per symbol size: each mask as 0/1 per module, already cleared on function modules (which no mask touches), and packed. */
interface SymbolMasks {
  tables: Uint8Array[];
  rows: Int32Array[];
  columns: Int32Array[];
  /** Where the format bits go, two copies per bit. */
  formatModules: Array<[Place, Place]>;
  score: ReturnType<typeof penaltyScorer>;
}

const symbolMasks = new Map<number, SymbolMasks>();

function masksFor(size: number, reserved: Uint8Array): SymbolMasks {
  let masks = symbolMasks.get(size);
  if (!masks) {
    const tables = MASKS.map((mask) => {
      const table = new Uint8Array(size * size);
      for (let row = 0; row < size; row++) {
        for (let col = 0; col < size; col++) {
          if (!reserved[row * size + col] && mask(row, col)) table[row * size + col] = 1;
        }
      }
      return table;
    });
    masks = {
      tables,
      rows: tables.map((table) => pack(table, size, false)),
      columns: tables.map((table) => pack(table, size, true)),
      formatModules: formatPositions(size),
      score: penaltyScorer(size),
    };
    symbolMasks.set(size, masks); // one symbol size per QR version, so at most 40 entries
  }
  return masks;
}

/**
 * The QR code (error correction M) the `qrcode` package makes for `text`, module for module, with its
 * mask chosen by a faster copy of the package's own scoring: the package encodes with a fixed mask,
 * and the eight candidates are scored here 32 modules at a time (see qr-penalty.ts) instead of one by
 * one through its accessor calls. The text is one byte-mode segment: the package's search for the
 * shortest mix of modes was about half the cost of a receipt's QR code, and a tracking URL (lower-case
 * letters) is bytes almost throughout anyway.
 */
export function qrModules(text: string): QrModules {
  if (text === "") throw new Error("No input text"); // as the package says; an empty segment list would pass
  const { modules } = QRCode.create(byteSegment(text), { errorCorrectionLevel: "M", maskPattern: 0 });
  const { size, data, reservedBit } = modules;
  const masks = masksFor(size, reservedBit);
  const unmasked = data.slice();
  const first = masks.tables[0]!;
  for (let i = 0; i < unmasked.length; i++) unmasked[i]! ^= first[i]!;

  const words = wordsPerLine(size);
  const unmaskedRows = pack(unmasked, size, false);
  const unmaskedColumns = pack(unmasked, size, true);
  const rows = new Int32Array(unmaskedRows.length);
  const columns = new Int32Array(unmaskedColumns.length);
  let best = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 8; mask++) {
    const maskRows = masks.rows[mask]!;
    const maskColumns = masks.columns[mask]!;
    for (let i = 0; i < rows.length; i++) {
      rows[i] = unmaskedRows[i]! ^ maskRows[i]!;
      columns[i] = unmaskedColumns[i]! ^ maskColumns[i]!;
    }
    const bits = formatBits(mask);
    masks.formatModules.forEach((copies, i) => {
      for (const [row, col] of copies) {
        setModule(rows, words, row, col, (bits >> i) & 1);
        setModule(columns, words, col, row, (bits >> i) & 1);
      }
    });
    const score = masks.score(rows, columns);
    if (score < lowest) {
      lowest = score;
      best = mask;
    }
  }

  const symbol = unmasked;
  const table = masks.tables[best]!;
  for (let i = 0; i < symbol.length; i++) symbol[i]! ^= table[i]!;
  const bits = formatBits(best);
  masks.formatModules.forEach((copies, i) => {
    for (const [row, col] of copies) symbol[row * size + col] = (bits >> i) & 1;
  });
  return { size, data: symbol };
}
