import type { MiddlewareHandler } from "hono";
import { hasRole } from "../../domain/shared/actor.js";
import { ForbiddenError, UnauthenticatedError } from "../../domain/shared/errors.js";
import type { HttpEnv } from "./http-env.js";

/** 401 for guests, 403 for users without one of `roles`. */
export function requireRole(...roles: string[]): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const actor = c.get("actor");
    if (!actor.userId) throw new UnauthenticatedError();
    if (!hasRole(actor, ...roles)) throw new ForbiddenError(`This needs the ${roles.join(" or ")} role`);
    await next();
  };
}
