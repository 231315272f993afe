import { UnauthenticatedError } from "../../domain/shared/errors.js";
import { type PublicUser, publicUser, type SignInBody } from "../../domain/users/user.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { PasswordHasher } from "../../ports/password-hasher.js";
import type { TokenIssuer } from "../../ports/token-issuer.js";
import { userFromItem, userKey } from "./user-items.js";

/** Verifies e-mail and password and issues a token. Unknown e-mail and wrong password look the same. */
export function makeSignIn({
  store,
  hasher,
  tokens,
}: {
  store: ItemStore;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
}) {
  let dummyHash: Promise<string> | undefined;
  return async (input: SignInBody): Promise<{ token: string; user: PublicUser }> => {
    const item = await store.get(userKey(input.email));
    const user = item ? userFromItem(item) : undefined;
    // Hash even for unknown e-mails, so the answer time does not tell which accounts exist.
    dummyHash ??= hasher.hash("not a real password");
    const valid = await hasher.verify(input.password, user?.passwordHash ?? (await dummyHash));
    if (!user || !valid) throw new UnauthenticatedError("Wrong e-mail or password", "INVALID_CREDENTIALS");
    const token = await tokens.issue({ sub: user.id, email: user.email, name: user.name, roles: user.roles });
    return { token, user: publicUser(user) };
  };
}
