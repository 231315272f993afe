import fc from "fast-check";
import { PNG } from "pngjs";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { byteSegment } from "./qr/qr-modules.js";
import { qrCodeRenderer } from "./qr-code-renderer.js";

const OPTIONS = { errorCorrectionLevel: "M", margin: 2 } as const;

/** Texts like the auction pages' URLs, and any text with multi-byte characters, short and long. */
const texts = fc.oneof(
  fc.stringMatching(/^[0-9A-Z]{26}$/).map((id) => `https://shop.example.com/auctions/auc_${id}`),
  fc.string({ minLength: 1, maxLength: 300, unit: fc.constantFrom("a", "Z", "7", " ", "é", "€", "漢", "/", "%") }),
);

/** Per pixel, whether it is dark, row by row. */
function darkPixels(png: Uint8Array): { width: number; height: number; dark: boolean[] } {
  const image = PNG.sync.read(Buffer.from(png));
  const dark = Array.from({ length: image.width * image.height }, (_, i) => image.data[i * 4]! < 128);
  return { width: image.width, height: image.height, dark };
}

describe("qrCodeRenderer", () => {
  it("writes the SVG the qrcode package writes for the same symbol, character for character", async () => {
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const reference = await QRCode.toString(byteSegment(text), { ...OPTIONS, type: "svg" });
        expect(await qrCodeRenderer.svg(text)).toBe(reference);
      }),
      { numRuns: 60 },
    );
  });

  it("draws the PNG the qrcode package draws for the same symbol, pixel for pixel, at 512 x 512", async () => {
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const ours = darkPixels(await qrCodeRenderer.png(text));
        const reference = darkPixels(await QRCode.toBuffer(byteSegment(text), { ...OPTIONS, type: "png", width: 512 }));
        expect({ width: ours.width, height: ours.height }).toEqual({ width: 512, height: 512 });
        expect(ours.dark).toEqual(reference.dark);
      }),
      { numRuns: 15 },
    );
  });

  it("refuses what no QR code can hold, as the package does", async () => {
    await expect(qrCodeRenderer.png("")).rejects.toThrow();
    await expect(qrCodeRenderer.svg("x".repeat(3000))).rejects.toThrow();
  });
});
