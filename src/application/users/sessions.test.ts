import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import type { TokenClaims, TokenIssuer } from "../../ports/token-issuer.js";
import { makeResolveActor, makeSignOutEverywhere } from "./sessions.js";

/** A token issuer that verifies every token to fixed claims (as the Cognito verifier answers). */
const verifiesTo = (claims: TokenClaims): TokenIssuer => ({
  issue: async () => "token",
  verify: async () => claims,
});

describe("sessions of outside identity providers", () => {
  it("takes a Cognito token (no session version) as verified, with its own roles, without reading an account", async () => {
    const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
    let reads = 0;
    const counted = Object.assign(Object.create(store), {
      get: (...args: Parameters<typeof store.get>) => {
        reads++;
        return store.get(...args);
      },
    }) as typeof store;
    const claims = { sub: "cognito-sub", email: "staff@example.com", name: "Staff", roles: ["maker"] };
    const actor = await makeResolveActor({ tokens: verifiesTo(claims), store: counted })("token");
    expect(actor).toEqual({ userId: "cognito-sub", email: "staff@example.com", name: "Staff", roles: ["maker"] });
    expect(reads).toBe(0);

    // with no account of this app to end, sign out everywhere says where sessions are ended instead
    await expect(makeSignOutEverywhere({ store })(actor)).rejects.toMatchObject({ code: "NOT_AN_APP_ACCOUNT" });
    expect(await store.get({ pk: "USER#staff@example.com", sk: "USER" })).toBeUndefined(); // nothing half-made
  });
});
