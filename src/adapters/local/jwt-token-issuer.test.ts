import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { JwtTokenIssuer } from "./jwt-token-issuer.js";

const secret = "s".repeat(40);
const claims = { sub: "usr_1", email: "ada@example.com", name: "Ada", roles: ["customer"], sessionVersion: 2 };

function setup(lifetimeSeconds?: number) {
  let now = new Date("2026-05-01T12:00:00Z");
  const clock = { now: () => now };
  const advance = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };
  return {
    clock,
    advance,
    tokens: new JwtTokenIssuer({ secret, clock, ...(lifetimeSeconds ? { lifetimeSeconds } : {}) }),
  };
}

const decode = (token: string) => JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

describe("JwtTokenIssuer", () => {
  it("issues HS256 tokens from issuer orderflow that verify to the same claims", async () => {
    const { tokens } = setup();
    const token = await tokens.issue(claims);
    expect(JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString())).toMatchObject({ alg: "HS256" });
    expect(decode(token)).toMatchObject({ iss: "orderflow", iat: 1777636800, exp: 1777636800 + 12 * 3600 });
    expect(await tokens.verify(token)).toEqual(claims);
  });

  it("refuses a token once its lifetime has passed on the injected clock", async () => {
    const { tokens, advance } = setup(60);
    const token = await tokens.issue(claims);
    advance(59);
    await expect(tokens.verify(token)).resolves.toEqual(claims);
    advance(1);
    await expect(tokens.verify(token)).rejects.toMatchObject({ name: "UnauthenticatedError", code: "TOKEN_EXPIRED" });
  });

  it("refuses tokens signed with another secret, tampered, from another issuer or not tokens at all", async () => {
    const { tokens, clock } = setup();
    const token = await tokens.issue(claims);
    const [header, , signature] = token.split(".");
    const escalated = Buffer.from(JSON.stringify({ ...decode(token), roles: ["admin"] })).toString("base64url");
    const forged = [
      await new JwtTokenIssuer({ secret: "x".repeat(40), clock }).issue(claims),
      `${header}.${escalated}.${signature}`,
      await sign({ ...decode(token), iss: "someone-else" }, secret, "HS256"),
      await sign({ ...decode(token), roles: "admin" }, secret, "HS256"),
      "not a token",
      // alg "none" and an algorithm switch are refused, whatever the header says.
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${escalated}.`,
      await sign({ ...decode(token) }, secret, "HS512"),
      `${token}.extra`,
    ];
    // The genuine token, verified (and remembered) first, lends nothing to tokens resembling it.
    expect(await tokens.verify(token)).toEqual(claims);
    for (const candidate of forged) {
      await expect(tokens.verify(candidate)).rejects.toMatchObject({ code: "INVALID_TOKEN" });
    }
  });

  it("reads a token without a session version (issued before versions) as version 0, and refuses a malformed one", async () => {
    const { tokens } = setup();
    const { sessionVersion: _version, ...unversioned } = claims;
    expect(await tokens.verify(await tokens.issue(unversioned))).toEqual({ ...unversioned, sessionVersion: 0 });
    for (const sessionVersion of [-1, 1.5, "2"]) {
      const token = await tokens.issue({ ...claims, sessionVersion } as never);
      await expect(tokens.verify(token)).rejects.toMatchObject({ code: "INVALID_TOKEN" });
    }
  });

  it("refuses a short secret", () => {
    expect(() => new JwtTokenIssuer({ secret: "short", clock: setup().clock })).toThrow(RangeError);
  });
});
