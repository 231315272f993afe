import { deflateSync } from "node:zlib";
import type { QrCodeRenderer } from "../../ports/qr-code-renderer.js";
import { type QrModules, qrModules } from "./qr/qr-modules.js";

/** Light modules around the code, in modules (the `qrcode` package's `margin` option). */
const MARGIN = 2;
/** Width and height of the PNG in pixels (the `qrcode` package's `width` option). */
const PNG_WIDTH = 512;

/**
 * QR codes (error correction M, the text as bytes) for print and the web (SVG) and for e-mail and chat
 * (PNG), drawn from the symbol `qrModules` makes: the same images the `qrcode` package renders for that
 * symbol (tests compare them), without its mode search and its RGBA PNG encoder — 512 x 512 pixels of
 * four bytes each through pngjs took ~17 ms per code; this writes one bit per pixel (~0.5 ms).
 */
export const qrCodeRenderer: QrCodeRenderer = {
  svg: async (text) => qrSvg(qrModules(text)),
  png: async (text) => qrPng(qrModules(text)),
};

/** Each run of dark modules in a row as one horizontal stroke, as the `qrcode` package's SVG renderer writes them. */
function qrSvg({ size, data }: QrModules): string {
  const full = size + MARGIN * 2;
  let path = "";
  for (let row = 0; row < size; row++) {
    let lastEnd: number | undefined;
    for (let col = 0; col < size; ) {
      if (!data[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col]) col++;
      path += lastEnd === undefined ? `M${start + MARGIN} ${row + MARGIN + 0.5}` : `m${start - lastEnd} 0`;
      path += `h${col - start}`;
      lastEnd = col;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges">` +
    `<path fill="#ffffff" d="M0 0h${full}v${full}H0z"/><path stroke="#000000" d="${path}"/></svg>\n`
  );
}

/**
 * A 1-bit grayscale PNG, PNG_WIDTH pixels square, each pixel taken from the module under it as the `qrcode`
 * package scales a symbol to a width (modules of a fractional number of pixels, rounded down).
 */
function qrPng({ size, data }: QrModules): Uint8Array {
  const scale = PNG_WIDTH / (size + MARGIN * 2);
  const width = Math.floor((size + MARGIN * 2) * scale);
  const margin = MARGIN * scale;
  const stride = Math.ceil(width / 8) + 1; // a filter-type byte (0: none), then 8 pixels per byte
  const raw = new Uint8Array(stride * width);
  // Which module column each pixel column falls on (-1 in the margin); rows use the same mapping.
  const moduleAt = Int32Array.from({ length: width }, (_, x) =>
    x >= margin && x < width - margin ? Math.floor((x - margin) / scale) : -1,
  );
  for (let y = 0; y < width; y++) {
    const line = y * stride;
    const row = moduleAt[y]!;
    if (row >= 0 && y > 0 && moduleAt[y - 1] === row) {
      raw.copyWithin(line, line - stride, line); // the same module row as the pixel row above
      continue;
    }
    for (let x = 0; x < width; x++) {
      const col = moduleAt[x]!;
      const dark = row >= 0 && col >= 0 && data[row * size + col] === 1;
      // In a 1-bit grayscale PNG a set bit is white.
      if (!dark) raw[line + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, width);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, adaptive filtering, no interlace
  return concat([
    PNG_SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array()),
  ]);
}

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** CRC-32 (ISO-HDLC, as PNG chunks use it) by table; zlib.crc32 needs Node 20.15 and the app runs on any Node 20. */
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes: Uint8Array): number {
  let crc = -1;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** A PNG chunk: length, type, data and the CRC-32 of type and data. */
function chunk(type: string, body: Uint8Array): Uint8Array {
  const typed = concat([new TextEncoder().encode(type), body]);
  const out = new Uint8Array(8 + typed.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  out.set(typed, 4);
  view.setUint32(4 + typed.length, crc32(typed));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
