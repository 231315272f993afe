import { type PasswordResetRequestBody, resetToken } from "../../domain/users/password-reset.js";
import type { Clock, IdGenerator } from "../../ports/clock.js";
import { type ItemStore, when } from "../../ports/item-store.js";
import type { Logger } from "../../ports/logger.js";
import type { Mailer } from "../../ports/mailer.js";
import type { PasswordHasher } from "../../ports/password-hasher.js";
import type { ShopSettings } from "../orders/pipeline/pipeline-deps.js";
import { passwordResetEmail, passwordResetLink } from "./password-reset-email.js";
import { passwordResetItem } from "./password-reset-items.js";
import { makePasswordResetThrottle } from "./password-reset-throttle.js";
import { userFromItem, userKey } from "./user-items.js";

/**
 * Asks for a password reset link. An address with an account gets an e-mail with a single-use link valid
 * for an hour (`<resetId>.<secret>`; only a hash of the secret is stored); an unknown address gets
 * nothing, and the caller cannot tell the two apart (same answer, and the secret is hashed either way).
 * The e-mail is sent here, not through an event: the token must never travel in events, and the hash
 * stored cannot give it back to a consumer. Earlier links of the address keep working until they expire
 * or the password is reset with any of them. Throttled per address (password-reset-throttle.ts).
 */
export function makeRequestPasswordReset({
  store,
  hasher,
  ids,
  clock,
  mailer,
  shop,
  logger,
}: {
  store: ItemStore;
  hasher: PasswordHasher;
  ids: IdGenerator;
  clock: Clock;
  mailer: Mailer;
  shop: Pick<ShopSettings, "shopName" | "publicUrl">;
  logger: Logger;
}) {
  const throttle = makePasswordResetThrottle({ store, clock });
  return async ({ email }: PasswordResetRequestBody): Promise<void> => {
    await throttle.take(email);
    const item = await store.get(userKey(email));
    const user = item ? userFromItem(item) : undefined;
    const secret = ids.secret();
    const secretHash = await hasher.hash(secret);
    if (!user) return;
    const resetId = ids.next();
    const now = clock.now();
    const reset = {
      resetId,
      userId: user.id,
      email: user.email,
      secretHash,
      passwordVersion: user.passwordVersion ?? 0,
      createdAt: now.toISOString(),
    };
    await store.put(passwordResetItem(reset, now), when.notExists());
    const link = passwordResetLink(shop.publicUrl, resetToken(resetId, secret));
    // A failed send is logged, not answered: an error only accounts could get would tell who has one.
    await mailer
      .send(passwordResetEmail({ resetId, to: user.email, name: user.name, link, shopName: shop.shopName }))
      .catch((error: unknown) => logger.error("password reset e-mail not sent", { error, userId: user.id }));
  };
}
