import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userKey } from "../../src/application/users/user-items.js";
import { addressesOf, readMailbox } from "../support/mailbox.js";
import { readSse } from "../support/sse-client.js";
import { orderBody, startTestServer, type TestServer } from "../support/test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ PUBLIC_URL: "https://bakery.example" });
});
afterAll(async () => {
  await server.close();
});

const GRACE = { email: "grace@example.com", password: "cobol all the way", name: "Grace Hopper" };

async function signIn(password = GRACE.password): Promise<string> {
  const answer = await server.api("/auth/sign-in", { body: { email: GRACE.email, password } });
  expect(answer.status).toBe(200);
  return answer.body.token;
}

/** What the API answers a token: 200 with the caller, or the error code of a refusal. */
async function whoIs(token: string): Promise<string> {
  const me = await server.api("/auth/me", { token });
  if (me.status === 200) {
    expect(me.body.name).toMatch(/\S/); // the account's name, for forms to fill in after a reload
    return me.body.email;
  }
  expect(me.status).toBe(401);
  expect(me.headers.get("www-authenticate")).toMatch(/^Bearer /);
  return me.body.error.code;
}

async function resetPassword(password: string): Promise<string> {
  expect((await server.api("/auth/password-reset", { body: { email: GRACE.email } })).status).toBe(202);
  const mails = (await readMailbox(server.config.mailDir)).filter(
    (mail) => addressesOf(mail).includes(GRACE.email) && mail.subject?.endsWith("reset your password"),
  );
  const link = /(https:\/\/bakery\.example\/reset-password\?token=\S+)/.exec(mails.at(-1)?.text ?? "")?.[1];
  const token = new URL(link ?? "https://bakery.example").searchParams.get("token") ?? "";
  const reset = await server.api("/auth/password-reset/confirm", { body: { token, password } });
  expect(reset.status).toBe(200);
  return reset.body.token;
}

describe("sessions end with the account's say-so", () => {
  beforeAll(async () => {
    expect((await server.api("/auth/sign-up", { body: GRACE })).status).toBe(201);
  });

  it("a password reset ends every session signed in before it; the reset's own session and later ones work", async () => {
    const laptop = await signIn();
    const phone = await signIn();
    expect(await whoIs(laptop)).toBe(GRACE.email);
    expect(await whoIs(phone)).toBe(GRACE.email);

    const afterReset = await resetPassword("a brand new password");
    expect(await whoIs(laptop)).toBe("SESSION_REVOKED");
    expect(await whoIs(phone)).toBe("SESSION_REVOKED");
    expect(await whoIs(afterReset)).toBe(GRACE.email);
    // not only /auth/me: every route that needs a signed-in caller refuses the ended session
    const orders = await server.api("/orders", { token: laptop });
    expect(orders.status).toBe(401);
    expect(orders.body.error.code).toBe("SESSION_REVOKED");
    expect(await whoIs(await signIn("a brand new password"))).toBe(GRACE.email);
    GRACE.password = "a brand new password";
  });

  it("sign out everywhere ends every session of the account, the caller's included, and no one else's", async () => {
    const laptop = await signIn();
    const phone = await signIn();
    const someoneElse = await server.tokenFor("customer");

    const out = await server.api("/auth/sign-out-everywhere", { method: "POST", token: laptop });
    expect(out.status).toBe(204);
    expect(await whoIs(laptop)).toBe("SESSION_REVOKED");
    expect(await whoIs(phone)).toBe("SESSION_REVOKED");
    expect(await whoIs(someoneElse)).toBe("customer@orderflow.local");

    // an ended session cannot end the new ones, and a guest cannot call it at all
    const fresh = await signIn();
    expect((await server.api("/auth/sign-out-everywhere", { method: "POST", token: phone })).status).toBe(401);
    expect((await server.api("/auth/sign-out-everywhere", { method: "POST" })).status).toBe(401);
    expect(await whoIs(fresh)).toBe(GRACE.email);
  });

  it("racing sign-outs all end the sessions before them; each bumps the account once", async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => signIn()));
    const before = Number((await server.runtime.store.get(userKey(GRACE.email)))?.sessionVersion ?? 0);
    const answers = await Promise.all(
      tokens.map((token) => server.api("/auth/sign-out-everywhere", { method: "POST", token })),
    );
    // each request is checked before its write: those that started before the first write bump it
    const ended = answers.filter((answer) => answer.status === 204).length;
    expect(ended).toBeGreaterThanOrEqual(1);
    expect(answers.every((answer) => answer.status === 204 || answer.body.error.code === "SESSION_REVOKED")).toBe(true);
    const after = Number((await server.runtime.store.get(userKey(GRACE.email)))?.sessionVersion);
    expect(after).toBe(before + ended);
    for (const token of tokens) expect(await whoIs(token)).toBe("SESSION_REVOKED");
  });

  it("a live order stream opened before the sessions ended gets nothing more and ends", async () => {
    const token = await signIn();
    const placed = await server.api("/orders", {
      body: orderBody({ customer: { name: GRACE.name, email: GRACE.email } }),
      token,
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.order.id as string;
    await server.idle();
    const started = Date.now();
    const seen: string[] = [];
    const streaming = readSse(`${server.url}/orders/${orderId}/events`, () => false, {
      headers: { authorization: `Bearer ${token}` },
      timeoutMs: 10_000,
      onEvent: (event) => seen.push(event.event),
    });
    await expect.poll(() => seen.includes("order_placed")).toBe(true);
    expect((await server.api("/auth/sign-out-everywhere", { method: "POST", token })).status).toBe(204);
    const maker = await server.tokenFor("maker");
    expect((await server.api(`/orders/${orderId}/fulfilled`, { method: "POST", token: maker })).status).toBe(200);
    await streaming;
    expect(Date.now() - started).toBeLessThan(9_000); // ended by the server, not by the reader's timeout
    expect(seen).not.toContain("order_fulfilled");
  });

  it("takes roles and the account as they are now: a removed role or account stops its tokens at once", async () => {
    const token = await signIn();
    const key = userKey(GRACE.email);
    await server.runtime.store.update(key, { set: { roles: ["customer", "maker"] } });
    expect((await server.api("/auth/me", { token })).body).toMatchObject({
      email: GRACE.email,
      name: GRACE.name,
      roles: ["customer", "maker"],
    });
    expect((await server.api("/orders?status=confirmed", { token })).status).toBe(200); // staff view
    await server.runtime.store.update(key, { set: { roles: ["customer"] } });
    expect((await server.api("/auth/me", { token })).body.roles).toEqual(["customer"]);

    await server.runtime.store.delete(key);
    expect(await whoIs(token)).toBe("SESSION_REVOKED");
  });

  it("a token issued before sessions had versions counts as version 0 and ends like the others", async () => {
    const account = { email: "alan@example.com", password: "enigma machine 1", name: "Alan Turing" };
    const signedUp = await server.api("/auth/sign-up", { body: account });
    const { id, email, name, roles } = signedUp.body;
    const legacy = await server.runtime.tokens.issue({ sub: id, email, name, roles });
    expect(await whoIs(legacy)).toBe(account.email);
    expect((await server.api("/auth/sign-out-everywhere", { method: "POST", token: legacy })).status).toBe(204);
    expect(await whoIs(legacy)).toBe("SESSION_REVOKED");
  });
});
