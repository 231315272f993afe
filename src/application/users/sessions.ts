import type { Actor } from "../../domain/shared/actor.js";
import { ConflictError, UnauthenticatedError } from "../../domain/shared/errors.js";
import type { User } from "../../domain/users/user.js";
import { ConditionFailedError, type ItemStore, when } from "../../ports/item-store.js";
import type { TokenIssuer } from "../../ports/token-issuer.js";
import { userFromItem, userKey } from "./user-items.js";

const sessionEnded = () =>
  new UnauthenticatedError("You were signed out of this account; sign in again", "SESSION_REVOKED");

/** A bearer token for `user`, good while the account's session version stays what it is now. */
export function issueSession(tokens: TokenIssuer, user: User): Promise<string> {
  const { id, email, name, roles } = user;
  return tokens.issue({ sub: id, email, name, roles, sessionVersion: user.sessionVersion ?? 0 });
}

/**
 * Turns a bearer token into the signed-in actor. A token this app issued is checked against its account
 * as stored now: refused (401 SESSION_REVOKED) once the account's sessions were ended (password reset,
 * sign out everywhere) or the account is gone, and carrying the account's roles of this moment, so a
 * role taken away stops working at once. Tokens of an outside identity provider (Cognito: no session
 * version) are taken as verified; that provider ends their sessions.
 */
export function makeResolveActor({ tokens, store }: { tokens: TokenIssuer; store: ItemStore }) {
  return async (token: string): Promise<Actor> => {
    const claims = await tokens.verify(token);
    if (claims.sessionVersion === undefined) {
      return { userId: claims.sub, email: claims.email, name: claims.name, roles: claims.roles };
    }
    const item = await store.get(userKey(claims.email));
    const user = item ? userFromItem(item) : undefined;
    if (!user || user.id !== claims.sub || (user.sessionVersion ?? 0) !== claims.sessionVersion) throw sessionEnded();
    return { userId: user.id, email: user.email, name: user.name, roles: [...user.roles] };
  };
}

/**
 * Ends every session of the caller's account, this one included: each token issued so far is refused
 * from now on. Only for accounts of this app (a Cognito sign-in is ended with Cognito).
 */
export function makeSignOutEverywhere({ store }: { store: ItemStore }) {
  return async (actor: Actor): Promise<void> => {
    if (!actor.userId || !actor.email) throw new UnauthenticatedError();
    try {
      await store.update(userKey(actor.email), { add: { sessionVersion: 1 } }, when.eq("id", actor.userId));
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      throw new ConflictError(
        "NOT_AN_APP_ACCOUNT",
        "This account signs in through the identity provider; sign out there to end its sessions",
      );
    }
  };
}
