/*
 * The mask penalty of ISO/IEC 18004, scored exactly as the `qrcode` package scores it, on modules packed
 * 32 to a word: line by line (rows, and columns as the lines of the transposed symbol), bit p of word k
 * of a line is module 32k + p. Every rule then tests 32 positions at once: `ahead(j)` is the word whose
 * bit p is module p + j, so "five alike from p" is four XORs, and a finder-like pattern is eleven ANDs.
 */

/** Set bits of a 32-bit word. */
function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Words per line of a symbol of `size` modules. */
export const wordsPerLine = (size: number) => (size + 31) >>> 5;

/** A size × size module array (0/1, row by row) packed by rows, or by columns when `byColumn`. */
export function pack(modules: Uint8Array, size: number, byColumn: boolean): Int32Array {
  const words = wordsPerLine(size);
  const packed = new Int32Array(size * words);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const line = byColumn ? col : row;
      const at = byColumn ? row : col;
      packed[line * words + (at >>> 5)]! |= modules[row * size + col]! << (at & 31);
    }
  }
  return packed;
}

/** Sets module `at` of `line` to `bit`. */
export function setModule(packed: Int32Array, words: number, line: number, at: number, bit: number): void {
  const word = line * words + (at >>> 5);
  const mask = 1 << (at & 31);
  packed[word] = (packed[word]! & ~mask) | (bit ? mask : 0);
}

/** Per word of a line: the positions p where a window of `length` modules starting at p fits in the line. */
function windowStarts(size: number, length: number): Int32Array {
  const words = wordsPerLine(size);
  const starts = new Int32Array(words);
  for (let p = 0; p + length <= size; p++) starts[p >>> 5]! |= 1 << (p & 31);
  return starts;
}

/** The word of bits p..p+31 of `x` followed by `next`, moved `j` (1..31) modules ahead. */
const ahead = (x: number, next: number, j: number) => (x >>> j) | (next << (32 - j));

/**
 * N1 (3 points for a run of five alike, 1 more per further module: a run of L ≥ 5 scores L − 2, which is
 * its windows of five plus 2) and N3 (40 points per 1:1:3:1:1 finder-like pattern with four light modules
 * on one side, the 11-module windows 10111010000 and 00001011101) along the lines of `packed`.
 */
function linePenalty(packed: Int32Array, size: number, fiveFit: Int32Array, elevenFit: Int32Array): number {
  const words = wordsPerLine(size);
  let windows = 0;
  let runs = 0;
  let finders = 0;
  for (let base = 0; base < packed.length; base += words) {
    let lastWindowBefore = 0; // whether the window at the previous word's bit 31 was five alike
    for (let k = 0; k < words; k++) {
      const x = packed[base + k]!;
      const next = k + 1 < words ? packed[base + k + 1]! : 0;
      const z1 = ahead(x, next, 1);
      const z2 = ahead(x, next, 2);
      const z3 = ahead(x, next, 3);
      const z4 = ahead(x, next, 4);
      const five = ~((x ^ z1) | (z1 ^ z2) | (z2 ^ z3) | (z3 ^ z4)) & fiveFit[k]!;
      windows += popcount(five);
      runs += popcount(five & ~((five << 1) | lastWindowBefore)); // first window of each run
      lastWindowBefore = five >>> 31;
      const z5 = ahead(x, next, 5);
      const z6 = ahead(x, next, 6);
      const z7 = ahead(x, next, 7);
      const z8 = ahead(x, next, 8);
      const z9 = ahead(x, next, 9);
      const z10 = ahead(x, next, 10);
      const darkFirst = x & ~z1 & z2 & z3 & z4 & ~z5 & z6 & ~(z7 | z8 | z9 | z10);
      const lightFirst = ~(x | z1 | z2 | z3) & z4 & ~z5 & z6 & z7 & z8 & ~z9 & z10;
      finders += popcount((darkFirst | lightFirst) & elevenFit[k]!);
    }
  }
  return windows + 2 * runs + 40 * finders;
}

/** N2: 3 points per 2 × 2 block of one colour (overlapping blocks counted each). */
function blockPenalty(rows: Int32Array, size: number, twoFit: Int32Array): number {
  const words = wordsPerLine(size);
  let blocks = 0;
  for (let base = 0; base + words < rows.length; base += words) {
    for (let k = 0; k < words; k++) {
      const a = rows[base + k]!;
      const b = rows[base + words + k]!;
      const last = k + 1 === words;
      const a1 = ahead(a, last ? 0 : rows[base + k + 1]!, 1);
      const b1 = ahead(b, last ? 0 : rows[base + words + k + 1]!, 1);
      blocks += popcount(~((a ^ a1) | (a ^ b) | (b ^ b1)) & twoFit[k]!);
    }
  }
  return blocks * 3;
}

/** N4: 10 points per 5 % the dark share strays from half, as the package rounds it. */
function balancePenalty(rows: Int32Array, size: number): number {
  let dark = 0;
  for (const word of rows) dark += popcount(word);
  const modules = size * size;
  return Math.abs(Math.ceil((dark * 100) / modules / 5) - 10) * 10;
}

/** Scores masked symbols of one size, given packed by rows and by columns. */
export function penaltyScorer(size: number) {
  const fiveFit = windowStarts(size, 5);
  const elevenFit = windowStarts(size, 11);
  const twoFit = windowStarts(size, 2);
  return (rows: Int32Array, columns: Int32Array) =>
    linePenalty(rows, size, fiveFit, elevenFit) +
    linePenalty(columns, size, fiveFit, elevenFit) +
    blockPenalty(rows, size, twoFit) +
    balancePenalty(rows, size);
}
