import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requestFingerprint } from "./idempotency-middleware.js";

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** The fingerprint as first written (records stored by it must still match after an upgrade). */
function firstFingerprint(body: string, url: string): string {
  const canonicalJson = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
      const entries = Object.entries(value).sort(byName);
      return `{${entries.map(([name, inner]) => `${JSON.stringify(name)}:${canonicalJson(inner)}`).join(",")}}`;
    }
    return JSON.stringify(value);
  };
  let content = body;
  try {
    if (body.trim() !== "") content = canonicalJson(JSON.parse(body));
  } catch {
    // compared as written
  }
  const parameters = [...new URL(url).searchParams].sort(byName);
  return createHash("sha256")
    .update(JSON.stringify([content, parameters]))
    .digest("base64url");
}

const keys = fc.string({ unit: fc.constantFrom("a", "B", "_", "é", "😀", "1", "__proto__", "\u0000", '"') });
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(keys, tie("value"), { maxKeys: 5 }),
  ),
})).value;

describe("requestFingerprint", () => {
  it("gives what the first version gave, for any JSON body, any text and any query", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          json.map((value) => JSON.stringify(value, null, 1)),
          fc.string(),
        ),
        fc.oneof(
          fc.constant("http://localhost/orders"),
          fc
            .array(fc.tuple(fc.string(), fc.string()), { maxLength: 3 })
            .map((pairs) => `http://localhost/orders?${new URLSearchParams(pairs)}`),
        ),
        (body, url) => {
          expect(requestFingerprint(body, url)).toBe(firstFingerprint(body, url));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("does not depend on key order or spacing, and does on values and the query", () => {
    const url = "http://localhost/orders";
    expect(requestFingerprint('{"a":1,"b":[1,{"d":2,"c":3}]}', url)).toBe(
      requestFingerprint('{ "b": [1, { "c": 3, "d": 2 }], "a": 1 }', url),
    );
    expect(requestFingerprint('{"a":1}', url)).not.toBe(requestFingerprint('{"a":2}', url));
    expect(requestFingerprint('{"a":1}', `${url}?token=x`)).not.toBe(requestFingerprint('{"a":1}', url));
  });
});
