import { describe, expect, it } from "vitest";
import { createUlidGenerator } from "./system-clock.js";

describe("ULID-style id generator", () => {
  it("gives distinct, strictly increasing ids within and across milliseconds", () => {
    let now = Date.parse("2026-12-01T10:00:00.000Z");
    const ids = createUlidGenerator({ now: () => new Date(now) });
    const generated: string[] = [];
    // 300 ids per millisecond: more than a 4 KiB random pool holds at 16 bytes each, across refills.
    for (let ms = 0; ms < 20; ms++, now++) for (let i = 0; i < 300; i++) generated.push(ids.next());
    expect(generated.every((id) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id))).toBe(true);
    expect(generated.every((id, i) => i === 0 || id > generated[i - 1]!)).toBe(true);
  });

  it("gives distinct unguessable secrets (24 random bytes each)", () => {
    const ids = createUlidGenerator();
    const secrets = Array.from({ length: 1000 }, () => ids.secret());
    expect(secrets.every((secret) => /^[A-Za-z0-9_-]{32}$/.test(secret))).toBe(true);
    expect(new Set(secrets).size).toBe(1000);
  });
});
