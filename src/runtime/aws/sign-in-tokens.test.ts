import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CognitoTokenVerifier } from "../../adapters/aws/cognito-token-verifier.js";
import { JwtTokenIssuer } from "../../adapters/local/jwt-token-issuer.js";
import { systemClock } from "../../adapters/local/system-clock.js";
import { signInTokens } from "./sign-in-tokens.js";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = publicKey.export({ format: "jwk" });
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("sign-in tokens on AWS", () => {
  const own = new JwtTokenIssuer({ secret: "a-signing-secret-of-at-least-32-chars!", clock: systemClock });
  const cognito = new CognitoTokenVerifier({
    userPoolId: "eu-west-1_AbCdEf123",
    clientId: "web-client",
    jwks: { keys: [{ kty: "RSA", n: String(jwk.n), e: String(jwk.e), kid: "k1", alg: "RS256", use: "sig" }] },
  });
  const tokens = signInTokens(own, cognito);

  it("issues and verifies the app's own tokens", async () => {
    const claims = { sub: "usr_1", email: "ada@example.com", name: "Ada", roles: ["customer"] };
    expect(await tokens.verify(await tokens.issue(claims))).toMatchObject(claims);
  });

  it("verifies the user pool's ID tokens with the pool's keys, roles from the Cognito groups", async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = `${encode({ kid: "k1", alg: "RS256" })}.${encode({
      sub: "cog-1",
      iss: cognito.issuer,
      aud: "web-client",
      token_use: "id",
      email: "maker@example.com",
      "cognito:groups": ["maker"],
      iat: now,
      exp: now + 600,
    })}`;
    const token = `${body}.${sign("sha256", Buffer.from(body), privateKey).toString("base64url")}`;
    expect(await tokens.verify(token)).toEqual({
      sub: "cog-1",
      email: "maker@example.com",
      name: "maker@example.com",
      roles: ["maker"],
    });
    await expect(tokens.verify("garbage")).rejects.toMatchObject({ code: "INVALID_TOKEN" });
  });
});
