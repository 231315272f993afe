import type { User } from "../../domain/users/user.js";
import type { Item, ItemKey } from "../../ports/item-store.js";

/** Where users live in the item store: keyed by their (lower-case) e-mail. */
export const userKey = (email: string): ItemKey => ({ pk: `USER#${email.toLowerCase()}`, sk: "USER" });

export function userToItem(user: User): Item {
  return { ...userKey(user.email), ...user };
}

export function userFromItem(item: Item): User {
  const { pk: _pk, sk: _sk, ...user } = item;
  return user as unknown as User;
}
