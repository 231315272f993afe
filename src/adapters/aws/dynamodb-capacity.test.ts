import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexWriteUnits, itemSize } from "./dynamodb-capacity.js";

/** DynamoDB's number size the long way: significant digits of the decimal form, 1 byte per two, plus 1. */
function referenceNumberSize(value: number): number {
  const mantissa = Math.abs(value).toExponential().split("e")[0] ?? "0";
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  return Math.ceil(digits.length / 2) + 1;
}

describe("DynamoDB item size", () => {
  it("counts strings (names and values) in UTF-8 bytes, whatever the characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme", minLength: 1 }), (value, name) => {
        expect(itemSize({ [name]: value })).toBe(Buffer.byteLength(name) + Buffer.byteLength(value));
      }),
    );
  });

  it("counts numbers by their significant digits", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true })),
        (n) => {
          expect(itemSize({ n })).toBe(1 + referenceNumberSize(n));
        },
      ),
    );
    expect(itemSize({ n: 0 })).toBe(3);
    expect(itemSize({ n: 1_000_000 })).toBe(3);
    expect(itemSize({ n: 123_456 })).toBe(5);
  });

  it("adds 3 bytes per list or map and 1 per element, 1 byte for booleans and null, nothing for undefined", () => {
    expect(itemSize({ l: [1, "ab", null, undefined] })).toBe(1 + 3 + (2 + 1) + (2 + 1) + (1 + 1));
    expect(itemSize({ m: { a: true, b: undefined } })).toBe(1 + 3 + (1 + 1 + 1));
    expect(itemSize({ a: undefined })).toBe(0);
    expect(itemSize(undefined)).toBe(0);
  });
});

describe("index write units", () => {
  const listed = { pk: "O", sk: "S", gsi1pk: "G", gsi1sk: "1", status: "paid", lines: [{ sku: "a", n: 1 }] };

  it("bill nothing for an item that stays under the same index key, whatever else changes", () => {
    const reordered = { lines: [{ n: 1, sku: "a" }], status: "paid", gsi1sk: "1", gsi1pk: "G", sk: "S", pk: "O" };
    expect(indexWriteUnits(listed, reordered)).toBe(0);
    expect(indexWriteUnits(listed, { ...listed, lines: [...listed.lines, { sku: "b", n: 1 }], note: null })).toBe(0);
    expect(indexWriteUnits({ ...listed, status: "x".repeat(5000) }, listed)).toBe(0);
    expect(indexWriteUnits(undefined, { pk: "P", sk: "S", status: "new" })).toBe(0);
  });

  it("bill an entry put or deleted as the key comes or goes, both when it changes, sized by the keys alone", () => {
    const large = { ...listed, description: "x".repeat(5000) };
    expect(indexWriteUnits(undefined, large)).toBe(1);
    expect(indexWriteUnits(large, undefined)).toBe(1);
    expect(indexWriteUnits(large, { ...large, gsi1sk: "2" })).toBe(2);
    expect(indexWriteUnits(large, { ...large, gsi2pk: "ALL", gsi2sk: "1" })).toBe(1);
    expect(indexWriteUnits(large, { ...large, gsi1pk: undefined })).toBe(1);
  });
});
