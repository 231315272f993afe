import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CognitoTokenVerifier } from "./cognito-token-verifier.js";

const USER_POOL_ID = "eu-west-1_AbCdEf123";
const CLIENT_ID = "4tcs0example0client0id0abc";
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`;

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const { n, e } = publicKey.export({ format: "jwk" });
const jwks = { keys: [{ kty: "RSA", n: String(n), e: String(e), kid: "key-1", alg: "RS256", use: "sig" }] };

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An ID token as Cognito issues it, signed with this test's key (kid `key-1` in the cached JWKS). */
function idToken(claims: Record<string, unknown> = {}, key = privateKey) {
  const now = Math.floor(Date.now() / 1000);
  const header = encode({ kid: "key-1", alg: "RS256" });
  const payload = encode({
    sub: "5f1c0a8e-1111-2222-3333-444455556666",
    "cognito:groups": ["seller", "beta-testers"],
    email_verified: true,
    iss: ISSUER,
    "cognito:username": "ada",
    aud: CLIENT_ID,
    token_use: "id",
    auth_time: now,
    email: "ada@example.com",
    name: "Ada Lovelace",
    iat: now,
    exp: now + 3600,
    ...claims,
  });
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), key).toString("base64url");
  return `${header}.${payload}.${signature}`;
}

describe("Cognito token verifier", () => {
  const verifier = new CognitoTokenVerifier({ userPoolId: USER_POOL_ID, clientId: CLIENT_ID, jwks });

  it("accepts an ID token of the pool and maps its groups to roles", async () => {
    expect(verifier.issuer).toBe(ISSUER);
    expect(await verifier.verify(idToken())).toEqual({
      sub: "5f1c0a8e-1111-2222-3333-444455556666",
      email: "ada@example.com",
      name: "Ada Lovelace",
      roles: ["seller"],
    });
  });

  it("refuses expired tokens, other clients, access tokens, other pools and forged signatures", async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    await expect(verifier.verify(idToken({ iat: past, exp: past + 3600 }))).rejects.toMatchObject({
      code: "TOKEN_EXPIRED",
    });
    await expect(verifier.verify(idToken({ aud: "another-client" }))).rejects.toMatchObject({ code: "INVALID_TOKEN" });
    await expect(verifier.verify(idToken({ token_use: "access" }))).rejects.toMatchObject({ code: "INVALID_TOKEN" });
    await expect(
      verifier.verify(idToken({ iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other" })),
    ).rejects.toMatchObject({ code: "INVALID_TOKEN" });
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    await expect(verifier.verify(idToken({}, forger))).rejects.toMatchObject({ code: "INVALID_TOKEN" });
    await expect(verifier.verify("not-a-jwt")).rejects.toMatchObject({ code: "INVALID_TOKEN" });
  });
});
