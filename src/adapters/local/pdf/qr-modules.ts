import QRCode from "qrcode";

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

/**
 * The penalty of a masked symbol, exactly as the `qrcode` package scores it (N1 runs, N2 blocks,
 * N3 finder-like patterns, N4 dark balance), so the same mask wins.
 */
function penalty(m: Uint8Array, size: number): number {
  let points = 0;
  for (let a = 0; a < size; a++) {
    let runRow = 0;
    let runCol = 0;
    let lastRow = -1;
    let lastCol = -1;
    let bitsRow = 0;
    let bitsCol = 0;
    for (let b = 0; b < size; b++) {
      const inRow = m[a * size + b]!;
      const inCol = m[b * size + a]!;
      if (inRow === lastRow) runRow++;
      else {
        if (runRow >= 5) points += 3 + (runRow - 5);
        lastRow = inRow;
        runRow = 1;
      }
      if (inCol === lastCol) runCol++;
      else {
        if (runCol >= 5) points += 3 + (runCol - 5);
        lastCol = inCol;
        runCol = 1;
      }
      bitsRow = ((bitsRow << 1) & 0x7ff) | inRow;
      bitsCol = ((bitsCol << 1) & 0x7ff) | inCol;
      if (b >= 10) {
        if (bitsRow === 0x5d0 || bitsRow === 0x05d) points += 40;
        if (bitsCol === 0x5d0 || bitsCol === 0x05d) points += 40;
      }
    }
    if (runRow >= 5) points += 3 + (runRow - 5);
    if (runCol >= 5) points += 3 + (runCol - 5);
  }
  let blocks = 0;
  for (let row = 0; row < size - 1; row++) {
    for (let col = 0; col < size - 1; col++) {
      const i = row * size + col;
      const sum = m[i]! + m[i + 1]! + m[i + size]! + m[i + size + 1]!;
      if (sum === 4 || sum === 0) blocks++;
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
 * and the eight candidates are scored here on flat arrays instead of through its accessor calls.
 */
export function qrModules(text: string): QrModules {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M", maskPattern: 0 });
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
  let best = masked(0);
  let lowest = penalty(best, size);
  for (let mask = 1; mask < 8; mask++) {
    const candidate = masked(mask);
    const score = penalty(candidate, size);
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
