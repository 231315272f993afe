import { describe, expect, it } from "vitest";
import { ScryptPasswordHasher } from "./scrypt-password-hasher.js";

const fast = new ScryptPasswordHasher({ N: 2 ** 12, r: 8, p: 1 });

describe("ScryptPasswordHasher", () => {
  it("stores parameters, a random salt and a hash, never the password", async () => {
    const first = await fast.hash("correct horse battery");
    const second = await fast.hash("correct horse battery");
    expect(first).toMatch(/^scrypt\$4096\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(first).not.toContain("correct horse");
    expect(first).not.toBe(second);
  });

  it("verifies the right password only", async () => {
    const hash = await fast.hash("correct horse battery");
    expect(await fast.verify("correct horse battery", hash)).toBe(true);
    expect(await fast.verify("correct horse batterY", hash)).toBe(false);
    expect(await fast.verify("", hash)).toBe(false);
  });

  it("uses N=2^15, r=8, p=1 by default and verifies hashes made with other parameters", async () => {
    const hash = await new ScryptPasswordHasher().hash("correct horse battery");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await fast.verify("correct horse battery", hash)).toBe(true);
  });

  it.each([
    ["another scheme", "bcrypt$4096$8$1$c2FsdA==$aGFzaA=="],
    ["missing parts", "scrypt$4096$8$1$c2FsdA=="],
    ["N not a power of two", "scrypt$4095$8$1$c2FsdA==$aGFzaA=="],
    ["N too large to be ours", `scrypt$${2 ** 30}$8$1$c2FsdA==$aGFzaA==`],
    ["a short hash", "scrypt$4096$8$1$c2FsdA==$aGFzaA=="],
    ["empty", ""],
  ])("answers false for a malformed stored hash (%s)", async (_case, stored) => {
    expect(await fast.verify("correct horse battery", stored)).toBe(false);
  });
});
