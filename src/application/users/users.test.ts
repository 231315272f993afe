import { describe, expect, it } from "vitest";
import { JwtTokenIssuer } from "../../adapters/local/jwt-token-issuer.js";
import { ScryptPasswordHasher } from "../../adapters/local/scrypt-password-hasher.js";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../adapters/local/system-clock.js";
import { parseWith } from "../../domain/shared/validation.js";
import { SignInBody, SignUpBody } from "../../domain/users/user.js";
import { makeEnsureUser } from "./ensure-user.js";
import { makeSignIn } from "./sign-in.js";
import { MAX_FAILED_SIGN_INS } from "./sign-in-throttle.js";
import { makeSignUp } from "./sign-up.js";
import { userKey } from "./user-items.js";

function setup() {
  let now = new Date("2026-05-01T12:00:00Z");
  const clock = { now: () => now };
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  const scrypt = new ScryptPasswordHasher({ N: 2 ** 12, r: 8, p: 1 });
  let verifications = 0;
  const hasher = {
    hash: (password: string) => scrypt.hash(password),
    verify: (password: string, hash: string) => {
      verifications++;
      return scrypt.verify(password, hash);
    },
  };
  const tokens = new JwtTokenIssuer({ secret: "s".repeat(40), clock, lifetimeSeconds: 3600 });
  const deps = { store, hasher, tokens, ids: createUlidGenerator(clock), clock };
  return {
    ...deps,
    /** Passwords checked so far. */
    verified: () => verifications,
    signUp: makeSignUp(deps),
    signIn: makeSignIn(deps),
    ensureUser: makeEnsureUser(deps),
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

const ada = { email: "Ada@Example.com", password: "correct horse battery", name: "Ada" };

describe("accounts", () => {
  it("signs up a customer and signs in with a token carrying the roles and the account's session version", async () => {
    const { signUp, signIn, tokens } = setup();
    const user = await signUp(parseWith(SignUpBody, ada));
    expect(user).toMatchObject({ email: "ada@example.com", roles: ["customer"] });
    expect(user).not.toHaveProperty("passwordHash");
    const { token, user: signedIn } = await signIn(parseWith(SignInBody, { email: ada.email, password: ada.password }));
    expect(signedIn).toEqual(user);
    expect(await tokens.verify(token)).toEqual({
      sub: user.id,
      email: "ada@example.com",
      name: "Ada",
      roles: ["customer"],
      sessionVersion: 0,
    });
  });

  it("never returns the password or its hash, in the user or in the token", async () => {
    const { signUp, signIn } = setup();
    const signedUp = await signUp(parseWith(SignUpBody, ada));
    const signedIn = await signIn({ email: "ada@example.com", password: ada.password });
    const payload = Buffer.from(signedIn.token.split(".")[1] ?? "", "base64url").toString();
    for (const shown of [JSON.stringify(signedUp), JSON.stringify(signedIn.user), payload]) {
      expect(shown).not.toContain("passwordHash");
      expect(shown).not.toContain("scrypt$");
      expect(shown).not.toContain(ada.password);
    }
  });

  it("stores a salted memory-hard hash, never the password", async () => {
    const { signUp, store, hasher } = setup();
    await signUp(parseWith(SignUpBody, ada));
    const stored = await store.get(userKey("ada@example.com"));
    expect(String(stored?.passwordHash)).toMatch(/^scrypt\$4096\$8\$1\$/);
    expect(JSON.stringify(stored)).not.toContain(ada.password);
    expect(await hasher.verify(ada.password, String(stored?.passwordHash))).toBe(true);
    expect(await hasher.verify("wrong password!", String(stored?.passwordHash))).toBe(false);
  });

  it("creates one account for one e-mail under 20 concurrent sign-ups", async () => {
    const { signUp } = setup();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => signUp(parseWith(SignUpBody, ada))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(19);
    for (const { reason } of rejected) expect(reason).toMatchObject({ code: "EMAIL_TAKEN", kind: "conflict" });
  });

  it("answers a wrong password and an unknown e-mail the same way", async () => {
    const { signUp, signIn } = setup();
    await signUp(parseWith(SignUpBody, ada));
    const wrong = await signIn({ email: "ada@example.com", password: "not the password" }).catch((e) => e);
    const unknown = await signIn({ email: "nobody@example.com", password: "whatever it is" }).catch((e) => e);
    expect(wrong.code).toBe("INVALID_CREDENTIALS");
    expect(unknown.code).toBe("INVALID_CREDENTIALS");
    expect(wrong.message).toBe(unknown.message);
  });

  it("refuses sign-ins for an address after ten wrong passwords in 15 minutes, then lets it try again", async () => {
    const { signUp, signIn, advance } = setup();
    await signUp(parseWith(SignUpBody, ada));
    const attempt = (password: string, email = ada.email) => signIn(parseWith(SignInBody, { email, password }));
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      await expect(attempt("wrong password")).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    // Locked out: even the right password is refused, with how long to wait; the same for an unknown address.
    const locked = attempt(ada.password, "ADA@example.com");
    await expect(locked).rejects.toMatchObject({ code: "TOO_MANY_SIGN_INS", details: { retryAfterSeconds: 900 } });
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) await attempt("guess", "nobody@example.com").catch(() => undefined);
    await expect(attempt("guess", "nobody@example.com")).rejects.toMatchObject({ code: "TOO_MANY_SIGN_INS" });
    advance(15 * 60);
    expect((await attempt(ada.password)).user.email).toBe("ada@example.com");
    // A good sign-in clears the count: ten more mistakes are allowed again.
    for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++) await attempt("wrong").catch(() => undefined);
    expect((await attempt(ada.password)).user.email).toBe("ada@example.com");
    for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++) await attempt("wrong").catch(() => undefined);
    await expect(attempt("wrong")).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
  });

  it("gives a burst of parallel guesses no more tries than a sequence, counted before any password is checked", async () => {
    const { signUp, signIn, verified } = setup();
    await signUp(parseWith(SignUpBody, ada));
    const checkedBefore = verified();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        signIn(parseWith(SignInBody, { email: ada.email, password: `guess number ${i}` })).catch(
          (error: { code: string }) => error.code,
        ),
      ),
    );
    expect(answers.filter((code) => code === "INVALID_CREDENTIALS")).toHaveLength(MAX_FAILED_SIGN_INS);
    expect(answers.filter((code) => code === "TOO_MANY_SIGN_INS")).toHaveLength(50 - MAX_FAILED_SIGN_INS);
    expect(verified() - checkedBefore).toBe(MAX_FAILED_SIGN_INS);
    const right = parseWith(SignInBody, { email: ada.email, password: ada.password });
    await expect(signIn(right)).rejects.toMatchObject({ code: "TOO_MANY_SIGN_INS" });
  });

  it("refuses expired tokens and tokens signed with another secret", async () => {
    const { signUp, signIn, tokens, advance, clock } = setup();
    await signUp(parseWith(SignUpBody, ada));
    const { token } = await signIn({ email: "ada@example.com", password: ada.password });
    const other = new JwtTokenIssuer({ secret: "x".repeat(40), clock });
    await expect(other.verify(token)).rejects.toMatchObject({ code: "INVALID_TOKEN" });
    advance(3601);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
  });

  it("refuses client-chosen roles at sign-up", () => {
    expect(() => parseWith(SignUpBody, { ...ada, roles: ["admin"] })).toThrow(
      expect.objectContaining({ fields: [{ path: "roles", message: "This field is not allowed" }] }),
    );
  });

  it("lists every invalid sign-up field", () => {
    const error = (() => {
      try {
        parseWith(SignUpBody, { email: "not-an-e-mail", password: "short", name: "   " });
      } catch (caught) {
        return caught as { code: string; fields: { path: string }[] };
      }
    })();
    expect(error?.code).toBe("VALIDATION_FAILED");
    expect(error?.fields.map((field) => field.path).sort()).toEqual(["email", "name", "password"]);
    expect(() => parseWith(SignUpBody, { ...ada, password: "x".repeat(201) })).toThrow();
    expect(parseWith(SignUpBody, { ...ada, name: "  Ada  " }).name).toBe("Ada");
  });

  it("ensures seeded staff accounts once", async () => {
    const { ensureUser, signIn } = setup();
    const maker = { email: "maker@example.com", password: "maker password", name: "Maker", roles: ["maker" as const] };
    expect(await ensureUser(maker)).toBe(true);
    expect(await ensureUser(maker)).toBe(false);
    expect((await signIn({ email: maker.email, password: maker.password })).user.roles).toEqual(["maker"]);
  });

  it("ensures an account once when several start-ups race", async () => {
    const { ensureUser, store } = setup();
    const admin = { email: "admin@example.com", password: "admin password", name: "Admin", roles: ["admin" as const] };
    const created = await Promise.all(Array.from({ length: 10 }, () => ensureUser(admin)));
    expect(created.filter(Boolean)).toHaveLength(1);
    expect((await store.get(userKey(admin.email)))?.roles).toEqual(["admin"]);
  });

  it("does not change an existing account's roles or password", async () => {
    const { signUp, ensureUser, signIn } = setup();
    await signUp(parseWith(SignUpBody, ada));
    expect(await ensureUser({ ...ada, password: "another password", roles: ["admin"] })).toBe(false);
    expect((await signIn({ email: "ada@example.com", password: ada.password })).user.roles).toEqual(["customer"]);
  });
});
