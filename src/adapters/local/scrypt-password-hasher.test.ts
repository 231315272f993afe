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

  it("hashes a limited number at once, lets a limited number wait, and refuses more at once with TOO_BUSY", async () => {
    const hasher = new ScryptPasswordHasher({ N: 2 ** 10, r: 8, p: 1 }, { concurrent: 1, waiting: 2 });
    const outcomes = await Promise.allSettled(["a", "b", "c", "d", "e"].map((password) => hasher.hash(password)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
    ]);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({
      code: "TOO_BUSY",
      kind: "unavailable",
      details: { retryAfterSeconds: 1 },
    });
    // Once the queue has drained, hashing and verifying go on as before.
    const stored = await hasher.hash("after the rush");
    expect(await hasher.verify("after the rush", stored)).toBe(true);
  });
});
