import fc from "fast-check";
import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { byteSegment, darkModules, qrModules } from "./qr-modules.js";

/** The dark modules of the `qrcode` package's own symbol for the same segment (it picks the mask itself). */
function reference(text: string): Array<[number, number]> {
  const { modules } = QRCode.create(byteSegment(text), { errorCorrectionLevel: "M" });
  const dark: Array<[number, number]> = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) dark.push([row, col]);
  }
  return dark;
}

describe("qrModules", () => {
  it("gives the qrcode package's symbol, module for module, for tracking URLs", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Z]{26}$/),
        fc.base64String({ minLength: 8, maxLength: 40 }),
        (id, token) => {
          const url = `http://localhost:3000/orders/ord_${id}?token=${encodeURIComponent(token)}`;
          expect(darkModules(qrModules(url))).toEqual(reference(url));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives the qrcode package's symbol for any text, small and large versions alike", () => {
    fc.assert(
      fc.property(
        fc.string({
          minLength: 1,
          maxLength: 300,
          unit: fc.constantFrom("a", "Z", "7", " ", "é", "€", "漢", "/", "%"),
        }),
        (text) => {
          expect(darkModules(qrModules(text))).toEqual(reference(text));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses an empty text", () => {
    expect(() => qrModules("")).toThrow();
  });
});
