import { randomBytes } from "node:crypto";
import { makeCreateProduct } from "../../application/catalog/create-product.js";
import { makeSeedCatalog } from "../../application/catalog/seed-catalog.js";
import { makeEnsureUser } from "../../application/users/ensure-user.js";
import { ROLES, type Role } from "../../domain/users/user.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { PasswordHasher } from "../../ports/password-hasher.js";

/** An account to create: its e-mail and role (`admin@shop.example:admin`). */
export interface StaffAccount {
  email: string;
  role: Role;
}

/** Reads `email:role`, naming what is wrong. */
export function parseStaffAccount(text: string): StaffAccount {
  const at = text.lastIndexOf(":");
  const email = text.slice(0, at).trim().toLowerCase();
  const role = text.slice(at + 1).trim();
  if (at < 1 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Error(`"${text}": give an account as email:role, e.g. admin@shop.example:admin`);
  }
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new Error(`"${text}": the role must be one of ${ROLES.join(", ")}`);
  }
  return { email, role: role as Role };
}

/** A password to hand to a new staff member once: 18 random bytes, URL-safe (24 characters). */
export const newPassword = () => randomBytes(18).toString("base64url");

/**
 * What a fresh deployment needs before anyone can work in it, which `npm start` seeds locally: staff
 * accounts (sign-up only ever makes customers) and, if asked, the default catalog. Safe to run again:
 * an existing account is left as it is (its password unchanged), and the catalog is seeded only into
 * an empty one.
 */
export async function bootstrapShop(
  deps: { store: ItemStore; hasher: PasswordHasher; ids: IdGenerator; clock: Clock },
  input: { accounts: StaffAccount[]; seedCatalog: boolean; password?: () => string },
): Promise<{ created: Array<StaffAccount & { password: string }>; existing: StaffAccount[]; products: number }> {
  const ensureUser = makeEnsureUser(deps);
  const created: Array<StaffAccount & { password: string }> = [];
  const existing: StaffAccount[] = [];
  for (const account of input.accounts) {
    const password = (input.password ?? newPassword)();
    const name = account.email.split("@")[0] ?? account.email;
    if (await ensureUser({ email: account.email, name, password, roles: [account.role] })) {
      created.push({ ...account, password });
    } else existing.push(account);
  }
  const seedCatalog = makeSeedCatalog({ store: deps.store, createProduct: makeCreateProduct(deps) });
  const products = input.seedCatalog ? await seedCatalog() : 0;
  return { created, existing, products };
}
