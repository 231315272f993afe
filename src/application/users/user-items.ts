import type { User } from "../../domain/users/user.js";
import { type Item, type ItemKey, type ItemStore, itemAt } from "../../ports/item-store.js";

/** Where users live in the item store: keyed by their (lower-case) e-mail. */
export const userKey = (email: string): ItemKey => ({ pk: `USER#${email.toLowerCase()}`, sk: "USER" });

export const isUserKey = (key: ItemKey): boolean => key.sk === "USER" && key.pk.startsWith("USER#");

export const userIdPartition = (id: string) => `USER_ID#${id}`;

export function userToItem(user: User): Item {
  return itemAt(userKey(user.email), { gsi1pk: userIdPartition(user.id), gsi1sk: "USER" }, user);
}

export function userFromItem(item: Item): User {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...user } = item;
  return user as unknown as User;
}

/** A user by id (for notifications), through the id index. */
export async function findUserById(store: ItemStore, id: string): Promise<User | undefined> {
  const page = await store.query({ partition: userIdPartition(id), index: "gsi1", limit: 1 });
  return page.items[0] ? userFromItem(page.items[0]) : undefined;
}
