import type { Role } from "../../domain/users/user.js";
import type { ItemStore } from "../../ports/item-store.js";
import { createUser, type UserDeps } from "./create-user.js";
import { userKey } from "./user-items.js";

/** Creates an account with the given roles unless the e-mail exists (seeds the demo staff accounts). */
export function makeEnsureUser(deps: UserDeps & { store: ItemStore }) {
  return async (input: { email: string; password: string; name: string; roles: Role[] }): Promise<boolean> => {
    if (await deps.store.get(userKey(input.email))) return false;
    try {
      await createUser(deps, input);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === "EMAIL_TAKEN") return false;
      throw error;
    }
  };
}
