import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HttpEnv } from "./http-env.js";
import type { RouteMatcher } from "./idempotency-middleware.js";
import { errorResponses, idempotencyKeyParameter } from "./schemas.js";

/** The methods whose requests the idempotency middleware serves, and on whose routes the header is documented. */
export const IDEMPOTENT_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;

type RegisteredRoute = Extract<
  OpenAPIHono<HttpEnv>["openAPIRegistry"]["definitions"][number],
  { type: "route" }
>["route"];

function routesOf(app: OpenAPIHono<HttpEnv>): RegisteredRoute[] {
  return app.openAPIRegistry.definitions.flatMap((definition) =>
    definition.type === "route" ? [definition.route] : [],
  );
}

const isIdempotent = (method: string) => (IDEMPOTENT_METHODS as readonly string[]).includes(method.toUpperCase());

/**
 * Documents what the app-wide middleware adds to every route, once all routes are registered, so the
 * document and the middleware cannot disagree: the `Idempotency-Key` header and its refusals (400, 409,
 * 422) on mutating routes, 401 for a bearer token that does not verify (all but the credential routes),
 * 400 where a request has parameters, and 413 / 415 where it has a JSON body.
 */
export function documentMiddlewareAnswers(app: OpenAPIHono<HttpEnv>, ignoresCredentials: (path: string) => boolean) {
  for (const route of routesOf(app)) {
    const answers: Array<keyof typeof errorResponses> = [];
    if (isIdempotent(route.method)) {
      const operation = route as { parameters?: unknown[] }; // the OpenAPI 3.0 and 3.1 parameter types differ
      operation.parameters = [...(operation.parameters ?? []), idempotencyKeyParameter];
      answers.push(400, 409, 422);
    }
    if (!ignoresCredentials(route.path)) answers.push(401);
    if (route.request?.params || route.request?.query) answers.push(400);
    if (route.request?.body) answers.push(400, 413, 415);
    for (const status of answers) route.responses[status] ??= errorResponses[status];
  }
}

/** Matches requests to the routes documented as taking a bearer token (`signedInOnly`, `rolesOnly`). */
export function signedInRoutes(app: OpenAPIHono<HttpEnv>): RouteMatcher {
  const patterns = routesOf(app)
    .filter((route) => (route.security ?? []).length > 0)
    .map((route) => ({
      method: route.method.toUpperCase(),
      path: new RegExp(
        `^${route.path
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
          .join("[^/]+")}$`,
      ),
    }));
  return (method, path) => patterns.some((pattern) => pattern.method === method && pattern.path.test(path));
}
