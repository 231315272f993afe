import { ConflictError } from "../../domain/shared/errors.js";
import { type PublicUser, publicUser, type Role, type User } from "../../domain/users/user.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import { ConditionFailedError, type ItemStore, when } from "../../ports/item-store.js";
import type { PasswordHasher } from "../../ports/password-hasher.js";
import { userToItem } from "./user-items.js";

export interface UserDeps {
  store: ItemStore;
  hasher: PasswordHasher;
  ids: IdGenerator;
  clock: Clock;
}

/** Stores a new user with a hashed password; the e-mail is claimed with a conditional put. */
export async function createUser(
  { store, hasher, ids, clock }: UserDeps,
  input: { email: string; password: string; name: string; roles: Role[] },
): Promise<PublicUser> {
  const user: User = {
    id: `usr_${ids.next()}`,
    email: input.email.toLowerCase(),
    name: input.name,
    roles: input.roles,
    passwordHash: await hasher.hash(input.password),
    createdAt: clock.now().toISOString(),
  };
  try {
    await store.put(userToItem(user), when.notExists());
  } catch (error) {
    if (error instanceof ConditionFailedError) {
      const message = "An account with this e-mail already exists";
      throw new ConflictError("EMAIL_TAKEN", message, { cause: error, fields: [{ path: "email", message }] });
    }
    throw error;
  }
  return publicUser(user);
}
