import type { MiddlewareHandler } from "hono";
import type { Actor } from "../../domain/shared/actor.js";
import type { HttpEnv } from "./http-env.js";

/** Turns a bearer token into claims; the local runtime verifies its own JWTs, AWS trusts Cognito's. */
export type ActorResolver = (bearerToken: string) => Promise<Actor>;

/**
 * Sets `actor`: the signed-in user, or a guest (who may carry a tracking token in `?token=`). A bearer
 * token that does not verify is refused (401), except on the paths `ignoresCredentials` names.
 */
export function actorMiddleware(
  resolve: ActorResolver,
  ignoresCredentials: (path: string) => boolean = () => false,
): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const header = ignoresCredentials(c.req.path) ? undefined : c.req.header("authorization");
    const trackingToken = c.req.query("token");
    let actor: Actor = { roles: [] };
    c.set("stillSignedIn", async () => true);
    if (header) {
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? "";
      actor = await resolve(token);
      c.set("stillSignedIn", () =>
        resolve(token).then(
          () => true,
          () => false,
        ),
      );
    }
    c.set("actor", trackingToken ? { ...actor, trackingToken } : actor);
    await next();
  };
}
