/** Who is calling: a signed-in user with roles, or a guest (no user id, maybe a tracking token). */
export interface Actor {
  userId?: string;
  email?: string;
  /** The signed-in user's name, as the account has it now. */
  name?: string;
  roles: readonly string[];
  /** A guest's order tracking token, from the tracking link. */
  trackingToken?: string;
}

export const guest: Actor = { roles: [] };

export function hasRole(actor: Actor, ...roles: string[]): boolean {
  return roles.some((role) => actor.roles.includes(role));
}
