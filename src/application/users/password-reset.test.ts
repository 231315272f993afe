import { describe, expect, it } from "vitest";
import { JwtTokenIssuer } from "../../adapters/local/jwt-token-issuer.js";
import { ScryptPasswordHasher } from "../../adapters/local/scrypt-password-hasher.js";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../adapters/local/system-clock.js";
import { parseWith } from "../../domain/shared/validation.js";
import { PasswordResetConfirmBody } from "../../domain/users/password-reset.js";
import { SignUpBody } from "../../domain/users/user.js";
import type { Logger } from "../../ports/logger.js";
import type { Mailer, MailMessage } from "../../ports/mailer.js";
import { makeConfirmPasswordReset } from "./confirm-password-reset.js";
import { MAX_PASSWORD_RESETS } from "./password-reset-throttle.js";
import { makeRequestPasswordReset } from "./request-password-reset.js";
import { makeSignIn } from "./sign-in.js";
import { MAX_FAILED_SIGN_INS } from "./sign-in-throttle.js";
import { makeSignUp } from "./sign-up.js";
import { userKey } from "./user-items.js";

const PUBLIC_URL = "https://shop.example";

function setup() {
  let now = new Date("2026-05-01T12:00:00Z");
  const clock = { now: () => now };
  const db = openSqliteDatabase(":memory:");
  const store = new SqliteItemStore(db);
  const hasher = new ScryptPasswordHasher({ N: 2 ** 12, r: 8, p: 1 });
  const tokens = new JwtTokenIssuer({ secret: "s".repeat(40), clock, lifetimeSeconds: 3600 });
  const sent: MailMessage[] = [];
  const mailer: Mailer = {
    send: async (message) => {
      const sentNow = !sent.some((earlier) => earlier.id === message.id);
      if (sentNow) sent.push(message);
      return { messageId: `<${message.id}@test>`, sentNow };
    },
  };
  const shop = { shopName: "Test Bakery", publicUrl: PUBLIC_URL };
  const errors: string[] = [];
  const logger: Logger = {
    info: () => {},
    warn: () => {},
    error: (message) => {
      errors.push(message);
    },
    child: () => logger,
  };
  const deps = { store, hasher, tokens, ids: createUlidGenerator(clock), clock, mailer, shop, logger };
  const requestReset = makeRequestPasswordReset(deps);
  const confirmReset = makeConfirmPasswordReset(deps);
  return {
    ...deps,
    db,
    sent,
    /** Errors logged. */
    errors,
    signUp: makeSignUp(deps),
    signIn: makeSignIn(deps),
    requestReset: (email: string) => requestReset({ email }),
    confirmReset: (token: string, password: string) =>
      confirmReset(parseWith(PasswordResetConfirmBody, { token, password })),
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
    /** Every stored item but the throttle's count, to show a refusal changed nothing. */
    items: () =>
      db.prepare("SELECT pk, sk, data FROM items WHERE pk NOT LIKE 'PASSWORD_RESET_REQUESTS#%' ORDER BY pk, sk").all(),
  };
}

const ada = { email: "ada@example.com", password: "correct horse battery", name: "Ada" };
const NEW_PASSWORD = "a brand new password";

/** The token of the link in a reset e-mail. */
function tokenIn(message: MailMessage | undefined): string {
  const link = /https:\/\/shop\.example\/reset-password\?token=(\S+)/.exec(message?.text ?? "");
  if (!link?.[1]) throw new Error(`no reset link in ${message?.text}`);
  return decodeURIComponent(link[1]);
}

async function withAccount() {
  const t = setup();
  await t.signUp(parseWith(SignUpBody, ada));
  return t;
}

describe("password reset: asking for a link", () => {
  it("e-mails an account a single link built from the reset id, storing only a hash of its secret", async () => {
    const t = await withAccount();
    await t.requestReset("Ada@Example.com");
    expect(t.sent).toHaveLength(1);
    const [mail] = t.sent;
    const token = tokenIn(mail);
    const [resetId, secret] = token.split(".");
    expect(mail).toMatchObject({ id: `password-reset-${resetId}`, to: "ada@example.com" });
    expect(mail?.subject).toBe("Test Bakery: reset your password");
    expect(mail?.text).toContain("Hello Ada");
    expect(mail?.text).toContain("within the next hour");
    const stored = JSON.stringify(t.items());
    expect(stored).toContain(`PASSWORD_RESET#${resetId}`);
    expect(secret?.length).toBeGreaterThanOrEqual(32);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(token);
    // the item expires with the link: TTL (or the local sweep) removes it
    const item = await t.store.get({ pk: `PASSWORD_RESET#${resetId}`, sk: "RESET" });
    expect(item?.expiresAt).toBe(Date.parse("2026-05-01T13:00:00Z") / 1000);
  });

  it("sends nothing and stores no reset for an address without an account, answering the same", async () => {
    const t = await withAccount();
    const before = t.items();
    await expect(t.requestReset("nobody@example.com")).resolves.toBeUndefined();
    await expect(t.requestReset("ada@example.com")).resolves.toBeUndefined();
    expect(t.sent.map((mail) => mail.to)).toEqual(["ada@example.com"]);
    expect(
      t.items().filter((item) => !before.some((old) => JSON.stringify(old) === JSON.stringify(item))),
    ).toHaveLength(1);
    expect(JSON.stringify(t.items())).not.toContain("nobody@example.com");
  });

  it(`allows ${MAX_PASSWORD_RESETS} e-mails per address within an hour, counted for unknown addresses too, then refuses until the hour is over`, async () => {
    const t = await withAccount();
    for (let i = 0; i < MAX_PASSWORD_RESETS; i++) await t.requestReset("ada@example.com");
    t.advance(10 * 60);
    await expect(t.requestReset("ADA@example.com")).rejects.toMatchObject({
      code: "TOO_MANY_PASSWORD_RESETS",
      kind: "too_many_requests",
      details: { retryAfterSeconds: 50 * 60 },
    });
    expect(t.sent).toHaveLength(MAX_PASSWORD_RESETS);
    // the same answer for an address without an account: a 429 does not tell which addresses have one
    for (let i = 0; i < MAX_PASSWORD_RESETS; i++) await t.requestReset("nobody@example.com");
    await expect(t.requestReset("nobody@example.com")).rejects.toMatchObject({ code: "TOO_MANY_PASSWORD_RESETS" });
    t.advance(50 * 60);
    await t.requestReset("ada@example.com");
    expect(t.sent).toHaveLength(MAX_PASSWORD_RESETS + 1);
  });

  it("counts concurrent requests for one address exactly", async () => {
    const t = await withAccount();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => t.requestReset("ada@example.com")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(MAX_PASSWORD_RESETS);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
      expect(r.reason).toMatchObject({ code: "TOO_MANY_PASSWORD_RESETS" });
    }
    expect(t.sent).toHaveLength(MAX_PASSWORD_RESETS);
  });
});

describe("password reset: choosing the new password", () => {
  it("sets the new password and signs in with it; the old password stops working", async () => {
    const t = await withAccount();
    await t.requestReset("ada@example.com");
    const { token, user } = await t.confirmReset(tokenIn(t.sent[0]), NEW_PASSWORD);
    expect(user).toMatchObject({ email: "ada@example.com", name: "Ada", roles: ["customer"] });
    expect(user).not.toHaveProperty("passwordHash");
    expect(user).not.toHaveProperty("passwordVersion");
    expect(await t.tokens.verify(token)).toMatchObject({ sub: user.id, email: "ada@example.com" });
    await expect(t.signIn({ email: ada.email, password: ada.password })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    expect((await t.signIn({ email: ada.email, password: NEW_PASSWORD })).user.id).toBe(user.id);
    // the reset is gone with its use
    expect(JSON.stringify(t.items())).not.toContain("PASSWORD_RESET#");
    // and the account is told its password was changed, once
    const notices = t.sent.filter((mail) => mail.subject === "Test Bakery: your password was changed");
    expect(notices.map((mail) => mail.to)).toEqual(["ada@example.com"]);
    expect(notices[0]?.text).toContain(`${PUBLIC_URL}/forgot-password`);
  });

  it("answers the same when the reset e-mail cannot be sent (an error would tell that the account exists), and logs it", async () => {
    const t = await withAccount();
    t.mailer.send = async () => {
      throw new Error("SMTP down");
    };
    await expect(t.requestReset("ada@example.com")).resolves.toBeUndefined();
    expect(t.errors).toEqual(["password reset e-mail not sent"]);
  });

  it("changes the password even when the notice cannot be sent, and logs that it was not", async () => {
    const t = await withAccount();
    await t.requestReset("ada@example.com");
    const send = t.mailer.send;
    t.mailer.send = async (message) => {
      if (message.id.startsWith("password-changed-")) throw new Error("SMTP down");
      return send(message);
    };
    await t.confirmReset(tokenIn(t.sent[0]), NEW_PASSWORD);
    expect((await t.signIn({ email: ada.email, password: NEW_PASSWORD })).user.email).toBe("ada@example.com");
    expect(t.errors).toEqual(["password-changed notice not sent"]);
  });

  it("works once: the same token again is refused and changes nothing", async () => {
    const t = await withAccount();
    await t.requestReset("ada@example.com");
    const token = tokenIn(t.sent[0]);
    await t.confirmReset(token, NEW_PASSWORD);
    const after = t.items();
    await expect(t.confirmReset(token, "someone else's password")).rejects.toMatchObject({
      code: "RESET_TOKEN_INVALID",
      kind: "validation",
      fields: [{ path: "token" }],
    });
    expect(t.items()).toEqual(after);
    expect((await t.signIn({ email: ada.email, password: NEW_PASSWORD })).user.email).toBe("ada@example.com");
  });

  it("works once when two confirms race with the same token: one sets its password, the other is refused", async () => {
    for (let round = 0; round < 5; round++) {
      const t = await withAccount();
      await t.requestReset("ada@example.com");
      const token = tokenIn(t.sent[0]);
      const passwords = ["first new password", "second new password"];
      const results = await Promise.allSettled(passwords.map((password) => t.confirmReset(token, password)));
      const won = results.findIndex((r) => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won).toBeGreaterThanOrEqual(0);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toMatchObject({ code: "RESET_TOKEN_INVALID" });
      // the winner's password is the one that works
      expect((await t.signIn({ email: ada.email, password: passwords[won]! })).user.email).toBe(ada.email);
      await expect(t.signIn({ email: ada.email, password: passwords[1 - won]! })).rejects.toMatchObject({
        code: "INVALID_CREDENTIALS",
      });
    }
  });

  it("refuses an expired token and changes nothing", async () => {
    const t = await withAccount();
    await t.requestReset("ada@example.com");
    const token = tokenIn(t.sent[0]);
    t.advance(3601); // the local sweep or DynamoDB TTL may not have removed the item yet
    const before = t.items();
    await expect(t.confirmReset(token, NEW_PASSWORD)).rejects.toMatchObject({ code: "RESET_TOKEN_INVALID" });
    expect(t.items()).toEqual(before);
    expect((await t.signIn({ email: ada.email, password: ada.password })).user.email).toBe(ada.email);
  });

  it("accepts a token until its hour is over", async () => {
    const t = await withAccount();
    await t.requestReset("ada@example.com");
    t.advance(3599);
    await expect(t.confirmReset(tokenIn(t.sent[0]), NEW_PASSWORD)).resolves.toMatchObject({
      user: { email: ada.email },
    });
  });

  it("refuses tampered, unknown and malformed tokens alike, and changes nothing", async () => {
    const t = await withAccount();
    await t.requestReset("ada@example.com");
    const token = tokenIn(t.sent[0]);
    const [resetId = "", secret = ""] = token.split(".");
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    const before = t.items();
    const refused = [
      `${resetId}.${flip(secret, 5)}`, // another secret for the real reset
      `${flip(resetId, 20)}.${secret}`, // the real secret for another reset id
      `${resetId}.${secret}x`,
      `${resetId}${secret}`,
      `${resetId}.`,
      "not a token",
      `${resetId}.${secret}.${secret}`,
    ];
    for (const tampered of refused) {
      await expect(t.confirmReset(tampered, NEW_PASSWORD), tampered).rejects.toMatchObject({
        code: "RESET_TOKEN_INVALID",
      });
    }
    expect(t.items()).toEqual(before);
    // the real token still works after all that
    await expect(t.confirmReset(token, NEW_PASSWORD)).resolves.toMatchObject({ user: { email: ada.email } });
  });

  it("keeps an earlier link working after a new one is asked for, and voids every other link once one is used", async () => {
    const t = await withAccount();
    await t.requestReset("ada@example.com");
    await t.requestReset("ada@example.com");
    await t.requestReset("ada@example.com");
    const [first, second, third] = t.sent.map(tokenIn);
    await expect(t.confirmReset(first!, NEW_PASSWORD)).resolves.toMatchObject({ user: { email: ada.email } });
    for (const older of [second!, third!]) {
      await expect(t.confirmReset(older, "an attacker's password")).rejects.toMatchObject({
        code: "RESET_TOKEN_INVALID",
      });
    }
    expect((await t.signIn({ email: ada.email, password: NEW_PASSWORD })).user.email).toBe(ada.email);
    // a link asked for after the reset works
    t.advance(3600);
    await t.requestReset("ada@example.com");
    await expect(t.confirmReset(tokenIn(t.sent.at(-1)), "yet another password")).resolves.toMatchObject({
      user: { email: ada.email },
    });
  });

  it("ends a sign-in lock-out of the address", async () => {
    const t = await withAccount();
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      await t.signIn({ email: ada.email, password: "wrong password" }).catch(() => undefined);
    }
    await expect(t.signIn({ email: ada.email, password: ada.password })).rejects.toMatchObject({
      code: "TOO_MANY_SIGN_INS",
    });
    await t.requestReset("ada@example.com");
    await t.confirmReset(tokenIn(t.sent[0]), NEW_PASSWORD);
    expect((await t.signIn({ email: ada.email, password: NEW_PASSWORD })).user.email).toBe(ada.email);
  });

  it("requires a new password by sign-up's rules", () => {
    const token = "01JABCDEFGHJKMNPQRSTVWXYZ0.abcdefghijklmnopqrstuvwxyz012345";
    expect(() => parseWith(PasswordResetConfirmBody, { token, password: "short" })).toThrow(
      expect.objectContaining({ fields: [{ path: "password", message: "Use at least 10 characters" }] }),
    );
    expect(() => parseWith(PasswordResetConfirmBody, { token, password: "x".repeat(201) })).toThrow();
    expect(() => parseWith(PasswordResetConfirmBody, { token: "", password: NEW_PASSWORD })).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ path: "token" })] }),
    );
    expect(parseWith(PasswordResetConfirmBody, { token, password: NEW_PASSWORD })).toEqual({
      token,
      password: NEW_PASSWORD,
    });
  });

  it("stores the new password as a salted hash", async () => {
    const t = await withAccount();
    await t.requestReset("ada@example.com");
    await t.confirmReset(tokenIn(t.sent[0]), NEW_PASSWORD);
    const stored = await t.store.get(userKey(ada.email));
    expect(String(stored?.passwordHash)).toMatch(/^scrypt\$/);
    expect(JSON.stringify(stored)).not.toContain(NEW_PASSWORD);
    expect(stored).toMatchObject({ passwordVersion: 1, passwordChangedAt: "2026-05-01T12:00:00.000Z" });
  });
});
