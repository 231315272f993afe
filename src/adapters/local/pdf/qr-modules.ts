import QRCode, { type QRCodeSegment } from "qrcode";

/** `text` as one byte-mode segment (UTF-8), as `QRCode.create` takes segments. */
export const byteSegment = (text: string): QRCodeSegment[] => [{ data: Buffer.from(text, "utf8"), mode: "byte" }];

/** The dark modules of a QR code, as [row, column], and its size in modules. */
export interface QrModules {
  size: number;
  dark: Array<[number, number]>;
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

/** Where the `qrcode` package puts format bit i (two copies), as indexes into the module array. */
function formatPositions(size: number): Array<[number, number]> {
  const at = (row: number, col: number) => row * size + col;
  return Array.from({ length: 15 }, (_, i) => {
    const vertical = i < 6 ? at(i, 8) : i < 8 ? at(i + 1, 8) : at(size - 15 + i, 8);
    const horizontal = i < 8 ? at(8, size - i - 1) : i < 9 ? at(8, 15 - i) : at(8, 14 - i);
    return [vertical, horizontal];
  });
}

/*
 * The scoring below is branch-free where the branch would follow the modules: which way such a branch
 * goes is a coin toss, and mispredicting it cost more than the arithmetic (x >>> 31 is 1 for x < 0).
 */

/**
 * N1 (3 points for a run of five modules of one colour, 1 more per further module) and N3 (40 points
 * per 1:1:3:1:1 finder-like pattern with four light modules on one side) along the rows of `m`.
 */
function linePenalty(m: Uint8Array, size: number): number {
  let points = 0;
  for (let start = 0; start < m.length; start += size) {
    let last = m[start]!;
    let run = 1;
    let bits = last;
    for (let i = start + 1, end = start + size, first = start + 10; i < end; i++) {
      const module = m[i]!;
      run = run * (1 ^ module ^ last) + 1; // one longer in the same colour, else 1
      last = module;
      points += (((run ^ 5) - 1) >>> 31) * 3 + ((5 - run) >>> 31); // 3 at the fifth, 1 for each further
      bits = ((bits << 1) & 0x7ff) | module;
      if (i >= first && (bits === 0x5d0 || bits === 0x05d)) points += 40;
    }
  }
  return points;
}

/**
 * The penalty of a masked symbol, exactly as the `qrcode` package scores it (N1 runs, N2 blocks,
 * N3 finder-like patterns, N4 dark balance), so the same mask wins. Columns are scored as the rows of
 * the transposed symbol (`scratch`): both passes then read memory in order.
 */
function penalty(m: Uint8Array, size: number, scratch: Uint8Array): number {
  for (let row = 0; row < size; row++) {
    for (let col = 0, i = row * size; col < size; col++, i++) scratch[col * size + row] = m[i]!;
  }
  let points = linePenalty(m, size) + linePenalty(scratch, size);
  let blocks = 0;
  for (let row = 0; row < size - 1; row++) {
    for (let i = row * size, end = i + size - 1; i < end; i++) {
      const sum = m[i]! + m[i + 1]! + m[i + size]! + m[i + size + 1]!;
      blocks += ((sum & 3) - 1) >>> 31; // 1 when all four are alike: a sum of 0 or 4
    }
  }
  points += blocks * 3;
  let dark = 0;
  for (let i = 0; i < m.length; i++) dark += m[i]!;
  return points + Math.abs(Math.ceil((dark * 100) / m.length / 5) - 10) * 10;
}

/** Per symbol size: each mask as 0/1 per module, already cleared on function modules (which no mask touches). */
const maskTables = new Map<number, Uint8Array[]>();

function masksFor(size: number, reserved: Uint8Array): Uint8Array[] {
  let tables = maskTables.get(size);
  if (!tables) {
    tables = MASKS.map((mask) => {
      const table = new Uint8Array(size * size);
      for (let row = 0; row < size; row++) {
        for (let col = 0; col < size; col++) {
          if (!reserved[row * size + col] && mask(row, col)) table[row * size + col] = 1;
        }
      }
      return table;
    });
    maskTables.set(size, tables); // one symbol size per QR version, so at most 40 entries
  }
  return tables;
}

/**
 * The QR code (error correction M) the `qrcode` package makes for `text`, module for module, with its
 * mask chosen by a faster copy of the package's own scoring: the package encodes with a fixed mask,
 * and the eight candidates are scored here on flat arrays instead of through its accessor calls. The
 * text is one byte-mode segment: the package's search for the shortest mix of modes was about half the
 * cost of a receipt's QR code, and a tracking URL (lower-case letters) is bytes almost throughout anyway.
 */
export function qrModules(text: string): QrModules {
  if (text === "") throw new Error("No input text"); // as the package says; an empty segment list would pass
  const { modules } = QRCode.create(byteSegment(text), { errorCorrectionLevel: "M", maskPattern: 0 });
  const { size, data, reservedBit } = modules;
  const tables = masksFor(size, reservedBit);
  const unmasked = data.slice();
  const first = tables[0]!;
  for (let i = 0; i < unmasked.length; i++) unmasked[i]! ^= first[i]!;
  const positions = formatPositions(size);
  const masked = (mask: number) => {
    const m = unmasked.slice();
    const table = tables[mask]!;
    for (let i = 0; i < m.length; i++) m[i]! ^= table[i]!;
    const bits = formatBits(mask);
    positions.forEach(([vertical, horizontal], i) => {
      m[vertical] = (bits >> i) & 1;
      m[horizontal] = (bits >> i) & 1;
    });
    return m;
  };
  const scratch = new Uint8Array(unmasked.length);
  let best = masked(0);
  let lowest = penalty(best, size, scratch);
  for (let mask = 1; mask < 8; mask++) {
    const candidate = masked(mask);
    const score = penalty(candidate, size, scratch);
    if (score < lowest) {
      lowest = score;
      best = candidate;
    }
  }
  const dark: Array<[number, number]> = [];
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) if (best[row * size + col]) dark.push([row, col]);
  }
  return { size, dark };
}
