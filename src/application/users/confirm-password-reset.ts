import {
  type PasswordResetConfirmBody,
  parseResetToken,
  resetTokenInvalid,
} from "../../domain/users/password-reset.js";
import { type PublicUser, publicUser } from "../../domain/users/user.js";
import type { Clock } from "../../ports/clock.js";
import { ConditionFailedError, epochSeconds, type ItemStore, when } from "../../ports/item-store.js";
import type { Logger } from "../../ports/logger.js";
import type { Mailer } from "../../ports/mailer.js";
import type { PasswordHasher } from "../../ports/password-hasher.js";
import type { TokenIssuer } from "../../ports/token-issuer.js";
import type { ShopSettings } from "../orders/pipeline/pipeline-deps.js";
import { passwordChangedEmail } from "./password-reset-email.js";
import { loadPasswordReset, passwordResetKey } from "./password-reset-items.js";
import { issueSession } from "./sessions.js";
import { makeSignInThrottle } from "./sign-in-throttle.js";
import { userFromItem, userKey } from "./user-items.js";

/** The account's password version is still `version` (absent counts as 0). */
const passwordVersionIs = (version: number) =>
  version === 0
    ? when.or(when.lacks("passwordVersion"), when.eq("passwordVersion", 0))
    : when.eq("passwordVersion", version);

/**
 * Sets a new password with the token from a reset link and signs the user in (the answer of sign-in).
 * The new password and the deletion of the reset commit in one transaction, on the conditions that the
 * reset still exists and has not expired and that the password was not reset since the link was asked
 * for: a link works once even when two confirms race, and a reset voids every older link of the account.
 * An unknown, tampered, expired or used token is refused with RESET_TOKEN_INVALID and changes nothing.
 * A successful reset also ends a sign-in lock-out of the address, and the account is e-mailed that its
 * password was changed. Every session signed in before ends (its token is refused from then on).
 */
export function makeConfirmPasswordReset({
  store,
  hasher,
  tokens,
  clock,
  mailer,
  shop,
  logger,
}: {
  store: ItemStore;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  clock: Clock;
  mailer: Mailer;
  shop: Pick<ShopSettings, "shopName" | "publicUrl">;
  logger: Logger;
}) {
  const signInThrottle = makeSignInThrottle({ store, clock });
  return async (input: PasswordResetConfirmBody): Promise<{ token: string; user: PublicUser }> => {
    const parsed = parseResetToken(input.token);
    if (!parsed) throw resetTokenInvalid();
    const now = clock.now();
    const nowSeconds = epochSeconds(now);
    const reset = await loadPasswordReset(store, parsed.resetId);
    // Past its expiry the reset is refused even while TTL has not removed it yet.
    if (!reset || reset.expiresAt < nowSeconds) throw resetTokenInvalid();
    if (!(await hasher.verify(parsed.secret, reset.secretHash))) throw resetTokenInvalid();
    const item = await store.get(userKey(reset.email));
    const user = item ? userFromItem(item) : undefined;
    const version = user?.passwordVersion ?? 0;
    if (!user || user.id !== reset.userId || version !== reset.passwordVersion) throw resetTokenInvalid();

    const passwordHash = await hasher.hash(input.password);
    try {
      await store.transact([
        {
          op: "update",
          key: userKey(user.email),
          update: {
            set: { passwordHash, passwordVersion: version + 1, passwordChangedAt: now.toISOString() },
            // Every session signed in before ends: a stolen session does not outlive the password.
            add: { sessionVersion: 1 },
          },
          condition: when.and(when.eq("id", user.id), passwordVersionIs(version)),
        },
        // Still there and not expired: the other of two racing confirms fails here, and nothing is written.
        { op: "delete", key: passwordResetKey(reset.resetId), condition: when.gte("expiresAt", nowSeconds) },
      ]);
    } catch (error) {
      if (error instanceof ConditionFailedError) throw resetTokenInvalid();
      throw error;
    }
    await signInThrottle.clear(user.email);
    // The password is changed whatever happens to this notice: a failed send is logged, not answered.
    const notice = passwordChangedEmail({ resetId: reset.resetId, to: user.email, name: user.name, ...shop });
    await mailer.send(notice).catch((error: unknown) => {
      logger.error("password-changed notice not sent", { error, userId: user.id });
    });
    // Read again for the session version the reset gave the account.
    const changed = await store.get(userKey(user.email));
    const signedIn = changed ? userFromItem(changed) : user;
    return { token: await issueSession(tokens, signedIn), user: publicUser(signedIn) };
  };
}
