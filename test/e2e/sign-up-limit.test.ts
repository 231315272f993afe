import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.js";

/** A clock the test moves past the hour a spent allowance lasts. */
const offset = { ms: 0 };
const clock = { now: () => new Date(Date.now() + offset.ms) };

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ SIGN_UPS_PER_HOUR: "3" }, { clock });
});
afterAll(async () => {
  await server.close();
});

const account = (n: string) => ({ email: `limit-${n}@example.com`, password: "a long enough password", name: n });

/** POST /auth/sign-up from another loopback address (the socket's local address is the server's client address). */
function signUpFrom(localAddress: string, body: unknown) {
  const url = new URL("/auth/sign-up", server.url);
  const payload = JSON.stringify(body);
  return new Promise<{ status: number; body: { error?: { code: string } } }>((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": payload.length },
      },
      (incoming) => {
        let text = "";
        incoming.on("data", (chunk) => {
          text += chunk;
        });
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(payload);
  });
}

describe("sign-ups per client address", () => {
  it("allows SIGN_UPS_PER_HOUR valid sign-ups (taken addresses included) from one address, then 429 until the hour is over", async () => {
    // Invalid bodies are refused before the allowance is looked at: they take none.
    for (let i = 0; i < 5; i++) {
      expect((await server.api("/auth/sign-up", { body: { email: "not an address" } })).status).toBe(400);
    }
    expect((await server.api("/auth/sign-up", { body: account("a") })).status).toBe(201);
    // Probing an address that has an account counts like a sign-up.
    expect((await server.api("/auth/sign-up", { body: account("a") })).status).toBe(409);
    expect((await server.api("/auth/sign-up", { body: account("b") })).status).toBe(201);

    // X-Forwarded-For is not taken from a client unless TRUST_PROXY says a proxy sets it.
    const refused = await server.api("/auth/sign-up", {
      body: account("c"),
      headers: { "x-forwarded-for": "198.51.100.1" },
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("TOO_MANY_SIGN_UPS");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Nothing was stored for the refused sign-up.
    const { email, password } = account("c");
    expect((await server.api("/auth/sign-in", { body: { email, password } })).status).toBe(401);

    // Another address has its own allowance.
    expect((await signUpFrom("127.0.0.2", account("d"))).status).toBe(201);

    offset.ms += 3_601_000;
    expect((await server.api("/auth/sign-up", { body: account("c") })).status).toBe(201);
  });

  it("refuses a burst of parallel sign-ups beyond the allowance, however they interleave", async () => {
    const results = await Promise.all(["e", "f", "g", "h", "i", "j"].map((n) => signUpFrom("127.0.0.3", account(n))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429)).toHaveLength(3);
  });

  it("behind a trusted proxy, tells clients apart by the address it appended to X-Forwarded-For", async () => {
    const proxied = await startTestServer({ SIGN_UPS_PER_HOUR: "1", TRUST_PROXY: "true" });
    try {
      const from = (forwardedFor: string, n: string) =>
        proxied.api("/auth/sign-up", { body: account(n), headers: { "x-forwarded-for": forwardedFor } });
      expect((await from("203.0.113.5", "proxied-1")).status).toBe(201);
      // A client cannot pass for another by sending its own header: the proxy appends what it saw.
      expect((await from("198.51.100.77, 203.0.113.5", "proxied-2")).status).toBe(429);
      expect((await from("203.0.113.6", "proxied-3")).status).toBe(201);
    } finally {
      await proxied.close();
    }
  });
});
