import { UnauthenticatedError } from "../../domain/shared/errors.js";
import { type PublicUser, publicUser, type SignInBody } from "../../domain/users/user.js";
import type { Clock } from "../../ports/clock.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { PasswordHasher } from "../../ports/password-hasher.js";
import type { TokenIssuer } from "../../ports/token-issuer.js";
import { issueSession } from "./sessions.js";
import { makeSignInThrottle } from "./sign-in-throttle.js";
import { userFromItem, userKey } from "./user-items.js";

const INVALID_CREDENTIALS_MESSAGE = "Wrong e-mail or password";

/**
 * Verifies e-mail and password and issues a token. Unknown e-mail and wrong password look the same;
 * repeated wrong passwords for one address are throttled (sign-in-throttle.ts).
 */
export function makeSignIn({
  store,
  hasher,
  tokens,
  clock,
}: {
  store: ItemStore;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  clock: Clock;
}) {
  const throttle = makeSignInThrottle({ store, clock });
  // Unknown e-mails are verified against this hash, so the answer time does not tell which accounts exist.
  // Made up front (with the same parameters as real hashes) so that even the first such sign-in is not slower.
  const dummyHash = hasher.hash("no account has this password");
  dummyHash.catch(() => undefined); // a failure surfaces when a sign-in awaits it, not as an unhandled rejection
  return async (input: SignInBody): Promise<{ token: string; user: PublicUser }> => {
    await throttle.attempt(input.email);
    const item = await store.get(userKey(input.email));
    const user = item ? userFromItem(item) : undefined;
    const valid = await hasher.verify(input.password, user?.passwordHash ?? (await dummyHash));
    if (!user || !valid) throw new UnauthenticatedError(INVALID_CREDENTIALS_MESSAGE, "INVALID_CREDENTIALS");
    await throttle.clear(input.email);
    return { token: await issueSession(tokens, user), user: publicUser(user) };
  };
}
