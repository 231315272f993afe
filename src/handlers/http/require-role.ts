import type { MiddlewareHandler } from "hono";
import { hasRole } from "../../domain/shared/actor.js";
import { ForbiddenError, UnauthenticatedError } from "../../domain/shared/errors.js";
import type { HttpEnv } from "./http-env.js";
import type { RouteMatcher } from "./registered-routes.js";

/** 401 for guests, 403 for users without one of `roles`. */
export function requireRole(...roles: string[]): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const actor = c.get("actor");
    if (!actor.userId) throw new UnauthenticatedError();
    if (!hasRole(actor, ...roles)) throw new ForbiddenError(`This needs the ${roles.join(" or ")} role`);
    await next();
  };
}

/** 401 for guests. */
const requireSignedIn: MiddlewareHandler<HttpEnv> = async (c, next) => {
  if (!c.get("actor").userId) throw new UnauthenticatedError();
  await next();
};

/**
 * App-wide: a guest's request to a route documented for signed-in users is refused (401) before any
 * app-wide middleware reads it (its body, its Idempotency-Key), as the route's own part would refuse it.
 */
export function refuseGuestsOn(signedInOnly: RouteMatcher): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    if (!c.get("actor").userId && signedInOnly(c.req.method, c.req.path)) throw new UnauthenticatedError();
    await next();
  };
}

const bearerAuth = [{ bearerAuth: [] }];

/**
 * Route parts of an operation for signed-in users: documented as taking a bearer token, and a guest is
 * refused (401) before the request is validated, so no one learns the shape of a request they may not send.
 */
export const signedInOnly = { security: bearerAuth, middleware: [requireSignedIn] };

/** Route parts of an operation for users with one of `roles`, refused before validation: 401 for guests, 403 for the rest. */
export const rolesOnly = (...roles: string[]) => ({ security: bearerAuth, middleware: [requireRole(...roles)] });
