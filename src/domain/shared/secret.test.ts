import { describe, expect, it } from "vitest";
import { sameSecret } from "./secret.js";

describe("comparing a presented secret with the stored one", () => {
  it("is true for the same secret only: another one, a prefix, a longer one or an empty one is false", () => {
    const stored = "Zk3_q9-Lm2xYt8Vb0cNw4RsA";
    expect(sameSecret(stored, stored)).toBe(true);
    expect(sameSecret(`${stored.slice(0, -1)}B`, stored)).toBe(false);
    expect(sameSecret(`B${stored.slice(1)}`, stored)).toBe(false);
    expect(sameSecret(stored.slice(0, -1), stored)).toBe(false);
    expect(sameSecret(`${stored}x`, stored)).toBe(false);
    expect(sameSecret("", stored)).toBe(false);
  });
});
