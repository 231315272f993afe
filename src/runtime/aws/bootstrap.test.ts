import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDynalite } from "../../../test/support/dynalite.js";
import { DynamoDbItemStore } from "../../adapters/aws/dynamodb-item-store.js";
import { JwtTokenIssuer } from "../../adapters/local/jwt-token-issuer.js";
import { ScryptPasswordHasher } from "../../adapters/local/scrypt-password-hasher.js";
import { createUlidGenerator, systemClock } from "../../adapters/local/system-clock.js";
import { makeListProducts } from "../../application/catalog/list-products.js";
import { makeSignIn } from "../../application/users/sign-in.js";
import { bootstrapShop, newPassword, parseStaffAccount } from "./bootstrap.js";

describe("bootstrapping a deployed shop (on dynalite, a table shaped like the deploy's)", () => {
  let dynamodb: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    dynamodb = await startDynalite();
  });
  afterAll(() => dynamodb.close());

  it("creates staff accounts that can sign in and the default catalog, and leaves both alone when run again", async () => {
    await dynamodb.createTable("shop");
    const store = new DynamoDbItemStore({ client: dynamodb.client(), tableName: "shop" });
    const hasher = new ScryptPasswordHasher();
    const deps = { store, hasher, ids: createUlidGenerator(), clock: systemClock };
    const accounts = ["Admin@Shop.example:admin", "maker@shop.example:maker"].map(parseStaffAccount);

    const first = await bootstrapShop(deps, { accounts, seedCatalog: true });
    expect(first.created.map(({ email, role }) => [email, role])).toEqual([
      ["admin@shop.example", "admin"],
      ["maker@shop.example", "maker"],
    ]);
    expect(first.products).toBe(10);
    const tokens = new JwtTokenIssuer({ secret: "a-test-secret-of-at-least-32-characters", clock: systemClock });
    const signIn = makeSignIn({ ...deps, tokens });
    const admin = first.created[0]!;
    const signedIn = await signIn({ email: admin.email, password: admin.password });
    expect(signedIn.user.roles).toEqual(["admin"]);
    expect((await makeListProducts({ store })({ limit: 100 })).items).toHaveLength(10);

    const again = await bootstrapShop(deps, { accounts, seedCatalog: true });
    expect(again).toEqual({ created: [], existing: accounts, products: 0 });
    // The first password still works: an existing account is never changed.
    expect((await signIn({ email: admin.email, password: admin.password })).user.email).toBe(admin.email);
  });

  it("reads accounts as email:role and names what is wrong", () => {
    expect(parseStaffAccount(" courier@shop.example : courier ")).toEqual({
      email: "courier@shop.example",
      role: "courier",
    });
    expect(() => parseStaffAccount("admin@shop.example")).toThrow(/email:role/);
    expect(() => parseStaffAccount("nobody:admin")).toThrow(/email:role/);
    expect(() => parseStaffAccount("boss@shop.example:owner")).toThrow(/customer, maker, courier, seller, admin/);
    expect(newPassword()).toMatch(/^[\w-]{24}$/);
    expect(newPassword()).not.toBe(newPassword());
  });
});
