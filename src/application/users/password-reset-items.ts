import { RESET_TOKEN_LIFETIME_SECONDS } from "../../domain/users/password-reset.js";
import { expiresAfter, type Item, type ItemKey, type ItemStore, itemAt } from "../../ports/item-store.js";

/** A pending password reset: whose it is and a hash of its link's secret (never the secret itself). */
export interface PasswordReset {
  resetId: string;
  userId: string;
  /** The account's key (its lower-case e-mail). */
  email: string;
  secretHash: string;
  /** The account's password version when the link was asked for: a later reset voids the link. */
  passwordVersion: number;
  createdAt: string;
  /** Epoch seconds: the link stops working then, and TTL removes the item. */
  expiresAt: number;
}

export const passwordResetKey = (resetId: string): ItemKey => ({ pk: `PASSWORD_RESET#${resetId}`, sk: "RESET" });

export function passwordResetItem(reset: Omit<PasswordReset, "expiresAt">, now: Date): Item {
  return itemAt(passwordResetKey(reset.resetId), reset, {
    expiresAt: expiresAfter(now, RESET_TOKEN_LIFETIME_SECONDS),
  });
}

export async function loadPasswordReset(store: ItemStore, resetId: string): Promise<PasswordReset | undefined> {
  const item = await store.get(passwordResetKey(resetId));
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...reset } = item;
  return reset as unknown as PasswordReset;
}
