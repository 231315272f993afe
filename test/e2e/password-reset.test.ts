import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ PUBLIC_URL: "https://bakery.example" });
});
afterAll(async () => {
  await server.close();
});

const ADA = { email: "ada@example.com", password: "correct horse battery", name: "Ada Lovelace" };
const NEW_PASSWORD = "difference engine no 2";

/** The reset e-mails the local mailer wrote as .eml files for an address, parsed. */
async function resetMailsTo(address: string) {
  return (await readMailbox(server.config.mailDir)).filter(
    (mail) => addressesOf(mail).includes(address) && mail.subject === "Orderflow Bakery: reset your password",
  );
}

/** The token of the reset link in an e-mail's text. */
function tokenOf(text: string | undefined): string {
  const link = /(https:\/\/bakery\.example\/reset-password\?token=\S+)/.exec(text ?? "")?.[1];
  if (!link) throw new Error(`no reset link in ${text}`);
  return new URL(link).searchParams.get("token") ?? "";
}

const signIn = (password: string) => server.api("/auth/sign-in", { body: { email: ADA.email, password } });

describe("password reset over HTTP", () => {
  it("e-mails a link to an account only, answering every address the same, and the link sets a new password once", async () => {
    expect((await server.api("/auth/sign-up", { body: ADA })).status).toBe(201);

    const known = await server.api("/auth/password-reset", { body: { email: "Ada@Example.com" } });
    const unknown = await server.api("/auth/password-reset", { body: { email: "nobody@example.com" } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(known.body.message).toMatch(/^If an account exists/);
    expect(await resetMailsTo("nobody@example.com")).toHaveLength(0);

    const [mail, ...others] = await resetMailsTo(ADA.email);
    expect(others).toHaveLength(0);
    expect(mail?.text).toContain("Hello Ada Lovelace");
    expect(mail?.from?.text).toContain("shop@orderflow.local");
    const token = tokenOf(mail?.text);
    const [resetId] = token.split(".");
    expect(mail?.file).toBe(`password-reset-${resetId}.eml`);
    expect(mail?.messageId).toBe(`<password-reset-${resetId}@orderflow.local>`);

    // the new password follows sign-up's rules; a refusal leaves the token usable
    const short = await server.api("/auth/password-reset/confirm", { body: { token, password: "short" } });
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({ code: "VALIDATION_FAILED", fields: [{ path: "password" }] });

    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    const forged = await server.api("/auth/password-reset/confirm", {
      body: { token: tampered, password: NEW_PASSWORD },
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error).toMatchObject({ code: "RESET_TOKEN_INVALID", fields: [{ path: "token" }] });
    expect((await signIn(ADA.password)).status).toBe(200);

    // answers like sign-in: a token for the account, which the API accepts
    const reset = await server.api("/auth/password-reset/confirm", { body: { token, password: NEW_PASSWORD } });
    expect(reset.status).toBe(200);
    expect(reset.body.user).toMatchObject({ email: ADA.email, name: ADA.name, roles: ["customer"] });
    expect(Object.keys(reset.body.user).sort()).toEqual(["createdAt", "email", "id", "name", "roles"]);
    const me = await server.api("/auth/me", { token: reset.body.token });
    expect(me.body).toMatchObject({ id: reset.body.user.id, email: ADA.email });

    expect((await signIn(ADA.password)).status).toBe(401);
    expect((await signIn(NEW_PASSWORD)).status).toBe(200);

    const again = await server.api("/auth/password-reset/confirm", {
      body: { token, password: "a third password here" },
    });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe("RESET_TOKEN_INVALID");
    expect((await signIn(NEW_PASSWORD)).status).toBe(200);
  });

  it("replays a request retried with its Idempotency-Key (one e-mail), ignores a stale bearer token, and throttles an address at three e-mails an hour", async () => {
    const before = (await resetMailsTo(ADA.email)).length; // one from the test above
    const headers = { "idempotency-key": "forgot-1", authorization: "Bearer stale.token.here" };
    const first = await server.api("/auth/password-reset", { body: { email: ADA.email }, headers });
    const retry = await server.api("/auth/password-reset", { body: { email: ADA.email }, headers });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await resetMailsTo(ADA.email)).toHaveLength(before + 1);

    expect((await server.api("/auth/password-reset", { body: { email: ADA.email } })).status).toBe(202);
    const throttled = await server.api("/auth/password-reset", { body: { email: ADA.email } });
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe("TOO_MANY_PASSWORD_RESETS");
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(3000);
    expect(await resetMailsTo(ADA.email)).toHaveLength(3);

    // an address without an account is counted the same, so a 429 tells nothing about accounts
    for (let i = 0; i < 2; i++) {
      expect((await server.api("/auth/password-reset", { body: { email: "nobody@example.com" } })).status).toBe(202);
    }
    expect((await server.api("/auth/password-reset", { body: { email: "nobody@example.com" } })).status).toBe(429);

    // the links still work: a confirm retried with its key after a lost answer replays the sign-in
    const token = tokenOf((await resetMailsTo(ADA.email)).at(-1)?.text);
    const confirm = { body: { token, password: "yet another password" }, headers: { "idempotency-key": "reset-1" } };
    const confirmed = await server.api("/auth/password-reset/confirm", confirm);
    const replayed = await server.api("/auth/password-reset/confirm", confirm);
    expect(confirmed.status).toBe(200);
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(replayed.body).toEqual(confirmed.body);
    const reused = await server.api("/auth/password-reset/confirm", { body: confirm.body });
    expect(reused.body.error.code).toBe("RESET_TOKEN_INVALID");
  });

  it("refuses bad requests with field errors", async () => {
    const bad = await server.api("/auth/password-reset", { body: { email: "not an address", extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["email", "extra"]);
    const noToken = await server.api("/auth/password-reset/confirm", { body: { password: NEW_PASSWORD } });
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.fields).toEqual([expect.objectContaining({ path: "token" })]);
  });
});
